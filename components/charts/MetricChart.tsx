'use client';

/**
 * One metric key for several runs, TensorBoard style: the smoothed line solid, the raw line faint
 * behind it, a faint min/max band over each pixel column of a reduced series. The smoothed values
 * come from the server (EMA over the whole stored series), so zooming never changes them. Hover
 * shows each run's nearest stored point — its step, raw and smoothed value, and for score curves how
 * the score was produced; dragging across the plot selects an x-range and calls `onZoom([x0, x1])`
 * (the parent re-fetches detail), double-click resets. Curves scored by offline lexical providers
 * carry a "≈ lexical" badge.
 *
 * Performance (10 runs × 1,500+ points): series are prepared once per (series, x-axis), the
 * recharts tree is memoised and never re-rendered by hover (hover state lives in a small external
 * store read only by the crosshair and the tooltip), no animation, no dots.
 */
import { memo, useCallback, useDeferredValue, useId, useMemo, useRef, useState, useSyncExternalStore, type PointerEvent, type ReactNode, type RefObject } from 'react';
import { CartesianGrid, ComposedChart, XAxis, YAxis, usePlotArea, useXAxisInverseScale } from 'recharts';
import { isApproximateCurve, isScoreKey, scorerShort } from '../../core/scorer-view';
import type { XAxisMode } from '../../core/view-state';
import { Button } from '../ui/Button';
import { cn } from '../ui/cn';
import {
  computeXDomain,
  computeYDomain,
  formatMetricValue,
  formatX,
  bandPath,
  hoverAt,
  linePath,
  niceTicks,
  prepareSeries,
  visibleRange,
  xAxisTicks,
  type MetricSeries,
  type PreparedSeries,
} from './chart-data';
import { assignRunColors } from './colors';
import { LexicalBadge } from './ApproximationBadge';

export type { MetricSeries } from './chart-data';

export interface MetricChartProps {
  /** Metric key shown (e.g. `think_score`); also the default title. */
  metricKey: string;
  /** One entry per run; an entry with no points is listed in the legend as "no points". */
  series: readonly MetricSeries[];
  xAxis: XAxisMode;
  /** Visible x-range in the x-axis' units (steps or seconds), or null for all points. */
  zoom?: [number, number] | null;
  /** Drag-to-zoom result, or null on double-click / "Reset zoom". Omit to disable zooming. */
  onZoom?: (range: [number, number] | null) => void;
  title?: ReactNode;
  /** Unit or definition shown beside the title (e.g. Escore's coverage thresholds). */
  note?: string | null;
  /** Plot height in pixels (default 220). */
  height?: number;
  /** Show "Loading…" instead of the empty message while the first data is on its way. */
  loading?: boolean;
  /** Colour per run id; default: stable colours from components/charts/colors.ts. */
  colors?: ReadonlyMap<string, string>;
  /** Show a "Reset zoom" button in the chart's header while zoomed (default true). */
  showResetZoom?: boolean;
  className?: string;
}

const MARGIN = { top: 8, right: 12, bottom: 0, left: 0 };
const Y_AXIS_WIDTH = 56;
const X_AXIS_HEIGHT = 24;
const MIN_DRAG_PX = 4;

/** The same tuple object while its numbers are unchanged, so memoised children do not redraw. */
function useStableRange(range: [number, number] | null): [number, number] | null {
  const ref = useRef(range);
  const prev = ref.current;
  if (prev !== range && !(prev && range && prev[0] === range[0] && prev[1] === range[1])) ref.current = range;
  return ref.current;
}

/** Pointer state shared by the SVG event layer and the HTML overlay (crosshair, selection, tooltip). */
interface PointerState {
  /** Data x under the pointer, or null when the pointer is outside the plot. */
  x: number | null;
  /** Pointer x in chart pixels. */
  px: number;
  /** Plot area in chart pixels. */
  plot: { x: number; y: number; width: number; height: number };
  /** Drag-to-zoom selection in chart pixels, while dragging. */
  drag: { from: number; to: number } | null;
}

interface PointerStore {
  get(): PointerState | null;
  set(state: PointerState | null): void;
  subscribe(listener: () => void): () => void;
}

function createPointerStore(): PointerStore {
  let state: PointerState | null = null;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set(next) {
      if (next === state) return;
      state = next;
      listeners.forEach((l) => l());
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function MetricChart({
  metricKey,
  series,
  xAxis,
  zoom = null,
  onZoom,
  title,
  note = null,
  height = 220,
  loading = false,
  colors,
  showResetZoom = true,
  className,
}: MetricChartProps) {
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set());
  const [store] = useState(createPointerStore);
  const onZoomRef = useRef(onZoom);
  onZoomRef.current = onZoom;

  // New data renders in the background; the page stays responsive.
  const deferredSeries = useDeferredValue(series);
  const colorMap = useMemo(() => colors ?? assignRunColors(deferredSeries.map((s) => s.runId)), [colors, deferredSeries]);
  const prepared = useMemo(
    () => deferredSeries.map((s) => prepareSeries(s, { xAxis, color: colorMap.get(s.runId) ?? '#888888' })),
    [deferredSeries, xAxis, colorMap],
  );
  const active = useMemo(() => prepared.filter((s) => !hidden.has(s.runId) && s.xs.length > 0), [prepared, hidden]);
  const showSmoothed = active.some((s) => s.isSmoothed);
  const xDomain = useStableRange(useMemo(() => computeXDomain(active, zoom), [active, zoom]));
  const yDomain = useStableRange(useMemo(() => computeYDomain(active, xDomain), [active, xDomain]));
  const reduced = series.some((s) => s.reduced);
  const hasPoints = prepared.some((s) => s.xs.length > 0);
  const scoreCurve = isScoreKey(metricKey);
  const approximate = scoreCurve && series.some((s) => isApproximateCurve(s.scorer ?? null, metricKey));
  const primary = series[0];

  const exportCsv = useCallback(() => {
    // Every stored point of the shown runs (with run id, name and scorer), from the server.
    const q = new URLSearchParams({ runs: series.map((s) => s.runId).join(','), keys: metricKey });
    if (zoom && xDomain) {
      let lo = Infinity;
      let hi = -Infinity;
      if (xAxis === 'step') {
        lo = Math.floor(xDomain[0]);
        hi = Math.ceil(xDomain[1]);
      } else {
        // Relative-time zoom: the steps of the points in view.
        for (const p of prepared)
          for (let i = 0; i < p.xs.length; i++)
            if (p.xs[i]! >= xDomain[0] && p.xs[i]! <= xDomain[1]) {
              lo = Math.min(lo, p.steps[i]!);
              hi = Math.max(hi, p.steps[i]!);
            }
      }
      if (Number.isFinite(lo) && Number.isFinite(hi)) {
        q.set('xMin', String(lo));
        q.set('xMax', String(hi));
      }
    }
    window.location.assign(`/api/metrics.csv?${q.toString()}`);
  }, [series, metricKey, xAxis, zoom, xDomain, prepared]);

  const chart = useMemo(() => {
    if (!xDomain || !yDomain) return null;
    const xTicks = xAxisTicks(xDomain, xAxis);
    const yTicks = niceTicks(yDomain[0], yDomain[1], 4);
    return (
      <ComposedChart
        responsive
        style={{ width: '100%', height }}
        margin={MARGIN}
        data={[{ x: xDomain[0] }, { x: xDomain[1] }]}
        accessibilityLayer={false}
      >
        <CartesianGrid stroke="currentColor" strokeOpacity={0.12} />
        <XAxis
          dataKey="x"
          type="number"
          scale="linear"
          domain={xDomain}
          allowDataOverflow
          ticks={xTicks}
          height={X_AXIS_HEIGHT}
          tick={{ fontSize: 11, fill: 'currentColor' }}
          stroke="currentColor"
          strokeOpacity={0.4}
          tickFormatter={(v: number) => formatX(v, xAxis)}
          minTickGap={24}
        />
        <YAxis
          type="number"
          domain={yDomain}
          allowDataOverflow
          ticks={yTicks}
          width={Y_AXIS_WIDTH}
          tick={{ fontSize: 11, fill: 'currentColor' }}
          stroke="currentColor"
          strokeOpacity={0.4}
          tickFormatter={(v: number) => formatMetricValue(v)}
        />
        <SeriesLayer active={active} xDomain={xDomain} yDomain={yDomain} showSmoothed={showSmoothed} />
        <InteractionLayer store={store} onZoomRef={onZoomRef} />
      </ComposedChart>
    );
  }, [xDomain, yDomain, active, showSmoothed, height, xAxis, store]);

  const toggle = (runId: string) =>
    setHidden((prev) => {
      const next = new Set(prev);
      if (next.has(runId)) next.delete(runId);
      else next.add(runId);
      return next;
    });

  return (
    <section
      className={cn('rounded-lg border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900', className)}
      data-testid={`metric-chart-${metricKey}`}
      aria-label={`${metricKey} chart`}
      // Hidden statistics of the page's own run (first series), for scripts and browser tests.
      data-points={primary?.step.length ?? 0}
      data-total={primary?.total ?? primary?.step.length ?? 0}
      data-last-step={primary && primary.step.length ? primary.step[primary.step.length - 1] : ''}
      data-smoothing={primary?.smoothing ?? 0}
    >
      <header className="mb-1 flex items-center gap-2">
        <h3 className="min-w-0 truncate font-mono text-sm font-medium" title={note ?? undefined}>
          {title ?? metricKey}
        </h3>
        {approximate && (
<LexicalBadge testId={`chart-approximate-${metricKey}`} />
        )}
        {reduced && (
          <span className="text-xs text-zinc-400" title="Each plotted point stands for a bucket of steps; the band shows its min and max. Zoom in for every point.">
            downsampled
          </span>
        )}
        <div className="ml-auto flex items-center gap-1">
          {zoom && onZoom && hasPoints && showResetZoom && (
            <Button size="sm" variant="ghost" onClick={() => onZoom(null)} data-testid={`chart-reset-zoom-${metricKey}`}>
              Reset zoom
            </Button>
          )}
          {hasPoints && (
            <Button size="sm" variant="ghost" onClick={exportCsv} data-testid={`chart-csv-${metricKey}`} title="Download the raw values as CSV">
              CSV
            </Button>
          )}
        </div>
      </header>

      {!hasPoints ? (
        <div
          className="flex items-center justify-center rounded border border-dashed border-zinc-200 text-sm text-zinc-500 dark:border-zinc-800 dark:text-zinc-400"
          style={{ height }}
          data-testid={`chart-empty-${metricKey}`}
        >
          {loading ? `Loading ${metricKey}…` : `no points for ${metricKey} yet`}
        </div>
      ) : (
        <div className="relative select-none text-zinc-500 dark:text-zinc-400" style={{ height }}>
          {/* Own compositing layer: the overlay's crosshair moving must not repaint thousands of path segments. */}
          <div style={{ willChange: 'transform', height }}>
            {chart ?? <div className="flex h-full items-center justify-center text-sm">all runs hidden</div>}
          </div>
          {chart && <PointerOverlay store={store} shown={active} xAxis={xAxis} xDomain={xDomain} metricKey={metricKey} />}
        </div>
      )}
      {note && (
        <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400" data-testid={`chart-note-${metricKey}`}>
          {note}
        </p>
      )}

      {series.length > 0 && (
        <ul className="mt-2 flex flex-wrap gap-x-3 gap-y-1 text-xs" aria-label={`runs in ${metricKey}`}>
          {prepared.map((s) => {
            const off = hidden.has(s.runId);
            return (
              <li key={s.runId}>
                <button
                  type="button"
                  onClick={() => toggle(s.runId)}
                  aria-pressed={!off}
                  title={off ? 'Show this run' : 'Hide this run'}
                  className={cn('inline-flex items-center gap-1.5 rounded px-1 hover:bg-zinc-100 dark:hover:bg-zinc-800', off && 'opacity-40')}
                >
                  <span aria-hidden className="inline-block h-0.5 w-3 rounded" style={{ backgroundColor: s.color }} />
                  <span className="max-w-48 truncate">{s.name}</span>
                  {scoreCurve && isApproximateCurve(s.scorer, metricKey) && (
                    <span className="text-amber-700 dark:text-amber-300" title="offline lexical approximation">
                      ≈
                    </span>
                  )}
                  {s.xs.length === 0 && <span className="text-zinc-400">(no points)</span>}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/**
 * The lines, drawn as one SVG path per series and layer (band, raw, smoothed) inside the recharts
 * plot area. recharts' own <Line>/<Area> build several objects per point on every render, which
 * is seconds for 10 runs × thousands of points; a path string is a few milliseconds.
 */
const SeriesLayer = memo(function SeriesLayer({
  active,
  xDomain,
  yDomain,
  showSmoothed,
}: {
  active: PreparedSeries[];
  xDomain: [number, number];
  yDomain: [number, number];
  /** Draw the smoothed line (solid) over a faint raw line. */
  showSmoothed: boolean;
}) {
  const plot = usePlotArea();
  const clipId = useId().replace(/:/g, '');
  // Keyed by the numbers, not the plot object, which recharts may recreate with equal values.
  const [bx, by, bw, bh] = plot ? [plot.x, plot.y, plot.width, plot.height] : [0, 0, 0, 0];
  const box = useMemo(() => (bw > 0 && bh > 0 ? { x: bx, y: by, width: bw, height: bh } : null), [bx, by, bw, bh]);
  const rawPaths = useMemo(() => {
    if (!box) return null;
    return active.map((s) => {
      const range = visibleRange(s, xDomain);
      return {
        runId: s.runId,
        color: s.color,
        band: s.hasBand ? bandPath(s, range, xDomain, yDomain, box) : '',
        raw: linePath(s.xs, s.raw, range, xDomain, yDomain, box),
      };
    });
  }, [box, active, xDomain, yDomain]);
  const smoothPaths = useMemo(() => {
    if (!box || !showSmoothed) return null;
    return active.map((s) => (s.isSmoothed ? linePath(s.xs, s.smoothed, visibleRange(s, xDomain), xDomain, yDomain, box) : ''));
  }, [box, active, xDomain, yDomain, showSmoothed]);
  const paths = rawPaths?.map((p, i) => ({ ...p, smoothed: smoothPaths?.[i] ?? '' }));
  if (!plot || !paths) return null;
  return (
    <g className="metric-chart-series" pointerEvents="none">
      <defs>
        <clipPath id={clipId}>
          <rect x={plot.x} y={plot.y} width={plot.width} height={plot.height} />
        </clipPath>
      </defs>
      <g clipPath={`url(#${clipId})`}>
        {paths.map((p) => (p.band ? <path key={`band-${p.runId}`} d={p.band} fill={p.color} fillOpacity={0.12} stroke="none" /> : null))}
        {paths.map((p) => (
          <path
            key={`raw-${p.runId}`}
            d={p.raw}
            fill="none"
            stroke={p.color}
            strokeOpacity={showSmoothed ? 0.28 : 1}
            strokeWidth={showSmoothed ? 1 : 1.5}
            strokeLinejoin="round"
            strokeLinecap="round"
            data-run={p.runId}
            data-layer="raw"
          />
        ))}
        {showSmoothed &&
          paths.map((p) => (
            <path
              key={`smooth-${p.runId}`}
              d={p.smoothed}
              fill="none"
              stroke={p.color}
              strokeWidth={1.75}
              strokeLinejoin="round"
              strokeLinecap="round"
              data-run={p.runId}
              data-layer="smoothed"
            />
          ))}
      </g>
    </g>
  );
});

/**
 * Rendered inside the recharts SVG: a transparent rect over the plot area that turns pointer
 * positions into data x (via the axis' inverse scale) and drag gestures into `onZoom`. It draws
 * nothing itself: the crosshair and the selection are HTML (PointerOverlay), so hovering never
 * repaints the SVG.
 */
const InteractionLayer = memo(function InteractionLayer({
  store,
  onZoomRef,
}: {
  store: PointerStore;
  onZoomRef: RefObject<MetricChartProps['onZoom']>;
}) {
  const plot = usePlotArea();
  const invert = useXAxisInverseScale();
  if (!plot || !invert || plot.width <= 0 || plot.height <= 0) return null;
  const area = { x: plot.x, y: plot.y, width: plot.width, height: plot.height };

  const localX = (e: PointerEvent<SVGRectElement>): number => {
    const r = e.currentTarget.getBoundingClientRect();
    const scale = r.width > 0 ? area.width / r.width : 1;
    return Math.min(area.x + area.width, Math.max(area.x, area.x + (e.clientX - r.left) * scale));
  };
  const dataX = (px: number): number => {
    const v = invert(px);
    return typeof v === 'number' ? v : Number(v);
  };

  return (
    <rect
      x={area.x}
      y={area.y}
      width={area.width}
      height={area.height}
      fill="transparent"
      data-testid="chart-plot-area"
      style={{ cursor: onZoomRef.current ? 'crosshair' : 'default', touchAction: 'none' }}
      onPointerMove={(e) => {
        const px = localX(e);
        const drag = store.get()?.drag ?? null;
        store.set({ x: dataX(px), px, plot: area, drag: drag ? { from: drag.from, to: px } : null });
      }}
      onPointerLeave={() => {
        if (!store.get()?.drag) store.set(null);
      }}
      onPointerDown={(e) => {
        if (!onZoomRef.current || e.button !== 0) return;
        e.currentTarget.setPointerCapture(e.pointerId);
        const px = localX(e);
        store.set({ x: dataX(px), px, plot: area, drag: { from: px, to: px } });
      }}
      onPointerUp={(e) => {
        const drag = store.get()?.drag;
        if (!drag) return;
        if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
        const px = localX(e);
        store.set({ x: dataX(px), px, plot: area, drag: null });
        if (Math.abs(px - drag.from) < MIN_DRAG_PX) return;
        const a = dataX(drag.from);
        const b = dataX(px);
        if (Number.isFinite(a) && Number.isFinite(b) && a !== b) onZoomRef.current?.(a < b ? [a, b] : [b, a]);
      }}
      onPointerCancel={() => store.set(null)}
      onDoubleClick={() => onZoomRef.current?.(null)}
    />
  );
});

/** HTML over the chart: crosshair, drag selection and the hover card. */
function PointerOverlay(props: { store: PointerStore; shown: PreparedSeries[]; xAxis: XAxisMode; xDomain: [number, number] | null; metricKey: string }) {
  const state = useSyncExternalStore(props.store.subscribe, props.store.get, props.store.get);
  if (!state) return null;
  const { plot, drag, px } = state;
  return (
    <>
      {drag ? (
        <div
          aria-hidden
          className="pointer-events-none absolute bg-current opacity-15"
          style={{ left: Math.min(drag.from, drag.to), width: Math.abs(drag.to - drag.from), top: plot.y, height: plot.height }}
        />
      ) : (
        <div
          aria-hidden
          className="pointer-events-none absolute border-l border-dashed border-current opacity-50"
          style={{ left: px, top: plot.y, height: plot.height }}
        />
      )}
      {!drag && state.x !== null && <HoverTooltip {...props} x={state.x} px={px} chartWidth={plot.x + plot.width} />}
    </>
  );
}

/**
 * The hover card: the step of the stored point nearest to the cursor, then each visible run's
 * nearest point (its own step when it differs), raw and smoothed value, and for score curves how
 * the run's scores were produced.
 */
function HoverTooltip({
  shown,
  xAxis,
  xDomain,
  metricKey,
  x,
  px,
  chartWidth,
}: {
  shown: PreparedSeries[];
  xAxis: XAxisMode;
  xDomain: [number, number] | null;
  metricKey: string;
  x: number;
  px: number;
  chartWidth: number;
}) {
  const hover = hoverAt(shown, x, xDomain);
  if (!hover) return null;
  const anySmoothed = hover.rows.some((r) => r.smoothed !== null);
  const scoreCurve = isScoreKey(metricKey);
  const flip = px > chartWidth / 2;
  return (
    <div
      role="status"
      data-testid="chart-tooltip"
      data-step={hover.step}
      className="pointer-events-none absolute z-10 min-w-44 max-w-md rounded-md border border-zinc-200 bg-white/95 p-2 text-xs text-zinc-800 shadow-md dark:border-zinc-700 dark:bg-zinc-900/95 dark:text-zinc-100"
      style={{ top: 4, left: flip ? undefined : px + 12, right: flip ? `calc(100% - ${px - 12}px)` : undefined }}
    >
      <div className="mb-1 font-medium text-zinc-500 dark:text-zinc-400" data-testid="chart-tooltip-step">
        {xAxis === 'step' ? `step ${hover.step}` : `${formatX(hover.x, 'relative')} · step ${hover.step}`}
      </div>
      <table className="tabular-nums">
        <thead className="sr-only">
          <tr>
            <th>run</th>
            {anySmoothed && <th>smoothed</th>}
            <th>raw</th>
            <th>step</th>
          </tr>
        </thead>
        <tbody>
          {hover.rows.map(({ series: s, step, raw, smoothed, band }) => (
            <tr key={s.runId} className="align-top">
              <td className="pr-2">
                <span className="inline-flex items-center gap-1.5">
                  <span aria-hidden className="inline-block size-2 rounded-full" style={{ backgroundColor: s.color }} />
                  <span className="max-w-36 truncate">{s.name}</span>
                </span>
                {scoreCurve && s.scorer && (
                  <span className="block max-w-56 truncate text-zinc-500 dark:text-zinc-400" data-testid="chart-tooltip-scorer">
                    {isApproximateCurve(s.scorer, metricKey) ? '≈ ' : ''}
                    {scorerShort(s.scorer)}
                  </span>
                )}
              </td>
              {anySmoothed && <td className="whitespace-nowrap pr-2 text-right font-medium">{smoothed === null ? '' : formatMetricValue(smoothed)}</td>}
              <td className={cn('whitespace-nowrap pr-2 text-right', anySmoothed && 'text-zinc-500 dark:text-zinc-400')}>
                {anySmoothed ? 'raw ' : ''}
                {formatMetricValue(raw)}
                {s.unit ? ` ${s.unit}` : ''}
                {band && (
                  <span className="text-zinc-400">
                    {' '}
                    [{formatMetricValue(band[0])}, {formatMetricValue(band[1])}]
                  </span>
                )}
              </td>
              <td className="whitespace-nowrap text-right text-zinc-400">{step !== hover.step ? `step ${step}` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
