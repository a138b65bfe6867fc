/**
 * Span annotations as JSONL / CSV files (core/compare/annotations-io.ts has the format), and the
 * agreement between two annotators (core/compare/agreement.ts) over stored spans.
 *
 * Import is all-or-nothing and additive: every line is validated first (fields, then that the clip
 * and source name a stored caption and that `text` is what the caption holds at [start, end)); one
 * bad line stores nothing, and an import never changes or deletes a stored span (a line identical
 * to a stored span — same caption, offsets, label, author, origin — is skipped).
 */
import {
  annotationsToCsv,
  annotationsToJsonl,
  formatRowError,
  parseAnnotationsCsv,
  parseAnnotationsJsonl,
  SPAN_LABELS,
  type AnnotationRow,
  type RowError,
} from '../../core/compare/annotations-io';
import { agreementByLabel, type AgreementSpan, type LabelAgreement } from '../../core/compare/agreement';
import type { Db } from '../db';
import { ValidationError } from './errors';

export type AnnotationFormat = 'jsonl' | 'csv';

export interface AnnotationFilter {
  clipIds?: string[];
  sourceIds?: string[];
  /** "human" | "auto"; both when absent. */
  origin?: 'human' | 'auto';
}

/** Stored spans as export rows, ordered by clip, source, start. */
export async function annotationRows(db: Db, filter: AnnotationFilter = {}): Promise<AnnotationRow[]> {
  const rows = await db.spanAnnotation.findMany({
    where: {
      ...(filter.origin ? { origin: filter.origin } : {}),
      caption: { ...(filter.clipIds ? { clipId: { in: filter.clipIds } } : {}), ...(filter.sourceIds ? { sourceId: { in: filter.sourceIds } } : {}) },
    },
    select: {
      start: true,
      end: true,
      label: true,
      note: true,
      origin: true,
      status: true,
      authorName: true,
      text: true,
      createdAt: true,
      updatedAt: true,
      author: { select: { name: true } },
      caption: { select: { clipId: true, text: true, source: { select: { name: true } } } },
    },
    orderBy: [{ caption: { clipId: 'asc' } }, { caption: { sourceId: 'asc' } }, { start: 'asc' }, { end: 'asc' }],
  });
  return rows.map((r) => ({
    clip: r.caption.clipId,
    source: r.caption.source.name,
    start: r.start,
    end: r.end,
    text: r.text || r.caption.text.slice(r.start, r.end),
    label: (SPAN_LABELS as readonly string[]).includes(r.label) ? (r.label as AnnotationRow['label']) : 'note',
    author: r.authorName || r.author?.name || 'unknown',
    time: (r.updatedAt ?? r.createdAt).toISOString(),
    note: r.note,
    origin: r.origin === 'auto' ? 'auto' : 'human',
    status: r.status === 'suggested' || r.status === 'rejected' ? r.status : 'accepted',
  }));
}

/** The export file's content, name and MIME type. */
export async function exportAnnotations(db: Db, format: AnnotationFormat, filter: AnnotationFilter = {}) {
  const rows = await annotationRows(db, filter);
  const stamp = new Date().toISOString().slice(0, 10);
  const scope = filter.clipIds?.length === 1 ? filter.clipIds[0].replace(/[^A-Za-z0-9._-]+/g, '_') : 'all';
  return format === 'csv'
    ? { content: annotationsToCsv(rows), fileName: `annotations-${scope}-${stamp}.csv`, mime: 'text/csv; charset=utf-8', count: rows.length }
    : { content: annotationsToJsonl(rows), fileName: `annotations-${scope}-${stamp}.jsonl`, mime: 'application/x-ndjson; charset=utf-8', count: rows.length };
}

export interface ImportResult {
  imported: number;
  /** Lines identical to a stored span (not stored twice). */
  duplicates: number;
}

/**
 * Import a JSONL or CSV file of spans. Throws ValidationError listing (up to 50) errors as
 * "line N, field F: …" (CSV: "row N"), with nothing stored, when any line is bad.
 */
export async function importAnnotations(db: Db, format: AnnotationFormat, content: string): Promise<ImportResult> {
  const unit = format === 'csv' ? 'row' : 'line';
  const parsed = format === 'csv' ? parseAnnotationsCsv(content) : parseAnnotationsJsonl(content);
  const errors: RowError[] = [...parsed.errors];
  const sourceNames = [...new Set(parsed.rows.map((r) => r.source))];
  const sources = new Map((await db.captionSource.findMany({ where: { name: { in: sourceNames } }, select: { id: true, name: true } })).map((s) => [s.name, s.id]));
  const captions = await db.caption.findMany({
    where: { OR: parsed.rows.filter((r) => sources.has(r.source)).map((r) => ({ sourceId: sources.get(r.source)!, clipId: r.clip })) },
    select: { id: true, clipId: true, sourceId: true, text: true },
  });
  const byKey = new Map(captions.map((c) => [`${c.sourceId}\u0000${c.clipId}`, c]));
  const resolved: { row: AnnotationRow; captionId: string }[] = [];
  for (const row of parsed.rows) {
    const sourceId = sources.get(row.source);
    if (!sourceId) {
      errors.push({ line: row.line, field: 'source', message: `no caption source is named "${row.source}"` });
      continue;
    }
    const caption = byKey.get(`${sourceId}\u0000${row.clip}`);
    if (!caption) {
      errors.push({ line: row.line, field: 'clip', message: `source "${row.source}" has no caption of clip "${row.clip}"` });
      continue;
    }
    if (row.end > caption.text.length) {
      errors.push({ line: row.line, field: 'end', message: `is past the end of the caption (length ${caption.text.length})` });
      continue;
    }
    const actual = caption.text.slice(row.start, row.end);
    if (actual !== row.text) {
      errors.push({ line: row.line, field: 'text', message: `the caption holds ${JSON.stringify(actual.slice(0, 60))} at [${row.start}, ${row.end}), the line says ${JSON.stringify(row.text.slice(0, 60))} (caption changed?)` });
      continue;
    }
    resolved.push({ row, captionId: caption.id });
  }
  if (errors.length) {
    errors.sort((a, b) => a.line - b.line);
    const shown = errors.slice(0, 50).map((e) => formatRowError(e, unit));
    throw new ValidationError(`annotations not imported (nothing stored): ${errors.length} error${errors.length === 1 ? '' : 's'} — ${shown.join('; ')}${errors.length > 50 ? '; …' : ''}`, {
      file: shown[0],
    }, { errors: shown });
  }
  const users = await db.user.findMany({ where: { OR: [{ name: { in: [...new Set(resolved.map((r) => r.row.author))] } }, { username: { in: [...new Set(resolved.map((r) => r.row.author.toLowerCase()))] } }] }, select: { id: true, name: true, username: true } });
  const userFor = (author: string) => users.find((u) => u.name === author || u.username === author.toLowerCase())?.id ?? null;
  return db.$transaction(async (tx) => {
    const existing = await tx.spanAnnotation.findMany({
      where: { captionId: { in: [...new Set(resolved.map((r) => r.captionId))] } },
      select: { captionId: true, start: true, end: true, label: true, authorName: true, origin: true },
    });
    const key = (x: { captionId: string; start: number; end: number; label: string; authorName: string; origin: string }) => [x.captionId, x.start, x.end, x.label, x.authorName, x.origin].join('\u0000');
    const seen = new Set(existing.map(key));
    let duplicates = 0;
    const data = [];
    for (const { row, captionId } of resolved) {
      const k = key({ captionId, start: row.start, end: row.end, label: row.label, authorName: row.author, origin: row.origin });
      if (seen.has(k)) {
        duplicates++;
        continue;
      }
      seen.add(k);
      const time = new Date(row.time);
      data.push({
        captionId,
        start: row.start,
        end: row.end,
        label: row.label,
        note: row.note,
        origin: row.origin,
        status: row.status,
        authorName: row.author,
        authorId: userFor(row.author),
        text: row.text,
        createdAt: time,
        updatedAt: time,
      });
    }
    if (data.length) await tx.spanAnnotation.createMany({ data });
    return { imported: data.length, duplicates };
  });
}

// --- Agreement ---------------------------------------------------------------------------------

/** An annotator as the agreement picker lists them: a person (by display name) or an automatic judge. */
export interface Annotator {
  /** "human:<name>" or "auto:<authorName>". */
  id: string;
  name: string;
  origin: 'human' | 'auto';
  spans: number;
}

function annotatorOf(r: { origin: string; authorName: string; author: { name: string } | null }): { id: string; name: string; origin: 'human' | 'auto' } {
  const name = r.authorName || r.author?.name || 'unknown';
  return r.origin === 'auto' ? { id: `auto:${name}`, name, origin: 'auto' } : { id: `human:${name}`, name, origin: 'human' };
}

/** Everyone who wrote spans (on these clips), with how many; rejected suggestions left out. */
export async function listAnnotators(db: Db, filter: { clipIds?: string[] } = {}): Promise<Annotator[]> {
  const rows = await db.spanAnnotation.findMany({
    where: { status: { not: 'rejected' }, ...(filter.clipIds ? { caption: { clipId: { in: filter.clipIds } } } : {}) },
    select: { origin: true, authorName: true, author: { select: { name: true } } },
  });
  const acc = new Map<string, Annotator>();
  for (const r of rows) {
    const a = annotatorOf(r);
    const cur = acc.get(a.id) ?? { ...a, spans: 0 };
    cur.spans++;
    acc.set(a.id, cur);
  }
  return [...acc.values()].sort((x, y) => x.origin.localeCompare(y.origin) || x.name.localeCompare(y.name));
}

export interface AgreementReport {
  a: string;
  b: string;
  /** Captions compared: those where at least one of the two wrote a span. */
  captions: number;
  labels: LabelAgreement[];
}

/**
 * Span F1 (exact and overlap) and token-level Cohen's kappa per label between annotators `a` and `b`
 * (ids from `listAnnotators`), over the captions (of these clips) where either of them wrote a span.
 */
export async function annotatorAgreement(db: Db, a: string, b: string, filter: { clipIds?: string[] } = {}): Promise<AgreementReport> {
  if (a === b) throw new ValidationError('choose two different annotators', { b: 'must differ from a' });
  const rows = await db.spanAnnotation.findMany({
    where: { status: { not: 'rejected' }, ...(filter.clipIds ? { caption: { clipId: { in: filter.clipIds } } } : {}) },
    select: { captionId: true, start: true, end: true, label: true, origin: true, authorName: true, author: { select: { name: true } }, caption: { select: { text: true } } },
  });
  const texts = new Map<string, string>();
  const spansA: AgreementSpan[] = [];
  const spansB: AgreementSpan[] = [];
  for (const r of rows) {
    const who = annotatorOf(r).id;
    if (who !== a && who !== b) continue;
    texts.set(r.captionId, r.caption.text);
    (who === a ? spansA : spansB).push({ captionId: r.captionId, start: r.start, end: r.end, label: r.label });
  }
  return { a, b, captions: texts.size, labels: agreementByLabel(texts, spansA, spansB, SPAN_LABELS) };
}
