/**
 * Ingest validation equals the database (issue 8 item 14, case ingest-step-beyond-int32), over real HTTP into
 * the real PostgreSQL: steps up to 2^53 − 1 are stored, text the database refuses is sanitised and noted,
 * invalid items are a 400 naming item and field while the valid ones are stored, the reporter never retries a
 * 4xx, and no response carries Prisma's internals. Plus the lost-contact check (item 15) on real Redis/BullMQ.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_KEYS, type RunnerHeartbeat } from '../core/jobs';
import { ServerClient } from '../gpu-runner/server-client';
import { createCaller } from './api/root';
import { db } from './db';
import { queueFor } from './queue';
import { redis } from './redis';
import { failRunsThatLostContact } from './services/housekeeping';
import { ingestHandler } from './services/http';
import { writeIsolating } from './services/ingest';
import { createExternalRun, launchRun } from './services/runs';
import { startTestApp, type TestApp } from './testing/http-app';

const caller = createCaller({ db: db(), headers: new Headers() });
const CASE = path.resolve(__dirname, '..', 'gpu-runner', 'importers', 'fixtures', 'cases', 'ingest-step-beyond-int32');
const token = process.env.VIDEOCAP_RUNNER_TOKEN!;
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

/** fetch that counts requests per path (to see what the reporter retries). */
function countingFetch() {
  const calls: string[] = [];
  const f: typeof fetch = (input, init) => {
    calls.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
    return fetch(input, init);
  };
  return { calls, f };
}

async function post(id: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${app.url}/api/ingest/runs/${id}/events`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

describe('ingest: steps beyond int32 (case ingest-step-beyond-int32/batch.json)', () => {
  it('stores every point at steps 1e9 … 1e10 exactly, and the chart, the run and the CSV show them', async () => {
    const batch = JSON.parse(await readFile(path.join(CASE, 'batch.json'), 'utf8')) as unknown;
    const client = new ServerClient({ serverUrl: app.url, token });
    const { id } = await client.createRun({ name: 'int32-case', kind: 'grpo', backend: 'import' });
    const r = await post(id, batch);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ metrics: 4, rejected: [], sanitized: [] });
    const stored = await db().$queryRaw<{ step: string; value: number }[]>`SELECT step::text AS step, value FROM "MetricPoint" WHERE "runId" = ${id} ORDER BY "MetricPoint".step`;
    expect(stored).toEqual([
      { step: '1000000000', value: 1.0 },
      { step: '2000000000', value: 1.1 },
      { step: '3000000000', value: 1.2 },
      { step: '10000000000', value: 1.3 },
    ]);
    const run = await caller.run.get({ id });
    expect(run.lastStep).toBe(10_000_000_000);
    expect(run.metricKeys).toEqual([{ key: 'reward', points: 4, lastStep: 10_000_000_000 }]);
    const [series] = await caller.metric.series({ runIds: [id], keys: ['reward'], maxPoints: 800 });
    expect(series!.step).toEqual([1e9, 2e9, 3e9, 1e10]);
    const zoom = await caller.metric.series({ runIds: [id], keys: ['reward'], maxPoints: 800, xMin: 2.5e9, xMax: 2e10 });
    expect(zoom[0]!.step).toEqual([3e9, 1e10]);
    const csv = await (await fetch(`${app.url}/api/metrics.csv?runs=${id}&keys=reward`)).text();
    expect(csv).toContain(',10000000000,');
  });

  it('steps up to 2^53 − 1 are stored; beyond is a 400 naming item and field, and the valid items of the batch are stored', async () => {
    const client = new ServerClient({ serverUrl: app.url, token });
    const { id } = await client.createRun({ name: 'int53', kind: 'grpo', backend: 'import' });
    const w = 1_735_689_600_000;
    const r = await post(id, {
      metrics: [
        { step: Number.MAX_SAFE_INTEGER, key: 'tokens', value: 1, wallTime: w },
        { step: 2 ** 53, key: 'tokens', value: 2, wallTime: w },
        { step: 5, key: 'tokens', value: 3, wallTime: w },
      ],
      rollouts: [{ step: 4_000_000_000, clipId: 'c', groupIndex: 0, sampleIndex: 0, completion: 'x', think: null, answer: null, rewards: {}, reward: 1, advantage: 0, length: 1 }],
      checkpoints: [{ step: 4_000_000_000, path: '/ck' }],
    });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/^1 of 5 items not stored \(the other 4 were\) — metrics\.1\.step: must be ≤ 2\^53 − 1/);
    expect(r.json.details).toEqual({ 'metrics.1.step': expect.stringMatching(/≤ 2\^53 − 1/) });
    expect(r.json.stored).toEqual({ metrics: 2, rollouts: 1, checkpoints: 1, logs: 0 });
    const steps = await db().$queryRaw<{ step: string }[]>`SELECT step::text AS step FROM "MetricPoint" WHERE "runId" = ${id} ORDER BY "MetricPoint".step`;
    expect(steps.map((s) => s.step)).toEqual(['5', '9007199254740991']);
    const run = await caller.run.get({ id });
    expect(run.checkpoints.map((c) => c.step)).toEqual([4_000_000_000]);
    expect(run.lastStep).toBe(Number.MAX_SAFE_INTEGER);
    expect((await caller.rollout.list({ runId: id, limit: 5 })).items[0]!.step).toBe(4_000_000_000);
  });
});

describe('ingest: text the database refuses', () => {
  it('U+0000 and lone surrogates in any text field are replaced, noted in the answer and on the rollout', async () => {
    const client = new ServerClient({ serverUrl: app.url, token });
    const { id } = await client.createRun({ name: 'nul', kind: 'grpo', backend: 'import' });
    const r = await post(id, {
      metrics: [{ step: 1, key: 'loss\u0000', value: 1, wallTime: 1 }],
      rollouts: [
        {
          step: 1, clipId: 'clip\u0000', groupIndex: 0, sampleIndex: 0,
          completion: '<think>#Subject 1: man\u0000 [tall], [walk]</think><answer>A man\uD800 walks.</answer>',
          think: [{ subject: 'man\u0000', attributes: ['tall'], actions: ['walk'] }], answer: 'A man\uD800 walks.',
          rewards: { format: 1 }, reward: 1, advantage: 0, length: 4, breakdown: { 'note\u0000': ['\uDC00'] },
        },
      ],
      checkpoints: [{ step: 1, path: '/ck\u0000', metadata: { s: '\u0000' } }],
      logs: [{ seq: 0, line: 'log \uDC00 line' }],
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ metrics: 1, rollouts: 1, checkpoints: 1, logs: 1, rejected: [] });
    const fields = (r.json.sanitized as { item: string; field: string }[]).map((s) => `${s.item}.${s.field}`);
    expect(fields).toEqual([
      'metrics.0.key', 'rollouts.0.clipId', 'rollouts.0.completion', 'rollouts.0.think.0.subject', 'rollouts.0.answer',
      'rollouts.0.breakdown.note\uFFFD', 'rollouts.0.breakdown.note\uFFFD.0', 'checkpoints.0.path', 'checkpoints.0.metadata.s', 'logs.0.line',
    ]);
    const row = await db().rollout.findFirstOrThrow({ where: { runId: id } });
    expect(row.clipId).toBe('clip\uFFFD');
    expect(row.answer).toBe('A man\uFFFD walks.');
    expect(row.think).toEqual([{ subject: 'man\uFFFD', attributes: ['tall'], actions: ['walk'] }]);
    expect((row.breakdown as { ingestSanitized: string[] }).ingestSanitized).toContain('completion: 1 U+0000 and 1 lone surrogate replaced by U+FFFD');
    expect((await db().runLog.findFirstOrThrow({ where: { runId: id } })).line).toBe('log \uFFFD line');
    // a status reason with U+0000 (e.g. a crash message quoting a binary file) is stored too
    await client.transition(id, { to: 'failed', reason: 'crashed: \u0000 in output' });
    expect((await caller.run.get({ id })).failureReason).toBe('crashed: \uFFFD in output');
  });

  it('a value the database still refuses is traced to its item; the others of the chunk are stored', async () => {
    const { id } = await createExternalRun(db(), { name: 'isolate', kind: 'grpo', backend: 'import' });
    const lines = Array.from({ length: 9 }, (_, i) => ({ seq: i, line: i === 6 ? 'raw \u0000 byte' : `line ${i}` }));
    const rejected: { index: number; message: string }[] = [];
    // Written raw (no sanitising) so PostgreSQL itself refuses item 6 of the chunk.
    const n = await writeIsolating(
      lines,
      100,
      (chunk) => db().$executeRaw`INSERT INTO "RunLog" ("runId", seq, line) SELECT ${id}, s, l FROM unnest(${chunk.map((c) => c.seq)}::int[], ${chunk.map((c) => c.line)}::text[]) AS t(s, l)`,
      (index, message) => rejected.push({ index, message }),
    );
    expect(n).toBe(8);
    expect(rejected).toEqual([{ index: 6, message: expect.stringMatching(/invalid byte sequence for encoding "UTF8": 0x00 \[SQLSTATE 22021\]/) }]);
    expect(await db().runLog.count({ where: { runId: id } })).toBe(8);
  });
});

describe('ingest: errors a client can act on, and never retried when they are the request’s fault', () => {
  it('the reporter sends a batch with an invalid item once, lists what was not stored, and keeps going', async () => {
    const { calls, f } = countingFetch();
    const client = new ServerClient({ serverUrl: app.url, token, fetchImpl: f });
    const { id } = await client.createRun({ name: 'no-retry', kind: 'grpo', backend: 'import' });
    const errors: string[] = [];
    const reporter = client.reporter(id, { flushIntervalMs: 60_000, onDeliveryError: (m) => errors.push(m) });
    await reporter.metrics([
      { step: 1, key: 'reward', value: 1, wallTime: 1 },
      { step: 2 ** 60, key: 'reward', value: 2, wallTime: 1 },
    ]);
    await reporter.close(5_000);
    expect(calls.filter((c) => c.endsWith('/events'))).toHaveLength(1);
    expect(reporter.stored.metrics).toBe(1);
    expect(reporter.rejected).toEqual([{ item: 'metrics.1', field: 'step', message: expect.stringMatching(/2\^53/), batch: 0, what: `metric reward at step ${2 ** 60}` }]);
    expect(errors).toEqual([expect.stringMatching(/^ingest stored part of a batch; not stored \(not retried\): .*metrics\.1\.step/)]);
    // a run that does not exist: 404, not retried either
    const gone = client.reporter('no-such-run', { flushIntervalMs: 60_000 });
    await gone.metrics([{ step: 1, key: 'reward', value: 1, wallTime: 1 }]);
    await gone.close(5_000);
    expect(calls.filter((c) => c.includes('no-such-run'))).toHaveLength(1);
    expect(gone.rejected[0]).toMatchObject({ item: 'metrics.0', field: '(batch)', message: expect.stringMatching(/404/) });
    // a conflict (409) of a status update is not retried
    await client.transition(id, { to: 'succeeded', reason: 'done' });
    const before = calls.length;
    await expect(client.transition(id, { to: 'running', reason: 'again' })).rejects.toThrow(/409/);
    expect(calls.length - before).toBe(1);
  });

  it('a 5xx (the server is down) is retried; a wrong token says what to check', async () => {
    const { calls, f } = countingFetch();
    const client = new ServerClient({ serverUrl: app.url, token, fetchImpl: f });
    const { id } = await client.createRun({ name: 'retry-5xx', kind: 'grpo', backend: 'import' });
    const reporter = client.reporter(id, { flushIntervalMs: 50 });
    app.setDown(true);
    await reporter.metrics([{ step: 1, key: 'reward', value: 1, wallTime: 1 }]);
    await new Promise((r) => setTimeout(r, 1500));
    app.setDown(false);
    await reporter.close(20_000);
    expect(calls.filter((c) => c.endsWith('/events')).length).toBeGreaterThan(1);
    expect(reporter.stored.metrics).toBe(1);
    const bad = new ServerClient({ serverUrl: app.url, token: 'wrong-token-000000000000' });
    await expect(bad.createRun({ name: 'x', kind: 'grpo', backend: 'import' })).rejects.toThrow(/401: the runner token was refused — check VIDEOCAP_RUNNER_TOKEN/);
  });

  it('an internal failure is a 500 that names no Prisma internals; a refused value is a 400', async () => {
    const req = () => new Request('http://x/api/ingest', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}' });
    const internal = await ingestHandler(req(), null, async () => db().$queryRaw`SELECT * FROM "NoSuchTable"`);
    expect(internal.status).toBe(500);
    const body = (await internal.json()) as { error: string };
    expect(body.error).toMatch(/^internal error \[[a-z0-9]+\]: PrismaClientKnownRequestError \(details in the server log\)$/);
    expect(body.error).not.toMatch(/NoSuchTable|invocation|\$queryRaw/);
    const refused = await ingestHandler(req(), null, async () => db().$executeRaw`SELECT ${'a\u0000'}::text`);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/^the database refused a value: invalid byte sequence/);
  });
});

describe('lost contact (no run stays "running" forever)', () => {
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
  const heartbeat = (over: Partial<RunnerHeartbeat>): RunnerHeartbeat => ({
    id: 'hk-runner', host: 'h', pid: 1, backends: ['local'], gpus: 0, slots: 1, freeSlots: 1, activeRunIds: [], startedAt: Date.now(), at: Date.now(), ...over,
  });

  it('fails silent imports and silent runs no live runner can resume; leaves runs a runner holds or BullMQ will hand out', async () => {
    const r = redis();
    await r.del(REDIS_KEYS.runnerHeartbeat('hk-runner'));
    const importRun = await createExternalRun(db(), { name: 'silent import', kind: 'grpo', backend: 'import' });
    const freshImport = await createExternalRun(db(), { name: 'busy import', kind: 'grpo', backend: 'import' });
    const held = await createExternalRun(db(), { name: 'held', kind: 'grpo', backend: 'local', status: 'running' });
    const resumable = await launchRun(db(), { name: 'resumable', kind: 'grpo', backend: 'local', config: { maxSteps: 5 } });
    await db().run.update({ where: { id: resumable.id }, data: { status: 'running' } });
    await db().run.updateMany({ where: { id: { in: [importRun.id, held.id, resumable.id] } }, data: { lastReportAt: minutesAgo(20) } });
    expect(await queueFor('grpo', 'local').getJob(resumable.id).then((j) => j?.getState())).toBe('waiting');

    // a live local runner holds `held` and serves the queue `resumable` waits in
    await r.set(REDIS_KEYS.runnerHeartbeat('hk-runner'), JSON.stringify(heartbeat({ activeRunIds: [held.id] })), 'EX', 30);
    const first = await failRunsThatLostContact(db(), { deadlineMs: 15 * 60_000 });
    expect(first.map((f) => f.id)).toEqual([importRun.id]);
    const silent = await caller.run.get({ id: importRun.id });
    expect(silent.status).toBe('failed');
    expect(silent.failureReason).toMatch(/^import failed: lost contact with the importer, no report since .* \(over 15 min\)$/);
    expect((await caller.run.get({ id: freshImport.id })).status).toBe('running');
    expect((await caller.run.get({ id: held.id })).status).toBe('running');
    expect((await caller.run.get({ id: resumable.id })).status).toBe('running');

    // the runner is gone: nobody holds `held`, nobody can take `resumable` from the queue (also no
    // heartbeat left by a runner of an earlier test file, whose key lives until its TTL)
    const beats = await r.keys(REDIS_KEYS.runnerHeartbeatPattern);
    if (beats.length > 0) await r.del(...beats);
    const second = await failRunsThatLostContact(db(), { deadlineMs: 15 * 60_000 });
    expect(second.map((f) => f.id).sort()).toEqual([held.id, resumable.id].sort());
    const lost = await caller.run.get({ id: resumable.id });
    expect(lost.failureReason).toMatch(/^lost contact: the runner stopped reporting, no report since .*, and no live local runner can resume it/);
    expect(lost.transitions.at(-1)).toMatchObject({ fromStatus: 'running', toStatus: 'failed' });
    await queueFor('grpo', 'local').getJob(resumable.id).then((j) => j?.remove());
  });

  it('a run is never failed before the deadline', async () => {
    const run = await createExternalRun(db(), { name: 'recent', kind: 'grpo', backend: 'import' });
    await db().run.update({ where: { id: run.id }, data: { lastReportAt: minutesAgo(14) } });
    expect((await failRunsThatLostContact(db(), { deadlineMs: 15 * 60_000 })).map((f) => f.id)).not.toContain(run.id);
  });
});
