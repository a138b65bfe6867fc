'use client';

/**
 * Renders a results table view (core/results/view.ts) as the paper prints it: benchmark spans over
 * their columns, row groups separated by a rule, best bold, second underlined, the Δ in
 * parentheses, marks (* reproduced, ℓ lexical judge, † other judge than the column's majority,
 * ‡ trained on test data, s simulated) with the footnotes below. A measured row links to its
 * evaluation, a measured cell to the clips behind it; every cell names its judge on hover and a
 * missing one why it is missing.
 *
 * Seams: every cell carries data-row-id / data-column-id (row ids and column ids of
 * core/results/model.ts); `cellExtra` adds content and hover text to a cell (e.g. a significance
 * mark), `rowExtra` content after a row's label (e.g. a group picker).
 */
import Link from 'next/link';
import type { ReactNode } from 'react';
import type { TableRow } from '../../core/results/model';
import { cellSymbols, type TableView, type ViewCell } from '../../core/results/view';

const CLIP_SORTS = new Set(['recall', 'precision', 'f1', 'accuracy', 'score', 'action_f1', 'object_f1']);

/** The clips behind a measured cell: the evaluation's per-clip list filtered to the benchmark (and VDC question set), sorted by the metric. */
export function clipsHref(cell: ViewCell, column: TableView['columns'][number]): string | null {
  if (!cell.evalRunId || !column.benchmark || cell.value === null) return null;
  const p = new URLSearchParams({ benchmark: column.benchmark });
  if (column.benchmark === 'vdc') p.set('subset', column.subset);
  if (CLIP_SORTS.has(column.metric)) {
    p.set('sort', column.metric);
    p.set('order', 'desc');
  }
  return `/evals/${cell.evalRunId}/clips?${p.toString()}`;
}

function cellTitle(cell: ViewCell, majority: string | null): string {
  if (cell.value === null) return `– ${cell.missingReason ?? 'no result'}`;
  const parts = [`judge: ${cell.judge?.label ?? 'unknown'}`];
  if (cell.clips !== undefined && cell.clips !== null) parts.push(`${cell.clips} clips${cell.failedClips ? `, ${cell.failedClips} failed clips left out` : ''}`);
  if (cell.reproduced) parts.push('* reproduced with official code (as reported by the paper)');
  if (cell.lexical) parts.push('ℓ offline lexical judge: an approximation, not comparable with LLM-judged numbers');
  if (cell.offMajority) parts.push(`† judged differently from the column's majority (${majority ?? '?'})${cell.ranked ? '' : ': not ranked against it'}`);
  if (cell.trainedOnTest) parts.push('‡ trained on test data: the model trained on clips of this benchmark');
  if (cell.simulated) parts.push('s simulated captions (local backend): never ranked');
  if (cell.sample) parts.push(`§ measured on a synthetic sample, not the benchmark (${cell.sample}): never ranked`);
  if (cell.partial) parts.push(`n=${cell.partial.clips} computed on ${cell.partial.clips} of the benchmark's ${cell.partial.full.toLocaleString('en-US')} clips: not ranked against full-coverage numbers`);
  else if (cell.mixedCoverage) parts.push(`n=mixed ${cell.mixedCoverage}: not ranked`);
  if (cell.delta) parts.push(`Δ ${cell.delta} against the baseline row`);
  if (cell.rank === 1) parts.push('best among comparable rows');
  if (cell.rank === 2) parts.push('second among comparable rows');
  return parts.join('\n');
}

export interface CellExtra {
  content?: ReactNode;
  title?: string;
}

export interface ResultsTableProps {
  view: TableView;
  /** Extra content / hover text of a cell (row id, column id). */
  cellExtra?: (row: TableRow, columnId: string, cell: ViewCell) => CellExtra | null;
  /** Extra content after a row's label (row). */
  rowExtra?: (row: TableRow) => ReactNode;
  testId?: string;
}

export function ResultsTable({ view, cellExtra, rowExtra, testId = 'results-table' }: ResultsTableProps) {
  const spans: { label: string; n: number }[] = [];
  for (const c of view.columns) {
    const last = spans[spans.length - 1];
    if (last && last.label === c.group && c.group !== '') last.n += 1;
    else spans.push({ label: c.group, n: 1 });
  }
  const nCols = 1 + view.flagColumns.length + view.columns.length;
  return (
    <div className="flex flex-col gap-2">
      {/* The scroller is as wide as its container (min-w-0 / max-w-full: a flex child never grows past it), and the
          table keeps its own width (w-max) so every column, the last one included, is reachable by scrolling. */}
      <div className="w-full min-w-0 max-w-full overflow-x-auto pb-1" data-testid={`${testId}-scroller`}>
        <table className="w-max min-w-full border-collapse text-sm tabular-nums" data-testid={testId}>
          <caption className="caption-top pb-2 text-left text-sm font-medium">{view.title}</caption>
          <thead>
            <tr className="border-t-2 border-zinc-800 dark:border-zinc-300">
              <th rowSpan={2} className="px-2 py-1 text-left">
                Model
              </th>
              {view.flagColumns.map((f) => (
                <th key={f.id} rowSpan={2} className="px-2 py-1 text-center">
                  {f.label}
                </th>
              ))}
              {spans.map((s, i) => (
                <th key={i} colSpan={s.n} className="border-b border-zinc-300 px-2 py-1 text-center dark:border-zinc-700">
                  {s.label}
                </th>
              ))}
            </tr>
            <tr className="border-b border-zinc-800 dark:border-zinc-300">
              {view.columns.map((c) => (
                <th key={c.id} className="px-2 py-1 text-right font-normal" data-testid={`results-col-${c.id}`} title={`majority judge: ${view.majority[c.id] ?? 'none'}`}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          {view.groups.map((g) => (
            <tbody key={g.id} className="border-b border-zinc-400 dark:border-zinc-600" data-testid={`results-group-${g.id}`}>
              <tr>
                <td colSpan={nCols} className="px-2 pt-2 text-xs italic text-zinc-500">
                  {g.label}
                </td>
              </tr>
              {g.rows.map((r) => (
                <tr
                  key={r.row.id}
                  className={r.isBaseline ? 'bg-zinc-50 dark:bg-zinc-900' : undefined}
                  data-testid="results-row"
                  data-row-id={r.row.id}
                  data-origin={r.row.origin}
                  data-group={r.row.group}
                  data-baseline={r.isBaseline ? '1' : undefined}
                >
                  <td className="px-2 py-1 align-top">
                    <div className="flex flex-wrap items-center gap-1">
                      {r.row.evalRunId ? (
                        <Link href={`/evals/${r.row.evalRunId}`} className="text-blue-700 hover:underline dark:text-blue-400" data-testid="results-row-link">
                          {r.row.label}
                        </Link>
                      ) : (
                        <span>{r.row.label}</span>
                      )}
                      {r.isBaseline && <span className="text-xs text-zinc-500">(Δ baseline)</span>}
                      {r.row.simulated && (
                        <span className="rounded bg-amber-100 px-1 text-xs text-amber-900 dark:bg-amber-900 dark:text-amber-100" data-testid="results-row-simulated">
                          simulated
                        </span>
                      )}
                      {(r.row.trainedOnBenchmarks?.length ?? 0) > 0 && (
                        <span className="rounded bg-red-100 px-1 text-xs text-red-900 dark:bg-red-900 dark:text-red-100" data-testid="results-row-trained-on-test" title={`trained on test data: ${r.row.trainedOnBenchmarks!.join(', ')}`}>
                          trained on test data
                        </span>
                      )}
                      {rowExtra?.(r.row)}
                    </div>
                    <div className="max-w-xs truncate text-xs text-zinc-500" title={r.row.source} data-testid="results-row-source">
                      {r.row.source}
                    </div>
                  </td>
                  {view.flagColumns.map((f) => (
                    <td key={f.id} className="px-2 py-1 text-center" data-testid={`results-flag-${f.id}`} data-checked={r.row.flags?.[f.id] ? '1' : '0'}>
                      {r.row.flags?.[f.id] ? '✓' : ''}
                    </td>
                  ))}
                  {r.cells.map((cell, i) => {
                    const column = view.columns[i]!;
                    const extra = cellExtra?.(r.row, column.id, cell) ?? null;
                    const href = clipsHref(cell, column);
                    const sym = cellSymbols(cell);
                    const text = (
                      <span className={cell.rank === 1 ? 'font-bold' : cell.rank === 2 ? 'underline decoration-2 underline-offset-2' : undefined}>{cell.text}</span>
                    );
                    const title = [cellTitle(cell, view.majority[column.id] ?? null), extra?.title].filter(Boolean).join('\n');
                    return (
                      <td
                        key={column.id}
                        className={`whitespace-nowrap px-2 py-1 text-right align-top ${cell.value === null ? 'text-zinc-400' : ''} ${cell.lexical || cell.simulated || cell.sample ? 'bg-amber-50 dark:bg-amber-950' : ''}`}
                        title={title}
                        data-testid="results-cell"
                        data-row-id={r.row.id}
                        data-column-id={column.id}
                        data-value={cell.value ?? ''}
                        data-rank={cell.rank ?? ''}
                        data-ranked={cell.ranked ? '1' : '0'}
                        data-judge-class={cell.judge?.classKey ?? ''}
                        data-judge={cell.judge?.model ?? ''}
                        data-lexical={cell.lexical ? '1' : '0'}
                        data-off-majority={cell.offMajority ? '1' : '0'}
                        data-trained-on-test={cell.trainedOnTest ? '1' : '0'}
                        data-reproduced={cell.reproduced ? '1' : '0'}
                        data-sample={cell.sample ? '1' : '0'}
                        data-partial={cell.partial ? String(cell.partial.clips) : cell.mixedCoverage ? 'mixed' : ''}
                        data-delta={cell.delta ?? ''}
                      >
                        {href ? (
                          <Link href={href} className="hover:underline" data-testid="results-cell-link">
                            {text}
                          </Link>
                        ) : (
                          text
                        )}
                        {sym.length > 0 && <sup className="ml-0.5 text-[0.65rem] text-zinc-500" data-testid="results-cell-marks">{sym.join(',')}</sup>}
                        {cell.delta && <span className="ml-1 text-xs text-zinc-500">({cell.delta})</span>}
                        {cell.lexical && <span className="sr-only"> lexical judge</span>}
                        {cell.sample && <span className="sr-only"> synthetic sample</span>}
                        {extra?.content}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      </div>
      <ul className="flex flex-col gap-0.5 text-xs text-zinc-500" data-testid="results-footnotes">
        {view.footnotes.map((f) => (
          <li key={f.key} data-testid={`results-footnote-${f.key}`}>
            {f.text}
          </li>
        ))}
        <li>Best in bold, second underlined — ranked only among comparable judges{view.among === 'all' ? ' (now: every cell, other judges marked †)' : view.among === 'majority' ? " (each column's majority judge)" : ` (now: ${view.among})`}.</li>
      </ul>
    </div>
  );
}
