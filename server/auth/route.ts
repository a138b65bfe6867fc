/**
 * Role checks for plain Next.js route handlers (app/api/**): the same rules as the tRPC role middleware.
 *
 *   export async function GET(req: Request) {
 *     const caller = await requireRole(req, 'read');
 *     if (caller instanceof Response) return caller;   // 401 / 403 JSON
 *     …
 *   }
 */
import { CAPABILITY_ROLE, roleCan, rolesWith, type Capability } from '../../core/roles';
import { ForbiddenError, UnauthorizedError } from '../services/errors';
import { resolveActor, type Actor } from './actor';
import { assertSameOrigin } from './csrf';

const SIGN_IN_REQUIRED = 'sign in required: a session cookie (browser) or Authorization: Bearer <VIDEOCAP_API_TOKEN> (create one on /account)';

/** The caller if it may use `capability`, else the 401 / 403 Response to return. Non-GET requests also get the CSRF check. */
export async function requireRole(req: Request, capability: Capability): Promise<Actor | Response> {
  let actor: Actor | null;
  try {
    actor = await resolveActor(req.headers);
  } catch (e) {
    if (e instanceof UnauthorizedError) return Response.json({ error: e.message }, { status: 401 });
    throw e;
  }
  if (!actor) return Response.json({ error: SIGN_IN_REQUIRED }, { status: 401 });
  if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method) && actor.via !== 'token') {
    try {
      assertSameOrigin(req.headers, { requireOrigin: actor.via === 'session' });
    } catch (e) {
      if (e instanceof ForbiddenError) return Response.json({ error: e.message }, { status: 403 });
      throw e;
    }
  }
  if (!roleCan(actor.role, capability)) {
    const needed = CAPABILITY_ROLE[capability];
    return Response.json(
      { error: `${new URL(req.url).pathname} needs the ${needed} role (allowed: ${rolesWith(capability).join(', ')}); you are ${actor.role}`, requiredRole: needed },
      { status: 403 },
    );
  }
  return actor;
}
