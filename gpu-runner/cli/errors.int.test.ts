/**
 * The CLI and the runner as a person meets them, through real processes (`node bin/videocap.mjs`),
 * real HTTP, PostgreSQL and Redis: a refused token, an unreachable server and a missing option are
 * one actionable line each (no stack trace, within seconds); a runner stops within a few seconds
 * on SIGTERM even with its server and Redis gone, and its run then reads "runner lost".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller } from '../../server/api/root';
import { db } from '../../server/db';
import { transitionRun } from '../../server/services/runs';
import { startTestApp, type TestApp } from '../../server/testing/http-app';
import { until } from '../../server/testing/until';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'gpu-runner', 'importers', 'fixtures');
const caller = createCaller({ db: db(), headers: new Headers() });
const WRONG_TOKEN = 'not-the-token-0123456789';
const TOKEN_MESSAGE = '401: the runner token was refused — check VIDEOCAP_RUNNER_TOKEN';
let app: TestApp;
const children: ChildProcess[] = [];

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await app.close();
});

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; ms: number }>;
}

function start(args: string[], env: Record<string, string> = {}): Proc {
  const t0 = Date.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'videocap.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, VIDEOCAP_SERVER_URL: app.url, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<{ code: number | null; ms: number }>((resolve) => child.on('exit', (code) => resolve({ code, ms: Date.now() - t0 })));
  return { child, output: () => out, exited };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
}

const noStack = (text: string) => expect(text).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);

describe('CLI errors a person can act on', () => {
  it('a refused token: one line naming VIDEOCAP_RUNNER_TOKEN, no stack trace, nothing created (import and runner)', async () => {
    const before = await db().run.count();
    const imp = start(['import', path.join(FIXTURES, 'trl')], { VIDEOCAP_RUNNER_TOKEN: WRONG_TOKEN, VIDEOCAP_API_TOKEN: '' });
    const done = await imp.exited;
    expect(done.code).toBe(1);
    expect(imp.output()).toContain(TOKEN_MESSAGE);
    noStack(imp.output());
    expect(await db().run.count()).toBe(before);

    // A personal API token (preferred when set) that is refused names VIDEOCAP_API_TOKEN and the server's reason.
    const personal = start(['import', path.join(FIXTURES, 'trl')], { VIDEOCAP_API_TOKEN: 'vcp_not-a-token-0123456789abcdef' });
    expect((await personal.exited).code).toBe(1);
    expect(personal.output()).toContain('401: the personal API token was refused — check VIDEOCAP_API_TOKEN');
    noStack(personal.output());
    expect(await db().run.count()).toBe(before);

    const runner = start(['runner'], { VIDEOCAP_RUNNER_TOKEN: WRONG_TOKEN, RUNNER_ID: 'cli-bad-token' });
    const r = await runner.exited;
    expect(r.code).toBe(2);
    expect(runner.output()).toContain(TOKEN_MESSAGE);
    noStack(runner.output());
  });

  it('an unreachable server: a clear message within seconds', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const imp = start(['import', path.join(FIXTURES, 'trl')], { VIDEOCAP_SERVER_URL: dead });
    const done = await imp.exited;
    expect(done.code).toBe(1);
    expect(done.ms).toBeLessThan(15_000); // node start-up included; the request itself fails at once
    expect(imp.output()).toContain(`cannot reach the server at ${dead} (ECONNREFUSED) — is it running?`);
    noStack(imp.output());

    const launch = start(['launch', '--name', 'x', '--server', dead]);
    expect((await launch.exited).code).toBe(1);
    expect(launch.output()).toContain(`cannot reach the server at ${dead} (ECONNREFUSED)`);

    // The runner says so and keeps waiting for its server (jobs wait in the queue meanwhile).
    const runner = start(['runner'], { VIDEOCAP_SERVER_URL: dead, RUNNER_ID: 'cli-no-server' });
    await until(async () => runner.output(), (o) => o.includes(`cannot reach the server at ${dead}`), 'the runner to say the server is unreachable', 15_000);
    runner.child.kill('SIGTERM');
    expect((await runner.exited).code).toBe(0);
  });

  it('dataset list sends the personal API token (a revoked or unknown one is refused with 401, one line)', async () => {
    // In-process integration tests act as the test admin when a request carries no credentials, so the
    // proof that the CLI sends $VIDEOCAP_API_TOKEN is that a wrong one is refused.
    const ok = start(['dataset', 'list']);
    expect((await ok.exited).code).toBe(0);
    expect(ok.output()).toMatch(/dream-1k/);
    const refused = start(['dataset', 'list'], { VIDEOCAP_API_TOKEN: 'vcp_not-a-token-0123456789abcdef' });
    expect((await refused.exited).code).toBe(1);
    expect(refused.output()).toMatch(/dataset\.list rejected: .*\(HTTP 401\)/);
    noStack(refused.output());
  });

  it('launch without --name names the missing option; an unknown option is named too', async () => {
    const p = start(['launch', '--kind', 'grpo']);
    expect((await p.exited).code).toBe(2);
    expect(p.output()).toMatch(/videocap launch: missing required option --name/);
    const q = start(['launch', '--name', 'x', '--frobnicate']);
    expect((await q.exited).code).toBe(2);
    expect(q.output()).toMatch(/videocap launch: Unknown option '--frobnicate'/);
    noStack(q.output());
  });

  it('launch prints the run id on stdout and the benchmark warning on stderr; a typo is refused with a suggestion', async () => {
    const ok = start(['launch', '--name', 'cli-warn', '--config', '{"maxSteps":1}']);
    expect((await ok.exited).code).toBe(0);
    const lines = ok.output().trim().split('\n');
    expect(lines.some((l) => /^warning: config\.dataset: "dream-1k" is the evaluation benchmark dream-1k/.test(l))).toBe(true);
    const id = lines.find((l) => /^c[a-z0-9]{20,}$/.test(l))!;
    expect((await caller.run.get({ id })).trainedOnBenchmarks).toEqual(['dream-1k']);
    await caller.run.cancel({ id });

    const typo = start(['launch', '--name', 'cli-typo', '--config', '{"maxStep":20}']);
    expect((await typo.exited).code).toBe(1);
    expect(typo.output()).toContain('config.maxStep: unknown key — did you mean maxSteps?');
  });
});

/** A TCP proxy to Redis that can be cut, standing for "the server machine is gone". */
async function redisProxy(): Promise<{ url: string; cut: () => Promise<void> }> {
  const target = new URL(process.env.REDIS_URL!);
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port || 6379) });
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop);
    upstream.on('error', drop);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `redis://127.0.0.1:${port}${target.pathname}`,
    cut: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('runner shutdown', () => {
  it('stops within a few seconds on SIGTERM with a job running and its server and Redis gone; the run then reads "runner lost"', async () => {
    const server = await startTestApp();
    const proxy = await redisProxy();
    const { id } = await caller.run.launch({ name: 'sigterm', kind: 'grpo', backend: 'local', config: { maxSteps: 5000, dataset: 'dream-1k:16', local: { stepDelayMs: 100 } } });
    const runner = start(['runner'], {
      VIDEOCAP_SERVER_URL: server.url,
      REDIS_URL: proxy.url,
      RUNNER_ID: 'cli-sigterm',
      RUNNER_SLOTS: '4', // a stale job of an earlier test cannot hold this one back
      RUNNER_HEARTBEAT_MS: '500',
      RUNNER_HEARTBEAT_TTL_S: '2',
      RUNNER_WORKDIR: path.join(ROOT, '.data', 'it-sigterm'),
    });
    try {
      await until(() => caller.run.get({ id }), (r) => r.status === 'running' && r.lastStep >= 2, 'the run to be running', 90_000);
      expect((await caller.run.get({ id })).runnerId).toBe('cli-sigterm');

      const closing = server.close();
      server.server.closeAllConnections(); // the runner's keep-alive requests too: the server is gone
      await closing;
      await proxy.cut();
      await new Promise((r) => setTimeout(r, 1_000)); // let it notice: requests now fail and retry
      const t0 = Date.now();
      runner.child.kill('SIGTERM');
      const { code } = await runner.exited;
      const stopMs = Date.now() - t0;
      expect(code).toBe(0);
      console.log(`runner exited ${stopMs} ms after SIGTERM (server and Redis gone)`);
      expect(stopMs).toBeLessThan(6_000);
      expect(runner.output()).toContain('SIGTERM: stopping');

      // Its heartbeat expires (TTL 2 s): the run page says the runner is lost, since when.
      const lost = await until(() => caller.run.get({ id }), (r) => r.attention?.kind === 'runner-lost', 'runner lost', 15_000);
      expect(lost.status).toBe('running');
      expect(lost.attention).toMatchObject({ kind: 'runner-lost', runnerId: 'cli-sigterm' });
      expect(lost.attention?.kind === 'runner-lost' && lost.attention.lostAt).toBeGreaterThan(t0 - 60_000);
      expect(lost.attention?.message).toMatch(/^runner lost, waiting to be resumed: cli-sigterm stopped heart-beating at /);
    } finally {
      // Whatever happened, this run must not be resumed by the runners of later tests.
      if (runner.child.exitCode === null) runner.child.kill('SIGKILL');
      await transitionRun(db(), id, 'failed', 'test cleanup').catch(() => undefined);
    }
  }, 150_000);
});
