/**
 * tRPC context and procedure builders (create-t3-app layout). Service errors become tRPC errors with
 * the right code, and validation errors carry `fieldErrors` so forms can show them on the field.
 * Every procedure is role-scoped (issue 12): 401 without a session / API token, 403 naming the role needed.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError } from 'zod';
import { CAPABILITY_ROLE, roleCan, rolesWith, type Capability } from '../../core/roles';
import { resolveActor, type Actor } from '../auth/actor';
import { assertSameOrigin } from '../auth/csrf';
import { db, type Db } from '../db';
import { databaseRefusal } from '../services/db-errors';
import { Prisma } from '../generated/prisma/client';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, UnavailableError, ValidationError } from '../services/errors';

export interface Context {
  db: Db;
  /** The request's headers: the session cookie or `Authorization: Bearer <API token>` identify the caller. */
  headers: Headers;
  /**
   * The caller, when already known (tests: server/testing/auth.ts). Left undefined, the role middleware
   * resolves it from `headers`; null means nobody is signed in.
   */
  actor?: Actor | null;
}

export async function createTRPCContext(opts: { headers: Headers }): Promise<Context> {
  return { db: db(), headers: opts.headers };
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    let fieldErrors: Record<string, string> | null = null;
    if (cause instanceof ZodError) {
      fieldErrors = {};
      for (const i of cause.issues) fieldErrors[i.path.join('.') || '(input)'] ??= i.message;
    } else if (cause instanceof ValidationError) {
      fieldErrors = cause.fieldErrors;
    }
    const requiredRole = cause instanceof ForbiddenError ? cause.requiredRole : null;
    // tRPC's message for an input-schema error is zod's JSON dump of the issues: say it in one line
    // ("invalid input: name: too short; grpo.numGenerations: …"); fieldErrors keeps the per-field form.
    const message = cause instanceof ZodError ? `invalid input: ${cause.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ')}` : shape.message;
    return { ...shape, message, data: { ...shape.data, fieldErrors, requiredRole } };
  },
});

const mapServiceErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof NotFoundError) throw new TRPCError({ code: 'NOT_FOUND', message: cause.message, cause });
    if (cause instanceof ValidationError) throw new TRPCError({ code: 'BAD_REQUEST', message: cause.message, cause });
    if (cause instanceof ConflictError) throw new TRPCError({ code: 'CONFLICT', message: cause.message, cause });
    if (cause instanceof UnavailableError) throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: cause.message, cause });
    if (cause instanceof UnauthorizedError) throw new TRPCError({ code: 'UNAUTHORIZED', message: cause.message, cause });
    if (cause instanceof ForbiddenError) throw new TRPCError({ code: 'FORBIDDEN', message: cause.message, cause });
    // Database errors never reach a client with Prisma's internals: a refused value is the input's fault.
    const refusal = databaseRefusal(cause);
    if (refusal) throw new TRPCError({ code: 'BAD_REQUEST', message: `the database refused a value: ${refusal}`, cause });
    if (cause instanceof Prisma.PrismaClientKnownRequestError || cause instanceof Prisma.PrismaClientUnknownRequestError || cause instanceof Prisma.PrismaClientValidationError) {
      const ref = Math.random().toString(36).slice(2, 10);
      console.error(`database error [${ref}]`, cause);
      throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: `internal error [${ref}] (details in the server log)`, cause });
    }
  }
  return result;
});

export const SIGN_IN_REQUIRED = 'sign in required: a session cookie (browser) or Authorization: Bearer <VIDEOCAP_API_TOKEN> (create one on /account)';

/** The caller of this request: the one given in the context, else resolved from its headers (401 on a bad token). */
async function callerOf(ctx: Context): Promise<Actor | null> {
  if (ctx.actor !== undefined) return ctx.actor;
  try {
    return await resolveActor(ctx.headers, { db: ctx.db });
  } catch (e) {
    if (e instanceof UnauthorizedError) throw new TRPCError({ code: 'UNAUTHORIZED', message: e.message, cause: e });
    throw e;
  }
}

/**
 * Role middleware: 401 without a caller, 403 naming the role the procedure needs, and for mutations
 * riding on ambient credentials (session cookie, open mode) a same-origin check (CSRF).
 */
function requireCapability(capability: Capability) {
  return t.middleware(async ({ ctx, path, type, next }) => {
    const actor = await callerOf(ctx);
    if (!actor) throw new TRPCError({ code: 'UNAUTHORIZED', message: SIGN_IN_REQUIRED });
    if (type === 'mutation' && actor.via !== 'token') {
      try {
        assertSameOrigin(ctx.headers, { requireOrigin: actor.via === 'session' });
      } catch (e) {
        if (e instanceof ForbiddenError) throw new TRPCError({ code: 'FORBIDDEN', message: e.message, cause: e });
        throw e;
      }
    }
    if (!roleCan(actor.role, capability)) {
      const needed = CAPABILITY_ROLE[capability];
      const message = `${path} needs the ${needed} role (allowed: ${rolesWith(capability).join(', ')}); you are ${actor.role}`;
      throw new TRPCError({ code: 'FORBIDDEN', message, cause: new ForbiddenError(message, needed) });
    }
    return next({ ctx: { ...ctx, actor } });
  });
}

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
/**
 * No sign-in needed. Only for what must work signed out (health, the session/setup state, first-start
 * setup); server/api/access.int.test.ts lists each one and fails on any other public procedure.
 */
export const publicProcedure = t.procedure.use(mapServiceErrors);

/*
 * Role-scoped procedures (core/roles.ts). `ctx.actor` is the caller (userId null in open mode).
 *   viewerProcedure     — read anything (queries); any signed-in role
 *   researcherProcedure — launch, cancel, clone, evaluate, import, curate; researcher, admin
 *   annotatorProcedure  — create / edit / delete span annotations; annotator, researcher, admin
 *   adminProcedure      — users, roles, runner tokens; admin
 */
export const viewerProcedure = publicProcedure.use(requireCapability('read'));
export const researcherProcedure = publicProcedure.use(requireCapability('research'));
export const annotatorProcedure = publicProcedure.use(requireCapability('annotate'));
export const adminProcedure = publicProcedure.use(requireCapability('admin'));
