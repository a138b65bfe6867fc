'use client';

/**
 * Table 1 with significance (issue 11): hovering a measured cell shows Δ, the 95% interval and p of
 * the paired bootstrap against the Δ baseline row when both are measured on that benchmark
 * (significance.against); the option `ns=1` marks with "≈" the differences whose interval contains
 * 0; "Compare two rows" opens the SignificancePanel under the options, preset with the baseline and
 * a measured row. Plugs into Table1Page through its `cellExtra` / `optionsExtra` seams.
 */
import { useMemo, useState } from 'react';
import type { TableRow } from '../../core/results/model';
import { api } from '../providers/trpc';
import { Button } from '../ui/Button';
import { formatP, SignificancePanel, type SignificanceSelection } from './SignificancePanel';
import { Table1Page, table1Options } from './Table1Page';
import { useUrlState } from './useUrlState';

export function Table1WithSignificance() {
  const { params, set } = useUrlState();
  const options = table1Options(new URLSearchParams(params.toString()));
  const table = api.results.table1.useQuery(options, { placeholderData: (prev) => prev });
  const view = table.data?.view;
  const markNs = params.get('ns') === '1';
  const [panel, setPanel] = useState<SignificanceSelection | null>(null);

  const { baseline, measured, columns } = useMemo(() => {
    const rows: TableRow[] = view ? view.groups.flatMap((g) => g.rows.map((r) => r.row)) : [];
    const base = rows.find((r) => r.id === view?.baselineRowId && r.evalRunId) ?? null;
    return {
      baseline: base,
      measured: rows.filter((r) => r.evalRunId && r.id !== base?.id),
      columns: (view?.columns ?? []).filter((c) => c.benchmark !== null).map((c) => ({ id: c.id, benchmark: c.benchmark!, subset: c.subset, metric: c.metric })),
    };
  }, [view]);

  const sig = api.significance.against.useQuery(
    {
      baseline: { runId: baseline?.evalRunId ?? '' },
      rows: measured.map((r) => ({ runId: r.evalRunId! })),
      columns: columns.map(({ benchmark, subset, metric }) => ({ benchmark, subset, metric })),
    },
    { enabled: !!baseline && measured.length > 0 && columns.length > 0, staleTime: 60_000, placeholderData: (prev) => prev },
  );
  const byCell = useMemo(() => {
    const m = new Map<string, NonNullable<typeof sig.data>['cells'][number]>();
    for (const c of sig.data?.cells ?? []) m.set(`${c.runId}|${c.column}`, c);
    return m;
  }, [sig.data]);
  const colById = new Map(columns.map((c) => [c.id, c]));

  const cellExtra = (row: TableRow, columnId: string) => {
    const col = colById.get(columnId);
    if (!col || !row.evalRunId || !baseline) return null;
    const c = byCell.get(`${row.evalRunId}|${col.benchmark}:${col.subset}:${col.metric}`);
    if (!c) return null;
    const sign = c.delta >= 0 ? '+' : '';
    const title = `vs ${baseline.label} (paired bootstrap over ${c.n} clips, ${(sig.data?.resamples ?? 0).toLocaleString('en-US')} resamples, seed ${sig.data?.seed}): Δ ${sign}${c.delta.toFixed(2)}, 95% CI [${c.ciLow.toFixed(2)}, ${c.ciHigh.toFixed(2)}], p = ${formatP(c.p)}${c.ciContainsZero ? ' — the interval contains 0' : ''}${c.warnings.length ? `. Caution: ${c.warnings.join('; ')}` : ''}`;
    return {
      title,
      content: (
        <span data-testid="results-cell-significance" data-contains-zero={c.ciContainsZero ? '1' : '0'} data-p={c.p} data-delta-boot={c.delta}>
          {markNs && c.ciContainsZero && (
            <sup className="ml-0.5 text-[0.65rem] text-amber-700 dark:text-amber-300" data-testid="results-cell-ns" title="the 95% interval of the difference to the baseline contains 0">
              ≈
            </sup>
          )}
        </span>
      ),
    };
  };

  // The panel's row keys (significance.rows): `<runId>` or `<runId>:<checkpointId>`.
  const rowOption = (r: TableRow) => (r.checkpointId ? `${r.evalRunId}:${r.checkpointId}` : r.evalRunId!);
  const openPanel = () => {
    const first = baseline ?? measured[0] ?? null;
    const second = measured.find((r) => r.id !== first?.id) ?? null;
    setPanel({ a: first ? rowOption(first) : null, b: second ? rowOption(second) : null, benchmark: 'dream-1k', subset: null, metric: null });
  };

  const optionsExtra = (
    <div className="flex flex-col gap-2" data-testid="results-significance-options">
      <div className="flex flex-wrap items-center gap-4 text-sm">
        <label className="inline-flex items-center gap-1" title="paired bootstrap over clips against the Δ baseline row (both measured)">
          <input type="checkbox" checked={markNs} onChange={(e) => set({ ns: e.target.checked ? '1' : null })} data-testid="results-toggle-ns" />
          mark differences to the baseline whose 95% interval contains 0 (≈)
        </label>
        <Button size="sm" onClick={() => (panel ? setPanel(null) : openPanel())} data-testid="results-compare-rows">
          {panel ? 'Close comparison' : 'Compare two rows…'}
        </Button>
        {!baseline && <span className="text-xs text-zinc-500" data-testid="results-significance-hint">Pick a measured row as the Δ baseline to see Δ, interval and p on hover.</span>}
        {baseline && sig.isFetching && <span className="text-xs text-zinc-400">resampling…</span>}
        {sig.error && <span className="text-xs text-red-600">{sig.error.message}</span>}
      </div>
      {markNs && baseline && (
        <p className="text-xs text-zinc-500">≈: the paired bootstrap (10,000 resamples over the clips both rows evaluated) gives a 95% interval of the difference to {baseline.label} that contains 0.</p>
      )}
      {panel && <SignificancePanel value={panel} onChange={setPanel} />}
    </div>
  );

  return <Table1Page cellExtra={cellExtra} optionsExtra={optionsExtra} />;
}
