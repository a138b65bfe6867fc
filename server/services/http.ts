/** Helpers for the token-authenticated ingest API (plain JSON over HTTP, used by runners and scripts). */
import type { z } from 'zod';
import { db } from '../db';
import { databaseRefusal } from './db-errors';
import { ConflictError, NotFoundError, UnavailableError, ValidationError } from './errors';
import { verifyRunnerToken } from './tokens';

export function jsonError(status: number, error: string, details?: unknown, extra: Record<string, unknown> = {}): Response {
  return Response.json({ error, ...(details ? { details } : {}), ...extra }, { status });
}

/** Authenticate, parse and validate the body, run the handler, map errors to statuses. */
export async function ingestHandler<S extends z.ZodType>(
  req: Request,
  schema: S | null,
  handler: (body: z.infer<S>) => Promise<unknown>,
): Promise<Response> {
  if (!(await verifyRunnerToken(db(), req.headers.get('authorization')).catch(() => false))) {
    return jsonError(401, 'missing or invalid runner token (Authorization: Bearer <token>)');
  }
  let body: unknown = undefined;
  if (schema) {
    try {
      body = await req.json();
    } catch {
      return jsonError(400, 'request body is not valid JSON');
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 20).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
      return jsonError(400, `invalid request body — ${issues.join('; ')}`, issues);
    }
    body = parsed.data;
  }
  try {
    return Response.json(await handler(body as z.infer<S>));
  } catch (e) {
    if (e instanceof NotFoundError) return jsonError(404, e.message);
    if (e instanceof ValidationError) return jsonError(400, e.message, e.fieldErrors, e.extra);
    if (e instanceof ConflictError) return jsonError(409, e.message);
    if (e instanceof UnavailableError) return jsonError(503, e.message);
    // A value the database refuses is the request's fault (400, not retried); anything else is ours, and
    // its internals (Prisma's invocation trace, SQL) stay in the server log.
    const refusal = databaseRefusal(e);
    if (refusal) return jsonError(400, `the database refused a value: ${refusal}`);
    const ref = Math.random().toString(36).slice(2, 10);
    console.error(`ingest error [${ref}]`, e);
    return jsonError(500, `internal error [${ref}]: ${e instanceof Error ? e.name : 'unknown'} (details in the server log)`);
  }
}
