/**
 * Creates the first admin and a personal API token for it, for the demo and the test harness.
 *
 *   tsx scripts/auth-bootstrap.ts [--username admin] [--password P] [--password-file F] [--token | --token-file F] [--token-name N]
 *
 * - No user yet: creates `--username` (role admin) with `--password`, or a generated one written to
 *   `--password-file` (mode 0600). The password is hashed by Better Auth; the file is the only copy.
 * - `--token`: creates a personal API token for the first admin. `--token-file`: reuses the token in
 *   that file while it still works, else creates one and writes it there (0600).
 * Prints one JSON line: {"createdAdmin": bool, "username", "password"?: only when generated now, "token"?}.
 * Needs DATABASE_URL (and AUTH_SECRET or .data/auth-secret, like the app).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { auth } from '../server/auth/auth';
import { db } from '../server/db';
import { createApiToken, verifyApiToken } from '../server/services/tokens';
import { countUsers, createUser } from '../server/services/users';

function writeSecret(file: string, value: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
}

function readIfExists(file: string | undefined): string | null {
  if (!file) return null;
  try {
    return readFileSync(file, 'utf8').trim() || null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      username: { type: 'string', default: 'admin' },
      password: { type: 'string' },
      'password-file': { type: 'string' },
      token: { type: 'boolean', default: false },
      'token-file': { type: 'string' },
      'token-name': { type: 'string', default: 'bootstrap' },
    },
  });
  const prisma = db();
  const out: { createdAdmin: boolean; username: string; password?: string; token?: string } = { createdAdmin: false, username: values.username! };
  if ((await countUsers(prisma)) === 0) {
    const password = values.password ?? randomBytes(12).toString('base64url');
    await createUser(prisma, auth(), { username: values.username!, password, role: 'admin', name: 'Administrator' });
    if (!values.password && values['password-file']) writeSecret(values['password-file'], password);
    out.createdAdmin = true;
    if (!values.password) out.password = password;
  }
  if (values.token || values['token-file']) {
    const existing = readIfExists(values['token-file']);
    let valid = false;
    if (existing) valid = await verifyApiToken(prisma, existing).then((r) => r.user.role === 'admin', () => false);
    if (valid) {
      out.token = existing!;
    } else {
      const admin = await prisma.user.findFirst({ where: { role: 'admin', NOT: { banned: true } }, orderBy: { createdAt: 'asc' }, select: { id: true, username: true } });
      if (!admin) throw new Error('no active admin user to own the API token');
      const { token } = await createApiToken(prisma, admin.id, { name: values['token-name']! });
      if (values['token-file']) writeSecret(values['token-file'], token);
      out.token = token;
      out.username = admin.username ?? out.username;
    }
  }
  console.log(JSON.stringify(out));
  await prisma.$disconnect();
}

main().catch((e: unknown) => {
  console.error(`auth bootstrap failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
