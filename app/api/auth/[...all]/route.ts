import { accountRetryAfter, recordSignIn, signInIdentifier } from '../../../../server/auth/account-throttle';
import { auth } from '../../../../server/auth/auth';
import { authMode } from '../../../../server/auth/actor';
import { db } from '../../../../server/db';

export const dynamic = 'force-dynamic';

/**
 * Better Auth's endpoints: /api/auth/sign-in/username, /sign-in/email, /sign-out, /change-password,
 * /get-session, … Sign-ins are also throttled per account (server/auth/account-throttle.ts).
 */
async function handler(req: Request): Promise<Response> {
  if (authMode() === 'open') return Response.json({ error: 'accounts are off (AUTH_MODE=open)' }, { status: 404 });
  const identifier = await signInIdentifier(req);
  if (identifier) {
    const wait = await accountRetryAfter(db(), identifier);
    if (wait > 0) {
      return Response.json(
        { code: 'TOO_MANY_REQUESTS', message: `Too many failed sign-ins for this account; try again in ${wait} s` },
        { status: 429, headers: { 'retry-after': String(wait), 'x-retry-after': String(wait) } },
      );
    }
  }
  const res = await auth().handler(req);
  if (identifier && (res.status === 200 || res.status === 401)) await recordSignIn(db(), identifier, res.status === 200);
  return res;
}

export { handler as GET, handler as POST };
