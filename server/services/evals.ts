/**
 * Evaluations on the server: launching eval runs, storing what their runners report (per-clip samples,
 * result rows, progress), the shared judge cache, uploaded predictions files, and the reads of the
 * evaluation pages. Shared by tRPC (server/api/routers/eval.ts) and the ingest API.
 */
import { sourceForUploadedPredictions } from './caption-sources';
import { evalConfigSchema, type EvalConfig } from '../../core/eval/config';
import { parsePredictions, PredictionsFileError, resolveCarebenchId, resolveDream1kId, resolveVdcId, withoutReferenceSources, type PredictionsReport } from '../../core/eval/predictions';
import type { BenchmarkId, EvalProgress, EvalResultRecord, EvalSampleRecord } from '../../core/eval/types';
import type { JudgeCacheEntry } from '../../gpu-runner/providers/judge-client';
import { formatZodIssues } from '../../core/run-config';
import type { Db } from '../db';
import { Prisma } from '../generated/prisma/client';
import { enqueueRun } from '../queue';
import { NotFoundError, UnavailableError, ValidationError } from './errors';
import { transitionRun } from './runs';

// ---------------------------------------------------------------------------------------------
// Launch

export interface LaunchEvalInput {
  name: string;
  config: unknown;
  experiment?: string;
  /** Who launched it (null: open mode or a runner token). */
  createdById?: string | null;
}

/** Validates an eval config; the error names each field and reason ("config.judge.baseUrl: …"). */
export function validateEvalConfig(config: unknown): EvalConfig {
  const r = evalConfigSchema.safeParse(config ?? {});
  if (!r.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of r.error.issues) fieldErrors[`config.${issue.path.length ? issue.path.join('.') : '(config)'}`] ??= issue.message;
    throw new ValidationError(`invalid eval config — ${formatZodIssues(r.error).map((m) => `config.${m}`).join('; ')}`, fieldErrors);
  }
  return r.data;
}

/**
 * Stores a queued eval run and enqueues it: on the evaluated run's backend for a checkpoint (its backend
 * generates the captions), on "local" for an imported predictions file (no GPU needed).
 */
export async function launchEvalRun(db: Db, input: LaunchEvalInput): Promise<{ id: string }> {
  const name = input.name.trim();
  if (!name) throw new ValidationError('name: must not be empty', { name: 'must not be empty' });
  const config = validateEvalConfig(input.config);
  let backend: 'local' | 'swift' = 'local';
  let checkpointRunId: string | null = null;
  if (config.source.kind === 'checkpoint') {
    const ck = await db.checkpoint.findUnique({ where: { id: config.source.checkpointId }, select: { id: true, runId: true, run: { select: { backend: true } } } });
    if (!ck) throw new ValidationError(`config.source.checkpointId: checkpoint ${config.source.checkpointId} does not exist`, { 'config.source.checkpointId': 'does not exist' });
    if (ck.runId !== config.source.runId) throw new ValidationError(`config.source.runId: checkpoint ${ck.id} belongs to run ${ck.runId}`, { 'config.source.runId': `the checkpoint belongs to run ${ck.runId}` });
    if (ck.run.backend !== 'local' && ck.run.backend !== 'swift') {
      throw new ValidationError(`config.source: checkpoints of "${ck.run.backend}" runs cannot generate captions here (import their predictions instead)`, { 'config.source.checkpointId': 'not a local or swift run' });
    }
    backend = ck.run.backend;
    checkpointRunId = ck.runId;
  } else {
    const src = await db.captionSource.findUnique({ where: { id: config.source.captionSourceId }, select: { id: true } });
    if (!src) throw new ValidationError(`config.source.captionSourceId: caption source ${config.source.captionSourceId} does not exist (upload the predictions first)`, { 'config.source.captionSourceId': 'does not exist' });
  }
  const experiment = input.experiment ? await db.experiment.upsert({ where: { name: input.experiment }, update: {}, create: { name: input.experiment } }) : null;
  const run = await db.run.create({
    data: {
      name,
      kind: 'eval',
      backend,
      config: config as unknown as Prisma.InputJsonValue,
      experimentId: experiment?.id ?? null,
      parentRunId: checkpointRunId,
      createdById: input.createdById ?? null,
      status: 'queued',
      transitions: { create: { fromStatus: null, toStatus: 'queued', reason: 'launched' } },
    },
    select: { id: true },
  });
  try {
    await enqueueRun(run.id, 'eval', backend);
  } catch (e) {
    const reason = `could not enqueue the job (Redis unavailable?): ${e instanceof Error ? e.message : String(e)}`;
    await transitionRun(db, run.id, 'failed', reason);
    throw new UnavailableError(reason);
  }
  return run;
}

// ---------------------------------------------------------------------------------------------
// Predictions files

const RESOLVERS: Record<BenchmarkId, (raw: string) => string | null> = { 'dream-1k': resolveDream1kId, vdc: resolveVdcId, carebench: resolveCarebenchId };

export interface UploadPredictionsInput {
  benchmark: BenchmarkId;
  fileName: string;
  text: string;
  /** Keep only this model of a multi-model file. */
  model?: string | null;
}

/**
 * Parses an uploaded predictions file against the benchmark's clips in the database and stores one
 * CaptionSource per model (captions of unknown clips are not stored; they are reported). A multi-model
 * file's reference entry ("Human") is not a model: it is not stored or offered for evaluation, and is
 * listed in `skippedModels` (the same rule as caption imports: core/eval/predictions.ts
 * isBenchmarkReference). A model whose captions equal an existing source's reuses it
 * (sourceForUploadedPredictions). `report.sources` pairs with the models kept. Errors: ValidationError
 * naming the file when it holds no usable caption, or only the reference.
 */
export async function uploadPredictions(db: Db, input: UploadPredictionsInput) {
  const clips = await db.clip.findMany({ where: { benchmarks: { has: input.benchmark } }, select: { id: true }, orderBy: { id: 'asc' } });
  if (clips.length === 0) throw new ValidationError(`benchmark ${input.benchmark}: no clips in the database (run the seed)`, { benchmark: 'no clips' });
  let parsed: ReturnType<typeof parsePredictions>;
  try {
    parsed = parsePredictions(input.text, { resolveId: RESOLVERS[input.benchmark], clipIds: clips.map((c) => c.id), model: input.model ?? null });
  } catch (e) {
    if (e instanceof PredictionsFileError) throw new ValidationError(`${input.fileName}: ${e.message}`, { file: e.message });
    throw e;
  }
  const kept = withoutReferenceSources(parsed, input.model ?? null);
  if (kept.sources.length === 0) {
    const msg = `${input.fileName}: only the benchmark's reference (${kept.skippedModels.join(', ')}) is in the file, no model's captions`;
    throw new ValidationError(msg, { file: msg });
  }
  if (kept.reports.every((r) => r.evaluated === 0)) {
    const unknown = kept.reports.flatMap((r) => r.unknownIds.ids).slice(0, 3);
    const example = clips.slice(0, 2).map((c) => c.id.replace(/^[^/]*\//, ''));
    const msg = `${input.fileName}: no caption matches a ${input.benchmark} clip${unknown.length ? ` (unknown ids: ${unknown.join(', ')})` : ''}${example.length ? `; ids look like ${example.join(', ')}` : ''}`;
    throw new ValidationError(msg, { file: msg });
  }
  const stamp = new Date().toISOString();
  const sources = [];
  for (const source of kept.sources) {
    sources.push(await sourceForUploadedPredictions(db, { model: source.model, benchmark: input.benchmark, fileName: input.fileName, captions: source.captions, stamp }));
  }
  return { sources, skippedModels: kept.skippedModels, report: { ...parsed.report, sources: kept.reports } as PredictionsReport };
}

// ---------------------------------------------------------------------------------------------
// What runners need and report

/** Inputs of an eval job: its config and either the imported captions or the checkpoint to caption with. */
export async function evalInputsForRunner(db: Db, runId: string) {
  const run = await db.run.findUnique({ where: { id: runId }, select: { id: true, kind: true, config: true } });
  if (!run) throw new NotFoundError(`run ${runId} does not exist`);
  if (run.kind !== 'eval') throw new ValidationError(`run ${runId} is a ${run.kind} run, not an evaluation`);
  const config = validateEvalConfig(run.config);
  if (config.source.kind === 'imported') {
    const captions = await db.caption.findMany({ where: { sourceId: config.source.captionSourceId }, select: { clipId: true, text: true } });
    return { config, captions, checkpoint: null, evaluatedRun: null };
  }
  const checkpoint = await db.checkpoint.findUnique({ where: { id: config.source.checkpointId }, select: { id: true, step: true, path: true, metadata: true } });
  if (!checkpoint) throw new NotFoundError(`checkpoint ${config.source.checkpointId} does not exist`);
  const evaluatedRun = await db.run.findUnique({ where: { id: config.source.runId }, select: { id: true, name: true, kind: true, backend: true, config: true } });
  // Steps are BIGINT in the database and JSON numbers on the wire (exact below 2^53).
  return { config, captions: null, checkpoint: { ...checkpoint, step: Number(checkpoint.step) }, evaluatedRun };
}

/** The samples an eval run has stored (compact: ids, failed + failureReason, scores), so a resuming runner skips them and can aggregate. */
export async function evalSamplesForRunner(db: Db, runId: string) {
  const rows = await db.evalSample.findMany({
    where: { runId },
    select: { benchmark: true, subset: true, clipId: true, failed: true, failureReason: true, scores: true },
    orderBy: { id: 'asc' },
  });
  return { samples: rows.map((r) => ({ ...r, scores: (r.scores ?? {}) as Record<string, number> })) };
}

const BENCHMARK_DATASETS: Record<BenchmarkId, { name: string; description: string }> = {
  'dream-1k': { name: 'dream-1k', description: 'DREAM-1K' },
  vdc: { name: 'vdc', description: 'VDC (VDCSCORE question sets)' },
  carebench: { name: 'carebench', description: 'CAREBENCH clips met in evaluations (annotations passed with --annotations)' },
};

/** Creates Clip rows for samples of clips the database does not have yet (e.g. real CAREBENCH annotations passed to the CLI). */
async function ensureClips(db: Db, samples: readonly EvalSampleRecord[]): Promise<void> {
  const ids = [...new Set(samples.map((s) => s.clipId))];
  const have = new Set((await db.clip.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((c) => c.id));
  const firstOf = new Map<string, EvalSampleRecord>();
  for (const s of samples) if (!have.has(s.clipId) && !firstOf.has(s.clipId)) firstOf.set(s.clipId, s);
  const missing = [...firstOf.values()];
  for (const benchmark of new Set(missing.map((s) => s.benchmark))) {
    const ds = BENCHMARK_DATASETS[benchmark];
    const dataset = await db.dataset.upsert({ where: { name: ds.name }, update: {}, create: { name: ds.name, kind: 'benchmark', benchmarks: [benchmark], description: ds.description } });
    await db.clip.createMany({
      skipDuplicates: true,
      data: missing
        .filter((s) => s.benchmark === benchmark)
        .map((s) => ({ id: s.clipId, datasetId: dataset.id, externalId: s.clipId.slice(s.clipId.indexOf('/') + 1), referenceCaption: s.reference, benchmarks: [benchmark] })),
    });
  }
}

/** Applies the evaluation parts of an ingest batch. Idempotent: samples upsert on (run, benchmark, subset, clip). */
export async function applyEvalIngest(
  db: Db,
  runId: string,
  batch: { evalSamples: EvalSampleRecord[]; evalResults: EvalResultRecord[]; evalProgress?: EvalProgress },
): Promise<{ evalSamples: number; evalResults: number }> {
  if (batch.evalSamples.length > 0) {
    await ensureClips(db, batch.evalSamples);
    const checkpointId = await evaluatedCheckpointId(db, runId);
    await db.$transaction(
      batch.evalSamples.map((s) => {
        const data = {
          prediction: s.prediction,
          reference: s.reference,
          scores: s.scores as Prisma.InputJsonValue,
          details: s.details as Prisma.InputJsonValue,
          judgeModel: s.judgeModel,
          failed: s.failed,
          failureReason: s.failureReason,
          flags: s.flags,
        };
        return db.evalSample.upsert({
          where: { runId_benchmark_subset_clipId: { runId, benchmark: s.benchmark, subset: s.subset, clipId: s.clipId } },
          update: data,
          create: { runId, checkpointId, benchmark: s.benchmark, subset: s.subset, clipId: s.clipId, ...data },
        });
      }),
    );
  }
  if (batch.evalResults.length > 0) {
    const benchmarks = [...new Set(batch.evalResults.map((r) => r.benchmark))];
    const subsetsOf = (b: string) => [...new Set(batch.evalResults.filter((r) => r.benchmark === b).map((r) => (b === 'vdc' ? r.subset : '*')))];
    await db.$transaction([
      ...benchmarks.map((b) =>
        db.evalResult.deleteMany({ where: { runId, benchmark: b, ...(b === 'vdc' ? { subset: { in: subsetsOf(b) } } : {}) } }),
      ),
      db.evalResult.createMany({
        data: batch.evalResults.map((r) => ({
          runId,
          checkpointId: r.checkpointId,
          modelName: r.modelName,
          origin: r.origin,
          benchmark: r.benchmark,
          subset: r.subset,
          metric: r.metric,
          value: r.value,
          clips: r.clips,
          failedClips: r.failedClips,
          simulated: r.simulated,
          judgeModel: r.judge.model,
          judgeKind: r.judge.kind,
          judgeEndpoint: r.judge.endpoint,
          judgeTemperature: r.judge.temperature,
          promptVersion: r.judge.promptVersion,
          provenance: { captions: r.provenance, judge: r.judge } as Prisma.InputJsonValue,
        })),
      }),
    ]);
  }
  if (batch.evalProgress) {
    const p = batch.evalProgress;
    await db.evalProgress.upsert({ where: { runId }, update: p, create: { runId, ...p } });
  }
  return { evalSamples: batch.evalSamples.length, evalResults: batch.evalResults.length };
}

async function evaluatedCheckpointId(db: Db, runId: string): Promise<string | null> {
  const run = await db.run.findUnique({ where: { id: runId }, select: { config: true, kind: true } });
  const source = (run?.config as { source?: { kind?: string; checkpointId?: string } } | null)?.source;
  return run?.kind === 'eval' && source?.kind === 'checkpoint' && typeof source.checkpointId === 'string' ? source.checkpointId : null;
}

// ---------------------------------------------------------------------------------------------
// Judge cache

export async function judgeCacheLookup(db: Db, keys: readonly string[]): Promise<{ replies: Record<string, string> }> {
  if (keys.length === 0) return { replies: {} };
  const rows = await db.$queryRaw<{ key: string; reply: string }[]>`SELECT key, reply FROM "JudgeCache" WHERE key = ANY(${[...new Set(keys)]}::text[])`;
  return { replies: Object.fromEntries(rows.map((r) => [r.key, r.reply])) };
}

/**
 * Stores replies; a key already present keeps its first reply (the cache is write-once). One
 * INSERT … SELECT FROM unnest(…) per request (Prisma's createMany costs far more CPU for large rows).
 */
export async function judgeCachePut(db: Db, entries: readonly JudgeCacheEntry[]): Promise<{ stored: number }> {
  if (entries.length === 0) return { stored: 0 };
  const stored = await db.$executeRaw`
    INSERT INTO "JudgeCache" (key, model, settings, prompt, reply)
    SELECT k, m, s::jsonb, p, r
    FROM unnest(${entries.map((e) => e.key)}::text[], ${entries.map((e) => e.model)}::text[], ${entries.map((e) => JSON.stringify(e.settings))}::text[],
                ${entries.map((e) => e.prompt)}::text[], ${entries.map((e) => e.reply)}::text[]) AS t(k, m, s, p, r)
    ON CONFLICT (key) DO NOTHING`;
  return { stored };
}

// ---------------------------------------------------------------------------------------------
// Reads for the pages

export async function getEval(db: Db, runId: string) {
  const run = await db.run.findUnique({
    where: { id: runId },
    select: {
      id: true,
      name: true,
      kind: true,
      backend: true,
      status: true,
      config: true,
      failureReason: true,
      createdAt: true,
      finishedAt: true,
      parentRun: { select: { id: true, name: true } },
      evalProgress: true,
      transitions: { where: { toStatus: 'succeeded' }, orderBy: { id: 'desc' }, take: 1, select: { reason: true } },
    },
  });
  if (!run) throw new NotFoundError(`run ${runId} does not exist`);
  const { transitions, ...rest } = run;
  // A run that succeeded with failed clips says how many and why (core/eval/outcome.ts message).
  const finishedNote = run.status === 'succeeded' && transitions[0]?.reason.startsWith('finished;') ? transitions[0].reason.slice('finished; '.length) : null;
  const results = await db.evalResult.findMany({ where: { runId }, orderBy: [{ benchmark: 'asc' }, { subset: 'asc' }, { metric: 'asc' }] });
  const counts = await db.$queryRaw<{ benchmark: string; subset: string; total: bigint; failed: bigint; flagged: bigint }[]>`
    SELECT benchmark, subset, count(*) AS total, count(*) FILTER (WHERE failed) AS failed, count(*) FILTER (WHERE cardinality(flags) > 0) AS flagged
    FROM "EvalSample" WHERE "runId" = ${runId} GROUP BY benchmark, subset ORDER BY benchmark, subset`;
  return {
    ...rest,
    finishedNote,
    results,
    sampleCounts: counts.map((c) => ({ benchmark: c.benchmark, subset: c.subset, total: Number(c.total), failed: Number(c.failed), flagged: Number(c.flagged) })),
  };
}

export const EVAL_SAMPLE_SORTS = ['clip', 'recall', 'precision', 'f1', 'accuracy', 'score', 'action_f1', 'object_f1'] as const;
export type EvalSampleSort = (typeof EVAL_SAMPLE_SORTS)[number];

export interface ListEvalSamplesInput {
  runId: string;
  benchmark: BenchmarkId;
  /** A DREAM-1K subset or VDC QA set; "overall" or absent = all. */
  subset?: string | null;
  /** A DREAM-1K breakdown bucket, e.g. "n_events:<=3". */
  bucket?: string | null;
  failedOnly?: boolean;
  sort: EvalSampleSort;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

const BUCKET_SQL: Record<string, Record<string, string>> = {
  n_subjects: { '<=1': '<= 1', '==2': '= 2', '==3': '= 3', '>=4': '>= 4' },
  n_shots: { '<=1': '<= 1', '==2': '= 2', '==3': '= 3', '>=4': '>= 4' },
  n_events: { '<=3': '<= 3', 'in [4, 5]': 'BETWEEN 4 AND 5', 'in [6, 7]': 'BETWEEN 6 AND 7', '>=8': '>= 8' },
};

/** The clips behind a number, sortable by a score (failed clips sort last). Offset pagination: ≤ ~1,000 clips per view. */
export async function listEvalSamples(db: Db, input: ListEvalSamplesInput) {
  const conds: Prisma.Sql[] = [Prisma.sql`"runId" = ${input.runId}`, Prisma.sql`benchmark = ${input.benchmark}`];
  if (input.subset && input.subset !== 'overall') conds.push(Prisma.sql`subset = ${input.subset}`);
  if (input.failedOnly) conds.push(Prisma.sql`failed`);
  if (input.bucket) {
    const [kind, label] = [input.bucket.slice(0, input.bucket.indexOf(':')), input.bucket.slice(input.bucket.indexOf(':') + 1)];
    const cmp = BUCKET_SQL[kind]?.[label];
    if (!cmp) throw new ValidationError(`bucket: unknown "${input.bucket}"`, { bucket: 'unknown bucket' });
    conds.push(Prisma.sql`NOT failed AND (scores->>${kind})::float ${Prisma.raw(cmp)}`);
  }
  const where = Prisma.join(conds, ' AND ');
  const dir = Prisma.raw(input.order === 'asc' ? 'ASC' : 'DESC');
  const orderBy = input.sort === 'clip' ? Prisma.sql`"clipId" ${dir}` : Prisma.sql`(scores->>${input.sort})::float ${dir} NULLS LAST, id ASC`;
  const rows = await db.$queryRaw<{ id: bigint; clipId: string; subset: string; prediction: string; scores: Record<string, number>; failed: boolean; failureReason: string | null; flags: string[] }[]>`
    SELECT id, "clipId", subset, left(prediction, 300) AS prediction, scores, failed, "failureReason", flags
    FROM "EvalSample" WHERE ${where} ORDER BY ${orderBy} LIMIT ${input.limit} OFFSET ${input.offset}`;
  const [{ n }] = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "EvalSample" WHERE ${where}`;
  return { items: rows.map((r) => ({ ...r, id: r.id.toString() })), total: Number(n) };
}

export async function getEvalSample(db: Db, id: string) {
  const row = await db.evalSample.findUnique({ where: { id: BigInt(id) }, include: { clip: { select: { id: true, referenceCaption: true, events: true, metadata: true } } } });
  if (!row) throw new NotFoundError(`evaluation sample ${id} does not exist`);
  return { ...row, id: row.id.toString() };
}

/** Evaluation results of a run's checkpoints (shown on the evaluated run's page), and of the run itself when it is an eval run. */
export async function evalResultsForRun(db: Db, runId: string) {
  const rows = await db.evalResult.findMany({
    where: { OR: [{ checkpoint: { runId } }, { runId }], subset: { in: ['overall', 'detailed', 'main_object'] } },
    include: { run: { select: { id: true, name: true, status: true } }, checkpoint: { select: { id: true, step: true } } },
    orderBy: [{ createdAt: 'desc' }],
  });
  return rows.map((r) => ({ ...r, checkpoint: r.checkpoint ? { ...r.checkpoint, step: Number(r.checkpoint.step) } : null }));
}

/** What the launch page offers: runs with checkpoints (local / swift), newest first. */
export async function evalSourceOptions(db: Db) {
  const runs = await db.run.findMany({
    where: { kind: { in: ['grpo', 'sft'] }, backend: { in: ['local', 'swift'] }, checkpoints: { some: {} } },
    orderBy: { createdAt: 'desc' },
    take: 100,
    select: { id: true, name: true, kind: true, backend: true, status: true, checkpoints: { select: { id: true, step: true, path: true }, orderBy: { step: 'desc' } } },
  });
  return { runs: runs.map((r) => ({ ...r, checkpoints: r.checkpoints.map((c) => ({ ...c, step: Number(c.step) })) })) };
}
