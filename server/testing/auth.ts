/**
 * Test helpers for accounts (integration tests). Tests that are not about access need none of this:
 * they run as the harness's admin (server/testing/integration-setup.ts).
 *
 *   const researcher = await createTestUser('researcher');
 *   const caller = createCaller({ db: db(), headers: authHeaders(researcher.token) });
 *   const cookie = (await signIn(app.url, researcher.username, researcher.password)).cookie;
 */
import { randomBytes } from 'node:crypto';
import type { Role } from '../../core/roles';
import { setDefaultTestToken } from '../auth/actor';
import { auth } from '../auth/auth';
import { db } from '../db';
import { createApiToken } from '../services/tokens';
import { createUser } from '../services/users';

/** Headers with `Authorization: Bearer <token>` (default: the harness admin's VIDEOCAP_API_TOKEN). */
export function authHeaders(token = process.env.VIDEOCAP_API_TOKEN): Headers {
  if (!token) throw new Error('VIDEOCAP_API_TOKEN is not set: run the integration tests through `npm test -- integration`');
  return new Headers({ authorization: `Bearer ${token}` });
}

/** Requests without credentials stay anonymous until `restore()` (for tests of 401s). */
export function asAnonymous(): { restore: () => void } {
  setDefaultTestToken(null);
  return { restore: () => setDefaultTestToken(process.env.VIDEOCAP_API_TOKEN ?? null) };
}

export interface TestUser {
  id: string;
  username: string;
  password: string;
  /** A personal API token of this user. */
  token: string;
}

/** A user with `role`, a random password (hashed by Better Auth) and a personal API token. */
export async function createTestUser(role: Role, prefix: string = role): Promise<TestUser> {
  const username = `${prefix}_${randomBytes(4).toString('hex')}`;
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  const user = await createUser(db(), auth(), { username, password, role });
  const { token } = await createApiToken(db(), user.id, { name: 'test' });
  return { id: user.id, username, password, token };
}

/**
 * Sign in over HTTP through Better Auth (/api/auth/sign-in/username, or /email when `login` has an @).
 * `ip` goes in X-Forwarded-For so tests get their own sign-in throttling bucket.
 */
export async function signIn(baseUrl: string, login: string, password: string, opts: { ip?: string } = {}) {
  const byEmail = login.includes('@');
  const res = await fetch(`${baseUrl}/api/auth/sign-in/${byEmail ? 'email' : 'username'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl, 'x-forwarded-for': opts.ip ?? randomIp() },
    body: JSON.stringify(byEmail ? { email: login, password } : { username: login, password }),
  });
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .filter((c) => !c.endsWith('='))
    .join('; ');
  const body = (await res.json().catch(() => null)) as { message?: string; code?: string } | null;
  return { status: res.status, cookie, body, retryAfter: res.headers.get('x-retry-after') };
}

/** A random private address per call, so tests' sign-in throttling buckets do not collide. */
export function randomIp(): string {
  const b = randomBytes(3);
  return `10.${b[0]}.${b[1]}.${b[2]}`;
}
