/**
 * The results tables' shared model (Tables 1–4 of VideoCap-R1, arXiv 2506.01725): columns, rows,
 * cells, judges, row groups. Pure data shapes; the rules (ranking, Δ) live in ./rank.ts, the
 * reported rows in ./reported.ts, the exports in ./export.ts.
 *
 * Stable ids (the seams other features plug into, e.g. the paired bootstrap):
 *  - a row id: `eval:<evalRunId>` (a measured row: one evaluation run), `paper:<model>` (the paper's
 *    reported row), `lb:<benchmark>:<model>` (a published leaderboard row), and for Tables 2–4
 *    `<table>:<rowKey>` with the evaluation run behind it in `evalRunId`;
 *  - a column id: `<benchmark>:<metric>` (e.g. `dream-1k:f1`, `vdc:accuracy`, `carebench:object_f1`),
 *    with `benchmark`, `subset` and `metric` the EvalResult names (core/eval/types.ts), or `avg`.
 */
import type { BenchmarkId } from '../eval/types';

/** Row groups of the paper's Table 1, in print order. */
export const ROW_GROUPS = [
  { id: 'proprietary', label: 'Proprietary models' },
  { id: 'open-large', label: 'Open-source models > 10B' },
  { id: 'general', label: 'General MLLMs < 10B' },
  { id: 'captioning', label: 'Specialised captioning MLLMs < 10B' },
  { id: 'ours', label: 'Ours' },
  { id: 'unassigned', label: 'Measured (no group chosen)' },
] as const;
export type RowGroup = (typeof ROW_GROUPS)[number]['id'];
export const ROW_GROUP_IDS = ROW_GROUPS.map((g) => g.id) as unknown as readonly [RowGroup, ...RowGroup[]];
export function isRowGroup(v: string): v is RowGroup {
  return (ROW_GROUP_IDS as readonly string[]).includes(v);
}
export function rowGroupLabel(g: RowGroup): string {
  return ROW_GROUPS.find((x) => x.id === g)?.label ?? g;
}

/** A column: one EvalResult (benchmark, subset, metric), or the AVG of Tables 2–4. */
export interface ColumnDef {
  /** `<benchmark>:<metric>` or `avg`. */
  id: string;
  /** null for `avg`. */
  benchmark: BenchmarkId | null;
  subset: string;
  metric: string;
  /** Header of the column's benchmark span ("DREAM-1K", "VDC", "CAREBENCH Action"). */
  group: string;
  /** Header of the column ("F1", "Acc.", "Score"). */
  label: string;
  /** Decimals printed (the paper prints 1); ranking and Δ use the printed values. */
  digits: number;
  /** False for AVG: computed, not ranked against a judge of its own. */
  fromResults: boolean;
}

const col = (benchmark: BenchmarkId, subset: string, metric: string, group: string, label: string): ColumnDef => ({
  id: `${benchmark}:${metric}`,
  benchmark,
  subset,
  metric,
  group,
  label,
  digits: 1,
  fromResults: true,
});

/** Table 1's columns as the paper prints them (VDC: the "detailed" question set, as the paper reports). */
export const TABLE1_COLUMNS: readonly ColumnDef[] = [
  col('dream-1k', 'overall', 'f1', 'DREAM-1K', 'F1'),
  col('dream-1k', 'overall', 'precision', 'DREAM-1K', 'P'),
  col('dream-1k', 'overall', 'recall', 'DREAM-1K', 'R'),
  col('vdc', 'detailed', 'accuracy', 'VDC', 'Acc.'),
  col('vdc', 'detailed', 'score', 'VDC', 'Score'),
  col('carebench', 'overall', 'action_f1', 'CAREBENCH Action', 'F1'),
  col('carebench', 'overall', 'action_precision', 'CAREBENCH Action', 'P'),
  col('carebench', 'overall', 'action_recall', 'CAREBENCH Action', 'R'),
  col('carebench', 'overall', 'object_f1', 'CAREBENCH Object', 'F1'),
  col('carebench', 'overall', 'object_precision', 'CAREBENCH Object', 'P'),
  col('carebench', 'overall', 'object_recall', 'CAREBENCH Object', 'R'),
];

export const AVG_COLUMN: ColumnDef = { id: 'avg', benchmark: null, subset: '', metric: 'avg', group: '', label: 'AVG', digits: 1, fromResults: false };

/** Columns of Tables 2 and 3 (paper: DREAM-1K F1, VDC Acc., CARE action F1, CARE object F1, AVG). */
export const TABLE23_COLUMNS: readonly ColumnDef[] = [
  { ...col('dream-1k', 'overall', 'f1', 'DREAM-1K', 'F1') },
  { ...col('vdc', 'detailed', 'accuracy', 'VDC', 'Acc.') },
  { ...col('carebench', 'overall', 'action_f1', 'CARE-Action', 'F1') },
  { ...col('carebench', 'overall', 'object_f1', 'CARE-Object', 'F1') },
  AVG_COLUMN,
];

/** Columns of Table 4 (paper: DREAM-1K F1, VDC Acc., VDC Score, CARE action F1, CARE object F1), with AVG added. */
export const TABLE4_COLUMNS: readonly ColumnDef[] = [
  { ...col('dream-1k', 'overall', 'f1', 'DREAM-1K', 'F1') },
  { ...col('vdc', 'detailed', 'accuracy', 'VDC', 'Acc.') },
  { ...col('vdc', 'detailed', 'score', 'VDC', 'Score') },
  { ...col('carebench', 'overall', 'action_f1', 'CARE-Action', 'F1') },
  { ...col('carebench', 'overall', 'object_f1', 'CARE-Object', 'F1') },
  AVG_COLUMN,
];

/**
 * Who produced a number. `classKey` decides comparability: every reported number (paper or
 * leaderboard) is in class `reported` (the paper ranks them together); a measured number is in
 * `<kind>:<model>` of its judge (e.g. `lexical:lexical-judge-v2`, `openai:Qwen2.5-72B-Instruct`).
 */
export interface JudgeTag {
  kind: 'paper' | 'leaderboard' | 'openai' | 'lexical' | 'unknown';
  /** Judge model or, for reported numbers, who reported them. */
  model: string;
  /** Short text shown beside the cell / on hover. */
  label: string;
  classKey: string;
}

export const REPORTED_CLASS = 'reported';

/** The judge tag of a measured EvalResult (judgeKind / judgeModel columns). */
export function measuredJudge(judgeKind: string | null, judgeModel: string | null): JudgeTag {
  const kind = judgeKind === 'lexical' || judgeKind === 'openai' ? judgeKind : 'unknown';
  const model = judgeModel ?? 'unknown judge';
  const label = kind === 'lexical' ? `${model} (offline lexical judge, an approximation)` : kind === 'openai' ? `${model} (LLM judge)` : model;
  return { kind, model, label, classKey: `${kind}:${model}` };
}

/** One cell of a row. `value` null = missing, with `missingReason` shown on hover. */
export interface Cell {
  columnId: string;
  value: number | null;
  missingReason?: string;
  judge: JudgeTag | null;
  /** The paper's "reproduced with official code" asterisk. */
  reproduced?: boolean;
  /** The evaluated model trained on this benchmark's clips. */
  trainedOnTest?: boolean;
  /** Captions simulated by the local backend: shown, never ranked. */
  simulated?: boolean;
  /**
   * Measured on a synthetic sample shipped in place of the benchmark (its label, e.g.
   * CAREBENCH_SAMPLE_LABEL, core/results/coverage.ts): marked `§`, never ranked. Null/absent: the real benchmark.
   */
  sample?: string | null;
  /** Computed on fewer clips than the benchmark's full set (`clips` of `full`): marked `n=<clips>`, never ranked. */
  partial?: { clips: number; full: number } | null;
  /** AVG over cells of which some are partial or on a synthetic sample: why (marked `n=mixed`, never ranked). */
  mixedCoverage?: string | null;
  clips?: number | null;
  failedClips?: number | null;
  /** Evaluation run behind the number (its per-clip records: /evals/<id>/clips?benchmark=…). */
  evalRunId?: string | null;
}

export interface TableRow {
  id: string;
  label: string;
  /** Table 1: a RowGroup id; Tables 2–4: "reported" | "measured". */
  group: string;
  origin: 'reported' | 'measured' | 'imported';
  /** Where the row's numbers come from, one line ("VideoCap-R1 paper, Table 1", a leaderboard, an evaluation). */
  source: string;
  /** Measured rows: the evaluation run; null for reported rows. */
  evalRunId: string | null;
  evalRunName?: string | null;
  checkpointId?: string | null;
  checkpointStep?: number | null;
  /** The trained run whose checkpoint was evaluated. */
  trainedRunId?: string | null;
  simulated?: boolean;
  /** Benchmarks the evaluated model trained on (Run.trainedOnBenchmarks). */
  trainedOnBenchmarks?: string[];
  createdAt?: string | null;
  /** Check-mark columns (Table 3's reward components). */
  flags?: Record<string, boolean>;
  cells: Record<string, Cell>;
}

/** A cell's value as printed (the paper prints one decimal); "–" when missing. */
export function formatValue(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return v.toFixed(digits);
}

/** The printed value as a number (ranking and Δ work on what the reader sees). */
export function printed(v: number, digits = 1): number {
  return Number(v.toFixed(digits));
}
