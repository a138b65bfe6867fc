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
