/**
 * The embedded database (the demo's default: PGlite served by scripts/lib/pglite-wire.ts) under concurrent
 * ingest: many runners' batches at once through the real HTTP routes, Prisma and a pool of 10 connections,
 * with transactions (state transitions) and reads interleaved. The failure this pins: one PGlite session
 * shared by every connection, and another connection's Parse…Sync landing between a Parse and its Bind
 * ("bind message supplies 952 parameters, but prepared statement "" requires 4").
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployMigrations } from '../scripts/db-migrate';
import { PGliteWireServer } from '../scripts/lib/pglite-wire';
import { ServerClient } from '../gpu-runner/server-client';
import type { RolloutRecord } from '../core/types';
import { startTestApp, type TestApp } from './testing/http-app';

let pglite: PGlite;
let wire: PGliteWireServer;
let url: string;
let app: TestApp;
let direct: pg.Pool;
const token = process.env.VIDEOCAP_RUNNER_TOKEN ?? 'test-runner-token-0123456789abcdef';
const saved = { url: process.env.DATABASE_URL, token: process.env.VIDEOCAP_RUNNER_TOKEN };
const shared = globalThis as unknown as { videocapDb?: unknown };
let savedDb: unknown;

beforeAll(async () => {
  pglite = await PGlite.create();
  wire = new PGliteWireServer({ db: pglite, port: 0, maxConnections: 64, idleInTransactionMs: 5_000 });
  const { port } = await wire.start();
  url = `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
  await deployMigrations(url);
  // This file's server talks to the embedded database (restored afterwards for the other test files).
  savedDb = shared.videocapDb;
  shared.videocapDb = undefined;
  process.env.DATABASE_URL = url;
  process.env.VIDEOCAP_RUNNER_TOKEN = token;
  app = await startTestApp();
  direct = new pg.Pool({ connectionString: url, max: 10 });
}, 180_000);

afterAll(async () => {
  await app?.close();
  await direct?.end();
  const { db } = await import('./db');
  await db().$disconnect();
  shared.videocapDb = savedDb;
  process.env.DATABASE_URL = saved.url;
  process.env.VIDEOCAP_RUNNER_TOKEN = saved.token;
  await wire?.stop();
  await pglite?.close();
});

function rollouts(step: number, n: number): RolloutRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    step,
    clipId: `dream-1k/${i % 8}`,
    groupIndex: Math.floor(i / 7),
    sampleIndex: i % 7,
    completion: `<think>#Subject 1: man [tall], [walk]</think><answer>step ${step} sample ${i} ${'x'.repeat(400)}</answer>`,
    think: [{ subject: 'man', attributes: ['tall'], actions: ['walk'] }],
    answer: `step ${step} sample ${i}`,
    rewards: { format: 1, tscore: 0.5 },
    reward: 1.5,
    advantage: 0,
    length: 12,
    breakdown: { source: 'pglite test' },
  }));
}

describe('embedded PostgreSQL (PGlite) under concurrent ingest', () => {
  it('stores every batch of 8 runners sending at once (metrics, 56-rollout groups, logs, checkpoints, transitions, reads)', async () => {
    const client = new ServerClient({ serverUrl: app.url, token, timeoutMs: 120_000 });
    const runs = await Promise.all(Array.from({ length: 8 }, (_, i) => client.createRun({ name: `pglite-${i}`, kind: 'grpo', backend: 'import' })));
    const STEPS = 6;
    const sends: Promise<unknown>[] = [];
    for (const { id } of runs) {
      for (let step = 1; step <= STEPS; step++) {
        sends.push(
          client.sendBatch(id, {
            metrics: ['reward', 'think_score', 'loss'].map((key) => ({ key, step, value: step / 10, wallTime: 1_735_689_600_000 + step })),
            rollouts: rollouts(step, 56),
            logs: Array.from({ length: 300 }, (_, k) => ({ seq: step * 1000 + k, line: `step ${step} line ${k}` })),
            checkpoints: step % 3 === 0 ? [{ step, path: `/ckpt/${id}/${step}` }] : [],
          }),
        );
      }
      sends.push(client.transition(id, { to: 'running', reason: 'concurrent transition' }).catch(() => undefined));
      sends.push(fetch(`${app.url}/api/ingest/runs/${id}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json()));
    }
    const results = await Promise.allSettled(sends);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String(r.reason));
    expect(failures).toEqual([]);
    for (const { id } of runs) {
      const counts = await direct.query<{ m: number; r: number; l: number; c: number; last: string }>(
        `SELECT (SELECT count(*)::int FROM "MetricPoint" WHERE "runId" = $1) AS m, (SELECT count(*)::int FROM "Rollout" WHERE "runId" = $1) AS r,
                (SELECT count(*)::int FROM "RunLog" WHERE "runId" = $1) AS l, (SELECT count(*)::int FROM "Checkpoint" WHERE "runId" = $1) AS c,
                (SELECT "lastStep"::text FROM "Run" WHERE id = $1) AS last`,
        [id],
      );
      expect(counts.rows[0]).toEqual({ m: 3 * STEPS, r: 56 * STEPS, l: 300 * STEPS, c: 2, last: String(STEPS) });
    }
  });

  it('keeps each connection’s extended-protocol state apart: a 952-parameter insert and 4-parameter queries at once, and same-named prepared statements', async () => {
    await direct.query('CREATE TABLE IF NOT EXISTS wire_t (a int, b text)');
    const errors: string[] = [];
    const jobs: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      const n = 476; // 952 parameters, ~150 KB: the Bind arrives in several TCP reads
      const vals = Array.from({ length: n }, (_, k) => [k, 'y'.repeat(300)]).flat();
      const placeholders = Array.from({ length: n }, (_, k) => `($${2 * k + 1}::int, $${2 * k + 2}::text)`).join(',');
      jobs.push(direct.query(`INSERT INTO wire_t VALUES ${placeholders}`, vals).catch((e: Error) => errors.push(e.message)));
      jobs.push(direct.query('SELECT count(*) FROM wire_t WHERE a = $1 AND b = $2 OR a = $3 OR a = $4', [1, 'x', 2, 3]).catch((e: Error) => errors.push(e.message)));
      // node-postgres prepares a named statement once per connection: every connection uses the name "probe"
      jobs.push(direct.query({ name: 'probe', text: 'SELECT $1::int + 1 AS v', values: [i] }).then((r) => expect(r.rows[0].v).toBe(i + 1)).catch((e: Error) => errors.push(e.message)));
    }
    await Promise.all(jobs);
    expect(errors).toEqual([]);
    expect((await direct.query('SELECT count(*)::int AS n FROM wire_t')).rows[0].n).toBe(40 * 476);
  });

  it('a transaction holds the session until it ends; a client that leaves inside one is rolled back and the others go on', async () => {
    await direct.query('CREATE TABLE IF NOT EXISTS wire_tx (v int)');
    const a = new pg.Client({ connectionString: url });
    const b = new pg.Client({ connectionString: url });
    await a.connect();
    await b.connect();
    await a.query('BEGIN');
    await a.query('INSERT INTO wire_tx VALUES ($1)', [1]);
    let bDone = false;
    const bRead = b.query('SELECT count(*)::int AS n FROM wire_tx').then((r) => {
      bDone = true;
      return r.rows[0].n as number;
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(bDone).toBe(false); // waits for A's transaction: one session, no interleaving inside it
    await a.query('COMMIT');
    expect(await bRead).toBe(1);

    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query('BEGIN');
    await c.query('INSERT INTO wire_tx VALUES (2)');
    c.on('error', () => undefined);
    await c.end(); // leaves inside the transaction
    expect((await b.query('SELECT count(*)::int AS n FROM wire_tx')).rows[0].n).toBe(1);
    await a.end();
    await b.end();
  });
});
