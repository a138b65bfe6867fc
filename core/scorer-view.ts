/**
 * Reading `Run.scorer` — how a run's scores were produced — for charts and CSV exports. The runner
 * stores (older runs: null):
 *
 *   { embedder: {kind: 'openai'|'lexical', model, id} | null,
 *     judge: {kind, model, id, promptVersion} | null,
 *     simThreshold: number | null, escoreThresholds: [δ1, δ2] | null,
 *     approximate: boolean, label: string }
 *
 * Read defensively: a missing or malformed field falls back (null / false / ''), anything that is
 * not an object reads as null — a chart never fails on an old or odd row.
 * (Local reading schema; the writer's schema lives with the reward code — the two are to be merged.)
 * Pure: no I/O.
 */
import { z } from 'zod';

const provider = z.object({
  kind: z.string(),
  model: z.string().catch(''),
  id: z.string().catch(''),
});

export const runScorerSchema = z.object({
  embedder: provider.nullable().catch(null),
  judge: provider.extend({ promptVersion: z.string().catch('') }).nullable().catch(null),
  simThreshold: z.number().nullable().catch(null),
  escoreThresholds: z.tuple([z.number(), z.number()]).nullable().catch(null),
  approximate: z.boolean().catch(false),
  label: z.string().catch(''),
});

export type RunScorer = z.infer<typeof runScorerSchema>;

/** Run.scorer as stored (any JSON) → the scorer, or null when absent or not an object. */
export function readRunScorer(json: unknown): RunScorer | null {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return null;
  const r = runScorerSchema.safeParse(json);
  return r.success ? r.data : null;
}

/** Which providers produced each score curve (canonical keys, core/types.ts METRIC_KEYS). */
export const SCORE_KEY_PROVIDERS: Readonly<Record<string, readonly ('embedder' | 'judge')[]>> = {
  think_score: ['embedder'],
  caption_score: ['judge'],
  reward: ['embedder', 'judge'],
};

/** Whether `key` is a score curve that depends on the run's scorer. */
export function isScoreKey(key: string): boolean {
  return Object.hasOwn(SCORE_KEY_PROVIDERS, key);
}

/**
 * Whether the curve `key` of a run scored by `s` is an offline approximation: a provider it depends
 * on is lexical (or, for the total reward, the scorer says so).
 */
export function isApproximateCurve(s: RunScorer | null, key: string): boolean {
  if (!s) return false;
  const providers = SCORE_KEY_PROVIDERS[key];
  if (!providers) return false;
  if (providers.some((p) => s[p]?.kind === 'lexical')) return true;
  return key === 'reward' && s.approximate;
}

function providerText(name: string, p: RunScorer['embedder'] | RunScorer['judge']): string {
  if (!p) return `${name}: none`;
  const model = p.model && p.model !== p.id && p.model !== p.kind ? ` ${p.model}` : '';
  const id = p.id ? ` (${p.id})` : '';
  const prompt = p && 'promptVersion' in p && p.promptVersion ? `, prompt ${p.promptVersion}` : '';
  return `${name}: ${p.kind}${model}${id}${prompt}`;
}

/**
 * The scorer in one line, e.g. `lexical approximation — embedder: lexical (lexical-bow-v1); judge:
 * lexical (lexical-nli-v1), prompt entail-v1; δ 0.5; Escore coverage thresholds 0.28/0.35; approximate`.
 * Empty for null. Used as the CSV `scorer` cell and in chart tooltips.
 */
export function scorerText(s: RunScorer | null): string {
  if (!s) return '';
  const parts = [providerText('embedder', s.embedder), providerText('judge', s.judge)];
  if (s.simThreshold !== null) parts.push(`δ ${s.simThreshold}`);
  if (s.escoreThresholds) parts.push(`Escore coverage thresholds ${s.escoreThresholds[0]}/${s.escoreThresholds[1]}`);
  if (s.approximate) parts.push('approximate');
  const detail = parts.join('; ');
  return s.label ? `${s.label} — ${detail}` : detail;
}

/** A short name for tooltips: the stored label, else the providers' kinds and ids. */
export function scorerShort(s: RunScorer): string {
  if (s.label) return s.label;
  const name = (p: RunScorer['embedder']) => (p ? `${p.kind}${p.id ? ` ${p.id}` : ''}` : 'none');
  return `embedder ${name(s.embedder)} · judge ${name(s.judge)}${s.approximate ? ' (approximate)' : ''}`;
}
