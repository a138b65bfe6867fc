/**
 * GRPO and SFT training loops of the local backend. Everything runs on the CPU in this process:
 * sampling from the log-linear policy (./policy.ts) over SIMULATED perception pools
 * (./perception.ts), scoring with the injected RewardService (the real format / Tscore / Escore /
 * CNscore code), group-relative advantages (core/grpo.ts), the clipped surrogate with a k3 KL to the
 * frozen reference (./grpo-loss.ts) and AdamW with a warm-up + cosine schedule (./optim.ts).
 *
 * Determinism: clip order is a seeded shuffle per epoch, perception pools are seeded per clip, and
 * all sampling draws from one RNG stream whose state goes into every checkpoint, so a run resumed
 * from step k continues exactly as the uninterrupted run would have.
 *
 * Cancellation: `ctx.signal` is checked before every step, after the reward call and during the
 * optional per-step delay; an aborted run throws `LocalRunCancelledError` (name "AbortError").
 */
import { join } from 'node:path';
import { deriveStructuredThink } from '../../../core/heuristic-think';
import { fracRewardZeroStd, groupAdvantages, rewardStd } from '../../../core/grpo';
import type { RunConfig } from '../../../core/run-config';
import type { ClipRecord, MetricPoint, RolloutRecord } from '../../../core/types';
import type { JobContext, JobResult } from '../../report';
import type { RewardOptions, RewardResultItem, RewardService } from '../../rewards/types';
import { loadCheckpoint, saveCheckpoint } from './checkpoint';
import { grpoLossAndGrad, sftLossAndGrad, type GrpoSample } from './grpo-loss';
import { adamwStep, clipGradNorm, learningRateAt, newAdamWState, type AdamWState } from './optim';
import { buildPerceptionPool, type PerceptionPool } from './perception';
import { decayMask, initialParams, NUM_PARAMS, referenceDecisions, samplePolicy, sequenceLogProbs, type Decision, type Selection } from './policy';
import { renderCompletion } from './render';
import { Rng } from './rng';

export const SIMULATION_LABEL = 'local CPU policy (simulated perception; not a video model)';
/** What a local run's curves mean; shown on local runs' pages and in the run log. */
export const LOCAL_CURVES_NOTICE =
  "Part of a local run's rise is not perception: with the simulated evidence removed, reward and think score still rise by listing more elements and fixing the format.";
export const RESPONSE_LENGTH_UNIT = 'words (whitespace-separated tokens of the completion, tags included)';

/** Thrown when `ctx.signal` aborts a run; the runner records the run as `cancelled`. */
export class LocalRunCancelledError extends Error {
  override name = 'AbortError';
  constructor(readonly step: number) {
    super(`local backend: run cancelled before step ${step}`);
  }
}

export interface TrainerDeps {
  rewardService: RewardService;
  /** Checkpoint to start from (config.initFromCheckpointId resolved to a path), or null. */
  initPath: string | null;
  /** Clips used when ctx.dataset is empty. */
  loadDataset: () => Promise<ClipRecord[]>;
}

// ---------------------------------------------------------------------------------------------
// Shared setup

interface TrainingState {
  params: Float64Array;
  referenceParams: Float64Array;
  optimizer: AdamWState;
  rng: Rng;
  /** First step this invocation runs (1-based). */
  startStep: number;
}

interface Prepared {
  clips: ClipRecord[];
  /** config.local.perceptionFree: the run is the perception-free control. */
  perceptionFree: boolean;
  totalSteps: number;
  pools: (clip: ClipRecord) => PerceptionPool;
  clipsForStep: (step: number) => ClipRecord[];
  state: TrainingState;
  checkpointDir: string;
  startedAt: number;
}

function throwIfAborted(signal: AbortSignal, step: number): void {
  if (signal.aborted) throw new LocalRunCancelledError(step);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function hasActions(c: ClipRecord): boolean {
  return (c.think ?? []).some((s) => s.actions.length > 0);
}

async function prepare(ctx: JobContext, deps: TrainerDeps, kind: 'grpo' | 'sft'): Promise<Prepared> {
  const startedAt = Date.now();
  const { config } = ctx;
  const source = ctx.dataset.length > 0 ? ctx.dataset : await deps.loadDataset();
  let derived = 0;
  let clips = source
    .map((c) => {
      if (hasActions(c) || c.think !== null) return c;
      const think = deriveStructuredThink(c.referenceCaption, c.events);
      if (think.length > 0) derived++;
      return { ...c, think: think.length > 0 ? think : null };
    })
    .filter(hasActions);
  const dropped = source.length - clips.length;
  if (config.local.maxClips > 0) clips = clips.slice(0, config.local.maxClips);
  if (clips.length === 0) throw new Error('local backend: no clip has a structured-think annotation with an action (nothing to train on)');

  const perStep = config.local.clipsPerStep;
  const epochs = kind === 'grpo' ? config.grpo.epochs : config.sft.epochs;
  const totalSteps = config.maxSteps > 0 ? config.maxSteps : Math.max(1, Math.ceil((epochs * clips.length) / perStep));

  const poolCache = new Map<string, PerceptionPool>();
  const pools = (clip: ClipRecord) => {
    let p = poolCache.get(clip.id);
    if (!p) {
      p = buildPerceptionPool(clip, clips, { seed: config.local.seed, distractors: config.local.distractors, perceptionFree: config.local.perceptionFree });
      poolCache.set(clip.id, p);
    }
    return p;
  };
  const orders = new Map<number, number[]>();
  const order = (epoch: number) => {
    let o = orders.get(epoch);
    if (!o) {
      o = Rng.derive(config.local.seed, 'epoch', epoch).shuffle(clips.map((_, i) => i));
      orders.set(epoch, o);
    }
    return o;
  };
  const clipsForStep = (step: number) => {
    const out: ClipRecord[] = [];
    for (let k = 0; k < perStep; k++) {
      const g = (step - 1) * perStep + k;
      out.push(clips[order(Math.floor(g / clips.length))[g % clips.length]]);
    }
    return out;
  };

  const logLines = [
    `SIMULATION: ${SIMULATION_LABEL}. Completions are template text sampled from a log-linear policy over each clip's annotated subjects/attributes/actions plus ${config.local.distractors} distractors from other clips (hallucinations); rewards come from the real reward service (judge: ${describeIdentity(deps.rewardService)}).`,
    config.local.perceptionFree
      ? `PERCEPTION-FREE CONTROL (local.perceptionFree): true elements and distractors have the same simulated evidence; whatever these curves gain comes from listing more elements, the format and the style, not from perception.`
      : `${LOCAL_CURVES_NOTICE} Compare with the perception-free control (local.perceptionFree: true).`,
    `dataset: ${clips.length} clips with structured-think annotations${derived > 0 ? ` (${derived} annotated here with the offline heuristic, not Qwen2.5-72B)` : ''}${dropped > 0 ? `; ${dropped} clips without an annotated action left out` : ''}; ${totalSteps} steps × ${perStep} clips × G=${config.grpo.numGenerations}; thinking mode ${config.thinkingMode}${config.prefilledThink ? ' (the simulated chat template prefills <think>: completions start inside the think, format scored with prefilledThink)' : ''}; response_length in ${RESPONSE_LENGTH_UNIT}.`,
  ];

  const state = await initialState(ctx, deps, kind, logLines);
  await ctx.reporter.log(logLines);
  return { clips, perceptionFree: config.local.perceptionFree, totalSteps, pools, clipsForStep, state, checkpointDir: join(ctx.workDir, 'checkpoints'), startedAt };
}

function describeIdentity(service: RewardService): string {
  const { judge, embedder } = service.identity;
  return `${judge ? `${judge.kind}:${judge.model}` : 'none'}; embedder: ${embedder ? `${embedder.kind}:${embedder.model}` : 'none'}`;
}

async function initialState(ctx: JobContext, deps: TrainerDeps, kind: 'grpo' | 'sft', log: string[]): Promise<TrainingState> {
  const seed = ctx.config.local.seed;
  if (ctx.resume) {
    const c = await loadCheckpoint(ctx.resume.path);
    if (c.kind !== kind) throw new Error(`local backend: cannot resume a ${kind} run from a ${c.kind} checkpoint (${ctx.resume.path})`);
    log.push(`resuming from ${ctx.resume.path} (step ${c.step}); continuing at step ${c.step + 1}`);
    return {
      params: Float64Array.from(c.params),
      referenceParams: Float64Array.from(c.referenceParams),
      optimizer: { m: Float64Array.from(c.optimizer.m), v: Float64Array.from(c.optimizer.v), t: c.optimizer.t },
      rng: new Rng(c.rng),
      startStep: c.step + 1,
    };
  }
  if (deps.initPath) {
    const c = await loadCheckpoint(deps.initPath);
    log.push(`initialised from ${c.kind} checkpoint ${deps.initPath} (step ${c.step}); it is also the frozen reference policy`);
    return {
      params: Float64Array.from(c.params),
      referenceParams: Float64Array.from(c.params),
      optimizer: newAdamWState(NUM_PARAMS),
      rng: Rng.derive(seed, 'sampler', kind),
      startStep: 1,
    };
  }
  const params = initialParams();
  log.push('policy initialised with the simulation\'s "base model" prior (few elements, weak use of evidence, elaborate think, filler sentences, ~18% format slips)');
  return { params, referenceParams: Float64Array.from(params), optimizer: newAdamWState(NUM_PARAMS), rng: Rng.derive(seed, 'sampler', kind), startStep: 1 };
}

async function checkpoint(ctx: JobContext, p: Prepared, kind: 'grpo' | 'sft', step: number): Promise<void> {
  const { state } = p;
  const path = await saveCheckpoint(p.checkpointDir, {
    kind,
    runId: ctx.runId,
    step,
    totalSteps: p.totalSteps,
    seed: ctx.config.local.seed,
    params: state.params,
    referenceParams: state.referenceParams,
    optimizer: state.optimizer,
    rng: state.rng.state(),
    simulation: SIMULATION_LABEL,
  });
  await ctx.reporter.checkpoint({ step, path, metadata: { backend: 'local', kind, simulation: SIMULATION_LABEL } });
}

/** Reward options from the run config, plus format and tscore with weight 0 when absent (logged, not rewarded). */
export function scoringOptions(config: RunConfig): RewardOptions {
  const rewards = config.rewards.map((r) => ({ name: r.name, weight: r.weight }));
  for (const monitor of ['format', 'tscore'] as const) if (!rewards.some((r) => r.name === monitor)) rewards.push({ name: monitor, weight: 0 });
  return {
    rewards,
    simThreshold: config.simThreshold,
    escoreThresholds: [config.escoreThresholds[0], config.escoreThresholds[1]],
    prefilledThink: config.prefilledThink,
  };
}

// ---------------------------------------------------------------------------------------------
// Rollouts

interface Rollout {
  clip: ClipRecord;
  groupIndex: number;
  sampleIndex: number;
  decisions: Decision[];
  selection: Selection;
  completion: string;
  lengthWords: number;
  truncated: boolean;
}

function sampleRollouts(params: Float64Array, clips: ClipRecord[], p: Prepared, config: RunConfig): Rollout[] {
  const out: Rollout[] = [];
  const G = config.grpo.numGenerations;
  const rng = p.state.rng;
  clips.forEach((clip, groupIndex) => {
    const pool = p.pools(clip);
    for (let sampleIndex = 0; sampleIndex < G; sampleIndex++) {
      const s = samplePolicy(params, pool, config.grpo.temperature, rng);
      const r = renderCompletion(s.selection, config.thinkingMode, rng, config.local.maxCompletionWords, { prefilledThink: config.prefilledThink });
      out.push({ clip, groupIndex, sampleIndex, decisions: s.decisions, selection: s.selection, completion: r.completion, lengthWords: r.lengthWords, truncated: r.truncated });
    }
  });
  return out;
}

async function scoreRollouts(service: RewardService, rollouts: Rollout[], config: RunConfig, step: number): Promise<RewardResultItem[]> {
  const items = rollouts.map((r) => ({
    id: `${step}:${r.groupIndex}:${r.sampleIndex}`,
    completion: r.completion,
    referenceThink: r.clip.think,
    referenceCaption: r.clip.referenceCaption,
    referenceEvents: r.clip.events,
  }));
  const results = await service.score(items, scoringOptions(config));
  if (results.length !== items.length) throw new Error(`reward service returned ${results.length} results for ${items.length} completions`);
  return results;
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

/** Mean of a reward component over the items that have it; null when none has it. */
function componentMean(results: RewardResultItem[], name: 'format' | 'tscore' | 'escore' | 'cnscore'): number | null {
  const xs = results.map((r) => r.rewards[name]).filter((x): x is number => typeof x === 'number');
  return xs.length ? mean(xs) : null;
}

interface RolloutStats {
  metrics: Record<string, number>;
  advantages: number[];
  errors: string[];
}

function rolloutStats(rollouts: Rollout[], results: RewardResultItem[], G: number): RolloutStats {
  const groups: number[][] = [];
  for (let i = 0; i < results.length; i += G) groups.push(results.slice(i, i + G).map((r) => r.reward));
  const advantages = groups.flatMap((g) => groupAdvantages(g));
  const metrics: Record<string, number> = {
    reward: mean(results.map((r) => r.reward)),
    reward_std: rewardStd(groups),
    frac_reward_zero_std: fracRewardZeroStd(groups),
    response_length: mean(rollouts.map((r) => r.lengthWords)),
  };
  const think = componentMean(results, 'tscore');
  const format = componentMean(results, 'format');
  const caption = componentMean(results, 'escore') ?? componentMean(results, 'cnscore');
  if (think !== null) metrics.think_score = think;
  if (format !== null) metrics.format_score = format;
  if (caption !== null) metrics.caption_score = caption;
  // diagnostics of the simulation (own names, not canonical keys)
  const chosenTrue = rollouts.reduce((a, r) => a + r.selection.chosenTrue, 0);
  const chosenFalse = rollouts.reduce((a, r) => a + r.selection.chosenFalse, 0);
  const available = rollouts.reduce((a, r) => a + r.selection.availableTrue, 0);
  metrics['sim/element_precision'] = chosenTrue + chosenFalse > 0 ? chosenTrue / (chosenTrue + chosenFalse) : 0;
  metrics['sim/element_recall'] = available > 0 ? chosenTrue / available : 0;
  metrics['sim/filler_sentences'] = mean(rollouts.map((r) => r.selection.fillerCount));
  metrics['sim/elaborate_think'] = mean(rollouts.map((r) => (r.selection.thinkStyle === 'elaborate' ? 1 : 0)));
  metrics['sim/format_slip'] = mean(rollouts.map((r) => (r.selection.slip ? 1 : 0)));
  metrics['sim/truncated'] = mean(rollouts.map((r) => (r.truncated ? 1 : 0)));
  // Judge-based components left out of the reward after the judge failed (TRL's rule for None); always reported.
  metrics.judge_failures = results.reduce((a, r) => a + (r.judgeFailures ?? 0), 0);
  const errors = [...new Set(results.flatMap((r) => r.errors ?? []))];
  return { metrics, advantages, errors };
}

function rolloutRecords(step: number, rollouts: Rollout[], results: RewardResultItem[], advantages: number[]): RolloutRecord[] {
  return rollouts.map((r, i) => ({
    step,
    clipId: r.clip.id,
    groupIndex: r.groupIndex,
    sampleIndex: r.sampleIndex,
    completion: r.completion,
    think: results[i].think,
    answer: results[i].answer,
    rewards: results[i].rewards,
    reward: results[i].reward,
    advantage: advantages[i],
    length: r.lengthWords,
    breakdown: {
      ...results[i].breakdown,
      ...(results[i].errors ? { errors: results[i].errors } : {}),
      simulation: {
        chosenTrueElements: r.selection.chosenTrue,
        chosenDistractors: r.selection.chosenFalse,
        trueElementsAvailable: r.selection.availableTrue,
        fillerSentences: r.selection.fillerCount,
        thinkStyle: r.selection.thinkStyle,
        formatSlip: r.selection.slip,
        truncated: r.truncated,
      },
    },
  }));
}

function points(step: number, metrics: Record<string, number>): MetricPoint[] {
  const wallTime = Date.now();
  return Object.entries(metrics).map(([key, value]) => ({ step, key, value, wallTime }));
}

function summaryOf(p: Prepared, last: Record<string, number>, stepsDone: number): Record<string, number | string> {
  const summary: Record<string, number | string> = {
    steps: stepsDone,
    train_runtime: (Date.now() - p.startedAt) / 1000,
    simulation: SIMULATION_LABEL,
    response_length_unit: RESPONSE_LENGTH_UNIT,
    clips: p.clips.length,
  };
  if (p.perceptionFree) summary.control = 'perception-free';
  for (const k of ['reward', 'think_score', 'format_score', 'caption_score', 'response_length', 'loss']) if (k in last) summary[k] = last[k];
  return summary;
}

function progressLine(step: number, total: number, m: Record<string, number>): string {
  const f = (k: string, d = 3) => (k in m ? `${k}=${m[k].toFixed(d)}` : null);
  return [`step ${step}/${total}`, f('reward'), f('think_score'), f('caption_score'), f('format_score'), f('response_length', 1), f('loss', 4), f('kl', 5)].filter(Boolean).join(' ');
}

// ---------------------------------------------------------------------------------------------
// GRPO

export async function runGrpo(ctx: JobContext, deps: TrainerDeps): Promise<JobResult> {
  const p = await prepare(ctx, deps, 'grpo');
  const { config } = ctx;
  const { state } = p;
  const G = config.grpo.numGenerations;
  const mask = decayMask();
  const temperature = config.grpo.temperature;
  let last: Record<string, number> = {};
  let stepsDone = state.startStep - 1;

  for (let step = state.startStep; step <= p.totalSteps; step++) {
    throwIfAborted(ctx.signal, step);
    const lr = learningRateAt(step - 1, p.totalSteps, config.local.learningRate, config.grpo.lrScheduler, config.grpo.warmupRatio);
    const rollouts = sampleRollouts(state.params, p.clipsForStep(step), p, config);
    const results = await scoreRollouts(deps.rewardService, rollouts, config, step);
    throwIfAborted(ctx.signal, step);
    const stats = rolloutStats(rollouts, results, G);

    const samples: GrpoSample[] = rollouts.map((r, i) => ({
      decisions: r.decisions,
      oldLogProbs: sequenceLogProbs(state.params, r.decisions, temperature),
      refLogProbs: sequenceLogProbs(state.referenceParams, r.decisions, temperature),
      advantage: stats.advantages[i],
    }));
    const iters = { loss: [] as number[], kl: [] as number[], clip: [] as number[], gradNorm: [] as number[], logRatio: [] as number[] };
    for (let it = 0; it < config.local.innerIterations; it++) {
      const out = grpoLossAndGrad(state.params, samples, { epsilon: config.grpo.epsilon, beta: config.grpo.beta, temperature });
      iters.gradNorm.push(clipGradNorm(out.grad, config.local.maxGradNorm));
      iters.loss.push(out.loss);
      iters.kl.push(out.kl);
      iters.clip.push(out.clipRatio);
      iters.logRatio.push(out.maxAbsLogRatio);
      adamwStep(state.params, out.grad, state.optimizer, {
        lr,
        beta1: config.grpo.adamBeta1,
        beta2: config.grpo.adamBeta2,
        eps: config.grpo.adamEps,
        weightDecay: config.grpo.weightDecay,
        decayMask: mask,
      });
    }
    const metrics: Record<string, number> = {
      ...stats.metrics,
      loss: mean(iters.loss),
      kl: mean(iters.kl),
      clip_ratio: mean(iters.clip),
      grad_norm: mean(iters.gradNorm),
      learning_rate: lr,
      'sim/max_abs_log_ratio': Math.max(...iters.logRatio),
    };
    await ctx.reporter.metrics(points(step, metrics));
    await ctx.reporter.rollouts(rolloutRecords(step, rollouts, results, stats.advantages));
    const logs: string[] = [];
    if (stats.errors.length) logs.push(`step ${step}: reward service reported ${stats.errors.length} error(s), e.g. ${stats.errors[0]}`);
    if (stats.metrics.judge_failures > 0) {
      logs.push(`step ${step}: judge failed for ${stats.metrics.judge_failures} reward component(s); left out of the weighted reward (TRL's rule for a reward function returning None)`);
    }
    if (step % 10 === 0 || step === p.totalSteps || step === state.startStep) logs.push(progressLine(step, p.totalSteps, metrics));
    if (logs.length) await ctx.reporter.log(logs);
    last = metrics;
    stepsDone = step;
    if (step % config.local.checkpointEvery === 0 || step === p.totalSteps) await checkpoint(ctx, p, 'grpo', step);
    await sleep(config.local.stepDelayMs, ctx.signal);
  }
  return { summary: summaryOf(p, last, stepsDone) };
}

// ---------------------------------------------------------------------------------------------
// SFT

export async function runSft(ctx: JobContext, deps: TrainerDeps): Promise<JobResult> {
  const p = await prepare(ctx, deps, 'sft');
  const { config } = ctx;
  const { state } = p;
  const G = config.grpo.numGenerations;
  const mask = decayMask();
  let last: Record<string, number> = {};
  let lastEval: Record<string, number> = {};
  let stepsDone = state.startStep - 1;

  for (let step = state.startStep; step <= p.totalSteps; step++) {
    throwIfAborted(ctx.signal, step);
    const lr = learningRateAt(step - 1, p.totalSteps, config.local.learningRate, config.sft.lrScheduler, config.sft.warmupRatio);
    const clips = p.clipsForStep(step);
    const sequences = clips.map((c) => referenceDecisions(p.pools(c), config.sft.withStructuredThinking));
    // teacher forcing at temperature 1, as SFT computes its cross-entropy
    const { loss, grad } = sftLossAndGrad(state.params, sequences, 1);
    const gradNorm = clipGradNorm(grad, config.local.maxGradNorm);
    adamwStep(state.params, grad, state.optimizer, {
      lr,
      beta1: config.grpo.adamBeta1,
      beta2: config.grpo.adamBeta2,
      eps: config.sft.adamEps,
      weightDecay: config.sft.weightDecay,
      decayMask: mask,
    });
    const metrics: Record<string, number> = { loss, learning_rate: lr, grad_norm: gradNorm };
    if (step % config.local.evalEvery === 0 || step === p.totalSteps) {
      // sample from the updated policy and score like GRPO does, so SFT and GRPO curves compare
      const rollouts = sampleRollouts(state.params, clips, p, config);
      const results = await scoreRollouts(deps.rewardService, rollouts, config, step);
      throwIfAborted(ctx.signal, step);
      const stats = rolloutStats(rollouts, results, G);
      Object.assign(metrics, stats.metrics);
      lastEval = stats.metrics;
      await ctx.reporter.rollouts(rolloutRecords(step, rollouts, results, stats.advantages));
    }
    await ctx.reporter.metrics(points(step, metrics));
    if (step % 10 === 0 || step === p.totalSteps || step === state.startStep) await ctx.reporter.log([progressLine(step, p.totalSteps, metrics)]);
    last = { ...lastEval, ...metrics };
    stepsDone = step;
    if (step % config.local.checkpointEvery === 0 || step === p.totalSteps) await checkpoint(ctx, p, 'sft', step);
    await sleep(config.local.stepDelayMs, ctx.signal);
  }
  return { summary: summaryOf(p, last, stepsDone) };
}
