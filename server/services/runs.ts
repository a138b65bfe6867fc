/** Run lifecycle: launch, state transitions (with history), cancel, read. Shared by tRPC and the ingest API. */
import { describeRunKind } from '../../core/run-kind-view';
import type { CreateRunInput } from '../../core/ingest';
import { canTransition, isBackend, isTerminal } from '../../core/jobs';
import type { RunConfig } from '../../core/run-config';
import type { RunKind, RunStatus } from '../../core/types';
import type { ScorerIdentity } from '../../core/scorer';
import type { Db } from '../db';
import { Prisma } from '../generated/prisma/client';
import { enqueueRun, removeQueuedRun, requestCancel } from '../queue';
import { launchCurateRun } from './curation';
import { ConflictError, NotFoundError, UnavailableError, ValidationError } from './errors';
import { launchEvalRun } from './evals';
import { benchmarkTrainingWarning, resolveLaunchDataset, validateLaunchConfig } from './launch-checks';
import { attentionForRuns, loadRunnerState } from './runner-status';

export interface LaunchInput {
  name: string;
  kind: RunKind;
  backend: string;
  config: unknown;
  experiment?: string;
  parentRunId?: string | null;
  /** The user who launched it (null in open mode). */
  createdById?: string | null;
}

/** Validate a run config (shape only, any kind); the error names each field and the reason. */
export function validateRunConfig(config: unknown, kind: RunKind = 'grpo'): RunConfig {
  return validateLaunchConfig(kind, config);
}

async function experimentId(db: Db, name: string | undefined): Promise<string | null> {
  if (!name) return null;
  const e = await db.experiment.upsert({ where: { name }, update: {}, create: { name } });
  return e.id;
}

export interface LaunchResult {
  id: string;
  /** Things the launch allowed but the person should know (training on an evaluation benchmark). */
  warnings: string[];
  /** Benchmarks whose test data this run trains on ([] for a clean run). */
  trainedOnBenchmarks: string[];
}

/**
 * Validate, store (queued, with its first transition) and enqueue a run. Rejects with
 * ValidationError (field → reason) for: unknown config keys, impossible combinations, an unknown
 * dataset, a missing parent run or checkpoint. Training on an evaluation benchmark is allowed,
 * recorded on `Run.trainedOnBenchmarks` and returned as a warning.
 */
export async function launchRun(db: Db, input: LaunchInput): Promise<LaunchResult> {
  // Evaluations have their own config (core/eval/config.ts); the backend follows from the model source.
  if (input.kind === 'eval') {
    const r = await launchEvalRun(db, { name: input.name, config: input.config, experiment: input.experiment, createdById: input.createdById });
    return { id: r.id, warnings: [], trainedOnBenchmarks: [] };
  }
  if (!isBackend(input.backend)) {
    throw new ValidationError(`backend: must be "local" or "swift", got "${input.backend}"`, { backend: 'must be local or swift' });
  }
  // A curate run has its own config (core/curation/config.ts) and always runs on the local queue.
  if (input.kind === 'curate') {
    const r = await launchCurateRun(db, { name: input.name, config: input.config, experiment: input.experiment, createdById: input.createdById });
    return { id: r.id, warnings: [], trainedOnBenchmarks: [] };
  }
  const name = input.name.trim();
  if (!name) throw new ValidationError('name: must not be empty', { name: 'must not be empty' });
  let config: ReturnType<typeof validateLaunchConfig>;
  try {
    config = validateLaunchConfig(input.kind, input.config);
  } catch (e) {
    // Say every problem at once: an unknown dataset is reported with the config's other errors.
    const ref = (input.config as { dataset?: unknown } | null)?.dataset;
    if (e instanceof ValidationError && typeof ref === 'string' && !e.fieldErrors['config.dataset']) {
      const datasetError = await resolveLaunchDataset(db, ref).then(
        () => null,
        (d: unknown) => (d instanceof ValidationError ? d : null),
      );
      if (datasetError) throw new ValidationError(`${e.message}; ${datasetError.message}`, { ...e.fieldErrors, ...datasetError.fieldErrors });
    }
    throw e;
  }
  const dataset = await resolveLaunchDataset(db, config.dataset);
  const testSet = benchmarkTrainingWarning(input.kind, dataset);
  if (input.parentRunId) {
    const parent = await db.run.findUnique({ where: { id: input.parentRunId }, select: { id: true } });
    if (!parent) throw new ValidationError(`parentRunId: run ${input.parentRunId} does not exist`, { parentRunId: 'does not exist' });
  }
  if (config.initFromCheckpointId) {
    const ck = await db.checkpoint.findUnique({ where: { id: config.initFromCheckpointId }, select: { id: true } });
    if (!ck) throw new ValidationError(`config.initFromCheckpointId: checkpoint ${config.initFromCheckpointId} does not exist`, { 'config.initFromCheckpointId': 'does not exist' });
  }
  const run = await db.run.create({
    data: {
      name,
      kind: input.kind,
      backend: input.backend,
      config: config as unknown as Prisma.InputJsonValue,
      experimentId: await experimentId(db, input.experiment),
      parentRunId: input.parentRunId ?? null,
      createdById: input.createdById ?? null,
      initCheckpointId: config.initFromCheckpointId,
      maxSteps: config.maxSteps,
      trainedOnBenchmarks: testSet?.benchmarks ?? [],
      status: 'queued',
      transitions: { create: { fromStatus: null, toStatus: 'queued', reason: 'launched' } },
    },
    select: { id: true },
  });
  try {
    await enqueueRun(run.id, input.kind, input.backend);
  } catch (e) {
    const reason = `could not enqueue the job (Redis unavailable?): ${e instanceof Error ? e.message : String(e)}`;
    await transitionRun(db, run.id, 'failed', reason);
    throw new UnavailableError(reason);
  }
  return { id: run.id, warnings: testSet ? [testSet.warning] : [], trainedOnBenchmarks: testSet?.benchmarks ?? [] };
}

/** A run created from outside the browser (importers, scripts): stored, not enqueued. */
export async function createExternalRun(db: Db, input: CreateRunInput, createdById: string | null = null): Promise<{ id: string }> {
  const status = input.status ?? 'running';
  return db.run.create({
    data: {
      name: input.name,
      kind: input.kind,
      backend: input.backend,
      status,
      experimentId: await experimentId(db, input.experiment),
      config: (input.config ?? {}) as Prisma.InputJsonValue,
      source: (input.source ?? undefined) as Prisma.InputJsonValue | undefined,
      ...(input.maxSteps !== undefined ? { maxSteps: input.maxSteps } : {}),
      scorer: (input.scorer ?? undefined) as Prisma.InputJsonValue | undefined,
      createdById,
      startedAt: new Date(),
      lastReportAt: new Date(),
      transitions: {
        create: { fromStatus: null, toStatus: status, reason: input.source ? `imported from ${JSON.stringify(input.source)}` : 'created via ingest API' },
      },
    },
    select: { id: true },
  });
}

export interface TransitionExtra {
  runnerId?: string;
  summary?: Record<string, number | string>;
  /** core/scorer.ts ScorerIdentity (validated by the ingest schema). */
  scorer?: ScorerIdentity;
}

/**
 * Move a run through its state machine, recording time and reason. Illegal transitions throw
 * ConflictError (a terminal run stays terminal).
 */
export async function transitionRun(db: Db, runId: string, to: RunStatus, reason: string, extra: TransitionExtra = {}) {
  return db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ status: RunStatus }[]>`SELECT status FROM "Run" WHERE id = ${runId} FOR UPDATE`;
    const current = rows[0];
    if (!current) throw new NotFoundError(`run ${runId} does not exist`);
    const from = current.status;
    if (!canTransition(from, to)) {
      throw new ConflictError(`run ${runId} cannot go from ${from} to ${to}`);
    }
    const now = new Date();
    const data: Prisma.RunUpdateInput = { status: to, lastReportAt: now };
    if (to === 'starting') {
      data.attempt = { increment: 1 };
      if (extra.runnerId) data.runnerId = extra.runnerId;
    }
    if (to === 'running') data.startedAt = now;
    if (isTerminal(to)) data.finishedAt = now;
    if (to === 'failed') data.failureReason = reason;
    if (extra.summary) data.summary = extra.summary as Prisma.InputJsonValue;
    if (extra.scorer !== undefined) data.scorer = extra.scorer as Prisma.InputJsonValue;
    await tx.run.update({ where: { id: runId }, data });
    await tx.runTransition.create({ data: { runId, fromStatus: from, toStatus: to, reason, runnerId: extra.runnerId ?? null, at: now } });
    return { from, to };
  });
}

export async function cancelRun(db: Db, runId: string): Promise<{ status: RunStatus | 'cancelling' }> {
  const run = await db.run.findUnique({ where: { id: runId }, select: { status: true, kind: true, backend: true } });
  if (!run) throw new NotFoundError(`run ${runId} does not exist`);
  if (isTerminal(run.status)) return { status: run.status };
  if (run.status === 'queued' && isBackend(run.backend)) {
    let removed = false;
    try {
      removed = await removeQueuedRun(runId, run.kind, run.backend);
    } catch {
      removed = false;
    }
    if (removed) {
      await transitionRun(db, runId, 'cancelled', 'cancelled by user before a runner took it');
      return { status: 'cancelled' };
    }
  }
  if (!isBackend(run.backend)) {
    await transitionRun(db, runId, 'cancelled', 'cancelled by user');
    return { status: 'cancelled' };
  }
  // A runner holds it (or is about to): ask it to stop; it records `cancelled` once its process tree is gone.
  await requestCancel(runId);
  return { status: 'cancelling' };
}

export async function getRun(db: Db, runId: string) {
  const run = await db.run.findUnique({
    where: { id: runId },
    include: {
      experiment: { select: { id: true, name: true } },
      transitions: { orderBy: { at: 'asc' } },
      checkpoints: { orderBy: { step: 'asc' } },
      parentRun: { select: { id: true, name: true } },
      createdBy: { select: { id: true, name: true, username: true, displayUsername: true } },
    },
  });
  if (!run) throw new NotFoundError(`run ${runId} does not exist`);
  const logs = await db.runLog.findMany({ where: { runId }, orderBy: { seq: 'desc' }, take: 200 });
  // From the 64-step rollups: ~1/64 of the rows of the points themselves.
  const keys = await db.$queryRaw<{ key: string; n: bigint; last_step: bigint }[]>`
    SELECT key, sum(count) AS n, max("lastStep") AS last_step FROM "MetricRollup" WHERE "runId" = ${runId} GROUP BY key ORDER BY key`;
  const rolloutCount = await db.rollout.count({ where: { runId } });
  const [withAttention] = attentionForRuns([run], isTerminal(run.status) ? null : await loadRunnerState());
  return {
    ...run,
    // Steps are BIGINT in the database and numbers everywhere else (exact below 2^53; ingest refuses more).
    lastStep: Number(run.lastStep),
    maxSteps: Number(run.maxSteps),
    checkpoints: run.checkpoints.map((c) => ({ ...c, step: Number(c.step) })),
    /** Why the run is not moving (no runner for its queue, runner lost), or null. */
    attention: withAttention!.attention,
    transitions: run.transitions.map((t) => ({ ...t, id: t.id.toString() })),
    logTail: logs.reverse().map((l) => ({ seq: l.seq, line: l.line, at: l.at })),
    metricKeys: keys.map((k) => ({ key: k.key, points: Number(k.n), lastStep: Number(k.last_step) })),
    rolloutCount,
  };
}

export interface ListRunsInput {
  limit: number;
  cursor?: string | null;
  status?: RunStatus;
  kind?: RunKind;
  experimentId?: string;
  search?: string;
  createdById?: string;
}

/** Newest first, keyset-paginated on (createdAt, id). */
export async function listRuns(db: Db, input: ListRunsInput) {
  let cursorRow: { createdAt: Date; id: string } | null = null;
  if (input.cursor) {
    cursorRow = await db.run.findUnique({ where: { id: input.cursor }, select: { createdAt: true, id: true } });
  }
  const where: Prisma.RunWhereInput = {
    ...(input.status ? { status: input.status } : {}),
    ...(input.kind ? { kind: input.kind } : {}),
    ...(input.experimentId ? { experimentId: input.experimentId } : {}),
    ...(input.search ? { name: { contains: input.search, mode: 'insensitive' } } : {}),
    ...(input.createdById ? { createdById: input.createdById } : {}),
    ...(cursorRow
      ? { OR: [{ createdAt: { lt: cursorRow.createdAt } }, { createdAt: cursorRow.createdAt, id: { lt: cursorRow.id } }] }
      : {}),
  };
  const rows = await db.run.findMany({
    where,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: input.limit + 1,
    select: {
      id: true,
      name: true,
      kind: true,
      backend: true,
      status: true,
      createdAt: true,
      startedAt: true,
      finishedAt: true,
      lastStep: true,
      maxSteps: true,
      runnerId: true,
      failureReason: true,
      trainedOnBenchmarks: true,
      config: true,
      experiment: { select: { id: true, name: true } },
      createdBy: { select: { id: true, name: true, username: true, displayUsername: true } },
    },
  });
  const hasMore = rows.length > input.limit;
  const page = hasMore ? rows.slice(0, input.limit) : rows;
  const state = page.some((r) => !isTerminal(r.status)) ? await loadRunnerState() : null;
  // The config is read for the GPUs a queued swift run needs; the list does not ship it.
  // backendLabel: the run described by its kind (an evaluation on the local queue is not the CPU simulation).
  const items = attentionForRuns(page, state).map(({ config, ...rest }) => ({
    ...rest,
    backendLabel: describeRunKind({ id: rest.id, kind: rest.kind, backend: rest.backend, config }).backendShort,
    lastStep: Number(rest.lastStep),
    maxSteps: Number(rest.maxSteps),
  }));
  return { items, nextCursor: hasMore ? items[items.length - 1]!.id : null };
}
