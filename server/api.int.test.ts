/**
 * Integration: tRPC procedures, the ingest API over real HTTP, the state machine and the queue,
 * against the real PostgreSQL database and Redis that scripts/test.ts prepared.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { queueName } from '../core/jobs';
import { createCaller } from './api/root';
import { db } from './db';
import { redis } from './redis';
import { startTestApp, type TestApp } from './testing/http-app';
import { ServerClient } from '../gpu-runner/server-client';
import { describeScorer } from '../core/scorer';

const caller = createCaller({ db: db(), headers: new Headers() });
let app: TestApp;
const token = process.env.VIDEOCAP_RUNNER_TOKEN!;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

describe('run.launch', () => {
  it('rejects an invalid config naming the field and the reason, and stores nothing', async () => {
    const before = await db().run.count();
    await expect(
      caller.run.launch({ name: 'bad', kind: 'grpo', backend: 'local', config: { grpo: { numGenerations: 1 } } }),
    ).rejects.toThrow(/config\.grpo\.numGenerations: GRPO needs at least 2 generations/);
    expect(await db().run.count()).toBe(before);
  });

  it('stores a queued run with a transition and enqueues a job on the (kind, backend) queue', async () => {
    const { id } = await caller.run.launch({ name: 'queued run', kind: 'sft', backend: 'swift', config: { maxSteps: 5 } });
    const run = await caller.run.get({ id });
    expect(run.status).toBe('queued');
    expect(run.transitions.map((t) => t.toStatus)).toEqual(['queued']);
    expect((run.config as { grpo: { numGenerations: number } }).grpo.numGenerations).toBe(7); // paper default filled in
    const q = new Queue(queueName('sft', 'swift'), { connection: redis() });
    const job = await q.getJob(id);
    expect(job?.data).toEqual({ runId: id });
    // cancelling a job nobody took removes it and records `cancelled`
    expect(await caller.run.cancel({ id })).toEqual({ status: 'cancelled' });
    expect(await q.getJob(id)).toBeUndefined();
    const after = await caller.run.get({ id });
    expect(after.status).toBe('cancelled');
    expect(after.transitions.at(-1)?.reason).toMatch(/before a runner took it/);
    await q.close();
  });

  it('run.get of an unknown id is NOT_FOUND', async () => {
    await expect(caller.run.get({ id: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('ingest API over HTTP', () => {
  it('refuses requests without a valid runner token', async () => {
    const r = await fetch(`${app.url}/api/ingest/runs`, { method: 'POST', body: '{}' });
    expect(r.status).toBe(401);
    const bad = new ServerClient({ serverUrl: app.url, token: 'wrong-token-000000000000' });
    await expect(bad.createRun({ name: 'x', kind: 'grpo', backend: 'import' })).rejects.toThrow(/401/);
  });

  it('says what was wrong with a malformed batch, and keeps what was stored', async () => {
    const client = new ServerClient({ serverUrl: app.url, token });
    const { id } = await client.createRun({ name: 'ingest-bad', kind: 'grpo', backend: 'import' });
    await client.sendBatch(id, { metrics: [{ step: 1, key: 'reward', value: 0.5, wallTime: Date.now() }] });
    const r = await fetch(`${app.url}/api/ingest/runs/${id}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ metrics: [{ step: -1, key: 'reward', value: 1, wallTime: 0 }] }),
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toMatch(/metrics\.0\.step/);
    expect(await db().metricPoint.count({ where: { runId: id } })).toBe(1);
  });

  it('is idempotent: the same batch twice is stored once; a re-emitted step keeps the last value', async () => {
    const client = new ServerClient({ serverUrl: app.url, token });
    const { id } = await client.createRun({ name: 'ingest-idem', kind: 'grpo', backend: 'import' });
    const now = Date.now();
    const batch = {
      metrics: [0, 1, 2].flatMap((s) => [
        { step: s, key: 'reward', value: s / 10, wallTime: now + s },
        { step: s, key: 'think_score', value: s / 20, wallTime: now + s },
      ]),
      rollouts: [0, 1].map((i) => ({
        step: 2,
        clipId: 'dream-1k/1',
        groupIndex: 0,
        sampleIndex: i,
        completion: '<think>#Subject 1: man [tall], [walk]</think><answer>A man walks.</answer>',
        think: [{ subject: 'man', attributes: ['tall'], actions: ['walk'] }],
        answer: 'A man walks.',
        rewards: { format: 1, tscore: 0.5 },
        reward: 1.5,
        advantage: i === 0 ? 0.7 : -0.7,
        length: 12,
      })),
      checkpoints: [{ step: 2, path: '/tmp/ck-2' }],
      logs: [{ seq: 0, line: 'hello' }],
    };
    await client.sendBatch(id, batch);
    await client.sendBatch(id, batch);
    expect(await db().metricPoint.count({ where: { runId: id } })).toBe(6);
    expect(await db().rollout.count({ where: { runId: id } })).toBe(2);
    expect(await db().checkpoint.count({ where: { runId: id } })).toBe(1);
    expect(await db().runLog.count({ where: { runId: id } })).toBe(1);
    await client.sendBatch(id, { metrics: [{ step: 2, key: 'reward', value: 0.9, wallTime: now + 5 }] });
    const p = await db().metricPoint.findUnique({ where: { runId_key_step: { runId: id, key: 'reward', step: 2 } } });
    expect(p?.value).toBeCloseTo(0.9);
    // the 64-step rollup the charts read follows the re-emitted value
    const rollup = await db().metricRollup.findUnique({ where: { runId_key_bucket: { runId: id, key: 'reward', bucket: 0 } } });
    expect(rollup).toMatchObject({ count: 3, firstStep: 0n, lastStep: 2n, lastValue: 0.9, maxValue: 0.9, minValue: 0 }); // BIGINT steps
    const run = await caller.run.get({ id });
    expect(run.lastStep).toBe(2);
    expect(run.metricKeys.map((k) => k.key)).toEqual(['reward', 'think_score']);
    const page1 = await caller.rollout.list({ runId: id, limit: 1, order: 'asc' });
    expect(page1.items).toHaveLength(1);
    const page2 = await caller.rollout.list({ runId: id, limit: 1, order: 'asc', cursor: page1.nextCursor });
    expect(page2.items[0]!.sampleIndex).toBe(1);
    expect(page2.nextCursor).toBeNull();
    expect((await caller.rollout.list({ runId: id, limit: 10, advantageSign: 'negative' })).items.map((r) => r.sampleIndex)).toEqual([1]);
    // sorted by advantage, keyset cursor on (advantage, id)
    const byAdv1 = await caller.rollout.list({ runId: id, limit: 1, sort: 'advantage', order: 'desc' });
    expect(byAdv1.items[0]!.advantage).toBeCloseTo(0.7);
    const byAdv2 = await caller.rollout.list({ runId: id, limit: 1, sort: 'advantage', order: 'desc', cursor: byAdv1.nextCursor });
    expect(byAdv2.items[0]!.advantage).toBeCloseTo(-0.7);
    expect(byAdv2.nextCursor).toBeNull();
    await expect(caller.rollout.list({ runId: id, limit: 1, cursor: 'garbage' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('the reporter buffers through a server outage and delivers everything once it is back', async () => {
    const client = new ServerClient({ serverUrl: app.url, token });
    const { id } = await client.createRun({ name: 'ingest-outage', kind: 'grpo', backend: 'import' });
    const reporter = client.reporter(id, { flushIntervalMs: 50 });
    app.setDown(true);
    for (let s = 0; s < 50; s++) await reporter.metrics([{ step: s, key: 'loss', value: s, wallTime: Date.now() }]);
    await new Promise((r) => setTimeout(r, 300));
    expect(reporter.pending).toBe(50);
    app.setDown(false);
    await reporter.close(20_000);
    expect(await db().metricPoint.count({ where: { runId: id } })).toBe(50);
  });

  it('enforces the state machine: a terminal run stays terminal', async () => {
    const client = new ServerClient({ serverUrl: app.url, token });
    const { id } = await client.createRun({ name: 'sm', kind: 'grpo', backend: 'import' });
    await client.transition(id, { to: 'succeeded', reason: 'done' });
    await expect(client.transition(id, { to: 'running', reason: 'again' })).rejects.toThrow(/409.*cannot go from succeeded to running/);
  });

  it('stores the scorer identity a runner or importer sends, and refuses one that hides an approximation', async () => {
    const scorer = describeScorer({
      embedder: { kind: 'lexical', model: 'lexical-embedder', id: 'lexical:lexical-embedder#512' },
      judge: { kind: 'openai', model: 'Qwen2.5-72B-Instruct', id: 'openai:Qwen2.5-72B-Instruct@http://judge/v1', promptVersion: 'autodq-v1' },
      simThreshold: 0.5,
      escoreThresholds: [0.28, 0.35],
    });
    const client = new ServerClient({ serverUrl: app.url, token });
    const started = await client.createRun({ name: 'scored', kind: 'grpo', backend: 'import', status: 'starting' });
    await client.transition(started.id, { to: 'running', reason: 'running', scorer });
    expect((await caller.run.get({ id: started.id })).scorer).toEqual(scorer);
    const imported = await client.createRun({ name: 'imported-scored', kind: 'grpo', backend: 'import', scorer });
    expect((await caller.run.get({ id: imported.id })).scorer).toEqual(scorer);

    const hidden = await fetch(`${app.url}/api/ingest/runs/${started.id}/status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: 'succeeded', reason: 'done', scorer: { ...scorer, approximate: false } }),
    });
    expect(hidden.status).toBe(400);
    expect(await hidden.text()).toContain('scorer.approximate');
    expect((await caller.run.get({ id: started.id })).status).toBe('running');
  });
});

describe('metric.series', () => {
  it('reduces a long series per pixel column keeping spikes, and re-fetches detail for a zoom range', async () => {
    const client = new ServerClient({ serverUrl: app.url, token });
    const { id } = await client.createRun({ name: 'series', kind: 'grpo', backend: 'import' });
    const n = 20_000;
    const metrics = Array.from({ length: n }, (_, s) => ({ step: s, key: 'reward', value: s === 12_345 ? 100 : Math.sin(s / 100), wallTime: 1_700_000_000_000 + s * 1000 }));
    await client.sendBatch(id, { metrics });
    const [full] = await caller.metric.series({ runId: id, keys: ['reward'], maxPoints: 200 });
    if (full!.encoding !== 'json') throw new Error('json encoding expected by default');
    expect(full!.total).toBe(n);
    expect(full!.step.length).toBeLessThanOrEqual(800);
    expect(Math.max(...full!.value)).toBe(100);
    expect(full!.reduced).toBe(true);
    // Each pixel column (colStart) draws real points, and its min/max are the exact extremes of the
    // raw points from its first to its last drawn point.
    const byStep = new Map(metrics.map((m) => [m.step, m.value]));
    const cols = [...full!.colStart, full!.step.length];
    for (let c = 0; c + 1 < cols.length; c++) {
      const steps = full!.step.slice(cols[c], cols[c + 1]);
      const vals = full!.value.slice(cols[c], cols[c + 1]);
      steps.forEach((st, k) => expect(vals[k]).toBe(byStep.get(st)));
      const raw: number[] = [];
      for (let st = steps[0]!; st <= steps.at(-1)!; st++) raw.push(byStep.get(st)!);
      expect(Math.max(...vals)).toBe(Math.max(...raw));
      expect(Math.min(...vals)).toBe(Math.min(...raw));
    }
    expect(cols.length).toBeGreaterThan(100);
    const [zoom] = await caller.metric.series({ runId: id, keys: ['reward'], maxPoints: 200, xMin: 100, xMax: 199, xAxis: 'relative' });
    if (zoom!.encoding !== 'json') throw new Error('json encoding expected by default');
    expect(zoom!.total).toBe(100);
    expect(zoom!.step).toEqual(Array.from({ length: 100 }, (_, i) => 100 + i));
    expect(zoom!.relTime![0]).toBe(100);

    // CSV export streams every stored point (not the reduced ones), in step order
    const csv = await (await fetch(`${app.url}/api/metrics.csv?runs=${id}&keys=reward`)).text();
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('run_id,run,key,step,wall_time,value,scorer');
    expect(lines).toHaveLength(n + 1);
    expect(lines[12_346]).toBe(`${id},series,reward,12345,${(1_700_000_000_000 + 12_345 * 1000) / 1000},100,`);
    const zoomed = (await (await fetch(`${app.url}/api/metrics.csv?runs=${id}&keys=reward&xMin=10&xMax=19`)).text()).trimEnd().split('\r\n');
    expect(zoomed.slice(1).map((l) => Number(l.split(',')[3]))).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    const bad = await fetch(`${app.url}/api/metrics.csv?keys=reward`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/runs: /);
    // An unknown run id is a 404 naming it; a known run without points of a key is the header alone.
    const unknown = await fetch(`${app.url}/api/metrics.csv?runs=nope,${id},nope2&keys=loss`);
    expect(unknown.status).toBe(404);
    const unknownError = ((await unknown.json()) as { error: string }).error;
    expect(unknownError).toBe('unknown run ids: nope, nope2');
    const noPoints = await fetch(`${app.url}/api/metrics.csv?runs=${id}&keys=loss`);
    expect(noPoints.status).toBe(200);
    expect((await noPoints.text()).trimEnd()).toBe('run_id,run,key,step,wall_time,value,scorer');
  });
});

describe('/api/health', () => {
  it('reports db, redis and live runners', async () => {
    const r = await fetch(`${app.url}/api/health`);
    expect(r.status).toBe(200);
    const h = (await r.json()) as { ok: boolean; db: string; redis: string; runners: number };
    expect(h).toMatchObject({ ok: true, db: 'ok', redis: 'ok' });
    expect(typeof h.runners).toBe('number');
  });
});
