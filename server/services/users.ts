/**
 * Users and roles. Creation and password hashing go through Better Auth (server/auth/auth.ts: scrypt,
 * credential account); role changes, disabling and password resets write our columns and revoke the
 * user's sessions so they take effect on the next request.
 */
import { APIError } from 'better-auth/api';
import { z } from 'zod';
import { ROLES, type Role } from '../../core/roles';
import type { Auth } from '../auth/auth';
import { MIN_PASSWORD_LENGTH } from '../auth/auth';
import type { Db } from '../db';
import { ConflictError, NotFoundError, ValidationError } from './errors';

export const usernameSchema = z
  .string()
  .trim()
  .min(2, 'must be at least 2 characters')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9_.]+$/, 'may contain letters, digits, "_" and "." only');
export const passwordSchema = z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).max(256, 'must be at most 256 characters');
export const newUserSchema = z.object({
  username: usernameSchema,
  name: z.string().trim().max(200).optional(),
  email: z.union([z.literal(''), z.email('must be an email address')]).optional(),
  password: passwordSchema,
  role: z.enum(ROLES),
});
export type NewUser = z.infer<typeof newUserSchema>;

/** Users without an email get a placeholder in the reserved `.invalid` domain (RFC 2606); Better Auth needs one. */
export const NO_EMAIL_DOMAIN = 'users.videocap.invalid';

export const userSelect = {
  id: true,
  name: true,
  email: true,
  username: true,
  displayUsername: true,
  role: true,
  banned: true,
  createdAt: true,
} as const;

/** Better Auth's APIError → our service errors (message kept). */
function fromAuthError(e: unknown): never {
  if (e instanceof APIError) {
    const message = (e.body as { message?: string } | undefined)?.message ?? e.message;
    if (e.status === 'BAD_REQUEST' || e.status === 'UNPROCESSABLE_ENTITY') throw new ValidationError(message);
    if (e.status === 'NOT_FOUND') throw new NotFoundError(message);
  }
  throw e;
}

/** Create a user with a password (hashed by Better Auth) and a role. */
export async function createUser(db: Db, authInstance: Auth, input: NewUser) {
  const parsed = newUserSchema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const i of parsed.error.issues) fieldErrors[i.path.join('.') || '(input)'] ??= i.message;
    throw new ValidationError(`invalid user — ${Object.entries(fieldErrors).map(([k, v]) => `${k}: ${v}`).join('; ')}`, fieldErrors);
  }
  const { username, password, role } = parsed.data;
  const normalized = username.toLowerCase();
  const email = (parsed.data.email || `${normalized}@${NO_EMAIL_DOMAIN}`).toLowerCase();
  if (await db.user.findUnique({ where: { username: normalized }, select: { id: true } })) {
    throw new ConflictError(`user name "${username}" is taken`);
  }
  if (await db.user.findUnique({ where: { email }, select: { id: true } })) {
    throw new ConflictError(`email "${email}" belongs to another user`);
  }
  try {
    const { user } = await authInstance.api.createUser({
      body: { email, password, name: parsed.data.name || username, role, data: { username: normalized, displayUsername: username } },
    });
    return db.user.findUniqueOrThrow({ where: { id: user.id }, select: userSelect });
  } catch (e) {
    fromAuthError(e);
  }
}

export async function countUsers(db: Db): Promise<number> {
  return db.user.count();
}

/**
 * First start: create the admin while no user exists (Grafana / Label Studio style). Serialised with
 * a transaction-scoped advisory lock, so two browsers submitting at once create one admin.
 */
export async function setupFirstAdmin(db: Db, authInstance: Auth, input: Omit<NewUser, 'role'>) {
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(727312)`;
      if ((await tx.user.count()) > 0) throw new ConflictError('setup is already done: an admin exists, sign in instead');
      return createUser(db, authInstance, { ...input, role: 'admin' });
    },
    { timeout: 30_000 },
  );
}

export async function listUsers(db: Db) {
  return db.user.findMany({ orderBy: { createdAt: 'asc' }, select: { ...userSelect, _count: { select: { runs: true, apiTokens: true } } } });
}

/** Names for pickers (runs list owner filter): no emails, no roles. */
export async function userDirectory(db: Db) {
  return db.user.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true, username: true, displayUsername: true } });
}

async function otherActiveAdmins(db: Db, userId: string): Promise<number> {
  return db.user.count({ where: { role: 'admin', id: { not: userId }, NOT: { banned: true } } });
}

/** Change a user's role; the last active admin cannot be demoted (nobody could administer anymore). */
export async function setRole(db: Db, userId: string, role: Role) {
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, role: true } });
  if (!user) throw new NotFoundError(`user ${userId} does not exist`);
  if (user.role === 'admin' && role !== 'admin' && (await otherActiveAdmins(db, userId)) === 0) {
    throw new ConflictError('the last admin cannot lose the admin role: make another user admin first');
  }
  return db.user.update({ where: { id: userId }, data: { role }, select: userSelect });
}

/** Disable (sign-in refused, sessions revoked, API tokens refused) or re-enable a user. */
export async function setDisabled(db: Db, userId: string, disabled: boolean, actorId: string | null) {
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, role: true } });
  if (!user) throw new NotFoundError(`user ${userId} does not exist`);
  if (disabled && userId === actorId) throw new ConflictError('you cannot disable yourself');
  if (disabled && user.role === 'admin' && (await otherActiveAdmins(db, userId)) === 0) {
    throw new ConflictError('the last active admin cannot be disabled');
  }
  const updated = await db.user.update({
    where: { id: userId },
    data: { banned: disabled, banReason: disabled ? 'disabled by an admin' : null, banExpires: null },
    select: userSelect,
  });
  if (disabled) await db.session.deleteMany({ where: { userId } });
  return updated;
}

/** An admin sets a new password (hashed by Better Auth); the user's sessions are revoked. */
export async function resetPassword(db: Db, authInstance: Auth, userId: string, password: string) {
  const p = passwordSchema.safeParse(password);
  if (!p.success) throw new ValidationError(`password: ${p.error.issues[0]!.message}`, { password: p.error.issues[0]!.message });
  const ctx = await authInstance.$context;
  const account = await db.account.findFirst({ where: { userId, providerId: 'credential' }, select: { id: true } });
  if (!account) throw new NotFoundError(`user ${userId} has no password account`);
  await db.account.update({ where: { id: account.id }, data: { password: await ctx.password.hash(password) } });
  await db.session.deleteMany({ where: { userId } });
  return { ok: true as const };
}
