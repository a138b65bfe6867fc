/**
 * End to end through real processes: the server's route handlers over real HTTP, real Redis/BullMQ,
 * real PostgreSQL, and runner child processes running the local backend. A runner is SIGKILLed
 * mid-run; another resumes from the last checkpoint without duplicating metrics or rollouts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller } from '../server/api/root';
import { scorerIdentitySchema } from '../core/scorer';
import { db } from '../server/db';
import { startTestApp, type TestApp } from '../server/testing/http-app';
import { until } from '../server/testing/until';

const ROOT = path.resolve(__dirname, '..');
const caller = createCaller({ db: db(), headers: new Headers() });
let app: TestApp;
const runners: ChildProcess[] = [];
const outputs = new Map<string, () => string>();

function startRunner(id: string, extraEnv: Record<string, string> = {}): ChildProcess {
  const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'gpu-runner', 'main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      VIDEOCAP_SERVER_URL: app.url,
      RUNNER_ID: id,
      RUNNER_LOCK_MS: '3000',
      RUNNER_STALLED_INTERVAL_MS: '1000',
      RUNNER_HEARTBEAT_MS: '500',
      RUNNER_WORKDIR: path.join(ROOT, '.data', 'it-runner'),
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  outputs.set(id, () => out);
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  child.on('exit', (code, sig) => {
    if (code && code !== 0) console.error(`runner ${id} exited ${code} ${sig ?? ''}\n${out.slice(-3000)}`);
  });
  runners.push(child);
  return child;
}

function kill(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL') {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    /* already gone */
  }
}

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  for (const r of runners) kill(r);
  await app.close();
});

describe('runner + local backend', () => {
  it('runs a launched GRPO run to success; a killed runner is resumed by another without duplicates', async () => {
    const maxSteps = 40;
    const G = 4;
    const clipsPerStep = 4;
    const { id } = await caller.run.launch({
      name: 'kill-and-resume',
      kind: 'grpo',
      backend: 'local',
      config: { maxSteps, dataset: 'dream-1k:64', grpo: { numGenerations: G }, local: { clipsPerStep, checkpointEvery: 5, stepDelayMs: 120 } },
    });
    const a = startRunner('it-runner-a');
    await until(() => caller.run.get({ id }), (r) => r.status === 'running', 'running');
    await until(() => db().checkpoint.findFirst({ where: { runId: id, step: { gte: 10 } } }), (c) => c !== null, 'a checkpoint at step ≥ 10');
    kill(a);
    const stepAtKill = (await caller.run.get({ id })).lastStep;
    expect(stepAtKill).toBeLessThan(maxSteps);
    startRunner('it-runner-b');
    const done = await until(() => caller.run.get({ id }), (r) => r.status === 'succeeded' || r.status === 'failed', 'the run to finish', 120_000);
    expect(done.failureReason).toBeNull();
    expect(done.status).toBe('succeeded');
    const reasons = done.transitions.map((t) => `${t.toStatus}: ${t.reason}`);
    expect(reasons.some((r) => /resumed by runner it-runner-b .* from checkpoint at step \d+/.test(r))).toBe(true);
    expect(done.attempt).toBe(2);

    // Exactly one point per step and key, and one rollout per (step, clip, sample).
    const steps = await db().metricPoint.findMany({ where: { runId: id, key: 'reward' }, select: { step: true }, orderBy: { step: 'asc' } });
    expect(steps.length).toBe(maxSteps);
    expect(new Set(steps.map((s) => s.step)).size).toBe(maxSteps);
    expect(await db().rollout.count({ where: { runId: id } })).toBe(maxSteps * G * clipsPerStep);
    for (const key of ['think_score', 'reward', 'response_length', 'kl', 'loss', 'learning_rate', 'reward_std', 'frac_reward_zero_std']) {
      expect(done.metricKeys.find((k) => k.key === key)?.points, key).toBe(maxSteps);
    }
    // The runner stored how the rewards were produced: lexical providers over the local simulation.
    expect(done.scorer).toMatchObject({
      embedder: { kind: 'lexical' },
      judge: { kind: 'lexical', promptVersion: 'autodq-v1' },
      simThreshold: 0.5,
      escoreThresholds: [0.28, 0.35],
      approximate: true,
      label: 'local CPU simulation (simulated perception, not a video model); lexical embedder + lexical judge — offline approximations, not BGE-M3 / Qwen2.5-72B',
    });
    expect(scorerIdentitySchema.safeParse(done.scorer).success).toBe(true);
  }, 180_000);

  it('GRPO after SFT starts from the SFT checkpoint (config.initFromCheckpointId)', async () => {
    startRunner('it-runner-init');
    const sft = await caller.run.launch({
      name: 'sft-first',
      kind: 'sft',
      backend: 'local',
      config: { maxSteps: 10, dataset: 'dream-1k:32', sft: { withStructuredThinking: true }, local: { checkpointEvery: 5 } },
    });
    const sftDone = await until(() => caller.run.get({ id: sft.id }), (r) => r.status === 'succeeded' || r.status === 'failed', 'sft to finish');
    expect(sftDone.status).toBe('succeeded');
    // The local SFT run scores its periodic evaluations: it has a scorer too.
    expect(sftDone.scorer).toMatchObject({ approximate: true, simThreshold: 0.5 });
    const ck = sftDone.checkpoints.at(-1)!;
    expect(ck.step).toBe(10);
    const grpo = await caller.run.launch({
      name: 'grpo-after-sft',
      kind: 'grpo',
      backend: 'local',
      config: { maxSteps: 5, dataset: 'dream-1k:32', initFromCheckpointId: ck.id },
    });
    const done = await until(() => caller.run.get({ id: grpo.id }), (r) => r.status === 'succeeded' || r.status === 'failed', 'grpo to finish');
    expect(done.failureReason).toBeNull();
    expect(done.initCheckpointId).toBe(ck.id);
    expect(done.logTail.some((l) => l.line.includes(`initialised from sft checkpoint ${ck.path}`))).toBe(true);
    await expect(
      caller.run.launch({ name: 'bad-init', kind: 'grpo', backend: 'local', config: { initFromCheckpointId: 'nope' } }),
    ).rejects.toThrow(/config\.initFromCheckpointId: checkpoint nope does not exist/);
  }, 180_000);

  it('a swift job waits for a runner with enough GPUs, then runs through ms-swift (stand-in) end to end', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const { id } = await caller.run.launch({
      name: 'swift-needs-4-gpus',
      kind: 'grpo',
      backend: 'swift',
      config: {
        maxSteps: 4,
        dataset: 'dream-1k:16',
        grpo: { numGenerations: 3, globalBatchSize: 6 },
        swift: {
          executable: path.join(ROOT, 'gpu-runner', 'backends', 'swift', 'testing', 'fake-swift'),
          trainDevices: '0,1,2',
          rolloutDevice: '3',
          rolloutPort: port,
          saveSteps: 2,
          killGraceSec: 1,
          extraArgs: ['--fake_step_seconds', '0.05'],
        },
      },
    });
    startRunner('it-runner-1gpu', { RUNNER_BACKENDS: 'swift', RUNNER_GPUS: '1', RUNNER_REQUEUE_DELAY_MS: '500' });
    await until(async () => outputs.get('it-runner-1gpu')!(), (o) => /needs 4 GPUs, this runner has 1/.test(o), 'the small runner to pass on the job', 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await caller.run.get({ id })).status).toBe('queued');

    startRunner('it-runner-4gpu', { RUNNER_BACKENDS: 'swift', RUNNER_GPUS: '4', VIDEO_ROOT: '/data/dream-1k/videos' });
    const done = await until(() => caller.run.get({ id }), (r) => r.status === 'succeeded' || r.status === 'failed', 'the swift run to finish', 120_000);
    expect(done.failureReason).toBeNull();
    expect(done.runnerId).toBe('it-runner-4gpu');
    expect(done.checkpoints.map((c) => c.step)).toEqual([2, 4]);
    expect(await db().rollout.count({ where: { runId: id } })).toBe(4 * 2 * 3);
    for (const key of ['reward', 'think_score', 'format_score', 'loss']) expect(done.metricKeys.find((k) => k.key === key)?.points, key).toBe(4);
    expect(done.logTail.some((l) => l.line.includes('rollout server healthy'))).toBe(true);
    // GRPO on ms-swift is no simulation, but this runner's lexical providers are approximations.
    expect(done.scorer).toMatchObject({ approximate: true, label: 'lexical embedder + lexical judge — offline approximations, not BGE-M3 / Qwen2.5-72B' });
  }, 180_000);

  it('cancel stops a running job and records cancelled', async () => {
    startRunner('it-runner-c');
    const { id } = await caller.run.launch({
      name: 'to-cancel',
      kind: 'grpo',
      backend: 'local',
      config: { maxSteps: 5000, dataset: 'dream-1k:32', local: { stepDelayMs: 50 } },
    });
    await until(() => caller.run.get({ id }), (r) => r.status === 'running' && r.lastStep >= 2, 'running with progress');
    expect((await caller.run.cancel({ id })).status).toBe('cancelling');
    const r = await until(() => caller.run.get({ id }), (x) => x.status === 'cancelled', 'cancelled', 30_000);
    expect(r.transitions.at(-1)?.reason).toMatch(/cancelled by user/);
    expect(r.lastStep).toBeLessThan(5000);
  }, 120_000);
});
