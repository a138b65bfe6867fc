/**
 * Integration (real PostgreSQL + Redis): run.launch never runs a different experiment than asked
 * (unknown keys, impossible combinations, unknown datasets are 400s naming the field), training
 * on an evaluation benchmark is flagged, and "why nothing runs" (no runner for a queue, runner
 * lost) reaches run.get, run.list and /api/health.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_KEYS, type RunnerHeartbeat } from '../core/jobs';
import { createCaller } from './api/root';
import { db } from './db';
import { redis } from './redis';
import { transitionRun } from './services/runs';
import { startTestApp, type TestApp } from './testing/http-app';

const caller = createCaller({ db: db(), headers: new Headers() });
let app: TestApp;

async function clearRunners(): Promise<void> {
  const keys = await redis().keys(REDIS_KEYS.runnerHeartbeatPattern);
  if (keys.length) await redis().del(...keys);
}

async function fakeHeartbeat(id: string, backends: ('local' | 'swift')[], gpus = 0): Promise<void> {
  const hb: RunnerHeartbeat = { id, host: 'test', pid: 1, backends, gpus, slots: 1, freeSlots: 1, activeRunIds: [], startedAt: Date.now(), at: Date.now() };
  await redis().set(REDIS_KEYS.runnerHeartbeat(id), JSON.stringify(hb), 'EX', 60);
}

/** Cancel every queued run on a queue without runners (so other tests see a clean health). */
async function cancelQueued(): Promise<void> {
  for (const r of await db().run.findMany({ where: { status: 'queued' }, select: { id: true } })) await caller.run.cancel({ id: r.id }).catch(() => undefined);
}

beforeAll(async () => {
  app = await startTestApp();
  // No runner process runs during this file (integration files run one at a time); drop stale heartbeats.
  await clearRunners();
  await cancelQueued();
});
afterAll(async () => {
  await clearRunners();
  await cancelQueued();
  await app.close();
});

async function launchError(config: unknown, kind: 'grpo' | 'sft' = 'grpo') {
  const before = await db().run.count();
  const err = await caller.run.launch({ name: 'bad', kind, backend: 'local', config }).then(
    () => null,
    (e: unknown) => e as { code: string; message: string; shape?: { data?: { fieldErrors?: Record<string, string> } } },
  );
  expect(err, 'launch should be refused').not.toBeNull();
  expect(await db().run.count()).toBe(before); // nothing stored
  return err!;
}

describe('run.launch never runs a different experiment than asked', () => {
  it('an unknown key is a 400 naming its path with a suggestion (API, over HTTP)', async () => {
    const res = await fetch(`${app.url}/api/trpc/run.launch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ json: { name: 'typo', kind: 'grpo', backend: 'local', config: { maxStep: 20 } } }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { json: { message: string; data: { fieldErrors: Record<string, string> } } } };
    expect(body.error.json.message).toBe('invalid run config — config.maxStep: unknown key — did you mean maxSteps?');
    expect(body.error.json.data.fieldErrors).toEqual({ 'config.maxStep': 'unknown key — did you mean maxSteps?' });

    // An input-schema error (empty name) is one readable line, not zod's JSON dump.
    const schema = await fetch(`${app.url}/api/trpc/run.launch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ json: { name: '', kind: 'grpo', backend: 'local', config: {} } }),
    });
    expect(schema.status).toBe(400);
    const schemaBody = (await schema.json()) as { error: { json: { message: string; data: { fieldErrors: Record<string, string> } } } };
    expect(schemaBody.error.json.message).toMatch(/^invalid input: name: /);
    expect(schemaBody.error.json.message).not.toContain('[');
    expect(Object.keys(schemaBody.error.json.data.fieldErrors)).toEqual(['name']);

    const nested = await launchError({ grpo: { numGeneration: 3 } });
    expect(nested.code).toBe('BAD_REQUEST');
    expect(nested.message).toMatch(/config\.grpo\.numGeneration: unknown key — did you mean numGenerations\?/);
  });

  it('impossible combinations are refused', async () => {
    const tscoreFreeForm = await launchError({ thinkingMode: 'free-form' });
    expect(tscoreFreeForm.message).toMatch(/config\.rewards: the think score \(Tscore\).*free-form thinking.*0 at every step/);
    const batch = await launchError({ grpo: { numGenerations: 5 } });
    expect(batch.message).toMatch(/config\.grpo\.globalBatchSize: global batch 56 is not divisible by num_generations 5/);
  });

  it('a dataset the server does not know is refused with the known ones', async () => {
    const err = await launchError({ dataset: 'dream1k' });
    expect(err.message).toMatch(/config\.dataset: unknown dataset "dream1k" — did you mean dream-1k\? \(known: .*dream-1k/);
    // with another config error, both are said at once
    const both = await launchError({ dataset: 'dream1k', grpo: { numGenerations: 5 } });
    expect(both.message).toMatch(/config\.grpo\.globalBatchSize: .*; config\.dataset: unknown dataset "dream1k"/);
    expect(Object.keys((both as unknown as { cause: { fieldErrors: Record<string, string> } }).cause.fieldErrors).sort()).toEqual(['config.dataset', 'config.grpo.globalBatchSize']);
    const { id } = await caller.run.launch({ name: 'subset', kind: 'grpo', backend: 'local', config: { dataset: 'dream-1k:16', maxSteps: 1 } });
    await caller.run.cancel({ id });
  });
});

describe('training on an evaluation benchmark is flagged', () => {
  it('DREAM-1K (seeded as a benchmark): a warning at launch, recorded on the run and listed', async () => {
    const r = await caller.run.launch({ name: 'on-the-test-set', kind: 'grpo', backend: 'local', config: { maxSteps: 1 } });
    expect(r.trainedOnBenchmarks).toEqual(['dream-1k']);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/"dream-1k" is the evaluation benchmark dream-1k — this run trains on test data/);
    expect((await caller.run.get({ id: r.id })).trainedOnBenchmarks).toEqual(['dream-1k']);
    const listed = (await caller.run.list({ limit: 200 })).items.find((x) => x.id === r.id);
    expect(listed?.trainedOnBenchmarks).toEqual(['dream-1k']);
    await caller.run.cancel({ id: r.id });
  });

  it('a training dataset is not flagged', async () => {
    await db().dataset.upsert({ where: { name: 'wf-train-set' }, update: {}, create: { name: 'wf-train-set', kind: 'train' } });
    const r = await caller.run.launch({ name: 'clean', kind: 'sft', backend: 'local', config: { maxSteps: 1, dataset: 'wf-train-set' } });
    expect(r).toMatchObject({ warnings: [], trainedOnBenchmarks: [] });
    expect((await caller.run.get({ id: r.id })).trainedOnBenchmarks).toEqual([]);
    await caller.run.cancel({ id: r.id });
  });
});

describe('say why nothing runs', () => {
  it('a queued run whose queue has no live runner says so (run.get, run.list, health)', async () => {
    await clearRunners();
    let health = (await (await fetch(`${app.url}/api/health`)).json()) as { ok: boolean; status: string; runners: number; unserved: string[]; warnings: string[] };
    expect(health).toMatchObject({ ok: true, status: 'degraded', runners: 0 });
    expect(health.unserved).toContain('grpo/swift: no runner connected');
    expect(health.warnings[0]).toMatch(/^no runner connected/);

    await fakeHeartbeat('wf-local', ['local']);
    health = (await (await fetch(`${app.url}/api/health`)).json()) as typeof health;
    expect(health).toMatchObject({ status: 'ok', runners: 1 });
    expect(health.unserved).toContain('grpo/swift: no runner connected');
    expect(health.unserved).not.toContain('grpo/local: no runner connected');

    const { id } = await caller.run.launch({ name: 'waits-for-swift', kind: 'grpo', backend: 'swift', config: { maxSteps: 1 } });
    const run = await caller.run.get({ id });
    expect(run.attention).toMatchObject({ kind: 'no-runner', queue: 'grpo/swift', command: 'RUNNER_BACKENDS=swift RUNNER_GPUS=8 npx videocap runner' });
    expect(run.attention?.message).toMatch(/^grpo\/swift: no runner connected/);
    const listed = (await caller.run.list({ limit: 200 })).items.find((x) => x.id === id);
    expect(listed?.attention).toMatchObject({ kind: 'no-runner', queue: 'grpo/swift' });
    expect(listed).not.toHaveProperty('config');
    health = (await (await fetch(`${app.url}/api/health`)).json()) as typeof health;
    expect(health.status).toBe('degraded');
    expect(health.warnings).toContain('grpo/swift: no runner connected (1 queued run waiting)');

    // A swift runner with too few GPUs: still waiting, and why.
    await fakeHeartbeat('wf-swift-small', ['swift'], 1);
    expect((await caller.run.get({ id })).attention).toMatchObject({ kind: 'too-few-gpus', needed: 8, largest: 1 });

    await caller.run.cancel({ id });
    expect((await caller.run.get({ id })).attention).toBeNull();
    health = (await (await fetch(`${app.url}/api/health`)).json()) as typeof health;
    expect(health.status).toBe('ok');
    await clearRunners();
  });

  it('a running run whose runner stopped heart-beating: runner lost, waiting to be resumed, with the time', async () => {
    await clearRunners();
    const { id } = await caller.run.launch({ name: 'lost-runner', kind: 'grpo', backend: 'local', config: { maxSteps: 1000 } });
    // What a runner does when it takes the job (core/jobs.ts wire format), then dies.
    const lastSeen = Date.now() - 90_000;
    await redis().hset(REDIS_KEYS.runnerLastSeen, 'wf-ghost', String(lastSeen));
    await transitionRun(db(), id, 'starting', 'taken by runner wf-ghost', { runnerId: 'wf-ghost' });
    await transitionRun(db(), id, 'running', 'running', { runnerId: 'wf-ghost' });
    const run = await caller.run.get({ id });
    expect(run.attention).toMatchObject({ kind: 'runner-lost', runnerId: 'wf-ghost', lostAt: lastSeen, command: 'RUNNER_BACKENDS=local npx videocap runner' });
    expect(run.attention?.message).toMatch(/^runner lost, waiting to be resumed: wf-ghost stopped heart-beating at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    // While the runner heart-beats, nothing is claimed.
    await fakeHeartbeat('wf-ghost', ['local']);
    expect((await caller.run.get({ id })).attention).toBeNull();
    await clearRunners();
    await transitionRun(db(), id, 'failed', 'test cleanup');
    await redis().hdel(REDIS_KEYS.runnerLastSeen, 'wf-ghost');
  });
});
