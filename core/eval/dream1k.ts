/**
 * DREAM-1K, AutoDQ event F1: aggregation of per-clip recall and precision (bytedance/tarsier
 * `evaluation/metrics/evaluate_dream_gpt.py` @ 63de87a, `DREAMGPTMetric`). Pure: no I/O.
 *
 *  - per subset (the annotation's `dataset`: movie_animation, movie_live_action, vertical_video,
 *    videvo, youtube): R = mean clip recall, P = mean clip precision, F1 = 2RP/(R+P) of the means;
 *  - overall: the unweighted mean of the subsets' R and of their P, then F1 (subsets without a
 *    scored clip are left out, as the official loop only visits subsets with results);
 *  - breakdowns by the annotation's n_subjects and n_shots (≤1, 2, 3, ≥4) and n_events (≤3, 4–5,
 *    6–7, ≥8), pooled over all scored clips (official `_summarize_metric_by_bucket`);
 *  - failed clips (judge replies still invalid after the retries) are counted and excluded, never
 *    scored 0 (official `invalid_results`).
 */
import { prfOfMeans, type PrfRow } from './autodq';

export const DREAM1K_SUBSETS = ['movie_animation', 'movie_live_action', 'vertical_video', 'videvo', 'youtube'] as const;

/** Prompt versions of a DREAM-1K evaluation (extraction + entailment). */
export const DREAM1K_PROMPT_VERSION = 'tarsier-extract-events@63de87a+autodq-v1';

/** "DREAM/movie_animation" → "movie_animation". */
export function dreamSubsetName(dataset: string): string {
  return dataset.startsWith('DREAM/') ? dataset.slice('DREAM/'.length) : dataset;
}

export type Dream1kBreakdown = 'n_subjects' | 'n_shots' | 'n_events';

/** Bucket labels in the official order (`self.buckets`), with the official tests. */
export const DREAM1K_BUCKETS: Record<Dream1kBreakdown, readonly { label: string; test: (n: number) => boolean }[]> = {
  n_subjects: [
    { label: '<=1', test: (n) => n <= 1 },
    { label: '==2', test: (n) => n === 2 },
    { label: '==3', test: (n) => n === 3 },
    { label: '>=4', test: (n) => n >= 4 },
  ],
  n_shots: [
    { label: '<=1', test: (n) => n <= 1 },
    { label: '==2', test: (n) => n === 2 },
    { label: '==3', test: (n) => n === 3 },
    { label: '>=4', test: (n) => n >= 4 },
  ],
  n_events: [
    { label: '<=3', test: (n) => n <= 3 },
    { label: 'in [4, 5]', test: (n) => n === 4 || n === 5 },
    { label: 'in [6, 7]', test: (n) => n === 6 || n === 7 },
    { label: '>=8', test: (n) => n >= 8 },
  ],
};

/** The first bucket whose test holds (official `select_bucket`), or null (e.g. n_events 4.5). */
export function dreamBucket(kind: Dream1kBreakdown, n: number): string | null {
  return DREAM1K_BUCKETS[kind].find((b) => b.test(n))?.label ?? null;
}

/** One scored DREAM-1K clip. Recall and precision are in [0, 1]. */
export interface Dream1kClipScore {
  /** Subset name without the "DREAM/" prefix. */
  subset: string;
  recall: number;
  precision: number;
  /** extra_info.n_subjects / n_shots / n_events of the annotation. */
  nSubjects: number;
  nShots: number;
  nEvents: number;
}

export interface Dream1kSubsetRow extends PrfRow {
  subset: string;
  failed: number;
}

export interface Dream1kBucketRow extends PrfRow {
  bucket: string;
}

export interface Dream1kSummary {
  subsets: Dream1kSubsetRow[];
  overall: PrfRow & { failed: number };
  breakdowns: Record<Dream1kBreakdown, Dream1kBucketRow[]>;
}

/**
 * Aggregates scored clips (and the count of failed clips per subset) the way the official script
 * prints them. Values stay in [0, 1]; null where nothing was scored.
 */
export function aggregateDream1k(clips: readonly Dream1kClipScore[], failedBySubset: Readonly<Record<string, number>> = {}): Dream1kSummary {
  const bySubset = new Map<string, Dream1kClipScore[]>();
  for (const c of clips) bySubset.set(c.subset, [...(bySubset.get(c.subset) ?? []), c]);
  const names = [...new Set([...bySubset.keys(), ...Object.keys(failedBySubset)])].sort();
  const subsets: Dream1kSubsetRow[] = names.map((subset) => ({ subset, ...prfOfMeans(bySubset.get(subset) ?? []), failed: failedBySubset[subset] ?? 0 }));
  const scored = subsets.filter((s) => s.clips > 0);
  const overallRows = prfOfMeans(scored.map((s) => ({ recall: s.recall as number, precision: s.precision as number })));
  const overall = {
    ...overallRows,
    clips: clips.length,
    failed: Object.values(failedBySubset).reduce((a, b) => a + b, 0),
  };
  const breakdowns = {} as Record<Dream1kBreakdown, Dream1kBucketRow[]>;
  for (const kind of Object.keys(DREAM1K_BUCKETS) as Dream1kBreakdown[]) {
    const n = (c: Dream1kClipScore) => (kind === 'n_subjects' ? c.nSubjects : kind === 'n_shots' ? c.nShots : c.nEvents);
    breakdowns[kind] = DREAM1K_BUCKETS[kind].map(({ label }) => ({ bucket: label, ...prfOfMeans(clips.filter((c) => dreamBucket(kind, n(c)) === label)) }));
  }
  return { subsets, overall, breakdowns };
}
