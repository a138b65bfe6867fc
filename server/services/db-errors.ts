/**
 * Tells a database that refuses a value (the request's fault: a 400, never retried) from a database that
 * fails (an outage: a 5xx the client retries), and words the refusal without Prisma's internals.
 *
 * PostgreSQL SQLSTATE classes (https://www.postgresql.org/docs/current/errcodes-appendix.html): 22 data
 * exception (value out of range, invalid text encoding, invalid JSON), 23 integrity constraint violation,
 * 54 program limit exceeded (a value too large or too deeply nested).
 * Prisma wraps them as PrismaClientKnownRequestError with `meta.driverAdapterError.cause.originalCode`
 * (driver adapters) or with its own value codes (P2000 value too long, P2005/P2006/P2007 invalid value,
 * P2011/P2012 missing value, P2019/P2020 out of range, P2033 number does not fit in 64 bits).
 */
import { Prisma } from '../generated/prisma/client';

const PRISMA_VALUE_CODES = new Set(['P2000', 'P2005', 'P2006', 'P2007', 'P2011', 'P2012', 'P2019', 'P2020', 'P2033']);

interface AdapterCause {
  originalCode?: string;
  code?: string;
  originalMessage?: string;
  message?: string;
  detail?: string;
}

function adapterCause(meta: unknown): AdapterCause | null {
  if (!meta || typeof meta !== 'object') return null;
  const dae = (meta as { driverAdapterError?: { cause?: unknown } }).driverAdapterError;
  const cause = dae?.cause;
  return cause && typeof cause === 'object' ? (cause as AdapterCause) : null;
}

function sqlState(e: unknown): string | null {
  if (e instanceof Prisma.PrismaClientKnownRequestError) {
    const cause = adapterCause(e.meta);
    const code = cause?.originalCode ?? cause?.code ?? (typeof e.meta?.code === 'string' ? e.meta.code : null);
    return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
  }
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/**
 * The database's reason when `e` is a refusal of the data sent (SQLSTATE class 22, 23 or 54, or one of Prisma's
 * value errors), in one line; null for anything else (connection lost, timeouts, bugs).
 */
export function databaseRefusal(e: unknown): string | null {
  const state = sqlState(e);
  const isPrismaValue = e instanceof Prisma.PrismaClientKnownRequestError && PRISMA_VALUE_CODES.has(e.code);
  if (!isPrismaValue && !(state && (state.startsWith('22') || state.startsWith('23') || state.startsWith('54')))) return null;
  if (e instanceof Prisma.PrismaClientKnownRequestError) {
    const cause = adapterCause(e.meta);
    const msg = cause?.originalMessage ?? cause?.message;
    if (msg) return `${msg}${cause?.detail ? ` (${cause.detail})` : ''}${state ? ` [SQLSTATE ${state}]` : ''}`;
    // Prisma's own message ends with the useful sentence; drop the invocation trace above it.
    const lines = e.message.split('\n').map((l) => l.trim()).filter(Boolean);
    return lines[lines.length - 1] ?? e.code;
  }
  return e instanceof Error ? e.message.split('\n')[0]! : String(e);
}
