import { describe, expect, it } from 'vitest';
import { annotationsToCsv, annotationsToJsonl, formatRowError, parseAnnotationsCsv, parseAnnotationsJsonl, type AnnotationRow } from './annotations-io';

const ROW: AnnotationRow = {
  clip: 'dream-1k/1',
  source: 'GPT-4o',
  start: 2,
  end: 5,
  text: 'man',
  label: 'hallucination',
  author: 'Ann, "the" annotator',
  time: '2026-11-30T12:00:00.000Z',
  note: 'line\nbreak',
  origin: 'human',
  status: 'accepted',
};

describe('annotation files', () => {
  it('round-trips JSONL and CSV (commas, quotes, line breaks)', () => {
    const j = parseAnnotationsJsonl(annotationsToJsonl([ROW, { ...ROW, start: 0, end: 1, text: 'A', label: 'unique' }]));
    expect(j.errors).toEqual([]);
    expect(j.rows.map(({ line, ...r }) => [line, r])).toEqual([
      [1, ROW],
      [2, { ...ROW, start: 0, end: 1, text: 'A', label: 'unique' }],
    ]);
    const c = parseAnnotationsCsv(annotationsToCsv([ROW]));
    expect(c.errors).toEqual([]);
    expect(c.rows[0]).toEqual({ ...ROW, line: 2 });
  });

  it('names the line and the field of every error and keeps the good lines', () => {
    const lines = [
      JSON.stringify(ROW),
      '{"clip": "x"',
      JSON.stringify({ ...ROW, label: 'wrong' }),
      JSON.stringify({ ...ROW, end: 2 }),
      '',
      JSON.stringify({ ...ROW, text: 'toolong' }),
      JSON.stringify({ clip: 'c' }),
      JSON.stringify({ ...ROW, time: 'yesterday' }),
      '[1]',
    ].join('\n');
    const r = parseAnnotationsJsonl(lines);
    expect(r.rows.map((x) => x.line)).toEqual([1]);
    const msgs = r.errors.map((e) => formatRowError(e));
    expect(msgs[0]).toMatch(/^line 2: not valid JSON/);
    expect(msgs[1]).toBe('line 3, field label: must be one of hallucination, accurate, unique, note');
    expect(msgs[2]).toBe('line 4, field end: must be > start (2), got 2');
    expect(msgs[3]).toBe('line 6, field text: has 7 characters but [start, end) spans 3');
    expect(msgs).toContain('line 7, field source: is missing');
    expect(msgs).toContain('line 8, field time: must be an ISO 8601 time such as 2026-11-30T12:00:00Z');
    expect(msgs).toContain('line 9: must be a JSON object');
  });

  it('CSV: header checked, cells counted, numbers validated', () => {
    expect(parseAnnotationsCsv('clip,source,start\r\n').errors.map((e) => formatRowError(e, 'row'))).toContain('row 1, field end: column is missing from the header');
    expect(parseAnnotationsCsv('clip,bogus\r\n').errors[0]).toMatchObject({ line: 1, field: 'bogus' });
    const csv = 'clip,source,start,end,text,label,author,time\r\nc,s,x,3,abc,note,me,2026-01-01\r\nc,s,0\r\n';
    const r = parseAnnotationsCsv(csv);
    expect(r.errors.map((e) => formatRowError(e, 'row'))).toEqual(['row 2, field start: Invalid input: expected number, received string', 'row 3: has 3 cells, the header has 8']);
  });
});
