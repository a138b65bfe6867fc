/**
 * The runner process: heartbeats its capabilities to Redis, consumes the BullMQ queues of the
 * backends it has, runs each job through a backend, and reports through the server's ingest API.
 *
 * Recovery: a runner that dies stops renewing its BullMQ job lock; the stalled-job check of any other
 * runner hands the job back to the queue, and whoever takes it resumes from the run's last
 * checkpoint (the server keeps it). Writes are idempotent, so re-emitted steps are stored once.
 */
import { hostname } from 'node:os';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DelayedError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { backendsForKind, jobPayloadSchema, QUEUED_KINDS, queueName, REDIS_KEYS, requiredGpus, type RunnerHeartbeat } from '../core/jobs';
import { runConfigSchema } from '../core/run-config';
import { BACKENDS, type BackendName, type ClipRecord } from '../core/types';
import type { Backend, JobContext, JobResult } from './report';
import { ServerClient, type IngestReporter, type RunForRunner } from './server-client';
import { evalConfigSchema } from '../core/eval/config';
import { runEvalJob } from './eval/job';
import { runAnalyzeJob } from './analyze/job';
import { runCurateJob } from './curation/job';

export const runnerEnvSchema = z.object({
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'expected a redis:// URL, e.g. redis://127.0.0.1:6379').default('redis://127.0.0.1:6379'),
  VIDEOCAP_SERVER_URL: z.string().regex(/^https?:\/\//, 'expected an http(s) URL, e.g. http://127.0.0.1:3000').default('http://127.0.0.1:3000'),
  VIDEOCAP_RUNNER_TOKEN: z.string({ error: 'is required (the server\'s runner token)' }).min(16, 'must be at least 16 characters'),
  RUNNER_ID: z.string().min(1).optional(),
  RUNNER_BACKENDS: z
    .string()
    .default('local')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(BACKENDS, { error: 'each backend must be "local" or "swift"' })).min(1)),
  RUNNER_SLOTS: z.coerce.number().int().min(1).max(64).default(1),
  RUNNER_GPUS: z.coerce.number().int().min(0).max(1024).default(0),
  RUNNER_WORKDIR: z.string().min(1).default('.data/runner'),
  /** BullMQ lock duration: how long a dead runner keeps its job before it counts as stalled. */
  RUNNER_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  RUNNER_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).max(600_000).default(15_000),
  RUNNER_HEARTBEAT_MS: z.coerce.number().int().min(200).max(60_000).default(5_000),
  RUNNER_HEARTBEAT_TTL_S: z.coerce.number().int().min(2).max(3600).default(15),
  /** How long a job this runner cannot take (too few GPUs) waits before it is offered again. */
  RUNNER_REQUEUE_DELAY_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
});
export type RunnerEnv = z.infer<typeof runnerEnvSchema>;

export function parseRunnerEnv(source: Record<string, string | undefined>): RunnerEnv {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const r = runnerEnvSchema.safeParse(cleaned);
  if (!r.success) {
    throw new Error(`Invalid runner environment:\n${r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  return r.data;
}

export interface RunnerDeps {
  env: RunnerEnv;
  backends: Partial<Record<BackendName, Backend>>;
  loadDataset: (name: string) => Promise<ClipRecord[]>;
  log?: (msg: string) => void;
}

class CancelledError extends Error {}
/** The runner itself is shutting down (SIGTERM): the job is left for another runner, not cancelled. */
class RunnerStoppingError extends Error {}

/** Resolves when `p` settles or after `ms`, whichever is first (never rejects). */
function settleWithin(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    t.unref?.();
    p.then(
      () => resolve(),
      () => resolve(),
    ).finally(() => clearTimeout(t));
  });
}

export class Runner {
  readonly id: string;
  private readonly client: ServerClient;
  private readonly redis: Redis;
  private readonly sub: Redis;
  private workers: Worker[] = [];
  private workerConnections: Redis[] = [];
  private stopping = false;
  private readonly active = new Map<string, AbortController>();
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private cancelPoll: NodeJS.Timeout | null = null;
  private readonly startedAt = Date.now();
  private readonly log: (msg: string) => void;

  constructor(private readonly deps: RunnerDeps) {
    const env = deps.env;
    this.id = env.RUNNER_ID ?? `${hostname()}-${process.pid}`;
    this.client = new ServerClient({ serverUrl: env.VIDEOCAP_SERVER_URL, token: env.VIDEOCAP_RUNNER_TOKEN });
    this.redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
    this.sub = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
    this.log = deps.log ?? ((m) => console.log(`[runner ${this.id}] ${m}`));
  }

  get backendNames(): BackendName[] {
    return this.deps.env.RUNNER_BACKENDS.filter((b) => this.deps.backends[b]);
  }

  async start(): Promise<void> {
    const env = this.deps.env;
    const waiting = setInterval(() => this.log(`waiting for Redis at ${env.REDIS_URL} (not answering)…`), 5_000);
    try {
      await this.redis.ping();
    } finally {
      clearInterval(waiting);
    }
    await this.heartbeat();
    await this.pruneLastSeen().catch(() => undefined);
    this.heartbeatTimer = setInterval(() => void this.heartbeat().catch((e) => this.log(`heartbeat failed: ${String(e)}`)), env.RUNNER_HEARTBEAT_MS);
    await this.sub.subscribe(REDIS_KEYS.cancelChannel);
    this.sub.on('message', (_channel, runId: string) => this.active.get(runId)?.abort(new CancelledError('cancelled by user')));
    // A missed publish (e.g. Redis reconnect) is caught by polling the cancel keys.
    this.cancelPoll = setInterval(() => void this.pollCancels(), 2000);
    for (const backend of this.backendNames) {
      for (const kind of QUEUED_KINDS) {
        if (!backendsForKind(kind).includes(backend)) continue;
        const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
        this.workerConnections.push(connection);
        const worker = new Worker(queueName(kind, backend), (job, token) => this.process(job, backend, token), {
          connection,
          concurrency: env.RUNNER_SLOTS,
          lockDuration: env.RUNNER_LOCK_MS,
          stalledInterval: env.RUNNER_STALLED_INTERVAL_MS,
          maxStalledCount: 10,
        });
        worker.on('error', (e) => this.log(`worker ${queueName(kind, backend)} error: ${e.message}`));
        this.workers.push(worker);
      }
    }
    this.log(`started: backends=${this.backendNames.join(',')} slots=${env.RUNNER_SLOTS} gpus=${env.RUNNER_GPUS} server=${env.VIDEOCAP_SERVER_URL}`);
  }

  private async heartbeat(): Promise<void> {
    const env = this.deps.env;
    const hb: RunnerHeartbeat = {
      id: this.id,
      host: hostname(),
      pid: process.pid,
      backends: this.backendNames,
      gpus: env.RUNNER_GPUS,
      slots: env.RUNNER_SLOTS,
      freeSlots: Math.max(0, env.RUNNER_SLOTS - this.active.size),
      activeRunIds: [...this.active.keys()],
      startedAt: this.startedAt,
      at: Date.now(),
    };
    await this.redis
      .multi()
      .set(REDIS_KEYS.runnerHeartbeat(this.id), JSON.stringify(hb), 'EX', env.RUNNER_HEARTBEAT_TTL_S)
      .hset(REDIS_KEYS.runnerLastSeen, this.id, String(hb.at))
      .exec();
  }

  /** Forget runners not seen for a week (the last-seen hash only serves "runner lost at …"). */
  private async pruneLastSeen(): Promise<void> {
    const all = await this.redis.hgetall(REDIS_KEYS.runnerLastSeen);
    const old = Object.entries(all)
      .filter(([, at]) => Date.now() - Number(at) > 7 * 24 * 3600_000)
      .map(([id]) => id);
    if (old.length) await this.redis.hdel(REDIS_KEYS.runnerLastSeen, ...old);
  }

  private async pollCancels(): Promise<void> {
    for (const [runId, ctl] of this.active) {
      try {
        if ((await this.redis.exists(REDIS_KEYS.cancelRequested(runId))) === 1) ctl.abort(new CancelledError('cancelled by user'));
      } catch {
        // Redis briefly unavailable: try again next tick
      }
    }
  }

  /** Pause every worker while all slots are busy, so a job waits for a runner that is free. */
  private updateCapacity(): void {
    const full = this.active.size >= this.deps.env.RUNNER_SLOTS;
    for (const w of this.workers) {
      if (full && !w.isPaused()) w.pause(true);
      if (!full && w.isPaused()) w.resume();
    }
  }

  private async process(job: Job, backendName: BackendName, token?: string): Promise<void> {
    const { runId } = jobPayloadSchema.parse(job.data);
    const run = await this.client.getRun(runId);
    if (run.status === 'succeeded' || run.status === 'failed' || run.status === 'cancelled') {
      this.log(`run ${runId} is already ${run.status}; nothing to do`);
      return;
    }
    // A job needing more GPUs than this node has goes back to the queue for a runner that can take it.
    const cfg = runConfigSchema.safeParse(run.config);
    let needed = cfg.success ? requiredGpus(backendName, cfg.data.swift) : 0;
    if (run.kind === 'eval') {
      // Only captioning a swift checkpoint needs a GPU (`swift infer` on one device); judging needs none.
      const ev = evalConfigSchema.safeParse(run.config);
      needed = ev.success && ev.data.source.kind === 'checkpoint' && backendName === 'swift' ? 1 : 0;
    }
    if (needed > this.deps.env.RUNNER_GPUS && !run.cancelRequested) {
      this.log(`run ${runId} needs ${needed} GPUs, this runner has ${this.deps.env.RUNNER_GPUS}: leaving it for another runner`);
      await job.moveToDelayed(Date.now() + this.deps.env.RUNNER_REQUEUE_DELAY_MS, token);
      throw new DelayedError();
    }
    if (run.cancelRequested) {
      await this.client.transition(runId, { to: 'cancelled', reason: 'cancelled by user before it started', runnerId: this.id });
      return;
    }
    const ctl = new AbortController();
    this.active.set(runId, ctl);
    this.updateCapacity();
    await this.heartbeat().catch(() => undefined);
    try {
      await this.execute(run, backendName, ctl);
    } finally {
      this.active.delete(runId);
      this.updateCapacity();
      await this.heartbeat().catch(() => undefined);
    }
  }

  private async execute(run: RunForRunner, backendName: BackendName, ctl: AbortController): Promise<void> {
    const backend = this.deps.backends[backendName];
    const resumed = run.status !== 'queued';
    const resumeFrom =
      run.kind === 'eval' ? 'clips already evaluated are skipped' : run.resume ? `from checkpoint at step ${run.resume.step}` : 'no checkpoint: restarting from step 0';
    const startReason = resumed
      ? `resumed by runner ${this.id} after the previous runner stopped (attempt ${run.attempt + 1}); ${resumeFrom}`
      : `taken by runner ${this.id}`;
    await this.client.transition(run.id, { to: 'starting', reason: startReason, runnerId: this.id });
    const reporter = this.client.reporter(run.id, {
      runnerId: this.id,
      firstLogSeq: run.nextLogSeq,
      onDeliveryError: (m) => this.log(`[${run.id}] ${m}`),
    });
    const fail = async (reason: string) => {
      if (this.stopping) return;
      await reporter.log([`ERROR: ${reason}`]);
      await reporter.close().catch((e) => this.log(`[${run.id}] ${String(e)}`));
      await this.client.transition(run.id, { to: 'failed', reason, runnerId: this.id });
    };
    if (run.kind === 'curate') return this.executeCuration(run, ctl, reporter, startReason, fail);
    if (run.kind === 'analyze') {
      await reporter.log([`${startReason}; caption analysis on this runner (the evaluation's extraction and judge)`]);
      await this.client.transition(run.id, { to: 'running', reason: 'running', runnerId: this.id });
      return this.finish(run, ctl, reporter, fail, async () => ({
        summary: await runAnalyzeJob({
          runId: run.id,
          client: this.client,
          log: (lines) => reporter.log(lines),
          progress: (done, total) => reporter.setProgress(done, total),
          signal: ctl.signal,
        }),
      }));
    }
    if (!backend) return fail(`this runner has no "${backendName}" backend`);
    if (run.kind === 'eval') {
      const workDir = path.resolve(this.deps.env.RUNNER_WORKDIR, run.id);
      await mkdir(workDir, { recursive: true });
      await reporter.log([`${startReason}; evaluation on the ${backendName} queue`]);
      await this.client.transition(run.id, { to: 'running', reason: resumed ? 'evaluation resumed (clips already stored are skipped)' : 'running', runnerId: this.id });
      return this.finish(run, ctl, reporter, fail, () =>
        runEvalJob({ run, client: this.client, reporter, backend, signal: ctl.signal, workDir, env: process.env, log: this.log }),
      );
    }
    const parsed = runConfigSchema.safeParse(run.config);
    if (!parsed.success) {
      return fail(`stored config is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    const config = parsed.data;
    let dataset: ClipRecord[];
    try {
      dataset = await this.deps.loadDataset(config.dataset);
    } catch (e) {
      return fail(`could not load dataset "${config.dataset}": ${e instanceof Error ? e.message : String(e)}`);
    }
    const workDir = path.resolve(this.deps.env.RUNNER_WORKDIR, run.id);
    await mkdir(workDir, { recursive: true });
    const ctx: JobContext = {
      runId: run.id,
      kind: run.kind,
      config,
      reporter,
      signal: ctl.signal,
      resume: run.resume ? { step: run.resume.step, path: run.resume.path } : null,
      init: run.initCheckpoint ? { step: run.initCheckpoint.step, path: run.initCheckpoint.path } : null,
      workDir,
      dataset,
    };
    // Which embedder / judge / thresholds score this run, stored on the run (core/scorer.ts).
    const scorer = backend.scorer?.(config, run.kind) ?? null;
    await reporter.log([
      `${startReason}; backend=${backendName}${backendName === 'local' ? ' (CPU simulation, not a video model)' : ''}; clips=${dataset.length}`,
      `scorer: ${scorer ? scorer.label : 'none (this run computes no reward)'}`,
    ]);
    await this.client.transition(run.id, {
      to: 'running',
      reason: resumed && run.resume ? `running from step ${run.resume.step + 1}` : 'running',
      runnerId: this.id,
      ...(scorer ? { scorer } : {}),
    });
    return this.finish(run, ctl, reporter, fail, () => backend.run(ctx));
  }

  /** Runs a job body and records how it ended (succeeded with its summary, cancelled, or failed with the reason). */
  private async finish(
    run: RunForRunner,
    ctl: AbortController,
    reporter: ReturnType<ServerClient['reporter']>,
    fail: (reason: string) => Promise<void>,
    body: () => Promise<JobResult>,
  ): Promise<void> {
    try {
      const result = await body();
      if (this.stopping) return; // left for another runner to resume
      await reporter.log([`finished: ${JSON.stringify(result.summary)}`, ...(result.failure ? [`ERROR: ${result.failure}`] : result.message ? [result.message] : [])]);
      await reporter.close();
      if (ctl.signal.aborted) {
        await this.client.transition(run.id, { to: 'cancelled', reason: 'cancelled by user', runnerId: this.id });
      } else if (result.failure) {
        await this.client.transition(run.id, { to: 'failed', reason: result.failure, runnerId: this.id, summary: result.summary });
      } else {
        await this.client.transition(run.id, { to: 'succeeded', reason: result.message ?? 'finished', runnerId: this.id, summary: result.summary });
      }
    } catch (e) {
      if (this.stopping || ctl.signal.reason instanceof RunnerStoppingError) return;
      if (ctl.signal.aborted) {
        await reporter.log(['cancelled by user: process stopped']);
        await reporter.close().catch(() => undefined);
        await this.client.transition(run.id, { to: 'cancelled', reason: 'cancelled by user', runnerId: this.id });
        return;
      }
      await fail(e instanceof Error ? e.message : String(e));
    }
  }

  /** A curate run (gpu-runner/curation): no training backend; ffmpeg, OpenCV and the judge on this node. */
  private async executeCuration(run: RunForRunner, ctl: AbortController, reporter: IngestReporter, startReason: string, fail: (reason: string) => Promise<void>): Promise<void> {
    await reporter.log([`${startReason}; curation on this runner (ffprobe/ffmpeg, OpenCV optical flow)`]);
    await this.client.transition(run.id, { to: 'running', reason: 'running', runnerId: this.id });
    try {
      const summary = await runCurateJob({
        runId: run.id,
        runName: run.name,
        config: run.config,
        client: this.client,
        log: (lines) => reporter.log(lines),
        progress: (step, maxSteps) => reporter.setProgress(step, maxSteps),
        signal: ctl.signal,
      });
      await reporter.log([`finished: ${JSON.stringify(summary)}`]);
      await reporter.close();
      await this.client.transition(run.id, { to: 'succeeded', reason: `kept ${summary.kept} of ${summary.clips_in} clips → dataset "${summary.dataset}"`, runnerId: this.id, summary });
    } catch (e) {
      if (this.stopping) return; // left for another runner to resume (measurements already stored are reused)
      if (ctl.signal.aborted) {
        await reporter.log(['cancelled by user: curation stopped']);
        await reporter.close().catch(() => undefined);
        await this.client.transition(run.id, { to: 'cancelled', reason: 'cancelled by user', runnerId: this.id });
        return;
      }
      await fail(e instanceof Error ? e.message : String(e));
    }
  }

  /**
   * Stop within about `deadlineMs`, whether or not Redis and the server answer: stop taking jobs,
   * stop the active jobs' processes (a backend kills its child processes on abort) without
   * reporting them cancelled — another runner resumes them from their last checkpoint once their
   * BullMQ lock expires — and drop the heartbeat.
   */
  async stop(deadlineMs = 3_000): Promise<void> {
    this.stopping = true;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.cancelPoll) clearInterval(this.cancelPoll);
    for (const ctl of this.active.values()) ctl.abort(new RunnerStoppingError('runner stopping'));
    // With Redis unreachable nothing below can complete: don't wait for it.
    const end = Date.now() + (this.redis.status === 'ready' ? deadlineMs : 600);
    await settleWithin(Promise.all(this.workers.map((w) => w.close(true))), Math.max(0, end - Date.now() - 500));
    await settleWithin(
      this.redis.multi().del(REDIS_KEYS.runnerHeartbeat(this.id)).hset(REDIS_KEYS.runnerLastSeen, this.id, String(Date.now())).exec(),
      Math.max(100, end - Date.now()),
    );
    for (const c of this.workerConnections) c.disconnect();
    this.sub.disconnect();
    this.redis.disconnect();
  }
}
export { CancelledError, RunnerStoppingError };
