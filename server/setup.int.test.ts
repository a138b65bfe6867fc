/**
 * Integration: first start on an empty database (its own fresh PostgreSQL database, migrated here).
 * The first admin is created once, even when two browsers submit at the same time; afterwards setup
 * is refused and the admin signs in through Better Auth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { deployMigrations, ensureDatabase } from '../scripts/db-migrate';
import { createAuth, type Auth } from './auth/auth';
import { createDb, type Db } from './db';
import { ConflictError } from './services/errors';
import { countUsers, setupFirstAdmin } from './services/users';

let url: string;
let prisma: Db;
let authInstance: Auth;

beforeAll(async () => {
  if (process.env.DATABASE_URL?.includes(':54339')) return;
  const u = new URL(process.env.DATABASE_URL!);
  u.pathname = `${u.pathname}_setup_${Date.now().toString(36)}`;
  url = u.toString();
  await ensureDatabase(url);
  await deployMigrations(url);
  prisma = createDb(url);
  authInstance = createAuth(prisma, { secret: 'setup-test-secret-0123456789abcdef0123456789' });
});

afterAll(async () => {
  if (!prisma) return;
  await prisma.$disconnect();
  const admin = new URL(url);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await c.end();
});

// Embedded PGlite (no PostgreSQL server) serves a single database: this test needs a second one.
const singleDatabase = process.env.DATABASE_URL?.includes(':54339') ?? false;

describe.skipIf(singleDatabase)('first-start setup', () => {
  it('creates exactly one admin when two requests race, then refuses', async () => {
    expect(await countUsers(prisma)).toBe(0);
    const results = await Promise.allSettled([
      setupFirstAdmin(prisma, authInstance, { username: 'first', password: 'first-password-1' }),
      setupFirstAdmin(prisma, authInstance, { username: 'second', password: 'second-password-1' }),
    ]);
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(ConflictError);
    expect(await prisma.user.findMany({ select: { role: true } })).toEqual([{ role: 'admin' }]);
    await expect(setupFirstAdmin(prisma, authInstance, { username: 'third', password: 'third-password-1' })).rejects.toThrow(/setup is already done/);
  });

  it('the admin signs in with the password chosen at setup (hashed by Better Auth)', async () => {
    const admin = await prisma.user.findFirstOrThrow({ select: { username: true } });
    const password = admin.username === 'first' ? 'first-password-1' : 'second-password-1';
    const ok = await authInstance.api.signInUsername({ body: { username: admin.username!, password } });
    expect(ok?.user).toMatchObject({ username: admin.username });
    await expect(authInstance.api.signInUsername({ body: { username: admin.username!, password: 'wrong-password-1' } })).rejects.toMatchObject({ statusCode: 401 });
  });
});
