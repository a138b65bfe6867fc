/** Errors services throw; routers and HTTP handlers map them to tRPC codes / HTTP statuses. */
export class NotFoundError extends Error {
  readonly status = 404;
}
export class ValidationError extends Error {
  readonly status = 400;
  constructor(
    message: string,
    readonly fieldErrors: Record<string, string> = {},
    /** More of the answer for HTTP clients (e.g. what an ingest batch did store). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
export class ConflictError extends Error {
  readonly status = 409;
}
export class UnavailableError extends Error {
  readonly status = 503;
}
/** Not signed in, or a missing / unknown / expired / revoked token (HTTP 401). */
export class UnauthorizedError extends Error {
  readonly status = 401;
}
/** Signed in, but the role does not allow it (HTTP 403); `requiredRole` names the role it needs. */
export class ForbiddenError extends Error {
  readonly status = 403;
  constructor(
    message: string,
    readonly requiredRole: string | null = null,
  ) {
    super(message);
  }
}
