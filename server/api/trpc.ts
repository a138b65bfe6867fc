/**
 * tRPC context and procedure builders (create-t3-app layout). Service errors become tRPC errors with
 * the right code, and validation errors carry `fieldErrors` so forms can show them on the field.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError } from 'zod';
import { db } from '../db';
import { databaseRefusal } from '../services/db-errors';
import { ConflictError, NotFoundError, UnavailableError, ValidationError } from '../services/errors';
import { Prisma } from '../generated/prisma/client';

export async function createTRPCContext(opts: { headers: Headers }) {
  return { db: db(), headers: opts.headers };
}
export type Context = Awaited<ReturnType<typeof createTRPCContext>>;

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
    return { ...shape, data: { ...shape.data, fieldErrors } };
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

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
/** No login yet: every procedure is public (single-team deployment behind your own network). */
export const publicProcedure = t.procedure.use(mapServiceErrors);

/*
 * Role-scoped procedures (issue 12, accounts). Until accounts land they are the public procedure;
 * new procedures must already pick the role they need so the accounts work only has to enforce it:
 *   viewerProcedure     — read anything (queries)
 *   researcherProcedure — launch, cancel, clone, evaluate, import, curate
 *   annotatorProcedure  — create / edit / delete span annotations
 *   adminProcedure      — users, roles, API and runner tokens
 */
export const viewerProcedure = publicProcedure;
export const researcherProcedure = publicProcedure;
export const annotatorProcedure = publicProcedure;
export const adminProcedure = publicProcedure;
