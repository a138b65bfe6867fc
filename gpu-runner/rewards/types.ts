/**
 * The reward service contract: what the CLI (`videocap score`), the local backend and the ms-swift
 * reward plugin (through the runner's HTTP endpoint) all call. Implemented in ./service.ts.
 */
import type { RewardComponent, ThinkSubject } from '../../core/types';
import type { ScorerProviders } from '../../core/scorer';

export interface RewardRequestItem {
  id: string;
  completion: string;
  referenceThink?: ThinkSubject[] | null;
  referenceCaption?: string | null;
  referenceEvents?: string[] | null;
}

export interface RewardOptions {
  /** Components and weights; the paper: format + tscore + escore, each weight 1. */
  rewards: { name: RewardComponent; weight: number }[];
  /** δ of Eq. 2 (default 0.5). */
  simThreshold: number;
  /** δ1, δ2 of Eq. 8 (default 0.28, 0.35). */
  escoreThresholds: [number, number];
  /**
   * The chat template prefilled `<think>`: a completion without the opening tag gets format 1 when
   * the rest is right (core/format.ts). Default false, the paper's rule.
   */
  prefilledThink?: boolean;
}

export interface RewardResultItem {
  id: string;
  /** Unweighted value of each requested component. */
  rewards: Partial<Record<RewardComponent, number>>;
  /** Weighted sum of the requested components. */
  reward: number;
  think: ThinkSubject[] | null;
  answer: string | null;
  /** Tscore precision/recall/F1 for actions and attributes. */
  action?: { precision: number; recall: number; f1: number };
  attribute?: { precision: number; recall: number; f1: number };
  /** Why it scored what it did: Tscore breakdown, parser diagnostics, Escore entailments, CN sub-scores. */
  breakdown: Record<string, unknown>;
  /** Set when a component could not be computed (e.g. judge unreachable); that component is absent. */
  errors?: string[];
  /**
   * Judge-based components (escore, cnscore) left out of `reward` because the judge failed or its
   * replies stayed invalid after the retries (TRL's rule for a reward function returning None).
   * Summed per step into the `judge_failures` metric.
   */
  judgeFailures?: number;
}

export interface RewardService {
  /**
   * Which embedder and judge this service scores with; combined with a run's components and
   * thresholds by `scorerIdentity` (./service.ts) into the identity stored with every score.
   */
  readonly identity: ScorerProviders;
  score(items: RewardRequestItem[], options: RewardOptions): Promise<RewardResultItem[]>;
}
