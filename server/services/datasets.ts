/**
 * Datasets: the benchmark seeded from DREAM-1K and training datasets — imported from a folder of
 * videos plus a captions JSONL (Tarsier2-Recap layout), or produced by a curate run. Runners read a
 * dataset's clips (with their think annotations) to train on it.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { isVideoFile, pairCaptionsWithVideos, type VideoFileEntry } from '../../core/curation/captions';
import { videoFileKey, type VideoProbe } from '../../core/curation/ffprobe';
import type { ClipRecord, ThinkSubject } from '../../core/types';
import type { Db } from '../db';
import { Prisma } from '../generated/prisma/client';
import { NotFoundError, ValidationError } from './errors';
import { probeVideoFile } from './media';

export const PROVIDED_THINK_SOURCE = 'provided in the captions file';

/** Datasets with their clip counts, newest first. */
export async function listDatasets(db: Db, filter: { kind?: 'benchmark' | 'train' } = {}) {
  const rows = await db.dataset.findMany({
    where: filter.kind ? { kind: filter.kind } : {},
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: {
      id: true,
      name: true,
      kind: true,
      benchmarks: true,
      description: true,
      source: true,
      createdAt: true,
      sourceRun: { select: { id: true, name: true } },
      _count: { select: { clips: true } },
    },
  });
  return rows.map(({ _count, ...d }) => ({ ...d, clipCount: _count.clips }));
}

async function findDataset(db: Db, idOrName: string) {
  const d = (await db.dataset.findUnique({ where: { name: idOrName } })) ?? (await db.dataset.findUnique({ where: { id: idOrName } }));
  if (!d) throw new NotFoundError(`dataset "${idOrName}" does not exist`);
  return d;
}

/** One dataset (by id or name) with counts of clips with a video, a think, and each think source. */
export async function getDataset(db: Db, idOrName: string) {
  const d = await findDataset(db, idOrName);
  const [clipCount, withVideo, thinkSources, sourceRun] = await Promise.all([
    db.clip.count({ where: { datasetId: d.id } }),
    db.clip.count({ where: { datasetId: d.id, videoPath: { not: null } } }),
    db.clip.groupBy({ by: ['thinkSource'], where: { datasetId: d.id }, _count: { _all: true } }),
    d.sourceRunId ? db.run.findUnique({ where: { id: d.sourceRunId }, select: { id: true, name: true, status: true } }) : null,
  ]);
  return {
    ...d,
    clipCount,
    withVideo,
    thinkSources: thinkSources.map((t) => ({ source: t.thinkSource, clips: t._count._all })),
    sourceRun,
  };
}

/** A page of a dataset's clips (ordered by id). */
export async function listDatasetClips(db: Db, input: { datasetId: string; cursor?: string | null; limit: number; search?: string }) {
  const rows = await db.clip.findMany({
    where: {
      datasetId: input.datasetId,
      ...(input.search ? { OR: [{ referenceCaption: { contains: input.search, mode: 'insensitive' } }, { externalId: { contains: input.search, mode: 'insensitive' } }] } : {}),
      ...(input.cursor ? { id: { gt: input.cursor } } : {}),
    },
    orderBy: { id: 'asc' },
    take: input.limit + 1,
    select: { id: true, externalId: true, referenceCaption: true, think: true, thinkSource: true, videoPath: true, durationSec: true, metadata: true },
  });
  const more = rows.length > input.limit;
  const items = more ? rows.slice(0, input.limit) : rows;
  return { items, nextCursor: more ? items[items.length - 1].id : null };
}

export type RunnerClip = ClipRecord & { thinkSource: string | null };

/** The clips a runner trains on (or curates from), 5,000 per page, as ClipRecords with their think. */
export async function datasetClipsForRunner(db: Db, idOrName: string, cursor: string | null) {
  const d = await findDataset(db, idOrName);
  const limit = 5000;
  const rows = await db.clip.findMany({
    where: { datasetId: d.id, ...(cursor ? { id: { gt: cursor } } : {}) },
    orderBy: { id: 'asc' },
    take: limit + 1,
    select: { id: true, referenceCaption: true, events: true, think: true, thinkSource: true, videoPath: true, durationSec: true },
  });
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const clips: RunnerClip[] = page.map((c) => ({
    id: c.id,
    referenceCaption: c.referenceCaption,
    events: Array.isArray(c.events) ? (c.events as string[]) : [],
    think: (c.think as ThinkSubject[] | null) ?? null,
    thinkSource: c.thinkSource,
    videoPath: c.videoPath,
    durationSec: c.durationSec,
  }));
  return { dataset: { id: d.id, name: d.name, kind: d.kind, benchmarks: d.benchmarks }, clips, nextCursor: more ? page[page.length - 1].id : null };
}

// ---------------------------------------------------------------------------------------------
// Import

export interface ImportDatasetInput {
  name: string;
  /** Folder of videos on the server's machine. */
  videoDir: string;
  /** Captions JSONL on the server's machine: {"video", "caption", "think"?, "duration"?} per line. */
  captionsPath: string;
  description?: string;
  /** Probe each video's duration with ffprobe (default true; off: the line's "duration" or none). */
  probe?: boolean;
}

export interface ImportProblem {
  externalId: string;
  line: number | null;
  reason: string;
}

async function listVideoFiles(dir: string): Promise<VideoFileEntry[]> {
  const names = (await readdir(dir, { recursive: true })) as string[];
  const out: VideoFileEntry[] = [];
  for (const rel of names.filter(isVideoFile).sort()) {
    const abs = path.join(dir, rel);
    const s = await stat(abs).catch(() => null);
    if (s?.isFile()) out.push({ relPath: rel.split(path.sep).join('/'), absPath: abs, sizeBytes: s.size, mtimeMs: s.mtimeMs });
  }
  return out;
}

/** Stored probes by file key (shared with curate runs' measurements). */
async function storedProbes(db: Db, keys: string[]): Promise<Map<string, { probe: VideoProbe | null; error: string | null }>> {
  const out = new Map<string, { probe: VideoProbe | null; error: string | null }>();
  for (let i = 0; i < keys.length; i += 5000) {
    const rows = await db.videoMeasurement.findMany({ where: { fileKey: { in: keys.slice(i, i + 5000) } } });
    for (const m of rows) {
      if (m.probeError) out.set(m.fileKey, { probe: null, error: m.probeError });
      else if (m.durationSec != null && m.width && m.height && m.fps && m.frameCount) {
        out.set(m.fileKey, { probe: { durationSec: m.durationSec, width: m.width, height: m.height, fps: m.fps, frameCount: m.frameCount, codec: m.codec ?? 'unknown' }, error: null });
      }
    }
  }
  return out;
}

/**
 * Imports a training dataset (kind "train") from a videos folder and a captions JSONL on the server's
 * machine. Bad lines, captions without a video, videos without a caption, empty and unreadable files
 * are reported per clip (and kept in the dataset's importReport); the good clips are stored with
 * their video path, duration and caption. Throws ValidationError naming the field for an unusable
 * input (missing folder or file, name taken, nothing importable).
 */
export async function importTrainingDataset(db: Db, input: ImportDatasetInput) {
  const name = input.name.trim();
  if (!name) throw new ValidationError('name: must not be empty', { name: 'must not be empty' });
  if (await db.dataset.findUnique({ where: { name }, select: { id: true } })) {
    throw new ValidationError(`name: a dataset called "${name}" already exists`, { name: 'a dataset with this name already exists' });
  }
  const videoDir = path.resolve(input.videoDir);
  const captionsPath = path.resolve(input.captionsPath);
  let captions: string;
  try {
    captions = await readFile(captionsPath, 'utf8');
  } catch (e) {
    throw new ValidationError(`captionsPath: cannot read ${captionsPath} on the server: ${e instanceof Error ? e.message : String(e)}`, { captionsPath: `cannot read ${captionsPath} on the server` });
  }
  let files: VideoFileEntry[];
  try {
    files = await listVideoFiles(videoDir);
  } catch (e) {
    throw new ValidationError(`videoDir: cannot read the folder ${videoDir} on the server: ${e instanceof Error ? e.message : String(e)}`, { videoDir: `cannot read the folder ${videoDir} on the server` });
  }
  const candidates = pairCaptionsWithVideos(captions, files, { captionsPath, videoDir });
  const problems: ImportProblem[] = candidates.filter((c) => c.problem).map((c) => ({ externalId: c.externalId, line: c.line, reason: c.problem! }));
  const ok = candidates.filter((c) => !c.problem);
  const durations = new Map<number, number | null>();
  let probed = 0;
  let reused = 0;
  if (input.probe !== false) {
    const keys = ok.map((c) => videoFileKey(c.file!.absPath, c.file!.sizeBytes, c.file!.mtimeMs));
    const known = await storedProbes(db, keys);
    const fresh: Prisma.VideoMeasurementCreateManyInput[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.max(1, availableParallelism()) }, async () => {
        while (next < ok.length) {
          const i = next++;
          const c = ok[i];
          const stored = known.get(keys[i]);
          let probe: VideoProbe | null = null;
          let error: string | null = null;
          if (stored) {
            reused++;
            ({ probe, error } = stored);
          } else {
            probed++;
            try {
              probe = await probeVideoFile(c.file!.absPath);
            } catch (e) {
              error = e instanceof Error ? e.message : String(e);
            }
            fresh.push({ fileKey: keys[i], path: c.file!.absPath, sizeBytes: BigInt(c.file!.sizeBytes), mtimeMs: c.file!.mtimeMs, ...(probe ?? {}), probeError: error, probedAt: new Date() });
          }
          if (error) problems.push({ externalId: c.externalId, line: c.line, reason: error });
          durations.set(c.ordinal, probe?.durationSec ?? null);
        }
      }),
    );
    if (fresh.length) await db.videoMeasurement.createMany({ data: fresh, skipDuplicates: true });
  }
  const importable = ok.filter((c) => input.probe === false || durations.get(c.ordinal) != null);
  if (importable.length === 0) {
    throw new ValidationError(`nothing to import: ${problems.length} problem(s), first: ${problems[0]?.reason ?? 'no caption lines and no videos'}`, {
      captionsPath: problems[0]?.reason ?? 'no caption lines and no videos',
    });
  }
  problems.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  const dataset = await db.dataset.create({
    data: {
      name,
      kind: 'train',
      benchmarks: [],
      description: input.description?.trim() || `Imported from ${videoDir} with captions ${captionsPath}`,
      source: `import: videos ${videoDir}, captions ${captionsPath}`,
      importReport: {
        videoDir,
        captionsPath,
        videoFiles: files.length,
        captionLines: candidates.filter((c) => c.line !== null).length,
        imported: importable.length,
        probed,
        reusedProbes: reused,
        problemCount: problems.length,
        problems: problems.slice(0, 1000),
      } as unknown as Prisma.InputJsonValue,
    },
  });
  for (let i = 0; i < importable.length; i += 2000) {
    await db.clip.createMany({
      skipDuplicates: true,
      data: importable.slice(i, i + 2000).map((c) => ({
        id: `${name}/${c.externalId}`,
        datasetId: dataset.id,
        externalId: c.externalId,
        referenceCaption: c.caption!,
        think: c.think ? (c.think as unknown as Prisma.InputJsonValue) : Prisma.DbNull,
        thinkSource: c.think ? PROVIDED_THINK_SOURCE : null,
        videoPath: c.file!.absPath,
        durationSec: durations.get(c.ordinal) ?? c.durationSec,
        benchmarks: [],
        metadata: { line: c.line, sizeBytes: c.file!.sizeBytes, notes: c.notes } as Prisma.InputJsonValue,
      })),
    });
  }
  return { id: dataset.id, name, clips: importable.length, problemCount: problems.length, problems: problems.slice(0, 100), probed, reusedProbes: reused };
}
