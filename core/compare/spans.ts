/**
 * Pure span logic of the caption comparison view (issue 13): labels, offset validation, the layout of
 * overlapping spans into flat segments (for rendering), which spans a viewer sees, and the undo stack
 * of the annotation editor. Offsets are UTF-16 code-unit indices into the caption text (what
 * `String.prototype.slice` and the DOM's Selection use), start inclusive, end exclusive — the
 * convention of Label Studio's text spans.
 */

/** The labels a span may carry, with the key that applies each in the editor (Label Studio habits). */
export const SPAN_LABELS = ['hallucination', 'accurate', 'unique', 'note'] as const;
export type SpanLabel = (typeof SPAN_LABELS)[number];

export const LABEL_KEYS: Record<string, SpanLabel> = { '1': 'hallucination', '2': 'accurate', '3': 'unique', '4': 'note' };

export const LABEL_NAMES: Record<SpanLabel, string> = {
  hallucination: 'hallucination',
  accurate: 'accurate',
  unique: 'unique detail',
  note: 'note',
};

export function isSpanLabel(v: unknown): v is SpanLabel {
  return typeof v === 'string' && (SPAN_LABELS as readonly string[]).includes(v);
}

export type SpanOrigin = 'human' | 'auto';
export type SpanStatus = 'suggested' | 'accepted' | 'rejected';

/** The fields of a stored span the pure functions need. */
export interface SpanLike {
  id: string;
  start: number;
  end: number;
  label: string;
  origin?: string;
  status?: string;
  authorId?: string | null;
}

/**
 * Why [start, end) is not a span of a text of `length` code units, or null when it is one
 * (integers, 0 ≤ start < end ≤ length).
 */
export function spanOffsetsError(length: number, start: number, end: number): string | null {
  if (!Number.isInteger(start) || !Number.isInteger(end)) return `offsets must be integers (got start ${start}, end ${end})`;
  if (start < 0) return `start ${start} is negative`;
  if (end <= start) return `the span [${start}, ${end}) is empty: end must be greater than start`;
  if (end > length) return `end ${end} is past the end of the caption (length ${length})`;
  return null;
}

/**
 * [start, end) without the whitespace at its edges (a mouse selection often takes a trailing space).
 * Returns null when nothing but whitespace is selected. Offsets are clamped to the text first.
 */
export function trimRange(text: string, start: number, end: number): { start: number; end: number } | null {
  let s = Math.max(0, Math.min(start, end));
  let e = Math.min(text.length, Math.max(start, end));
  while (s < e && /\s/.test(text[s]!)) s++;
  while (e > s && /\s/.test(text[e - 1]!)) e--;
  return s < e ? { start: s, end: e } : null;
}

/** A piece of the text between two consecutive span edges, with the spans covering it (ordered by lane). */
export interface Segment {
  start: number;
  end: number;
  /** Indices into the spans given to `layoutSegments`, sorted by lane. */
  spans: number[];
}

export interface SpanLayout {
  segments: Segment[];
  /** lanes[i]: the underline row of span i (0 nearest the text); overlapping spans never share a lane. */
  lanes: number[];
  /** Number of lanes used (0 without spans). */
  laneCount: number;
}

/**
 * Splits a text of `length` into segments at every span edge, so overlapping spans can be drawn as
 * stacked underlines: each span gets a lane (greedy interval colouring in order of start, longest
 * first, so a span keeps one lane from its start to its end). Spans outside the text are clamped; empty
 * ones are ignored. O(n log n + segments × spans per segment). The text itself is not needed, so a
 * 100 kB caption with a few spans makes a few segments.
 */
export function layoutSegments(length: number, spans: readonly { start: number; end: number }[]): SpanLayout {
  const clamped = spans.map((s) => ({ start: Math.max(0, Math.min(length, s.start)), end: Math.max(0, Math.min(length, s.end)) }));
  const order = clamped.map((_, i) => i).filter((i) => clamped[i]!.end > clamped[i]!.start);
  order.sort((a, b) => clamped[a]!.start - clamped[b]!.start || clamped[b]!.end - clamped[a]!.end || a - b);
  const lanes = spans.map(() => -1);
  const laneEnds: number[] = [];
  for (const i of order) {
    const s = clamped[i]!;
    let lane = laneEnds.findIndex((e) => e <= s.start);
    if (lane === -1) {
      lane = laneEnds.length;
      laneEnds.push(s.end);
    } else laneEnds[lane] = s.end;
    lanes[i] = lane;
  }
  const edges = new Set<number>([0, length]);
  for (const i of order) {
    edges.add(clamped[i]!.start);
    edges.add(clamped[i]!.end);
  }
  const points = [...edges].sort((a, b) => a - b);
  const segments: Segment[] = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const start = points[k]!;
    const end = points[k + 1]!;
    if (end <= start) continue;
    const covering = order.filter((i) => clamped[i]!.start <= start && clamped[i]!.end >= end);
    covering.sort((a, b) => lanes[a]! - lanes[b]!);
    segments.push({ start, end, spans: covering });
  }
  return { segments, lanes, laneCount: laneEnds.length };
}

/** Which spans the view shows: the signed-in user's, everyone's human spans, or the automatic ones. */
export type SpanVisibility = 'mine' | 'everyone' | 'auto';

/**
 * The spans visible in a mode. "mine": human spans authored by `userId` (all human spans when userId
 * is null — open mode has one local user); "everyone": all human spans; "auto": automatic spans that
 * were not rejected (suggested and accepted). Human spans are never "rejected".
 */
export function visibleSpans<T extends SpanLike>(spans: readonly T[], mode: SpanVisibility, userId: string | null): T[] {
  return spans.filter((s) => {
    const origin = s.origin ?? 'human';
    if (mode === 'auto') return origin === 'auto' && s.status !== 'rejected';
    if (origin !== 'human') return false;
    return mode === 'everyone' || userId === null || s.authorId === userId;
  });
}

// ---------------------------------------------------------------------------------------------
// Undo

/** A stored span as the editor knows it (enough to re-create it with the same id). */
export interface SpanSnapshot {
  id: string;
  captionId: string;
  start: number;
  end: number;
  label: string;
  note: string;
}

/** One edit the user made; undoing it applies its inverse. */
export type SpanEdit =
  | { kind: 'create'; span: SpanSnapshot }
  | { kind: 'delete'; span: SpanSnapshot }
  | { kind: 'update'; before: SpanSnapshot; after: SpanSnapshot };

/** The operation that reverts an edit: delete what was created, restore what was deleted, put the old label back. */
export function inverseEdit(edit: SpanEdit): SpanEdit {
  if (edit.kind === 'create') return { kind: 'delete', span: edit.span };
  if (edit.kind === 'delete') return { kind: 'create', span: edit.span };
  return { kind: 'update', before: edit.after, after: edit.before };
}

/** A bounded undo stack (newest last). Immutable: every operation returns a new stack. */
export interface UndoStack {
  edits: readonly SpanEdit[];
  limit: number;
}

export function emptyUndoStack(limit = 100): UndoStack {
  return { edits: [], limit: Math.max(1, limit) };
}

/** Records an edit; the oldest one is dropped beyond the limit. */
export function pushEdit(stack: UndoStack, edit: SpanEdit): UndoStack {
  const edits = [...stack.edits, edit];
  return { ...stack, edits: edits.length > stack.limit ? edits.slice(edits.length - stack.limit) : edits };
}

/** The newest edit's inverse (what to apply to undo it) and the stack without it; null when there is nothing to undo. */
export function popUndo(stack: UndoStack): { undo: SpanEdit; stack: UndoStack } | null {
  const last = stack.edits.at(-1);
  if (!last) return null;
  return { undo: inverseEdit(last), stack: { ...stack, edits: stack.edits.slice(0, -1) } };
}

/** Drops the edits that touch a span (e.g. someone else deleted it), so undo never acts on a stale id. */
export function forgetSpan(stack: UndoStack, spanId: string): UndoStack {
  const touches = (e: SpanEdit) => (e.kind === 'update' ? e.before.id === spanId : e.span.id === spanId);
  return { ...stack, edits: stack.edits.filter((e) => !touches(e)) };
}

/** The words of a text (maximal runs of non-space) as [start, end) offsets, for keyboard selection. */
export function wordRanges(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

/** The span between two words (inclusive, either order) of `wordRanges`, or null when an index is out of range. */
export function wordSelection(words: readonly { start: number; end: number }[], anchor: number, focus: number): { start: number; end: number } | null {
  const a = words[Math.min(anchor, focus)];
  const b = words[Math.max(anchor, focus)];
  return a && b ? { start: a.start, end: b.end } : null;
}

/**
 * Of the spans covering a segment, the one a click selects: the shortest first; clicking the same
 * segment again (`current` is one of them) moves to the next one, so every overlapping span is reachable.
 */
export function spanAtClick(covering: readonly number[], spans: readonly { start: number; end: number }[], current: number | null): number | null {
  if (covering.length === 0) return null;
  const byLength = [...covering].sort((a, b) => spans[a]!.end - spans[a]!.start - (spans[b]!.end - spans[b]!.start) || a - b);
  const at = current === null ? -1 : byLength.indexOf(current);
  return byLength[(at + 1) % byLength.length]!;
}
