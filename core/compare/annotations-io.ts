/**
 * Span annotations as files (issue 13): JSONL, one object per line, and CSV (RFC 4180, core/csv.ts),
 * with the same fields:
 *
 *   clip    clip id ("dream-1k/123")
 *   source  caption source name (CaptionSource.name)
 *   start   character offset (UTF-16 code units, inclusive) into the caption
 *   end     character offset (exclusive), start < end
 *   text    the caption text in [start, end) when written (checked against the stored caption on import)
 *   label   "hallucination" | "accurate" | "unique" | "note"
 *   author  annotator display name ("auto: <judge>" for automatic spans)
 *   time    ISO 8601 time the span was written (or last changed)
 *   note    comment ("" when none); optional on import
 *   origin  "human" | "auto"; optional on import (default "human")
 *   status  "suggested" | "accepted" | "rejected"; optional on import (default "accepted")
 *
 * Parsing is pure and validates every line; errors name the line (JSONL) or row (CSV, header = row
 * 1) and the field. Resolving clip/source to a caption and checking `text` is the server's part.
 */
import { z } from 'zod';
import { parseCsv, toCsv } from '../csv';

export const SPAN_LABELS = ['hallucination', 'accurate', 'unique', 'note'] as const;
export type SpanLabel = (typeof SPAN_LABELS)[number];

export const ANNOTATION_FIELDS = ['clip', 'source', 'start', 'end', 'text', 'label', 'author', 'time', 'note', 'origin', 'status'] as const;
const REQUIRED: readonly string[] = ['clip', 'source', 'start', 'end', 'text', 'label', 'author', 'time'];

export const annotationRowSchema = z.object({
  clip: z.string().min(1, 'must be a non-empty clip id'),
  source: z.string().min(1, 'must be a non-empty source name'),
  start: z.number().int('must be an integer').min(0, 'must be ≥ 0'),
  end: z.number().int('must be an integer').min(1, 'must be ≥ 1'),
  text: z.string(),
  label: z.enum(SPAN_LABELS, { message: `must be one of ${SPAN_LABELS.join(', ')}` }),
  author: z.string().min(1, 'must name the annotator').max(200),
  time: z.string().refine((t) => !Number.isNaN(Date.parse(t)), 'must be an ISO 8601 time such as 2026-11-30T12:00:00Z'),
  note: z.string().max(2000).default(''),
  origin: z.enum(['human', 'auto'], { message: 'must be human or auto' }).default('human'),
  status: z.enum(['suggested', 'accepted', 'rejected'], { message: 'must be suggested, accepted or rejected' }).default('accepted'),
});
export type AnnotationRow = z.infer<typeof annotationRowSchema>;

export interface RowError {
  /** 1-based line (JSONL) or row (CSV; the header is row 1). */
  line: number;
  /** The field at fault, or null when the whole line is. */
  field: string | null;
  message: string;
}

export interface ParsedAnnotations {
  rows: (AnnotationRow & { line: number })[];
  errors: RowError[];
}

/** Human-readable "line 3, field end: must be > start (2)". */
export function formatRowError(e: RowError, unit: 'line' | 'row' = 'line'): string {
  return `${unit} ${e.line}${e.field ? `, field ${e.field}` : ''}: ${e.message}`;
}

function validate(obj: unknown, line: number): { row?: AnnotationRow & { line: number }; errors: RowError[] } {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return { errors: [{ line, field: null, message: 'must be a JSON object' }] };
  const missing = REQUIRED.filter((f) => !(f in (obj as Record<string, unknown>)));
  if (missing.length) return { errors: missing.map((f) => ({ line, field: f, message: 'is missing' })) };
  const r = annotationRowSchema.safeParse(obj);
  if (!r.success) return { errors: r.error.issues.map((i) => ({ line, field: i.path.length ? i.path.join('.') : null, message: i.message })) };
  if (r.data.end <= r.data.start) return { errors: [{ line, field: 'end', message: `must be > start (${r.data.start}), got ${r.data.end}` }] };
  if (r.data.text.length !== r.data.end - r.data.start) {
    return { errors: [{ line, field: 'text', message: `has ${r.data.text.length} characters but [start, end) spans ${r.data.end - r.data.start}` }] };
  }
  return { row: { ...r.data, line }, errors: [] };
}

/** Parses JSONL (blank lines skipped). Every bad line is reported; good lines are returned. */
export function parseAnnotationsJsonl(text: string): ParsedAnnotations {
  const rows: ParsedAnnotations['rows'] = [];
  const errors: RowError[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch (e) {
      errors.push({ line, field: null, message: `not valid JSON (${e instanceof Error ? e.message : String(e)})` });
      return;
    }
    const v = validate(obj, line);
    if (v.row) rows.push(v.row);
    errors.push(...v.errors);
  });
  return { rows, errors };
}

/** Parses CSV with a header row naming the fields (any order; unknown columns are an error). */
export function parseAnnotationsCsv(text: string): ParsedAnnotations {
  const table = parseCsv(text.replace(/^\uFEFF/, ''));
  if (table.length === 0) return { rows: [], errors: [{ line: 1, field: null, message: 'empty file: expected a header row' }] };
  const header = table[0].map((h) => h.trim());
  const unknown = header.filter((h) => !(ANNOTATION_FIELDS as readonly string[]).includes(h));
  const missing = REQUIRED.filter((f) => !header.includes(f));
  if (unknown.length || missing.length) {
    return {
      rows: [],
      errors: [
        ...unknown.map((f) => ({ line: 1, field: f, message: `unknown column (expected ${ANNOTATION_FIELDS.join(', ')})` })),
        ...missing.map((f) => ({ line: 1, field: f, message: 'column is missing from the header' })),
      ],
    };
  }
  const rows: ParsedAnnotations['rows'] = [];
  const errors: RowError[] = [];
  table.slice(1).forEach((cells, i) => {
    const line = i + 2;
    if (cells.length === 1 && cells[0] === '') return;
    if (cells.length !== header.length) {
      errors.push({ line, field: null, message: `has ${cells.length} cells, the header has ${header.length}` });
      return;
    }
    const obj: Record<string, unknown> = {};
    header.forEach((h, k) => {
      const v = cells[k];
      if (h === 'start' || h === 'end') obj[h] = /^\s*-?\d+\s*$/.test(v) ? Number(v) : v;
      else if ((h === 'note' || h === 'origin' || h === 'status') && v === '') return;
      else obj[h] = v;
    });
    const v = validate(obj, line);
    if (v.row) rows.push(v.row);
    errors.push(...v.errors);
  });
  return { rows, errors };
}

function cells(r: AnnotationRow): string[] {
  return [r.clip, r.source, String(r.start), String(r.end), r.text, r.label, r.author, r.time, r.note, r.origin, r.status];
}

export function annotationsToJsonl(rows: readonly AnnotationRow[]): string {
  return rows.map((r) => JSON.stringify(Object.fromEntries(ANNOTATION_FIELDS.map((f) => [f, r[f]])))).join('\n') + (rows.length ? '\n' : '');
}

export function annotationsToCsv(rows: readonly AnnotationRow[]): string {
  return toCsv([[...ANNOTATION_FIELDS], ...rows.map(cells)]);
}
