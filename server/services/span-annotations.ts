/**
 * Span annotations on captions (Label Studio-style character spans: start inclusive, end exclusive,
 * UTF-16 offsets into Caption.text; core/compare/spans.ts). Rules:
 *   - annotators (and researchers, admins) write; the author is the signed-in user;
 *   - a human span is relabelled / deleted only by its author or an admin;
 *   - automatic spans (origin "auto", written by the analyze job) are accepted or rejected by any
 *     annotator, deleted only by an admin;
 *   - the covered text is stored with the span, so a span whose caption changed can be reviewed.
 */
import { isSpanLabel, spanOffsetsError, SPAN_LABELS } from '../../core/compare/spans';
import type { Actor } from '../auth/actor';
import type { Db } from '../db';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from './errors';

export interface NewSpanAnnotation {
  captionId: string;
  /** Character offsets into the caption text, 0 ≤ start < end ≤ text length. */
  start: number;
  end: number;
  /** "hallucination" | "accurate" | "unique" | "note". */
  label: string;
  /** A comment (required for "note"). */
  note?: string;
}

/** The span fields every reader gets (annotation router, compare view). */
export const SPAN_SELECT = {
  id: true,
  captionId: true,
  start: true,
  end: true,
  label: true,
  note: true,
  authorId: true,
  authorName: true,
  origin: true,
  status: true,
  text: true,
  needsReview: true,
  judgeModel: true,
  judgeKind: true,
  claim: true,
  analysisRunId: true,
  createdAt: true,
  updatedAt: true,
} as const;

function checkLabel(label: string, note: string | undefined): void {
  if (!isSpanLabel(label)) throw new ValidationError(`label "${label}" is not one of ${SPAN_LABELS.join(', ')}`, { label: `one of ${SPAN_LABELS.join(', ')}` });
  if (label === 'note' && !note?.trim()) throw new ValidationError('a note needs a comment', { note: 'required for the label "note"' });
}

async function captionText(db: Db, captionId: string): Promise<string> {
  const caption = await db.caption.findUnique({ where: { id: captionId }, select: { text: true } });
  if (!caption) throw new NotFoundError(`caption ${captionId} does not exist`);
  return caption.text;
}

/** Store a human span by `actor`; the offsets must lie inside the caption text. `id` re-creates an undone span with its id. */
export async function createSpanAnnotation(db: Db, input: NewSpanAnnotation & { id?: string }, actor: Pick<Actor, 'userId' | 'name'>) {
  checkLabel(input.label, input.note);
  const text = await captionText(db, input.captionId);
  const err = spanOffsetsError(text.length, input.start, input.end);
  if (err) throw new ValidationError(`span [${input.start}, ${input.end}): ${err}`, { end: `must satisfy 0 ≤ start < end ≤ ${text.length}` });
  if (input.id && (await db.spanAnnotation.count({ where: { id: input.id } }))) throw new ConflictError(`annotation ${input.id} already exists`);
  return db.spanAnnotation.create({
    data: {
      ...(input.id ? { id: input.id } : {}),
      captionId: input.captionId,
      start: input.start,
      end: input.end,
      label: input.label,
      note: input.note?.trim() ?? '',
      authorId: actor.userId,
      authorName: actor.name,
      origin: 'human',
      status: 'accepted',
      text: text.slice(input.start, input.end),
    },
    select: SPAN_SELECT,
  });
}

/** Spans on one or more captions, in text order. */
export async function listSpanAnnotations(db: Db, captionIds: string | readonly string[]) {
  const ids = typeof captionIds === 'string' ? [captionIds] : [...captionIds];
  return db.spanAnnotation.findMany({ where: { captionId: { in: ids } }, orderBy: [{ start: 'asc' }, { createdAt: 'asc' }], select: SPAN_SELECT });
}

async function findSpan(db: Db, id: string) {
  const row = await db.spanAnnotation.findUnique({ where: { id }, select: { id: true, origin: true, authorId: true, authorName: true, label: true, note: true } });
  if (!row) throw new NotFoundError(`annotation ${id} does not exist`);
  return row;
}

function mayEditHuman(actor: Pick<Actor, 'userId' | 'role'>, row: { authorId: string | null }): boolean {
  return actor.role === 'admin' || (row.authorId !== null && row.authorId === actor.userId);
}

function forbidden(what: string, row: { authorName: string }): never {
  throw new ForbiddenError(`only the author (${row.authorName || 'unknown'}) or an admin may ${what} this span`, 'admin');
}

/**
 * Relabel a span, change its note, or mark a flagged span reviewed (`needsReview: false`). Human
 * spans: author or admin. Automatic spans cannot be relabelled (accept or reject them instead).
 */
export async function updateSpanAnnotation(db: Db, input: { id: string; label?: string; note?: string; needsReview?: false }, actor: Pick<Actor, 'userId' | 'role'>) {
  const row = await findSpan(db, input.id);
  if (row.origin !== 'human') throw new ValidationError('an automatic span is accepted or rejected, not relabelled: label the text yourself instead', { id: 'automatic span' });
  if (!mayEditHuman(actor, row)) forbidden('change', row);
  const label = input.label ?? row.label;
  const note = input.note ?? row.note;
  checkLabel(label, note);
  return db.spanAnnotation.update({
    where: { id: input.id },
    data: { label, note: note.trim(), ...(input.needsReview === false ? { needsReview: false } : {}) },
    select: SPAN_SELECT,
  });
}

/** Accept or reject an automatic span (any annotator); "suggested" puts it back to undecided (undo). */
export async function reviewSpanAnnotation(db: Db, input: { id: string; status: 'suggested' | 'accepted' | 'rejected' }) {
  const row = await findSpan(db, input.id);
  if (row.origin !== 'auto') throw new ValidationError('only automatic spans are accepted or rejected', { id: 'human span' });
  return db.spanAnnotation.update({ where: { id: input.id }, data: { status: input.status }, select: SPAN_SELECT });
}

/** Delete a span: a human one by its author or an admin, an automatic one by an admin (others reject it). */
export async function deleteSpanAnnotation(db: Db, id: string, actor: Pick<Actor, 'userId' | 'role'>) {
  const row = await findSpan(db, id);
  if (row.origin === 'auto' ? actor.role !== 'admin' : !mayEditHuman(actor, row)) {
    if (row.origin === 'auto') throw new ForbiddenError('only an admin deletes automatic spans: reject it instead', 'admin');
    forbidden('delete', row);
  }
  await db.spanAnnotation.delete({ where: { id } });
  return { id };
}
