/**
 * Coverage of a measured number: was it computed on the real benchmark's full clip set, on part of
 * it, or on a synthetic sample shipped in place of the benchmark? Pure.
 *
 * - Full sets (clips the official benchmark has): DREAM-1K 1,000; VDC 1,027 (`detailed` and the other
 *   QA sets) and 1,029 (`main_object`); CAREBENCH 1,000. A cell on fewer clips is "partial" (marked
 *   `n=<clips>`, never ranked against full-coverage numbers).
 * - Synthetic sample: the repository ships no CAREBENCH data, only an 8-record synthetic file of its
 *   schema (data/carebench/sample.json, `CAREBENCH_SAMPLE_LABEL`). Evaluations launched on the server
 *   always read it (gpu-runner/eval/job.ts); `videocap eval carebench` reads it unless `--annotations`
 *   names a real file (stored in the run's config as `annotations`). Such cells are marked `§` and
 *   never ranked.
 */

/** How the shipped CAREBENCH file is labelled wherever its numbers appear (gpu-runner/datasets/carebench.ts re-exports it). */
export const CAREBENCH_SAMPLE_LABEL = 'carebench synthetic sample (8 made-up records in the official schema; not CAREBENCH data)';

/** Clips in the official benchmark (per VDC QA set); null when unknown. */
export function benchmarkFullClips(benchmark: string, subset?: string | null): number | null {
  if (benchmark === 'dream-1k') return 1000;
  if (benchmark === 'carebench') return 1000;
  if (benchmark === 'vdc') return subset === 'main_object' ? 1029 : 1027;
  return null;
}

/** Fewer clips than the benchmark's full set: `{clips, full}`; null for full coverage or unknown counts. */
export function partialCoverage(benchmark: string, subset: string | null | undefined, clips: number | null | undefined): { clips: number; full: number } | null {
  const full = benchmarkFullClips(benchmark, subset);
  if (full === null || clips === null || clips === undefined || !Number.isFinite(clips)) return null;
  return clips < full ? { clips, full } : null;
}

/** What an evaluation run's config says about its annotation files (server eval config or `videocap eval` config). */
export interface EvalConfigAnnotations {
  /** `videocap eval` (config.cli) stores the annotations file it read (null: the shipped one). */
  cli?: string;
  annotations?: string | null | { carebench?: string | null };
}

/**
 * The label of the synthetic sample an evaluation's `benchmark` numbers were measured on, or null
 * for the real benchmark. Only CAREBENCH has a synthetic stand-in: a server-launched evaluation
 * always reads it; a `videocap eval` import reads it unless its config names an `annotations` file.
 */
export function syntheticSampleOf(benchmark: string, config: EvalConfigAnnotations | null | undefined): string | null {
  if (benchmark !== 'carebench') return null;
  const a = config?.annotations;
  const file = typeof a === 'string' ? a : a && typeof a === 'object' ? a.carebench ?? null : null;
  if (file && !/data\/carebench\/sample\.json$/.test(file)) return null;
  return CAREBENCH_SAMPLE_LABEL;
}

/** The paper's benchmark order (Table 1: DREAM-1K, VDC, CAREBENCH). */
export const PAPER_BENCHMARK_ORDER = ['dream-1k', 'vdc', 'carebench'] as const;

/**
 * The result an evaluation's "Compare with another evaluation" link presets: the first benchmark in
 * the paper's order (DREAM-1K, VDC, CAREBENCH) the evaluation stored a result of, skipping a synthetic
 * sample (`syntheticSampleOf`) whenever a real benchmark is present; null for no results. Generic over
 * the result rows (EvalResult rows with at least `benchmark`).
 */
export function compareBenchmarkPreset<R extends { benchmark: string }>(results: readonly R[], config: EvalConfigAnnotations | null | undefined): R | null {
  const rank = (b: string) => {
    const i = (PAPER_BENCHMARK_ORDER as readonly string[]).indexOf(b);
    return (syntheticSampleOf(b, config) ? 100 : 0) + (i < 0 ? 50 : i);
  };
  let best: R | null = null;
  for (const r of results) if (best === null || rank(r.benchmark) < rank(best.benchmark)) best = r;
  return best;
}
