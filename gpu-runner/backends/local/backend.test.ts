/**
 * The local backend end to end, with the real reward service over the offline lexical providers and
 * real DREAM-1K clips (heuristic think annotations). Keep the file under ~60 s.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupAdvantages } from '../../../core/grpo';
import { runConfigSchema, type RunConfigInput } from '../../../core/run-config';
import type { ClipRecord, RunKind } from '../../../core/types';
import type { JobContext, ResumePoint } from '../../report';
import { loadDream1k } from '../../datasets/dream1k';
import { createRewardServiceFromEnv } from '../../rewards/service';
import { benchLocalTrain } from '../../../bench/local-train';
import { localCheckpointSchema } from './checkpoint';
import { createLocalBackend, LocalRunCancelledError, SIMULATION_LABEL } from './index';
import { createMemoryReporter, type MemoryReporter } from './memory-reporter';
import { buildPerceptionPool } from './perception';

const rewardService = createRewardServiceFromEnv({});
let dream: ClipRecord[];
let workRoot: string;

beforeAll(async () => {
  dream = loadDream1k();
  workRoot = await mkdtemp(join(tmpdir(), 'videocap-local-test-'));
});
afterAll(async () => {
  await rm(workRoot, { recursive: true, force: true });
});

let runCounter = 0;
async function run(options: {
  kind?: RunKind;
  config?: RunConfigInput;
  resume?: ResumePoint | null;
  reporter?: MemoryReporter;
  signal?: AbortSignal;
  workDir?: string;
  init?: string;
  dataset?: ClipRecord[];
}) {
  const reporter = options.reporter ?? createMemoryReporter();
  const workDir = options.workDir ?? join(workRoot, `run-${++runCounter}`);
  const ctx: JobContext = {
    runId: `test-${runCounter}`,
    kind: options.kind ?? 'grpo',
    config: runConfigSchema.parse(options.config ?? {}),
    reporter,
    signal: options.signal ?? new AbortController().signal,
    resume: options.resume ?? null,
    workDir,
    dataset: options.dataset ?? dream,
  };
  const result = await createLocalBackend({ rewardService, init: options.init }).run(ctx);
  return { result, reporter, workDir };
}

const small: RunConfigInput = { maxSteps: 30, local: { maxClips: 48, clipsPerStep: 4, checkpointEvery: 15 } };

function metricTable(r: MemoryReporter, from: number, to: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of r.points) if (p.step >= from && p.step <= to) out[`${p.step}:${p.key}`] = p.value;
  return out;
}

describe('local backend (GRPO, simulation)', () => {
  it(
    'a 200-step GRPO run on DREAM-1K with defaults is fast and its think score and reward rise',
    async () => {
      const r = await benchLocalTrain({ steps: 200, rewardService, clips: dream });
      // measured here: ~8–20 s on 2 cores (depends on load); the target is under a minute
      expect(r.wallTimeSec).toBeLessThan(60);
      expect(r.last.thinkScore - r.first.thinkScore).toBeGreaterThan(0.12); // measured +0.18…+0.24 over seeds 0–5
      expect(r.last.reward - r.first.reward).toBeGreaterThan(0.25); // measured +0.39…+0.46
      expect(r.summary.simulation).toBe(SIMULATION_LABEL);
      expect(r.summary.steps).toBe(200);
      expect(typeof r.summary.reward).toBe('number');
      expect(typeof r.summary.think_score).toBe('number');
      expect(r.summary.train_runtime).toBeGreaterThan(0);
    },
    60_000,
  );

  it('reports every canonical metric per step, every rollout, and checkpoints', async () => {
    const { reporter, result } = await run({ config: { maxSteps: 6, local: { maxClips: 40, clipsPerStep: 3, checkpointEvery: 4 } } });
    for (const key of ['reward', 'reward_std', 'think_score', 'format_score', 'caption_score', 'response_length', 'kl', 'loss', 'learning_rate', 'clip_ratio', 'frac_reward_zero_std', 'grad_norm', 'judge_failures']) {
      expect([...reporter.series(key).keys()], key).toEqual([1, 2, 3, 4, 5, 6]);
    }
    const G = runConfigSchema.parse({}).grpo.numGenerations;
    expect(reporter.rolloutRows).toHaveLength(6 * 3 * G);
    expect(reporter.checkpoints.map((c) => c.step)).toEqual([4, 6]);
    const ckpt = localCheckpointSchema.parse(JSON.parse(await readFile(reporter.checkpoints[1].path, 'utf8')));
    expect(ckpt.step).toBe(6);
    expect(ckpt.optimizer.t).toBe(6 * 2); // μ = 2 updates per step
    expect(reporter.lines.join('\n')).toContain('SIMULATION');
    expect(result.summary.response_length_unit).toMatch(/^words/);
    const row = reporter.rolloutRows[0];
    expect(row.completion.startsWith('<think>')).toBe(true);
    expect(Object.keys(row.rewards).sort()).toEqual(['escore', 'format', 'tscore']);
  });

  it('uses group-normalised advantages of the reward service totals', async () => {
    const { reporter } = await run({ config: { maxSteps: 3, local: { maxClips: 30, clipsPerStep: 3 } } });
    const groups = new Map<string, { reward: number; advantage: number }[]>();
    for (const r of reporter.rolloutRows) {
      const k = `${r.step}:${r.groupIndex}`;
      groups.set(k, [...(groups.get(k) ?? []), { reward: r.reward, advantage: r.advantage }]);
    }
    for (const rows of groups.values()) {
      const expected = groupAdvantages(rows.map((x) => x.reward));
      rows.forEach((x, i) => expect(x.advantage).toBeCloseTo(expected[i], 12));
    }
  });

  it('same seed ⇒ same trajectory: 30 steps straight = 15 steps, cancel, resume 15', async () => {
    const straight = await run({ config: small });

    const ctl = new AbortController();
    const first = createMemoryReporter();
    const checkpoint = first.checkpoint.bind(first);
    first.checkpoint = async (c) => {
      await checkpoint(c);
      if (c.step === 15) ctl.abort();
    };
    const workDir = join(workRoot, 'resume');
    await expect(run({ config: small, reporter: first, signal: ctl.signal, workDir })).rejects.toBeInstanceOf(LocalRunCancelledError);
    expect(Math.max(...first.points.map((p) => p.step))).toBe(15);

    const resumed = await run({ config: small, resume: { step: 15, path: first.checkpoints[0].path }, workDir });
    expect(Math.min(...resumed.reporter.points.map((p) => p.step))).toBe(16);

    expect(metricTable(first, 1, 15)).toEqual(metricTable(straight.reporter, 1, 15));
    expect(metricTable(resumed.reporter, 16, 30)).toEqual(metricTable(straight.reporter, 16, 30));
    expect(resumed.reporter.rolloutRows.map((r) => r.completion)).toEqual(straight.reporter.rolloutRows.filter((r) => r.step > 15).map((r) => r.completion));
    const last = (r: MemoryReporter) => readFile(r.checkpoints[r.checkpoints.length - 1].path, 'utf8').then((t) => localCheckpointSchema.parse(JSON.parse(t)));
    const [a, b] = await Promise.all([last(straight.reporter), last(resumed.reporter)]);
    expect(b.params).toEqual(a.params);
    expect(b.optimizer).toEqual(a.optimizer);
    expect(b.rng).toEqual(a.rng);
  });

  it('stops promptly when cancelled, also during the per-step delay', async () => {
    const ctl = new AbortController();
    const reporter = createMemoryReporter();
    const metrics = reporter.metrics.bind(reporter);
    reporter.metrics = async (p) => {
      await metrics(p);
      if (p[0]?.step === 1) setTimeout(() => ctl.abort(), 50); // lands in the 5 s delay after step 1
    };
    const started = Date.now();
    const error = await run({ config: { maxSteps: 50, local: { maxClips: 20, clipsPerStep: 2, stepDelayMs: 5000 } }, reporter, signal: ctl.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalRunCancelledError);
    expect((error as Error).name).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(Math.max(...reporter.points.map((p) => p.step))).toBe(1);
    expect((error as LocalRunCancelledError).step).toBe(2);
  });

  it('clipping is real: with a large learning rate ratios leave [1−ε, 1+ε] and get clipped', async () => {
    const { reporter } = await run({ config: { maxSteps: 12, local: { maxClips: 40, clipsPerStep: 4, learningRate: 1 } } });
    const clip = [...reporter.series('clip_ratio').values()];
    expect(Math.max(...clip)).toBeGreaterThan(0);
    expect(Math.max(...reporter.series('sim/max_abs_log_ratio').values())).toBeGreaterThan(Math.log(1.2));
  });

  it('free-form thinking gets no think score (Tscore cannot parse prose)', async () => {
    const { reporter } = await run({ config: { maxSteps: 2, thinkingMode: 'free-form', local: { maxClips: 20, clipsPerStep: 2 } } });
    expect([...reporter.series('think_score').values()]).toEqual([0, 0]);
    expect(Math.max(...reporter.series('caption_score').values())).toBeGreaterThan(0);
  });

  it('prefilledThink: the simulated template prefills <think>, completions start inside it and keep format 1', async () => {
    const config = { maxSteps: 2, local: { maxClips: 20, clipsPerStep: 2 } };
    const paper = await run({ config });
    const prefilled = await run({ config: { ...config, prefilledThink: true } });
    // Same seed, same decisions: only the opening tag differs, and the format score does not.
    expect(prefilled.reporter.rolloutRows.every((r) => !r.completion.startsWith('<think>'))).toBe(true);
    expect(prefilled.reporter.rolloutRows.map((r) => `<think>${r.completion}`)).toEqual(paper.reporter.rolloutRows.map((r) => r.completion.startsWith('<think>') ? r.completion : `<think>${r.completion}`));
    expect([...prefilled.reporter.series('format_score').values()]).toEqual([...paper.reporter.series('format_score').values()]);
    expect(Math.max(...prefilled.reporter.series('format_score').values())).toBeGreaterThan(0.5);
    expect(prefilled.reporter.lines.join('\n')).toContain('prefills <think>');
  });

  it('perception-free control (local.perceptionFree): evidence no longer separates true elements from distractors', () => {
    const clips = dream.filter((c) => c.think && c.think.length > 0).slice(0, 300);
    const gap = (perceptionFree: boolean) => {
      const sums = { true: [0, 0], false: [0, 0] };
      for (const clip of clips) {
        const pool = buildPerceptionPool(clip, clips, { seed: 0, distractors: 6, perceptionFree });
        for (const s of pool.subjects) {
          for (const c of [s.subject, ...s.attributes, ...s.actions]) {
            const bucket = sums[c.isTrue ? 'true' : 'false'];
            bucket[0] += c.evidence;
            bucket[1]++;
          }
        }
      }
      return sums.true[0] / sums.true[1] - sums.false[0] / sums.false[1];
    };
    expect(gap(false)).toBeGreaterThan(1.7); // DEFAULT_EVIDENCE_SEPARATION = 2
    expect(Math.abs(gap(true))).toBeLessThan(0.15);
  });

  it('the perception-free control still raises reward and think score, without learning to pick true elements', async () => {
    const bench = (perceptionFree: boolean) => benchLocalTrain({ steps: 100, window: 15, rewardService, clips: dream, config: { local: { perceptionFree } } });
    const normal = await bench(false);
    const control = await bench(true);
    // measured (seeds 0–2): element precision +0.09…+0.13 with perception, +0.02…+0.03 without
    expect(normal.last.elementPrecision - normal.first.elementPrecision).toBeGreaterThan(0.06);
    expect(Math.abs(control.last.elementPrecision - control.first.elementPrecision)).toBeLessThan(0.05);
    // …yet the control's curves rise (reward +0.48…+0.51, think score +0.10…+0.11): listing and format, not perception
    expect(control.last.reward - control.first.reward).toBeGreaterThan(0.3);
    expect(control.last.thinkScore - control.first.thinkScore).toBeGreaterThan(0.05);
    expect(control.last.format).toBeGreaterThan(0.95);
    // and perception adds to it
    expect(normal.last.thinkScore - control.last.thinkScore).toBeGreaterThan(0.1);
    expect(control.summary.control).toBe('perception-free');
  }, 60_000);

  it('rejects run kinds it does not train', async () => {
    await expect(run({ kind: 'eval', config: { maxSteps: 1 } })).rejects.toThrow(/not supported/);
  });
});

describe('local backend (SFT, simulation)', () => {
  it('SFT lowers its loss, evaluates think score / reward periodically, and its checkpoint initialises GRPO', async () => {
    const config: RunConfigInput = { maxSteps: 40, sft: { withStructuredThinking: true }, local: { maxClips: 120, clipsPerStep: 8, evalEvery: 10, checkpointEvery: 20 } };
    const sft = await run({ kind: 'sft', config });
    const loss = [...sft.reporter.series('loss').values()];
    expect(loss[loss.length - 1]).toBeLessThan(loss[0] * 0.8);
    expect([...sft.reporter.series('think_score').keys()]).toEqual([10, 20, 30, 40]);
    expect([...sft.reporter.series('reward').keys()]).toEqual([10, 20, 30, 40]);
    expect(sft.reporter.checkpoints.map((c) => c.step)).toEqual([20, 40]);
    expect(sft.result.summary.think_score).toBeGreaterThan(0);

    const init = sft.reporter.checkpoints[1].path;
    const grpo = await run({ config: { maxSteps: 2, local: { maxClips: 120, clipsPerStep: 4 } }, init });
    expect(grpo.reporter.lines.join('\n')).toContain(`initialised from sft checkpoint ${init}`);
    // the reference policy is the SFT policy: KL starts at 0
    expect(grpo.reporter.series('kl').get(1)).toBeCloseTo(0, 10);

    // a GRPO run cannot resume from an SFT checkpoint
    await expect(run({ config: { maxSteps: 2 }, resume: { step: 40, path: init } })).rejects.toThrow(/cannot resume a grpo run from a sft checkpoint/);
  });

  it('refuses an unresolved initFromCheckpointId', async () => {
    await expect(run({ config: { maxSteps: 1, initFromCheckpointId: 'ckpt_123' } })).rejects.toThrow(/not resolved/);
  });
});

describe('local backend: judge failures', () => {
  it('leaves a component whose judge keeps failing out of the reward and reports judge_failures per step', async () => {
    const { createLexicalEmbedder } = await import('../../providers/lexical-embedder');
    const { createRewardService } = await import('../../rewards/service');
    const garbage = { id: 'broken', kind: 'openai' as const, model: 'broken-judge', promptVersion: 'autodq-v1', complete: async () => 'I think most events hold.' };
    const service = createRewardService({ embedder: createLexicalEmbedder(), judge: garbage, judgeAttempts: 2 });
    const reporter = createMemoryReporter({ keepRollouts: true });
    const backend = createLocalBackend({ rewardService: service });
    await backend.run({
      runId: 'judge-fail',
      kind: 'grpo',
      config: runConfigSchema.parse({ maxSteps: 2, local: { maxClips: 10, clipsPerStep: 2 } }),
      reporter,
      signal: new AbortController().signal,
      resume: null,
      workDir: await mkdtemp(join(tmpdir(), 'judge-fail-')),
      dataset: dream.slice(0, 10),
    });
    // Every completion with an answer asks the judge and fails; one without an answer scores escore 0 without a call.
    for (const step of [1, 2]) {
      const rows = reporter.rolloutRows.filter((r) => r.step === step);
      const judged = rows.filter((r) => r.answer !== null);
      expect(judged.length).toBeGreaterThan(0);
      expect(reporter.series('judge_failures').get(step)).toBe(judged.length);
      for (const r of judged) {
        expect(r.rewards.escore).toBeUndefined();
        expect(r.reward).toBeCloseTo((r.rewards.format ?? 0) + (r.rewards.tscore ?? 0), 12);
        expect(JSON.stringify(r.breakdown)).toMatch(/escore: no valid reply after 2 attempts/);
      }
    }
    expect(reporter.lines.join('\n')).toMatch(/judge failed for \d+ reward component\(s\); left out of the weighted reward/);
  });
});
