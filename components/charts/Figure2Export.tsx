'use client';

/**
 * "Figure 2" export of the shown runs: think score, total reward and response length over steps as
 * the paper draws them (core/figure-svg.ts), downloaded as SVG, or as PNG (the SVG drawn on a
 * canvas at 2× in the browser). The series are fetched for the export (step axis, the view's EMA
 * smoothing or TensorBoard's default 0.6 when the view shows raw curves, ≤ 1,000 points per curve
 * as first/min/max/last per column — the faint raw line keeps each column's extremes). Runs whose curves
 * are approximations (local CPU simulation, lexical judge / embedder) are named under the caption.
 */
import { useState } from 'react';
import { FIGURE2_TITLES, buildFigureSvg, type FigureRun } from '../../core/figure-svg';
import { lengthUnitOfRun, type RunLabelSource } from '../../core/metric-labels';
import { runApproximationNote } from '../../core/run-kind-view';
import { decodeSeries } from '../../core/series-wire';
import { DEFAULT_SMOOTHING } from '../../core/smoothing';
import { PRIMARY_METRIC_KEYS } from '../../core/types';
import { api } from '../providers/trpc';
import { Button } from '../ui/Button';
import { assignRunColors } from './colors';
import { downloadBlob, downloadText, svgToPng } from '../ui/download';

export interface Figure2ExportProps {
  runIds: readonly string[];
  /** Run id → name and what the labels need (response_length unit). */
  runs: ReadonlyMap<string, { name: string; label: RunLabelSource | null }>;
  /** The view's smoothing weight (0 = raw: the export then uses 0.6). */
  smoothing: number;
}

function fileBase(names: string[]): string {
  const s = names.join('-vs-').replace(/[^\w.-]+/g, '_').slice(0, 80);
  return `figure2-${s || 'runs'}`;
}

export function Figure2Export({ runIds, runs, smoothing }: Figure2ExportProps) {
  const utils = api.useUtils();
  const [busy, setBusy] = useState<null | 'svg' | 'png'>(null);
  const [error, setError] = useState<string | null>(null);

  // Wait for every run's name (run.get) so the legend never shows ids.
  const ready = runIds.length > 0 && runIds.every((id) => runs.get(id)?.label);

  const build = async () => {
    const weight = smoothing > 0 ? smoothing : DEFAULT_SMOOTHING;
    const wire = await utils.metric.series.fetch({ runIds: [...runIds], keys: [...PRIMARY_METRIC_KEYS], maxPoints: 1000, smoothing: weight, xAxis: 'step', encoding: 'f32' });
    const series = wire.map(decodeSeries);
    const colors = assignRunColors(runIds);
    const figureRuns: FigureRun[] = runIds.map((id) => {
      const curves: Record<string, FigureRun['curves'][string]> = {};
      for (const s of series) if (s.runId === id) curves[s.key] = { steps: s.step, raw: s.value, smoothed: s.smoothing > 0 ? s.smoothed : null };
      return { name: runs.get(id)?.name ?? id, color: colors.get(id) ?? '#333333', curves };
    });
    if (!series.some((s) => s.step.length > 0)) throw new Error('none of these runs has think_score, reward or response_length points yet');
    const labels = runIds.map((id) => runs.get(id)?.label).filter((l): l is RunLabelSource => !!l);
    const units = [...new Set(labels.map(lengthUnitOfRun))];
    const applied = series.find((s) => s.smoothing > 0)?.smoothing ?? 0;
    // One line per run whose curves are approximations (local CPU simulation, lexical judge / embedder).
    const notes = runIds.flatMap((id) => {
      const r = runs.get(id);
      const note = r?.label ? runApproximationNote(r.label) : null;
      return note ? [`${r!.name}: ${note}`] : [];
    });
    return buildFigureSvg({
      notes,
      panels: PRIMARY_METRIC_KEYS.map((key) => ({
        key,
        title: FIGURE2_TITLES[key] ?? key,
        yLabel: key === 'response_length' && units.length ? `${key} (${units.join(' / ')})` : key,
      })),
      runs: figureRuns,
      smoothing: applied,
    });
  };

  const run = async (kind: 'svg' | 'png') => {
    setBusy(kind);
    setError(null);
    try {
      const fig = await build();
      const base = fileBase(runIds.map((id) => runs.get(id)?.name ?? id));
      if (kind === 'svg') downloadText(`${base}.svg`, fig.svg, 'image/svg+xml;charset=utf-8');
      else downloadBlob(`${base}.png`, await svgToPng(fig.svg, { width: fig.width, height: fig.height }));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <span className="inline-flex items-center gap-1" data-testid="figure2-export">
      <span className="text-xs text-zinc-500">Figure 2:</span>
      <Button size="sm" loading={busy === 'svg'} disabled={!ready || busy !== null} onClick={() => void run('svg')} data-testid="figure2-svg" title="Think score, total reward and response length curves as in the paper's Figure 2 (SVG)">
        SVG
      </Button>
      <Button size="sm" loading={busy === 'png'} disabled={!ready || busy !== null} onClick={() => void run('png')} data-testid="figure2-png" title="The same figure as a PNG at 2×">
        PNG
      </Button>
      {error && (
        <span className="text-xs text-red-600" data-testid="figure2-error">
          {error}
        </span>
      )}
    </span>
  );
}
