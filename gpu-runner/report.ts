/**
 * What a backend (local, swift, an importer) sees of the outside world while it runs a job.
 * The runner implements it over the server's ingest API (batched, retried, buffered, idempotent).
 */
import type { CheckpointRecord, ClipRecord, MetricPoint, RolloutRecord, RunKind } from '../core/types';
import type { RunConfig } from '../core/run-config';
import type { ScorerIdentity } from '../core/scorer';

export interface RunReporter {
  metrics(points: MetricPoint[]): Promise<void>;
  rollouts(rows: RolloutRecord[]): Promise<void>;
  checkpoint(checkpoint: CheckpointRecord): Promise<void>;
  /** Log lines (the run page shows the tail). */
  log(lines: string[]): Promise<void>;
}

export interface ResumePoint {
  step: number;
  path: string;
  metadata?: Record<string, unknown>;
}

export interface JobContext {
  runId: string;
  kind: RunKind;
  config: RunConfig;
  reporter: RunReporter;
  /** Aborted when the run is cancelled; the backend must stop its work (and child processes). */
  signal: AbortSignal;
  /** Last checkpoint to resume from after a stalled job is handed to another runner. */
  resume: ResumePoint | null;
  /**
   * Checkpoint to initialise from when not resuming (config.initFromCheckpointId resolved by the
   * server, e.g. GRPO after SFT). Backends start from it instead of the base model.
   */
  init?: ResumePoint | null;
  /** Scratch directory owned by this job on this runner. */
  workDir: string;
  dataset: ClipRecord[];
}

export interface JobResult {
  /** Final summary (e.g. train_runtime, final reward) recorded on the run. */
  summary: Record<string, number | string>;
}

export interface Backend {
  readonly name: 'local' | 'swift';
  run(ctx: JobContext): Promise<JobResult>;
  /**
   * How this backend will score a run with this config (core/scorer.ts): which embedder, judge and
   * thresholds, and whether it is an approximation. The runner stores it as `Run.scorer` when the run
   * starts. Null when the run computes no rewards.
   */
  scorer?(config: RunConfig, kind: RunKind): ScorerIdentity | null;
}
