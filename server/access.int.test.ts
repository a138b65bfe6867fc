/**
 * Integration: accounts and access (issue 12) over real HTTP (the app's route handlers), real
 * PostgreSQL and Better Auth — sign-in, sessions, roles, API tokens, CSRF, and a walk over every
 * tRPC procedure so none is left public by accident.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller } from './api/root';
import { appRouter } from './api/root';
import { ACCOUNT_MAX_FAILURES } from './auth/account-throttle';
import { SIGN_IN_MAX_ATTEMPTS } from './auth/auth';
import { db } from './db';
import { asAnonymous, authHeaders, createTestUser, randomIp, signIn, type TestUser } from './testing/auth';
import { startTestApp, type TestApp } from './testing/http-app';

const ROOT = path.resolve(__dirname, '..');
let app: TestApp;
let anonymous: { restore: () => void };
let admin: TestUser;
let researcher: TestUser;
let annotator: TestUser;
let viewer: TestUser;

/** Procedures that work signed out, and why. Any other procedure must answer 401 to an anonymous caller. */
const PUBLIC_PROCEDURES: Record<string, string> = {
  'system.health': 'health checks run signed out',
  'auth.session': 'tells the sign-in page whether setup is needed and who is signed in',
  'auth.setup': 'creates the first admin, only while no user exists',
};

type ProcType = 'query' | 'mutation' | 'subscription';
const procedures = Object.entries((appRouter._def as unknown as { procedures: Record<string, { _def: { type: ProcType } }> }).procedures).map(
  ([p, v]) => ({ path: p, type: v._def.type }),
);

interface TrpcResponse {
  status: number;
  data?: unknown;
  error?: { message: string; code: number; data: { code: string; httpStatus: number; requiredRole?: string | null; fieldErrors?: Record<string, string> | null } };
}

/** One tRPC call over HTTP (superjson envelope), as a browser or a script sends it. */
async function trpc(p: string, type: ProcType, input: unknown, headers: Record<string, string> = {}): Promise<TrpcResponse> {
  const url = `${app.url}/api/trpc/${p}`;
  const res =
    type === 'query'
      ? await fetch(`${url}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, { headers })
      : await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ json: input }) });
  const body = (await res.json()) as { result?: { data?: { json?: unknown } }; error?: { json: TrpcResponse['error'] } };
  return { status: res.status, data: body.result?.data?.json, error: body.error?.json };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  app = await startTestApp();
  anonymous = asAnonymous();
  [admin, researcher, annotator, viewer] = [await createTestUser('admin'), await createTestUser('researcher'), await createTestUser('annotator'), await createTestUser('viewer')];
});
afterAll(async () => {
  anonymous.restore();
  await app.close();
});

describe('no procedure is public by accident', () => {
  it('every procedure except the listed public ones answers 401 to a caller without session or token', async () => {
    expect(procedures.length).toBeGreaterThan(25);
    const mutations = procedures.filter((p) => p.type === 'mutation');
    expect(mutations.map((m) => m.path)).toEqual(expect.arrayContaining(['run.launch', 'run.cancel', 'user.create', 'runnerToken.create', 'annotation.create']));
    for (const p of procedures) {
      if (p.path in PUBLIC_PROCEDURES) continue;
      const r = await trpc(p.path, p.type, {});
      expect({ path: p.path, status: r.status, code: r.error?.data.code }).toEqual({ path: p.path, status: 401, code: 'UNAUTHORIZED' });
      expect(r.error?.message).toMatch(/sign in required/);
    }
    // and through a server-side caller whose context says "nobody"
    const nobody = createCaller({ db: db(), headers: new Headers(), actor: null });
    await expect(nobody.run.launch({ name: 'x', kind: 'grpo', backend: 'local' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('the public ones do only what they are for', async () => {
    expect((await trpc('system.health', 'query', undefined)).status).toBe(200);
    const session = await trpc('auth.session', 'query', undefined);
    expect(session.data).toEqual({ mode: 'accounts', needsSetup: false, user: null });
    // setup is refused once a user exists, even with a valid request
    const setup = await trpc('auth.setup', 'mutation', { username: 'intruder', password: 'long-enough-password' }, { origin: app.url });
    expect(setup.status).toBe(409);
    expect(setup.error?.message).toMatch(/setup is already done/);
    expect(await db().user.count({ where: { username: 'intruder' } })).toBe(0);
  });

  it('a viewer gets 403 naming the role needed from every mutation outside its own API tokens', async () => {
    for (const m of procedures.filter((p) => p.type === 'mutation' && !p.path.startsWith('apiToken.') && !(p.path in PUBLIC_PROCEDURES))) {
      const r = await trpc(m.path, 'mutation', {}, bearer(viewer.token));
      expect({ path: m.path, status: r.status }).toEqual({ path: m.path, status: 403 });
      expect(r.error?.message).toMatch(new RegExp(`^${m.path.replace('.', '\\.')} needs the (researcher|annotator|admin) role .*; you are viewer$`));
      expect(['researcher', 'annotator', 'admin']).toContain(r.error?.data.requiredRole);
    }
    const launch = await trpc('run.launch', 'mutation', { name: 'viewer launch', kind: 'grpo', backend: 'local' }, bearer(viewer.token));
    expect(launch.error?.data.requiredRole).toBe('researcher');
    expect(launch.error?.message).toBe('run.launch needs the researcher role (allowed: researcher, admin); you are viewer');
    // reads are fine
    expect((await trpc('run.list', 'query', { limit: 1 }, bearer(viewer.token))).status).toBe(200);
  });
});

describe('sign-in', () => {
  it('gives the same answer for a wrong password whether the user exists or not', async () => {
    const ip = randomIp();
    const wrongPassword = await signIn(app.url, researcher.username, 'not-the-password', { ip });
    const noSuchUser = await signIn(app.url, 'no_such_user_xyz', 'not-the-password', { ip });
    expect(wrongPassword.status).toBe(401);
    expect(noSuchUser.status).toBe(401);
    expect(wrongPassword.body).toEqual(noSuchUser.body);
    expect(wrongPassword.body?.message).toMatch(/invalid username or password/i);
    expect(wrongPassword.cookie).toBe('');
    // same for sign-in by email
    const email = (await db().user.findUniqueOrThrow({ where: { id: researcher.id } })).email;
    const wrongByEmail = await signIn(app.url, email, 'not-the-password', { ip });
    const noSuchEmail = await signIn(app.url, 'nobody@example.com', 'not-the-password', { ip });
    expect(wrongByEmail.status).toBe(401);
    expect(wrongByEmail.body).toEqual(noSuchEmail.body);
    // probing user names is switched off
    const probe = await fetch(`${app.url}/api/auth/is-username-available`, { method: 'POST', headers: { 'content-type': 'application/json', origin: app.url }, body: JSON.stringify({ username: researcher.username }) });
    expect(probe.status).toBe(404);
    // and nobody can sign themselves up
    const signUp = await fetch(`${app.url}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: app.url },
      body: JSON.stringify({ email: 'new@example.com', password: 'long-enough-password', name: 'new' }),
    });
    expect(signUp.status).toBe(404);
  });

  it(`throttles after ${SIGN_IN_MAX_ATTEMPTS} attempts from one address, even with the right password`, async () => {
    const ip = randomIp();
    for (let i = 0; i < SIGN_IN_MAX_ATTEMPTS; i++) expect((await signIn(app.url, researcher.username, `wrong-${i}`, { ip })).status).toBe(401);
    const blocked = await signIn(app.url, researcher.username, researcher.password, { ip });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.retryAfter)).toBeGreaterThan(0);
    expect(blocked.cookie).toBe('');
    // another address is not affected
    expect((await signIn(app.url, researcher.username, researcher.password, { ip: randomIp() })).status).toBe(200);
  });

  it(`throttles one account after ${ACCOUNT_MAX_FAILURES} failures even when every attempt claims another address (X-Forwarded-For)`, async () => {
    const target = await createTestUser('viewer', 'throttled');
    for (let i = 0; i < ACCOUNT_MAX_FAILURES; i++) expect((await signIn(app.url, target.username, `wrong-${i}`, { ip: randomIp() })).status).toBe(401);
    const blocked = await signIn(app.url, target.username, target.password, { ip: randomIp() });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.retryAfter)).toBeGreaterThan(0);
    expect(blocked.cookie).toBe('');
    // other accounts are not affected, and a success clears an account's count
    expect((await signIn(app.url, researcher.username, researcher.password, { ip: randomIp() })).status).toBe(200);
    await signIn(app.url, researcher.username, 'wrong-once', { ip: randomIp() });
    expect((await signIn(app.url, researcher.username, researcher.password, { ip: randomIp() })).status).toBe(200);
    expect(await db().rateLimit.count({ where: { key: `account-sign-in:${researcher.username.toLowerCase()}` } })).toBe(0);
  });

  it('stores the password as a scrypt hash, and the session in the database behind an HTTP-only cookie', async () => {
    const account = await db().account.findFirstOrThrow({ where: { userId: researcher.id, providerId: 'credential' } });
    expect(account.password).toMatch(/^[0-9a-f]{32}:[0-9a-f]{128}$/); // Better Auth scrypt: salt:key (N=16384, r=16, p=1)
    expect(account.password).not.toContain(researcher.password);
    const res = await fetch(`${app.url}/api/auth/sign-in/username`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: app.url, 'x-forwarded-for': randomIp() },
      body: JSON.stringify({ username: researcher.username, password: researcher.password }),
    });
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('videocap.session_token='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const token = decodeURIComponent(setCookie.split(';')[0]!.split('=')[1]!).split('.')[0]!;
    expect(await db().session.count({ where: { token, userId: researcher.id } })).toBe(1);
  });

  it('refuses the cookie of a signed-out session', async () => {
    const { cookie, status } = await signIn(app.url, annotator.username, annotator.password);
    expect(status).toBe(200);
    const before = await trpc('auth.session', 'query', undefined, { cookie });
    expect(before.data).toMatchObject({ user: { userId: annotator.id, role: 'annotator', via: 'session' } });
    expect((await trpc('run.list', 'query', { limit: 1 }, { cookie })).status).toBe(200);
    const out = await fetch(`${app.url}/api/auth/sign-out`, { method: 'POST', headers: { cookie, origin: app.url, 'content-type': 'application/json' }, body: '{}' });
    expect(out.status).toBe(200);
    const after = await trpc('run.list', 'query', { limit: 1 }, { cookie });
    expect(after.status).toBe(401);
    expect((await trpc('auth.session', 'query', undefined, { cookie })).data).toMatchObject({ user: null });
  });

  it('change password: the old one stops working, other sessions are revoked', async () => {
    const u = await createTestUser('viewer', 'pwchange');
    const first = await signIn(app.url, u.username, u.password);
    const second = await signIn(app.url, u.username, u.password);
    const res = await fetch(`${app.url}/api/auth/change-password`, {
      method: 'POST',
      headers: { cookie: first.cookie, origin: app.url, 'content-type': 'application/json', 'x-forwarded-for': randomIp() },
      body: JSON.stringify({ currentPassword: u.password, newPassword: 'a-brand-new-password', revokeOtherSessions: true }),
    });
    expect(res.status).toBe(200);
    expect((await trpc('run.list', 'query', { limit: 1 }, { cookie: second.cookie })).status).toBe(401);
    expect((await signIn(app.url, u.username, u.password)).status).toBe(401);
    expect((await signIn(app.url, u.username, 'a-brand-new-password')).status).toBe(200);
  });

  it('a disabled user cannot sign in and its sessions and tokens stop working', async () => {
    const u = await createTestUser('researcher', 'disabled');
    const { cookie } = await signIn(app.url, u.username, u.password);
    const adminCaller = createCaller({ db: db(), headers: authHeaders(admin.token) });
    await adminCaller.user.setDisabled({ userId: u.id, disabled: true });
    expect((await trpc('run.list', 'query', { limit: 1 }, { cookie })).status).toBe(401);
    expect((await trpc('run.list', 'query', { limit: 1 }, bearer(u.token))).status).toBe(401);
    expect((await signIn(app.url, u.username, u.password)).status).toBe(403);
    await adminCaller.user.setDisabled({ userId: u.id, disabled: false });
    expect((await signIn(app.url, u.username, u.password)).status).toBe(200);
  });
});

describe('CSRF', () => {
  it('refuses a cookie-authenticated mutation from another origin or with no origin, accepts it from the app', async () => {
    const { cookie } = await signIn(app.url, researcher.username, researcher.password);
    const input = { name: 'csrf probe', kind: 'grpo', backend: 'local', config: { maxSteps: 2 } };
    const before = await db().run.count({ where: { name: 'csrf probe' } });
    const evil = await trpc('run.launch', 'mutation', input, { cookie, origin: 'http://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.error?.message).toMatch(/cross-origin request refused \(Origin: http:\/\/evil\.example\)/);
    expect((await trpc('run.launch', 'mutation', input, { cookie, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await trpc('run.launch', 'mutation', input, { cookie })).status).toBe(403);
    expect((await trpc('run.launch', 'mutation', input, { cookie, origin: 'null' })).status).toBe(403);
    expect(await db().run.count({ where: { name: 'csrf probe' } })).toBe(before);
    const ok = await trpc('run.launch', 'mutation', input, { cookie, origin: app.url });
    expect(ok.status, JSON.stringify(ok.error)).toBe(200);
    await createCaller({ db: db(), headers: authHeaders() }).run.cancel({ id: (ok.data as { id: string }).id });
    // a bearer token is not an ambient credential: no origin needed
    expect((await trpc('run.list', 'query', { limit: 1 }, bearer(researcher.token))).status).toBe(200);
  });
});

describe('personal API tokens', () => {
  it('an expired, revoked or unknown token gets 401 saying why; a runner token is not an API token', async () => {
    const r = createCaller({ db: db(), headers: authHeaders(researcher.token) });
    const expiring = await r.apiToken.create({ name: 'expiring', expiresInDays: 1 });
    expect(expiring.token).toMatch(/^vcp_[A-Za-z0-9_-]{43}$/);
    expect((await trpc('run.list', 'query', { limit: 1 }, bearer(expiring.token))).status).toBe(200);
    await db().apiToken.update({ where: { id: expiring.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await trpc('run.list', 'query', { limit: 1 }, bearer(expiring.token));
    expect(expired.status).toBe(401);
    expect(expired.error?.message).toMatch(/API token "expiring" expired on/);

    const revoking = await r.apiToken.create({ name: 'to revoke' });
    expect((await trpc('run.list', 'query', { limit: 1 }, bearer(revoking.token))).status).toBe(200);
    await r.apiToken.revoke({ id: revoking.id });
    const revoked = await trpc('run.launch', 'mutation', { name: 'x', kind: 'grpo', backend: 'local' }, bearer(revoking.token));
    expect(revoked.status).toBe(401);
    expect(revoked.error?.message).toBe('API token "to revoke" was revoked');

    expect((await trpc('run.list', 'query', { limit: 1 }, bearer('vcp_notarealtokennotarealtokennotarealtoken1'))).error?.message).toBe('unknown API token');
    const runnerToken = await trpc('run.list', 'query', { limit: 1 }, bearer(process.env.VIDEOCAP_RUNNER_TOKEN!));
    expect(runnerToken.status).toBe(401);
    expect(runnerToken.error?.message).toMatch(/runner tokens only work on the ingest API/);
    const malformed = await trpc('run.list', 'query', { limit: 1 }, { authorization: 'Token abc' });
    expect(malformed.status).toBe(401);
    expect(malformed.error?.message).toMatch(/must be "Bearer <token>"/);
  });

  it('are stored hashed, record their last use, and list without the secret; others cannot revoke them', async () => {
    const r = createCaller({ db: db(), headers: authHeaders(researcher.token) });
    const created = await r.apiToken.create({ name: 'hashed' });
    const row = await db().apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(created.token);
    expect(row.lastUsedAt).toBeNull();
    await trpc('run.list', 'query', { limit: 1 }, bearer(created.token));
    expect((await db().apiToken.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt).toBeInstanceOf(Date);
    const listed = await r.apiToken.list();
    expect(listed.find((t) => t.id === created.id)).toMatchObject({ name: 'hashed', prefix: created.token.slice(0, 10) });
    expect(JSON.stringify(listed)).not.toContain(created.token);
    // another user cannot see or revoke it; an admin can
    const other = createCaller({ db: db(), headers: authHeaders(annotator.token) });
    expect((await other.apiToken.list()).some((t) => t.id === created.id)).toBe(false);
    await expect(other.apiToken.revoke({ id: created.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await createCaller({ db: db(), headers: authHeaders(admin.token) }).apiToken.revoke({ id: created.id });
    expect((await trpc('run.list', 'query', { limit: 1 }, bearer(created.token))).status).toBe(401);
  });

  it('a script launches a run through the HTTP API with a personal token; the run records its owner; revoked → 401', async () => {
    const r = createCaller({ db: db(), headers: authHeaders(researcher.token) });
    const { id: tokenId, token } = await r.apiToken.create({ name: 'script' });
    const cli = (args: string[], env: Record<string, string>) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const p = spawn(process.execPath, [path.join(ROOT, 'bin', 'videocap.mjs'), ...args], { cwd: ROOT, env: { ...process.env, VIDEOCAP_SERVER_URL: app.url, ...env } });
        let stdout = '';
        let stderr = '';
        p.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
        p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
        p.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
      });
    const ok = await cli(['launch', '--name', 'launched by a script', '--config', '{"maxSteps":3}'], { VIDEOCAP_API_TOKEN: token });
    expect(ok.code, ok.stderr).toBe(0);
    const runId = ok.stdout.trim();
    const run = await db().run.findUniqueOrThrow({ where: { id: runId } });
    expect(run.createdById).toBe(researcher.id);
    expect(run.status).toBe('queued');
    await r.run.cancel({ id: runId });

    const noToken = await cli(['launch', '--name', 'anonymous script'], { VIDEOCAP_API_TOKEN: '' });
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toMatch(/launch rejected: sign in required.*\(HTTP 401\) — set VIDEOCAP_API_TOKEN/s);

    await r.apiToken.revoke({ id: tokenId });
    const revoked = await cli(['launch', '--name', 'revoked script'], { VIDEOCAP_API_TOKEN: token });
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toMatch(/launch rejected: API token "script" was revoked \(HTTP 401\)/);
    expect(await db().run.count({ where: { name: { in: ['anonymous script', 'revoked script'] } } })).toBe(0);
  });

  it('on the ingest API a researcher token may create runs (recording the owner) and write only to its own runs', async () => {
    const create = (token: string) =>
      fetch(`${app.url}/api/ingest/runs`, { method: 'POST', headers: { ...bearer(token), 'content-type': 'application/json' }, body: JSON.stringify({ name: 'imported by a person', kind: 'grpo', backend: 'import' }) });
    const res = await create(researcher.token);
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    expect((await db().run.findUniqueOrThrow({ where: { id } })).createdById).toBe(researcher.id);
    const events = (token: string) =>
      fetch(`${app.url}/api/ingest/runs/${id}/events`, { method: 'POST', headers: { ...bearer(token), 'content-type': 'application/json' }, body: JSON.stringify({ logs: [{ seq: 0, line: 'hi' }] }) });
    expect((await events(researcher.token)).status).toBe(200);
    const other = await createTestUser('researcher', 'otherres');
    const refused = await events(other.token);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toMatch(/was not created by you/);
    expect((await create(annotator.token)).status).toBe(403);
    expect((await create('vcp_notarealtokennotarealtokennotarealtoken1')).status).toBe(401);
  });
});

describe('roles end to end (the done-when at the API level)', () => {
  it('admin creates a researcher and an annotator; the researcher launches; the annotator cannot launch but annotates', async () => {
    const adminCaller = createCaller({ db: db(), headers: authHeaders(admin.token) });
    const sfx = Date.now().toString(36);
    const res = await adminCaller.user.create({ username: `Res_Alice_${sfx}`, password: 'alice-password-1', role: 'researcher', name: 'Alice' });
    expect(res).toMatchObject({ username: `res_alice_${sfx}`, displayUsername: `Res_Alice_${sfx}`, role: 'researcher', name: 'Alice' });
    const ann = await adminCaller.user.create({ username: `ann_bob_${sfx}`, password: 'bob-password-12', role: 'annotator', email: `bob_${sfx}@lab.example` });
    await expect(adminCaller.user.create({ username: `RES_ALICE_${sfx}`, password: 'another-password', role: 'viewer' })).rejects.toMatchObject({ code: 'CONFLICT' });
    const bad = adminCaller.user.create({ username: 'bad name!', password: 'short', role: 'viewer' });
    await expect(bad).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(bad).rejects.toThrow(/may contain letters, digits.*must be at least 10 characters/s);

    // each signs in with a password through Better Auth (by user name, case-insensitively, or by email)
    const alice = await signIn(app.url, `RES_alice_${sfx}`, 'alice-password-1');
    const bob = await signIn(app.url, `bob_${sfx}@lab.example`, 'bob-password-12');
    expect([alice.status, bob.status]).toEqual([200, 200]);
    const asAlice = { cookie: alice.cookie, origin: app.url };
    const asBob = { cookie: bob.cookie, origin: app.url };

    const launched = await trpc('run.launch', 'mutation', { name: 'alice run', kind: 'grpo', backend: 'local', config: { maxSteps: 2 } }, asAlice);
    expect(launched.status).toBe(200);
    const runId = (launched.data as { id: string }).id;
    expect((await db().run.findUniqueOrThrow({ where: { id: runId } })).createdById).toBe(res.id);

    const refused = await trpc('run.launch', 'mutation', { name: 'bob run', kind: 'grpo', backend: 'local' }, asBob);
    expect(refused.status).toBe(403);
    expect(refused.error?.message).toBe('run.launch needs the researcher role (allowed: researcher, admin); you are annotator');
    expect((await trpc('run.cancel', 'mutation', { id: runId }, asBob)).status).toBe(403);

    // annotate a caption of that clip
    const source = await db().captionSource.create({ data: { name: `access-test-${runId}`, kind: 'imported' } });
    const caption = await db().caption.create({ data: { sourceId: source.id, clipId: 'dream-1k/1', text: 'A man in a red coat walks a dog.' } });
    const span = await trpc('annotation.create', 'mutation', { captionId: caption.id, start: 9, end: 19, label: 'hallucination' }, asBob);
    expect(span.status, JSON.stringify(span.error)).toBe(200);
    const spanId = (span.data as { id: string }).id;
    // the author is the signed-in user, whatever the input says
    expect(await db().spanAnnotation.findUniqueOrThrow({ where: { id: spanId } })).toMatchObject({ authorId: ann.id, authorName: ann.name, start: 9, end: 19, label: 'hallucination', text: 'a red coat', origin: 'human' });
    const asViewer = await trpc('annotation.create', 'mutation', { captionId: caption.id, start: 0, end: 5, label: 'accurate' }, bearer(viewer.token));
    expect(asViewer.status).toBe(403);
    expect(asViewer.error?.message).toMatch(/annotation\.create needs the annotator role \(allowed: annotator, researcher, admin\); you are viewer/);
    expect((await trpc('annotation.list', 'query', { captionId: caption.id }, bearer(viewer.token))).status).toBe(200);
    expect((await trpc('annotation.update', 'mutation', { id: spanId, label: 'accurate' }, bearer(viewer.token))).status).toBe(403);
    expect((await trpc('annotation.delete', 'mutation', { id: spanId }, bearer(viewer.token))).status).toBe(403);
    // another annotator may not change or delete bob's span; bob may
    const other = await trpc('annotation.update', 'mutation', { id: spanId, label: 'accurate' }, bearer(annotator.token));
    expect(other.status).toBe(403);
    expect(other.error?.message).toMatch(/only the author .* or an admin may change this span/);
    expect((await trpc('annotation.delete', 'mutation', { id: spanId }, bearer(annotator.token))).status).toBe(403);
    expect((await trpc('annotation.update', 'mutation', { id: spanId, label: 'accurate' }, asBob)).status).toBe(200);
    expect((await trpc('annotation.delete', 'mutation', { id: spanId }, asBob)).status).toBe(200);
    expect(await db().spanAnnotation.count({ where: { id: spanId } })).toBe(0);

    // roles change on the next request; the last admin cannot be demoted
    await adminCaller.user.setRole({ userId: ann.id, role: 'researcher' });
    expect((await trpc('run.cancel', 'mutation', { id: runId }, asBob)).status).toBe(200);
    const admins = await db().user.findMany({ where: { role: 'admin' }, select: { id: true } });
    for (const a of admins.filter((x) => x.id !== admin.id)) await db().user.update({ where: { id: a.id }, data: { role: 'viewer' } });
    await expect(adminCaller.user.setRole({ userId: admin.id, role: 'viewer' })).rejects.toThrow(/last admin/);
    for (const a of admins) await db().user.update({ where: { id: a.id }, data: { role: 'admin' } });
  });

  it('the runs list filters by owner', async () => {
    const r1 = createCaller({ db: db(), headers: authHeaders(researcher.token) });
    const other = await createTestUser('researcher', 'owner2');
    const r2 = createCaller({ db: db(), headers: authHeaders(other.token) });
    const a = await r1.run.launch({ name: 'owned by researcher 1', kind: 'sft', backend: 'swift', config: { maxSteps: 2 } });
    const b = await r2.run.launch({ name: 'owned by researcher 2', kind: 'sft', backend: 'swift', config: { maxSteps: 2 } });
    const mine = await r1.run.list({ limit: 200, createdById: researcher.id });
    expect(mine.items.map((i) => i.id)).toContain(a.id);
    expect(mine.items.map((i) => i.id)).not.toContain(b.id);
    expect(mine.items.every((i) => i.createdBy?.id === researcher.id)).toBe(true);
    const theirs = await r1.run.list({ limit: 200, createdById: other.id });
    expect(theirs.items.map((i) => i.id)).toEqual([b.id]);
    expect((await r1.run.get({ id: b.id })).createdBy).toMatchObject({ id: other.id, username: other.username });
    await r1.run.cancel({ id: a.id });
    await r2.run.cancel({ id: b.id });
  });

  it('runner tokens are managed by admins only; a revoked runner token is refused by the ingest API', async () => {
    const adminCaller = createCaller({ db: db(), headers: authHeaders(admin.token) });
    await expect(createCaller({ db: db(), headers: authHeaders(researcher.token) }).runnerToken.create({ name: 'gpu-node-1' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const { id, token } = await adminCaller.runnerToken.create({ name: 'gpu-node-1' });
    const ingest = () => fetch(`${app.url}/api/ingest/runs`, { method: 'POST', headers: { ...bearer(token), 'content-type': 'application/json' }, body: JSON.stringify({ name: 'from gpu-node-1', kind: 'grpo', backend: 'import' }) });
    const ok = await ingest();
    expect(ok.status).toBe(200);
    expect((await db().run.findUniqueOrThrow({ where: { id: ((await ok.json()) as { id: string }).id } })).createdById).toBeNull();
    expect((await adminCaller.runnerToken.list()).find((t) => t.id === id)?.lastUsedAt).toBeInstanceOf(Date);
    await adminCaller.runnerToken.revoke({ id });
    expect((await ingest()).status).toBe(401);
  });

  it('metrics.csv needs a signed-in caller too', async () => {
    expect((await fetch(`${app.url}/api/metrics.csv?runs=x&keys=reward`)).status).toBe(401);
    // Signed in, the request goes through (run "x" does not exist: 404, not 401).
    expect((await fetch(`${app.url}/api/metrics.csv?runs=x&keys=reward`, { headers: bearer(viewer.token) })).status).toBe(404);
  });
});
