/**
 * Benchmark of the local backend (`npx tsx bench/local-train.ts [steps] [--perception-free | --compare]`): a GRPO run on DREAM-1K
 * clips with the default config and the real reward service (offline lexical providers unless
 * EMBEDDING_* / JUDGE_* are set), reporting wall time, steps/s, and the first-20 vs last-20 step
 * means of think score, total reward and response length (words). A SIMULATION: the policy is a
 * small log-linear model over simulated perception, not a video model. `--perception-free` runs the
 * control without perception signal (config.local.perceptionFree); `--compare` runs both with the
 * same seed and prints the two side by side, plus the simulation's element precision.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runConfigSchema, type RunConfigInput } from '../core/run-config';
import type { ClipRecord, RunKind } from '../core/types';
import { createLocalBackend, SIMULATION_LABEL } from '../gpu-runner/backends/local';
import { createMemoryReporter } from '../gpu-runner/backends/local/memory-reporter';
import { loadDream1k } from '../gpu-runner/datasets/dream1k';
import { createRewardServiceFromEnv } from '../gpu-runner/rewards/service';
import type { RewardService } from '../gpu-runner/rewards/types';

export interface WindowMeans {
  thinkScore: number;
  reward: number;
  responseLength: number;
  /** sim/element_precision: share of chosen elements that are true (not distractors). */
  elementPrecision: number;
  /** format_score. */
  format: number;
}

export interface LocalTrainBenchResult {
  simulation: string;
  kind: RunKind;
  steps: number;
  wallTimeSec: number;
  /** CPU time of this process during the run (user + system); wall time grows on a loaded machine, this does not. */
  cpuTimeSec: number;
  stepsPerSec: number;
  /** Means over the first / last `window` steps. */
  window: number;
  first: WindowMeans;
  last: WindowMeans;
  /** Per-step think_score, reward, response_length (words), element precision and format score. */
  curves: { step: number; thinkScore: number; reward: number; responseLength: number; elementPrecision: number; format: number }[];
  summary: Record<string, number | string>;
}

export interface LocalTrainBenchOptions {
  steps?: number;
  window?: number;
  kind?: RunKind;
  /** Overrides of the default run config. */
  config?: RunConfigInput;
  rewardService?: RewardService;
  clips?: ClipRecord[];
  signal?: AbortSignal;
  echo?: (line: string) => void;
}

function windowMeans(curves: LocalTrainBenchResult['curves']): WindowMeans {
  const m = (f: (c: LocalTrainBenchResult['curves'][number]) => number) => curves.reduce((a, c) => a + f(c), 0) / Math.max(1, curves.length);
  return {
    thinkScore: m((c) => c.thinkScore),
    reward: m((c) => c.reward),
    responseLength: m((c) => c.responseLength),
    elementPrecision: m((c) => c.elementPrecision),
    format: m((c) => c.format),
  };
}

export async function benchLocalTrain(options: LocalTrainBenchOptions = {}): Promise<LocalTrainBenchResult> {
  const steps = options.steps ?? 200;
  const window = options.window ?? 20;
  const kind = options.kind ?? 'grpo';
  const config = runConfigSchema.parse({ ...options.config, maxSteps: steps });
  const rewardService = options.rewardService ?? createRewardServiceFromEnv({});
  const dataset = options.clips ?? loadDream1k();
  const reporter = createMemoryReporter({ keepRollouts: false, echo: options.echo });
  const workDir = await mkdtemp(join(tmpdir(), 'videocap-local-bench-'));
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  try {
    const result = await createLocalBackend({ rewardService }).run({
      runId: `bench-${kind}`,
      kind,
      config,
      reporter,
      signal: options.signal ?? new AbortController().signal,
      resume: null,
      workDir,
      dataset,
    });
    const wallTimeSec = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const think = reporter.series('think_score');
    const reward = reporter.series('reward');
    const length = reporter.series('response_length');
    const precision = reporter.series('sim/element_precision');
    const format = reporter.series('format_score');
    const curves = [...reward.keys()]
      .sort((a, b) => a - b)
      .map((step) => ({
        step,
        thinkScore: think.get(step) ?? NaN,
        reward: reward.get(step) ?? NaN,
        responseLength: length.get(step) ?? NaN,
        elementPrecision: precision.get(step) ?? NaN,
        format: format.get(step) ?? NaN,
      }));
    return {
      simulation: SIMULATION_LABEL,
      kind,
      steps,
      wallTimeSec,
      cpuTimeSec: (cpu.user + cpu.system) / 1e6,
      stepsPerSec: steps / wallTimeSec,
      window,
      first: windowMeans(curves.slice(0, window)),
      last: windowMeans(curves.slice(-window)),
      curves,
      summary: result.summary,
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function fmt(w: WindowMeans): string {
  return `think_score ${w.thinkScore.toFixed(3)}  reward ${w.reward.toFixed(3)}  response_length ${w.responseLength.toFixed(1)} words  format ${w.format.toFixed(3)}  element precision ${w.elementPrecision.toFixed(3)}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const steps = Number(args.find((a) => !a.startsWith('--')) ?? 200);
  if (args.includes('--compare')) {
    const rewardService = createRewardServiceFromEnv({});
    const clips = loadDream1k();
    const normal = await benchLocalTrain({ steps, rewardService, clips });
    const control = await benchLocalTrain({ steps, rewardService, clips, config: { local: { perceptionFree: true } } });
    console.log(`local backend GRPO, ${steps} steps — ${normal.simulation}; means of the first vs last ${normal.window} steps`);
    for (const [name, r] of [['simulated perception', normal], ['perception-free control', control]] as const) {
      console.log(`${name}:`);
      console.log(`  first: ${fmt(r.first)}`);
      console.log(`  last:  ${fmt(r.last)}`);
    }
    return;
  }
  const r = await benchLocalTrain({ steps, config: args.includes('--perception-free') ? { local: { perceptionFree: true } } : undefined });
  console.log(`local backend GRPO benchmark — ${r.simulation}`);
  console.log(`steps ${r.steps}, wall time ${r.wallTimeSec.toFixed(1)} s (CPU ${r.cpuTimeSec.toFixed(1)} s), ${r.stepsPerSec.toFixed(2)} steps/s`);
  console.log(`first ${r.window}: ${fmt(r.first)}`);
  console.log(`last  ${r.window}: ${fmt(r.last)}`);
  const every = Math.max(1, Math.floor(r.curves.length / 20));
  console.log('step  think_score  reward  response_length');
  for (const c of r.curves.filter((_, i) => i % every === 0 || i === r.curves.length - 1)) {
    console.log(`${String(c.step).padStart(4)}  ${c.thinkScore.toFixed(3).padStart(11)}  ${c.reward.toFixed(3).padStart(6)}  ${c.responseLength.toFixed(1).padStart(15)}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
