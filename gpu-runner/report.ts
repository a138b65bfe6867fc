/**
 * What a backend (local, swift, an importer) sees of the outside world while it runs a job.
 * The runner implements it over the server's ingest API (batched, retried, buffered, idempotent).
 */
import type { CheckpointRecord, ClipRecord, MetricPoint, RolloutRecord, RunKind } from '../core/types';
import type { RunConfig } from '../core/run-config';
import type { CaptionProvenance } from '../core/eval/types';
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
  /**
   * Set when the job ran to its end but produced nothing usable (e.g. an evaluation in which no clip
   * was scored): the run ends `failed` with this reason, and `summary` is still recorded.
   */
  failure?: string;
  /** The reason of the `succeeded` transition (default "finished"), e.g. how many clips failed and why. */
  message?: string;
}

/** Captions for an evaluation, generated from a checkpoint of one of our runs. */
export interface CaptionRequest {
  /** The eval run. */
  runId: string;
  /** Clips that still need a caption (ids as in the benchmark: "dream-1k/1", "vdc/<id>", "carebench/<video>"). */
  clips: ClipRecord[];
  checkpoint: { id: string; step: number; path: string };
  /** The evaluated (trained) run: its kind and validated config (prompt / thinking mode, frames, base model). */
  trained: { runId: string; kind: 'grpo' | 'sft'; config: RunConfig };
  /** Sampling temperature (0 = greedy) and completion budget. */
  temperature: number;
  maxNewTokens: number;
  workDir: string;
  signal: AbortSignal;
  log: (lines: string[]) => Promise<void>;
}

export interface GeneratedCaptions {
  /** clip id → caption (the `<answer>` of the completion when it has one, else the whole completion). */
  captions: Map<string, string>;
  /** Clips that got no caption, with the reason. */
  skipped: { clipId: string; reason: string }[];
  provenance: CaptionProvenance;
}

export interface Backend {
  readonly name: 'local' | 'swift';
  run(ctx: JobContext): Promise<JobResult>;
  /** Evaluations of a checkpoint: generate the captions to score (local: simulated; swift: `swift infer`). */
  generateCaptions?(req: CaptionRequest): Promise<GeneratedCaptions>;
  /**
   * How this backend will score a run with this config (core/scorer.ts): which embedder, judge and
   * thresholds, and whether it is an approximation. The runner stores it as `Run.scorer` when the run
   * starts. Null when the run computes no rewards.
   */
  scorer?(config: RunConfig, kind: RunKind): ScorerIdentity | null;
}
