/**
 * Caption sources of the comparison view (issue 13): imported files (one source per model), a
 * checkpoint's captions (from its evaluation samples) and a benchmark's reference captions.
 *
 * Re-importing keeps annotations honest: a caption whose text (sha256) is unchanged keeps its spans;
 * a caption whose text changed gets the new text and every span on it is flagged `needsReview` —
 * offsets are never shifted silently.
 */
import { createHash } from 'node:crypto';
import { parsePredictions, PredictionsFileError, resolveCarebenchId, resolveDream1kId, resolveVdcId, withoutReferenceSources, type PredictionsReport } from '../../core/eval/predictions';
import { BENCHMARKS, type BenchmarkId } from '../../core/eval/types';
import type { Db } from '../db';
import { NotFoundError, ValidationError } from './errors';

const RESOLVERS: Record<BenchmarkId, (raw: string) => string | null> = { 'dream-1k': resolveDream1kId, vdc: resolveVdcId, carebench: resolveCarebenchId };

/** sha256 (hex) of a caption text, stored as Caption.textHash. */
export function captionTextHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export interface CaptionUpsertCounts {
  created: number;
  unchanged: number;
  /** Captions whose text changed (their spans are flagged for review). */
  changed: number;
  /** Spans flagged needsReview by this import. */
  spansFlagged: number;
}

/**
 * Writes `captions` (clip id → text) into a source: new captions are created; an existing caption
 * with the same text hash is left alone (spans kept); one with another text is updated and its spans
 * flagged needsReview.
 */
export async function upsertCaptions(db: Db, sourceId: string, captions: ReadonlyMap<string, { text: string; think?: unknown }>): Promise<CaptionUpsertCounts> {
  const existing = await db.caption.findMany({ where: { sourceId }, select: { id: true, clipId: true, text: true, textHash: true } });
  const byClip = new Map(existing.map((c) => [c.clipId, c]));
  const counts: CaptionUpsertCounts = { created: 0, unchanged: 0, changed: 0, spansFlagged: 0 };
  const toCreate: { sourceId: string; clipId: string; text: string; textHash: string; think?: object }[] = [];
  for (const [clipId, { text, think }] of captions) {
    const hash = captionTextHash(text);
    const old = byClip.get(clipId);
    if (!old) {
      toCreate.push({ sourceId, clipId, text, textHash: hash, ...(think ? { think: think as object } : {}) });
      continue;
    }
    // Rows written before textHash existed have "" there: compare the text itself.
    if ((old.textHash || captionTextHash(old.text)) === hash) {
      counts.unchanged++;
      if (!old.textHash) await db.caption.update({ where: { id: old.id }, data: { textHash: hash } });
      continue;
    }
    const [, flagged] = await db.$transaction([
      db.caption.update({ where: { id: old.id }, data: { text, textHash: hash, ...(think ? { think: think as object } : {}) } }),
      db.spanAnnotation.updateMany({ where: { captionId: old.id, needsReview: false }, data: { needsReview: true } }),
    ]);
    counts.changed++;
    counts.spansFlagged += flagged.count;
  }
  for (let i = 0; i < toCreate.length; i += 2000) {
    const r = await db.caption.createMany({ data: toCreate.slice(i, i + 2000), skipDuplicates: true });
    counts.created += r.count;
  }
  return counts;
}

export interface ImportCaptionsInput {
  /** The file's content: JSONL `{id|vid|video_id, caption}`, the multi-model explorer format, or lmms-eval samples. */
  text: string;
  fileName: string;
  benchmark: BenchmarkId;
  /** The model's display name (required for single-model files; for a multi-model file: import only this model). */
  model?: string | null;
}

export interface ImportedSource extends CaptionUpsertCounts {
  id: string;
  name: string;
  model: string;
  /** True when this import created the source (false: a re-import into an existing one). */
  new: boolean;
}

/** The stable name of an imported source: one per (model, benchmark), so re-importing updates it. */
export function importedSourceName(model: string, benchmark: string): string {
  return `${model} · ${benchmark}`;
}

/**
 * Imports a captions file as caption sources, one per model (`<model> · <benchmark>`); importing the
 * same model again updates that source (see upsertCaptions). A multi-model file's "Human" entry is the
 * benchmark reference and is skipped (listed in `skippedModels`). Errors: ValidationError naming the
 * file when it holds no usable caption, when a single-model file comes without a model name, or when
 * `model` is not in a multi-model file. The report lists unknown / duplicate / missing / empty /
 * `<error>` captions per model (core/eval/predictions.ts).
 */
export async function importCaptions(db: Db, input: ImportCaptionsInput): Promise<{ sources: ImportedSource[]; skippedModels: string[]; report: PredictionsReport }> {
  const clips = await db.clip.findMany({ where: { benchmarks: { has: input.benchmark } }, select: { id: true } });
  if (clips.length === 0) throw new ValidationError(`benchmark ${input.benchmark}: no clips in the database (run the seed)`, { benchmark: 'no clips' });
  const model = input.model?.trim() || null;
  let parsed: ReturnType<typeof parsePredictions>;
  try {
    parsed = parsePredictions(input.text, { resolveId: RESOLVERS[input.benchmark], clipIds: clips.map((c) => c.id), model });
  } catch (e) {
    if (e instanceof PredictionsFileError) throw new ValidationError(`${input.fileName}: ${e.message}`, { file: e.message });
    throw e;
  }
  if (parsed.report.format !== 'multi-model' && !model) {
    throw new ValidationError(`${input.fileName}: a ${parsed.report.format} file holds one model's captions: give the model's name (e.g. "GPT-4o")`, { model: 'required for a single-model file' });
  }
  const sources: ImportedSource[] = [];
  // The benchmark's reference ("Human") is not a model: skipped (core/eval/predictions.ts isBenchmarkReference).
  const { sources: models, skippedModels } = withoutReferenceSources(parsed, model);
  for (const s of models) {
    const name = s.model ?? model!;
    const sourceName = importedSourceName(name, input.benchmark);
    const before = await db.captionSource.findUnique({ where: { name: sourceName }, select: { id: true } });
    const source = await db.captionSource.upsert({
      where: { name: sourceName },
      update: { fileName: input.fileName, model: name, benchmark: input.benchmark },
      create: { name: sourceName, kind: 'imported', model: name, benchmark: input.benchmark, fileName: input.fileName },
      select: { id: true, name: true },
    });
    const captions = new Map([...s.captions].map(([clipId, text]) => [clipId, { text }]));
    const counts = await upsertCaptions(db, source.id, captions);
    sources.push({ id: source.id, name: source.name, model: name, new: !before, ...counts });
  }
  return { sources, skippedModels, report: parsed.report };
}

/**
 * A caption source whose captions are exactly `captions` (same clips, same texts), or null. An
 * uploaded predictions file that repeats an imported model's captions reuses that source.
 */
export async function findIdenticalSource(db: Db, captions: ReadonlyMap<string, string>): Promise<{ id: string; name: string } | null> {
  const first = captions.entries().next();
  if (first.done) return null;
  const [clipId, text] = first.value;
  const candidates = await db.caption.findMany({ where: { clipId, text }, select: { sourceId: true } });
  for (const { sourceId } of candidates) {
    if ((await db.caption.count({ where: { sourceId } })) !== captions.size) continue;
    const rows = await db.caption.findMany({ where: { sourceId }, select: { clipId: true, text: true } });
    if (rows.every((r) => captions.get(r.clipId) === r.text)) return db.captionSource.findUniqueOrThrow({ where: { id: sourceId }, select: { id: true, name: true } });
  }
  return null;
}

export interface UploadedSourceInput {
  /** The model as the file names it (null: a single-model file, named after the file). */
  model: string | null;
  benchmark: BenchmarkId;
  fileName: string;
  /** Clip id → caption text. */
  captions: ReadonlyMap<string, string>;
  /** Suffix that keeps a new source's name unique (the upload's time). */
  stamp: string;
}

/**
 * The caption source of one model of an uploaded predictions file (evaluation launch; the caller has
 * left out the benchmark's reference with withoutReferenceSources): an existing source with exactly
 * these captions when there is one (`reused: true`, nothing written); else a new source
 * `<model> · <benchmark> · <file> · <stamp>`.
 */
export async function sourceForUploadedPredictions(db: Db, input: UploadedSourceInput): Promise<{ id: string; name: string; model: string; captions: number; reused: boolean }> {
  const label = input.model ?? input.fileName;
  const same = await findIdenticalSource(db, input.captions);
  if (same) return { ...same, model: label, captions: input.captions.size, reused: true };
  const created = await db.captionSource.create({
    data: { name: `${label} · ${input.benchmark} · ${input.fileName} · ${input.stamp}`, kind: 'imported', model: label, benchmark: input.benchmark, fileName: input.fileName },
    select: { id: true, name: true },
  });
  const rows = [...input.captions].map(([clipId, text]) => ({ sourceId: created.id, clipId, text, textHash: captionTextHash(text) }));
  for (let i = 0; i < rows.length; i += 2000) await db.caption.createMany({ data: rows.slice(i, i + 2000), skipDuplicates: true });
  return { ...created, model: label, captions: rows.length, reused: false };
}

/**
 * Registers a benchmark's reference captions (Clip.referenceCaption) as a source named
 * `Reference · <benchmark>` (kind "reference"), so they can be annotated and picked like a model.
 */
export async function registerReferenceSource(db: Db, benchmark: BenchmarkId) {
  const clips = await db.clip.findMany({ where: { benchmarks: { has: benchmark }, referenceCaption: { not: '' } }, select: { id: true, referenceCaption: true } });
  if (clips.length === 0) throw new ValidationError(`benchmark ${benchmark}: no clip has a reference caption`, { benchmark: 'no reference captions' });
  const name = `Reference · ${benchmark}`;
  const source = await db.captionSource.upsert({
    where: { name },
    update: {},
    create: { name, kind: 'reference', model: 'Reference', benchmark },
    select: { id: true, name: true },
  });
  const counts = await upsertCaptions(db, source.id, new Map(clips.map((c) => [c.id, { text: c.referenceCaption }])));
  return { id: source.id, name: source.name, ...counts };
}

/** Checkpoints whose evaluations stored captions (candidates for a checkpoint source). */
export async function checkpointsWithCaptions(db: Db) {
  const groups = await db.evalSample.groupBy({ by: ['checkpointId'], where: { checkpointId: { not: null } }, _count: { _all: true } });
  const ids = groups.map((g) => g.checkpointId!).filter(Boolean);
  const cks = await db.checkpoint.findMany({ where: { id: { in: ids } }, select: { id: true, step: true, run: { select: { id: true, name: true } } }, orderBy: { createdAt: 'desc' } });
  const count = new Map(groups.map((g) => [g.checkpointId, g._count._all]));
  return cks.map((c) => ({ id: c.id, step: Number(c.step), runId: c.run.id, runName: c.run.name, samples: count.get(c.id) ?? 0 }));
}

/**
 * Registers a checkpoint's captions — the predictions its evaluation runs stored (EvalSample.prediction,
 * the first one per clip) — as a source `<run name> @ step <step>` (kind "checkpoint"). Registering again
 * picks up new evaluations with the same re-import rules.
 */
export async function registerCheckpointSource(db: Db, checkpointId: string) {
  const ck = await db.checkpoint.findUnique({ where: { id: checkpointId }, select: { id: true, step: true, runId: true, run: { select: { name: true } } } });
  if (!ck) throw new NotFoundError(`checkpoint ${checkpointId} does not exist`);
  const samples = await db.evalSample.findMany({ where: { checkpointId }, select: { clipId: true, prediction: true, benchmark: true }, orderBy: { id: 'asc' } });
  if (samples.length === 0) throw new ValidationError(`checkpoint ${checkpointId} (${ck.run.name} @ step ${ck.step}) has no evaluated captions: evaluate it first`, { checkpointId: 'no evaluation samples' });
  const captions = new Map<string, { text: string }>();
  for (const s of samples) if (!captions.has(s.clipId)) captions.set(s.clipId, { text: s.prediction });
  const benchmarks = [...new Set(samples.map((s) => s.benchmark))];
  const name = `${ck.run.name} @ step ${ck.step}`;
  const model = name;
  const source = await db.captionSource.upsert({
    where: { name },
    update: {},
    create: { name, kind: 'checkpoint', runId: ck.runId, checkpointId: ck.id, model, benchmark: benchmarks.length === 1 ? benchmarks[0] : null },
    select: { id: true, name: true },
  });
  const counts = await upsertCaptions(db, source.id, captions);
  return { id: source.id, name: source.name, ...counts };
}

/** Every caption source with its caption count, newest first within kind. */
export async function listCaptionSources(db: Db, opts: { benchmark?: string } = {}) {
  const rows = await db.captionSource.findMany({
    where: opts.benchmark ? { OR: [{ benchmark: opts.benchmark }, { benchmark: null }] } : {},
    select: { id: true, name: true, kind: true, model: true, benchmark: true, fileName: true, runId: true, checkpointId: true, createdAt: true, _count: { select: { captions: true } } },
    orderBy: [{ kind: 'asc' }, { name: 'asc' }],
  });
  return rows.map(({ _count, ...r }) => ({ ...r, label: r.model ?? r.name, captions: _count.captions }));
}

export function isBenchmarkId(v: string): v is BenchmarkId {
  return (BENCHMARKS as readonly string[]).includes(v);
}
