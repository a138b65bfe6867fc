/**
 * Contract tests of the swift backend against the stand-in `swift` (testing/fake-swift), which loads our real
 * plugin (gpu-runner/plugins/videocap_reward.py) and POSTs to the runner's reward service for real.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runConfigSchema, type RunConfigInput } from '../../../core/run-config';
import type { CheckpointRecord, ClipRecord, MetricPoint, RolloutRecord, RunKind } from '../../../core/types';
import { createLexicalEmbedder } from '../../providers/embeddings';
import { createLexicalJudge } from '../../providers/judge';
import type { JobContext, ResumePoint, RunReporter } from '../../report';
import { createRewardService } from '../../rewards/service';
import type { RewardService } from '../../rewards/types';
import { createSwiftBackend, rewardOptionsOf } from './backend';
import { processAlive } from './process';

const FAKE_SWIFT = fileURLToPath(new URL('./testing/fake-swift', import.meta.url));

const CLIPS: ClipRecord[] = [
  {
    id: 'clip/a',
    referenceCaption: 'A woman with long hair lifts a child, throws the child up and catches her. The child smiles.',
    events: ['A woman lifts a child.', 'The woman throws the child up.', 'The child smiles.'],
    think: [
      { subject: 'woman', attributes: ['long hair', 'red dress'], actions: ['lift a child', 'throw up a child', 'catch a child'] },
      { subject: 'child', attributes: ['dressed in red'], actions: ['smile'] },
    ],
    videoPath: '/videos/a.mp4',
  },
  {
    id: 'clip/b',
    referenceCaption: 'A man in a black coat opens a door, steps outside and closes the door behind him.',
    events: ['A man opens a door.', 'The man steps outside.', 'The man closes the door.'],
    think: [{ subject: 'man', attributes: ['black coat'], actions: ['open a door', 'step outside', 'close the door'] }],
    videoPath: '/videos/b.mp4',
  },
  {
    id: 'clip/c',
    referenceCaption: 'A dog runs across a field and jumps over a stone wall.',
    events: ['A dog runs across a field.', 'The dog jumps over a wall.'],
    think: [{ subject: 'dog', attributes: ['brown'], actions: ['run across a field', 'jump over a wall'] }],
    videoPath: '/videos/c.mp4',
  },
];

class RecordingReporter implements RunReporter {
  metricsSeen: MetricPoint[] = [];
  rolloutsSeen: RolloutRecord[] = [];
  checkpointsSeen: CheckpointRecord[] = [];
  logsSeen: string[] = [];
  async metrics(points: MetricPoint[]) {
    this.metricsSeen.push(...points);
  }
  async rollouts(rows: RolloutRecord[]) {
    this.rolloutsSeen.push(...rows);
  }
  async checkpoint(c: CheckpointRecord) {
    this.checkpointsSeen.push(c);
  }
  async log(lines: string[]) {
    this.logsSeen.push(...lines);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function lexicalService(): RewardService {
  return createRewardService({ embedder: createLexicalEmbedder(), judge: createLexicalJudge() });
}

async function makeCtx(opts: {
  config?: RunConfigInput;
  extraArgs?: string[];
  kind?: RunKind;
  signal?: AbortSignal;
  resume?: ResumePoint | null;
  workDir?: string;
}): Promise<{ ctx: JobContext; reporter: RecordingReporter }> {
  const reporter = new RecordingReporter();
  const port = await freePort();
  const config = runConfigSchema.parse({
    maxSteps: 4,
    grpo: { numGenerations: 3, globalBatchSize: 6 },
    ...opts.config,
    swift: {
      trainDevices: '0,1,2',
      rolloutDevice: '3',
      rolloutPort: port,
      saveSteps: 2,
      rolloutHealthTimeoutSec: 20,
      killGraceSec: 1,
      extraArgs: ['--fake_step_seconds', '0.05', ...(opts.extraArgs ?? [])],
      ...opts.config?.swift,
    },
  });
  const ctx: JobContext = {
    runId: 'run-test',
    kind: opts.kind ?? 'grpo',
    config,
    reporter,
    signal: opts.signal ?? new AbortController().signal,
    resume: opts.resume ?? null,
    workDir: opts.workDir ?? (await mkdtemp(join(tmpdir(), 'swift-backend-'))),
    dataset: CLIPS,
  };
  return { ctx, reporter };
}

const backend = (service: RewardService = lexicalService()) =>
  createSwiftBackend({ rewardService: service, executable: FAKE_SWIFT, pollIntervalMs: 50, healthIntervalMs: 100 });

const savedEnv = { ...process.env };
beforeEach(() => {
  delete process.env.FAKE_SWIFT_ROLLOUT_NEVER_HEALTHY;
  delete process.env.FAKE_SWIFT_ROLLOUT_HEALTH_DELAY;
});
afterEach(() => {
  process.env = { ...savedEnv };
});

describe('swift backend reward options', () => {
  it("passes the run's rewards, thresholds and prefilledThink rule to the reward endpoint", () => {
    expect(rewardOptionsOf({ config: runConfigSchema.parse({}) })).toEqual({
      rewards: [{ name: 'format', weight: 1 }, { name: 'tscore', weight: 1 }, { name: 'escore', weight: 1 }],
      simThreshold: 0.5,
      escoreThresholds: [0.28, 0.35],
      prefilledThink: false,
    });
    expect(rewardOptionsOf({ config: runConfigSchema.parse({ prefilledThink: true }) }).prefilledThink).toBe(true);
  });

  it('defaults to the hub id of the paper\'s base model, which ms-swift can resolve', () => {
    expect(runConfigSchema.parse({}).baseModel).toBe('Qwen/Qwen2-VL-7B-Instruct');
  });
});

describe('swift backend (against the stand-in swift)', () => {
  it('runs GRPO: metrics mapped, rollouts recorded once, checkpoints registered, summary returned', async () => {
    process.env.FAKE_SWIFT_ROLLOUT_HEALTH_DELAY = '0.3';
    const { ctx, reporter } = await makeCtx({});
    const result = await backend().run(ctx);

    // Metrics: canonical keys for every step 1..4.
    const keys = new Set(reporter.metricsSeen.map((m) => m.key));
    for (const k of ['reward', 'reward_std', 'think_score', 'format_score', 'caption_score', 'response_length', 'kl', 'loss', 'learning_rate', 'clip_ratio', 'frac_reward_zero_std', 'grad_norm', 'judge_failures']) {
      expect(keys, k).toContain(k);
    }
    expect(keys).toContain('rewards/VideocapTscore/std');
    expect(keys).toContain('memory(GiB)');
    expect(keys).not.toContain('global_step/max_steps');
    expect([...new Set(reporter.metricsSeen.filter((m) => m.key === 'reward').map((m) => m.step))]).toEqual([1, 2, 3, 4]);

    // Rollouts: 4 steps × 2 prompts × G=3, each once, from the reward service (groups straddle the 3 fake ranks).
    const rows = reporter.rolloutsSeen;
    expect(rows).toHaveLength(24);
    const ids = rows.map((r) => `${r.step}|${r.groupIndex}|${r.sampleIndex}`);
    expect(new Set(ids).size).toBe(24);
    for (const step of [1, 2, 3, 4]) {
      const ofStep = rows.filter((r) => r.step === step);
      expect(ofStep).toHaveLength(6);
      for (const g of [0, 1]) {
        const group = ofStep.filter((r) => r.groupIndex === g);
        expect(group.map((r) => r.sampleIndex).sort()).toEqual([0, 1, 2]);
        expect(new Set(group.map((r) => r.clipId)).size).toBe(1);
        expect(Math.abs(group.reduce((a, r) => a + r.advantage, 0))).toBeLessThan(1e-6);
      }
    }
    expect(rows.every((r) => ['clip/a', 'clip/b', 'clip/c'].includes(r.clipId))).toBe(true);
    expect(rows.every((r) => typeof r.rewards.format === 'number' && typeof r.rewards.tscore === 'number')).toBe(true);
    expect(rows.some((r) => r.think !== null)).toBe(true);
    expect(reporter.logsSeen.some((l) => l.includes('taken from completions.jsonl'))).toBe(false);

    // The logged per-function means agree with what the service scored.
    const step1 = rows.filter((r) => r.step === 1);
    const meanFormat = step1.reduce((a, r) => a + (r.rewards.format ?? 0), 0) / step1.length;
    const logged = reporter.metricsSeen.find((m) => m.step === 1 && m.key === 'format_score');
    expect(logged?.value).toBeCloseTo(meanFormat, 6);

    // Checkpoints 2 and 4, complete, in ms-swift's versioned folder.
    expect(reporter.checkpointsSeen.map((c) => c.step)).toEqual([2, 4]);
    for (const c of reporter.checkpointsSeen) {
      expect(c.path).toMatch(/output\/v0-\d{8}-\d{6}\/checkpoint-\d+$/);
      expect(existsSync(join(c.path, 'trainer_state.json'))).toBe(true);
      expect(c.metadata?.complete).toBe(true);
    }

    // Summary from the Trainer's final line and the pipeline's train_msg.
    expect(typeof result.summary.train_runtime).toBe('number');
    expect(result.summary.train_steps_per_second).toBeTypeOf('number');
    expect(String(result.summary.last_model_checkpoint)).toMatch(/checkpoint-4$/);
    expect(result.summary.global_step).toBe(4);
    expect(result.summary.final_reward).toBeTypeOf('number');
    expect(reporter.logsSeen.some((l) => l.includes('Successfully imported external_plugins'))).toBe(true);
    expect(reporter.logsSeen.some((l) => l.includes('rollout server healthy'))).toBe(true);
    expect(reporter.logsSeen.join('\n')).not.toMatch(/VIDEOCAP_REWARD_TOKEN=/);
  }, 60_000);

  it('records rollouts from completions.jsonl when the reward service is down, without repeats', async () => {
    const broken: RewardService = { identity: lexicalService().identity, score: () => Promise.reject(new Error('judge unreachable')) };
    process.env.VIDEOCAP_REWARD_RETRY_SECONDS = '0.01';
    const { ctx, reporter } = await makeCtx({ config: { maxSteps: 2 }, extraArgs: ['--steps_per_generation', '2'] });
    const result = await backend(broken).run(ctx);
    expect(result.summary.global_step).toBe(2);
    // One generation (steps_per_generation 2) logged twice: recorded once, from the trainer's completions log.
    const rows = reporter.rolloutsSeen;
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.step === 1)).toBe(true);
    expect(rows.every((r) => Object.keys(r.rewards).length === 0 && r.reward === 0)).toBe(true);
    expect(new Set(rows.map((r) => r.clipId))).toEqual(new Set(['clip/a', 'clip/b']));
    expect((rows[0].breakdown as { source?: string }).source).toBe('completions.jsonl');
    const logs = reporter.logsSeen.join('\n');
    expect(logs).toContain('[reward] scoring');
    expect(logs).toContain('judge unreachable');
    expect(logs).toContain('[videocap_reward] WARNING');
  }, 60_000);

  it('fails with the last log lines when ms-swift exits non-zero', async () => {
    const { ctx, reporter } = await makeCtx({ extraArgs: ['--fake_fail_at_step', '3'] });
    const err = await backend().run(ctx).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toMatch(/swift rlhf exited with code 1/);
    expect(err!.message).toContain('last 200 log lines');
    expect(err!.message).toContain('torch.OutOfMemoryError: CUDA out of memory at step 3 (fake)');
    expect(reporter.metricsSeen.some((m) => m.step === 2)).toBe(true);
    expect(reporter.checkpointsSeen.map((c) => c.step)).toEqual([2]);
  }, 60_000);

  it('cancel kills the whole process tree (SIGTERM, then SIGKILL) and leaves no orphan', async () => {
    const ctl = new AbortController();
    const { ctx } = await makeCtx({
      config: { maxSteps: 1000 },
      extraArgs: ['--fake_workers', '2', '--fake_ignore_sigterm', 'true', '--fake_step_seconds', '0.1'],
      signal: ctl.signal,
    });
    const running = backend().run(ctx);
    const outputDir = join(ctx.workDir, 'swift', 'output');
    let pidFile: string | null = null;
    for (let i = 0; i < 600 && !pidFile; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const dirs = existsSync(outputDir) ? await readdir(outputDir) : [];
      for (const d of dirs) if (existsSync(join(outputDir, d, 'fake-workers.pids'))) pidFile = join(outputDir, d, 'fake-workers.pids');
    }
    expect(pidFile).not.toBeNull();
    const workerPids = (await readFile(pidFile!, 'utf8')).trim().split('\n').map(Number);
    expect(workerPids).toHaveLength(2);
    expect(workerPids.every((p) => processAlive(p))).toBe(true);
    const started = Date.now();
    ctl.abort();
    const err = await running.then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/cancelled/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // SIGTERM was ignored: SIGKILL after the 1 s grace
    for (const pid of workerPids) expect(processAlive(pid), `worker ${pid}`).toBe(false);
    // Killed workers whose parent was killed too are reparented to init, which reaps them a moment later;
    // until then they are zombies (already dead: processAlive above). Wait for kill(pid, 0) to fail.
    const reaped = (pid: number) => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    };
    for (let i = 0; i < 300 && !workerPids.every(reaped); i++) await new Promise((r) => setTimeout(r, 50));
    for (const pid of workerPids) expect(() => process.kill(pid, 0), `worker ${pid} still exists`).toThrow();
  }, 60_000);

  it('fails cleanly when the rollout server never becomes healthy', async () => {
    process.env.FAKE_SWIFT_ROLLOUT_NEVER_HEALTHY = '1';
    const { ctx, reporter } = await makeCtx({ config: { swift: { rolloutHealthTimeoutSec: 3 } } });
    const err = await backend().run(ctx).then(
      () => null,
      (e: unknown) => e as Error,
    );
    // 503 once the stand-in listens; on a loaded machine it may not even have started within 3 s.
    expect(err?.message).toMatch(
      /rollout server \(swift rollout\) did not become healthy: no healthy answer from http:\/\/127\.0\.0\.1:\d+\/health\/ within 3 s \(last: (HTTP 503|connect ECONNREFUSED [\d.:]+)\)/,
    );
    expect(err?.message).toContain('last 200 log lines');
    expect(err?.message).toContain('[videocap] $ ');
    expect(reporter.metricsSeen).toHaveLength(0);
    expect(existsSync(join(ctx.workDir, 'swift', 'output'))).toBe(true);
    expect((await readdir(join(ctx.workDir, 'swift', 'output'))).length).toBe(0);
  }, 30_000);

  it('fails when the rollout port is taken, instead of letting swift move to another port', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
    try {
      const { ctx } = await makeCtx({ config: { swift: { rolloutPort: port } } });
      await expect(backend().run(ctx)).rejects.toThrow(/rollout port 127\.0\.0\.1:\d+ is already in use/);
    } finally {
      blocker.close();
    }
  });

  it('resumes from a checkpoint and runs SFT', async () => {
    const first = await makeCtx({ kind: 'sft', config: { maxSteps: 2 } });
    const r1 = await backend().run(first.ctx);
    expect(first.reporter.checkpointsSeen.map((c) => c.step)).toEqual([2]);
    expect(first.reporter.metricsSeen.some((m) => m.key === 'loss')).toBe(true);
    expect(first.reporter.rolloutsSeen).toHaveLength(0);
    expect(r1.summary.train_runtime).toBeTypeOf('number');

    const ckpt = first.reporter.checkpointsSeen[0];
    const second = await makeCtx({ kind: 'sft', config: { maxSteps: 4 }, resume: { step: ckpt.step, path: ckpt.path }, workDir: first.ctx.workDir });
    await backend().run(second.ctx);
    expect(second.reporter.logsSeen.some((l) => l.includes(`--resume_from_checkpoint ${ckpt.path}`))).toBe(true);
    expect(Math.min(...second.reporter.metricsSeen.map((m) => m.step))).toBe(3);
    expect(second.reporter.checkpointsSeen.map((c) => c.step)).toEqual([4]);
    expect(second.reporter.checkpointsSeen[0].path).toMatch(/v1-\d{8}-\d{6}\/checkpoint-4$/);
  }, 60_000);

  it('refuses eval jobs', async () => {
    const { ctx } = await makeCtx({ kind: 'eval' });
    await expect(backend().run(ctx)).rejects.toThrow(/runs "grpo" and "sft" jobs/);
  });
});
