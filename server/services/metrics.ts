/**
 * Metric series for charts: what a chart draws, nothing more. A (run, key) series is reduced to at
 * most the first, min, max and last *stored point* of each pixel column (M4; spikes survive, never
 * random sampling), each with its smoothed value — TensorBoard's debiased EMA over the whole stored
 * series up to that point (core/series-ema.ts), so zooming and downsampling never change it — and,
 * only for the relative-time axis, its relative time.
 *  - small ranges are read whole and reduced in Node (core/series-view.ts `viewFromPoints`);
 *  - long ranges read the 64-step rollups (server/services/rollups.ts): columns are whole numbers
 *    of rollups wide and each rollup carries its min/max point and its EMA sums for every smoothing
 *    weight, so a page overlaying runs of 100,000+ steps reads ~1/64 of the rows;
 *  - zoomed ranges whose columns are narrower than a rollup pick each column's points in SQL, with
 *    their partial EMA sum inside their 64-step block.
 * The EMA state before the first block in view is folded in SQL from the earlier rollups' sums.
 */
import { EMA_EMPTY, EMA_FIELDS, EMA_FOLD_CUTOFF, ROLLUP_EMA_LENGTH, type EmaState } from '../../core/series-ema';
import {
  blockStartStates,
  viewFromBlocks,
  viewFromColumnRows,
  viewFromPoints,
  type BlockRow,
  type ColumnPointRow,
  type SeriesView,
  type SmoothingContext,
} from '../../core/series-view';
import { deltaEncode, encodeF32, type SeriesEncoding, type SeriesWire } from '../../core/series-wire';
import { smoothingStopIndex, snapSmoothing } from '../../core/smoothing';
import type { Db } from '../db';
import { Prisma } from '../generated/prisma/client';
import { refreshStaleRollups, ROLLUP_STEPS } from './rollups';

export interface SeriesRequest {
  runIds: string[];
  keys: string[];
  /** ≈ chart plot width in pixels (columns); at most 4 points per column are returned. */
  maxPoints: number;
  /** Step range (inclusive); null = all. */
  xMin?: number | null;
  xMax?: number | null;
  /** EMA weight, snapped to the nearest of SMOOTHING_STOPS (0 = off, the default). */
  smoothing?: number;
  /** `relative` adds each point's seconds since the run's first point (`relTime`). */
  xAxis?: 'step' | 'relative';
  encoding?: SeriesEncoding;
}

export type SeriesOut = SeriesWire;

/** Above this many points per column in range, the reduction happens in SQL. */
const SQL_BUCKETING_FACTOR = 8;
/** Steps are BIGINT (core/ingest.ts MAX_STEP); SQL returns them as float8, exact below 2^53. */
const STEP_MAX = Number.MAX_SAFE_INTEGER;

/**
 * Rows of numbers packed by PostgreSQL into one bytea of big-endian float8s
 * (`string_agg(float8send(a) || float8send(b) …, ''::bytea ORDER BY …)`) and read here with a
 * DataView. Decoding row by row through the driver costs about a microsecond per field, which for
 * 30 series × 1,600 rollups × 15 fields was most of a page refresh (bench/series-db.ts); the packed
 * form is exact (steps < 2^53 are exact in float8) and makes no garbage. NULL is sent as NaN.
 */
function packRow(columns: readonly Prisma.Sql[]): Prisma.Sql {
  return Prisma.join(
    columns.map((c) => Prisma.sql`float8send(coalesce((${c})::float8, 'NaN'))`),
    ' || ',
  );
}

function unpack(bytes: Uint8Array | null | undefined): Float64Array {
  if (!bytes || bytes.byteLength === 0) return new Float64Array(0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(Math.floor(bytes.byteLength / 8));
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8);
  return out;
}

/** Epoch milliseconds of a timestamp column. */
function ms(column: string): Prisma.Sql {
  return Prisma.sql`extract(epoch from ${Prisma.raw(`"${column}"`)}) * 1000`;
}

const col = (name: string): Prisma.Sql => Prisma.raw(`"${name}"`);

interface SeriesInfo {
  /** Rollups of the series without current EMA state. */
  stale: number;
  /** min / max value of the whole stored series (equal: constant series, smoothed = raw). */
  gmin: number | null;
  gmax: number | null;
  /** First and last step in range (clipped to the request) and points in range (edge rollups whole). */
  range: { lo: number; hi: number; n: number } | null;
}

async function seriesInfo(db: Db, runId: string, key: string, lo0: number, hi0: number): Promise<SeriesInfo> {
  const b0 = Math.floor(lo0 / ROLLUP_STEPS);
  const b1 = Math.floor(hi0 / ROLLUP_STEPS);
  const r = await db.$queryRaw<
    { stale: bigint | number; gmin: number | null; gmax: number | null; lo: number | bigint | null; hi: number | bigint | null; n: bigint | number | null }[]
  >`
    SELECT count(*) FILTER (WHERE coalesce(cardinality(ema), 0) <> ${ROLLUP_EMA_LENGTH}) AS stale,
           min("minValue") AS gmin, max("maxValue") AS gmax,
           min("firstStep") FILTER (WHERE bucket >= ${b0} AND bucket <= ${b1}) AS lo,
           max("lastStep") FILTER (WHERE bucket >= ${b0} AND bucket <= ${b1}) AS hi,
           sum(count) FILTER (WHERE bucket >= ${b0} AND bucket <= ${b1}) AS n
    FROM "MetricRollup" WHERE "runId" = ${runId} AND key = ${key}`;
  const row = r[0];
  const lo = row?.lo ?? null;
  const hi = row?.hi ?? null;
  return {
    stale: Number(row?.stale ?? 0),
    gmin: row?.gmin ?? null,
    gmax: row?.gmax ?? null,
    range: lo === null || hi === null ? null : { lo: Math.max(Number(lo), lo0), hi: Math.min(Number(hi), hi0), n: Number(row?.n ?? 0) },
  };
}

/** 1-based index in MetricRollup.ema of field f (0 sum, 1 to min, 2 to max) of smoothing stop `stop`. */
function emaIndex(stop: number, f: number): number {
  return stop * EMA_FIELDS + f + 1;
}

/** EMA state before block `block`: (1 − w) Σ_b w^{after_b} A_b over the earlier rollups (core/series-ema.ts emaFoldBlocks). */
async function stateBefore(db: Db, runId: string, key: string, block: number, w: number, stop: number): Promise<EmaState> {
  if (block <= 0) return EMA_EMPTY;
  const r = await db.$queryRaw<{ acc: number | null; n: bigint | number | null }[]>`
    SELECT sum(CASE WHEN after * ln(${w}::float8) >= ${EMA_FOLD_CUTOFF} AND abs(s) > 1e-200 THEN s * power(${w}::float8, after) ELSE 0 END) AS acc,
           sum(count) AS n
    FROM (SELECT ema[${emaIndex(stop, 0)}] AS s, count,
                 coalesce(sum(count) OVER (ORDER BY bucket DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)::float8 AS after
          FROM "MetricRollup" WHERE "runId" = ${runId} AND key = ${key} AND bucket < ${block}) x`;
  const row = r[0];
  return { last: (1 - w) * (row?.acc ?? 0), n: Number(row?.n ?? 0) };
}

interface PathArgs {
  db: Db;
  runId: string;
  key: string;
  lo: number;
  hi: number;
  buckets: number;
  sm: SmoothingContext;
  stop: number;
  /** Read wall times (only the relative-time axis needs them). */
  withWall: boolean;
}

/** Raw points of the range (from the start of its first 64-step block when smoothing), reduced in Node. */
async function exactSeries(a: PathArgs): Promise<{ view: SeriesView; total: number }> {
  const from = a.sm.w > 0 ? Math.floor(a.lo / ROLLUP_STEPS) * ROLLUP_STEPS : a.lo;
  const fields = [col('step'), col('value'), ...(a.withWall ? [ms('wallTime')] : [])];
  const width = fields.length;
  const r = await a.db.$queryRaw<{ b: Uint8Array | null }[]>`
    SELECT string_agg(${packRow(fields)}, ''::bytea ORDER BY step) AS b
    FROM "MetricPoint" WHERE "runId" = ${a.runId} AND key = ${a.key} AND step >= ${from} AND step <= ${a.hi}`;
  const f = unpack(r[0]?.b);
  const n = f.length / width;
  const step = new Float64Array(n);
  const value = new Float64Array(n);
  const walls = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    step[i] = f[i * width]!;
    value[i] = f[i * width + 1]!;
    walls[i] = a.withWall ? f[i * width + 2]! : Number.NaN;
    if (step[i]! >= a.lo) total++;
  }
  return { view: viewFromPoints({ step, value, wall: walls }, { lo: a.lo, hi: a.hi }, a.buckets, a.sm), total };
}

/** 64-step rollups grouped into columns a whole number of rollups wide (long ranges). */
async function rollupSeries(a: PathArgs, total: number): Promise<{ view: SeriesView; total: number }> {
  const span = a.hi - a.lo + 1;
  const width = Math.ceil(span / a.buckets / ROLLUP_STEPS) * ROLLUP_STEPS;
  const base = Math.floor(a.lo / ROLLUP_STEPS) * ROLLUP_STEPS;
  const stop = Math.max(0, a.stop);
  const fields = [
    ...['bucket', 'count', 'firstStep', 'firstValue', 'lastStep', 'lastValue', 'minStep', 'minValue', 'minRank', 'maxStep', 'maxValue', 'maxRank'].map(col),
    Prisma.sql`ema[${emaIndex(stop, 0)}]`,
    Prisma.sql`ema[${emaIndex(stop, 1)}]`,
    Prisma.sql`ema[${emaIndex(stop, 2)}]`,
    ...(a.withWall ? [ms('firstWall'), ms('lastWall'), ms('minWall'), ms('maxWall')] : []),
  ];
  const r = await a.db.$queryRaw<{ b: Uint8Array | null }[]>`
    SELECT string_agg(${packRow(fields)}, ''::bytea ORDER BY bucket) AS b
    FROM "MetricRollup"
    WHERE "runId" = ${a.runId} AND key = ${a.key} AND bucket >= ${Math.floor(a.lo / ROLLUP_STEPS)} AND bucket <= ${Math.floor(a.hi / ROLLUP_STEPS)}`;
  const f = unpack(r[0]?.b);
  const W = a.withWall ? 19 : 15;
  const blocks: BlockRow[] = [];
  for (let o = 0; o + W <= f.length; o += W) {
    blocks.push({
      bucket: f[o]!,
      count: f[o + 1]!,
      firstStep: f[o + 2]!,
      firstValue: f[o + 3]!,
      lastStep: f[o + 4]!,
      lastValue: f[o + 5]!,
      minStep: f[o + 6]!,
      minValue: f[o + 7]!,
      minRank: f[o + 8]!,
      maxStep: f[o + 9]!,
      maxValue: f[o + 10]!,
      maxRank: f[o + 11]!,
      sum: f[o + 12]!,
      sumMin: f[o + 13]!,
      sumMax: f[o + 14]!,
      firstWall: a.withWall ? f[o + 15]! : Number.NaN,
      lastWall: a.withWall ? f[o + 16]! : Number.NaN,
      minWall: a.withWall ? f[o + 17]! : Number.NaN,
      maxWall: a.withWall ? f[o + 18]! : Number.NaN,
    });
  }
  const view = viewFromBlocks(blocks, (bucket) => Math.floor((bucket * ROLLUP_STEPS - base) / width), a.sm, total);
  return { view, total };
}

/** Zoomed ranges with more points than columns: each column's first/min/max/last picked in SQL. */
async function columnSeries(a: PathArgs): Promise<{ view: SeriesView; total: number }> {
  const span = a.hi - a.lo + 1;
  const b0 = Math.floor(a.lo / ROLLUP_STEPS);
  const b1 = Math.floor(a.hi / ROLLUP_STEPS);
  // Weight for the partial sums; any positive value when smoothing is off (the sums are then unused).
  const wq = a.sm.w > 0 ? a.sm.w : 0.5;
  const fields = [col('step'), col('value'), col('col'), col('blk'), col('rk'), col('part'), ...(a.withWall ? [ms('wt')] : [])];
  const res = await a.db.$queryRaw<{ b: Uint8Array | null; total: bigint | number | null }[]>`
    WITH p AS (
      SELECT step, value, "wallTime" AS wt, step / ${ROLLUP_STEPS} AS blk,
             row_number() OVER (PARTITION BY step / ${ROLLUP_STEPS} ORDER BY step) AS rk
      FROM "MetricPoint" WHERE "runId" = ${a.runId} AND key = ${a.key} AND step >= ${b0 * ROLLUP_STEPS} AND step <= ${a.hi}
    ), q AS (
      -- Σ_{j ≤ k} w^(k − j) y_j inside the block, as w^k · Σ w^(−j) y_j (|exponent| ≤ 64; magnitudes clamped so PostgreSQL never under/overflows)
      SELECT p.*, sum(CASE WHEN abs(value) < 1e-200 THEN 0 ELSE least(greatest(value, -1e250), 1e250) END * power(${wq}::float8, -rk::float8))
                    OVER (PARTITION BY blk ORDER BY step ROWS UNBOUNDED PRECEDING) * power(${wq}::float8, rk::float8) AS part
      FROM p
    ), c AS (
      SELECT q.*, floor((step - ${a.lo})::float8 * ${a.buckets} / ${span})::int AS col FROM q WHERE step >= ${a.lo}
    ), r AS (
      SELECT c.*,
             row_number() OVER (PARTITION BY col ORDER BY step) AS rf,
             row_number() OVER (PARTITION BY col ORDER BY step DESC) AS rl,
             row_number() OVER (PARTITION BY col ORDER BY value, step) AS rmin,
             row_number() OVER (PARTITION BY col ORDER BY value DESC, step) AS rmax,
             count(*) OVER () AS total
      FROM c
    )
    SELECT string_agg(${packRow(fields)}, ''::bytea ORDER BY step) AS b, max(total) AS total
    FROM r WHERE rf = 1 OR rl = 1 OR rmin = 1 OR rmax = 1`;
  const total = Number(res[0]?.total ?? 0);
  const f = unpack(res[0]?.b);
  const W = fields.length;
  let starts = new Map<number, EmaState>();
  if (a.sm.w > 0 && !a.sm.constant) {
    const blocks = await a.db.$queryRaw<{ bucket: number | bigint; count: number; s: number | null }[]>`
      SELECT bucket, count, ema[${emaIndex(a.stop, 0)}] AS s FROM "MetricRollup"
      WHERE "runId" = ${a.runId} AND key = ${a.key} AND bucket >= ${b0} AND bucket <= ${b1} ORDER BY bucket`;
    starts = blockStartStates(
      blocks.map((b) => ({ bucket: Number(b.bucket), count: b.count, sum: b.s ?? Number.NaN })),
      a.sm,
    );
  }
  const points: ColumnPointRow[] = [];
  for (let o = 0; o + W <= f.length; o += W) {
    points.push({ step: f[o]!, value: f[o + 1]!, col: f[o + 2]!, block: f[o + 3]!, rank: f[o + 4]!, part: f[o + 5]!, wall: a.withWall ? f[o + 6]! : Number.NaN });
  }
  // A constant series needs no state (smoothed = raw); give every block one so the builder never misses it.
  if (a.sm.constant) for (const p of points) starts.set(p.block, EMA_EMPTY);
  return { view: viewFromColumnRows(points, starts, a.sm, total), total };
}

/** Wall time of the run's first point among the requested keys (one PK lookup per key). */
async function runStartMs(db: Db, runId: string, keys: string[]): Promise<number> {
  const r = await db.$queryRaw<{ t: number | null }[]>`
    SELECT (extract(epoch from min(w)) * 1000)::float8 AS t FROM (
      SELECT (SELECT "wallTime" FROM "MetricPoint" m WHERE m."runId" = ${runId} AND m.key = k ORDER BY step LIMIT 1) AS w
      FROM unnest(${keys}::text[]) AS k) x`;
  return r[0]?.t ?? 0;
}

function encode(
  meta: { runId: string; key: string; total: number; smoothing: number },
  view: SeriesView,
  relTime: number[] | null,
  encoding: SeriesEncoding,
): SeriesOut {
  const base = { runId: meta.runId, key: meta.key, total: meta.total, reduced: view.reduced, smoothing: meta.smoothing };
  if (encoding === 'f32') {
    return {
      ...base,
      encoding: 'f32',
      step: deltaEncode(view.step),
      value: encodeF32(view.value),
      smoothed: view.smoothed ? encodeF32(view.smoothed) : null,
      relTime: relTime ? encodeF32(relTime) : null,
      colStart: deltaEncode(view.colStart),
    };
  }
  return { ...base, encoding: 'json', step: view.step, value: view.value, smoothed: view.smoothed, relTime, colStart: view.colStart };
}

const EMPTY_VIEW: SeriesView = { step: [], value: [], smoothed: null, wall: [], colStart: [], reduced: false };

/** One series of the request. */
async function oneSeries(db: Db, runId: string, key: string, req: SeriesRequest, buckets: number, t0: Promise<number> | null): Promise<SeriesOut> {
  const w = snapSmoothing(req.smoothing ?? 0);
  const stop = smoothingStopIndex(w);
  const encoding = req.encoding ?? 'json';
  const lo0 = Math.max(0, Math.floor(req.xMin ?? 0));
  const hi0 = Math.min(STEP_MAX, Math.ceil(req.xMax ?? STEP_MAX));
  if (hi0 < lo0) return encode({ runId, key, total: 0, smoothing: w }, EMPTY_VIEW, t0 ? [] : null, encoding);
  let info = await seriesInfo(db, runId, key, lo0, hi0);
  if (info.stale > 0) {
    // Rollups written before the EMA state existed: rebuilt once from the stored points.
    await refreshStaleRollups(db, runId, key);
    info = await seriesInfo(db, runId, key, lo0, hi0);
  }
  const range = info.range;
  if (!range) return encode({ runId, key, total: 0, smoothing: w }, EMPTY_VIEW, t0 ? [] : null, encoding);
  const constant = info.gmin !== null && info.gmin === info.gmax;
  const start = w > 0 && !constant ? await stateBefore(db, runId, key, Math.floor(range.lo / ROLLUP_STEPS), w, stop) : EMA_EMPTY;
  const args: PathArgs = { db, runId, key, lo: range.lo, hi: range.hi, buckets, sm: { w, start, constant }, stop, withWall: t0 !== null };
  const span = range.hi - range.lo + 1;
  const { view, total } =
    range.n <= buckets * SQL_BUCKETING_FACTOR
      ? await exactSeries(args)
      : span / buckets >= ROLLUP_STEPS
        ? await rollupSeries(args, range.n)
        : await columnSeries(args);
  let relTime: number[] | null = null;
  if (t0) {
    const origin = await t0;
    relTime = view.wall.map((x) => Math.round(x - origin) / 1000);
  }
  return encode({ runId, key, total, smoothing: w }, view, relTime, encoding);
}

/**
 * The series of every (run, key) of the request, in request order (runs, then keys). A run or key
 * without points gives an empty series (total 0).
 */
export async function metricSeries(db: Db, req: SeriesRequest): Promise<SeriesOut[]> {
  const buckets = Math.max(16, Math.min(4000, Math.floor(req.maxPoints)));
  const jobs: Promise<SeriesOut>[] = [];
  for (const runId of req.runIds) {
    const t0 = req.xAxis === 'relative' ? runStartMs(db, runId, req.keys) : null;
    for (const key of req.keys) jobs.push(oneSeries(db, runId, key, req, buckets, t0));
  }
  // The pool (max 10 connections) bounds how many run at once.
  return Promise.all(jobs);
}
