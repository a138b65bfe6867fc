/**
 * Who is calling: resolved from a request's headers for tRPC procedures and route handlers.
 *   - AUTH_MODE=open → the local open-mode actor (admin, no user row).
 *   - `Authorization: Bearer vcp_…` → the personal API token's owner (401 if unknown, expired, revoked
 *     or the owner is disabled; a wrong header is never silently ignored in favour of a cookie).
 *   - otherwise the Better Auth session cookie → its user (null when absent, signed out or expired).
 */
import { getSessionCookie } from 'better-auth/cookies';
import { isRole, type Role } from '../../core/roles';
import { db, type Db } from '../db';
import { env } from '../env';
import { UnauthorizedError } from '../services/errors';
import { verifyApiToken } from '../services/tokens';
import { auth, AUTH_COOKIE_PREFIX, type Auth } from './auth';

export interface Actor {
  /** How the caller authenticated. */
  via: 'session' | 'token' | 'open';
  /** null in open mode (no user row). */
  userId: string | null;
  /** Display name. */
  name: string;
  username: string | null;
  role: Role;
  sessionId?: string;
  tokenId?: string;
}

export const OPEN_ACTOR: Actor = Object.freeze({ via: 'open', userId: null, name: 'local (open mode)', username: null, role: 'admin' });

export function authMode(): 'accounts' | 'open' {
  return env().AUTH_MODE;
}

/** The token of an `Authorization: Bearer <token>` header; null without the header; 401 when it is malformed. */
export function bearerToken(headers: Headers): string | null {
  const h = headers.get('authorization');
  if (h === null) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  if (!m) throw new UnauthorizedError('the Authorization header must be "Bearer <token>"');
  return m[1]!;
}

export function hasSessionCookie(headers: Headers): boolean {
  return getSessionCookie(headers, { cookiePrefix: AUTH_COOKIE_PREFIX }) !== null;
}

let defaultTestToken: string | null = null;

/**
 * Integration tests only (vitest; server/testing/integration-setup.ts): an API token used for requests
 * that carry no credentials at all, so tests that are not about access run as the harness's admin
 * without each passing headers — like Playwright's stored sign-in. It is a real token, verified like
 * any other. Auth tests switch it off (`null`) to see what an anonymous caller gets.
 */
export function setDefaultTestToken(token: string | null): void {
  if (!process.env.VITEST) throw new Error('setDefaultTestToken is only for the integration tests');
  defaultTestToken = token;
}

/**
 * The caller of a request, or null when nobody is signed in. Throws UnauthorizedError for a bad token.
 * `deps` lets tests resolve against another database / auth instance.
 */
export async function resolveActor(headers: Headers, deps: { db?: Db; auth?: Auth } = {}): Promise<Actor | null> {
  if (authMode() === 'open') return OPEN_ACTOR;
  const prisma = deps.db ?? db();
  const token = bearerToken(headers) ?? (defaultTestToken && !hasSessionCookie(headers) ? defaultTestToken : null);
  if (token !== null) {
    const { user, tokenId } = await verifyApiToken(prisma, token);
    return { via: 'token', userId: user.id, name: user.name, username: user.displayUsername ?? user.username, role: asRole(user.role), tokenId };
  }
  if (!hasSessionCookie(headers)) return null;
  const session = await (deps.auth ?? auth()).api.getSession({ headers });
  if (!session) return null;
  const u = session.user as typeof session.user & { role?: string | null; username?: string | null; displayUsername?: string | null; banned?: boolean | null };
  if (u.banned) return null;
  return {
    via: 'session',
    userId: u.id,
    name: u.name,
    username: u.displayUsername ?? u.username ?? null,
    role: asRole(u.role),
    sessionId: session.session.id,
  };
}

/** An unknown role string (a hand-edited row) gets the least privilege. */
function asRole(role: string | null | undefined): Role {
  return isRole(role) ? role : 'viewer';
}
