/**
 * Measured rows: one evaluation run (Run.kind = "eval") → one table row, its cells from the run's
 * EvalResult aggregates (never from EvalSample), each cell naming its judge; a benchmark the
 * evaluated model trained on (Run.trainedOnBenchmarks of the checkpoint's run) carries the
 * "trained on test data" mark; a cell on a synthetic sample or on fewer clips than the benchmark's
 * full set carries `sample` / `partial` (./coverage.ts); a missing cell says why.
 */
import { partialCoverage } from './coverage';
import { measuredJudge, type Cell, type ColumnDef, type RowGroup, type TableRow } from './model';

/** One EvalResult row as the table needs it (value in the paper's units, core/eval/types.ts). */
export interface MeasuredResult {
  benchmark: string;
  subset: string;
  metric: string;
  value: number;
  judgeKind: string | null;
  judgeModel: string | null;
  simulated: boolean;
  /** Label of the synthetic sample the value was measured on (core/results/coverage.ts `syntheticSampleOf`); null/absent: the real benchmark. */
  sample?: string | null;
  clips: number | null;
  failedClips: number | null;
  origin: string;
}

/** An evaluation run with what the table shows of it. */
export interface MeasuredEval {
  evalRunId: string;
  name: string;
  status: string;
  failureReason?: string | null;
  createdAt: string;
  /** Evaluated model's name (imported captions) or null. */
  modelName: string | null;
  /** Evaluated checkpoint (checkpoint source) and its run. */
  checkpointId: string | null;
  checkpointStep: number | null;
  trainedRunId: string | null;
  trainedRunName: string | null;
  trainedOnBenchmarks: readonly string[];
  /** Benchmarks the evaluation was configured for (config.benchmarks); null when unknown (CLI imports). */
  benchmarks: readonly string[] | null;
  /** Row group the user chose; null: the default (`ours` for our checkpoints, `unassigned` otherwise). */
  group: RowGroup | null;
  results: readonly MeasuredResult[];
}

/** The row label: the model name, else "<run> · step N", else the evaluation's name. */
export function measuredLabel(e: MeasuredEval): string {
  if (e.modelName) return e.modelName;
  if (e.trainedRunName) return e.checkpointStep !== null ? `${e.trainedRunName} · step ${e.checkpointStep}` : e.trainedRunName;
  return e.name;
}

/** A measured row over `columns` (AVG-type columns are left to the caller). Row id `eval:<evalRunId>`. */
export function measuredRow(e: MeasuredEval, columns: readonly ColumnDef[]): TableRow {
  const cells: Record<string, Cell> = {};
  const simulated = e.results.some((r) => r.simulated);
  for (const c of columns) {
    if (!c.fromResults || !c.benchmark) continue;
    const r = e.results.find((x) => x.benchmark === c.benchmark && x.subset === c.subset && x.metric === c.metric);
    if (r) {
      cells[c.id] = {
        columnId: c.id,
        value: r.value,
        judge: measuredJudge(r.judgeKind, r.judgeModel),
        simulated: r.simulated,
        sample: r.sample ?? null,
        partial: partialCoverage(c.benchmark, c.subset, r.clips),
        trainedOnTest: e.trainedOnBenchmarks.includes(c.benchmark),
        clips: r.clips,
        failedClips: r.failedClips,
        evalRunId: e.evalRunId,
      };
      continue;
    }
    let reason: string;
    if (e.benchmarks && !e.benchmarks.includes(c.benchmark)) reason = `${c.benchmark} was not part of evaluation "${e.name}"`;
    else if (e.status === 'failed') reason = `evaluation "${e.name}" failed${e.failureReason ? `: ${e.failureReason}` : ''}`;
    else if (e.status === 'cancelled') reason = `evaluation "${e.name}" was cancelled`;
    else if (e.status !== 'succeeded') reason = `evaluation "${e.name}" is ${e.status}`;
    else if (e.results.some((x) => x.benchmark === c.benchmark)) reason = `no ${c.benchmark} ${c.subset} ${c.metric} result stored (e.g. another VDC question set was evaluated)`;
    else reason = `no ${c.benchmark} result stored by evaluation "${e.name}"`;
    cells[c.id] = { columnId: c.id, value: null, missingReason: reason, judge: null, evalRunId: e.evalRunId };
  }
  const origin = e.results.some((r) => r.origin === 'imported') ? 'imported' : 'measured';
  const judges = [...new Set(e.results.map((r) => measuredJudge(r.judgeKind, r.judgeModel).label))];
  return {
    id: `eval:${e.evalRunId}`,
    label: measuredLabel(e),
    group: e.group ?? (e.checkpointId ? 'ours' : 'unassigned'),
    origin,
    source: `evaluation "${e.name}"${judges.length ? ` · judge ${judges.join(', ')}` : ''}`,
    evalRunId: e.evalRunId,
    evalRunName: e.name,
    checkpointId: e.checkpointId,
    checkpointStep: e.checkpointStep,
    trainedRunId: e.trainedRunId,
    simulated,
    trainedOnBenchmarks: [...e.trainedOnBenchmarks],
    createdAt: e.createdAt,
    cells,
  };
}
