'use client';

/**
 * Metric charts of one run (or several, on /compare), with the view state in the URL
 * (core/view-state.ts): overlaid runs, keys (metric picker), smoothing, x-axis and zoom. A copied
 * link reopens the same view. The server sends what the charts draw — per pixel column of the
 * measured plot width at most the first/min/max/last point, smoothed values computed over the whole
 * stored series, times only for the relative axis — in the compact f32 encoding. While any shown run
 * is live, metric.series is re-fetched every 2.5 s keeping the previous data on screen, so zoom,
 * smoothing, selections and scroll are never reset.
 */
import { keepPreviousData } from '@tanstack/react-query';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { lengthUnitOfRun, metricTitle, type MetricTitle, type RunLabelSource } from '../../core/metric-labels';
import { readRunScorer } from '../../core/scorer-view';
import { decodeSeries } from '../../core/series-wire';
import { PRIMARY_METRIC_KEYS } from '../../core/types';
import { parseViewState, patchViewState, writeViewState, type ChartViewState } from '../../core/view-state';
import { ChartGrid } from '../charts/ChartGrid';
import { EmptyState } from '../ui/EmptyState';
import { Figure2Export } from '../charts/Figure2Export';
import { orderMetricKeys, type MetricSeries } from '../charts/chart-data';
import { MetricPicker } from '../charts/MetricPicker';
import { SmoothingSlider } from '../charts/SmoothingSlider';
import { XAxisToggle } from '../charts/XAxisToggle';
import { api } from '../providers/trpc';
import { Button } from '../ui/Button';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

export interface RunChartsProps {
  /** The page's own run (always shown); omit on /compare where every run comes from `?runs=`. */
  primaryRunId?: string;
}

/**
 * Columns of one chart's plot area, from the grid's measured width (ChartGrid: 1 column, 2 from
 * 1024 px, 3 from 1536 px; MetricChart: 12 px padding each side, 56 px y-axis, 12 px right margin),
 * rounded up to a multiple of 32 so small resizes do not re-fetch. 0 until measured.
 */
function usePlotColumns(): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement | null>(null);
  const [columns, setColumns] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const vw = window.innerWidth;
      const cols = vw >= 1536 ? 3 : vw >= 1024 ? 2 : 1;
      const chart = (el.clientWidth - 12 * (cols - 1)) / cols;
      const plot = Math.max(64, chart - 24 - 56 - 12);
      setColumns(Math.min(4000, Math.ceil(plot / 32) * 32));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, columns];
}

export function RunCharts({ primaryRunId }: RunChartsProps) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const view = useMemo(() => parseViewState(searchParams), [searchParams]);
  const [gridRef, maxPoints] = usePlotColumns();

  // The slider shows its position while dragged; the URL (and the server query) follow on release.
  const [liveSmoothing, setLiveSmoothing] = useState(view.smoothing);
  useEffect(() => setLiveSmoothing(view.smoothing), [view.smoothing]);

  const update = useCallback(
    (patch: Partial<ChartViewState>) => {
      const next = patchViewState(parseViewState(window.location.search), patch);
      const qs = writeViewState(window.location.search, next);
      router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    [router, pathname],
  );

  const runIds = useMemo(() => {
    const ids = primaryRunId ? [primaryRunId, ...view.runs] : view.runs;
    return [...new Set(ids)];
  }, [primaryRunId, view.runs]);

  const runQueries = api.useQueries((t) => runIds.map((id) => t.run.get({ id }, { refetchInterval: 3_000, retry: false })));
  const runs = runQueries.map((q, i) => ({ id: runIds[i]!, data: q.data, error: q.error }));
  const live = runs.some((r) => r.data && !TERMINAL.has(r.data.status));
  // What the charts need of each run, stable while nothing of it changes (run.get refetches every 3 s).
  const infoKey = JSON.stringify(runs.map((r) => [r.id, r.data?.name, r.data?.kind, r.data?.backend, r.data?.source, r.data?.scorer, r.data?.config]));
  const info = useMemo(() => {
    const m = new Map<string, { name: string; label: RunLabelSource | null }>();
    for (const r of runs) {
      const d = r.data;
      m.set(r.id, { name: d?.name ?? r.id, label: d ? { kind: d.kind, backend: d.backend, source: d.source, config: d.config, scorer: d.scorer } : null });
    }
    return m;
  }, [infoKey]); // eslint-disable-line react-hooks/exhaustive-deps

  const availableKeys = useMemo(() => {
    const set = new Set<string>(PRIMARY_METRIC_KEYS);
    for (const r of runs) for (const k of r.data?.metricKeys ?? []) set.add(k.key);
    return orderMetricKeys([...set]);
  }, [runs.map((r) => (r.data?.metricKeys ?? []).map((k) => k.key).join(',')).join(';')]); // eslint-disable-line react-hooks/exhaustive-deps
  const keys = view.keys.length ? view.keys : availableKeys;

  // Zoom on the step axis is fetched in detail from the server; a time-axis zoom is applied client-side.
  const zoomSteps = view.xAxis === 'step' ? view.zoom : null;
  const series = api.metric.series.useQuery(
    {
      runIds,
      keys,
      maxPoints: Math.max(16, maxPoints),
      xMin: zoomSteps?.[0] ?? null,
      xMax: zoomSteps?.[1] ?? null,
      smoothing: view.smoothing,
      xAxis: view.xAxis,
      encoding: 'f32',
    },
    {
      enabled: runIds.length > 0 && keys.length > 0 && maxPoints > 0,
      refetchInterval: live ? 2_500 : false,
      placeholderData: keepPreviousData,
      staleTime: 1_000,
    },
  );
  const decoded = useMemo(() => (series.data ?? []).map(decodeSeries), [series.data]);

  // A run that just finished may have delivered its last steps after the previous poll: refetch once
  // whenever a run's status or last step changes, so the final curve is complete after polling stops.
  const progressKey = runs.map((r) => `${r.id}:${r.data?.status ?? ''}:${r.data?.lastStep ?? ''}`).join('|');
  const refetchSeries = series.refetch;
  const lastProgress = useRef(progressKey);
  useEffect(() => {
    if (lastProgress.current === progressKey) return;
    lastProgress.current = progressKey;
    void refetchSeries();
  }, [progressKey, refetchSeries]);

  const seriesByKey = useMemo(() => {
    const out: Record<string, MetricSeries[]> = {};
    for (const k of keys) out[k] = [];
    for (const s of decoded) {
      if (!runIds.includes(s.runId)) continue;
      const run = info.get(s.runId);
      (out[s.key] ??= []).push({
        ...s,
        runName: run?.name ?? s.runId,
        scorer: readRunScorer(run?.label?.scorer),
        unit: s.key === 'response_length' && run?.label ? lengthUnitOfRun(run.label) : null,
      });
    }
    return out;
  }, [decoded, keys, info, runIds]);

  const titles = useMemo(() => {
    const labels = runIds.map((id) => info.get(id)?.label).filter((l): l is RunLabelSource => !!l);
    const out: Record<string, MetricTitle> = {};
    for (const k of keys) out[k] = metricTitle(k, labels);
    return out;
  }, [keys, runIds, info]);

  const toolbar = (
    <>
      <MetricPicker available={availableKeys} selected={view.keys} onChange={(k) => update({ keys: k })} />
      <SmoothingSlider value={liveSmoothing} onChange={setLiveSmoothing} onCommit={(v) => update({ smoothing: v })} />
      <XAxisToggle value={view.xAxis} onChange={(x) => update({ xAxis: x })} />
      {view.zoom && (
        <Button size="sm" onClick={() => update({ zoom: null })} data-testid="reset-zoom">
          Reset zoom ({view.zoom[0]}–{view.zoom[1]}
          {view.xAxis === 'relative' ? ' s' : ''})
        </Button>
      )}
      <Figure2Export runIds={runIds} runs={info} smoothing={view.smoothing} />
      {series.isFetching && <span className="text-xs text-zinc-400">updating…</span>}
    </>
  );

  return (
    <div className="flex flex-col gap-3" data-testid="run-charts" ref={gridRef}>
      <RunPicker
        runIds={runIds}
        fixed={primaryRunId}
        names={new Map([...info].map(([id, r]) => [id, r.name]))}
        errors={runs.filter((r) => r.error).map((r) => r.id)}
        onAdd={(id) => update({ runs: [...view.runs.filter((r) => r !== id), id] })}
        onRemove={(id) => update({ runs: view.runs.filter((r) => r !== id) })}
      />
      {series.error && <p className="text-sm text-red-600">Could not load metrics: {series.error.message}</p>}
      {runIds.length === 0 ? (
        // Nothing picked (/compare without ?runs=): ask for runs instead of empty "no points" charts.
        <EmptyState data-testid="charts-no-runs" title="No run picked" description="Add runs with the picker above to overlay their curves." />
      ) : (
        <ChartGrid
          seriesByKey={seriesByKey}
          keys={keys}
          titles={titles}
          xAxis={view.xAxis}
          zoom={view.zoom}
          onZoom={(z) => update({ zoom: z })}
          loading={series.isLoading || maxPoints === 0}
          toolbar={toolbar}
        />
      )}
    </div>
  );
}

function RunPicker({
  runIds,
  fixed,
  names,
  errors,
  onAdd,
  onRemove,
}: {
  runIds: string[];
  fixed?: string;
  names: Map<string, string>;
  errors: string[];
  onAdd: (id: string) => void;
  onRemove: (id: string) => void;
}) {
  const list = api.run.list.useQuery({ limit: 200 }, { refetchInterval: 10_000 });
  const [choice, setChoice] = useState('');
  const candidates = (list.data?.items ?? []).filter((r) => !runIds.includes(r.id));
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="run-picker">
      <span className="text-zinc-600 dark:text-zinc-400">Runs:</span>
      {runIds.map((id) => (
        <span
          key={id}
          data-testid="run-chip"
          data-run-id={id}
          className="inline-flex items-center gap-1 rounded border border-zinc-300 px-2 py-0.5 text-xs dark:border-zinc-700"
        >
          {names.get(id) ?? id}
          {errors.includes(id) && <span className="text-red-600">(not found)</span>}
          {id !== fixed && (
            <button type="button" aria-label={`Remove ${names.get(id) ?? id}`} className="text-zinc-500 hover:text-red-600" onClick={() => onRemove(id)}>
              ×
            </button>
          )}
        </span>
      ))}
      <select
        aria-label="Add a run to the charts"
        data-testid="run-picker-select"
        value={choice}
        onChange={(e) => setChoice(e.target.value)}
        className="max-w-xs truncate rounded border border-zinc-300 bg-white px-2 py-1 text-xs dark:border-zinc-700 dark:bg-zinc-900"
      >
        <option value="">Overlay another run…</option>
        {candidates.map((r) => (
          <option key={r.id} value={r.id}>
            {r.name} · {r.kind} · {r.status}
          </option>
        ))}
      </select>
      <Button
        size="sm"
        disabled={!choice}
        data-testid="run-picker-add"
        onClick={() => {
          if (choice) onAdd(choice);
          setChoice('');
        }}
      >
        Add
      </Button>
    </div>
  );
}
