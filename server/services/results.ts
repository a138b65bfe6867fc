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
import { syntheticSampleOf } from '../../core/results/coverage';
import type { RankAmong } from '../../core/results/rank';
import { leaderboardRows, paperTable1Rows, type LeaderboardFiles } from '../../core/results/reported';
import { table1Rows, table1View, type Table1Options } from '../../core/results/table1';
import { buildView, type TableView } from '../../core/results/view';
import type { Db } from '../db';
import { Prisma } from '../generated/prisma/client';
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
  /** `videocap eval` imports: the annotations file read (null: the shipped one). */
  cli?: string;
  annotations?: string | null;
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
  // One round trip: the table's aggregates (EvalResult on its cells only), their evaluation runs, the
  // evaluated run (trained-on-test, config for Tables 2–4), the chosen row group and the checkpoint step.
  const onlyRuns = options.evalRunIds ? Prisma.sql`AND e.id = ANY(${[...options.evalRunIds]}::text[])` : Prisma.empty;
  const needResults = options.withoutResults ? Prisma.empty : Prisma.sql`AND EXISTS (SELECT 1 FROM r WHERE r."runId" = e.id)`;
  const rows = await db.$queryRaw<
    {
      id: string;
      name: string;
      status: string;
      failureReason: string | null;
      createdAt: Date;
      config: unknown;
      group: string | null;
      pId: string | null;
      pName: string | null;
      pKind: string | null;
      pConfig: unknown;
      pTrained: string[] | null;
      ckStep: bigint | null;
      results: (MeasuredResult & { modelName: string | null })[];
    }[]
  >`
    WITH r AS (
      SELECT x."runId", x.benchmark, x.subset, x.metric, x.value, x."judgeKind", x."judgeModel", x.simulated, x.clips, x."failedClips", x.origin, x."modelName"
      FROM "EvalResult" x
      JOIN unnest(${cols.map((c) => c.benchmark!)}::text[], ${cols.map((c) => c.subset)}::text[], ${cols.map((c) => c.metric)}::text[]) AS k(benchmark, subset, metric)
        ON x.benchmark = k.benchmark AND x.subset = k.subset AND x.metric = k.metric
      WHERE x."runId" IS NOT NULL AND x.origin IN ('measured', 'imported')
    )
    SELECT e.id, e.name, e.status::text AS status, e."failureReason", e."createdAt", e.config,
           g."group", p.id AS "pId", p.name AS "pName", p.kind::text AS "pKind", p.config AS "pConfig", p."trainedOnBenchmarks" AS "pTrained",
           c.step AS "ckStep",
           COALESCE((SELECT json_agg(json_build_object('benchmark', r.benchmark, 'subset', r.subset, 'metric', r.metric, 'value', r.value, 'judgeKind', r."judgeKind",
                       'judgeModel', r."judgeModel", 'simulated', r.simulated, 'clips', r.clips, 'failedClips', r."failedClips", 'origin', r.origin, 'modelName', r."modelName"))
                     FROM r WHERE r."runId" = e.id), '[]'::json) AS results
    FROM "Run" e
    LEFT JOIN "Run" p ON p.id = e."parentRunId"
    LEFT JOIN "ResultsRowGroup" g ON g."evalRunId" = e.id
    LEFT JOIN "Checkpoint" c ON c.id = (e.config -> 'source' ->> 'checkpointId')
    WHERE e.kind = 'eval' ${onlyRuns} ${needResults}
    ORDER BY e."createdAt" DESC, e.id DESC
    LIMIT 2000`;
  return rows.map((r): AblationCandidate => {
    const c = (r.config ?? {}) as EvalConfigLike;
    const rs = r.results ?? [];
    const checkpointId = c.source?.kind === 'checkpoint' ? c.source.checkpointId ?? null : null;
    const modelName = rs.find((x) => x.modelName)?.modelName ?? (c.source?.kind === 'imported' ? c.source.model ?? null : c.model ?? null);
    return {
      evalRunId: r.id,
      name: r.name,
      status: r.status,
      failureReason: r.failureReason,
      createdAt: new Date(r.createdAt).toISOString(),
      modelName,
      checkpointId,
      checkpointStep: checkpointId && r.ckStep !== null ? Number(r.ckStep) : null,
      trainedRunId: r.pId,
      trainedRunName: r.pName,
      trainedOnBenchmarks: r.pTrained ?? [],
      benchmarks: Array.isArray(c.benchmarks) ? c.benchmarks : typeof c.benchmark === 'string' ? [c.benchmark] : null,
      group: r.group && isRowGroup(r.group) ? r.group : null,
      results: rs.map(
        (x): MeasuredResult => ({
          benchmark: x.benchmark,
          subset: x.subset,
          metric: x.metric,
          value: x.value,
          judgeKind: x.judgeKind,
          judgeModel: x.judgeModel,
          simulated: x.simulated,
          sample: syntheticSampleOf(x.benchmark, c),
          clips: x.clips,
          failedClips: x.failedClips,
          origin: x.origin,
        }),
      ),
      trainedRun: r.pId ? { id: r.pId, name: r.pName ?? r.pId, kind: r.pKind ?? '', config: r.pConfig } : null,
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
