'use client';

/**
 * "Compare two rows": pick two measured evaluation rows (run, and its checkpoint when it has one)
 * on the same benchmark, a subset and a metric; shows B − A with its 95% bootstrap interval and
 * p-value (significance.pair, core/results/bootstrap.ts) and states the method under the numbers.
 * Controlled by props (the Table 1 "compare two rows" action) or by the URL of /results/significance
 * (`?a=<runId>[:<checkpointId>]&b=…&benchmark=&subset=&metric=`).
 */
import { useMemo } from 'react';
import { api } from '../providers/trpc';
import { Badge } from '../ui/Badge';

type Benchmark = 'dream-1k' | 'vdc' | 'carebench';

export interface SignificanceSelection {
  /** "<runId>" or "<runId>:<checkpointId>". */
  a: string | null;
  b: string | null;
  benchmark: Benchmark;
  subset: string | null;
  metric: string | null;
}

const BENCHMARK_LABEL: Record<Benchmark, string> = { 'dream-1k': 'DREAM-1K', vdc: 'VDC', carebench: 'CAREBENCH' };

function rowKey(r: { runId: string; checkpointId: string | null }): string {
  return r.checkpointId ? `${r.runId}:${r.checkpointId}` : r.runId;
}

function parseKey(key: string): { runId: string; checkpointId: string | null } {
  const i = key.indexOf(':');
  return i < 0 ? { runId: key, checkpointId: null } : { runId: key.slice(0, i), checkpointId: key.slice(i + 1) };
}

/** Format a value in the metric's units (percent points, or VDC score points). */
function fmt(x: number, digits = 2): string {
  return x.toFixed(digits);
}

export function formatP(p: number): string {
  return p < 0.001 ? p.toExponential(1) : p.toFixed(p < 0.01 ? 4 : 3);
}

export function SignificancePanel({ value, onChange }: { value: SignificanceSelection; onChange: (next: SignificanceSelection) => void }) {
  const rowsQ = api.significance.rows.useQuery();
  const rows = rowsQ.data?.rows ?? [];
  const benchRows = rows.filter((r) => r.benchmark === value.benchmark);
  const rowA = benchRows.find((r) => rowKey(r) === value.a) ?? null;
  const rowB = benchRows.find((r) => rowKey(r) === value.b) ?? null;
  const subsets = useMemo(() => {
    const s = new Set<string>();
    for (const r of [rowA, rowB]) r?.subsets.forEach((x) => s.add(x));
    if (s.size === 0) benchRows.forEach((r) => r.subsets.forEach((x) => s.add(x)));
    return [...s];
  }, [rowA, rowB, benchRows]);
  const metrics = useMemo(() => {
    const m = new Set<string>();
    for (const r of [rowA, rowB]) r?.metrics.forEach((x) => m.add(x));
    if (m.size === 0) benchRows.forEach((r) => r.metrics.forEach((x) => m.add(x)));
    return [...m];
  }, [rowA, rowB, benchRows]);
  const subset = value.subset ?? (value.benchmark === 'vdc' ? (subsets.find((s) => s !== 'overall') ?? 'detailed') : 'overall');
  const metric = value.metric ?? metrics[0] ?? null;
  const ready = !!(value.a && value.b && metric);
  const pairQ = api.significance.pair.useQuery(
    ready ? { a: parseKey(value.a as string), b: parseKey(value.b as string), benchmark: value.benchmark, subset, metric: metric as string } : (undefined as never),
    { enabled: ready, retry: false, staleTime: Infinity },
  );
  const set = (next: Partial<SignificanceSelection>) => onChange({ ...value, ...next });
  const label = (r: (typeof rows)[number]) =>
    `${r.name}${r.checkpointStep !== null ? ` @ step ${r.checkpointStep}` : ''} — ${r.judgeModel ?? 'judge?'}${r.simulated ? ' (simulated captions)' : ''}${r.clips !== null ? `, ${r.clips} clips` : ''}`;
  const r = pairQ.data;
  const unit = value.benchmark === 'vdc' && metric?.endsWith('score') ? 'points (0–5)' : 'percentage points';

  return (
    <section className="flex flex-col gap-3 rounded border border-zinc-200 p-4 dark:border-zinc-800" data-testid="significance-panel">
      <div className="grid gap-3 md:grid-cols-2">
        <label className="flex flex-col gap-1 text-sm">
          Benchmark
          <select
            className="rounded border border-zinc-300 px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
            data-testid="significance-benchmark"
            value={value.benchmark}
            onChange={(e) => onChange({ a: null, b: null, benchmark: e.target.value as Benchmark, subset: null, metric: null })}
          >
            {(Object.keys(BENCHMARK_LABEL) as Benchmark[]).map((b) => (
              <option key={b} value={b}>
                {BENCHMARK_LABEL[b]}
              </option>
            ))}
          </select>
        </label>
        <div className="grid grid-cols-2 gap-3">
          <label className="flex flex-col gap-1 text-sm">
            Subset
            <select className="rounded border border-zinc-300 px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900" data-testid="significance-subset" value={subset} onChange={(e) => set({ subset: e.target.value })}>
              {[...new Set([subset, ...subsets])].map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label className="flex flex-col gap-1 text-sm">
            Metric
            <select className="rounded border border-zinc-300 px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900" data-testid="significance-metric" value={metric ?? ''} onChange={(e) => set({ metric: e.target.value })}>
              {metrics.length === 0 && <option value="">—</option>}
              {metrics.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </label>
        </div>
        {(['a', 'b'] as const).map((side) => (
          <label key={side} className="flex flex-col gap-1 text-sm">
            {side === 'a' ? 'Row A (baseline)' : 'Row B'}
            <select
              className="rounded border border-zinc-300 px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
              data-testid={`significance-row-${side}`}
              value={value[side] ?? ''}
              onChange={(e) => set({ [side]: e.target.value || null })}
            >
              <option value="">{rowsQ.isLoading ? 'Loading…' : benchRows.length === 0 ? `No measured ${BENCHMARK_LABEL[value.benchmark]} rows` : 'Pick an evaluation…'}</option>
              {value[side] && !benchRows.some((x) => rowKey(x) === value[side]) && <option value={value[side] as string}>{value[side]}</option>}
              {benchRows.map((x) => (
                <option key={rowKey(x)} value={rowKey(x)}>
                  {label(x)}
                </option>
              ))}
            </select>
          </label>
        ))}
      </div>

      {!ready && <p className="text-sm text-zinc-500">Pick two measured rows of the same benchmark.</p>}
      {ready && pairQ.isLoading && <p className="text-sm text-zinc-500" data-testid="significance-loading">Resampling…</p>}
      {pairQ.error && (
        <p className="text-sm text-red-600" data-testid="significance-error">
          {pairQ.error.message}
        </p>
      )}
      {r && (
        <div className="flex flex-col gap-2" data-testid="significance-result" data-delta={r.delta} data-ci-low={r.ciLow} data-ci-high={r.ciHigh} data-p={r.p} data-contains-zero={String(r.ciContainsZero)}>
          <div className="flex flex-wrap items-baseline gap-x-6 gap-y-1">
            <span className="text-2xl font-semibold tabular-nums" data-testid="significance-delta">
              Δ {r.delta >= 0 ? '+' : ''}
              {fmt(r.delta)}
            </span>
            <span className="tabular-nums" data-testid="significance-ci">
              {Math.round(r.confidence * 100)}% CI [{fmt(r.ciLow)}, {fmt(r.ciHigh)}]
            </span>
            <span className="tabular-nums" data-testid="significance-p">
              p = {formatP(r.p)}
            </span>
            {r.ciContainsZero ? (
              <Badge tone="warning" data-testid="significance-verdict">interval contains 0: not significant</Badge>
            ) : (
              <Badge tone="success" data-testid="significance-verdict">interval excludes 0</Badge>
            )}
            {!r.sameJudge && <Badge tone="danger" wrap data-testid="significance-judges-differ">judges differ: {r.a.judges.join(', ')} vs {r.b.judges.join(', ')}</Badge>}
          </div>
          {r.warnings.length > 0 && (
            <ul className="flex flex-col gap-0.5 rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100" data-testid="significance-warnings">
              {r.warnings.map((w, i) => (
                <li key={i} data-testid={`significance-warning-${w.kind}`}>
                  ⚠ {w.message}
                </li>
              ))}
              <li className="text-xs">Read the verdict above with these caveats: it may not hold on the full benchmark.</li>
            </ul>
          )}
          <p className="text-sm tabular-nums text-zinc-700 dark:text-zinc-300">
            {r.metric} ({r.benchmark}/{r.subset}): A {r.a.name} = {fmt(r.valueA)}, B {r.b.name} = {fmt(r.valueB)} on the {r.n} clips both evaluated; Δ = B − A in {unit}.
          </p>
          <p className="text-xs text-zinc-500" data-testid="significance-method">
            Method: paired bootstrap over clips — {r.resamples.toLocaleString('en-US')} resamples of the {r.n} paired clips with replacement (mulberry32, seed {r.seed}); each resample recomputes the
            metric as the official aggregation does (failed clips excluded per side; F1 from the mean recall and precision). {Math.round(r.confidence * 100)}% percentile interval; two-sided p =
            2·min(share of resampled Δ ≤ 0, ≥ 0), add-one corrected.
            {(r.unpairedA > 0 || r.unpairedB > 0) && ` Not paired, left out: ${r.unpairedA} clips of A only, ${r.unpairedB} of B only.`}
            {(r.excludedA > 0 || r.excludedB > 0) && ` Failed clips excluded: ${r.excludedA} in A, ${r.excludedB} in B.`}
            {r.undefinedResamples > 0 && ` ${r.undefinedResamples} resamples had no scored clip on a side and were left out.`}
          </p>
        </div>
      )}
    </section>
  );
}
