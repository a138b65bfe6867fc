/**
 * Shape-preserving downsampling of a metric series for charts (M4 aggregation:
 * Jugel et al., "M4: A Visualization-Oriented Time Series Data Aggregation", VLDB 2014).
 *
 * The x-range [xMin, xMax] is cut into `buckets` equal-width columns (≈ one per pixel column).
 * Each non-empty bucket keeps up to four of its real points — first, min, max, last — in their
 * original order, so a line drawn through the output passes through every bucket's extremes
 * (spikes survive) and connects to its neighbours. No random sampling: the result is a
 * deterministic subset of the input. Every output point also carries its bucket's min and max,
 * ready for a min/max band.
 *
 * Laws (pinned by property tests): output length ≤ 4·buckets; x is non-decreasing; each bucket's
 * min and max y are preserved; input with ≤ `buckets` points in range comes back unchanged;
 * applying it to its own output (same options) returns the same output.
 */

export interface DownsampleOptions {
  /** Number of x-columns; ≥ 1. Output has at most 4 points per bucket. */
  buckets: number;
  /** Inclusive x-range to keep; defaults to the series' first and last x. */
  xMin?: number;
  xMax?: number;
}

/** Flat, column-oriented result (typed arrays, one entry per kept point). */
export interface DownsampledSeries {
  x: Float64Array;
  y: Float64Array;
  /** Min / max y of the bucket this point stands for (equal to y when the bucket holds one point). */
  min: Float64Array;
  max: Float64Array;
  /** Index of each kept point in the input arrays, e.g. to pick its wall time. */
  index: Uint32Array;
  /** Bucket (column) of each kept point, 0 … buckets − 1, non-decreasing. */
  column: Uint32Array;
  /** Points in range whose y was NaN or ±Infinity; they are left out (a chart cannot draw them). */
  nonFinite: number;
}

/** Index range [start, end) of the points with lo ≤ x ≤ hi in a sorted x array. */
export interface IndexRange {
  start: number;
  end: number;
}

/** First index i with xs[i] ≥ value (xs sorted ascending). */
export function lowerBound(xs: ArrayLike<number>, value: number, from = 0, to = xs.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i with xs[i] > value (xs sorted ascending). */
export function upperBound(xs: ArrayLike<number>, value: number, from = 0, to = xs.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Indices of the points inside [x0, x1] of a sorted series, by binary search (for zoom).
 * `pad` widens the range by that many points on each side so a zoomed line still runs to the
 * chart's edges instead of stopping at the first point inside.
 */
export function sliceRange(xs: ArrayLike<number>, x0: number, x1: number, pad = 0): IndexRange {
  const lo = Math.min(x0, x1);
  const hi = Math.max(x0, x1);
  let start = lowerBound(xs, lo);
  let end = upperBound(xs, hi, start);
  const p = Math.max(0, Math.floor(pad));
  start = Math.max(0, start - p);
  end = Math.min(xs.length, end + p);
  return { start, end };
}

function emptyResult(nonFinite = 0): DownsampledSeries {
  return {
    x: new Float64Array(0),
    y: new Float64Array(0),
    min: new Float64Array(0),
    max: new Float64Array(0),
    index: new Uint32Array(0),
    column: new Uint32Array(0),
    nonFinite,
  };
}

/**
 * Reduce a sorted series to ≤ 4·buckets points over [xMin, xMax] (see the module comment).
 * `xs` must be sorted ascending (steps); duplicates are allowed. Runs in one pass, O(n) after
 * the binary search for the range, allocating only the output.
 */
export function downsample(xs: ArrayLike<number>, ys: ArrayLike<number>, options: DownsampleOptions): DownsampledSeries {
  const n = Math.min(xs.length, ys.length);
  if (n === 0) return emptyResult();
  const buckets = Math.max(1, Math.floor(Number.isFinite(options.buckets) ? options.buckets : 1));
  let xMin = options.xMin ?? xs[0];
  let xMax = options.xMax ?? xs[n - 1];
  if (!Number.isFinite(xMin)) xMin = xs[0];
  if (!Number.isFinite(xMax)) xMax = xs[n - 1];
  if (xMin > xMax) [xMin, xMax] = [xMax, xMin];

  const start = lowerBound(xs, xMin, 0, n);
  const end = upperBound(xs, xMax, start, n);
  if (start >= end) return emptyResult();

  const span = xMax - xMin;
  const scale = span > 0 ? buckets / span : 0;

  // Few enough points to draw as they are (decided on the range size first; the exact finite
  // count is only known after the M4 pass below, which falls back here when it turns out small).
  if (end - start <= buckets) return keepAll(xs, ys, start, end, buckets, xMin, scale);

  const capacity = 4 * buckets;
  const ox = new Float64Array(capacity);
  const oy = new Float64Array(capacity);
  const omin = new Float64Array(capacity);
  const omax = new Float64Array(capacity);
  const oidx = new Uint32Array(capacity);
  const ocol = new Uint32Array(capacity);
  let k = 0;

  let finiteCount = 0;
  let current = -1;
  let firstI = -1;
  let lastI = -1;
  let minI = -1;
  let maxI = -1;
  let minV = 0;
  let maxV = 0;

  // Hot loop: plain locals only (no closures over mutable numbers, which V8 would box).
  for (let i = start; i < end; i++) {
    const v = ys[i];
    if (!(v - v === 0)) continue; // NaN or ±Infinity (cheaper than Number.isFinite here)
    finiteCount++;
    let bucket = scale > 0 ? Math.floor((xs[i] - xMin) * scale) : 0;
    if (bucket >= buckets) bucket = buckets - 1;
    if (bucket !== current) {
      if (firstI >= 0) k = emitBucket(xs, ys, ox, oy, omin, omax, oidx, ocol, current, k, firstI, minI, maxI, lastI, minV, maxV);
      current = bucket;
      firstI = i;
      minI = i;
      maxI = i;
      minV = v;
      maxV = v;
    } else if (v < minV) {
      minV = v;
      minI = i;
    } else if (v > maxV) {
      maxV = v;
      maxI = i;
    }
    lastI = i;
  }
  if (firstI >= 0) k = emitBucket(xs, ys, ox, oy, omin, omax, oidx, ocol, current, k, firstI, minI, maxI, lastI, minV, maxV);

  const nonFinite = end - start - finiteCount;
  if (finiteCount <= buckets) return keepAll(xs, ys, start, end, buckets, xMin, scale);

  return {
    x: ox.slice(0, k),
    y: oy.slice(0, k),
    min: omin.slice(0, k),
    max: omax.slice(0, k),
    index: oidx.slice(0, k),
    column: ocol.slice(0, k),
    nonFinite,
  };
}

/**
 * Every finite point of [start, end) as is. Min/max still describe the point's bucket so that
 * running `downsample` on its own M4 output (which holds each bucket's extremes) changes nothing.
 */
function keepAll(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  start: number,
  end: number,
  buckets: number,
  xMin: number,
  scale: number,
): DownsampledSeries {
  const bucketOf = (x: number): number => {
    const b = scale > 0 ? Math.floor((x - xMin) * scale) : 0;
    return b >= buckets ? buckets - 1 : b;
  };
  let finiteCount = 0;
  for (let i = start; i < end; i++) if (Number.isFinite(ys[i])) finiteCount++;
  const nonFinite = end - start - finiteCount;
  const bucketMin = new Float64Array(buckets).fill(Infinity);
  const bucketMax = new Float64Array(buckets).fill(-Infinity);
  for (let i = start; i < end; i++) {
    const v = ys[i];
    if (!Number.isFinite(v)) continue;
    const b = bucketOf(xs[i]);
    if (v < bucketMin[b]) bucketMin[b] = v;
    if (v > bucketMax[b]) bucketMax[b] = v;
  }
  const out: DownsampledSeries = {
    x: new Float64Array(finiteCount),
    y: new Float64Array(finiteCount),
    min: new Float64Array(finiteCount),
    max: new Float64Array(finiteCount),
    index: new Uint32Array(finiteCount),
    column: new Uint32Array(finiteCount),
    nonFinite,
  };
  let k = 0;
  for (let i = start; i < end; i++) {
    const v = ys[i];
    if (!Number.isFinite(v)) continue;
    const b = bucketOf(xs[i]);
    out.x[k] = xs[i];
    out.y[k] = v;
    out.min[k] = bucketMin[b];
    out.max[k] = bucketMax[b];
    out.index[k] = i;
    out.column[k] = b;
    k++;
  }
  return out;
}

/** Append one bucket's first, min/max (in input order) and last point, each index once. */
function emitBucket(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  ox: Float64Array,
  oy: Float64Array,
  omin: Float64Array,
  omax: Float64Array,
  oidx: Uint32Array,
  ocol: Uint32Array,
  column: number,
  k: number,
  firstI: number,
  minI: number,
  maxI: number,
  lastI: number,
  minV: number,
  maxV: number,
): number {
  const lo = minI < maxI ? minI : maxI;
  const hi = minI < maxI ? maxI : minI;
  let prev = -1;
  for (let step = 0; step < 4; step++) {
    const i = step === 0 ? firstI : step === 1 ? lo : step === 2 ? hi : lastI;
    if (i <= prev) continue; // firstI ≤ lo ≤ hi ≤ lastI, so this drops repeats
    ox[k] = xs[i];
    oy[k] = ys[i];
    omin[k] = minV;
    omax[k] = maxV;
    oidx[k] = i;
    ocol[k] = column;
    k++;
    prev = i;
  }
  return k;
}

/** Convenience for JSON transport (tRPC) and recharts: plain arrays instead of typed arrays. */
export function downsampledToArrays(d: DownsampledSeries): {
  x: number[];
  y: number[];
  min: number[];
  max: number[];
  index: number[];
} {
  return {
    x: Array.from(d.x),
    y: Array.from(d.y),
    min: Array.from(d.min),
    max: Array.from(d.max),
    index: Array.from(d.index),
  };
}
