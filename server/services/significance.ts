/**
 * Significance of a difference between two measured rows: loads the per-clip records (EvalSample)
 * of two evaluation runs (optionally narrowed to the evaluated checkpoint) and runs the paired
 * bootstrap of core/results/bootstrap.ts. Also lists the measured rows the pickers offer.
 */
import { BootstrapInputError, BOOTSTRAP_METRICS, BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, pairedBootstrap, significanceWarnings, type BootstrapResult, type BootstrapSample, type SignificanceWarning } from '../../core/results/bootstrap';
import { BENCHMARKS, type BenchmarkId } from '../../core/eval/types';
import type { Db } from '../db';
import { NotFoundError, ValidationError } from './errors';

export interface SignificanceSide {
  runId: string;
  checkpointId?: string | null;
}

export interface SignificancePairInput {
  a: SignificanceSide;
  b: SignificanceSide;
  benchmark: BenchmarkId;
  /** "overall" when absent (VDC needs its QA set). */
  subset?: string | null;
  metric: string;
  /** Defaults: 10,000 resamples, BOOTSTRAP_SEED. */
  resamples?: number;
  seed?: number;
}

export interface SignificanceSideInfo {
  runId: string;
  name: string;
  checkpointId: string | null;
  /** The judge model(s) of the side's per-clip records. */
  judges: string[];
  /** EvalResult value stored for the row (null when the run stored none). */
  storedValue: number | null;
  /** The side's captions were simulated by the local backend (its EvalResult rows say `simulated`). */
  simulated: boolean;
  /** The side's records were judged by the offline lexical judge (EvalResult.judgeKind "lexical"). */
  lexical: boolean;
}

export type SignificancePairResult = BootstrapResult & {
  a: SignificanceSideInfo;
  b: SignificanceSideInfo;
  /** Both sides were judged by the same judge model(s): otherwise the Δ mixes judges. */
  sameJudge: boolean;
  /**
   * Caveats shown next to the verdict (core/results/bootstrap.ts `significanceWarnings`): fewer than
   * 30 paired clips, more than half of a side's clips unpaired, a simulated side, a lexical-judge side.
   */
  warnings: SignificanceWarning[];
};

async function loadSide(db: Db, side: SignificanceSide, label: 'A' | 'B', benchmark: BenchmarkId, subset: string, metric: string) {
  const run = await db.run.findUnique({ where: { id: side.runId }, select: { id: true, name: true, kind: true } });
  if (!run) throw new NotFoundError(`${label}: run ${side.runId} does not exist`);
  // An evaluation run holds one record per (benchmark, subset, clip); a checkpoint narrows to its records
  // (records stored without one still belong to the run's evaluated source).
  const all = await db.evalSample.findMany({ where: { runId: run.id, benchmark }, select: { clipId: true, benchmark: true, subset: true, failed: true, scores: true, judgeModel: true, checkpointId: true } });
  const samples = side.checkpointId ? all.filter((s) => s.checkpointId === side.checkpointId || s.checkpointId === null) : all;
  if (samples.length === 0) {
    const other = await db.evalSample.groupBy({ by: ['benchmark'], where: { runId: run.id }, _count: true });
    const has = other.map((o) => o.benchmark);
    if (side.checkpointId && all.length > 0) throw new ValidationError(`${label}: run "${run.name}" has no ${benchmark} per-clip records of checkpoint ${side.checkpointId}`, { [label.toLowerCase()]: 'no records of this checkpoint' });
    throw new ValidationError(
      has.length === 0
        ? `${label}: run "${run.name}" has no per-clip evaluation records (is it a finished evaluation run?)`
        : `${label}: run "${run.name}" was evaluated on ${has.join(', ')}, not ${benchmark}: the two rows must be measured on the same benchmark`,
      { [label.toLowerCase()]: `not evaluated on ${benchmark}` },
    );
  }
  const stored = await db.evalResult.findFirst({ where: { runId: run.id, benchmark, subset, metric, ...(side.checkpointId ? { checkpointId: side.checkpointId } : {}) }, select: { value: true } });
  const kinds = await db.evalResult.findMany({ where: { runId: run.id, benchmark }, select: { simulated: true, judgeKind: true }, distinct: ['simulated', 'judgeKind'] });
  const info: SignificanceSideInfo = {
    runId: run.id,
    name: run.name,
    checkpointId: side.checkpointId ?? null,
    judges: [...new Set(samples.map((s) => s.judgeModel ?? 'unknown'))].sort(),
    storedValue: stored?.value ?? null,
    simulated: kinds.some((k) => k.simulated),
    lexical: kinds.some((k) => k.judgeKind === 'lexical'),
  };
  const records: BootstrapSample[] = samples.map((s) => ({ clipId: s.clipId, benchmark: s.benchmark, subset: s.subset, failed: s.failed, scores: (s.scores ?? {}) as Record<string, number> }));
  return { info, records };
}

/**
 * Paired bootstrap between rows A and B of one benchmark / subset / metric, with the verdict's
 * caveats in `warnings` (small paired n, mostly unpaired clips, simulated or lexical-judge sides).
 * Errors: NotFoundError for an unknown run; ValidationError for a metric the benchmark lacks, a run
 * not evaluated on the benchmark, or no clip evaluated in both rows.
 */
export async function pairSignificance(db: Db, input: SignificancePairInput): Promise<SignificancePairResult> {
  const subset = input.subset?.trim() || 'overall';
  const metrics = BOOTSTRAP_METRICS[input.benchmark];
  if (!metrics.includes(input.metric)) throw new ValidationError(`metric: "${input.metric}" is not a ${input.benchmark} metric (${metrics.join(', ')})`, { metric: 'unknown metric' });
  const [ra, rb] = await Promise.allSettled([loadSide(db, input.a, 'A', input.benchmark, subset, input.metric), loadSide(db, input.b, 'B', input.benchmark, subset, input.metric)]);
  // A's problem first, whichever query failed first.
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  const [a, b] = [ra.value, rb.value];
  try {
    const r = pairedBootstrap(a.records, b.records, { benchmark: input.benchmark, subset, metric: input.metric }, { resamples: input.resamples, seed: input.seed });
    const warnings = significanceWarnings(r, { label: 'A', name: a.info.name, simulated: a.info.simulated, lexical: a.info.lexical }, { label: 'B', name: b.info.name, simulated: b.info.simulated, lexical: b.info.lexical });
    return { ...r, a: a.info, b: b.info, sameJudge: a.info.judges.join('\n') === b.info.judges.join('\n'), warnings };
  } catch (e) {
    if (e instanceof BootstrapInputError) throw new ValidationError(e.message);
    throw e;
  }
}

/** One measured row the pickers offer: an evaluation run (and its checkpoint) on a benchmark. */
export interface MeasuredRowOption {
  runId: string;
  name: string;
  checkpointId: string | null;
  checkpointStep: number | null;
  benchmark: BenchmarkId;
  subsets: string[];
  metrics: string[];
  judgeModel: string | null;
  judgeKind: string | null;
  simulated: boolean;
  clips: number | null;
}

/** Measured rows with per-clip records (newest first, at most 500 runs). */
export async function measuredRowOptions(db: Db): Promise<{ rows: MeasuredRowOption[] }> {
  const results = await db.evalResult.findMany({
    where: { runId: { not: null }, origin: { in: ['measured', 'imported'] }, benchmark: { in: [...BENCHMARKS] } },
    select: { runId: true, checkpointId: true, benchmark: true, subset: true, metric: true, judgeModel: true, judgeKind: true, simulated: true, clips: true, createdAt: true, run: { select: { name: true } }, checkpoint: { select: { step: true } } },
    orderBy: { createdAt: 'desc' },
    take: 50_000,
  });
  const rows = new Map<string, MeasuredRowOption & { at: number }>();
  for (const r of results) {
    if (!r.runId) continue;
    const benchmark = r.benchmark as BenchmarkId;
    if (!BOOTSTRAP_METRICS[benchmark].includes(r.metric)) continue;
    const key = `${r.runId}\u0000${r.checkpointId ?? ''}\u0000${benchmark}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        runId: r.runId,
        name: r.run?.name ?? r.runId,
        checkpointId: r.checkpointId,
        checkpointStep: r.checkpoint ? Number(r.checkpoint.step) : null,
        benchmark,
        subsets: [],
        metrics: [],
        judgeModel: r.judgeModel,
        judgeKind: r.judgeKind,
        simulated: r.simulated,
        clips: null,
        at: r.createdAt.getTime(),
      };
      rows.set(key, row);
    }
    if (!row.subsets.includes(r.subset)) row.subsets.push(r.subset);
    if (!row.metrics.includes(r.metric)) row.metrics.push(r.metric);
    if ((r.subset === 'overall' || r.subset === 'detailed') && r.clips !== null) row.clips = Math.max(row.clips ?? 0, r.clips);
  }
  const order = (xs: string[], ref: readonly string[]) => xs.sort((x, y) => (ref.indexOf(x) === -1 ? 99 : ref.indexOf(x)) - (ref.indexOf(y) === -1 ? 99 : ref.indexOf(y)) || x.localeCompare(y));
  return {
    rows: [...rows.values()]
      .sort((x, y) => y.at - x.at)
      .map(({ at: _at, ...row }) => ({ ...row, metrics: order(row.metrics, BOOTSTRAP_METRICS[row.benchmark]), subsets: order(row.subsets, ['overall', 'detailed', 'main_object']) })),
  };
}

// ---------------------------------------------------------------------------------------------
// Many cells against one baseline row (Table 1 hover and the "interval contains 0" marks)

export interface SignificanceAgainstInput {
  baseline: SignificanceSide;
  rows: SignificanceSide[];
  columns: { benchmark: BenchmarkId; subset: string; metric: string }[];
}

export interface SignificanceCell {
  runId: string;
  /** `<benchmark>:<subset>:<metric>`. */
  column: string;
  delta: number;
  ciLow: number;
  ciHigh: number;
  p: number;
  n: number;
  ciContainsZero: boolean;
  /** Sample-size caveats (small paired n, mostly unpaired clips): significanceWarnings' messages. */
  warnings: string[];
}

/** Results of earlier bootstraps, keyed by both sides' record fingerprints (a re-evaluation changes them). */
const cache = new Map<string, SignificanceCell | { error: string }>();
const CACHE_MAX = 5_000;

function remember(key: string, v: SignificanceCell | { error: string }) {
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, v);
}

/**
 * The paired bootstrap (BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED) of every (row, column) against the
 * baseline, where both have per-clip records of the column's benchmark. Cells that cannot be
 * compared (no records, no clip in common, the same run) are left out, with the reason in `skipped`.
 * Each run's records of a benchmark are read once; results are cached in memory per fingerprint
 * (record count + newest record id of both sides).
 */
export async function significanceAgainst(db: Db, input: SignificanceAgainstInput): Promise<{ cells: SignificanceCell[]; skipped: { runId: string; column: string; reason: string }[]; resamples: number; seed: number }> {
  const benchmarks = [...new Set(input.columns.map((c) => c.benchmark))];
  const runIds = [...new Set([input.baseline.runId, ...input.rows.map((r) => r.runId)])];
  const records = new Map<string, { fp: string; samples: BootstrapSample[] }>();
  if (benchmarks.length && runIds.length) {
    const rows = await db.evalSample.findMany({
      where: { runId: { in: runIds }, benchmark: { in: benchmarks } },
      select: { id: true, runId: true, clipId: true, benchmark: true, subset: true, failed: true, scores: true },
    });
    const max = new Map<string, bigint>();
    for (const r of rows) {
      const k = `${r.runId}\u0000${r.benchmark}`;
      let e = records.get(k);
      if (!e) records.set(k, (e = { fp: '', samples: [] }));
      e.samples.push({ clipId: r.clipId, benchmark: r.benchmark, subset: r.subset, failed: r.failed, scores: (r.scores ?? {}) as Record<string, number> });
      if ((max.get(k) ?? -1n) < r.id) max.set(k, r.id);
    }
    for (const [k, e] of records) e.fp = `${e.samples.length}/${max.get(k)}`;
  }
  const cells: SignificanceCell[] = [];
  const skipped: { runId: string; column: string; reason: string }[] = [];
  for (const row of input.rows) {
    for (const c of input.columns) {
      const column = `${c.benchmark}:${c.subset}:${c.metric}`;
      if (row.runId === input.baseline.runId) continue;
      const a = records.get(`${input.baseline.runId}\u0000${c.benchmark}`);
      const b = records.get(`${row.runId}\u0000${c.benchmark}`);
      if (!a || !b) {
        skipped.push({ runId: row.runId, column, reason: !a ? `the baseline has no ${c.benchmark} per-clip records` : `no ${c.benchmark} per-clip records` });
        continue;
      }
      const key = `${input.baseline.runId}/${a.fp}|${row.runId}/${b.fp}|${column}`;
      let v = cache.get(key);
      if (!v) {
        try {
          const r = pairedBootstrap(a.samples, b.samples, { benchmark: c.benchmark, subset: c.subset, metric: c.metric });
          const warnings = significanceWarnings(r, { label: 'the baseline', name: input.baseline.runId, simulated: false, lexical: false }, { label: 'this row', name: row.runId, simulated: false, lexical: false }).map((w) => w.message);
          v = { runId: row.runId, column, delta: r.delta, ciLow: r.ciLow, ciHigh: r.ciHigh, p: r.p, n: r.n, ciContainsZero: r.ciContainsZero, warnings };
        } catch (e) {
          if (!(e instanceof BootstrapInputError)) throw e;
          v = { error: e.message };
        }
        remember(key, v);
      }
      if ('error' in v) skipped.push({ runId: row.runId, column, reason: v.error });
      else cells.push(v);
    }
  }
  return { cells, skipped, resamples: BOOTSTRAP_RESAMPLES, seed: BOOTSTRAP_SEED };
}
