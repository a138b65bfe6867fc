/**
 * What a chart draws of one stored metric series: at most the first, min, max and last point of
 * each pixel column (M4, core/downsample.ts), each with its raw value and its smoothed value — the
 * debiased EMA over the *whole stored series* up to that point (core/series-ema.ts), never over the
 * fetched points. So zooming, resizing or downsampling never changes a smoothed value.
 *
 * The server (server/services/metrics.ts) reads the rows and calls one of three builders:
 *  - `viewFromPoints`: the raw points in range (plus the ≤ 63 before it in the same 64-step block);
 *  - `viewFromBlocks`: 64-step rollups, columns a whole number of rollups wide (long ranges);
 *  - `viewFromColumnRows`: per-column first/min/max/last picked in SQL, each with its rank and
 *    partial EMA sum inside its 64-step block (zoomed ranges with more points than columns).
 * Every emitted point is a real stored point (its own step, value and wall time).
 *
 * Pure: no I/O.
 */
import { downsample, lowerBound, upperBound } from './downsample';
import { emaAdvance, emaStep, emaValue, EMA_EMPTY, type EmaState } from './series-ema';

export interface SeriesView {
  step: number[];
  value: number[];
  /** Smoothed value at each point; null when smoothing is off. */
  smoothed: number[] | null;
  /** Epoch ms of each point. */
  wall: number[];
  /** Index of the first point of each pixel column (empty when nothing was reduced). */
  colStart: number[];
  /** Whether points were left out (zoom in for every point). */
  reduced: boolean;
}

export interface SmoothingContext {
  /** EMA weight; 0 = off. */
  w: number;
  /** EMA state just before the first point (or block) handed to the builder. */
  start: EmaState;
  /** The whole stored series is one value: smoothed = raw (TensorBoard's rule, no float wiggle). */
  constant: boolean;
}

export const NO_SMOOTHING: SmoothingContext = { w: 0, start: EMA_EMPTY, constant: false };

/**
 * From raw points sorted by step (including any before `lo` in the same 64-step block, which only
 * advance the EMA), reduced to ≈ `buckets` columns over [lo, hi].
 */
export function viewFromPoints(
  points: { step: ArrayLike<number>; value: ArrayLike<number>; wall: ArrayLike<number> },
  range: { lo: number; hi: number },
  buckets: number,
  sm: SmoothingContext,
): SeriesView {
  const n = Math.min(points.step.length, points.value.length);
  let smoothed: Float64Array | null = null;
  if (sm.w > 0) {
    smoothed = new Float64Array(n);
    let s = sm.start;
    for (let i = 0; i < n; i++) {
      const y = points.value[i]!;
      s = emaStep(s, y, sm.w);
      smoothed[i] = sm.constant ? y : emaValue(s, sm.w);
    }
  }
  const d = downsample(points.step, points.value, { buckets, xMin: range.lo, xMax: range.hi });
  const inRange = upperBound(points.step, range.hi, 0, n) - lowerBound(points.step, range.lo, 0, n);
  const reduced = d.x.length < inRange;
  const idx = Array.from(d.index);
  return {
    step: Array.from(d.x),
    value: Array.from(d.y),
    smoothed: smoothed ? idx.map((i) => smoothed[i]!) : null,
    wall: idx.map((i) => points.wall[i]!),
    colStart: reduced ? columnStarts(d.column) : [],
    reduced,
  };
}

/** A 64-step rollup as the series query reads it, with the EMA sums of the chosen weight. */
export interface BlockRow {
  bucket: number;
  count: number;
  firstStep: number;
  firstValue: number;
  firstWall: number;
  lastStep: number;
  lastValue: number;
  lastWall: number;
  minStep: number;
  minValue: number;
  minRank: number;
  minWall: number;
  maxStep: number;
  maxValue: number;
  maxRank: number;
  maxWall: number;
  /** EMA sum of the block, and up to its min / max point, for the chosen weight (ignored when w = 0). */
  sum: number;
  sumMin: number;
  sumMax: number;
}

interface Candidate {
  step: number;
  value: number;
  wall: number;
  smoothed: number;
}

/**
 * From consecutive rollups (sorted by bucket; `sm.start` is the state before the first), grouped
 * into columns by `columnOf(bucket)` (non-decreasing). Each column emits its first, min, max and
 * last point in step order, the min and max being the first occurrence as in M4.
 */
export function viewFromBlocks(blocks: readonly BlockRow[], columnOf: (bucket: number) => number, sm: SmoothingContext, totalPoints: number): SeriesView {
  const out: SeriesView = { step: [], value: [], smoothed: sm.w > 0 ? [] : null, wall: [], colStart: [], reduced: false };
  const w = sm.w;
  let state = sm.start;
  let col = Number.NaN;
  let first: Candidate | null = null;
  let min: Candidate | null = null;
  let max: Candidate | null = null;
  let last: Candidate | null = null;
  const smooth = (s: EmaState, raw: number) => (w <= 0 ? Number.NaN : sm.constant ? raw : emaValue(s, w));
  const flush = () => {
    if (!first || !min || !max || !last) return;
    out.colStart.push(out.step.length);
    const pts = [first, min, max, last].sort((a, b) => a.step - b.step);
    let prev = Number.NaN;
    for (const p of pts) {
      if (p.step === prev) continue;
      prev = p.step;
      out.step.push(p.step);
      out.value.push(p.value);
      out.wall.push(p.wall);
      out.smoothed?.push(p.smoothed);
    }
  };
  for (const b of blocks) {
    const c = columnOf(b.bucket);
    const atFirst = w > 0 ? emaAdvance(state, 1, b.firstValue, w) : state;
    const atMin = w > 0 ? emaAdvance(state, b.minRank, b.sumMin, w) : state;
    const atMax = w > 0 ? emaAdvance(state, b.maxRank, b.sumMax, w) : state;
    const atLast = w > 0 ? emaAdvance(state, b.count, b.sum, w) : state;
    const bMin = { step: b.minStep, value: b.minValue, wall: b.minWall, smoothed: smooth(atMin, b.minValue) };
    const bMax = { step: b.maxStep, value: b.maxValue, wall: b.maxWall, smoothed: smooth(atMax, b.maxValue) };
    const bLast = { step: b.lastStep, value: b.lastValue, wall: b.lastWall, smoothed: smooth(atLast, b.lastValue) };
    if (c !== col) {
      flush();
      col = c;
      first = { step: b.firstStep, value: b.firstValue, wall: b.firstWall, smoothed: smooth(atFirst, b.firstValue) };
      min = bMin;
      max = bMax;
    } else {
      if (b.minValue < min!.value) min = bMin;
      if (b.maxValue > max!.value) max = bMax;
    }
    last = bLast;
    state = atLast;
  }
  flush();
  out.reduced = out.step.length < totalPoints;
  if (!out.reduced) out.colStart = [];
  return out;
}

/** A point picked by the SQL column query: a column's first, min, max or last point. */
export interface ColumnPointRow {
  step: number;
  value: number;
  wall: number;
  /** Pixel column. */
  col: number;
  /** 64-step block (floor(step / 64)) and 1-based rank of the point inside it. */
  block: number;
  rank: number;
  /** EMA sum of the block's points of rank 1..rank (ignored when w = 0). */
  part: number;
}

/**
 * The EMA state at the start of each block, folding `sm.start` (the state before the first block)
 * through consecutive blocks' (count, sum).
 */
export function blockStartStates(blocks: readonly { bucket: number; count: number; sum: number }[], sm: SmoothingContext): Map<number, EmaState> {
  const map = new Map<number, EmaState>();
  let s = sm.start;
  for (const b of blocks) {
    map.set(b.bucket, s);
    if (sm.w > 0) s = emaAdvance(s, b.count, b.sum, sm.w);
  }
  return map;
}

/** From the SQL-picked column points (sorted by step) and the state at each block's start. */
export function viewFromColumnRows(rows: readonly ColumnPointRow[], starts: ReadonlyMap<number, EmaState>, sm: SmoothingContext, totalPoints: number): SeriesView {
  const out: SeriesView = { step: [], value: [], smoothed: sm.w > 0 ? [] : null, wall: [], colStart: [], reduced: false };
  let col = Number.NaN;
  for (const r of rows) {
    if (r.col !== col) {
      out.colStart.push(out.step.length);
      col = r.col;
    }
    out.step.push(r.step);
    out.value.push(r.value);
    out.wall.push(r.wall);
    if (out.smoothed) {
      // A block whose rollup is not written yet (a batch being ingested right now) has no state: its
      // smoothed values are left out (NaN) rather than guessed; the next refresh has them.
      const s = starts.get(r.block);
      out.smoothed.push(sm.constant ? r.value : s ? emaValue(emaAdvance(s, r.rank, r.part, sm.w), sm.w) : Number.NaN);
    }
  }
  out.reduced = out.step.length < totalPoints;
  if (!out.reduced) out.colStart = [];
  return out;
}

/** Indices where the column number changes (the first point of each column). */
export function columnStarts(column: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < column.length; i++) if (i === 0 || column[i] !== column[i - 1]) out.push(i);
  return out;
}
