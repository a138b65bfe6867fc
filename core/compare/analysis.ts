/**
 * The "analyze" run (issue 13, automatic highlighting): config, the server ↔ runner wire format, and
 * the pure steps around the judge — turning judged claims into labelled caption spans, and per-source
 * hallucination rates. The judge calls themselves live in gpu-runner/analyze (the evaluation's code).
 */
import { z } from 'zod';
import { evalJudgeConfigSchema } from '../eval/config';
import { labelForVerdict, mapClaimToSpan, type AutoLabel } from './claim-spans';

export const ANALYZE_PROMPT_VERSION_SUFFIX = 'analyze-v1';

export const analyzeConfigSchema = z.object({
  /** (clip, source) pairs whose captions are analysed. */
  pairs: z
    .array(z.object({ clipId: z.string().min(1), sourceId: z.string().min(1) }))
    .min(1, 'choose at least one (clip, source) pair')
    .max(20_000, 'at most 20,000 captions per analysis'),
  /** Entailed claims this source's caption of the same clip does not entail are "unique" details. */
  baselineSourceId: z.string().min(1).nullable().default(null),
  judge: evalJudgeConfigSchema.default({ kind: 'lexical' }),
  concurrency: z.number().int().min(1).max(512).default(8),
  attempts: z.number().int().min(1).max(10).default(3),
});
export type AnalyzeConfig = z.infer<typeof analyzeConfigSchema>;
export type AnalyzeConfigInput = z.input<typeof analyzeConfigSchema>;

/** One caption to analyse, as the server hands it to the runner. */
export const analysisItemSchema = z.object({
  captionId: z.string(),
  clipId: z.string(),
  sourceId: z.string(),
  sourceName: z.string(),
  text: z.string(),
  textHash: z.string(),
  /** "dream-1k" → the Tarsier event extraction only (as DREAM-1K's AutoDQ); "carebench" → CaReBench events + objects; otherwise Tarsier events + objects. */
  benchmark: z.string().nullable(),
  reference: z.object({ caption: z.string(), events: z.array(z.string()), objects: z.array(z.string()) }),
  /** The baseline source's caption of the same clip (null: none, or this caption is the baseline). */
  baseline: z.object({ sourceId: z.string(), text: z.string() }).nullable(),
});
export type AnalysisItem = z.infer<typeof analysisItemSchema>;

export const analysisInputsSchema = z.object({
  config: analyzeConfigSchema,
  items: z.array(analysisItemSchema),
  /** Pairs that name no stored caption (listed in the run log, never analysed). */
  missing: z.array(z.object({ clipId: z.string(), sourceId: z.string() })),
});
export type AnalysisInputs = z.infer<typeof analysisInputsSchema>;

export const ENTAILMENT = ['entailment', 'neutral', 'contradiction'] as const;

/** A claim with its verdict, label and span (span null when it maps nowhere in the caption). */
export const analysisClaimSchema = z.object({
  kind: z.enum(['event', 'object']),
  claim: z.string(),
  relationship: z.enum(ENTAILMENT),
  reason: z.string(),
  /** Verdict against the baseline caption (entailed claims only; null when no baseline). */
  baselineRelationship: z.enum(ENTAILMENT).nullable(),
  label: z.enum(['hallucination', 'accurate', 'unique']),
  start: z.number().int().min(0).nullable(),
  end: z.number().int().min(0).nullable(),
  coverage: z.number().min(0).max(1),
});
export type AnalysisClaim = z.infer<typeof analysisClaimSchema>;

export const judgeTagSchema = z.object({ kind: z.string().min(1), model: z.string().min(1), promptVersion: z.string().min(1) });

/** Runner → server: the analysis of some captions (idempotent: a caption's analysis is replaced). */
export const analysisReportSchema = z.object({
  results: z
    .array(
      z.union([
        z.object({ captionId: z.string(), textHash: z.string(), judge: judgeTagSchema, claims: z.array(analysisClaimSchema).max(200), failed: z.literal(false) }),
        z.object({ captionId: z.string(), failed: z.literal(true), reason: z.string().max(4000) }),
      ]),
    )
    .max(1000),
});
export type AnalysisReport = z.infer<typeof analysisReportSchema>;

export interface JudgedClaim {
  kind: 'event' | 'object';
  claim: string;
  relationship: (typeof ENTAILMENT)[number];
  reason: string;
  baselineRelationship: (typeof ENTAILMENT)[number] | null;
}

/** Labels (core/compare/claim-spans.ts `labelForVerdict`) and caption spans (`mapClaimToSpan`) of judged claims. */
export function labelClaims(text: string, judged: readonly JudgedClaim[]): AnalysisClaim[] {
  return judged.map((j) => {
    const span = mapClaimToSpan(text, j.claim);
    return {
      ...j,
      label: labelForVerdict(j.relationship, j.baselineRelationship),
      start: span ? span.start : null,
      end: span ? span.end : null,
      coverage: span ? span.coverage : 0,
    };
  });
}

export interface ClaimCounts {
  nClaims: number;
  nHallucinated: number;
  nAccurate: number;
  nUnique: number;
  nUnmapped: number;
}

export function countClaims(claims: readonly Pick<AnalysisClaim, 'label' | 'start'>[]): ClaimCounts {
  const by = (l: AutoLabel) => claims.filter((c) => c.label === l).length;
  return { nClaims: claims.length, nHallucinated: by('hallucination'), nAccurate: by('accurate'), nUnique: by('unique'), nUnmapped: claims.filter((c) => c.start === null).length };
}

export interface RateRow {
  sourceId: string;
  sourceName: string;
  /** The source's model name (CaptionSource.model; the source name when none). */
  model: string;
  /** Judge that produced the verdicts, e.g. "lexical:lexical-judge-v2" (rates of different judges are separate rows). */
  judge: string;
  /** Hallucinated claims / all claims over the analysed clips (null when no claims). */
  rate: number | null;
  claims: number;
  hallucinated: number;
  /** Analysed clips (captions) counted. */
  clips: number;
}

/**
 * Per (source, judge): hallucination rate = hallucinated claims / all claims, summed over the
 * source's analysed captions (a micro average: long captions weigh more), unmapped claims included.
 */
export function hallucinationRates(
  rows: readonly { sourceId: string; sourceName: string; model: string | null; judgeKind: string; judgeModel: string; nClaims: number; nHallucinated: number }[],
): RateRow[] {
  const acc = new Map<string, RateRow>();
  for (const r of rows) {
    const judge = `${r.judgeKind}:${r.judgeModel}`;
    const key = `${r.sourceId}\u0000${judge}`;
    const cur = acc.get(key) ?? { sourceId: r.sourceId, sourceName: r.sourceName, model: r.model ?? r.sourceName, judge, rate: null, claims: 0, hallucinated: 0, clips: 0 };
    cur.claims += r.nClaims;
    cur.hallucinated += r.nHallucinated;
    cur.clips += 1;
    cur.rate = cur.claims > 0 ? cur.hallucinated / cur.claims : null;
    acc.set(key, cur);
  }
  return [...acc.values()].sort((a, b) => a.sourceName.localeCompare(b.sourceName) || a.judge.localeCompare(b.judge));
}
