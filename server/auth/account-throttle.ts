/**
 * Sign-in throttling per account, beside Better Auth's per-address limiter (server/auth/auth.ts).
 * The address Better Auth keys on comes from `X-Forwarded-For`, which a client reaches directly can
 * set to anything, so an address limit alone can be bypassed by varying the header. This limit keys on
 * the user name or email tried: after ACCOUNT_MAX_FAILURES failed sign-ins (401) for one identifier,
 * further attempts for it are answered 429 (with Retry-After) until ACCOUNT_WINDOW_S seconds have passed
 * since the last failure; a successful sign-in clears the count. Rows live in Better Auth's `RateLimit`
 * table under the key `account-sign-in:<identifier>`, so every app instance shares them.
 */
import type { Db } from '../db';

export const ACCOUNT_MAX_FAILURES = 20;
export const ACCOUNT_WINDOW_S = 900;

const SIGN_IN_PATH = /\/api\/auth\/sign-in\/(username|email)$/;

/** The identifier a sign-in request tries (lower case), or null when it is not a sign-in or has none. */
export async function signInIdentifier(req: Request): Promise<string | null> {
  if (req.method !== 'POST' || !SIGN_IN_PATH.test(new URL(req.url).pathname)) return null;
  try {
    const body = (await req.clone().json()) as { username?: unknown; email?: unknown };
    const id = typeof body.username === 'string' ? body.username : typeof body.email === 'string' ? body.email : null;
    return id ? id.trim().toLowerCase().slice(0, 320) : null;
  } catch {
    return null;
  }
}

function key(identifier: string): string {
  return `account-sign-in:${identifier}`;
}

/** Seconds to wait before `identifier` may try again (0 = may try now). */
export async function accountRetryAfter(db: Db, identifier: string, now = Date.now()): Promise<number> {
  const row = await db.rateLimit.findUnique({ where: { key: key(identifier) } });
  if (!row || row.count < ACCOUNT_MAX_FAILURES) return 0;
  const left = Number(row.lastRequest) + ACCOUNT_WINDOW_S * 1000 - now;
  return left > 0 ? Math.ceil(left / 1000) : 0;
}

/** Records the outcome of a sign-in attempt for `identifier`: a failure counts, a success clears. */
export async function recordSignIn(db: Db, identifier: string, ok: boolean, now = Date.now()): Promise<void> {
  const k = key(identifier);
  if (ok) {
    await db.rateLimit.deleteMany({ where: { key: k } });
    return;
  }
  const row = await db.rateLimit.findUnique({ where: { key: k } });
  const stale = row && now - Number(row.lastRequest) > ACCOUNT_WINDOW_S * 1000;
  await db.rateLimit.upsert({
    where: { key: k },
    create: { id: k, key: k, count: 1, lastRequest: BigInt(now) },
    update: stale ? { count: 1, lastRequest: BigInt(now) } : { count: { increment: 1 }, lastRequest: BigInt(now) },
  });
}
