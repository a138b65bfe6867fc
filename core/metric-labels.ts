/**
 * What a metric means for a given run, in words the charts and score views show: the unit of the
 * response length, what "caption score" is (Escore with its coverage thresholds, or CNscore), and
 * the formula of the entity similarity in a Tscore breakdown.
 * Pure: no I/O.
 */
import { readRunScorer } from './scorer-view';

export type LengthUnit = 'words' | 'tokens';

/** The run fields these labels read (a run.get row fits). */
export interface RunLabelSource {
  backend: string;
  /** Run.kind (grpo | sft | eval | curate | analyze), when known: only local GRPO / SFT runs are the CPU simulation. */
  kind?: string;
  /** Where an imported run came from ({format, path}); any JSON. */
  source?: unknown;
  /** The validated run config (any JSON; only `rewards` and `escoreThresholds` are read). */
  config?: unknown;
  scorer?: unknown;
}

/**
 * Unit of `response_length` and of a rollout's `length`: the local backend counts words (it has no
 * tokenizer); ms-swift, TRL and verl — trained or imported — count completion tokens.
 */
export function lengthUnitOfRun(run: Pick<RunLabelSource, 'backend' | 'source'>): LengthUnit {
  if (run.backend === 'local') return 'words';
  if (run.backend === 'import' && run.source && typeof run.source === 'object') {
    const format = (run.source as Record<string, unknown>).format;
    if (format === 'local') return 'words';
  }
  return 'tokens';
}

function record(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** Which judge score `caption_score` holds for a run: Escore (Eq. 8), CNscore (Eq. 7), or unknown. */
export function captionScoreKind(run: Pick<RunLabelSource, 'config'>): 'escore' | 'cnscore' | null {
  const rewards = record(run.config)?.rewards;
  if (!Array.isArray(rewards)) return null;
  const names = new Set(rewards.map((r) => record(r)?.name));
  if (names.has('escore')) return 'escore';
  if (names.has('cnscore')) return 'cnscore';
  return null;
}

/** Escore's coverage thresholds (δ1, δ2) of a run: the stored scorer's, else the run config's. */
export function escoreThresholdsOf(run: Pick<RunLabelSource, 'config' | 'scorer'>): [number, number] | null {
  const fromScorer = readRunScorer(run.scorer)?.escoreThresholds;
  if (fromScorer) return fromScorer;
  const t = record(run.config)?.escoreThresholds;
  if (Array.isArray(t) && t.length === 2 && t.every((x) => typeof x === 'number' && Number.isFinite(x))) return [t[0] as number, t[1] as number];
  return null;
}

/** "Escore: event coverage < 0.28 → 0, < 0.35 → 0.5, else 1 (Eq. 8)". */
export function escoreLabel(thresholds: [number, number] | null): string {
  if (!thresholds) return 'Escore: event coverage → 0 / 0.5 / 1 at thresholds δ1, δ2 (Eq. 8)';
  return `Escore: event coverage < ${thresholds[0]} → 0, < ${thresholds[1]} → 0.5, else 1 (Eq. 8)`;
}

/** The entity similarity of a Tscore breakdown (paper Eq. 4), range 0–3. */
export const ENTITY_SIM_FORMULA = 'F1(attributes) + F1(actions) + sim(names), Eq. 4, 0–3';

/** A chart's title and the note beside it, for one metric key over the runs it overlays. */
export interface MetricTitle {
  title: string;
  /** Unit or definition, e.g. "words", "Escore: event coverage < 0.28 → 0, …". */
  note: string | null;
}

function uniq<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

/** `response_length (words)`, `caption_score` + Escore thresholds, … — mixed runs say so. */
export function metricTitle(key: string, runs: readonly RunLabelSource[]): MetricTitle {
  if (key === 'response_length') {
    const units = uniq(runs.map(lengthUnitOfRun));
    if (units.length === 0) return { title: key, note: null };
    return { title: `${key} (${units.join(' / ')})`, note: units.length > 1 ? 'units differ by run: words for the local backend, tokens for ms-swift / TRL / verl' : null };
  }
  if (key === 'caption_score') {
    const kinds = uniq(runs.map(captionScoreKind));
    const notes = uniq(
      runs.map((r) => {
        const k = captionScoreKind(r);
        return k === 'escore' ? escoreLabel(escoreThresholdsOf(r)) : k === 'cnscore' ? 'CNscore: (completeness + naturalness) / 20 (Eq. 7)' : null;
      }),
    ).filter((x): x is string => x !== null);
    const name = kinds.length === 1 && kinds[0] === 'escore' ? 'Escore' : kinds.length === 1 && kinds[0] === 'cnscore' ? 'CNscore' : null;
    return { title: name ? `${key} (${name})` : key, note: notes.length ? notes.join(' · ') : null };
  }
  return { title: key, note: null };
}
