/**
 * The results tables on the server (Tables 1–4 of VideoCap-R1): reads the aggregates of evaluation
 * runs (EvalResult — never the per-clip EvalSample), the reported rows shipped in data/ (the paper's
 * JSON, the published leaderboards), the row groups users chose, and builds the views of
 * core/results/. Shared by tRPC (server/api/routers/results.ts).
 *
 * Queries per table: EvalResult of the table's (benchmark, subset, metric) cells, the eval runs
 * behind them (with the evaluated run and the chosen row group), the evaluated checkpoints' steps —
 * three round trips whatever the number of rows or clips.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ABLATION_DEFS, ABLATION_GROUPS, ablationMeasuredRows, ablationPaperRows, chooseAblationRows, type AblationCandidate, type AblationRowChoice, type AblationTable } from '../../core/results/ablations';
import { isRowGroup, ROW_GROUPS, TABLE1_COLUMNS, type ColumnDef, type RowGroup, type TableRow } from '../../core/results/model';
import type { MeasuredResult } from '../../core/results/measured';
import type { RankAmong } from '../../core/results/rank';
import { leaderboardRows, paperTable1Rows, type LeaderboardFiles } from '../../core/results/reported';
import { table1Rows, table1View, type Table1Options } from '../../core/results/table1';
import { buildView, type TableView } from '../../core/results/view';
import type { Db } from '../db';
import { NotFoundError, ValidationError } from './errors';

// ---------------------------------------------------------------------------------------------
// Reported rows (files shipped in the repository)

function dataFile(rel: string): string {
  const candidates = [path.join(process.cwd(), rel)];
  try {
    candidates.push(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..', rel));
  } catch {
    // bundled without a file URL: the working directory is the repository
  }
  for (const p of candidates) {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      // next candidate
    }
  }
  throw new Error(`${rel}: not found (looked in ${candidates.join(', ')})`);
}

let reportedCache: { paper: TableRow[]; leaderboards: TableRow[] } | null = null;

/** The paper's Table 1 rows and the leaderboards' rows (data/reference, data/leaderboards), parsed once. */
export function reportedTable1Rows(): { paper: TableRow[]; leaderboards: TableRow[] } {
  if (!reportedCache) {
    const files: LeaderboardFiles = {
      dream1kCsv: dataFile('data/leaderboards/dream1k_leaderboard_partial.csv'),
      carebenchCsv: dataFile('data/leaderboards/carebench_captioning_leaderboard.csv'),
      groups: JSON.parse(dataFile('data/leaderboards/groups.json')),
    };
    reportedCache = { paper: paperTable1Rows(), leaderboards: leaderboardRows(files) };
  }
  return reportedCache;
}

// ---------------------------------------------------------------------------------------------
// Measured rows

interface EvalConfigLike {
  benchmarks?: string[];
  benchmark?: string;
  source?: { kind?: string; checkpointId?: string; runId?: string; model?: string };
  model?: string | null;
}

/**
 * Evaluation runs with their EvalResult aggregates on `columns`, newest first (AblationCandidate:
 * MeasuredEval + the evaluated training run). `withoutResults`: also eval runs that stored no
 * result on these columns yet (running, failed), so a table can say why a row is empty.
 */
export async function measuredEvals(db: Db, columns: readonly ColumnDef[], options: { withoutResults?: boolean; evalRunIds?: readonly string[] } = {}): Promise<AblationCandidate[]> {
  const cols = columns.filter((c) => c.fromResults && c.benchmark);
  const results = await db.evalResult.findMany({
    where: {
      runId: options.evalRunIds ? { in: [...options.evalRunIds] } : { not: null },
      origin: { in: ['measured', 'imported'] },
      OR: cols.map((c) => ({ benchmark: c.benchmark!, subset: c.subset, metric: c.metric })),
    },
    select: { runId: true, benchmark: true, subset: true, metric: true, value: true, judgeKind: true, judgeModel: true, simulated: true, clips: true, failedClips: true, origin: true, modelName: true, checkpointId: true },
  });
  const byRun = new Map<string, typeof results>();
  for (const r of results) {
    const list = byRun.get(r.runId!) ?? [];
    list.push(r);
    byRun.set(r.runId!, list);
  }
  const runs = await db.run.findMany({
    where: options.withoutResults ? { kind: 'eval', ...(options.evalRunIds ? { id: { in: [...options.evalRunIds] } } : {}) } : { id: { in: [...byRun.keys()] } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: 2000,
    select: {
      id: true,
      name: true,
      status: true,
      failureReason: true,
      createdAt: true,
      config: true,
      resultsRowGroup: { select: { group: true } },
      parentRun: { select: { id: true, name: true, kind: true, config: true, trainedOnBenchmarks: true } },
    },
  });
  const checkpointIds = new Set<string>();
  for (const r of runs) {
    const c = r.config as EvalConfigLike | null;
    if (c?.source?.kind === 'checkpoint' && c.source.checkpointId) checkpointIds.add(c.source.checkpointId);
  }
  const checkpoints = checkpointIds.size
    ? await db.checkpoint.findMany({ where: { id: { in: [...checkpointIds] } }, select: { id: true, step: true } })
    : [];
  const stepOf = new Map(checkpoints.map((c) => [c.id, Number(c.step)]));
  return runs.map((r): AblationCandidate => {
    const c = (r.config ?? {}) as EvalConfigLike;
    const rs = byRun.get(r.id) ?? [];
    const checkpointId = c.source?.kind === 'checkpoint' ? c.source.checkpointId ?? null : null;
    const modelName = rs.find((x) => x.modelName)?.modelName ?? (c.source?.kind === 'imported' ? c.source.model ?? null : c.model ?? null);
    const group = r.resultsRowGroup?.group;
    return {
      evalRunId: r.id,
      name: r.name,
      status: r.status,
      failureReason: r.failureReason,
      createdAt: r.createdAt.toISOString(),
      modelName,
      checkpointId,
      checkpointStep: checkpointId ? stepOf.get(checkpointId) ?? null : null,
      trainedRunId: r.parentRun?.id ?? null,
      trainedRunName: r.parentRun?.name ?? null,
      trainedOnBenchmarks: r.parentRun?.trainedOnBenchmarks ?? [],
      benchmarks: Array.isArray(c.benchmarks) ? c.benchmarks : typeof c.benchmark === 'string' ? [c.benchmark] : null,
      group: group && isRowGroup(group) ? group : null,
      results: rs.map(
        (x): MeasuredResult => ({
          benchmark: x.benchmark,
          subset: x.subset,
          metric: x.metric,
          value: x.value,
          judgeKind: x.judgeKind,
          judgeModel: x.judgeModel,
          simulated: x.simulated,
          clips: x.clips,
          failedClips: x.failedClips,
          origin: x.origin,
        }),
      ),
      trainedRun: r.parentRun ? { id: r.parentRun.id, name: r.parentRun.name, kind: r.parentRun.kind, config: r.parentRun.config } : null,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Table 1

/** A judge class present in a table, for the "rank among" choice. */
export interface JudgeClassInfo {
  key: string;
  label: string;
  cells: number;
}

function judgeClasses(rows: readonly TableRow[]): JudgeClassInfo[] {
  const m = new Map<string, JudgeClassInfo>();
  for (const r of rows) {
    for (const c of Object.values(r.cells)) {
      if (c.value === null || !c.judge) continue;
      const e = m.get(c.judge.classKey) ?? { key: c.judge.classKey, label: c.judge.classKey === 'reported' ? 'reported numbers (paper, leaderboards)' : c.judge.label, cells: 0 };
      e.cells += 1;
      m.set(c.judge.classKey, e);
    }
  }
  return [...m.values()].sort((a, b) => b.cells - a.cells);
}

export interface Table1Result {
  view: TableView;
  judgeClasses: JudgeClassInfo[];
  /** Rows the Δ baseline can be chosen from. */
  rowOptions: { id: string; label: string; group: string }[];
  groups: { id: RowGroup; label: string }[];
}

/** Table 1 (see core/results/table1.ts for the options). */
export async function getTable1(db: Db, options: Table1Options = {}): Promise<Table1Result> {
  const measured = await measuredEvals(db, TABLE1_COLUMNS);
  const rows = table1Rows(reportedTable1Rows(), measured, options);
  const view = table1View(rows, options);
  return {
    view,
    judgeClasses: judgeClasses(rows),
    rowOptions: rows.map((r) => ({ id: r.id, label: r.label, group: r.group })),
    groups: ROW_GROUPS.map((g) => ({ id: g.id, label: g.label })),
  };
}

/** Stores the Table 1 row group of an evaluation run's row. Errors: unknown group, not an evaluation run. */
export async function setRowGroup(db: Db, input: { evalRunId: string; group: string; userId?: string | null }): Promise<{ evalRunId: string; group: RowGroup }> {
  if (!isRowGroup(input.group)) throw new ValidationError(`group: "${input.group}" is not a row group (one of ${ROW_GROUPS.map((g) => g.id).join(', ')})`, { group: 'unknown row group' });
  const run = await db.run.findUnique({ where: { id: input.evalRunId }, select: { id: true, kind: true } });
  if (!run) throw new NotFoundError(`run ${input.evalRunId} does not exist`);
  if (run.kind !== 'eval') throw new ValidationError(`evalRunId: run ${input.evalRunId} is a ${run.kind} run, not an evaluation`, { evalRunId: 'not an evaluation run' });
  await db.resultsRowGroup.upsert({
    where: { evalRunId: run.id },
    update: { group: input.group, updatedById: input.userId ?? null },
    create: { evalRunId: run.id, group: input.group, updatedById: input.userId ?? null },
  });
  return { evalRunId: run.id, group: input.group };
}

// ---------------------------------------------------------------------------------------------
// Tables 2–4

export interface AblationOptions {
  /** Row key → evaluation run id (the user's pick). */
  picks?: Record<string, string>;
  /** Show the paper's rows (default true). */
  paper?: boolean;
  among?: RankAmong;
  /** Δ baseline row id ('' or undefined: none). */
  baseline?: string;
}

export interface AblationResult {
  view: TableView;
  /** Per row: the evaluation shown, how it was chosen, the runs that match, the evaluations offered. */
  choices: (Omit<AblationRowChoice, 'def'> & { key: string; label: string; presetId: string | null })[];
  judgeClasses: JudgeClassInfo[];
  rowOptions: { id: string; label: string; group: string }[];
}

/** Table 2, 3 or 4 from runs (core/results/ablations.ts). */
export async function getAblationTable(db: Db, table: AblationTable, options: AblationOptions = {}): Promise<AblationResult> {
  const def = ABLATION_DEFS[table];
  const candidates = await measuredEvals(db, def.columns, { withoutResults: true });
  const choices = chooseAblationRows(def, candidates, options.picks ?? {});
  const measured = ablationMeasuredRows(def, choices, candidates);
  const rows = [...(options.paper === false ? [] : ablationPaperRows(def)), ...measured];
  const view = buildView(def.title, rows, def.columns, ABLATION_GROUPS, {
    among: options.among ?? 'majority',
    baselineRowId: options.baseline || null,
    deltaGroups: 'all',
    flagColumns: def.flagColumns,
  });
  return {
    view,
    choices: choices.map(({ def: d, ...rest }) => ({ ...rest, options: rest.options.slice(0, 300), key: d.key, label: d.label, presetId: d.presetId })),
    judgeClasses: judgeClasses(rows),
    rowOptions: rows.map((r) => ({ id: r.id, label: `${r.label}${r.group === 'reported' ? ' (paper)' : ''}`, group: r.group })),
  };
}
