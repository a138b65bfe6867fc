/**
 * Tables 2–4 of VideoCap-R1 (SFT vs RL, reward ablation, thinking ablation) built from our runs.
 * Each row names the launch preset it reproduces (core/presets.ts); a training run fills the row
 * when its configuration matches the preset's (kind, thinking mode, reward components, SFT with
 * structured thinking), and the row shows the newest finished evaluation of one of its
 * checkpoints. The untrained baseline row is an evaluation of the base model's captions (an
 * imported evaluation whose model name is the base model, Qwen2-VL-7B). The user may pick another
 * evaluation per row (`picks`). The paper's own rows are a switchable reported group.
 */
import { findPreset, type PaperTableKey } from '../presets';
import { PAPER_HYPERPARAMETERS } from '../paper';
import { REPORTED_CLASS, TABLE23_COLUMNS, TABLE4_COLUMNS, type Cell, type ColumnDef, type JudgeTag, type TableRow } from './model';
import { measuredRow, type MeasuredEval } from './measured';
import { paperAblationRows } from './reported';
import { averageOf } from './view';

export const ABLATION_TABLES = ['table2', 'table3', 'table4'] as const;
export type AblationTable = (typeof ABLATION_TABLES)[number];

export interface AblationRowDef {
  /** Stable key within the table (URL: `pick.<key>=<evalRunId>`). */
  key: string;
  label: string;
  /** The row's `model` in the paper JSON. */
  paperModel: string;
  /** Preset whose configuration the row's runs match; null for the untrained baseline. */
  presetId: string | null;
  /** Table 3: the reward components shown as check marks (besides format). */
  rewards?: { tscore: boolean; cnscore: boolean; escore: boolean };
}

export interface AblationTableDef {
  id: AblationTable;
  paperKey: PaperTableKey;
  title: string;
  columns: readonly ColumnDef[];
  /** Percent columns averaged into AVG (as the paper: DREAM-1K F1, VDC Acc., CARE action / object F1). */
  avgOf: readonly string[];
  rows: readonly AblationRowDef[];
  /** Table 3's check-mark columns. */
  flagColumns?: readonly { id: 'tscore' | 'cnscore' | 'escore'; label: string }[];
}

const AVG_OF = ['dream-1k:f1', 'vdc:accuracy', 'carebench:action_f1', 'carebench:object_f1'];
const r3 = (tscore: boolean, cnscore: boolean, escore: boolean) => ({ tscore, cnscore, escore });

export const ABLATION_DEFS: Record<AblationTable, AblationTableDef> = {
  table2: {
    id: 'table2',
    paperKey: 'table2_sft_vs_rl',
    title: 'Table 2: SFT vs RL',
    columns: TABLE23_COLUMNS,
    avgOf: AVG_OF,
    rows: [
      { key: 'baseline', label: 'Baseline (Qwen2-VL-7B)', paperModel: 'Baseline (Qwen2-VL-7B)', presetId: null },
      { key: 'sft', label: '+SFT', paperModel: '+SFT', presetId: 't2-sft' },
      { key: 'sft-structured', label: '+SFT with structured thinking', paperModel: '+SFT with structured thinking', presetId: 't2-sft-structured' },
      { key: 'grpo', label: 'VideoCap-R1 (GRPO)', paperModel: 'VideoCap-R1 (GRPO)', presetId: 't2-grpo' },
    ],
  },
  table3: {
    id: 'table3',
    paperKey: 'table3_reward_ablation',
    title: 'Table 3: reward ablation (every GRPO row also uses the format reward)',
    columns: TABLE23_COLUMNS,
    avgOf: AVG_OF,
    flagColumns: [
      { id: 'tscore', label: 'Tscore' },
      { id: 'cnscore', label: 'CNscore' },
      { id: 'escore', label: 'Escore' },
    ],
    rows: [
      { key: 'baseline', label: 'Baseline', paperModel: 'Baseline', presetId: null, rewards: r3(false, false, false) },
      { key: 'wo-caption', label: 'w/o caption score', paperModel: 'w/o caption score', presetId: 't3-wo-caption-score', rewards: r3(true, false, false) },
      { key: 'wo-think', label: 'w/o think score', paperModel: 'w/o think score', presetId: 't3-wo-think-score', rewards: r3(false, false, true) },
      { key: 'tscore-cnscore', label: 'Tscore + CNscore', paperModel: 'Tscore + CNscore', presetId: 't3-tscore-cnscore', rewards: r3(true, true, false) },
      { key: 'tscore-escore', label: 'Tscore + Escore', paperModel: 'Tscore + Escore', presetId: 't3-tscore-escore', rewards: r3(true, false, true) },
    ],
  },
  table4: {
    id: 'table4',
    paperKey: 'table4_thinking_ablation',
    title: 'Table 4: thinking ablation',
    columns: TABLE4_COLUMNS,
    avgOf: AVG_OF,
    rows: [
      { key: 'baseline', label: 'Baseline', paperModel: 'Baseline', presetId: null },
      { key: 'free-form', label: 'Free-form thinking', paperModel: 'Free-form thinking', presetId: 't4-free-form' },
      { key: 'guided-free-form', label: 'Guided free-form thinking', paperModel: 'Guided free-form thinking', presetId: 't4-guided-free-form' },
      { key: 'structured', label: 'Structured thinking (VideoCap-R1)', paperModel: 'Structured thinking (VideoCap-R1)', presetId: 't4-structured' },
    ],
  },
};

/** A training run as matching needs it. */
export interface TrainedRunInfo {
  id: string;
  name: string;
  kind: string;
  config: unknown;
}

type Cfg = { thinkingMode?: string; rewards?: { name: string; weight?: number }[]; sft?: { withStructuredThinking?: boolean } };

/**
 * Does the run's configuration match the row's preset? GRPO: kind, thinking mode and the set of
 * reward components (weights not compared); SFT: kind and `sft.withStructuredThinking`. The
 * baseline row (no preset) matches no training run.
 */
export function runMatchesRow(row: AblationRowDef, run: Pick<TrainedRunInfo, 'kind' | 'config'>): boolean {
  const preset = findPreset(row.presetId);
  if (!preset || run.kind !== preset.kind) return false;
  const c = (run.config ?? {}) as Cfg;
  const p = preset.config as Cfg;
  if (preset.kind === 'sft') return (c.sft?.withStructuredThinking ?? false) === (p.sft?.withStructuredThinking ?? false);
  if ((c.thinkingMode ?? 'structured') !== p.thinkingMode) return false;
  const names = (xs: Cfg['rewards']) => [...new Set((xs ?? []).map((x) => x.name))].sort().join(',');
  return names(c.rewards) === names(p.rewards);
}

/** Is this evaluation of the untrained base model (imported captions named like the paper's base model)? */
export function isBaselineEval(e: Pick<MeasuredEval, 'modelName' | 'checkpointId'>, baseModel: string = PAPER_HYPERPARAMETERS.base_model): boolean {
  if (e.checkpointId || !e.modelName) return false;
  const norm = (s: string) => s.toLowerCase().replace(/-instruct$/, '').replace(/[^a-z0-9]/g, '');
  return norm(e.modelName) === norm(baseModel);
}

/** A candidate evaluation with the training run it evaluated (null for imported captions). */
export interface AblationCandidate extends MeasuredEval {
  trainedRun: TrainedRunInfo | null;
}

export interface AblationRowChoice {
  def: AblationRowDef;
  /** The evaluation shown (picked or automatic), or null. */
  evalRunId: string | null;
  /** How it was chosen. */
  how: 'picked' | 'matched' | 'none';
  /** Runs whose configuration matches the row (whether evaluated or not). */
  matchingRuns: { id: string; name: string }[];
  /** Evaluations offered for the row: those of matching runs first, then every other one. */
  options: { evalRunId: string; label: string; matches: boolean }[];
  /** Why the row is empty, when it is. */
  emptyReason: string | null;
}

function optionLabel(e: AblationCandidate): string {
  const what = e.trainedRun ? `${e.trainedRun.name}${e.checkpointStep !== null ? ` · step ${e.checkpointStep}` : ''}` : e.modelName ?? e.name;
  return `${what} — ${e.name}${e.results.some((r) => r.simulated) ? ' (simulated)' : ''}`;
}

/**
 * Chooses the evaluation of each row: the pick when it names a known evaluation; else the newest
 * succeeded evaluation (with results) of a matching run (the baseline: of the base model's captions).
 * `candidates` newest first.
 */
export function chooseAblationRows(def: AblationTableDef, candidates: readonly AblationCandidate[], picks: Readonly<Record<string, string>> = {}): AblationRowChoice[] {
  return def.rows.map((row) => {
    const matches = (e: AblationCandidate) => (row.presetId === null ? isBaselineEval(e) : !!e.trainedRun && runMatchesRow(row, e.trainedRun));
    const matching = candidates.filter(matches);
    const matchingRuns = [...new Map(candidates.filter((e) => e.trainedRun && row.presetId && runMatchesRow(row, e.trainedRun)).map((e) => [e.trainedRun!.id, { id: e.trainedRun!.id, name: e.trainedRun!.name }])).values()];
    const options = [...matching.map((e) => ({ evalRunId: e.evalRunId, label: optionLabel(e), matches: true })), ...candidates.filter((e) => !matches(e)).map((e) => ({ evalRunId: e.evalRunId, label: optionLabel(e), matches: false }))];
    const picked = picks[row.key];
    if (picked && candidates.some((e) => e.evalRunId === picked)) return { def: row, evalRunId: picked, how: 'picked', matchingRuns, options, emptyReason: null };
    const auto = matching.find((e) => e.status === 'succeeded' && e.results.length > 0);
    if (auto) return { def: row, evalRunId: auto.evalRunId, how: 'matched', matchingRuns, options, emptyReason: null };
    const preset = findPreset(row.presetId);
    const emptyReason =
      row.presetId === null
        ? 'no finished evaluation of the base model (Qwen2-VL-7B) captions yet: evaluate its predictions, or pick an evaluation'
        : matching.length
          ? `the evaluations of matching runs have not finished (${matching.map((e) => `${e.name}: ${e.status}`).join(', ')})`
          : `no evaluated run matches the preset "${preset?.label ?? row.presetId}" yet: launch it, evaluate a checkpoint, or pick an evaluation`;
    return { def: row, evalRunId: null, how: 'none', matchingRuns, options, emptyReason };
  });
}

/**
 * AVG cell of a row over `avgOf` (printed values); its judge is the components' judge when they agree.
 * Coverage: `mixedCoverage` says why when a component is partial (fewer clips than its benchmark's
 * full set); such an AVG is marked `n=mixed` and never ranked. A component on a synthetic sample
 * carries its `sample` over (marked `§`, never ranked).
 */
export function avgCell(row: TableRow, avgOf: readonly string[]): Cell {
  const v = averageOf(row, avgOf);
  if (v === null) {
    const miss = avgOf.filter((id) => row.cells[id]?.value === null || row.cells[id]?.value === undefined);
    return { columnId: 'avg', value: null, missingReason: `AVG needs ${miss.join(', ')}`, judge: null };
  }
  const judges = avgOf.map((id) => row.cells[id]!.judge);
  const keys = new Set(judges.map((j) => j?.classKey ?? 'unknown'));
  const judge: JudgeTag = keys.size === 1 && judges[0] ? judges[0] : { kind: 'unknown', model: 'mixed judges', label: 'mixed judges (AVG of cells judged differently)', classKey: 'mixed' };
  const partial = avgOf.filter((id) => row.cells[id]?.partial);
  const sample = avgOf.map((id) => row.cells[id]?.sample).find((s) => !!s) ?? null;
  const mixedCoverage = partial.length
    ? `AVG over cells of mixed/partial coverage: ${partial.map((id) => `${id} on ${row.cells[id]!.partial!.clips} of ${row.cells[id]!.partial!.full} clips`).join(', ')}`
    : null;
  return {
    columnId: 'avg',
    value: v,
    judge,
    sample,
    mixedCoverage,
    simulated: avgOf.some((id) => row.cells[id]?.simulated),
    trainedOnTest: avgOf.some((id) => row.cells[id]?.trainedOnTest),
  };
}

/** The measured rows of an ablation table (ids `<table>:<key>`), one per row definition, AVG filled. */
export function ablationMeasuredRows(def: AblationTableDef, choices: readonly AblationRowChoice[], candidates: readonly AblationCandidate[]): TableRow[] {
  return choices.map((choice) => {
    const e = choice.evalRunId ? candidates.find((c) => c.evalRunId === choice.evalRunId) ?? null : null;
    let row: TableRow;
    if (e) {
      const m = measuredRow(e, def.columns);
      row = { ...m, id: `${def.id}:${choice.def.key}`, label: choice.def.label, group: 'measured', source: `${optionLabel(e)}${choice.how === 'picked' ? ' (picked)' : ''}` };
    } else {
      const cells: Record<string, Cell> = {};
      for (const c of def.columns) cells[c.id] = { columnId: c.id, value: null, missingReason: choice.emptyReason ?? 'no evaluation', judge: null };
      row = { id: `${def.id}:${choice.def.key}`, label: choice.def.label, group: 'measured', origin: 'measured', source: choice.emptyReason ?? '', evalRunId: null, cells };
    }
    if (choice.def.rewards) row.flags = { ...choice.def.rewards };
    row.cells.avg = e ? avgCell(row, def.avgOf) : row.cells.avg!;
    return row;
  });
}

const PAPER_JUDGE_ABL: JudgeTag = { kind: 'paper', model: 'as reported in the VideoCap-R1 paper', label: 'reported in the VideoCap-R1 paper', classKey: REPORTED_CLASS };

/** The paper's rows of the table (ids `<table>:paper:<key>`); AVG as printed where the paper prints it, else computed. */
export function ablationPaperRows(def: AblationTableDef): TableRow[] {
  const paper = paperAblationRows(def.paperKey);
  const colKey: Record<string, string> = { dream1k_f1: 'dream-1k:f1', vdc_acc: 'vdc:accuracy', vdc_score: 'vdc:score', care_action_f1: 'carebench:action_f1', care_object_f1: 'carebench:object_f1', avg: 'avg' };
  return def.rows.map((rowDef) => {
    const p = paper.find((x) => x.model === rowDef.paperModel);
    const cells: Record<string, Cell> = {};
    for (const c of def.columns) {
      const i = p ? p.columns.findIndex((k) => colKey[k] === c.id) : -1;
      cells[c.id] = p && i >= 0 ? { columnId: c.id, value: p.values[i]!, judge: PAPER_JUDGE_ABL } : { columnId: c.id, value: null, missingReason: 'not printed in the paper', judge: null };
    }
    const row: TableRow = { id: `${def.id}:paper:${rowDef.key}`, label: rowDef.label, group: 'reported', origin: 'reported', source: `VideoCap-R1 paper, ${def.title.split(':')[0]}`, evalRunId: null, cells };
    if (cells.avg && cells.avg.value === null) row.cells.avg = avgCell(row, def.avgOf);
    if (rowDef.rewards) row.flags = { ...rowDef.rewards };
    return row;
  });
}

export const ABLATION_GROUPS = [
  { id: 'reported', label: 'Reported in the paper' },
  { id: 'measured', label: 'Measured (our runs)' },
] as const;
