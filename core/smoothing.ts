/**
 * TensorBoard's scalar smoothing, exactly: a debiased exponential moving average
 * (`classicSmoothing` in tensorflow/tensorboard, webapp/widgets/line_chart_v2/data_transformer.ts).
 *
 *   last_t = w · last_{t−1} + (1 − w) · y_t,   last_0 = 0
 *   smoothed_t = last_t / (1 − w^t)             (t counts finite points only; w = 1 → divisor 1)
 *
 * Like TensorBoard it is index-based, not x-gap aware: each finite point weighs the same whatever
 * the step distance to its neighbour. Non-finite values (NaN, ±Infinity) are passed through
 * unchanged and neither update the average nor advance t. A constant series is returned as is
 * (TensorBoard issue #786: the EMA of a constant would otherwise show floating-point wiggle).
 */

/** TensorBoard's default smoothing weight (METRICS_SETTINGS_DEFAULT.scalarSmoothing). */
export const DEFAULT_SMOOTHING = 0.6;
/** Largest weight the slider offers (TensorBoard's slider stops at 0.999; 1 would flatten to 0). */
export const MAX_SMOOTHING = 0.999;

/** Weight as TensorBoard normalises it: non-finite → 0, then clamped to [0, 1]. */
export function normalizeSmoothingWeight(weight: number): number {
  if (!Number.isFinite(weight)) return 0;
  return Math.max(0, Math.min(weight, 1));
}

/**
 * Debiased EMA of `values` with smoothing weight `weight` (0 = raw values, towards 1 = smoother).
 * Returns a new Float64Array of the same length.
 */
export function smoothEma(values: ArrayLike<number>, weight: number): Float64Array {
  const w = normalizeSmoothingWeight(weight);
  const n = values.length;
  const out = new Float64Array(n);
  if (n === 0) return out;

  const first = values[0];
  let isConstant = true;
  // TensorBoard compares with `==`, so a series starting with NaN is never "constant".
  for (let i = 0; i < n; i++) {
    if (!(values[i] === first)) {
      isConstant = false;
      break;
    }
  }
  if (isConstant) {
    for (let i = 0; i < n; i++) out[i] = values[i];
    return out;
  }

  let last = 0;
  let numAccum = 0;
  for (let i = 0; i < n; i++) {
    const y = values[i];
    if (!Number.isFinite(y)) {
      out[i] = y;
      continue;
    }
    last = last * w + (1 - w) * y;
    numAccum++;
    const debiasWeight = w === 1 ? 1 : 1 - Math.pow(w, numAccum);
    out[i] = last / debiasWeight;
  }
  return out;
}

/**
 * The smoothing weights the charts offer, besides 0 (off). The server keeps EMA-ready state for
 * each of them in every 64-step rollup (MetricRollup.ema, core/series-ema.ts), so a smoothed value
 * is computed over the whole stored series at any zoom without reading the raw points. TensorBoard's
 * default (0.6) and the weights people use for noisy RL curves (0.9–0.999) are among them.
 * Changing this list makes stored rollups stale; the server rebuilds stale ones on first read.
 */
export const SMOOTHING_STOPS = [0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99, 0.995, 0.999] as const;

/** The stop nearest to `weight` (0 and anything nearer to 0 than to the first stop → 0 = off). */
export function snapSmoothing(weight: number): number {
  const w = normalizeSmoothingWeight(weight);
  let best = 0;
  let dist = w;
  for (const s of SMOOTHING_STOPS) {
    const d = Math.abs(w - s);
    if (d < dist) {
      best = s;
      dist = d;
    }
  }
  return best;
}

/** Index of `weight` in SMOOTHING_STOPS, or -1 when it is not a stop (0 included). */
export function smoothingStopIndex(weight: number): number {
  return (SMOOTHING_STOPS as readonly number[]).indexOf(weight);
}
