/**
 * Applies runner reports to the database. Every write is idempotent and the last write wins for every
 * record type (metric points, rollouts, checkpoints): a batch re-sent after a timeout is stored once, and
 * steps re-emitted after a resume from checkpoint replace what the abandoned attempt wrote.
 *
 * Items are validated one by one (core/ingest.ts), text the database refuses is sanitised, and a value the
 * database still refuses is traced to its item (the chunk is split until the refused item is alone), so the
 * valid items of a batch are always stored and the invalid ones are named.
 */
import {
  describeRejected,
  sanitizeIngestBatch,
  validateIngestItems,
  type IngestBatch,
  type IngestEnvelope,
  type IngestItemKind,
  type IngestResponse,
  type RejectedIngestItem,
} from '../../core/ingest';
import type { Db } from '../db';
import { Prisma } from '../generated/prisma/client';
import { databaseRefusal } from './db-errors';
import { NotFoundError, ValidationError } from './errors';
import { applyEvalIngest } from './evals';
import { refreshRollups } from './rollups';

export interface IngestCounts {
  metrics: number;
  rollouts: number;
  checkpoints: number;
  logs: number;
  evalSamples?: number;
  evalResults?: number;
}

type Metric = IngestBatch['metrics'][number];
type RolloutIn = IngestBatch['rollouts'][number];

/** Steps cross into SQL as text and are cast to BIGINT there (exact up to 2^53 − 1 whatever the driver's number typing). */
const stepText = (s: number) => String(s);

async function upsertMetrics(db: Db, runId: string, chunk: Metric[]): Promise<number> {
  // Last value wins for a (run, key, step): a resumed run re-emits the steps after its checkpoint.
  return db.$executeRaw`
    INSERT INTO "MetricPoint" ("runId", key, step, value, "wallTime")
    SELECT ${runId}, k, s::bigint, v, to_timestamp(w / 1000.0)
    FROM unnest(${chunk.map((m) => m.key)}::text[], ${chunk.map((m) => stepText(m.step))}::text[],
                ${chunk.map((m) => m.value)}::float8[], ${chunk.map((m) => m.wallTime)}::float8[]) AS t(k, s, v, w)
    ON CONFLICT ("runId", key, step) DO UPDATE SET value = EXCLUDED.value, "wallTime" = EXCLUDED."wallTime"`;
}

// Rollups (first/last/min/max/count and EMA state per 64 steps) live in ./rollups.
export { ROLLUP_STEPS } from './rollups';

const jsonText = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

/** Rollouts keyed by (run, step, clip, group, sample); the last write wins, like metric points. */
async function upsertRollouts(db: Db, runId: string, chunk: RolloutIn[]): Promise<number> {
  return db.$executeRaw`
    INSERT INTO "Rollout" ("runId", step, "clipId", "groupIndex", "sampleIndex", completion, think, answer,
                           "formatScore", "thinkScore", escore, cnscore, reward, advantage, length, breakdown)
    SELECT ${runId}, s::bigint, c, g, i, comp, th::jsonb, ans, fs, ts, es, cn, rw, adv, len, bd::jsonb
    FROM unnest(${chunk.map((r) => stepText(r.step))}::text[], ${chunk.map((r) => r.clipId)}::text[],
                ${chunk.map((r) => r.groupIndex)}::int[], ${chunk.map((r) => r.sampleIndex)}::int[],
                ${chunk.map((r) => r.completion)}::text[], ${chunk.map((r) => jsonText(r.think))}::text[],
                ${chunk.map((r) => r.answer)}::text[], ${chunk.map((r) => r.rewards.format ?? null)}::float8[],
                ${chunk.map((r) => r.rewards.tscore ?? null)}::float8[], ${chunk.map((r) => r.rewards.escore ?? null)}::float8[],
                ${chunk.map((r) => r.rewards.cnscore ?? null)}::float8[], ${chunk.map((r) => r.reward)}::float8[],
                ${chunk.map((r) => r.advantage)}::float8[], ${chunk.map((r) => r.length)}::int[],
                ${chunk.map((r) => jsonText(r.breakdown))}::text[])
         AS t(s, c, g, i, comp, th, ans, fs, ts, es, cn, rw, adv, len, bd)
    ON CONFLICT ("runId", step, "clipId", "groupIndex", "sampleIndex") DO UPDATE SET
      completion = EXCLUDED.completion, think = EXCLUDED.think, answer = EXCLUDED.answer,
      "formatScore" = EXCLUDED."formatScore", "thinkScore" = EXCLUDED."thinkScore", escore = EXCLUDED.escore,
      cnscore = EXCLUDED.cnscore, reward = EXCLUDED.reward, advantage = EXCLUDED.advantage, length = EXCLUDED.length,
      breakdown = EXCLUDED.breakdown`;
}

async function upsertCheckpoints(db: Db, runId: string, chunk: IngestBatch['checkpoints']): Promise<number> {
  for (const c of chunk) {
    const metadata = (c.metadata ?? undefined) as Prisma.InputJsonValue | undefined;
    await db.checkpoint.upsert({
      where: { runId_step: { runId, step: BigInt(c.step) } },
      update: { path: c.path, metadata },
      create: { runId, step: BigInt(c.step), path: c.path, metadata },
    });
  }
  return chunk.length;
}

async function insertLogs(db: Db, runId: string, chunk: IngestBatch['logs']): Promise<number> {
  const r = await db.runLog.createMany({ skipDuplicates: true, data: chunk.map((l) => ({ runId, seq: l.seq, line: l.line })) });
  return r.count;
}

/**
 * Writes `items` in chunks; a chunk the database refuses as data (not an outage) is split until the refused
 * item is alone, which is then reported through `reject` with the database's reason. Other errors propagate.
 */
export async function writeIsolating<T>(
  items: readonly T[],
  chunkSize: number,
  write: (chunk: T[]) => Promise<number>,
  reject: (index: number, message: string) => void,
  stored: (chunk: T[]) => void = () => undefined,
): Promise<number> {
  const attempt = async (from: number, to: number): Promise<number> => {
    const chunk = items.slice(from, to);
    try {
      const n = await write(chunk);
      stored(chunk);
      return n;
    } catch (e) {
      const refusal = databaseRefusal(e);
      if (!refusal) throw e;
      if (to - from === 1) {
        reject(from, refusal);
        return 0;
      }
      const mid = from + Math.ceil((to - from) / 2);
      return (await attempt(from, mid)) + (await attempt(mid, to));
    }
  };
  let n = 0;
  for (let i = 0; i < items.length; i += chunkSize) n += await attempt(i, Math.min(items.length, i + chunkSize));
  return n;
}

/** Keeps the last occurrence of each key (ON CONFLICT cannot touch a row twice in one statement), with its request index. */
function lastByKey<T>(items: readonly T[], indexes: readonly number[], key: (item: T) => string): { items: T[]; indexes: number[] } {
  const map = new Map<string, number>();
  items.forEach((item, i) => map.set(key(item), i));
  const keep = [...map.values()].sort((a, b) => a - b);
  return { items: keep.map((i) => items[i]!), indexes: keep.map((i) => indexes[i]!) };
}

/**
 * Validates, sanitises and stores one ingest batch. Returns the rows stored per kind (inserted or updated),
 * the items not stored with the reason (`rejected`), and the text fields changed to be storable (`sanitized`).
 * Throws NotFoundError for an unknown run; database outages propagate (the reporter retries those).
 */
export async function ingestEvents(db: Db, runId: string, envelope: IngestEnvelope): Promise<IngestResponse> {
  const run = await db.run.findUnique({ where: { id: runId }, select: { id: true } });
  if (!run) throw new NotFoundError(`run ${runId} does not exist`);
  const validated = validateIngestItems(envelope);
  const { batch, sanitized } = sanitizeIngestBatch(validated.batch, validated.indexes);
  const rejected: RejectedIngestItem[] = [...validated.rejected];
  const rejectAt = (kind: IngestItemKind, indexes: readonly number[], field: string) => (i: number, message: string) =>
    rejected.push({ item: `${kind}.${indexes[i]}`, field, message: `the database refused it: ${message}` });

  const metrics = lastByKey(batch.metrics, validated.indexes.metrics, (m) => `${m.key}\u0000${m.step}`);
  const storedMetrics: Metric[] = [];
  const nMetrics = await writeIsolating(metrics.items, 5000, (c) => upsertMetrics(db, runId, c), rejectAt('metrics', metrics.indexes, '(item)'), (c) => storedMetrics.push(...c));
  await refreshRollups(db, runId, storedMetrics);

  const rollouts = lastByKey(batch.rollouts, validated.indexes.rollouts, (r) => `${r.step}\u0000${r.clipId}\u0000${r.groupIndex}\u0000${r.sampleIndex}`);
  const nRollouts = await writeIsolating(rollouts.items, 500, (c) => upsertRollouts(db, runId, c), rejectAt('rollouts', rollouts.indexes, '(item)'));
  const nCheckpoints = await writeIsolating(batch.checkpoints, 100, (c) => upsertCheckpoints(db, runId, c), rejectAt('checkpoints', validated.indexes.checkpoints, '(item)'));
  const nLogs = await writeIsolating(batch.logs, 5000, (c) => insertLogs(db, runId, c), rejectAt('logs', validated.indexes.logs, '(item)'));

  // Progress and the last report time: one statement, safe against concurrent batches of the same run.
  const maxStep = Math.max(batch.progress?.step ?? 0, ...storedMetrics.map((m) => m.step), ...rollouts.items.map((r) => r.step));
  const maxSteps = batch.progress?.maxSteps ?? 0;
  await db.$executeRaw`
    UPDATE "Run" SET "lastStep" = GREATEST("lastStep", ${stepText(maxStep)}::bigint),
                     "maxSteps" = CASE WHEN ${stepText(maxSteps)}::bigint > 0 THEN ${stepText(maxSteps)}::bigint ELSE "maxSteps" END,
                     "lastReportAt" = now()
    WHERE id = ${runId}`;

  // Evaluation runs: per-clip records, final rows and progress (validated item by item like the rest).
  const evalCounts =
    batch.evalSamples.length > 0 || batch.evalResults.length > 0 || batch.evalProgress
      ? await applyEvalIngest(db, runId, { evalSamples: batch.evalSamples, evalResults: batch.evalResults, evalProgress: batch.evalProgress })
      : null;
  return { metrics: nMetrics, rollouts: nRollouts, checkpoints: nCheckpoints, logs: nLogs, ...(evalCounts ?? {}), rejected, sanitized };
}

const INGEST_TOTAL = (e: IngestEnvelope) =>
  e.metrics.length + e.rollouts.length + e.checkpoints.length + e.logs.length + e.evalSamples.length + e.evalResults.length +
  (e.progress !== undefined ? 1 : 0) + (e.evalProgress !== undefined ? 1 : 0);

/** ingestEvents for the HTTP route: a batch with rejected items answers 400 naming them (the rest is stored). */
export async function ingestEventsOrReject(db: Db, runId: string, envelope: IngestEnvelope): Promise<IngestResponse> {
  const out = await ingestEvents(db, runId, envelope);
  if (out.rejected.length > 0) {
    const total = INGEST_TOTAL(envelope);
    throw new ValidationError(
      `${out.rejected.length} of ${total} items not stored (the other ${total - out.rejected.length} were) — ${describeRejected(out.rejected)}`,
      Object.fromEntries(out.rejected.map((r) => [`${r.item}.${r.field}`, r.message])),
      { stored: { metrics: out.metrics, rollouts: out.rollouts, checkpoints: out.checkpoints, logs: out.logs }, rejected: out.rejected, sanitized: out.sanitized },
    );
  }
  return out;
}

/** The previous name of ingestEvents for a batch that is already fully valid (kept for callers inside the server). */
export async function applyIngestBatch(db: Db, runId: string, batch: IngestBatch): Promise<IngestCounts> {
  const out = await ingestEvents(db, runId, batch);
  return { metrics: out.metrics, rollouts: out.rollouts, checkpoints: out.checkpoints, logs: out.logs, evalSamples: out.evalSamples, evalResults: out.evalResults };
}

/** Marks that the runner or importer of a run reported (the lost-contact check reads it). */
export async function touchRunReport(db: Db, runId: string): Promise<void> {
  await db.$executeRaw`UPDATE "Run" SET "lastReportAt" = now() WHERE id = ${runId}`;
}

/** What a runner needs to start or resume a job. Steps leave the server as JSON numbers (exact below 2^53). */
export async function runForRunner(db: Db, runId: string) {
  const run = await db.run.findUnique({
    where: { id: runId },
    select: { id: true, name: true, kind: true, backend: true, status: true, config: true, attempt: true, initCheckpointId: true },
  });
  if (!run) throw new NotFoundError(`run ${runId} does not exist`);
  const lastCheckpoint = await db.checkpoint.findFirst({ where: { runId }, orderBy: { step: 'desc' } });
  const init = run.initCheckpointId ? await db.checkpoint.findUnique({ where: { id: run.initCheckpointId } }) : null;
  const lastLog = await db.runLog.findFirst({ where: { runId }, orderBy: { seq: 'desc' }, select: { seq: true } });
  return {
    ...run,
    resume: lastCheckpoint ? { step: Number(lastCheckpoint.step), path: lastCheckpoint.path, metadata: lastCheckpoint.metadata } : null,
    initCheckpoint: init ? { step: Number(init.step), path: init.path, metadata: init.metadata } : null,
    nextLogSeq: (lastLog?.seq ?? -1) + 1,
  };
}
