'use client';

/** Charts of the curate page (recharts): funnel, histograms with thresholds, inventory growth, top actions. */
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Histogram } from '../../core/curation/stats';

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

export interface FunnelDatum {
  label: string;
  out: number;
  rejected: number;
  errors: number;
  pending: number;
}

/** One stacked bar per stage: passed, rejected, errors, still pending (their sum = clips in). */
export function FunnelChart({ rows }: { rows: FunnelDatum[] }) {
  return (
    <ResponsiveContainer width="100%" height={220}>
      <BarChart data={rows} layout="vertical" margin={{ left: 8, right: 16, top: 4, bottom: 4 }}>
        <CartesianGrid strokeDasharray="3 3" horizontal={false} />
        <XAxis type="number" allowDecimals={false} fontSize={11} />
        <YAxis type="category" dataKey="label" width={170} fontSize={11} />
        <Tooltip />
        <Legend wrapperStyle={{ fontSize: 11 }} />
        <Bar dataKey="out" name="passed" stackId="s" fill="#10b981" isAnimationActive={false} />
        <Bar dataKey="rejected" name="rejected" stackId="s" fill="#a1a1aa" isAnimationActive={false} />
        <Bar dataKey="errors" name="bad input / error" stackId="s" fill="#ef4444" isAnimationActive={false} />
        <Bar dataKey="pending" name="pending" stackId="s" fill="#60a5fa" isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}

/** A histogram on a numeric axis, with vertical reference lines (thresholds). */
export function HistogramChart({ histogram, lines, unit }: { histogram: Histogram; lines: { x: number; label: string }[]; unit: string }) {
  const data = histogram.counts.map((count, i) => ({ mid: (histogram.edges[i] + histogram.edges[i + 1]) / 2, from: histogram.edges[i], to: histogram.edges[i + 1], count }));
  const lo = histogram.edges[0];
  const hi = histogram.edges[histogram.edges.length - 1];
  return (
    <ResponsiveContainer width="100%" height={200}>
      <BarChart data={data} margin={{ left: 0, right: 16, top: 16, bottom: 16 }} barCategoryGap={1}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis type="number" dataKey="mid" domain={[lo, hi]} tickFormatter={fmt} fontSize={11} label={{ value: unit, position: 'insideBottom', offset: -10, fontSize: 11 }} />
        <YAxis allowDecimals={false} fontSize={11} width={32} />
        <Tooltip labelFormatter={(_, p) => (p[0] ? `${fmt(p[0].payload.from as number)} – ${fmt(p[0].payload.to as number)} ${unit}` : '')} />
        <Bar dataKey="count" name="clips" fill="#6366f1" isAnimationActive={false} />
        {lines.map((l) => (
          <ReferenceLine key={`${l.label}-${l.x}`} x={l.x} stroke="#dc2626" strokeDasharray="4 2" label={{ value: l.label, position: 'top', fontSize: 11, fill: '#dc2626' }} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}

/** Inventory size and kept clips along the action filter's walk (value after each visited clip, from 0). */
export function InventoryChart({ points }: { points: { rank: number; inventory: number; kept: number }[] }) {
  return (
    <ResponsiveContainer width="100%" height={200}>
      <LineChart data={[{ rank: 0, inventory: 0, kept: 0 }, ...points]} margin={{ left: 0, right: 16, top: 8, bottom: 16 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis type="number" dataKey="rank" domain={[0, 'dataMax']} allowDecimals={false} fontSize={11} label={{ value: 'clips visited (walk order)', position: 'insideBottom', offset: -10, fontSize: 11 }} />
        <YAxis allowDecimals={false} fontSize={11} width={40} />
        <Tooltip />
        <Legend wrapperStyle={{ fontSize: 11 }} verticalAlign="top" />
        <Line type="stepBefore" dataKey="inventory" name="action types" stroke="#6366f1" dot={false} isAnimationActive={false} />
        <Line type="stepBefore" dataKey="kept" name="clips kept" stroke="#10b981" dot={false} isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}

/** Most frequent action types among the kept clips. */
export function TopActionsChart({ actions }: { actions: { key: string; count: number }[] }) {
  return (
    <ResponsiveContainer width="100%" height={Math.max(120, actions.length * 18 + 30)}>
      <BarChart data={actions} layout="vertical" margin={{ left: 8, right: 16, top: 4, bottom: 4 }}>
        <XAxis type="number" allowDecimals={false} fontSize={11} />
        <YAxis type="category" dataKey="key" width={110} fontSize={11} interval={0} />
        <Tooltip />
        <Bar dataKey="count" name="kept clips" fill="#f59e0b" isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
