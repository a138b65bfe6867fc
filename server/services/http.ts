/** Helpers for the token-authenticated ingest API (plain JSON over HTTP, used by runners and scripts). */
import type { z } from 'zod';
import { roleCan } from '../../core/roles';
import { db, type Db } from '../db';
import { databaseRefusal } from './db-errors';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, UnavailableError, ValidationError } from './errors';
import { API_TOKEN_PREFIX, verifyApiToken, verifyRunnerToken } from './tokens';

/** Who writes through the ingest API: a runner (runner token), or a researcher's personal API token (`videocap import`). */
export type IngestCaller = { kind: 'runner' } | { kind: 'user'; userId: string; role: string };

/**
 * A runner token, or a personal API token whose owner may import (researcher, admin). A user may only
 * write to runs they created (admins: any). Throws UnauthorizedError / ForbiddenError.
 */
export async function authenticateIngest(prisma: Db, authorization: string | null, runId?: string): Promise<IngestCaller> {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (m && m[1]!.startsWith(API_TOKEN_PREFIX)) {
    const { user } = await verifyApiToken(prisma, m[1]!);
    if (!roleCan(user.role, 'research')) throw new ForbiddenError(`the ingest API needs the researcher role; you are ${user.role}`, 'researcher');
    if (runId && user.role !== 'admin') {
      const run = await prisma.run.findUnique({ where: { id: runId }, select: { createdById: true } });
      if (run && run.createdById !== user.id) throw new ForbiddenError(`run ${runId} was not created by you; only its runner or an admin may write to it`, 'admin');
    }
    return { kind: 'user', userId: user.id, role: user.role };
  }
  if (await verifyRunnerToken(prisma, authorization)) return { kind: 'runner' };
  throw new UnauthorizedError('missing or invalid runner token (Authorization: Bearer <token>)');
}

export function jsonError(status: number, error: string, details?: unknown, extra: Record<string, unknown> = {}): Response {
  return Response.json({ error, ...(details ? { details } : {}), ...extra }, { status });
}

/** Authenticate, parse and validate the body, run the handler, map errors to statuses. */
export async function ingestHandler<S extends z.ZodType>(
  req: Request,
  schema: S | null,
  handler: (body: z.infer<S>, caller: IngestCaller) => Promise<unknown>,
  opts: { runId?: string } = {},
): Promise<Response> {
  let caller: IngestCaller;
  try {
    caller = await authenticateIngest(db(), req.headers.get('authorization'), opts.runId);
  } catch (e) {
    if (e instanceof ForbiddenError) return jsonError(403, e.message);
    return jsonError(401, e instanceof UnauthorizedError ? e.message : 'missing or invalid runner token (Authorization: Bearer <token>)');
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
    // BIGINT columns (steps) arrive as bigint; on the wire they are JSON numbers (exact below 2^53).
    const result = await handler(body as z.infer<S>, caller);
    return new Response(JSON.stringify(result, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)), { headers: { 'content-type': 'application/json' } });
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
