/**
 * Table 1 of VideoCap-R1 (models × DREAM-1K / VDC / CAREBENCH) as a view: the paper's rows,
 * the leaderboards' rows and our measured rows (one per evaluation run), in the paper's row groups,
 * ranked and with the Δ against a chosen baseline (default: the paper's Qwen2-VL-7B row, as the
 * paper prints VideoCap-R1's gains over its base model).
 */
import { ROW_GROUPS, TABLE1_COLUMNS, type TableRow } from './model';
import { measuredRow, type MeasuredEval } from './measured';
import type { RankAmong } from './rank';
import { buildView, type TableView } from './view';

export const TABLE1_TITLE = 'Table 1: evaluation results on DREAM-1K, VDC and CAREBENCH';
export const DEFAULT_BASELINE_ROW = 'paper:Qwen2-VL-7B';

export interface Table1Options {
  /** Show the paper's rows (default true). */
  paper?: boolean;
  /** Show the leaderboards' rows (default true). */
  leaderboards?: boolean;
  /** Show measured rows whose captions are simulated by the local backend (default false: they are not models). */
  simulated?: boolean;
  among?: RankAmong;
  /** Δ baseline row id; '' = none; undefined = the paper's Qwen2-VL-7B. */
  baseline?: string;
  /** Print the Δ on every row, not only on the "ours" group (default false). */
  deltaAll?: boolean;
}

/** Table 1's rows: reported first (paper, then leaderboards), then measured (oldest first), filtered by the options. */
export function table1Rows(reported: { paper: readonly TableRow[]; leaderboards: readonly TableRow[] }, measured: readonly MeasuredEval[], options: Table1Options = {}): TableRow[] {
  const rows: TableRow[] = [];
  if (options.paper !== false) rows.push(...reported.paper);
  if (options.leaderboards !== false) rows.push(...reported.leaderboards);
  const m = [...measured].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((e) => measuredRow(e, TABLE1_COLUMNS));
  rows.push(...m.filter((r) => options.simulated || !r.simulated));
  return rows;
}

/** Table 1's view (ranked, Δ, footnotes). */
export function table1View(rows: readonly TableRow[], options: Table1Options = {}): TableView {
  const baseline = options.baseline === undefined ? DEFAULT_BASELINE_ROW : options.baseline || null;
  return buildView(TABLE1_TITLE, rows, TABLE1_COLUMNS, ROW_GROUPS, {
    among: options.among ?? 'majority',
    baselineRowId: baseline,
    deltaGroups: options.deltaAll ? 'all' : ['ours'],
  });
}
