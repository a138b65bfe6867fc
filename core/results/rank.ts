/**
 * Best / second per column and the Δ against a baseline row, as the VideoCap-R1 paper prints them
 * (bold = best, underline = second; `34.2 (+4.4)` in Table 1 and the ablations).
 *
 * Comparability: a column's cells fall into judge classes (model.ts `JudgeTag.classKey`: all
 * reported numbers form one class; measured numbers one class per judge). The column's majority
 * class is the class with the most ranked cells (ties: `reported` first, then by name). By default
 * only cells of the majority class are ranked; `among: 'all'` ranks every cell (cells outside the
 * majority stay marked), `among: <classKey>` ranks one class. Simulated cells (local-backend
 * captions) and `excluded` cells (measured on a synthetic sample, or on fewer clips than the
 * benchmark's full set, or an AVG over such cells: ./coverage.ts) are never ranked, whatever `among`
 * says, and do not count towards the majority class.
 *
 * Ties: values are compared as printed (`digits` decimals). Every cell equal to the best printed
 * value is best; the second is the next lower distinct printed value, every cell equal to it second
 * (dense ranking). A pool of one cell has a best and no second.
 */
import { printed, REPORTED_CLASS, type ColumnDef, type TableRow } from './model';

export type RankAmong = 'majority' | 'all' | (string & {});

export interface RankInput {
  rowId: string;
  value: number | null;
  classKey: string | null;
  simulated?: boolean;
  /** Not comparable with full-benchmark numbers (synthetic sample, partial coverage): never ranked. */
  excluded?: boolean;
}

export interface CellRank {
  /** 1 = best (bold), 2 = second (underline), null = neither or not ranked. */
  rank: 1 | 2 | null;
  /** The cell took part in the ranking. */
  ranked: boolean;
  /** The cell's judge class differs from the column's majority class. */
  offMajority: boolean;
}

/** The class with the most cells (ties: reported first, then alphabetical); null for an empty column. */
export function majorityClass(cells: readonly RankInput[]): string | null {
  const counts = new Map<string, number>();
  for (const c of cells) if (c.value !== null && c.classKey !== null && !c.simulated && !c.excluded) counts.set(c.classKey, (counts.get(c.classKey) ?? 0) + 1);
  let best: string | null = null;
  let bestN = -1;
  for (const [k, n] of [...counts].sort(([a], [b]) => (a === REPORTED_CLASS ? -1 : b === REPORTED_CLASS ? 1 : a.localeCompare(b)))) {
    if (n > bestN) {
      best = k;
      bestN = n;
    }
  }
  return best;
}

/** Ranks one column's cells (see the module comment). Returns a mark per row id. */
export function rankColumn(cells: readonly RankInput[], digits: number, among: RankAmong = 'majority'): Map<string, CellRank> {
  const majority = majorityClass(cells);
  const out = new Map<string, CellRank>();
  const pool: { rowId: string; v: number }[] = [];
  for (const c of cells) {
    const offMajority = c.value !== null && c.classKey !== null && majority !== null && c.classKey !== majority;
    const inPool =
      c.value !== null && Number.isFinite(c.value) && !c.simulated && !c.excluded && c.classKey !== null && (among === 'all' || (among === 'majority' ? c.classKey === majority : c.classKey === among));
    out.set(c.rowId, { rank: null, ranked: inPool, offMajority });
    if (inPool) pool.push({ rowId: c.rowId, v: printed(c.value!, digits) });
  }
  const distinct = [...new Set(pool.map((p) => p.v))].sort((a, b) => b - a);
  const [first, second] = distinct;
  for (const p of pool) {
    const m = out.get(p.rowId)!;
    if (p.v === first) m.rank = 1;
    else if (second !== undefined && p.v === second) m.rank = 2;
  }
  return out;
}

/**
 * Δ of a value against the baseline's, on the printed values, as the paper prints it: "+4.4",
 * "-0.6", "+0.0". Null when either side is missing.
 */
export function deltaText(value: number | null | undefined, baseline: number | null | undefined, digits = 1): string | null {
  if (value === null || value === undefined || baseline === null || baseline === undefined) return null;
  if (!Number.isFinite(value) || !Number.isFinite(baseline)) return null;
  const d = printed(value, digits) - printed(baseline, digits);
  const s = Math.abs(d) < 0.5 * 10 ** -digits ? 0 : d;
  return `${s < 0 ? '-' : '+'}${Math.abs(s).toFixed(digits)}`;
}

/** Marks of every cell of a table: `marks[rowId][columnId]`, plus each column's majority class. */
export interface TableMarks {
  marks: Record<string, Record<string, CellRank>>;
  majority: Record<string, string | null>;
}

/** Ranks every column of a table (rows as given; AVG and other computed columns included, judged by their row's class). */
export function rankTable(rows: readonly TableRow[], columns: readonly ColumnDef[], among: RankAmong = 'majority'): TableMarks {
  const marks: Record<string, Record<string, CellRank>> = {};
  const majority: Record<string, string | null> = {};
  for (const r of rows) marks[r.id] = {};
  for (const c of columns) {
    const inputs = rows.map((r) => {
      const cell = r.cells[c.id];
      return { rowId: r.id, value: cell?.value ?? null, classKey: cell?.judge?.classKey ?? null, simulated: cell?.simulated ?? r.simulated, excluded: !!(cell?.sample || cell?.partial || cell?.mixedCoverage) };
    });
    majority[c.id] = majorityClass(inputs);
    for (const [rowId, m] of rankColumn(inputs, c.digits, among)) marks[rowId]![c.id] = m;
  }
  return { marks, majority };
}
