/**
 * Shared vocabulary of the evaluations: benchmark ids, the per-clip record (EvalSample), the stored
 * result rows (EvalResult) and how a summary becomes rows. Pure: names, schemas and mapping only.
 *
 * EvalResult rows — `value` is in the paper's units (percent for F1 / precision / recall /
 * accuracy, 0–5 for the VDC score), like the paper's reported rows:
 *   dream-1k   subset overall | movie_animation | movie_live_action | vertical_video | videvo | youtube
 *              | n_subjects:<=1 … | n_shots:==2 … | n_events:in [4, 5] …   metrics f1, precision, recall
 *   vdc        subset detailed | main_object    metrics accuracy, score, official_script_accuracy,
 *              official_script_score (the official script drops clips with accuracy or score 0)
 *   carebench  subset overall                    metrics action_f1, action_precision, action_recall,
 *              object_f1, object_precision, object_recall
 * Each row carries the clips behind it (`clips`), the failed clips left out (`failedClips`), the
 * judge identity and how the captions were made (`provenance`), and `simulated` for captions of the
 * local backend (never ranked as a model).
 */
import { z } from 'zod';
import type { Dream1kSummary } from './dream1k';
import type { VdcSummary } from './vdc';
import type { CarebenchSummary } from './carebench';
import type { PrfRow } from './autodq';

export const BENCHMARKS = ['dream-1k', 'vdc', 'carebench'] as const;
export type BenchmarkId = (typeof BENCHMARKS)[number];

/** Flags of a prediction that is evaluated as the text it is but should be looked at. */
export const PREDICTION_FLAGS = ['empty-caption', 'error-caption'] as const;
export type PredictionFlag = (typeof PREDICTION_FLAGS)[number];

/** "" → empty-caption; a literal "<error>" (a failed generation, e.g. DREAM-1K clip 563 of Gemini 1.5 Pro) → error-caption. */
export function predictionFlags(caption: string): PredictionFlag[] {
  const t = caption.trim();
  if (t === '') return ['empty-caption'];
  if (t.toLowerCase() === '<error>') return ['error-caption'];
  return [];
}

/** Judge identity stored with every result. */
export const judgeIdentitySchema = z.object({
  kind: z.enum(['openai', 'lexical']),
  model: z.string().max(500),
  /** Base URL of the OpenAI-compatible endpoint; null for the offline lexical judge. */
  endpoint: z.string().max(2000).nullable(),
  temperature: z.number().min(0).max(5),
  maxTokens: z.number().int().nullable(),
  promptVersion: z.string().max(1000),
});
export type JudgeIdentity = z.infer<typeof judgeIdentitySchema>;

/** How the evaluated captions were made. Unknown fields are null (e.g. an imported file that does not say). */
export const captionProvenanceSchema = z.object({
  /** "imported" (a predictions file), "local-policy" (simulated by the local backend) or "swift-infer". */
  method: z.enum(['imported', 'local-policy', 'swift-infer']),
  model: z.string().max(500).nullable(),
  checkpoint: z.object({ runId: z.string(), checkpointId: z.string().nullable(), step: z.number().int().nullable(), path: z.string().nullable() }).nullable(),
  prompt: z.string().max(20_000).nullable(),
  frames: z.object({ maxFrames: z.number().int().nullable(), maxPixels: z.number().int().nullable() }).nullable(),
  temperature: z.number().nullable(),
  /** True for the local backend's captions: simulated from the clip's own annotations, not a model. */
  simulated: z.boolean(),
  file: z.string().max(1000).nullable(),
  notes: z.string().max(2000).nullable(),
});
export type CaptionProvenance = z.infer<typeof captionProvenanceSchema>;

/** One clip of one benchmark (and VDC QA set) as evaluated: what EvalSample stores and `--samples-out` writes. */
export const evalSampleSchema = z.object({
  benchmark: z.enum(BENCHMARKS),
  /** DREAM-1K subset, VDC QA set, or "overall" (CAREBENCH). */
  subset: z.string().min(1).max(100),
  /** "dream-1k/<vid>", "vdc/<video_id>", "carebench/<video>". */
  clipId: z.string().min(1).max(500),
  prediction: z.string().max(500_000),
  /** The reference caption the judge compared with ("" for VDC, which scores from QA pairs). */
  reference: z.string().max(500_000).default(''),
  failed: z.boolean(),
  failureReason: z.string().max(20_000).nullable(),
  flags: z.array(z.enum(PREDICTION_FLAGS)).default([]),
  /** Numbers of the clip: recall / precision (DREAM-1K), accuracy / score (VDC), action_* / object_* (CAREBENCH), hit counts, annotation counts. */
  scores: z.record(z.string(), z.number().finite()),
  /** Extracted events / objects, every verdict with its reason, VDC questions with answers and verdicts. */
  details: z.record(z.string(), z.unknown()),
  judgeModel: z.string().max(500),
});
export type EvalSampleRecord = z.infer<typeof evalSampleSchema>;
export type EvalSampleInput = z.input<typeof evalSampleSchema>;

export const evalResultSchema = z.object({
  benchmark: z.enum(BENCHMARKS),
  subset: z.string().min(1).max(100),
  metric: z.string().min(1).max(100),
  value: z.number().finite(),
  clips: z.number().int().min(0),
  failedClips: z.number().int().min(0),
  origin: z.enum(['measured', 'imported']),
  simulated: z.boolean(),
  modelName: z.string().max(500).nullable(),
  checkpointId: z.string().max(200).nullable(),
  judge: judgeIdentitySchema,
  provenance: captionProvenanceSchema,
});
export type EvalResultRecord = z.infer<typeof evalResultSchema>;

/** Live progress of an evaluation run (shown on its page). */
export const evalProgressSchema = z.object({
  clipsTotal: z.number().int().min(0),
  clipsDone: z.number().int().min(0),
  clipsFailed: z.number().int().min(0),
  /** Judge requests made by this evaluation (of one model: the CLI evaluates each model of a file separately). */
  callsMade: z.number().int().min(0),
  /** Judge replies served from the cache, likewise. */
  callsCached: z.number().int().min(0),
  /** Judge calls still expected for the clips not done (before cache hits). */
  callsLeft: z.number().int().min(0),
  etaSeconds: z.number().min(0).nullable(),
  /** What is running now, e.g. "dream-1k" or "vdc/detailed". */
  stage: z.string().max(200),
});
export type EvalProgress = z.infer<typeof evalProgressSchema>;

export type BenchmarkSummary =
  | ({ benchmark: 'dream-1k' } & Dream1kSummary)
  | ({ benchmark: 'vdc'; qaSet: string } & VdcSummary)
  | ({ benchmark: 'carebench' } & CarebenchSummary);

/** A fraction in [0, 1] as the percent the paper prints (null stays null). */
function pct(x: number | null): number | null {
  return x === null ? null : x * 100;
}

interface RowBase {
  benchmark: BenchmarkId;
  subset: string;
  metric: string;
  value: number;
  clips: number;
  failedClips: number;
}

function prfRows(benchmark: BenchmarkId, subset: string, row: PrfRow, failed: number, prefix = ''): RowBase[] {
  const out: RowBase[] = [];
  for (const [metric, v] of [['f1', row.f1], ['precision', row.precision], ['recall', row.recall]] as const) {
    const value = pct(v);
    if (value !== null) out.push({ benchmark, subset, metric: `${prefix}${metric}`, value, clips: row.clips, failedClips: failed });
  }
  return out;
}

/** The EvalResult rows of a benchmark summary (see the module comment for names and units). */
export function summaryResultRows(summary: BenchmarkSummary): RowBase[] {
  if (summary.benchmark === 'dream-1k') {
    const rows = prfRows('dream-1k', 'overall', summary.overall, summary.overall.failed);
    for (const s of summary.subsets) rows.push(...prfRows('dream-1k', s.subset, s, s.failed));
    for (const [kind, buckets] of Object.entries(summary.breakdowns)) {
      for (const b of buckets) rows.push(...prfRows('dream-1k', `${kind}:${b.bucket}`, b, 0));
    }
    return rows;
  }
  if (summary.benchmark === 'vdc') {
    const rows: RowBase[] = [];
    const add = (metric: string, value: number | null, clips: number) => {
      if (value !== null) rows.push({ benchmark: 'vdc', subset: summary.qaSet, metric, value, clips, failedClips: summary.failed });
    };
    add('accuracy', pct(summary.accuracy), summary.clips);
    add('score', summary.score, summary.clips);
    add('official_script_accuracy', pct(summary.officialScript.accuracy), summary.officialScript.clips);
    add('official_script_score', summary.officialScript.score, summary.officialScript.clips);
    return rows;
  }
  return [
    ...prfRows('carebench', 'overall', summary.action, summary.failed, 'action_'),
    ...prfRows('carebench', 'overall', summary.object, summary.failed, 'object_'),
  ];
}
