/**
 * Applies runner reports to the database. Every write is idempotent, so a batch re-sent after a
 * timeout, or re-emitted after a resume from checkpoint, is stored once.
 */
import type { IngestBatch } from '../../core/ingest';
import type { Db } from '../db';
import { Prisma } from '../generated/prisma/client';
import { NotFoundError } from './errors';
import { refreshRollups } from './rollups';

export interface IngestCounts {
  metrics: number;
  rollouts: number;
  checkpoints: number;
  logs: number;
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

// Rollups (first/last/min/max/count and EMA state per 64 steps) live in ./rollups.
export { ROLLUP_STEPS } from './rollups';

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
  return { metrics, rollouts, checkpoints, logs };
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
