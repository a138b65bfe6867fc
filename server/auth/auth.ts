/**
 * Accounts (issue 12) with Better Auth (https://better-auth.com): sign-in with user name or email and
 * password, passwords hashed with scrypt (N=16384, r=16, p=1 — memory-hard, Better Auth's default via
 * node:crypto), sessions stored in PostgreSQL through Prisma, HTTP-only SameSite=Lax cookies (Secure when
 * AUTH_URL is https), origin checks on its own endpoints, and its rate limiter throttling sign-in.
 * Users are created by an admin (public sign-up is off) or by the first-start setup (server/services/users.ts).
 *
 * Roles live in the `role` column (admin plugin); what each role may do is core/roles.ts, enforced by
 * the tRPC role middleware (server/api/trpc.ts), not by Better Auth's access control, which only guards
 * its own /api/auth/admin/* endpoints (admins only).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { betterAuth } from 'better-auth';
import { prismaAdapter } from 'better-auth/adapters/prisma';
import { admin, username } from 'better-auth/plugins';
import { createAccessControl } from 'better-auth/plugins/access';
import { adminAc, defaultStatements } from 'better-auth/plugins/admin/access';
import { ROLES } from '../../core/roles';
import { db, type Db } from '../db';
import { env } from '../env';

/** Sign-in attempts per client IP and sign-in path before Better Auth answers 429 (rolling window). */
export const SIGN_IN_MAX_ATTEMPTS = 10;
export const SIGN_IN_WINDOW_S = 300;
export const AUTH_COOKIE_PREFIX = 'videocap';
export const MIN_PASSWORD_LENGTH = 10;

const ac = createAccessControl(defaultStatements);
const noAdminRights = ac.newRole({ user: [], session: [] });
const accessRoles = Object.fromEntries(ROLES.map((r) => [r, r === 'admin' ? ac.newRole(adminAc.statements) : noAdminRights]));

export interface AuthOptions {
  secret: string;
  /** Public URL (AUTH_URL); without it Better Auth takes the origin of each request. */
  baseURL?: string;
  trustedOrigins?: string[];
}

/** A Better Auth instance over a Prisma client. The app uses `auth()`; tests may build one over another database. */
export function createAuth(prisma: Db, opts: AuthOptions) {
  return betterAuth({
    appName: 'VideoCap Studio',
    secret: opts.secret,
    baseURL: opts.baseURL,
    basePath: '/api/auth',
    // The app's own origin is the one the browser used (its Host header; `next start` may see another
    // host name in request.url), plus AUTH_URL / AUTH_TRUSTED_ORIGINS — the same rule as server/auth/csrf.ts.
    trustedOrigins: (request?: Request) => {
      const host = request?.headers.get('host');
      return [...(opts.trustedOrigins ?? []), ...(host ? [`http://${host}`, `https://${host}`] : [])];
    },
    database: prismaAdapter(prisma, { provider: 'postgresql' }),
    telemetry: { enabled: false },
    // Without AUTH_URL the origin of each request is used on purpose; the "Base URL is not set" warning is noise.
    logger: { level: 'error' },
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: 256,
      revokeSessionsOnPasswordReset: true,
    },
    session: {
      expiresIn: 60 * 60 * 24 * 7,
      updateAge: 60 * 60 * 24,
      // Every request reads the session row, so signing out or disabling a user takes effect at once.
      cookieCache: { enabled: false },
    },
    rateLimit: {
      enabled: true,
      storage: 'database',
      window: 60,
      max: 300,
      customRules: { '/sign-in/*': { window: SIGN_IN_WINDOW_S, max: SIGN_IN_MAX_ATTEMPTS } },
    },
    // No public sign-up, no user-name probing, no impersonation.
    disabledPaths: ['/sign-up/email', '/is-username-available', '/admin/impersonate-user', '/admin/stop-impersonating'],
    advanced: {
      cookiePrefix: AUTH_COOKIE_PREFIX,
      useSecureCookies: opts.baseURL ? opts.baseURL.startsWith('https://') : false,
    },
    plugins: [
      username({ minUsernameLength: 2, maxUsernameLength: 64 }),
      admin({ ac, roles: accessRoles, adminRoles: ['admin'], defaultRole: 'viewer' }),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;

/**
 * AUTH_SECRET, or a secret generated once into `.data/auth-secret` (mode 0600) so a single instance
 * (demo, laptop) needs no configuration. Several app instances must share one AUTH_SECRET.
 */
export function authSecret(): string {
  const configured = env().AUTH_SECRET;
  if (configured) return configured;
  const dir = path.join(process.cwd(), '.data');
  const file = path.join(dir, 'auth-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    return readFileSync(file, 'utf8').trim();
  }
}

/** Origins allowed to send cookie-authenticated mutations besides the request's own: AUTH_URL and AUTH_TRUSTED_ORIGINS. */
export function configuredOrigins(): string[] {
  const e = env();
  const list = (e.AUTH_TRUSTED_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (e.AUTH_URL) list.unshift(new URL(e.AUTH_URL).origin);
  return list;
}

const globalForAuth = globalThis as unknown as { videocapAuth?: Auth };

/** The app's Better Auth instance (over the one Prisma client). */
export function auth(): Auth {
  globalForAuth.videocapAuth ??= createAuth(db(), {
    secret: authSecret(),
    baseURL: env().AUTH_URL,
    trustedOrigins: configuredOrigins(),
  });
  return globalForAuth.videocapAuth;
}
