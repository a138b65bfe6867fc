'use client';

import { useMemo, type ReactNode } from 'react';
import type { MetricTitle } from '../../core/metric-labels';
import type { XAxisMode } from '../../core/view-state';
import { EmptyState } from '../ui/EmptyState';
import { cn } from '../ui/cn';
import { orderMetricKeys, type MetricSeries } from './chart-data';
import { assignRunColors } from './colors';
import { MetricChart } from './MetricChart';

export interface ChartGridProps {
  /** Series per metric key (one entry per run). */
  seriesByKey: Readonly<Record<string, readonly MetricSeries[]>>;
  /** Keys to show (e.g. from the URL); empty or absent = every key in `seriesByKey`. Shown in chart order regardless. */
  keys?: readonly string[];
  /** Title and unit / definition per key (core/metric-labels.ts); default: the key. */
  titles?: Readonly<Record<string, MetricTitle>>;
  xAxis: XAxisMode;
  zoom?: [number, number] | null;
  onZoom?: (range: [number, number] | null) => void;
  loading?: boolean;
  /** Plot height of each chart (default 220). */
  chartHeight?: number;
  /** Controls above the grid (SmoothingSlider, XAxisToggle, …). */
  toolbar?: ReactNode;
  /** Per-chart "Reset zoom" buttons (default true; turn off when the toolbar has one). */
  showResetZoom?: boolean;
  className?: string;
}

/**
 * The run page's charts: the paper's Figure 2 curves (think_score, reward, response_length) first,
 * then the other keys. Colours are assigned once for all runs, so a run has the same colour in
 * every chart.
 */
export function ChartGrid({
  seriesByKey,
  keys,
  titles,
  xAxis,
  zoom = null,
  onZoom,
  loading = false,
  chartHeight,
  toolbar,
  showResetZoom = true,
  className,
}: ChartGridProps) {
  const ordered = useMemo(() => orderMetricKeys(keys && keys.length ? keys : Object.keys(seriesByKey)), [keys, seriesByKey]);
  const colors = useMemo(() => {
    const ids = new Set<string>();
    for (const list of Object.values(seriesByKey)) for (const s of list) ids.add(s.runId);
    return assignRunColors([...ids]);
  }, [seriesByKey]);

  return (
    <div className={cn('flex flex-col gap-3', className)} data-testid="chart-grid">
      {toolbar && <div className="flex flex-wrap items-center gap-4">{toolbar}</div>}
      {ordered.length === 0 ? (
        <EmptyState
          data-testid="chart-grid-empty"
          title={loading ? 'Loading metrics…' : 'No metrics logged yet'}
          description={loading ? undefined : 'Charts appear as soon as the runner reports the first step.'}
        />
      ) : (
        <div className="grid grid-cols-1 gap-3 lg:grid-cols-2 2xl:grid-cols-3">
          {ordered.map((key) => (
            <MetricChart
              key={key}
              metricKey={key}
              series={seriesByKey[key] ?? EMPTY}
              title={titles?.[key]?.title}
              note={titles?.[key]?.note}
              xAxis={xAxis}
              zoom={zoom}
              onZoom={onZoom}
              loading={loading}
              colors={colors}
              height={chartHeight}
              showResetZoom={showResetZoom}
            />
          ))}
        </div>
      )}
    </div>
  );
}

const EMPTY: readonly MetricSeries[] = [];
