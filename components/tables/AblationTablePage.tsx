'use client';

/**
 * /results/table2, /results/table3, /results/table4: the paper's ablation tables built from our
 * runs. Each row shows the newest finished evaluation of a run whose configuration matches the
 * row's launch preset (core/results/ablations.ts); a select per row picks another evaluation
 * (pick.<row>=<evalRunId> in the URL). paper=0 hides the paper's rows, among= / baseline= as Table 1.
 */
import Link from 'next/link';
import { ABLATION_DEFS, type AblationTable } from '../../core/results/ablations';
import { findPreset } from '../../core/presets';
import { api } from '../providers/trpc';
import { ExportButtons } from './ExportButtons';
import { ResultsNav } from './ResultsNav';
import { ResultsTable, type ResultsTableProps } from './ResultsTable';
import { useUrlState } from './useUrlState';
import { RankAmongSelect } from './RankAmongSelect';

export function AblationTablePage({ table, cellExtra }: { table: AblationTable; cellExtra?: ResultsTableProps['cellExtra'] }) {
  const def = ABLATION_DEFS[table];
  const { params, set } = useUrlState();
  const picks: Record<string, string> = {};
  for (const [k, v] of params.entries()) if (k.startsWith('pick.') && v) picks[k.slice(5)] = v;
  const options = { table, picks, paper: params.get('paper') !== '0', among: params.get('among') ?? undefined, baseline: params.get('baseline') ?? undefined };
  const q = api.results.ablation.useQuery(options, { placeholderData: (prev) => prev });
  const data = q.data;
  return (
    <section className="flex flex-col gap-4" data-testid="results-page" data-table={table}>
      <div className="flex flex-col gap-1">
        <h1 className="text-xl font-semibold">Results</h1>
        <p className="text-sm text-zinc-500">
          {def.title}. Rows fill from runs whose configuration matches the row&apos;s launch preset (the newest finished evaluation of one of their checkpoints); pick another evaluation per row below.
        </p>
      </div>
      <ResultsNav />
      <div className="flex flex-wrap items-center gap-4 text-sm" data-testid="results-options">
        <label className="inline-flex items-center gap-1">
          <input type="checkbox" checked={options.paper} onChange={(e) => set({ paper: e.target.checked ? null : '0' })} data-testid="results-toggle-paper" />
          the paper&apos;s rows
        </label>
        <RankAmongSelect among={options.among} judgeClasses={data?.judgeClasses} onChange={(among) => set({ among })} />
        <label className="inline-flex items-center gap-1">
          Δ against
          <select className="max-w-xs rounded border border-zinc-300 bg-transparent px-1 dark:border-zinc-700" value={options.baseline ?? ''} onChange={(e) => set({ baseline: e.target.value || null })} data-testid="results-baseline">
            <option value="">no Δ</option>
            {data?.rowOptions.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {q.error && (
        <p className="text-sm text-red-600" data-testid="results-error">
          {q.error.message}
        </p>
      )}
      {!data && !q.error && <p className="text-sm text-zinc-500">Loading…</p>}
      {data && (
        <>
          <ExportButtons view={data.view} fileBase={`videocap-${table}`} />
          <ResultsTable view={data.view} cellExtra={cellExtra} />
          <div className="flex flex-col gap-2" data-testid="results-row-picks">
            <h2 className="text-sm font-medium">Evaluation per row</h2>
            <table className="text-sm">
              <tbody>
                {data.choices.map((c) => {
                  const preset = findPreset(c.presetId);
                  return (
                    <tr key={c.key} data-testid="results-pick-row" data-row-key={c.key} data-how={c.how}>
                      <td className="py-1 pr-3 align-top">{c.label}</td>
                      <td className="py-1 pr-3 align-top text-xs text-zinc-500">
                        {preset ? (
                          <>
                            preset{' '}
                            <Link href={`/runs/new?preset=${preset.id}`} className="text-blue-700 hover:underline dark:text-blue-400">
                              {preset.label}
                            </Link>
                            {c.matchingRuns.length > 0 && ` · ${c.matchingRuns.length} matching run${c.matchingRuns.length > 1 ? 's' : ''}`}
                          </>
                        ) : (
                          'evaluation of the base model’s captions'
                        )}
                      </td>
                      <td className="py-1 align-top">
                        <select
                          className="max-w-md rounded border border-zinc-300 bg-transparent px-1 text-xs dark:border-zinc-700"
                          value={picks[c.key] ?? ''}
                          onChange={(e) => set({ [`pick.${c.key}`]: e.target.value || null })}
                          data-testid={`results-pick-${c.key}`}
                        >
                          <option value="">automatic{c.how === 'matched' && c.evalRunId ? ` (${c.options.find((o) => o.evalRunId === c.evalRunId)?.label ?? c.evalRunId})` : c.how === 'none' ? ' (none yet)' : ''}</option>
                          {c.options.map((o) => (
                            <option key={o.evalRunId} value={o.evalRunId}>
                              {o.matches ? '✓ ' : ''}
                              {o.label}
                            </option>
                          ))}
                        </select>
                        {c.emptyReason && <p className="text-xs text-zinc-500">{c.emptyReason}</p>}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
