/**
 * The "swift" backend: runs GRPO and SFT jobs with ms-swift (pinned 4.5.2, see README.md).
 *
 * GRPO: dataset JSONL → reward HTTP server (gpu-runner/rewards/http-server.ts) → `swift rollout` on the rollout
 * GPU, wait for GET /health/ → `swift rlhf --rlhf_type grpo` with our reward plugin, which POSTs every batch to
 * the reward server (rollouts are recorded there, once). Meanwhile the output folder is followed: logging.jsonl
 * → metrics (core/metric-map.ts), completions.jsonl → rollouts the reward server did not see, checkpoint-N
 * folders → checkpoints, the Trainer's final summary → JobResult.summary.
 * SFT: the same without rollout server and reward server.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { METRIC_KEYS, type MetricPoint, type RolloutRecord } from '../../../core/types';
import { rewardComponentOfFunction } from '../../../core/metric-map';
import type { Backend, JobContext, JobResult, RunReporter } from '../../report';
import type { RewardOptions, RewardService } from '../../rewards/types';
import { startRewardHttpServer, type RewardHttpServer } from '../../rewards/http-server';
import { scorerIdentity } from '../../rewards/service';
import { parseJsonLine } from '../../importers/jsonl';
import {
  CHECKPOINT_DIR_RE,
  classifyLoggingLine,
  completionsLineRows,
  completionsLineSchema,
  componentsOf,
  componentWeights,
  LoggedCompletionDedupe,
  objectLineSchema,
  VERSION_DIR_RE,
  weightedReward,
} from '../../importers/swift-format';
import { withAdvantages, type ForeignRollout } from '../../importers/rollouts';
import {
  buildGrpoCommand,
  buildRolloutCommand,
  buildSftCommand,
  formatInvocation,
  REWARD_FUNC_CLASS_NAMES,
  type BuiltCommand,
} from './commands';
import { writeSwiftDataset } from './dataset';
import { LineRing, spawnManaged, waitForHealth, type ManagedProcess } from './process';
import { FileTail } from './tail';
import { generateSwiftCaptions } from './captions';

export interface SwiftBackendOptions {
  rewardService: RewardService;
  /** Overrides `config.swift.executable` (tests pass the stand-in gpu-runner/backends/swift/testing/fake-swift). */
  executable?: string;
  /** The reward plugin file; defaults to gpu-runner/plugins/videocap_reward.py. */
  pluginPath?: string;
  /** How often the output folder is polled (default 1000 ms). */
  pollIntervalMs?: number;
  /** How often the rollout server's health endpoint is polled (default 2000 ms). */
  healthIntervalMs?: number;
}

export const DEFAULT_PLUGIN_PATH = fileURLToPath(new URL('../../plugins/videocap_reward.py', import.meta.url));
const TAIL_LINES = 200;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Batches log lines to the reporter and keeps the last lines for error messages. */
class LogForwarder {
  readonly ring = new LineRing(TAIL_LINES);
  private pending: string[] = [];
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly reporter: RunReporter) {}

  add(line: string, keep = true): void {
    if (keep) this.ring.push(line);
    this.pending.push(line);
    if (this.pending.length >= 100) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), 500);
  }

  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.pending;
    this.pending = [];
    if (batch.length) {
      this.chain = this.chain.then(() => this.reporter.log(batch)).catch(() => undefined);
    }
    return this.chain;
  }
}

async function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const srv = createServer();
    srv.once('error', () => resolvePromise(false));
    srv.listen(port, host, () => srv.close(() => resolvePromise(true)));
  });
}

/** What the runner's reward endpoint scores ms-swift's completions with: the run config's rewards and rules. */
export function rewardOptionsOf(ctx: Pick<JobContext, 'config'>): RewardOptions {
  return {
    rewards: ctx.config.rewards.map((r) => ({ name: r.name, weight: r.weight })),
    simThreshold: ctx.config.simThreshold,
    escoreThresholds: ctx.config.escoreThresholds,
    // ms-swift hands the reward functions the completion without the prompt, so with a template that
    // prefills <think> the completion starts inside the think (the plugin passes it on unchanged).
    prefilledThink: ctx.config.prefilledThink,
  };
}

function cancelledError(): Error {
  const err = new Error('cancelled: ms-swift processes stopped');
  err.name = 'AbortError';
  return err;
}

/** Follows ms-swift's output folder (the versioned subfolder it creates under --output_dir). */
class OutputFollower {
  runDir: string | null = null;
  private loggingTail: FileTail | null = null;
  private completionsTail: FileTail | null = null;
  private readonly registered = new Set<number>();
  readonly dedupe = new LoggedCompletionDedupe();
  readonly summary: Record<string, number | string> = {};
  readonly lastMetric = new Map<string, { step: number; value: number }>();
  maxSteps: number | null = null;

  constructor(
    private readonly outputDir: string,
    private readonly preexisting: Set<string>,
    private readonly ctx: JobContext,
    private readonly log: LogForwarder,
    private readonly clipBySolution: Map<string, string>,
    private readonly numGenerations: number,
  ) {}

  private async findRunDir(): Promise<string | null> {
    if (this.runDir) return this.runDir;
    if (existsSync(join(this.outputDir, 'logging.jsonl'))) {
      this.runDir = this.outputDir;
    } else {
      let entries: string[] = [];
      try {
        entries = await readdir(this.outputDir);
      } catch {
        return null;
      }
      const fresh = entries
        .map((e) => ({ e, m: VERSION_DIR_RE.exec(e) }))
        .filter((x): x is { e: string; m: RegExpExecArray } => x.m !== null && !this.preexisting.has(x.e))
        .sort((a, b) => Number(b.m[1]) - Number(a.m[1]));
      if (fresh.length === 0) return null;
      this.runDir = join(this.outputDir, fresh[0].e);
    }
    this.loggingTail = new FileTail(join(this.runDir, 'logging.jsonl'));
    this.completionsTail = new FileTail(join(this.runDir, 'completions.jsonl'));
    this.log.add(`[videocap] following ms-swift output in ${this.runDir}`, false);
    return this.runDir;
  }

  async poll(final: boolean): Promise<void> {
    const dir = await this.findRunDir();
    if (!dir || !this.loggingTail || !this.completionsTail) return;
    await this.readLogging(final);
    await this.readCompletions(final);
    await this.scanCheckpoints(dir, final);
  }

  private async readLogging(final: boolean): Promise<void> {
    const lines = await this.loggingTail!.read(final);
    const points: MetricPoint[] = [];
    for (const { line, text } of lines) {
      const parsed = parseJsonLine(text, objectLineSchema);
      if (!parsed.ok) {
        this.log.add(`[videocap] logging.jsonl line ${line} skipped: ${parsed.message}`);
        continue;
      }
      const c = classifyLoggingLine(parsed.value);
      const wallTime = Date.now();
      if (c.kind === 'metrics') {
        this.maxSteps = c.maxSteps;
        for (const m of c.metrics) {
          points.push({ step: c.step, key: m.key, value: m.value, wallTime });
          if (!c.eval) this.lastMetric.set(m.key, { step: c.step, value: m.value });
        }
      } else if (c.kind === 'summary' || c.kind === 'final') {
        Object.assign(this.summary, c.values);
      }
    }
    if (points.length) await this.ctx.reporter.metrics(points).catch((e: unknown) => this.reportError('metrics', e));
  }

  private async readCompletions(final: boolean): Promise<void> {
    const lines = await this.completionsTail!.read(final);
    const rows: ForeignRollout[] = [];
    const weights = componentWeights(
      this.ctx.config.rewards.map((r) => REWARD_FUNC_CLASS_NAMES[r.name]),
      this.ctx.config.rewards.map((r) => r.weight),
    );
    const weightOf = (name: string) => {
      const c = rewardComponentOfFunction(name);
      return c ? weights.get(c) : undefined;
    };
    for (const { line, text } of lines) {
      const parsed = parseJsonLine(text, completionsLineSchema);
      if (!parsed.ok) {
        this.log.add(`[videocap] completions.jsonl line ${line} skipped: ${parsed.message}`);
        continue;
      }
      const clipOf = (row: { solution: string | null }) =>
        (row.solution !== null ? this.clipBySolution.get(row.solution) : undefined) ?? 'unknown';
      for (const row of this.dedupe.newRows(completionsLineRows(parsed.value), clipOf)) {
        const clipId = clipOf(row);
        rows.push({
          step: row.step,
          clipId,
          groupIndex: Math.floor(row.index / this.numGenerations),
          sampleIndex: row.index % this.numGenerations,
          completion: row.completion,
          rewards: componentsOf(row.rewardsByFunction),
          reward: weightedReward(row.rewardsByFunction, weightOf),
          advantage: row.advantage,
          breakdown: { source: 'completions.jsonl', rewardsByFunction: row.rewardsByFunction },
        });
      }
    }
    if (rows.length) {
      this.log.add(`[videocap] ${rows.length} rollouts taken from completions.jsonl (not seen by the reward service)`, false);
      await this.ctx.reporter.rollouts(withAdvantages(rows)).catch((e: unknown) => this.reportError('rollouts', e));
    }
  }

  private async scanCheckpoints(dir: string, final: boolean): Promise<void> {
    let entries: string[];
    try {
      entries = await readdir(dir);
    } catch {
      return;
    }
    const found = entries
      .map((e) => ({ e, m: CHECKPOINT_DIR_RE.exec(e) }))
      .filter((x): x is { e: string; m: RegExpExecArray } => x.m !== null)
      .map((x) => ({ name: x.e, step: Number(x.m[1]) }))
      .sort((a, b) => a.step - b.step);
    for (const { name, step } of found) {
      if (this.registered.has(step)) continue;
      const path = join(dir, name);
      // The HF Trainer writes trainer_state.json last in _save_checkpoint: its presence means the folder is complete.
      const complete = existsSync(join(path, 'trainer_state.json'));
      if (!complete && !final) continue;
      if (!(await stat(path)).isDirectory()) continue;
      this.registered.add(step);
      await this.ctx.reporter
        .checkpoint({ step, path, metadata: { backend: 'swift', outputDir: dir, complete } })
        .catch((e: unknown) => this.reportError('checkpoint', e));
      this.log.add(`[videocap] checkpoint ${name} registered${complete ? '' : ' (no trainer_state.json: may be incomplete)'}`, false);
    }
  }

  private reportError(what: string, e: unknown): void {
    this.log.add(`[videocap] reporting ${what} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function createSwiftBackend(options: SwiftBackendOptions): Backend {
  const pollMs = options.pollIntervalMs ?? 1000;
  return {
    name: 'swift',
    generateCaptions: (req) => generateSwiftCaptions(req, { executable: options.executable }),
    scorer(config, kind) {
      // SFT on ms-swift trains on the annotations and computes no reward.
      if (kind !== 'grpo') return null;
      const reward = rewardOptionsOf({ config });
      return scorerIdentity(options.rewardService.identity, {
        components: reward.rewards.map((r) => r.name),
        simThreshold: reward.simThreshold,
        escoreThresholds: reward.escoreThresholds,
      });
    },
    async run(ctx: JobContext): Promise<JobResult> {
      if (ctx.kind !== 'grpo' && ctx.kind !== 'sft') {
        throw new Error(`the swift backend runs "grpo" and "sft" jobs; "${ctx.kind}" jobs run elsewhere`);
      }
      // Start from an earlier run's checkpoint (e.g. GRPO after SFT): a full fine-tuning checkpoint
      // folder loads with `--model` for both the rollout server and the trainer.
      const cfg = ctx.init && !ctx.resume ? { ...ctx.config, baseModel: ctx.init.path } : ctx.config;
      const log = new LogForwarder(ctx.reporter);
      const root = resolve(ctx.workDir, 'swift');
      const outputDir = join(root, 'output');
      const datasetPath = join(root, `${ctx.kind}-dataset.jsonl`);
      await mkdir(outputDir, { recursive: true });

      const written = await writeSwiftDataset(ctx.dataset, datasetPath, {
        kind: ctx.kind,
        thinkingMode: cfg.thinkingMode,
        withStructuredThinking: cfg.sft.withStructuredThinking,
      });
      log.add(`[videocap] dataset: ${written.rows} rows → ${datasetPath}`);
      if (written.skipped.length) {
        const shown = written.skipped.slice(0, 20).map((s) => `${s.clipId}: ${s.reason}`);
        log.add(`[videocap] ${written.skipped.length} clips skipped: ${shown.join('; ')}${written.skipped.length > 20 ? '; …' : ''}`);
      }
      if (written.rows === 0) {
        await log.flush();
        throw new Error(`no usable clips for ms-swift (${written.skipped.length} skipped, e.g. ${written.skipped[0]?.reason ?? 'empty dataset'})`);
      }
      const clipBySolution = new Map<string, string>();
      for (const c of ctx.dataset) if (!clipBySolution.has(c.referenceCaption)) clipBySolution.set(c.referenceCaption, c.id);

      const preexisting = new Set(existsSync(outputDir) ? await readdir(outputDir) : []);
      const resumeFrom = ctx.resume?.path ?? null;
      if (resumeFrom) log.add(`[videocap] resuming from ${resumeFrom} (step ${ctx.resume?.step})`);

      let rewardServer: RewardHttpServer | null = null;
      let rollout: ManagedProcess | null = null;
      let train: ManagedProcess | null = null;
      let cancelled = false;
      const follower = new OutputFollower(outputDir, preexisting, ctx, log, clipBySolution, cfg.grpo.numGenerations);
      const graceMs = cfg.swift.killGraceSec * 1000;

      const onAbort = () => {
        cancelled = true;
        log.add('[videocap] cancel requested: stopping ms-swift (SIGTERM, then SIGKILL)');
        void train?.killTree(graceMs);
        void rollout?.killTree(graceMs);
      };
      if (ctx.signal.aborted) throw cancelledError();
      ctx.signal.addEventListener('abort', onAbort, { once: true });

      const cleanup = async () => {
        ctx.signal.removeEventListener('abort', onAbort);
        await Promise.all([train?.killTree(graceMs), rollout?.killTree(graceMs)]);
        if (rewardServer) await rewardServer.close().catch(() => undefined);
        await log.flush();
      };

      const fail = (message: string) =>
        new Error(`${message}\n--- last ${TAIL_LINES} log lines (stdout+stderr) ---\n${log.ring.toArray().join('\n')}`);

      try {
        let built: BuiltCommand;
        let extraEnv: Record<string, string> = {};
        if (ctx.kind === 'grpo') {
          const token = randomBytes(24).toString('hex');
          const judgeFailuresByStep = new Map<number, number>();
          rewardServer = await startRewardHttpServer({
            rewardService: options.rewardService,
            options: rewardOptionsOf(ctx),
            token,
            onScored: (items) => {
              for (const it of items) follower.dedupe.markScored(it.step, it.clipId ?? 'unknown', it.completion);
            },
            onRollouts: (rows: RolloutRecord[]) => ctx.reporter.rollouts(rows),
            onError: (m) => log.add(`[reward] ${m}`),
            onJudgeFailures: (step, count, reasons) => {
              const total = (judgeFailuresByStep.get(step) ?? 0) + count;
              judgeFailuresByStep.set(step, total);
              void ctx.reporter.metrics([{ step, key: 'judge_failures', value: total, wallTime: Date.now() }]);
              if (count > 0) {
                log.add(`[reward] step ${step}: judge failed for ${count} reward component(s), left out of the weighted reward (TRL's rule for None): ${reasons[0] ?? ''}`);
              }
            },
          });
          extraEnv = {
            VIDEOCAP_REWARD_URL: rewardServer.url,
            VIDEOCAP_REWARD_TOKEN: token,
            VIDEOCAP_REWARD_TIMEOUT: String(cfg.swift.rewardTimeoutSec),
            VIDEOCAP_NUM_GENERATIONS: String(cfg.grpo.numGenerations),
          };
          log.add(`[videocap] reward service listening on ${rewardServer.url}`);

          const { rolloutHost, rolloutPort } = cfg.swift;
          if (!(await portIsFree(rolloutHost, rolloutPort))) {
            // `swift rollout` would silently move to the next free port (swift/utils/utils.py find_free_port).
            throw new Error(`rollout port ${rolloutHost}:${rolloutPort} is already in use; set swift.rolloutPort to a free port`);
          }
          const rc = buildRolloutCommand(cfg, { executable: options.executable });
          log.add(`[videocap] $ ${formatInvocation(rc.invocation)}`);
          rollout = spawnManaged(rc.invocation, { cwd: root, onLine: (l) => log.add(`[rollout] ${l}`) });
          const healthUrl = `http://${rolloutHost.includes(':') ? `[${rolloutHost}]` : rolloutHost}:${rolloutPort}/health/`;
          const health = await waitForHealth(healthUrl, {
            timeoutMs: cfg.swift.rolloutHealthTimeoutSec * 1000,
            intervalMs: options.healthIntervalMs ?? 2000,
            signal: ctx.signal,
            stillRunning: () => !rollout!.hasExited(),
          });
          if (!health.ok) {
            if (cancelled || ctx.signal.aborted) throw cancelledError();
            throw fail(`rollout server (swift rollout) did not become healthy: ${health.reason}`);
          }
          log.add(`[videocap] rollout server healthy at ${healthUrl}`);
          built = buildGrpoCommand(cfg, {
            datasetPath,
            outputDir,
            pluginPath: options.pluginPath ?? DEFAULT_PLUGIN_PATH,
            resumeFrom,
            executable: options.executable,
          });
        } else {
          built = buildSftCommand(cfg, { datasetPath, outputDir, resumeFrom, executable: options.executable });
        }
        for (const w of built.warnings) log.add(`[videocap] warning: ${w}`);
        log.add(`[videocap] $ ${formatInvocation(built.invocation)}`);
        if (cancelled) throw cancelledError();
        train = spawnManaged(built.invocation, { cwd: root, extraEnv, onLine: (l) => log.add(l) });
        const trainProc = train;

        let polling = true;
        const pollLoop = (async () => {
          while (polling) {
            await follower.poll(false).catch((e: unknown) => log.add(`[videocap] reading output failed: ${String(e)}`));
            await Promise.race([sleep(pollMs), trainProc.exited]);
          }
        })();
        const exit = await trainProc.exited;
        polling = false;
        await pollLoop;
        // The rollout server and the plugin's last requests are done: emit groups still waiting for members,
        // then read whatever the trainer wrote last.
        if (rewardServer) {
          await rewardServer.close().catch(() => undefined);
          rewardServer = null;
        }
        await follower.poll(true);

        if (cancelled || ctx.signal.aborted) throw cancelledError();
        if (exit.code !== 0) {
          const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
          throw fail(`swift ${built.invocation.label} ${how}`);
        }
        const summary: Record<string, number | string> = { ...follower.summary };
        if (follower.runDir) summary.output_dir = follower.runDir;
        for (const key of METRIC_KEYS) {
          const last = follower.lastMetric.get(key);
          if (last) summary[`final_${key}`] = last.value;
        }
        return { summary };
      } finally {
        await cleanup();
      }
    },
  };
}
