/**
 * Shared vocabulary of VideoCap Studio. Every process (runner, server, dashboard) speaks these
 * types; field names follow TRL / ms-swift where the field has a word for it.
 */

/** One subject of a structured think (paper Fig. 4 / Fig. 13), also the reference annotation form. */
export interface ThinkSubject {
  subject: string;
  attributes: string[];
  actions: string[];
}

/** Canonical metric keys (ARCHITECTURE.md "Names used everywhere"). Importers map foreign names onto these. */
export const METRIC_KEYS = [
  'reward',
  'reward_std',
  'think_score',
  'format_score',
  'caption_score',
  'response_length',
  'kl',
  'loss',
  'learning_rate',
  'clip_ratio',
  'frac_reward_zero_std',
  'grad_norm',
  /** Completions of the step whose judge-based reward component was left out because the judge failed (after retries). */
  'judge_failures',
] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

/** The paper's Figure 2 curves, shown first on a run page. */
export const PRIMARY_METRIC_KEYS: MetricKey[] = ['think_score', 'reward', 'response_length'];

export interface MetricPoint {
  step: number;
  /** A MetricKey, or any other scalar the trainer logs (kept under its own name). */
  key: string;
  value: number;
  /** Wall-clock time of the point, epoch milliseconds. */
  wallTime: number;
}

/** Names of the reward components (paper §3.2). */
export const REWARD_COMPONENTS = ['format', 'tscore', 'escore', 'cnscore'] as const;
export type RewardComponent = (typeof REWARD_COMPONENTS)[number];

/** One sampled completion of a GRPO group, with how it scored. */
export interface RolloutRecord {
  step: number;
  clipId: string;
  /** Index of the group (prompt) within the step's batch. */
  groupIndex: number;
  /** Index of the sample within its group of G = num_generations. */
  sampleIndex: number;
  completion: string;
  /** Parsed structured think, null when the completion had no parsable think. */
  think: ThinkSubject[] | null;
  answer: string | null;
  /** Each reward component that was computed (unweighted). */
  rewards: Partial<Record<RewardComponent, number>>;
  /** Weighted total reward. */
  reward: number;
  /** Group-normalised advantage (r - mean) / (std + eps). */
  advantage: number;
  /** Completion length in tokens (or words for backends without a tokenizer; see `lengthUnit`). */
  length: number;
  /** Explanation of the score (Tscore breakdown, Escore entailments), JSON-serialisable. */
  breakdown?: unknown;
}

export interface CheckpointRecord {
  step: number;
  /** Where the checkpoint lives on the runner's filesystem (or a URI). */
  path: string;
  metadata?: Record<string, unknown>;
}

/** A clip as the training/eval code sees it. */
export interface ClipRecord {
  /** Stable id, e.g. "dream-1k/123". */
  id: string;
  referenceCaption: string;
  events: string[];
  /** Structured-think annotation; `null` when none exists. */
  think: ThinkSubject[] | null;
  videoPath?: string | null;
  durationSec?: number | null;
}

export const RUN_KINDS = ['grpo', 'sft', 'eval', 'curate', 'analyze'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

export const RUN_STATUSES = ['queued', 'starting', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const BACKENDS = ['local', 'swift'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Identity of how a score was produced; stored with every score (shape and schema: core/scorer.ts). */
export type { ScorerIdentity } from './scorer';
