/**
 * Bearer tokens. Only SHA-256 digests are stored (the secrets are 192–256 random bits, so a fast hash is
 * enough — the same scheme as GitHub's personal access tokens); the secret is shown once at creation.
 *   - runner tokens (`vcr_…`, table RunnerToken, plus $VIDEOCAP_RUNNER_TOKEN): the ingest API (runners, importers)
 *   - personal API tokens (`vcp_…`, table ApiToken): tRPC / HTTP API and the CLI, acting as their owner
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db';
import { env } from '../env';
import { NotFoundError, UnauthorizedError, ValidationError } from './errors';

export const API_TOKEN_PREFIX = 'vcp_';
export const RUNNER_TOKEN_PREFIX = 'vcr_';
/** lastUsedAt is written at most this often per token (each API call would otherwise write a row). */
const LAST_USED_RESOLUTION_MS = 30_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createRunnerToken(db: Db, name: string): Promise<{ id: string; token: string }> {
  const clean = name.trim();
  if (!clean) throw new ValidationError('name: must not be empty', { name: 'must not be empty' });
  const token = `${RUNNER_TOKEN_PREFIX}${randomBytes(24).toString('base64url')}`;
  const row = await db.runnerToken.create({ data: { name: clean, tokenHash: hashToken(token) } });
  return { id: row.id, token };
}

export async function listRunnerTokens(db: Db) {
  return db.runnerToken.findMany({
    orderBy: { createdAt: 'desc' },
    select: { id: true, name: true, createdAt: true, lastUsedAt: true, revokedAt: true },
  });
}

export async function revokeRunnerToken(db: Db, id: string): Promise<{ revokedAt: Date }> {
  const row = await db.runnerToken.findUnique({ where: { id } });
  if (!row) throw new NotFoundError(`runner token ${id} does not exist`);
  if (row.revokedAt) return { revokedAt: row.revokedAt };
  const updated = await db.runnerToken.update({ where: { id }, data: { revokedAt: new Date() } });
  return { revokedAt: updated.revokedAt! };
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** True when the Authorization header carries a valid runner token. */
export async function verifyRunnerToken(db: Db, authorization: string | null): Promise<boolean> {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!m) return false;
  const token = m[1]!;
  const configured = env().VIDEOCAP_RUNNER_TOKEN;
  if (configured && safeEqual(token, configured)) return true;
  const row = await db.runnerToken.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!row || row.revokedAt) return false;
  await db.runnerToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
  return true;
}

export interface CreateApiTokenInput {
  name: string;
  /** Days until it stops working; null/undefined: never expires (until revoked). */
  expiresInDays?: number | null;
}

/** A personal API token for `userId`. Returns the secret once; only its hash is kept. */
export async function createApiToken(db: Db, userId: string, input: CreateApiTokenInput) {
  const name = input.name.trim();
  if (!name) throw new ValidationError('name: must not be empty', { name: 'must not be empty' });
  const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
  const row = await db.apiToken.create({
    data: { userId, name, tokenHash: hashToken(token), prefix: token.slice(0, API_TOKEN_PREFIX.length + 6), expiresAt },
    select: { id: true, name: true, prefix: true, createdAt: true, expiresAt: true },
  });
  return { ...row, token };
}

/** Tokens of one user (or of everyone for an admin's overview), newest first, never the secrets. */
export async function listApiTokens(db: Db, userId: string | null) {
  return db.apiToken.findMany({
    where: userId ? { userId } : {},
    orderBy: { createdAt: 'desc' },
    select: {
      id: true,
      name: true,
      prefix: true,
      createdAt: true,
      lastUsedAt: true,
      expiresAt: true,
      revokedAt: true,
      user: { select: { id: true, name: true, username: true } },
    },
  });
}

/** Revoke a token; `ownerId` restricts it to that user's tokens (null: any token, for admins). */
export async function revokeApiToken(db: Db, id: string, ownerId: string | null): Promise<{ revokedAt: Date }> {
  const row = await db.apiToken.findUnique({ where: { id } });
  if (!row || (ownerId !== null && row.userId !== ownerId)) throw new NotFoundError(`API token ${id} does not exist`);
  if (row.revokedAt) return { revokedAt: row.revokedAt };
  const updated = await db.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
  return { revokedAt: updated.revokedAt! };
}

/**
 * The user a personal API token acts as. Throws UnauthorizedError naming why it was refused (unknown,
 * revoked, expired, owner disabled) and records the last-used time.
 */
export async function verifyApiToken(db: Db, token: string) {
  if (!token.startsWith(API_TOKEN_PREFIX)) {
    const hint = token.startsWith(RUNNER_TOKEN_PREFIX) || token === env().VIDEOCAP_RUNNER_TOKEN ? ' (runner tokens only work on the ingest API)' : '';
    throw new UnauthorizedError(`not a personal API token${hint}; create one on /account`);
  }
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: { select: { id: true, name: true, username: true, displayUsername: true, role: true, banned: true } } },
  });
  if (!row) throw new UnauthorizedError('unknown API token');
  if (row.revokedAt) throw new UnauthorizedError(`API token "${row.name}" was revoked`);
  const now = Date.now();
  if (row.expiresAt && row.expiresAt.getTime() <= now) throw new UnauthorizedError(`API token "${row.name}" expired on ${row.expiresAt.toISOString()}`);
  if (row.user.banned) throw new UnauthorizedError('the owner of this API token is disabled');
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } }).catch(() => undefined);
  }
  return { user: row.user, tokenId: row.id };
}
