/**
 * Span annotations on captions (Label Studio-style character spans: start inclusive, end exclusive).
 * Minimal service for the access rules of issue 12; the annotation UI builds on it.
 */
import type { Db } from '../db';
import { NotFoundError, ValidationError } from './errors';

export interface NewSpanAnnotation {
  captionId: string;
  /** Character offsets into the caption text, 0 ≤ start < end ≤ text length. */
  start: number;
  end: number;
  label: string;
  note?: string;
}

/** Store a span; the offsets must lie inside the caption text. Records the author. */
export async function createSpanAnnotation(db: Db, input: NewSpanAnnotation, authorId: string | null) {
  const caption = await db.caption.findUnique({ where: { id: input.captionId }, select: { id: true, text: true } });
  if (!caption) throw new NotFoundError(`caption ${input.captionId} does not exist`);
  if (!(input.start >= 0 && input.start < input.end && input.end <= caption.text.length)) {
    throw new ValidationError(`span [${input.start}, ${input.end}) is outside the caption (length ${caption.text.length}) or empty`, {
      end: `must satisfy 0 ≤ start < end ≤ ${caption.text.length}`,
    });
  }
  return db.spanAnnotation.create({
    data: { captionId: input.captionId, start: input.start, end: input.end, label: input.label, note: input.note ?? '', authorId },
    include: { author: { select: { id: true, name: true, username: true } } },
  });
}

export async function listSpanAnnotations(db: Db, captionId: string) {
  return db.spanAnnotation.findMany({
    where: { captionId },
    orderBy: [{ start: 'asc' }, { createdAt: 'asc' }],
    include: { author: { select: { id: true, name: true, username: true } } },
  });
}

/** Delete a span. */
export async function deleteSpanAnnotation(db: Db, id: string) {
  const row = await db.spanAnnotation.findUnique({ where: { id }, select: { id: true } });
  if (!row) throw new NotFoundError(`annotation ${id} does not exist`);
  await db.spanAnnotation.delete({ where: { id } });
  return { id };
}
