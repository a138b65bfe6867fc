/**
 * TensorBoard's debiased EMA (core/smoothing.ts `smoothEma`) over a stored series, computed in
 * blocks so that a smoothed value never depends on what a chart happens to fetch.
 *
 * The biased EMA is linear in the values. After c more finite points y_1 … y_c:
 *
 *   last' = w^c · last + (1 − w) · A,      A = Σ_{k=1..c} w^{c−k} · y_k   (Horner: A ← A·w + y_k)
 *   smoothed = last / (1 − w^n)            (n = points folded since the series' start; w = 1 → divisor 1)
 *
 * A block's "EMA sum" A does not depend on anything before the block, so every 64-step rollup
 * (server/services/ingest.ts, MetricRollup) stores A for each weight of SMOOTHING_STOPS — and the
 * partial sums up to its min and max point — and the server folds them to get the exact EMA state at
 * any step while reading ~1/64 of the rows. `emaStep` is the very arithmetic of `smoothEma`, so a
 * series folded point by point from the start reproduces it bit for bit; folding through block sums
 * agrees to float rounding (≈1e-15 relative; the unit tests pin ≤1e-12).
 *
 * Pure: no I/O.
 */
import { SMOOTHING_STOPS } from './smoothing';

/** Biased EMA `last` after `n` finite points. */
export interface EmaState {
  last: number;
  n: number;
}

export const EMA_EMPTY: EmaState = Object.freeze({ last: 0, n: 0 });

/** One point: the same arithmetic as core/smoothing.ts `smoothEma`. */
export function emaStep(state: EmaState, y: number, w: number): EmaState {
  return { last: state.last * w + (1 - w) * y, n: state.n + 1 };
}

/** A = Σ w^{c−k} y_k over values[start, end) (Horner), the block's contribution to the EMA. */
export function emaSum(values: ArrayLike<number>, w: number, start = 0, end = values.length): number {
  let a = 0;
  for (let i = start; i < end; i++) a = a * w + values[i]!;
  return a;
}

/** The state after a block of `count` points whose EMA sum is `sum`. */
export function emaAdvance(state: EmaState, count: number, sum: number, w: number): EmaState {
  if (count === 0) return state;
  return { last: Math.pow(w, count) * state.last + (1 - w) * sum, n: state.n + count };
}

/** The debiased (TensorBoard) value of a state; NaN before any point. */
export function emaValue(state: EmaState, w: number): number {
  if (state.n === 0) return NaN;
  const d = w === 1 ? 1 : 1 - Math.pow(w, state.n);
  return state.last / d;
}

/** Values per weight stored in a rollup's `ema` array: [A, A up to the min point, A up to the max point]. */
export const EMA_FIELDS = 3;
/** Length of MetricRollup.ema for the current SMOOTHING_STOPS; other lengths are stale. */
export const ROLLUP_EMA_LENGTH = SMOOTHING_STOPS.length * EMA_FIELDS;

/** What a 64-step rollup keeps of its points (steps and walls as given; ranks are 1-based). */
export interface BlockSummary {
  count: number;
  firstStep: number;
  firstValue: number;
  firstWall: number;
  lastStep: number;
  lastValue: number;
  lastWall: number;
  /** The first point (by step) holding the block's minimum, and its 1-based rank in the block. */
  minStep: number;
  minValue: number;
  minRank: number;
  minWall: number;
  maxStep: number;
  maxValue: number;
  maxRank: number;
  maxWall: number;
  /** For each weight of SMOOTHING_STOPS, in order: A, A over ranks 1..minRank, A over ranks 1..maxRank. */
  ema: number[];
}

/**
 * Summary of one block's points, sorted by step (finite values; ingest accepts no others).
 * Throws on an empty block: a rollup exists only where points do.
 */
export function summarizeBlock(steps: ArrayLike<number>, values: ArrayLike<number>, walls: ArrayLike<number>): BlockSummary {
  const c = values.length;
  if (c === 0) throw new Error('summarizeBlock: a block needs at least one point');
  let minI = 0;
  let maxI = 0;
  for (let i = 1; i < c; i++) {
    if (values[i]! < values[minI]!) minI = i;
    if (values[i]! > values[maxI]!) maxI = i;
  }
  const ema: number[] = [];
  for (const w of SMOOTHING_STOPS) ema.push(emaSum(values, w), emaSum(values, w, 0, minI + 1), emaSum(values, w, 0, maxI + 1));
  return {
    count: c,
    firstStep: steps[0]!,
    firstValue: values[0]!,
    firstWall: walls[0]!,
    lastStep: steps[c - 1]!,
    lastValue: values[c - 1]!,
    lastWall: walls[c - 1]!,
    minStep: steps[minI]!,
    minValue: values[minI]!,
    minRank: minI + 1,
    minWall: walls[minI]!,
    maxStep: steps[maxI]!,
    maxValue: values[maxI]!,
    maxRank: maxI + 1,
    maxWall: walls[maxI]!,
    ema,
  };
}

/**
 * The EMA state before a block from the EMA sums of all earlier blocks, as the server's SQL folds
 * it: last = (1 − w) · Σ_b w^{after_b} · A_b, where after_b counts the points between block b and
 * the end. Terms below e^−230 of their block sum are dropped (PostgreSQL raises on float underflow;
 * they are far below float precision of the result).
 */
export function emaFoldBlocks(blocks: readonly { count: number; sum: number }[], w: number): EmaState {
  let acc = 0;
  let after = 0;
  let n = 0;
  for (let i = blocks.length - 1; i >= 0; i--) {
    const b = blocks[i]!;
    if (after * Math.log(w) >= EMA_FOLD_CUTOFF) acc += b.sum * Math.pow(w, after);
    after += b.count;
    n += b.count;
  }
  return { last: (1 - w) * acc, n };
}

/** ln of the smallest weight w^after the fold keeps (e^−230 ≈ 1e−100). */
export const EMA_FOLD_CUTOFF = -230;
