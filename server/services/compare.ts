/**
 * The caption comparison view's reads (issue 13): which clips match a filter (for the picker and
 * j/k navigation), and one clip with the captions of the chosen sources and their spans.
 */
import type { Db } from '../db';
import { Prisma } from '../generated/prisma/client';
import { clipVideo } from './clip-video';
import { NotFoundError } from './errors';
import { SPAN_SELECT } from './span-annotations';
import { isReferenceSource } from '../../core/compare/reference-source';

export interface ClipFilter {
  benchmark?: string | null;
  /** DREAM-1K subset (Clip.metadata.subset, e.g. "DREAM/movie_animation"). */
  subset?: string | null;
  /** Search in the clip id, the reference caption and the captions' text (case-insensitive). */
  q?: string | null;
  /** Only clips with at least one caption from a model source (imported or checkpoint). */
  captioned?: boolean;
}

/** Natural order of clip ids ("dream-1k/2" before "dream-1k/10"). */
export function compareClipIds(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

function clipWhere(f: ClipFilter): Prisma.ClipWhereInput {
  const and: Prisma.ClipWhereInput[] = [];
  if (f.benchmark) and.push({ benchmarks: { has: f.benchmark } });
  if (f.subset) and.push({ metadata: { path: ['subset'], equals: f.subset } });
  const q = f.q?.trim();
  if (q) {
    and.push({
      OR: [
        { id: { contains: q, mode: 'insensitive' } },
        { referenceCaption: { contains: q, mode: 'insensitive' } },
        { captions: { some: { text: { contains: q, mode: 'insensitive' } } } },
      ],
    });
  }
  if (f.captioned) and.push({ captions: { some: { source: { kind: { in: ['imported', 'checkpoint'] } } } } });
  return { AND: and };
}

const MAX_IDS = 5000;

/**
 * Clips matching the filter: every id (natural order, at most 5000 — the j/k navigation list) and
 * the first `limit` with a snippet of the reference for the picker.
 */
export async function listCompareClips(db: Db, f: ClipFilter, limit = 50) {
  const rows = await db.clip.findMany({ where: clipWhere(f), select: { id: true }, take: MAX_IDS + 1 });
  const ids = rows.map((r) => r.id).sort(compareClipIds);
  const truncated = ids.length > MAX_IDS;
  if (truncated) ids.length = MAX_IDS;
  const first = ids.slice(0, limit);
  const details = await db.clip.findMany({ where: { id: { in: first } }, select: { id: true, referenceCaption: true, metadata: true, benchmarks: true } });
  const byId = new Map(details.map((d) => [d.id, d]));
  const items = first.map((id) => {
    const d = byId.get(id);
    return { id, subset: subsetOf(d?.metadata), benchmarks: d?.benchmarks ?? [], snippet: (d?.referenceCaption ?? '').slice(0, 160) };
  });
  return { ids, truncated, items };
}

function subsetOf(metadata: unknown): string | null {
  if (metadata && typeof metadata === 'object' && !Array.isArray(metadata)) {
    const s = (metadata as Record<string, unknown>).subset;
    if (typeof s === 'string') return s;
  }
  return null;
}

/** Benchmarks with clips, and the subsets each has (for the filters). */
export async function compareFilters(db: Db) {
  const rows = await db.$queryRaw<{ benchmark: string; subset: string | null; n: bigint }[]>`
    SELECT b AS benchmark, "metadata"->>'subset' AS subset, COUNT(*) AS n
    FROM "Clip", unnest("benchmarks") AS b
    GROUP BY 1, 2 ORDER BY 1, 2`;
  const out = new Map<string, { benchmark: string; clips: number; subsets: string[] }>();
  for (const r of rows) {
    const e = out.get(r.benchmark) ?? { benchmark: r.benchmark, clips: 0, subsets: [] };
    e.clips += Number(r.n);
    if (r.subset) e.subsets.push(r.subset);
    out.set(r.benchmark, e);
  }
  return [...out.values()];
}


export type CompareSpan = Prisma.SpanAnnotationGetPayload<{ select: typeof SPAN_SELECT }>;

/**
 * One clip for the view: reference, human events, think, subset, whether a video can be played, and
 * the captions of `sourceIds` (all model sources that captioned the clip when not given) with every
 * span on them (the client filters mine / everyone's / automatic).
 */
export async function getCompareClip(db: Db, clipId: string, sourceIds?: readonly string[] | null) {
  const clip = await db.clip.findUnique({
    where: { id: clipId },
    select: { id: true, externalId: true, referenceCaption: true, events: true, objects: true, think: true, thinkSource: true, benchmarks: true, metadata: true, durationSec: true },
  });
  if (!clip) throw new NotFoundError(`clip ${clipId} does not exist`);
  const where: Prisma.CaptionWhereInput = sourceIds && sourceIds.length ? { clipId, sourceId: { in: [...sourceIds] } } : { clipId, source: { kind: { in: ['imported', 'checkpoint'] } } };
  const captions = await db.caption.findMany({
    where,
    select: {
      id: true,
      text: true,
      textHash: true,
      think: true,
      createdAt: true,
      source: { select: { id: true, name: true, kind: true, model: true, benchmark: true } },
      annotations: { select: SPAN_SELECT, orderBy: [{ start: 'asc' }, { createdAt: 'asc' }] },
    },
  });
  const order = sourceIds && sourceIds.length ? new Map(sourceIds.map((id, i) => [id, i])) : null;
  // By default, not the reference re-uploaded as a model: "Human · …" sources stored by uploads before
  // they skipped it (the reference is shown beside every clip already).
  if (!order) captions.splice(0, captions.length, ...captions.filter((c) => !isReferenceSource(c.source)));
  captions.sort((a, b) => (order ? (order.get(a.source.id) ?? 0) - (order.get(b.source.id) ?? 0) : (a.source.model ?? a.source.name).localeCompare(b.source.model ?? b.source.name)));
  const video = await clipVideo(db, clipId);
  return {
    clip: { ...clip, subset: subsetOf(clip.metadata), events: asStrings(clip.events), objects: asStrings(clip.objects) },
    video: video.ok ? { available: true as const, url: `/api/clip-video?clip=${encodeURIComponent(clipId)}`, reason: null } : { available: false as const, url: null, reason: video.reason },
    captions: captions.map(({ annotations, ...c }) => ({ ...c, spans: annotations })),
  };
}

function asStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
