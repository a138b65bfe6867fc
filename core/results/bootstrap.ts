/**
 * Paired bootstrap over clips for the difference of one benchmark metric between two measured rows
 * (two evaluation runs, or two checkpoints' evaluations). Pure: no I/O.
 *
 * Method (Efron & Tibshirani 1993, ch. 16; Koehn 2004 "Statistical significance tests for machine
 * translation evaluation" for the paired form used on test sets):
 *  1. Pair the per-clip records (EvalSample) of A and B by clipId. Clips present on one side only are
 *     reported (`unpairedA`, `unpairedB`) and not used.
 *  2. Draw `resamples` (default 10,000) bootstrap sets of n paired clips with replacement, with the
 *     seeded mulberry32 generator (same seed ⇒ same draws ⇒ same result).
 *  3. On each set recompute the metric of A and of B EXACTLY as the official aggregation does
 *     (core/eval/summary.ts → dream1k.ts / vdc.ts / carebench.ts): a failed clip (judge still invalid
 *     after the retries) is excluded from its side's means, never scored 0; DREAM-1K's overall R and
 *     P are the unweighted means of the subsets' mean R and P (subsets with no scored clip left out),
 *     F1 = 2RP/(R+P) of those (`f1Score`), never a mean of per-clip F1; CAREBENCH likewise per kind;
 *     VDC accuracy / score are clip means, and the official_script_* variants keep only clips with
 *     accuracy ≠ 0 and score ≠ 0 (rese1f/aurora process_vdc_result.py). Values are in the units of
 *     EvalResult (percent for F1 / P / R / accuracy, 0–5 for the VDC score).
 *  4. Δ* = metric(B*) − metric(A*) per set. A set where either side has no scored clip is undefined
 *     and left out (counted in `undefinedResamples`).
 *
 * Returned: Δ = metric(B) − metric(A) on the full paired set; the 95% percentile interval of Δ*
 * (quantiles 0.025 and 0.975 with linear interpolation between order statistics, numpy's default);
 * the two-sided p-value
 *
 *     p = min(1, 2 · (min(#{Δ* ≤ 0}, #{Δ* ≥ 0}) + 1) / (B + 1))
 *
 * (the percentile-bootstrap test of H0: Δ = 0, i.e. twice the smaller tail of the bootstrap
 * distribution beyond 0, with the add-one correction so that p is never exactly 0; its smallest value
 * is 2/(B+1) ≈ 0.0002 for B = 10,000). It agrees with the interval: p < 0.05 ⇔ the 95% interval
 * excludes 0 (up to one resample).
 *
 * Speed: the per-clip components (value pairs, validity, group) are precomputed into typed arrays
 * once (one interleaved row per clip); a resample is a loop of n index draws accumulating sums per
 * group. 1,000 clips × 10,000
 * resamples ≈ 10⁷ draws (bench/significance.ts).
 */
import { f1Score } from '../eval/autodq';
import { DREAM1K_BUCKETS, DREAM1K_SUBSETS, dreamBucket, type Dream1kBreakdown } from '../eval/dream1k';
import type { BenchmarkId } from '../eval/types';

export const BOOTSTRAP_RESAMPLES = 10_000;
export const BOOTSTRAP_SEED = 20_250_101;
export const BOOTSTRAP_CONFIDENCE = 0.95;

/** mulberry32 (Tommy Ettinger, public domain): a 32-bit seeded PRNG; returns uint32 values. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** The fields of an EvalSample the bootstrap reads. */
export interface BootstrapSample {
  clipId: string;
  benchmark: string;
  subset: string;
  failed: boolean;
  scores: Readonly<Record<string, number>>;
}

/** Metrics the bootstrap supports, per benchmark (the EvalResult metric names, core/eval/types.ts). */
export const BOOTSTRAP_METRICS: Record<BenchmarkId, readonly string[]> = {
  'dream-1k': ['f1', 'precision', 'recall'],
  vdc: ['accuracy', 'score', 'official_script_accuracy', 'official_script_score'],
  carebench: ['action_f1', 'action_precision', 'action_recall', 'object_f1', 'object_precision', 'object_recall'],
};

/** Thrown for a metric / subset the benchmark does not have, or data that cannot be paired. */
export class BootstrapInputError extends Error {}

/**
 * What one side's per-clip components are and how a set of them becomes the metric.
 *  - `group`: index of the DREAM-1K subset for "overall" (0 otherwise);
 *  - `v0`, `v1`: recall and precision (PRF metrics) or the VDC value (v0 only);
 *  - `valid`: 1 when the clip counts for this side (not failed; for official_script_* also kept).
 */
interface MetricPlan {
  groups: number;
  /** Which clips of the benchmark belong to the row (subset / bucket filter), before pairing. */
  include: (s: BootstrapSample) => boolean;
  /** Components of a sample; null when the clip does not count for this side. */
  components: (s: BootstrapSample) => { group: number; v0: number; v1: number } | null;
  /** Metric from per-group sums (sum0, sum1) and counts; null when undefined. */
  finalize: (sum0: Float64Array, sum1: Float64Array, count: Float64Array) => number | null;
}

function score(s: BootstrapSample, key: string): number {
  const v = s.scores[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new BootstrapInputError(`clip ${s.clipId} (${s.benchmark}/${s.subset}) has no score "${key}"`);
  return v;
}

/** PRF from means, as prfOfMeans (core/eval/autodq.ts) + summaryResultRows' percent. */
function prfFinalize(which: 'f1' | 'precision' | 'recall', groups: number): MetricPlan['finalize'] {
  return (sum0, sum1, count) => {
    // Per group: mean recall / precision; then the unweighted mean over groups with a scored clip.
    let r = 0;
    let p = 0;
    let k = 0;
    for (let g = 0; g < groups; g++) {
      if (count[g] === 0) continue;
      r += sum0[g] / count[g];
      p += sum1[g] / count[g];
      k++;
    }
    if (k === 0) return null;
    if (groups > 1) {
      r /= k;
      p /= k;
    }
    return 100 * (which === 'f1' ? f1Score(r, p) : which === 'precision' ? p : r);
  };
}

function meanFinalize(scale: number): MetricPlan['finalize'] {
  return (sum0, _sum1, count) => (count[0] === 0 ? null : (scale * sum0[0]) / count[0]);
}

/** The plan of a (benchmark, subset, metric) row; throws BootstrapInputError for an unknown one. */
function planFor(benchmark: BenchmarkId, subset: string, metric: string): MetricPlan {
  const metrics = BOOTSTRAP_METRICS[benchmark];
  if (!metrics) throw new BootstrapInputError(`benchmark "${benchmark}" is not one of ${Object.keys(BOOTSTRAP_METRICS).join(', ')}`);
  if (!metrics.includes(metric)) throw new BootstrapInputError(`metric "${metric}" is not a ${benchmark} metric (${metrics.join(', ')})`);
  if (benchmark === 'dream-1k') {
    const which = metric as 'f1' | 'precision' | 'recall';
    const rp = (s: BootstrapSample) => ({ v0: score(s, 'recall'), v1: score(s, 'precision') });
    if (subset === 'overall') {
      // Group index per subset name; unknown subsets get their own groups (the aggregation groups by name).
      const index = new Map<string, number>(DREAM1K_SUBSETS.map((name, i) => [name, i]));
      const groups = 16;
      return {
        groups,
        include: () => true,
        components: (s) => {
          if (s.failed) return null;
          let g = index.get(s.subset);
          if (g === undefined) {
            if (index.size >= groups) throw new BootstrapInputError(`more than ${groups} DREAM-1K subsets`);
            g = index.size;
            index.set(s.subset, g);
          }
          return { group: g, ...rp(s) };
        },
        finalize: prfFinalize(which, groups),
      };
    }
    const colon = subset.indexOf(':');
    if (colon > 0) {
      const kind = subset.slice(0, colon) as Dream1kBreakdown;
      const label = subset.slice(colon + 1);
      if (!DREAM1K_BUCKETS[kind]?.some((b) => b.label === label)) throw new BootstrapInputError(`subset "${subset}" is not a DREAM-1K breakdown bucket`);
      const key = kind === 'n_subjects' ? 'n_subjects' : kind === 'n_shots' ? 'n_shots' : 'n_events';
      const inBucket = (s: BootstrapSample) => typeof s.scores[key] === 'number' && dreamBucket(kind, s.scores[key]) === label;
      return {
        groups: 1,
        include: inBucket,
        components: (s) => (s.failed || !inBucket(s) ? null : { group: 0, ...rp(s) }),
        finalize: prfFinalize(which, 1),
      };
    }
    return { groups: 1, include: (s) => s.subset === subset, components: (s) => (s.failed ? null : { group: 0, ...rp(s) }), finalize: prfFinalize(which, 1) };
  }
  if (benchmark === 'vdc') {
    if (subset === 'overall') throw new BootstrapInputError('VDC needs a QA set as subset (detailed or main_object)');
    const official = metric.startsWith('official_script_');
    const base = official ? metric.slice('official_script_'.length) : metric;
    return {
      groups: 1,
      include: (s) => s.subset === subset,
      components: (s) => {
        if (s.failed) return null;
        const acc = score(s, 'accuracy');
        const sc = score(s, 'score');
        if (official && (acc === 0 || sc === 0)) return null;
        return { group: 0, v0: base === 'accuracy' ? acc : sc, v1: 0 };
      },
      finalize: meanFinalize(base === 'accuracy' ? 100 : 1),
    };
  }
  const [kind, which] = metric.split('_') as ['action' | 'object', 'f1' | 'precision' | 'recall'];
  if (subset !== 'overall') throw new BootstrapInputError(`CAREBENCH has one subset, "overall" (got "${subset}")`);
  return {
    groups: 1,
    include: () => true,
    components: (s) => (s.failed ? null : { group: 0, v0: score(s, `${kind}_recall`), v1: score(s, `${kind}_precision`) }),
    finalize: prfFinalize(which, 1),
  };
}

/** Per-clip components of both sides, paired, in typed arrays. */
export interface PairedClips {
  n: number;
  groups: number;
  clipIds: string[];
  groupA: Uint8Array;
  groupB: Uint8Array;
  validA: Uint8Array;
  validB: Uint8Array;
  a0: Float64Array;
  a1: Float64Array;
  b0: Float64Array;
  b1: Float64Array;
  unpairedA: number;
  unpairedB: number;
  /** Paired clips failed (or not kept) on each side: excluded from that side's metric. */
  excludedA: number;
  excludedB: number;
  finalize: MetricPlan['finalize'];
}

export interface BootstrapRow {
  benchmark: BenchmarkId;
  /** "overall", a DREAM-1K subset or bucket ("n_events:<=3"), a VDC QA set. */
  subset: string;
  metric: string;
}

/**
 * Pairs A's and B's samples of `row` by clipId (samples of other benchmarks / subsets are ignored).
 * Throws BootstrapInputError for an unknown metric, a duplicate clip on one side, or a missing score.
 */
export function pairClips(a: readonly BootstrapSample[], b: readonly BootstrapSample[], row: BootstrapRow): PairedClips {
  const plan = planFor(row.benchmark, row.subset, row.metric);
  const mine = (list: readonly BootstrapSample[], side: string) => {
    const m = new Map<string, BootstrapSample>();
    for (const s of list) {
      if (s.benchmark !== row.benchmark || !plan.include(s)) continue;
      if (row.benchmark === 'vdc' && s.subset !== row.subset) continue;
      if (m.has(s.clipId)) throw new BootstrapInputError(`${side}: clip ${s.clipId} appears twice for ${row.benchmark}/${row.subset}`);
      m.set(s.clipId, s);
    }
    return m;
  };
  const ma = mine(a, 'A');
  const mb = mine(b, 'B');
  const clipIds = [...ma.keys()].filter((id) => mb.has(id)).sort();
  const n = clipIds.length;
  const out: PairedClips = {
    n,
    groups: plan.groups,
    clipIds,
    groupA: new Uint8Array(n),
    groupB: new Uint8Array(n),
    validA: new Uint8Array(n),
    validB: new Uint8Array(n),
    a0: new Float64Array(n),
    a1: new Float64Array(n),
    b0: new Float64Array(n),
    b1: new Float64Array(n),
    unpairedA: ma.size - n,
    unpairedB: mb.size - n,
    excludedA: 0,
    excludedB: 0,
    finalize: plan.finalize,
  };
  clipIds.forEach((id, i) => {
    const ca = plan.components(ma.get(id) as BootstrapSample);
    const cb = plan.components(mb.get(id) as BootstrapSample);
    if (ca) {
      out.validA[i] = 1;
      out.groupA[i] = ca.group;
      out.a0[i] = ca.v0;
      out.a1[i] = ca.v1;
    } else out.excludedA++;
    if (cb) {
      out.validB[i] = 1;
      out.groupB[i] = cb.group;
      out.b0[i] = cb.v0;
      out.b1[i] = cb.v1;
    } else out.excludedB++;
  });
  return out;
}

/** Metric of each side on the clips `indices` (a multiset of paired-clip indices); null when undefined. */
export function metricsOfIndices(p: PairedClips, indices: ArrayLike<number>): { a: number | null; b: number | null } {
  const s = scratch(p.groups);
  accumulate(p, indices, indices.length, s);
  return { a: p.finalize(s.sa0, s.sa1, s.ca), b: p.finalize(s.sb0, s.sb1, s.cb) };
}

interface Scratch {
  sa0: Float64Array;
  sa1: Float64Array;
  ca: Float64Array;
  sb0: Float64Array;
  sb1: Float64Array;
  cb: Float64Array;
}

function scratch(groups: number): Scratch {
  return { sa0: new Float64Array(groups), sa1: new Float64Array(groups), ca: new Float64Array(groups), sb0: new Float64Array(groups), sb1: new Float64Array(groups), cb: new Float64Array(groups) };
}

function accumulate(p: PairedClips, indices: ArrayLike<number>, len: number, s: Scratch): void {
  s.sa0.fill(0);
  s.sa1.fill(0);
  s.ca.fill(0);
  s.sb0.fill(0);
  s.sb1.fill(0);
  s.cb.fill(0);
  for (let k = 0; k < len; k++) {
    const i = indices[k];
    if (p.validA[i] === 1) {
      const g = p.groupA[i];
      s.sa0[g] += p.a0[i];
      s.sa1[g] += p.a1[i];
      s.ca[g] += 1;
    }
    if (p.validB[i] === 1) {
      const g = p.groupB[i];
      s.sb0[g] += p.b0[i];
      s.sb1[g] += p.b1[i];
      s.cb[g] += 1;
    }
  }
}

/** Quantile q ∈ [0, 1] of sorted values, linear interpolation between order statistics (numpy "linear"). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  /** Confidence of the percentile interval (0.95). */
  confidence?: number;
}

export interface BootstrapResult {
  benchmark: BenchmarkId;
  subset: string;
  metric: string;
  /** metric(A), metric(B) on the full paired set, in EvalResult units. */
  valueA: number;
  valueB: number;
  /** B − A on the full paired set. */
  delta: number;
  /** Percentile interval of B − A. */
  ciLow: number;
  ciHigh: number;
  confidence: number;
  /** True when the interval contains 0 (the difference is not significant at 1 − confidence). */
  ciContainsZero: boolean;
  /** Two-sided p-value, p = min(1, 2·(min(#Δ*≤0, #Δ*≥0) + 1)/(B + 1)). */
  p: number;
  /** Paired clips used (each side excludes its own failed clips inside the aggregation). */
  n: number;
  unpairedA: number;
  unpairedB: number;
  excludedA: number;
  excludedB: number;
  resamples: number;
  /** Resamples where a side had no scored clip (left out of the interval and p). */
  undefinedResamples: number;
  seed: number;
  method: string;
}

/**
 * The paired bootstrap of `row` between A and B (see the module comment). Throws BootstrapInputError
 * when no clip is paired, or when a side has no scored clip among the paired ones.
 */
export function pairedBootstrap(a: readonly BootstrapSample[], b: readonly BootstrapSample[], row: BootstrapRow, options: BootstrapOptions = {}): BootstrapResult {
  return bootstrapPaired(pairClips(a, b, row), row, options);
}

/** The bootstrap on already paired clips (what the bench times). */
export function bootstrapPaired(p: PairedClips, row: BootstrapRow, options: BootstrapOptions = {}): BootstrapResult {
  const resamples = options.resamples ?? BOOTSTRAP_RESAMPLES;
  const seed = options.seed ?? BOOTSTRAP_SEED;
  const confidence = options.confidence ?? BOOTSTRAP_CONFIDENCE;
  if (!Number.isInteger(resamples) || resamples < 1 || resamples > 1_000_000) throw new BootstrapInputError(`resamples must be an integer in [1, 1,000,000] (got ${resamples})`);
  if (!(confidence > 0 && confidence < 1)) throw new BootstrapInputError(`confidence must be in (0, 1) (got ${confidence})`);
  const n = p.n;
  const what = `${row.benchmark}/${row.subset} ${row.metric}`;
  if (n === 0) throw new BootstrapInputError(`no clip of ${what} is evaluated in both rows (A has ${p.unpairedA}, B has ${p.unpairedB} clips)`);
  const all = new Uint32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  const full = metricsOfIndices(p, all);
  if (full.a === null) throw new BootstrapInputError(`A has no scored clip of ${what} among the ${n} paired clips (${p.excludedA} failed)`);
  if (full.b === null) throw new BootstrapInputError(`B has no scored clip of ${what} among the ${n} paired clips (${p.excludedB} failed)`);

  // Hot-loop layout: one stride-8 Float64Array row per clip [a0, a1, validA, b0, b1, validB, –, –]
  // (one cache line per draw) and one stride-8 accumulator row per group; A's fields go to A's group
  // row, B's to B's. An excluded clip has components 0 and validity 0 (pairClips), so the loop is
  // branch-free. Twice as fast as six separate arrays (bench/significance.ts).
  const { groups, finalize } = p;
  const data = new Float64Array(n * 8);
  const offA = new Int32Array(n);
  const offB = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * 8;
    data[o] = p.a0[i];
    data[o + 1] = p.a1[i];
    data[o + 2] = p.validA[i];
    data[o + 3] = p.b0[i];
    data[o + 4] = p.b1[i];
    data[o + 5] = p.validB[i];
    offA[i] = p.groupA[i] * 8;
    offB[i] = p.groupB[i] * 8;
  }
  const acc = new Float64Array(groups * 8);
  const { sa0, sa1, ca, sb0, sb1, cb } = scratch(groups);
  const deltas = new Float64Array(resamples);
  let kept = 0;
  let le = 0;
  let ge = 0;
  const scale = n / 4294967296;
  let state = seed >>> 0;
  for (let r = 0; r < resamples; r++) {
    acc.fill(0);
    for (let k = 0; k < n; k++) {
      // mulberry32 inlined: the same stream as `mulberry32(seed)`.
      state = (state + 0x6d2b79f5) | 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      const i = Math.floor(((t ^ (t >>> 14)) >>> 0) * scale);
      const o = i << 3;
      const ga = offA[i];
      const gb = offB[i];
      acc[ga] += data[o];
      acc[ga + 1] += data[o + 1];
      acc[ga + 2] += data[o + 2];
      acc[gb + 3] += data[o + 3];
      acc[gb + 4] += data[o + 4];
      acc[gb + 5] += data[o + 5];
    }
    for (let g = 0; g < groups; g++) {
      const o = g * 8;
      sa0[g] = acc[o];
      sa1[g] = acc[o + 1];
      ca[g] = acc[o + 2];
      sb0[g] = acc[o + 3];
      sb1[g] = acc[o + 4];
      cb[g] = acc[o + 5];
    }
    const va = finalize(sa0, sa1, ca);
    const vb = finalize(sb0, sb1, cb);
    if (va === null || vb === null) continue;
    const d = vb - va;
    deltas[kept++] = d;
    if (d <= 0) le++;
    if (d >= 0) ge++;
  }
  const sorted = deltas.subarray(0, kept).sort();
  const alpha = 1 - confidence;
  const ciLow = quantileSorted(sorted, alpha / 2);
  const ciHigh = quantileSorted(sorted, 1 - alpha / 2);
  const pValue = kept === 0 ? 1 : Math.min(1, (2 * (Math.min(le, ge) + 1)) / (kept + 1));
  return {
    benchmark: row.benchmark,
    subset: row.subset,
    metric: row.metric,
    valueA: full.a,
    valueB: full.b,
    delta: full.b - full.a,
    ciLow,
    ciHigh,
    confidence,
    ciContainsZero: !(ciLow > 0 || ciHigh < 0),
    p: pValue,
    n,
    unpairedA: p.unpairedA,
    unpairedB: p.unpairedB,
    excludedA: p.excludedA,
    excludedB: p.excludedB,
    resamples,
    undefinedResamples: resamples - kept,
    seed,
    method: `paired bootstrap over clips, ${resamples.toLocaleString('en-US')} resamples (mulberry32, seed ${seed}), ${Math.round(confidence * 100)}% percentile interval, two-sided p = 2·min tail (add-one)`,
  };
}

/** Paired clips below which a verdict is flagged as resting on a small sample (README "Significance"). */
export const SMALL_SAMPLE_CLIPS = 30;

/** What kind of evaluation a side is, for the warnings. */
export interface SignificanceSideKind {
  /** Row label ("A" / "B") and name, as the warning prints them. */
  label: string;
  name: string;
  /** Captions simulated by the local backend (EvalResult.simulated / provenance.method "local-policy"). */
  simulated: boolean;
  /** Judged by the offline lexical judge (an approximation of the LLM judge). */
  lexical: boolean;
}

export interface SignificanceWarning {
  kind: 'small-sample' | 'mostly-unpaired' | 'simulated' | 'lexical-judge';
  message: string;
}

/**
 * Caveats of a paired-bootstrap verdict, shown next to it and returned by `significance.pair`:
 * - `small-sample`: fewer than SMALL_SAMPLE_CLIPS (30) paired clips — the interval and p rest on
 *   too few clips to generalise to the benchmark;
 * - `mostly-unpaired`: more than half of a side's clips have no partner (n / (n + unpaired) < 0.5),
 *   so the verdict speaks for a minority of that side's clips;
 * - `simulated`: a side's captions were simulated by the local backend (not a model);
 * - `lexical-judge`: a side was judged by the offline lexical judge (an approximation).
 * Pure; `n`, `unpairedA`, `unpairedB` as in BootstrapResult. Empty when there is nothing to say.
 */
export function significanceWarnings(r: Pick<BootstrapResult, 'n' | 'unpairedA' | 'unpairedB'>, a: SignificanceSideKind, b: SignificanceSideKind): SignificanceWarning[] {
  const out: SignificanceWarning[] = [];
  if (r.n < SMALL_SAMPLE_CLIPS) out.push({ kind: 'small-sample', message: `only ${r.n} paired clip${r.n === 1 ? '' : 's'} (fewer than ${SMALL_SAMPLE_CLIPS}): the interval and p rest on a small sample` });
  for (const [side, unpaired] of [[a, r.unpairedA], [b, r.unpairedB]] as const) {
    const total = r.n + unpaired;
    if (total > 0 && unpaired / total > 0.5) out.push({ kind: 'mostly-unpaired', message: `${unpaired} of ${side.label}'s ${total} clips (${Math.round((100 * unpaired) / total)}%) have no partner in the other row and are left out` });
  }
  for (const side of [a, b]) if (side.simulated) out.push({ kind: 'simulated', message: `${side.label} (${side.name}) is a simulated evaluation: captions simulated by the local backend, not a model` });
  for (const side of [a, b]) if (side.lexical) out.push({ kind: 'lexical-judge', message: `${side.label} (${side.name}) was judged by the offline lexical judge, an approximation of the LLM judge` });
  return out;
}
