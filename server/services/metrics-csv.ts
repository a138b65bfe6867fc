/**
 * Every stored point of the requested series as CSV (core/csv.ts format:
 * run_id,run,key,step,wall_time,value,scorer), streamed in keyset batches so a 1,000,000-point
 * series never sits in memory at once.
 */
import { CSV_HEADER, seriesToCsv } from '../../core/csv';
import { readRunScorer, scorerText } from '../../core/scorer-view';
import type { Db } from '../db';

export interface CsvRequest {
  runIds: string[];
  keys: string[];
  xMin?: number | null;
  xMax?: number | null;
}

const BATCH = 50_000;

/** The requested run ids the database does not have (in request order, once each): the CSV route answers 404 naming them. */
export async function unknownRunIds(db: Db, runIds: readonly string[]): Promise<string[]> {
  const found = await db.run.findMany({ where: { id: { in: [...runIds] } }, select: { id: true } });
  const have = new Set(found.map((r) => r.id));
  return [...new Set(runIds.filter((id) => !have.has(id)))];
}

export function metricsCsvStream(db: Db, req: CsvRequest): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  async function* chunks(): AsyncGenerator<string> {
    yield CSV_HEADER.join(',') + '\r\n';
    const runs = await db.run.findMany({ where: { id: { in: req.runIds } }, select: { id: true, name: true, scorer: true } });
    const names = new Map(runs.map((r) => [r.id, r.name]));
    const scorers = new Map(runs.map((r) => [r.id, scorerText(readRunScorer(r.scorer))]));
    for (const runId of req.runIds) {
      if (!names.has(runId)) continue;
      for (const key of req.keys) {
        let after = Math.max(-1, Math.floor(req.xMin ?? 0) - 1);
        const hi = Math.min(Number.MAX_SAFE_INTEGER, Math.ceil(req.xMax ?? Number.MAX_SAFE_INTEGER));
        for (;;) {
          const rows = await db.$queryRaw<{ step: number; value: number; w: number }[]>`
            SELECT step::float8 AS step, value, (extract(epoch from "wallTime") * 1000)::float8 AS w FROM "MetricPoint"
            WHERE "runId" = ${runId} AND key = ${key} AND step > ${after} AND step <= ${hi} ORDER BY "MetricPoint".step LIMIT ${BATCH}`;
          if (rows.length === 0) break;
          const csv = seriesToCsv([
            {
              runId,
              run: names.get(runId)!,
              scorer: scorers.get(runId) ?? '',
              key,
              steps: rows.map((r) => Number(r.step)),
              wallTimes: rows.map((r) => r.w),
              values: rows.map((r) => r.value),
            },
          ]);
          yield csv.slice(csv.indexOf('\r\n') + 2); // without its header line
          after = Number(rows[rows.length - 1]!.step);
          if (rows.length < BATCH) break;
        }
      }
    }
  }
  const it = chunks();
  return new ReadableStream({
    async pull(controller) {
      const { value, done } = await it.next();
      if (done) controller.close();
      else controller.enqueue(enc.encode(value));
    },
  });
}
