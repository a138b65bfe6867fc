/**
 * A results table as shown and exported: rows in their groups, every cell with its printed text,
 * best/second mark (./rank.ts), Δ against the baseline row and its marks. The page, the exports
 * (./export.ts) and the server all use this one view, so what is downloaded is what is on screen.
 */
import { formatValue, type Cell, type ColumnDef, type TableRow } from './model';
import { deltaText, rankTable, type RankAmong } from './rank';

export interface ViewOptions {
  /** Which cells are ranked (rank.ts): the column's majority judge (default), every cell, or one judge class. */
  among?: RankAmong;
  /** Row id of the Δ baseline; null: no Δ. */
  baselineRowId?: string | null;
  /** Rows that print a Δ: those of these groups (the paper prints it on its own rows), or every row. */
  deltaGroups?: readonly string[] | 'all';
  /** Check-mark columns (row.flags) printed before the numbers. */
  flagColumns?: readonly { id: string; label: string }[];
}

export interface ViewCell extends Cell {
  text: string;
  rank: 1 | 2 | null;
  ranked: boolean;
  /** Judge class differs from the column's majority class (shown with a mark). */
  offMajority: boolean;
  /** Judged by the offline lexical judge (always marked). */
  lexical: boolean;
  /** "+4.4" against the baseline row, or null. */
  delta: string | null;
}

export interface ViewRow {
  row: TableRow;
  /** In column order. */
  cells: ViewCell[];
  isBaseline: boolean;
}

export interface ViewGroup {
  id: string;
  label: string;
  rows: ViewRow[];
}

export interface TableView {
  title: string;
  columns: ColumnDef[];
  groups: ViewGroup[];
  /** Each column's majority judge class. */
  majority: Record<string, string | null>;
  baselineRowId: string | null;
  among: RankAmong;
  /** Check-mark columns printed before the numbers (Table 3's reward components). */
  flagColumns: { id: string; label: string }[];
  /** Footnotes for the marks that occur (asterisk, lexical judge, judge differs, trained on test data, simulated, synthetic sample, partial coverage). */
  footnotes: Footnote[];
}

export type FootnoteKey = 'reproduced' | 'lexical' | 'offMajority' | 'trainedOnTest' | 'simulated' | 'sample' | 'partial';
export interface Footnote {
  key: FootnoteKey;
  /** The symbol printed beside a cell ("*", "ℓ", "†", "‡", "s", "§", "n=…"). */
  symbol: string;
  text: string;
}

export const FOOTNOTES: Record<FootnoteKey, Footnote> = {
  reproduced: { key: 'reproduced', symbol: '*', text: 'Cells with * are reproduced with official code (as reported by the VideoCap-R1 paper).' },
  lexical: { key: 'lexical', symbol: 'ℓ', text: 'ℓ: judged by the offline lexical judge, an approximation of the LLM judge; not comparable with LLM-judged numbers.' },
  offMajority: { key: 'offMajority', symbol: '†', text: "†: judged by another judge than the column's majority; not ranked against it unless every cell is ranked." },
  trainedOnTest: { key: 'trainedOnTest', symbol: '‡', text: '‡: the model was trained on clips of this benchmark (trained on test data).' },
  simulated: { key: 'simulated', symbol: 's', text: 's: captions simulated by the local backend from the clips’ annotations, not a model; never ranked.' },
  sample: { key: 'sample', symbol: '§', text: '§: measured on a synthetic sample shipped in place of the benchmark (CAREBENCH: 8 made-up records in its schema), not on benchmark data; never ranked.' },
  partial: {
    key: 'partial',
    symbol: 'n=',
    text: 'n=N: computed on N clips, fewer than the benchmark’s full set (DREAM-1K 1,000, VDC 1,027, CAREBENCH 1,000); n=mixed: an AVG over such cells. Not ranked against full-coverage numbers.',
  },
};

/**
 * Builds the view: groups in `groupOrder` (empty groups dropped), rows in the given order within a
 * group, ranks over all shown rows, Δ against `baselineRowId` on the rows `deltaGroups` selects
 * (never on the baseline itself). AVG columns (`fromResults: false`) must already be in the cells.
 */
export function buildView(
  title: string,
  rows: readonly TableRow[],
  columns: readonly ColumnDef[],
  groupOrder: readonly { id: string; label: string }[],
  options: ViewOptions = {},
): TableView {
  const among = options.among ?? 'majority';
  const { marks, majority } = rankTable(rows, columns, among);
  const baseline = options.baselineRowId ? rows.find((r) => r.id === options.baselineRowId) ?? null : null;
  const deltaGroups = options.deltaGroups ?? ['ours'];
  const seen = new Set<FootnoteKey>();
  const viewRow = (row: TableRow): ViewRow => {
    const isBaseline = baseline?.id === row.id;
    const wantsDelta = !!baseline && !isBaseline && (deltaGroups === 'all' || deltaGroups.includes(row.group));
    const cells = columns.map((c): ViewCell => {
      const cell = row.cells[c.id] ?? { columnId: c.id, value: null, missingReason: 'no result', judge: null };
      const m = marks[row.id]?.[c.id] ?? { rank: null, ranked: false, offMajority: false };
      const lexical = cell.judge?.kind === 'lexical';
      const simulated = !!(cell.simulated ?? row.simulated) && cell.value !== null;
      if (cell.value !== null) {
        if (cell.sample) seen.add('sample');
        if (cell.partial || cell.mixedCoverage) seen.add('partial');
        if (cell.reproduced) seen.add('reproduced');
        if (lexical) seen.add('lexical');
        if (m.offMajority) seen.add('offMajority');
        if (cell.trainedOnTest) seen.add('trainedOnTest');
        if (simulated) seen.add('simulated');
      }
      return {
        ...cell,
        simulated,
        text: formatValue(cell.value, c.digits),
        rank: m.rank,
        ranked: m.ranked,
        offMajority: m.offMajority,
        lexical,
        delta: wantsDelta ? deltaText(cell.value, baseline!.cells[c.id]?.value, c.digits) : null,
      };
    });
    return { row, cells, isBaseline };
  };
  const groups: ViewGroup[] = [];
  for (const g of groupOrder) {
    const members = rows.filter((r) => r.group === g.id);
    if (members.length) groups.push({ id: g.id, label: g.label, rows: members.map(viewRow) });
  }
  const known = new Set(groupOrder.map((g) => g.id));
  const rest = rows.filter((r) => !known.has(r.group));
  if (rest.length) groups.push({ id: 'other', label: 'Other', rows: rest.map(viewRow) });
  const order: FootnoteKey[] = ['reproduced', 'lexical', 'offMajority', 'trainedOnTest', 'simulated', 'sample', 'partial'];
  return {
    title,
    columns: [...columns],
    groups,
    majority,
    baselineRowId: baseline?.id ?? null,
    among,
    flagColumns: [...(options.flagColumns ?? [])],
    footnotes: order.filter((k) => seen.has(k)).map((k) => FOOTNOTES[k]),
  };
}

/** The marks printed after a cell's value, in a fixed order ("*", "ℓ", "†", "‡", "s", "§", "n=<clips>" or "n=mixed"). */
export function cellSymbols(c: ViewCell): string[] {
  if (c.value === null) return [];
  const out: string[] = [];
  if (c.reproduced) out.push('*');
  if (c.lexical) out.push('ℓ');
  if (c.offMajority) out.push('†');
  if (c.trainedOnTest) out.push('‡');
  if (c.simulated) out.push('s');
  if (c.sample) out.push('§');
  if (c.partial) out.push(`n=${c.partial.clips}`);
  else if (c.mixedCoverage) out.push('n=mixed');
  return out;
}

/** Mean of the row's values in `columnIds` (printed values, as the paper's AVG), or null when one is missing. */
export function averageOf(row: TableRow, columnIds: readonly string[], digits = 1): number | null {
  let sum = 0;
  for (const id of columnIds) {
    const v = row.cells[id]?.value;
    if (v === null || v === undefined) return null;
    sum += Number(v.toFixed(digits));
  }
  return columnIds.length ? sum / columnIds.length : null;
}
