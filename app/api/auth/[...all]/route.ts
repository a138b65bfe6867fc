import { auth } from '../../../../server/auth/auth';
import { authMode } from '../../../../server/auth/actor';

export const dynamic = 'force-dynamic';

/** Better Auth's endpoints: /api/auth/sign-in/username, /sign-in/email, /sign-out, /change-password, /get-session, … */
async function handler(req: Request): Promise<Response> {
  if (authMode() === 'open') return Response.json({ error: 'accounts are off (AUTH_MODE=open)' }, { status: 404 });
  return auth().handler(req);
}

export { handler as GET, handler as POST };
