'use client';

/**
 * /results: Table 1 of VideoCap-R1 — the paper's rows, the published leaderboards' rows and our
 * measured rows (one per evaluation run) in the paper's row groups. Options in the URL:
 * paper=0 / lb=0 hide reported rows, sim=1 shows simulated (local-backend) rows, among= ranks every
 * cell ("all") or one judge class instead of each column's majority judge, baseline= the Δ row
 * ("" none), deltaAll=1 prints the Δ on every row.
 */
import type { ReactNode } from 'react';
import { api } from '../providers/trpc';
import { useSession } from '../auth/SessionProvider';
import type { TableRow } from '../../core/results/model';
import { ExportButtons } from './ExportButtons';
import { ResultsNav } from './ResultsNav';
import { ResultsTable, type ResultsTableProps } from './ResultsTable';
import { useUrlState } from './useUrlState';
import { RankAmongSelect } from './RankAmongSelect';

/** The table1 query's options from the URL (shared with the significance seam, so both read one query). */
export function table1Options(params: URLSearchParams) {
  return {
    paper: params.get('paper') !== '0',
    leaderboards: params.get('lb') !== '0',
    simulated: params.get('sim') === '1',
    among: params.get('among') ?? undefined,
    baseline: params.has('baseline') ? params.get('baseline')! : undefined,
    deltaAll: params.get('deltaAll') === '1',
  };
}

export function Table1Page({ cellExtra, optionsExtra }: { cellExtra?: ResultsTableProps['cellExtra']; optionsExtra?: ReactNode } = {}) {
  const { params, set } = useUrlState();
  const { can } = useSession();
  const options = table1Options(new URLSearchParams(params.toString()));
  const q = api.results.table1.useQuery(options, { placeholderData: (prev) => prev });
  const utils = api.useUtils();
  const setGroup = api.results.setRowGroup.useMutation({ onSuccess: () => utils.results.table1.invalidate() });
  const data = q.data;

  const rowExtra = (row: TableRow) =>
    row.evalRunId && data && can('research') ? (
      <select
        className="rounded border border-zinc-300 bg-transparent px-1 text-xs dark:border-zinc-700"
        value={row.group}
        onChange={(e) => setGroup.mutate({ evalRunId: row.evalRunId!, group: e.target.value as (typeof data.groups)[number]['id'] })}
        data-testid="results-row-group"
        aria-label={`row group of ${row.label}`}
        title="row group (stored)"
      >
        {data.groups.map((g) => (
          <option key={g.id} value={g.id}>
            {g.label}
          </option>
        ))}
      </select>
    ) : null;

  return (
    <section className="flex flex-col gap-4" data-testid="results-page">
      <div className="flex flex-col gap-1">
        <h1 className="text-xl font-semibold">Results</h1>
        <p className="text-sm text-zinc-500">
          Reported numbers (the VideoCap-R1 paper, the DREAM-1K and CAREBENCH leaderboards) beside our evaluations. Numbers from different judges are never ranked together without a mark.
        </p>
      </div>
      <ResultsNav />
      <div className="flex flex-wrap items-center gap-4 text-sm" data-testid="results-options">
        <label className="inline-flex items-center gap-1">
          <input type="checkbox" checked={options.paper} onChange={(e) => set({ paper: e.target.checked ? null : '0' })} data-testid="results-toggle-paper" />
          paper rows
        </label>
        <label className="inline-flex items-center gap-1">
          <input type="checkbox" checked={options.leaderboards} onChange={(e) => set({ lb: e.target.checked ? null : '0' })} data-testid="results-toggle-leaderboards" />
          leaderboard rows
        </label>
        <label className="inline-flex items-center gap-1">
          <input type="checkbox" checked={options.simulated} onChange={(e) => set({ sim: e.target.checked ? '1' : null })} data-testid="results-toggle-simulated" />
          simulated rows
        </label>
        <RankAmongSelect among={options.among} judgeClasses={data?.judgeClasses} onChange={(among) => set({ among })} />
        <label className="inline-flex items-center gap-1">
          Δ against
          <select className="max-w-xs rounded border border-zinc-300 bg-transparent px-1 dark:border-zinc-700" value={options.baseline ?? 'paper:Qwen2-VL-7B'} onChange={(e) => set({ baseline: e.target.value })} data-testid="results-baseline">
            <option value="">no Δ</option>
            {data?.rowOptions.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label} ({r.id.split(':')[0]})
              </option>
            ))}
          </select>
        </label>
        <label className="inline-flex items-center gap-1">
          <input type="checkbox" checked={options.deltaAll} onChange={(e) => set({ deltaAll: e.target.checked ? '1' : null })} data-testid="results-delta-all" />
          Δ on every row
        </label>
      </div>
      {optionsExtra}
      {q.error && (
        <p className="text-sm text-red-600" data-testid="results-error">
          {q.error.message}
        </p>
      )}
      {setGroup.error && <p className="text-sm text-red-600">{setGroup.error.message}</p>}
      {!data && !q.error && <p className="text-sm text-zinc-500">Loading…</p>}
      {data && (
        <>
          <ExportButtons view={data.view} fileBase="videocap-table1" />
          <ResultsTable view={data.view} rowExtra={rowExtra} cellExtra={cellExtra} />
        </>
      )}
    </section>
  );
}
