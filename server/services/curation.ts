/**
 * Curate runs (paper Appendix C) on the server: launch, the runner's reports (per-clip rows, stage
 * progress, per-file measurements, the output dataset) and the page's view (funnel, histograms,
 * action inventory, top actions). The runner decides; the server stores and summarises with the
 * same pure maths (core/curation/stats.ts).
 */
import { curateConfigSchema, type CurateConfig } from '../../core/curation/config';
import { CURATION_STAGES, curationFunnel, histogram, inventoryGrowthSeries, selectByDynamicity, STAGE_LABELS } from '../../core/curation/stats';
import type { CuratedDatasetInput, CurationReportInput, VideoMeasurementWire } from '../../core/curation/wire';
import { curatedDatasetSchema, curationReportSchema } from '../../core/curation/wire';
import { topCounts } from '../../core/curation/actions';
import { HEURISTIC_THINK_SOURCE } from '../../core/heuristic-think';
import type { Db } from '../db';
import { Prisma } from '../generated/prisma/client';
import { enqueueRun } from '../queue';
import { ConflictError, NotFoundError, UnavailableError, ValidationError } from './errors';
import { transitionRun } from './runs';

export interface LaunchCurateInput {
  name: string;
  config: unknown;
  experiment?: string;
  /** Who launched it (null: open mode or a runner token). */
  createdById?: string | null;
}

/** Validate a curate config; the error names each field ("config.duration.minSec: …"). */
export function validateCurateConfig(config: unknown): CurateConfig {
  const r = curateConfigSchema.safeParse(config ?? {});
  if (!r.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of r.error.issues) fieldErrors[`config.${issue.path.length ? issue.path.join('.') : '(config)'}`] ??= issue.message;
    throw new ValidationError(`invalid curate config — ${Object.entries(fieldErrors).map(([k, v]) => `${k}: ${v}`).join('; ')}`, fieldErrors);
  }
  return r.data;
}

/**
 * Launch a curate run: validated, stored queued (backend "local": curation needs no GPU), enqueued.
 * The output dataset name (default: the run's name) must be free; a dataset source must exist.
 */
export async function launchCurateRun(db: Db, input: LaunchCurateInput): Promise<{ id: string }> {
  const name = input.name.trim();
  if (!name) throw new ValidationError('name: must not be empty', { name: 'must not be empty' });
  const config = validateCurateConfig(input.config);
  const datasetName = config.output.datasetName ?? name;
  if (await db.dataset.findUnique({ where: { name: datasetName }, select: { id: true } })) {
    throw new ValidationError(`config.output.datasetName: a dataset called "${datasetName}" already exists`, { 'config.output.datasetName': `a dataset called "${datasetName}" already exists` });
  }
  if (config.source.kind === 'dataset') {
    const src = config.source.dataset;
    const found = (await db.dataset.findUnique({ where: { name: src }, select: { id: true } })) ?? (await db.dataset.findUnique({ where: { id: src }, select: { id: true } }));
    if (!found) throw new ValidationError(`config.source.dataset: dataset "${src}" does not exist`, { 'config.source.dataset': 'does not exist' });
  }
  const experimentId = input.experiment ? (await db.experiment.upsert({ where: { name: input.experiment }, update: {}, create: { name: input.experiment } })).id : null;
  const run = await db.run.create({
    data: {
      name,
      kind: 'curate',
      backend: 'local',
      config: { ...config, output: { ...config.output, datasetName } } as unknown as Prisma.InputJsonValue,
      experimentId,
      maxSteps: CURATION_STAGES.length,
      createdById: input.createdById ?? null,
      status: 'queued',
      transitions: { create: { fromStatus: null, toStatus: 'queued', reason: 'launched' } },
    },
    select: { id: true },
  });
  try {
    await enqueueRun(run.id, 'curate', 'local');
  } catch (e) {
    const reason = `could not enqueue the job (Redis unavailable?): ${e instanceof Error ? e.message : String(e)}`;
    await transitionRun(db, run.id, 'failed', reason);
    throw new UnavailableError(reason);
  }
  return run;
}

async function requireCurateRun(db: Db, runId: string) {
  const run = await db.run.findUnique({ where: { id: runId }, select: { id: true, kind: true, name: true, status: true, config: true } });
  if (!run) throw new NotFoundError(`run ${runId} does not exist`);
  if (run.kind !== 'curate') throw new ValidationError(`run ${runId} is a ${run.kind} run, not a curate run`);
  return run;
}

// ---------------------------------------------------------------------------------------------
// Runner reports (ingest API)

/** Per-clip rows (replaced by ordinal) and stage progress of a curate run. Idempotent. */
export async function applyCurationReport(db: Db, runId: string, input: CurationReportInput) {
  const report = curationReportSchema.parse(input);
  await requireCurateRun(db, runId);
  await db.$transaction(async (tx) => {
    if (report.reset) {
      await tx.curationClip.deleteMany({ where: { runId } });
      await tx.curationStage.deleteMany({ where: { runId } });
    }
    if (report.clips.length) {
      const byOrdinal = new Map(report.clips.map((c) => [c.ordinal, c]));
      const rows = [...byOrdinal.values()];
      await tx.curationClip.deleteMany({ where: { runId, ordinal: { in: rows.map((c) => c.ordinal) } } });
      await tx.curationClip.createMany({
        data: rows.map((c) => ({
          runId,
          ordinal: c.ordinal,
          externalId: c.externalId,
          videoPath: c.videoPath ?? null,
          caption: c.caption ?? null,
          fileKey: c.fileKey ?? null,
          sizeBytes: c.sizeBytes == null ? null : BigInt(c.sizeBytes),
          durationSec: c.durationSec ?? null,
          dynamicity: c.dynamicity ?? null,
          stage: c.stage,
          outcome: c.outcome,
          reason: c.reason ?? null,
          think: c.think ? (c.think as unknown as Prisma.InputJsonValue) : Prisma.DbNull,
          thinkSource: c.thinkSource ?? null,
          actionTypes: c.actionTypes ?? [],
          newActions: c.newActions ?? [],
          filterRank: c.filterRank ?? null,
          reusedMeasurement: c.reusedMeasurement ?? false,
        })),
      });
    }
    for (const s of report.stages) {
      const data = { position: CURATION_STAGES.indexOf(s.stage), total: s.total, done: s.done, passed: s.passed, failed: s.failed, note: s.note };
      await tx.curationStage.upsert({ where: { runId_stage: { runId, stage: s.stage } }, update: data, create: { runId, stage: s.stage, ...data } });
    }
  });
  return { clips: report.clips.length, stages: report.stages.length };
}

function toWire(m: {
  fileKey: string;
  path: string;
  sizeBytes: bigint;
  mtimeMs: number;
  durationSec: number | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  frameCount: number | null;
  codec: string | null;
  probeError: string | null;
  dynamicity: number | null;
  flowDetail: Prisma.JsonValue;
  dynamicityMethod: string | null;
  flowError: string | null;
}): VideoMeasurementWire {
  return { ...m, sizeBytes: Number(m.sizeBytes), flowDetail: (m.flowDetail as Record<string, unknown> | null) ?? null };
}

export async function lookupMeasurements(db: Db, fileKeys: string[]): Promise<{ measurements: VideoMeasurementWire[] }> {
  const rows = await db.videoMeasurement.findMany({ where: { fileKey: { in: fileKeys } } });
  return { measurements: rows.map(toWire) };
}

/** Store per-file measurements (last write wins per file key). */
export async function putMeasurements(db: Db, measurements: VideoMeasurementWire[]): Promise<{ stored: number }> {
  const now = new Date();
  for (const m of measurements) {
    const probed = m.durationSec != null || m.probeError != null;
    const flowed = m.dynamicity != null || m.flowError != null;
    const data = {
      path: m.path,
      sizeBytes: BigInt(m.sizeBytes),
      mtimeMs: m.mtimeMs,
      durationSec: m.durationSec ?? null,
      width: m.width ?? null,
      height: m.height ?? null,
      fps: m.fps ?? null,
      frameCount: m.frameCount ?? null,
      codec: m.codec ?? null,
      probeError: m.probeError ?? null,
      probedAt: probed ? now : null,
      dynamicity: m.dynamicity ?? null,
      flowDetail: m.flowDetail ? (m.flowDetail as Prisma.InputJsonValue) : Prisma.DbNull,
      dynamicityMethod: m.dynamicityMethod ?? null,
      flowError: m.flowError ?? null,
      flowMeasuredAt: flowed ? now : null,
    };
    await db.videoMeasurement.upsert({ where: { fileKey: m.fileKey }, update: data, create: { fileKey: m.fileKey, ...data } });
  }
  return { stored: measurements.length };
}

/**
 * The curate run's output dataset: created (kind "train", linked to the run) on the first call,
 * clips added on later calls. A name held by another dataset is a ConflictError.
 */
export async function putCuratedDataset(db: Db, runId: string, input: CuratedDatasetInput) {
  const body = curatedDatasetSchema.parse(input);
  await requireCurateRun(db, runId);
  let dataset = await db.dataset.findUnique({ where: { name: body.name } });
  if (dataset && dataset.sourceRunId !== runId) throw new ConflictError(`dataset "${body.name}" already exists and was not made by run ${runId}`);
  dataset ??= await db.dataset.create({
    data: {
      name: body.name,
      kind: 'train',
      benchmarks: [],
      description: body.description,
      source: body.source,
      sourceRunId: runId,
      importReport: (body.report ?? undefined) as Prisma.InputJsonValue | undefined,
    },
  });
  if (body.clips.length) {
    await db.clip.createMany({
      skipDuplicates: true,
      data: body.clips.map((c) => ({
        id: `${body.name}/${c.externalId}`,
        datasetId: dataset.id,
        externalId: c.externalId,
        referenceCaption: c.caption,
        think: c.think ? (c.think as unknown as Prisma.InputJsonValue) : Prisma.DbNull,
        thinkSource: c.thinkSource,
        videoPath: c.videoPath,
        durationSec: c.durationSec,
        benchmarks: [],
        metadata: (c.metadata ?? undefined) as Prisma.InputJsonValue | undefined,
      })),
    });
  }
  return { id: dataset.id, name: dataset.name, clips: await db.clip.count({ where: { datasetId: dataset.id } }) };
}

// ---------------------------------------------------------------------------------------------
// The page

/**
 * Everything the curate page draws: stage progress, the funnel, dynamicity and duration histograms
 * with their thresholds, the action inventory's growth along the filter's walk, the top actions of
 * the kept clips, how thinks were made, and the output dataset.
 */
export async function getCurationView(db: Db, runId: string) {
  const run = await requireCurateRun(db, runId);
  const parsed = curateConfigSchema.safeParse(run.config);
  const config = parsed.success ? parsed.data : null;
  const [stages, grouped, values, walk, kept, thinkSources, reused, dataset] = await Promise.all([
    db.curationStage.findMany({ where: { runId }, orderBy: { position: 'asc' } }),
    db.curationClip.groupBy({ by: ['stage', 'outcome'], where: { runId }, _count: { _all: true } }),
    db.curationClip.findMany({ where: { runId }, select: { dynamicity: true, durationSec: true } }),
    db.curationClip.findMany({ where: { runId, filterRank: { not: null } }, orderBy: { filterRank: 'asc' }, select: { newActions: true } }),
    db.curationClip.findMany({ where: { runId, outcome: 'kept' }, select: { actionTypes: true } }),
    db.curationClip.groupBy({ by: ['thinkSource'], where: { runId, thinkSource: { not: null } }, _count: { _all: true } }),
    db.curationClip.count({ where: { runId, reusedMeasurement: true } }),
    db.dataset.findFirst({ where: { sourceRunId: runId }, select: { id: true, name: true, _count: { select: { clips: true } } } }),
  ]);
  const funnel = curationFunnel(grouped.map((g) => ({ stage: g.stage, outcome: g.outcome, count: g._count._all })));
  const dyn = values.map((v) => v.dynamicity).filter((v): v is number => v !== null);
  const dur = values.map((v) => v.durationSec).filter((v): v is number => v !== null);
  const threshold = config?.dynamicity.rule === 'threshold' ? config.dynamicity.threshold : null;
  const dynHist = histogram(dyn, { bins: 24, min: 0, max: Math.max(threshold ?? 0, ...dyn, 1) * 1.05 });
  const durHist = histogram(dur, { bins: 24, min: 0, max: Math.max(config?.duration.maxSec ?? 0, ...dur, 1) * 1.05 });
  const counts = new Map<string, number>();
  for (const k of kept) for (const t of k.actionTypes) counts.set(t, (counts.get(t) ?? 0) + 1);
  // The runner's selection, recomputed from the same scores with the same rule.
  const cutoff = config && dyn.length ? selectByDynamicity(dyn, config.dynamicity.rule === 'threshold' ? { rule: 'threshold', threshold: config.dynamicity.threshold } : { rule: 'top-share', topShare: config.dynamicity.topShare }).cutoff : null;
  return {
    runId,
    config,
    stages: CURATION_STAGES.map((stage) => {
      const s = stages.find((x) => x.stage === stage);
      return { stage, label: STAGE_LABELS[stage], total: s?.total ?? 0, done: s?.done ?? 0, passed: s?.passed ?? 0, failed: s?.failed ?? 0, note: s?.note ?? '' };
    }),
    funnel: funnel.map((f) => ({ ...f, label: STAGE_LABELS[f.stage] })),
    clipCount: values.length,
    reusedMeasurements: reused,
    dynamicity: {
      histogram: dynHist,
      rule: config?.dynamicity.rule ?? 'threshold',
      threshold,
      cutoff,
      unit: '% of frame width per second',
      measured: dyn.length,
    },
    duration: { histogram: durHist, minSec: config?.duration.minSec ?? null, maxSec: config?.duration.maxSec ?? null, measured: dur.length },
    inventory: inventoryGrowthSeries(walk.map((w) => w.newActions.length)),
    inventorySize: walk.reduce((s, w) => s + w.newActions.length, 0),
    topActions: topCounts(counts, 20),
    thinkSources: thinkSources.map((t) => ({ source: t.thinkSource!, clips: t._count._all, heuristic: t.thinkSource === HEURISTIC_THINK_SOURCE })),
    dataset: dataset ? { id: dataset.id, name: dataset.name, clips: dataset._count.clips } : null,
  };
}

export interface ListCurationClipsInput {
  runId: string;
  outcome?: 'pending' | 'kept' | 'rejected' | 'error';
  stage?: (typeof CURATION_STAGES)[number];
  cursor?: number | null;
  limit: number;
}

/** A page of a curate run's clips, in input order, optionally by outcome / stage. */
export async function listCurationClips(db: Db, input: ListCurationClipsInput) {
  await requireCurateRun(db, input.runId);
  const rows = await db.curationClip.findMany({
    where: {
      runId: input.runId,
      ...(input.outcome ? { outcome: input.outcome } : {}),
      ...(input.stage ? { stage: input.stage } : {}),
      ...(input.cursor != null ? { ordinal: { gt: input.cursor } } : {}),
    },
    orderBy: { ordinal: 'asc' },
    take: input.limit + 1,
  });
  const more = rows.length > input.limit;
  const items = (more ? rows.slice(0, input.limit) : rows).map((r) => ({ ...r, sizeBytes: r.sizeBytes === null ? null : Number(r.sizeBytes) }));
  return { items, nextCursor: more ? items[items.length - 1].ordinal : null };
}

/** The video path of a curate run's clip (for its frame strip). */
export async function curationClipVideo(db: Db, runId: string, ordinal: number): Promise<string> {
  const c = await db.curationClip.findUnique({ where: { runId_ordinal: { runId, ordinal } }, select: { videoPath: true } });
  if (!c) throw new NotFoundError(`run ${runId} has no clip ${ordinal}`);
  if (!c.videoPath) throw new NotFoundError(`clip ${ordinal} of run ${runId} has no video file`);
  return c.videoPath;
}
