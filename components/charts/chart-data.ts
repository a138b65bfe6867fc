/**
 * Pure data preparation for MetricChart: x-axis choice, column bands, zoom window, y-range and
 * hover look-up. Smoothing is not computed here: the server sends each point's smoothed value (the
 * EMA over the whole stored series), so zoom and downsampling never change it.
 * Kept out of the component so it is unit-tested and memoisable.
 */
import { lowerBound, sliceRange } from '../../core/downsample';
import type { RunScorer } from '../../core/scorer-view';
import { METRIC_KEYS, PRIMARY_METRIC_KEYS } from '../../core/types';
import type { XAxisMode } from '../../core/view-state';

/**
 * One run's series of one metric key, column-oriented — `metric.series` output after
 * core/series-wire.ts `decodeSeries`, plus what the page knows about the run.
 */
export interface MetricSeries {
  runId: string;
  /** Legend label; defaults to the run id. */
  runName?: string;
  /** Overrides the stable per-run colour. */
  color?: string;
  step: ArrayLike<number>;
  value: ArrayLike<number>;
  /** Smoothed value at each point (the server's EMA over the whole stored series); absent = not smoothed. */
  smoothed?: ArrayLike<number> | null;
  /** Weight the server smoothed with (0 = none). */
  smoothing?: number;
  /** Index of the first point of each pixel column of a reduced series; the band spans each column's min–max. */
  colStart?: ArrayLike<number> | null;
  /** Seconds since the run's first point (x of the `relative` axis). */
  relTime?: ArrayLike<number> | null;
  /** Epoch ms of each point; used for `relative` when `relTime` is absent. */
  wallTime?: ArrayLike<number> | null;
  /** Epoch ms of the run's first point, origin of `relative` when only `wallTime` is given. Default: first wallTime here. */
  startTime?: number | null;
  /** Whether points were reduced (one column's first/min/max/last per pixel). */
  reduced?: boolean;
  /** Stored points in range. */
  total?: number;
  /** How the run's scores were produced (shown for score curves). */
  scorer?: RunScorer | null;
  /** Unit of the values, when the metric has one for this run (response_length: words / tokens). */
  unit?: string | null;
}

/**
 * One run's series ready to draw, column-oriented (no object per point): x on the chosen axis,
 * the raw value, the column band (NaN where the point is not part of a reduced column) and the
 * smoothed value.
 */
export interface PreparedSeries {
  runId: string;
  name: string;
  color: string;
  /** x on the chosen axis, ascending. */
  xs: Float64Array;
  steps: Float64Array;
  raw: Float64Array;
  /** Min / max of the point's pixel column (NaN where the point is not a reduced column's). */
  lo: Float64Array;
  hi: Float64Array;
  hasBand: boolean;
  /** The server's smoothed values (equal to `raw` when the series is not smoothed). */
  smoothed: Float64Array;
  /** Whether `smoothed` holds smoothed values. */
  isSmoothed: boolean;
  scorer: RunScorer | null;
  unit: string | null;
}

/** The x value of point i of a series on the chosen axis (NaN when not available). */
export function xValueAt(series: MetricSeries, i: number, axis: XAxisMode): number {
  if (axis === 'step') return series.step[i];
  if (series.relTime && i < series.relTime.length) return series.relTime[i];
  if (series.wallTime && i < series.wallTime.length) {
    const origin = series.startTime ?? (series.wallTime.length > 0 ? series.wallTime[0] : 0);
    return (series.wallTime[i] - origin) / 1000;
  }
  return NaN;
}

/** Per point, the min and max of its pixel column (NaN outside reduced columns). */
function columnBands(series: MetricSeries, n: number): { lo: Float64Array; hi: Float64Array } {
  const lo = new Float64Array(n).fill(NaN);
  const hi = new Float64Array(n).fill(NaN);
  const starts = series.reduced && series.colStart ? Array.from(series.colStart) : [];
  for (let c = 0; c < starts.length; c++) {
    const a = Math.max(0, starts[c]);
    const b = Math.min(n, c + 1 < starts.length ? starts[c + 1] : n);
    let mn = Infinity;
    let mx = -Infinity;
    for (let i = a; i < b; i++) {
      const v = series.value[i];
      if (v < mn) mn = v;
      if (v > mx) mx = v;
    }
    for (let i = a; i < b; i++) {
      lo[i] = mn;
      hi[i] = mx;
    }
  }
  return { lo, hi };
}

/**
 * Columns on the chosen axis; points whose x is unknown are dropped, and the relative axis is
 * sorted by x (wall time follows step order in practice; this is only a safeguard).
 */
export function prepareSeries(series: MetricSeries, options: { xAxis: XAxisMode; color: string }): PreparedSeries {
  const n = Math.min(series.step.length, series.value.length);
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(xValueAt(series, i, options.xAxis))) order.push(i);
  if (options.xAxis === 'relative') order.sort((a, b) => xValueAt(series, a, 'relative') - xValueAt(series, b, 'relative'));
  const m = order.length;
  const bands = columnBands(series, n);
  const sm = series.smoothed && series.smoothed.length >= n ? series.smoothed : null;
  const xs = new Float64Array(m);
  const steps = new Float64Array(m);
  const raw = new Float64Array(m);
  const lo = new Float64Array(m).fill(NaN);
  const hi = new Float64Array(m).fill(NaN);
  const smoothed = sm ? new Float64Array(m) : raw;
  let hasBand = false;
  for (let k = 0; k < m; k++) {
    const i = order[k];
    xs[k] = xValueAt(series, i, options.xAxis);
    steps[k] = series.step[i];
    raw[k] = series.value[i];
    if (sm) smoothed[k] = sm[i];
    const a = bands.lo[i];
    const b = bands.hi[i];
    if (Number.isFinite(a) && Number.isFinite(b) && b > a) {
      lo[k] = a;
      hi[k] = b;
      hasBand = true;
    }
  }
  return {
    runId: series.runId,
    name: series.runName ?? series.runId,
    color: series.color ?? options.color,
    xs,
    steps,
    raw,
    lo,
    hi,
    hasBand,
    smoothed,
    isSmoothed: sm !== null,
    scorer: series.scorer ?? null,
    unit: series.unit ?? null,
  };
}

/** Index range [start, end) of the points inside [x0, x1], plus one neighbour each side so lines reach the edges. */
export function visibleRange(series: PreparedSeries, domain: [number, number] | null): { start: number; end: number } {
  if (!domain) return { start: 0, end: series.xs.length };
  return sliceRange(series.xs, domain[0], domain[1], 1);
}

/** The x-range to show: the zoom if set, else the data's extent (widened when it is a single x). */
export function computeXDomain(series: readonly PreparedSeries[], zoom: [number, number] | null | undefined): [number, number] | null {
  if (zoom && Number.isFinite(zoom[0]) && Number.isFinite(zoom[1]) && zoom[0] !== zoom[1]) {
    return zoom[0] < zoom[1] ? [zoom[0], zoom[1]] : [zoom[1], zoom[0]];
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    if (s.xs.length === 0) continue;
    lo = Math.min(lo, s.xs[0]);
    hi = Math.max(hi, s.xs[s.xs.length - 1]);
  }
  if (!Number.isFinite(lo)) return null;
  if (lo === hi) return [lo - 1, hi + 1];
  return [lo, hi];
}

/** y-range over the visible points (raw, smoothed and bands), padded by 5 %. */
export function computeYDomain(series: readonly PreparedSeries[], xDomain: [number, number] | null): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  const take = (v: number) => {
    if (v === v && v !== Infinity && v !== -Infinity) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  };
  for (const s of series) {
    const { start, end } = visibleRange(s, xDomain);
    for (let i = start; i < end; i++) {
      if (xDomain && (s.xs[i] < xDomain[0] || s.xs[i] > xDomain[1])) continue;
      take(s.raw[i]);
      take(s.smoothed[i]);
      take(s.lo[i]);
      take(s.hi[i]);
    }
  }
  if (!Number.isFinite(lo)) return null;
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - pad, hi + pad];
  }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/** Index of the point nearest to x (xs sorted), or -1 for an empty array. */
export function nearestIndex(xs: ArrayLike<number>, x: number): number {
  const n = xs.length;
  if (n === 0 || !Number.isFinite(x)) return -1;
  const i = lowerBound(xs, x);
  if (i <= 0) return 0;
  if (i >= n) return n - 1;
  return x - xs[i - 1] <= xs[i] - x ? i - 1 : i;
}

/** One run's line in the hover card: the stored point nearest to the cursor. */
export interface HoverRow {
  series: PreparedSeries;
  step: number;
  x: number;
  raw: number;
  smoothed: number | null;
  band: [number, number] | null;
}

/**
 * What the hover card shows at cursor x: each series' nearest point inside the domain, and as the
 * header the step (and x) of the point nearest to the cursor over all series — a stored step, never
 * the cursor's own position.
 */
export function hoverAt(series: readonly PreparedSeries[], x: number, domain: [number, number] | null): { step: number; x: number; rows: HoverRow[] } | null {
  if (!Number.isFinite(x)) return null;
  const rows: HoverRow[] = [];
  let best: HoverRow | null = null;
  for (const s of series) {
    const i = nearestIndex(s.xs, x);
    if (i < 0) continue;
    if (domain && (s.xs[i] < domain[0] || s.xs[i] > domain[1])) continue;
    const row: HoverRow = {
      series: s,
      step: s.steps[i],
      x: s.xs[i],
      raw: s.raw[i],
      smoothed: s.isSmoothed ? s.smoothed[i] : null,
      band: Number.isNaN(s.lo[i]) ? null : [s.lo[i], s.hi[i]],
    };
    rows.push(row);
    if (!best || Math.abs(row.x - x) < Math.abs(best.x - x)) best = row;
  }
  return best ? { step: best.step, x: best.x, rows } : null;
}

/** Human duration for the relative axis: 45s, 12m, 1.5h, 2.1d. */
export function formatRelativeSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '';
  const sign = seconds < 0 ? '-' : '';
  const s = Math.abs(seconds);
  const trim = (v: number) => String(Number(v.toFixed(1)));
  if (s < 60) return `${sign}${trim(s)}s`;
  if (s < 3600) return `${sign}${trim(s / 60)}m`;
  if (s < 86400) return `${sign}${trim(s / 3600)}h`;
  return `${sign}${trim(s / 86400)}d`;
}

/** Compact number for ticks and tooltips: 4 significant digits, exponent for very small/large. */
export function formatMetricValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

/** Tick label of the x-axis (steps are whole numbers). */
export function formatX(x: number, axis: XAxisMode): string {
  return axis === 'step' ? String(Math.round(x)) : formatRelativeSeconds(x);
}

/** x-axis ticks: whole steps only on the step axis (a zoom into 3 steps has no tick at 2.5). */
export function xAxisTicks(domain: [number, number], axis: XAxisMode, count = 5): number[] {
  if (axis === 'relative') return niceTicks(domain[0], domain[1], count, 'duration');
  return niceTicks(domain[0], domain[1], count).filter((t) => Number.isInteger(t));
}

/**
 * Chart order of metric keys: the paper's Figure 2 curves (think_score, reward, response_length)
 * first, then the other canonical keys in METRIC_KEYS order, then anything else alphabetically.
 */
export function orderMetricKeys(keys: readonly string[]): string[] {
  const rank = new Map<string, number>();
  PRIMARY_METRIC_KEYS.forEach((k, i) => rank.set(k, i));
  METRIC_KEYS.forEach((k, i) => {
    if (!rank.has(k)) rank.set(k, PRIMARY_METRIC_KEYS.length + i);
  });
  const unique = [...new Set(keys)];
  return unique.sort((a, b) => {
    const ra = rank.get(a);
    const rb = rank.get(b);
    if (ra !== undefined && rb !== undefined) return ra - rb;
    if (ra !== undefined) return -1;
    if (rb !== undefined) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

const DURATION_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];

/** A "nice" tick step (1, 2, 2.5 or 5 × 10^k; or a clock-friendly duration) of about range / count. */
export function niceStep(range: number, count: number, mode: 'number' | 'duration' = 'number'): number {
  const raw = range / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  if (mode === 'duration' && raw >= 1) {
    for (const s of DURATION_STEPS) if (s >= raw) return s;
    return Math.ceil(raw / 86400) * 86400;
  }
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const norm = raw / mag;
  const nice = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
  return nice * mag;
}

/** Ticks at multiples of a nice step inside [lo, hi] (about `count` of them). */
export function niceTicks(lo: number, hi: number, count = 5, mode: 'number' | 'duration' = 'number'): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi <= lo) return [];
  const step = niceStep(hi - lo, count, mode);
  const ticks: number[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  for (let k = first; k * step <= hi + step * 1e-9 && ticks.length < 1000; k++) {
    ticks.push(Number((k * step).toPrecision(12)));
  }
  return ticks;
}

/** Widen a y-range outwards to multiples of its nice tick step, so the axis starts and ends on a tick. */
export function niceDomain(domain: [number, number], count = 5): [number, number] {
  const [lo, hi] = domain;
  const step = niceStep(hi - lo, count);
  return [Number((Math.floor(lo / step) * step).toPrecision(12)), Number((Math.ceil(hi / step) * step).toPrecision(12))];
}

export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

function scaler(xDomain: [number, number], yDomain: [number, number], box: PixelBox) {
  const sx = box.width / (xDomain[1] - xDomain[0] || 1);
  const sy = box.height / (yDomain[1] - yDomain[0] || 1);
  // Far-off-screen values are clamped so the path stays valid; the clip path hides them.
  const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);
  return {
    px: (x: number) => round1(clamp(box.x + (x - xDomain[0]) * sx, box.x - 1e5, box.x + box.width + 1e5)),
    py: (y: number) => round1(clamp(box.y + box.height - (y - yDomain[0]) * sy, box.y - 1e5, box.y + box.height + 1e5)),
  };
}

/**
 * SVG path of a line through `ys` over `series.xs` in [start, end); non-finite values break the
 * line. An isolated point becomes a zero-length segment (`l0,0`), drawn as a dot with round caps.
 */
export function linePath(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  range: { start: number; end: number },
  xDomain: [number, number],
  yDomain: [number, number],
  box: PixelBox,
): string {
  const { px, py } = scaler(xDomain, yDomain, box);
  let out = '';
  let segment = 0;
  for (let i = range.start; i < range.end; i++) {
    const v = ys[i];
    const x = xs[i];
    if (!Number.isFinite(v) || !Number.isFinite(x)) {
      if (segment === 1) out += 'l0,0';
      segment = 0;
      continue;
    }
    out += `${segment > 0 ? 'L' : 'M'}${px(x)},${py(v)}`;
    segment++;
  }
  if (segment === 1) out += 'l0,0';
  return out;
}

/**
 * SVG path of the min/max band: for each run of finite points, along the maxima forwards and back
 * along the minima (points that are not buckets contribute their raw value to both edges). Inside
 * a bucket the M4 points share one band, so only a bucket's first and last point are used.
 */
export function bandPath(series: PreparedSeries, range: { start: number; end: number }, xDomain: [number, number], yDomain: [number, number], box: PixelBox): string {
  const { px, py } = scaler(xDomain, yDomain, box);
  const { xs, raw, lo, hi } = series;
  const top = (i: number) => (Number.isNaN(hi[i]) ? raw[i] : hi[i]);
  const bottom = (i: number) => (Number.isNaN(lo[i]) ? raw[i] : lo[i]);
  const sameBand = (i: number, j: number) => j >= range.start && j < range.end && top(i) === top(j) && bottom(i) === bottom(j) && !Number.isNaN(hi[i]);
  let out = '';
  let run: number[] = [];
  const flush = () => {
    if (run.length >= 2) {
      let upper = '';
      let lower = '';
      for (let k = 0; k < run.length; k++) upper += `${k === 0 ? 'M' : 'L'}${px(xs[run[k]])},${py(top(run[k]))}`;
      for (let k = run.length - 1; k >= 0; k--) lower += `L${px(xs[run[k]])},${py(bottom(run[k]))}`;
      out += `${upper}${lower}Z`;
    }
    run = [];
  };
  for (let i = range.start; i < range.end; i++) {
    if (!Number.isFinite(raw[i]) || !Number.isFinite(xs[i])) {
      flush();
      continue;
    }
    // Interior points of a bucket (same band before and after) add nothing to the outline.
    if (sameBand(i, i - 1) && sameBand(i, i + 1)) continue;
    run.push(i);
  }
  flush();
  return out;
}
