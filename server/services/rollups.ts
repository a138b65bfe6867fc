/**
 * 64-step rollups of metric series (MetricRollup): first, last, min and max point, count, and the
 * EMA-ready state of core/series-ema.ts for every smoothing weight the charts offer. The ingest API
 * refreshes the blocks a batch touched; charts of long series read ~1/64 of the rows and still get
 * exact smoothed values (server/services/metrics.ts).
 *
 * A block is always recomputed whole from its stored points (at most 64 per key), in Node with the
 * same code the tests pin (core/series-ema.ts `summarizeBlock`), so a re-sent or overwritten step
 * can never leave a rollup out of date.
 */
import { ROLLUP_EMA_LENGTH, summarizeBlock, type BlockSummary } from '../../core/series-ema';
import type { Db } from '../db';

export const ROLLUP_STEPS = 64;

/** Blocks per round trip (≤ 64 points each). */
const CHUNK = 1000;

export interface RollupBlockRef {
  key: string;
  bucket: number;
}

/** Recompute the rollups of these (key, bucket) blocks from their stored points. */
export async function refreshRollupBlocks(db: Db, runId: string, blocks: readonly RollupBlockRef[]): Promise<void> {
  for (let i = 0; i < blocks.length; i += CHUNK) {
    const chunk = blocks.slice(i, i + CHUNK);
    const rows = await db.$queryRaw<{ key: string; step: number | bigint; value: number; w: number }[]>`
      SELECT m.key, m.step, m.value, (extract(epoch from m."wallTime") * 1000)::float8 AS w
      FROM unnest(${chunk.map((c) => c.key)}::text[], ${chunk.map((c) => c.bucket)}::bigint[]) AS t(k, b)
      JOIN "MetricPoint" m ON m."runId" = ${runId} AND m.key = t.k AND m.step >= t.b * ${ROLLUP_STEPS} AND m.step < (t.b + 1) * ${ROLLUP_STEPS}
      ORDER BY m.key, m.step`;
    const summaries: { key: string; bucket: number; s: BlockSummary }[] = [];
    let start = 0;
    for (let j = 1; j <= rows.length; j++) {
      const a = rows[start]!;
      const bucketA = Math.floor(Number(a.step) / ROLLUP_STEPS);
      const next = rows[j];
      if (next && next.key === a.key && Math.floor(Number(next.step) / ROLLUP_STEPS) === bucketA) continue;
      const part = rows.slice(start, j);
      summaries.push({
        key: a.key,
        bucket: bucketA,
        s: summarizeBlock(
          part.map((r) => Number(r.step)),
          part.map((r) => r.value),
          part.map((r) => r.w),
        ),
      });
      start = j;
    }
    if (summaries.length === 0) continue;
    const col = <T,>(f: (s: BlockSummary) => T) => summaries.map((x) => f(x.s));
    const ema = summaries.flatMap((x) => x.s.ema);
    await db.$executeRaw`
      INSERT INTO "MetricRollup" ("runId", key, bucket, "firstStep", "firstValue", "lastStep", "lastValue", "minValue", "maxValue", count,
                                  "firstWall", "lastWall", "minStep", "minRank", "minWall", "maxStep", "maxRank", "maxWall", ema)
      SELECT ${runId}, t.k, t.b, t.fs, t.fv, t.ls, t.lv, t.mnv, t.mxv, t.c,
             to_timestamp(t.fw / 1000.0), to_timestamp(t.lw / 1000.0), t.mns, t.mnr, to_timestamp(t.mnw / 1000.0),
             t.mxs, t.mxr, to_timestamp(t.mxw / 1000.0),
             (${ema}::float8[])[((t.ord - 1) * ${ROLLUP_EMA_LENGTH} + 1):(t.ord * ${ROLLUP_EMA_LENGTH})]
      FROM unnest(${summaries.map((x) => x.key)}::text[], ${summaries.map((x) => x.bucket)}::bigint[],
                  ${col((s) => s.firstStep)}::bigint[], ${col((s) => s.firstValue)}::float8[], ${col((s) => s.lastStep)}::bigint[], ${col((s) => s.lastValue)}::float8[],
                  ${col((s) => s.minValue)}::float8[], ${col((s) => s.maxValue)}::float8[], ${col((s) => s.count)}::int[],
                  ${col((s) => s.firstWall)}::float8[], ${col((s) => s.lastWall)}::float8[],
                  ${col((s) => s.minStep)}::bigint[], ${col((s) => s.minRank)}::int[], ${col((s) => s.minWall)}::float8[],
                  ${col((s) => s.maxStep)}::bigint[], ${col((s) => s.maxRank)}::int[], ${col((s) => s.maxWall)}::float8[])
           WITH ORDINALITY AS t(k, b, fs, fv, ls, lv, mnv, mxv, c, fw, lw, mns, mnr, mnw, mxs, mxr, mxw, ord)
      ON CONFLICT ("runId", key, bucket) DO UPDATE SET
        "firstStep" = EXCLUDED."firstStep", "firstValue" = EXCLUDED."firstValue", "lastStep" = EXCLUDED."lastStep",
        "lastValue" = EXCLUDED."lastValue", "minValue" = EXCLUDED."minValue", "maxValue" = EXCLUDED."maxValue",
        count = EXCLUDED.count, "firstWall" = EXCLUDED."firstWall", "lastWall" = EXCLUDED."lastWall",
        "minStep" = EXCLUDED."minStep", "minRank" = EXCLUDED."minRank", "minWall" = EXCLUDED."minWall",
        "maxStep" = EXCLUDED."maxStep", "maxRank" = EXCLUDED."maxRank", "maxWall" = EXCLUDED."maxWall", ema = EXCLUDED.ema`;
  }
}

/** Recompute the rollups touched by a batch of points (the ingest API calls this after storing them). */
export async function refreshRollups(db: Db, runId: string, metrics: readonly { key: string; step: number }[]): Promise<void> {
  if (metrics.length === 0) return;
  const touched = new Map<string, RollupBlockRef>();
  for (const m of metrics) {
    const bucket = Math.floor(m.step / ROLLUP_STEPS);
    touched.set(`${m.key}\u0000${bucket}`, { key: m.key, bucket });
  }
  await refreshRollupBlocks(db, runId, [...touched.values()]);
}

/** Rebuild every rollup of a run (or of one of its keys) from the stored points. Returns the blocks written. */
export async function rebuildRollups(db: Db, runId: string, key?: string): Promise<number> {
  const blocks = await db.$queryRaw<{ key: string; bucket: number | bigint }[]>`
    SELECT DISTINCT key, step / ${ROLLUP_STEPS} AS bucket FROM "MetricPoint"
    WHERE "runId" = ${runId} AND (${key ?? null}::text IS NULL OR key = ${key ?? null}::text) ORDER BY 1, 2`;
  await refreshRollupBlocks(db, runId, blocks.map((b) => ({ key: b.key, bucket: Number(b.bucket) })));
  return blocks.length;
}

/**
 * Rebuild the rollups of one series that predate the EMA state (or were written for another list
 * of smoothing weights). Returns how many were rebuilt; 0 on every read after the first.
 */
export async function refreshStaleRollups(db: Db, runId: string, key: string): Promise<number> {
  const stale = await db.$queryRaw<{ bucket: number | bigint }[]>`
    SELECT bucket FROM "MetricRollup"
    WHERE "runId" = ${runId} AND key = ${key} AND coalesce(cardinality(ema), 0) <> ${ROLLUP_EMA_LENGTH} ORDER BY bucket`;
  await refreshRollupBlocks(db, runId, stale.map((s) => ({ key, bucket: Number(s.bucket) })));
  return stale.length;
}
