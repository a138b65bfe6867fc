/**
 * Scorer identity: how a run's (or a scored file's) rewards were produced — which embedder (Tscore,
 * Eq. 2), which judge and prompt versions (Escore Eq. 8 / CNscore Eq. 7), which thresholds — and
 * whether any part is an approximation of the paper's setup (BGE-M3 embeddings, Qwen2.5-72B judge).
 *
 * Stored as `Run.scorer` (written by the runner when a GRPO / SFT run starts, by importers when they
 * know it), printed by `videocap score` on every line, shown on the run page, in chart tooltips and
 * in CSV exports. The shape is fixed; change it only together with every reader.
 */
import { z } from 'zod';

export const PROVIDER_KINDS = ['openai', 'lexical'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export const scorerEmbedderSchema = z.object({
  kind: z.enum(PROVIDER_KINDS),
  /** Model name, e.g. "BAAI/bge-m3" or "lexical-embedder-v2 (offline approximation, not BGE-M3)". */
  model: z.string().min(1).max(500),
  /** Provider configuration id, e.g. "openai:BAAI/bge-m3@http://host:8000/v1". */
  id: z.string().min(1).max(1000),
});

export const scorerJudgeSchema = scorerEmbedderSchema.extend({
  /** Versions of the judge prompts used, e.g. "autodq-v1" or "autodq-v1+cnscore-paper-v1". */
  promptVersion: z.string().max(200),
});

const unit = z.number().min(0).max(1);

export const scorerIdentitySchema = z
  .object({
    /** The embedder of Tscore; null when no Tscore was computed. */
    embedder: scorerEmbedderSchema.nullable(),
    /** The judge of Escore / CNscore; null when neither was computed. */
    judge: scorerJudgeSchema.nullable(),
    /** δ of Eq. 2 when Tscore was computed, else null. */
    simThreshold: unit.nullable(),
    /** δ1, δ2 of Eq. 8 when Escore was computed, else null. */
    escoreThresholds: z.tuple([unit, unit]).nullable(),
    /** True when any provider is an offline lexical approximation, or the rollouts come from the local simulation. */
    approximate: z.boolean(),
    /** One human line, e.g. "lexical embedder + lexical judge — offline approximations, not BGE-M3 / Qwen2.5-72B". */
    label: z.string().min(1).max(1000),
  })
  .superRefine((s, ctx) => {
    if (!s.approximate && (s.embedder?.kind === 'lexical' || s.judge?.kind === 'lexical')) {
      ctx.addIssue({ code: 'custom', path: ['approximate'], message: 'must be true when a lexical provider scored the run (it is an offline approximation)' });
    }
  });

export type ScorerEmbedder = z.infer<typeof scorerEmbedderSchema>;
export type ScorerJudge = z.infer<typeof scorerJudgeSchema>;
export type ScorerIdentity = z.infer<typeof scorerIdentitySchema>;

/** The providers of a reward service (what it can score with), without per-run thresholds. */
export interface ScorerProviders {
  embedder: ScorerEmbedder | null;
  judge: ScorerJudge | null;
}

export interface DescribeScorerInput extends ScorerProviders {
  simThreshold: number | null;
  escoreThresholds: readonly [number, number] | null;
  /**
   * The completions come from the local backend's simulation (not a video model): the scores are real
   * reward computations, but of simulated rollouts, so the run counts as approximate.
   */
  simulation?: boolean;
}

/** The paper's providers (§3.2.2 BGE-M3, §3.2.3 Qwen2.5-72B), which lexical providers stand in for. */
const PAPER_EMBEDDER = 'BGE-M3';
const PAPER_JUDGE = 'Qwen2.5-72B';

function approximationNote(embedderLexical: boolean, judgeLexical: boolean): string {
  if (embedderLexical && judgeLexical) return `offline approximations, not ${PAPER_EMBEDDER} / ${PAPER_JUDGE}`;
  if (embedderLexical) return `offline approximation, not ${PAPER_EMBEDDER}`;
  if (judgeLexical) return `offline approximation, not ${PAPER_JUDGE}`;
  return '';
}

/**
 * The one-line label of a scorer: "lexical embedder + lexical judge — offline approximations, not
 * BGE-M3 / Qwen2.5-72B", "BAAI/bge-m3 embedder + Qwen2.5-72B-Instruct judge", prefixed by the local
 * simulation when it produced the rollouts.
 */
export function scorerLabel(input: DescribeScorerInput): string {
  const parts: string[] = [];
  const embedderLexical = input.embedder?.kind === 'lexical';
  const judgeLexical = input.judge?.kind === 'lexical';
  if (input.embedder) parts.push(embedderLexical ? 'lexical embedder' : `${input.embedder.model} embedder`);
  if (input.judge) parts.push(judgeLexical ? 'lexical judge' : `${input.judge.model} judge`);
  let label = parts.length > 0 ? parts.join(' + ') : 'no embedder or judge (no think or caption score)';
  const note = approximationNote(embedderLexical, judgeLexical);
  if (note) label += ` — ${note}`;
  if (input.simulation) label = `local CPU simulation (simulated perception, not a video model); ${label}`;
  return label;
}

/** A complete, valid scorer identity from its parts (approximate and label derived). */
export function describeScorer(input: DescribeScorerInput): ScorerIdentity {
  const approximate = input.simulation === true || input.embedder?.kind === 'lexical' || input.judge?.kind === 'lexical';
  return {
    embedder: input.embedder ? { kind: input.embedder.kind, model: input.embedder.model, id: input.embedder.id } : null,
    judge: input.judge ? { kind: input.judge.kind, model: input.judge.model, id: input.judge.id, promptVersion: input.judge.promptVersion } : null,
    simThreshold: input.simThreshold,
    escoreThresholds: input.escoreThresholds ? [input.escoreThresholds[0], input.escoreThresholds[1]] : null,
    approximate,
    label: scorerLabel(input),
  };
}

/**
 * Reads a stored `Run.scorer` (JSON) back: the identity, null when none was recorded, or an error
 * saying what is wrong (older runs stored a different shape).
 */
export function readScorer(value: unknown): { ok: true; scorer: ScorerIdentity | null } | { ok: false; error: string } {
  if (value === null || value === undefined) return { ok: true, scorer: null };
  const parsed = scorerIdentitySchema.safeParse(value);
  if (parsed.success) return { ok: true, scorer: parsed.data };
  return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join('.') || '(scorer)'}: ${i.message}`).join('; ') };
}
