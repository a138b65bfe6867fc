/**
 * Metric series for charts. A (run, key) series is reduced to ≈ one bucket per pixel column keeping
 * each bucket's first, min, max and last value (spikes survive; never random sampling):
 *  - small ranges are read whole and reduced exactly with core/downsample (M4);
 *  - long ranges aggregate the 64-step rollups kept by the ingest API (MetricRollup), so a page
 *    overlaying runs of 100,000+ steps reads ~1/64 of the rows and never ships them to Node;
 *  - zoomed ranges whose buckets are narrower than a rollup are bucketed from the raw points in SQL.
 * In the SQL paths the min and max are placed mid-bucket (their exact step is within one column).
 */
import { downsample } from '../../core/downsample';
import type { Db } from '../db';
import { ROLLUP_STEPS } from './ingest';

export interface SeriesRequest {
  runIds: string[];
  keys: string[];
  /** ≈ chart width in pixels; the series is reduced to at most 4 points per bucket. */
  maxPoints: number;
  xMin?: number | null;
  xMax?: number | null;
}

export interface SeriesOut {
  runId: string;
  key: string;
  /** Points stored in range (before reduction). */
  total: number;
  step: number[];
  value: number[];
  min: number[];
  max: number[];
  /** Seconds since the run's first point (the "relative" x-axis). */
  relTime: number[];
  /** Wall time of each point, epoch ms (CSV export). */
  wallTime: number[];
  /** Whether the series was reduced (zoom in to see every point). */
  reduced: boolean;
}

/** Above this many points per bucket in range, bucketing happens in SQL. */
const SQL_BUCKETING_FACTOR = 8;
/** Steps are BIGINT (core/ingest.ts MAX_STEP); SQL returns them as float8, exact below 2^53. */
const STEP_MAX = Number.MAX_SAFE_INTEGER;

interface Range {
  lo: number;
  hi: number;
  n: number;
}

/** Points, first and last step of a series in range, from the 64-step rollups (edge buckets may overcount by < 64). */
async function seriesRange(db: Db, runId: string, key: string, xMin: number | null | undefined, xMax: number | null | undefined): Promise<Range | null> {
  const lo0 = Math.max(0, Math.floor(xMin ?? 0));
  const hi0 = Math.min(STEP_MAX, Math.ceil(xMax ?? STEP_MAX));
  if (hi0 < lo0) return null;
  const r = await db.$queryRaw<{ lo: number | null; hi: number | null; n: bigint | null }[]>`
    SELECT min("firstStep")::float8 AS lo, max("lastStep")::float8 AS hi, sum(count) AS n FROM "MetricRollup"
    WHERE "runId" = ${runId} AND key = ${key} AND bucket >= ${Math.floor(lo0 / ROLLUP_STEPS)} AND bucket <= ${Math.floor(hi0 / ROLLUP_STEPS)}`;
  const row = r[0];
  if (!row || row.lo === null || row.hi === null) return null;
  return { lo: Math.max(row.lo, lo0), hi: Math.min(row.hi, hi0), n: Number(row.n ?? 0) };
}

async function exactSeries(db: Db, runId: string, key: string, range: Range, buckets: number, t0: number): Promise<Omit<SeriesOut, 'runId' | 'key'>> {
  const rows = await db.$queryRaw<{ step: number; value: number; w: number }[]>`
    SELECT step::float8 AS step, value, (extract(epoch from "wallTime") * 1000)::float8 AS w
    FROM "MetricPoint" WHERE "runId" = ${runId} AND key = ${key} AND step >= ${range.lo} AND step <= ${range.hi}
    ORDER BY "MetricPoint".step`;
  const n = rows.length;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const ws = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = rows[i]!.step;
    ys[i] = rows[i]!.value;
    ws[i] = rows[i]!.w;
  }
  const d = downsample(xs, ys, { buckets });
  const wall = Array.from(d.index, (i) => ws[i]!);
  return {
    total: n,
    step: Array.from(d.x),
    value: Array.from(d.y),
    min: Array.from(d.min),
    max: Array.from(d.max),
    relTime: wall.map((w) => (w - t0) / 1000),
    wallTime: wall,
    reduced: d.x.length < n,
  };
}

interface BucketRow {
  s0: number;
  s1: number;
  vmin: number;
  vmax: number;
  v0: number;
  v1: number;
  w0: number;
  w1: number;
}

/** Bucket rows → points: first, the extremes mid-bucket (in line order), last. */
function bucketsToSeries(rows: BucketRow[], total: number, t0: number): Omit<SeriesOut, 'runId' | 'key'> {
  const out: Omit<SeriesOut, 'runId' | 'key'> = { total, step: [], value: [], min: [], max: [], relTime: [], wallTime: [], reduced: true };
  const push = (step: number, value: number, lo: number, hi: number, w: number) => {
    out.step.push(step);
    out.value.push(value);
    out.min.push(lo);
    out.max.push(hi);
    out.wallTime.push(w);
    out.relTime.push((w - t0) / 1000);
  };
  for (const r of rows) {
    push(r.s0, r.v0, r.vmin, r.vmax, r.w0);
    if (r.s1 === r.s0) continue;
    const mid = r.s0 + (r.s1 - r.s0) / 2;
    const wm = r.w0 + (r.w1 - r.w0) / 2;
    const [a, b] = r.v0 <= r.v1 ? [r.vmin, r.vmax] : [r.vmax, r.vmin];
    if (a !== r.v0) push(mid, a, r.vmin, r.vmax, wm);
    if (b !== r.v1 && b !== a) push(mid, b, r.vmin, r.vmax, wm);
    push(r.s1, r.v1, r.vmin, r.vmax, r.w1);
  }
  return out;
}

/** Bucketing of the raw points inside PostgreSQL (zoomed ranges where a bucket is narrower than a rollup). */
async function bucketedSeries(db: Db, runId: string, key: string, range: Range, buckets: number, t0: number): Promise<Omit<SeriesOut, 'runId' | 'key'>> {
  const span = range.hi - range.lo + 1;
  const rows = await db.$queryRaw<(BucketRow & { n: bigint })[]>`
    WITH agg AS (
      SELECT floor((step - ${range.lo})::float8 * ${buckets} / ${span})::int AS b,
             min(step) AS s0, max(step) AS s1, min(value) AS vmin, max(value) AS vmax, count(*) AS n
      FROM "MetricPoint" WHERE "runId" = ${runId} AND key = ${key} AND step >= ${range.lo} AND step <= ${range.hi}
      GROUP BY 1
    )
    SELECT agg.s0::float8 AS s0, agg.s1::float8 AS s1, agg.vmin, agg.vmax, agg.n, f.value AS v0, l.value AS v1,
           (extract(epoch from f."wallTime") * 1000)::float8 AS w0, (extract(epoch from l."wallTime") * 1000)::float8 AS w1
    FROM agg
    JOIN "MetricPoint" f ON f."runId" = ${runId} AND f.key = ${key} AND f.step = agg.s0
    JOIN "MetricPoint" l ON l."runId" = ${runId} AND l.key = ${key} AND l.step = agg.s1
    ORDER BY agg.b`;
  return bucketsToSeries(rows, rows.reduce((a, r) => a + Number(r.n), 0), t0);
}

/**
 * Bucketing of the 64-step rollups (long ranges: ~1/64 of the rows). On a zoomed range the two edge
 * rollups may carry up to 63 steps beyond the range.
 */
async function rollupSeries(db: Db, runId: string, key: string, range: Range, buckets: number, t0: number): Promise<Omit<SeriesOut, 'runId' | 'key'>> {
  // Columns are whole numbers of rollups wide, so every rollup falls in exactly one column and each
  // column's min/max are the exact extremes of its points.
  const span = range.hi - range.lo + 1;
  const width = Math.ceil(span / buckets / ROLLUP_STEPS) * ROLLUP_STEPS;
  const base = Math.floor(range.lo / ROLLUP_STEPS) * ROLLUP_STEPS;
  const rows = await db.$queryRaw<(BucketRow & { n: bigint })[]>`
    SELECT min(r."firstStep")::float8 AS s0, max(r."lastStep")::float8 AS s1, min(r."minValue") AS vmin, max(r."maxValue") AS vmax, sum(r.count) AS n,
           (array_agg(r."firstValue" ORDER BY r."firstStep"))[1] AS v0, (array_agg(r."lastValue" ORDER BY r."lastStep" DESC))[1] AS v1,
           (array_agg(extract(epoch from r."firstWall") * 1000 ORDER BY r."firstStep"))[1]::float8 AS w0,
           (array_agg(extract(epoch from r."lastWall") * 1000 ORDER BY r."lastStep" DESC))[1]::float8 AS w1
    FROM "MetricRollup" r
    WHERE r."runId" = ${runId} AND r.key = ${key} AND r.bucket >= ${Math.floor(range.lo / ROLLUP_STEPS)} AND r.bucket <= ${Math.floor(range.hi / ROLLUP_STEPS)}
    GROUP BY (r.bucket * ${ROLLUP_STEPS} - ${base}) / ${width}
    ORDER BY 1`;
  return bucketsToSeries(rows, range.n, t0);
}

/** Wall time of the run's first point among the requested keys (one PK lookup per key). */
async function runStartMs(db: Db, runId: string, keys: string[]): Promise<number> {
  const r = await db.$queryRaw<{ t: number | null }[]>`
    SELECT (extract(epoch from min(w)) * 1000)::float8 AS t FROM (
      SELECT (SELECT "wallTime" FROM "MetricPoint" m WHERE m."runId" = ${runId} AND m.key = k ORDER BY step LIMIT 1) AS w
      FROM unnest(${keys}::text[]) AS k) x`;
  return r[0]?.t ?? 0;
}

export async function metricSeries(db: Db, req: SeriesRequest): Promise<SeriesOut[]> {
  const buckets = Math.max(16, Math.min(4000, Math.floor(req.maxPoints)));
  const jobs: Promise<SeriesOut | null>[] = [];
  for (const runId of req.runIds) {
    const t0p = runStartMs(db, runId, req.keys);
    for (const key of req.keys) {
      jobs.push(
        (async () => {
          const t0 = await t0p;
          const range = await seriesRange(db, runId, key, req.xMin, req.xMax);
          if (!range) return { runId, key, total: 0, step: [], value: [], min: [], max: [], relTime: [], wallTime: [], reduced: false };
          const span = range.hi - range.lo + 1;
          const body =
            range.n <= buckets * SQL_BUCKETING_FACTOR
              ? await exactSeries(db, runId, key, range, buckets, t0)
              : span / buckets >= ROLLUP_STEPS
                ? await rollupSeries(db, runId, key, range, buckets, t0)
                : await bucketedSeries(db, runId, key, range, buckets, t0);
          return { runId, key, ...body };
        })(),
      );
    }
  }
  // The pool (max 10 connections) bounds how many run at once.
  return (await Promise.all(jobs)).filter((s): s is SeriesOut => s !== null);
}
