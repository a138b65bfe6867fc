/**
 * Applies runner reports to the database. Every write is idempotent, so a batch re-sent after a
 * timeout, or re-emitted after a resume from checkpoint, is stored once.
 */
import type { IngestBatch } from '../../core/ingest';
import type { Db } from '../db';
import { Prisma } from '../generated/prisma/client';
import { NotFoundError } from './errors';
import { applyEvalIngest } from './evals';

export interface IngestCounts {
  metrics: number;
  rollouts: number;
  checkpoints: number;
  logs: number;
  evalSamples?: number;
  evalResults?: number;
}

async function upsertMetrics(db: Db, runId: string, metrics: IngestBatch['metrics']): Promise<number> {
  let n = 0;
  for (let i = 0; i < metrics.length; i += 5000) {
    const chunk = metrics.slice(i, i + 5000);
    // Last value wins for a (run, key, step): a resumed run re-emits the steps after its checkpoint.
    n += await db.$executeRaw`
      INSERT INTO "MetricPoint" ("runId", key, step, value, "wallTime")
      SELECT ${runId}, k, s, v, to_timestamp(w / 1000.0)
      FROM unnest(${chunk.map((m) => m.key)}::text[], ${chunk.map((m) => m.step)}::int[],
                  ${chunk.map((m) => m.value)}::float8[], ${chunk.map((m) => m.wallTime)}::float8[]) AS t(k, s, v, w)
      ON CONFLICT ("runId", key, step) DO UPDATE SET value = EXCLUDED.value, "wallTime" = EXCLUDED."wallTime"`;
  }
  return n;
}

export const ROLLUP_STEPS = 64;

/** Recompute the 64-step rollups (first, last, min, max, count) touched by a batch of points. */
async function refreshRollups(db: Db, runId: string, metrics: IngestBatch['metrics']): Promise<void> {
  if (metrics.length === 0) return;
  const touched = new Map<string, { key: string; bucket: number }>();
  for (const m of metrics) {
    const bucket = Math.floor(m.step / ROLLUP_STEPS);
    touched.set(`${m.key}\u0000${bucket}`, { key: m.key, bucket });
  }
  const list = [...touched.values()];
  for (let i = 0; i < list.length; i += 2000) {
    const chunk = list.slice(i, i + 2000);
    await db.$executeRaw`
      INSERT INTO "MetricRollup" ("runId", key, bucket, "firstStep", "firstValue", "lastStep", "lastValue", "minValue", "maxValue", count, "firstWall", "lastWall")
      SELECT m."runId", m.key, t.b, min(m.step), (array_agg(m.value ORDER BY m.step))[1], max(m.step), (array_agg(m.value ORDER BY m.step DESC))[1],
             min(m.value), max(m.value), count(*)::int, min(m."wallTime"), max(m."wallTime")
      FROM unnest(${chunk.map((c) => c.key)}::text[], ${chunk.map((c) => c.bucket)}::int[]) AS t(k, b)
      JOIN "MetricPoint" m ON m."runId" = ${runId} AND m.key = t.k AND m.step >= t.b * ${ROLLUP_STEPS} AND m.step < (t.b + 1) * ${ROLLUP_STEPS}
      GROUP BY m."runId", m.key, t.b
      ON CONFLICT ("runId", key, bucket) DO UPDATE SET
        "firstStep" = EXCLUDED."firstStep", "firstValue" = EXCLUDED."firstValue", "lastStep" = EXCLUDED."lastStep",
        "lastValue" = EXCLUDED."lastValue", "minValue" = EXCLUDED."minValue", "maxValue" = EXCLUDED."maxValue",
        count = EXCLUDED.count, "firstWall" = EXCLUDED."firstWall", "lastWall" = EXCLUDED."lastWall"`;
  }
}

export async function applyIngestBatch(db: Db, runId: string, batch: IngestBatch): Promise<IngestCounts> {
  const run = await db.run.findUnique({ where: { id: runId }, select: { id: true, lastStep: true } });
  if (!run) throw new NotFoundError(`run ${runId} does not exist`);
  // Keep only the last occurrence of a (key, step) inside one batch (ON CONFLICT cannot touch a row twice).
  const metricMap = new Map<string, IngestBatch['metrics'][number]>();
  for (const m of batch.metrics) metricMap.set(`${m.key}\u0000${m.step}`, m);
  const metrics = await upsertMetrics(db, runId, [...metricMap.values()]);
  await refreshRollups(db, runId, [...metricMap.values()]);

  let rollouts = 0;
  if (batch.rollouts.length) {
    const r = await db.rollout.createMany({
      skipDuplicates: true,
      data: batch.rollouts.map((x) => ({
        runId,
        step: x.step,
        clipId: x.clipId,
        groupIndex: x.groupIndex,
        sampleIndex: x.sampleIndex,
        completion: x.completion,
        think: x.think === null ? Prisma.DbNull : (x.think as Prisma.InputJsonValue),
        answer: x.answer,
        formatScore: x.rewards.format ?? null,
        thinkScore: x.rewards.tscore ?? null,
        escore: x.rewards.escore ?? null,
        cnscore: x.rewards.cnscore ?? null,
        reward: x.reward,
        advantage: x.advantage,
        length: x.length,
        breakdown: x.breakdown === undefined || x.breakdown === null ? Prisma.DbNull : (x.breakdown as Prisma.InputJsonValue),
      })),
    });
    rollouts = r.count;
  }

  let checkpoints = 0;
  for (const c of batch.checkpoints) {
    await db.checkpoint.upsert({
      where: { runId_step: { runId, step: c.step } },
      update: { path: c.path, metadata: (c.metadata ?? undefined) as Prisma.InputJsonValue | undefined },
      create: { runId, step: c.step, path: c.path, metadata: (c.metadata ?? undefined) as Prisma.InputJsonValue | undefined },
    });
    checkpoints++;
  }

  let logs = 0;
  if (batch.logs.length) {
    const r = await db.runLog.createMany({ skipDuplicates: true, data: batch.logs.map((l) => ({ runId, seq: l.seq, line: l.line })) });
    logs = r.count;
  }

  const maxStep = Math.max(
    batch.progress?.step ?? 0,
    ...batch.metrics.map((m) => m.step),
    ...batch.rollouts.map((r) => r.step),
  );
  if (maxStep > run.lastStep || batch.progress?.maxSteps) {
    await db.run.update({
      where: { id: runId },
      data: {
        ...(maxStep > run.lastStep ? { lastStep: maxStep } : {}),
        ...(batch.progress?.maxSteps ? { maxSteps: batch.progress.maxSteps } : {}),
      },
    });
  }
  const evalCounts =
    batch.evalSamples.length > 0 || batch.evalResults.length > 0 || batch.evalProgress
      ? await applyEvalIngest(db, runId, { evalSamples: batch.evalSamples, evalResults: batch.evalResults, evalProgress: batch.evalProgress })
      : null;
  return { metrics, rollouts, checkpoints, logs, ...(evalCounts ?? {}) };
}

/** What a runner needs to start or resume a job. */
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
    resume: lastCheckpoint ? { step: lastCheckpoint.step, path: lastCheckpoint.path, metadata: lastCheckpoint.metadata } : null,
    initCheckpoint: init ? { step: init.step, path: init.path, metadata: init.metadata } : null,
    nextLogSeq: (lastLog?.seq ?? -1) + 1,
  };
}
