import { describe, expect, it } from 'vitest';
import { emptyUndoStack, forgetSpan, inverseEdit, layoutSegments, popUndo, pushEdit, spanAtClick, spanOffsetsError, trimRange, visibleSpans, wordRanges, wordSelection, type SpanSnapshot } from './spans';

describe('spanOffsetsError', () => {
  it('accepts spans inside the text and names what is wrong otherwise', () => {
    expect(spanOffsetsError(10, 0, 10)).toBeNull();
    expect(spanOffsetsError(10, 3, 4)).toBeNull();
    expect(spanOffsetsError(10, 4, 4)).toMatch(/empty/);
    expect(spanOffsetsError(10, 5, 2)).toMatch(/empty/);
    expect(spanOffsetsError(10, -1, 2)).toMatch(/negative/);
    expect(spanOffsetsError(10, 2, 11)).toMatch(/past the end of the caption \(length 10\)/);
    expect(spanOffsetsError(10, 1.5, 3)).toMatch(/integers/);
  });
});

describe('trimRange', () => {
  it('drops whitespace at the edges and normalises a backwards selection', () => {
    const t = 'A man  walks a dog. ';
    expect(trimRange(t, 1, 7)).toEqual({ start: 2, end: 5 });
    expect(trimRange(t, 12, 2)).toEqual({ start: 2, end: 12 });
    expect(trimRange(t, 5, 7)).toBeNull();
    expect(trimRange(t, -3, 100)).toEqual({ start: 0, end: 19 });
  });
});

describe('layoutSegments', () => {
  it('without spans the text is one segment', () => {
    expect(layoutSegments(12, [])).toEqual({ segments: [{ start: 0, end: 12, spans: [] }], lanes: [], laneCount: 0 });
  });

  it('splits at every edge and lists the covering spans by lane', () => {
    // text of 20: span0 [2,10), span1 [5,15) overlaps it, span2 [12,14) nested in span1
    const l = layoutSegments(20, [
      { start: 2, end: 10 },
      { start: 5, end: 15 },
      { start: 12, end: 14 },
    ]);
    expect(l.lanes).toEqual([0, 1, 0]);
    expect(l.laneCount).toBe(2);
    expect(l.segments).toEqual([
      { start: 0, end: 2, spans: [] },
      { start: 2, end: 5, spans: [0] },
      { start: 5, end: 10, spans: [0, 1] },
      { start: 10, end: 12, spans: [1] },
      { start: 12, end: 14, spans: [2, 1] },
      { start: 14, end: 15, spans: [1] },
      { start: 15, end: 20, spans: [] },
    ]);
  });

  it('gives identical spans different lanes, reuses a lane after a span ends, ignores empty and clamps outside spans', () => {
    const l = layoutSegments(10, [
      { start: 0, end: 4 },
      { start: 0, end: 4 },
      { start: 4, end: 8 },
      { start: 3, end: 3 },
      { start: 8, end: 50 },
    ]);
    expect(l.lanes).toEqual([0, 1, 0, -1, 0]);
    expect(l.segments.map((s) => [s.start, s.end])).toEqual([
      [0, 4],
      [4, 8],
      [8, 10],
    ]);
    expect(l.segments[0]!.spans).toEqual([0, 1]);
  });

  it('segments cover the text exactly once, also for many random spans on a 100 kB text', () => {
    const n = 100_000;
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const spans = Array.from({ length: 300 }, () => {
      const a = Math.floor(rnd() * n);
      return { start: a, end: Math.min(n, a + 1 + Math.floor(rnd() * 2000)) };
    });
    const t0 = Date.now();
    const l = layoutSegments(n, spans);
    expect(Date.now() - t0).toBeLessThan(1000);
    let at = 0;
    for (const s of l.segments) {
      expect(s.start).toBe(at);
      at = s.end;
      for (const i of s.spans) expect(spans[i]!.start <= s.start && spans[i]!.end >= s.end).toBe(true);
      expect(new Set(s.spans.map((i) => l.lanes[i])).size).toBe(s.spans.length);
    }
    expect(at).toBe(n);
  });
});

describe('visibleSpans', () => {
  const spans = [
    { id: 'a', start: 0, end: 1, label: 'accurate', origin: 'human', status: 'accepted', authorId: 'u1' },
    { id: 'b', start: 0, end: 1, label: 'accurate', origin: 'human', status: 'accepted', authorId: 'u2' },
    { id: 'c', start: 0, end: 1, label: 'hallucination', origin: 'auto', status: 'suggested', authorId: null },
    { id: 'd', start: 0, end: 1, label: 'hallucination', origin: 'auto', status: 'rejected', authorId: null },
    { id: 'e', start: 0, end: 1, label: 'accurate', origin: 'auto', status: 'accepted', authorId: null },
  ];
  it('mine, everyone and auto', () => {
    expect(visibleSpans(spans, 'mine', 'u1').map((s) => s.id)).toEqual(['a']);
    expect(visibleSpans(spans, 'mine', null).map((s) => s.id)).toEqual(['a', 'b']);
    expect(visibleSpans(spans, 'everyone', 'u1').map((s) => s.id)).toEqual(['a', 'b']);
    expect(visibleSpans(spans, 'auto', 'u1').map((s) => s.id)).toEqual(['c', 'e']);
  });
});

describe('undo stack', () => {
  const s = (id: string, label = 'accurate'): SpanSnapshot => ({ id, captionId: 'c', start: 0, end: 3, label, note: '' });
  it('undoes in reverse order with the inverse edit', () => {
    let st = emptyUndoStack();
    st = pushEdit(st, { kind: 'create', span: s('1') });
    st = pushEdit(st, { kind: 'update', before: s('1'), after: s('1', 'hallucination') });
    st = pushEdit(st, { kind: 'delete', span: s('1', 'hallucination') });
    const a = popUndo(st)!;
    expect(a.undo).toEqual({ kind: 'create', span: s('1', 'hallucination') });
    const b = popUndo(a.stack)!;
    expect(b.undo).toEqual({ kind: 'update', before: s('1', 'hallucination'), after: s('1') });
    const c = popUndo(b.stack)!;
    expect(c.undo).toEqual({ kind: 'delete', span: s('1') });
    expect(popUndo(c.stack)).toBeNull();
  });
  it('is bounded and can forget a span', () => {
    let st = emptyUndoStack(2);
    for (const id of ['1', '2', '3']) st = pushEdit(st, { kind: 'create', span: s(id) });
    expect(st.edits.map((e) => (e.kind === 'create' ? e.span.id : ''))).toEqual(['2', '3']);
    expect(forgetSpan(st, '2').edits).toHaveLength(1);
    expect(inverseEdit(inverseEdit({ kind: 'create', span: s('9') }))).toEqual({ kind: 'create', span: s('9') });
  });
});

describe('keyboard and click selection', () => {
  it('wordRanges / wordSelection', () => {
    const w = wordRanges('  A man walks.\nDog ');
    expect(w).toEqual([
      { start: 2, end: 3 },
      { start: 4, end: 7 },
      { start: 8, end: 14 },
      { start: 15, end: 18 },
    ]);
    expect(wordSelection(w, 1, 2)).toEqual({ start: 4, end: 14 });
    expect(wordSelection(w, 2, 1)).toEqual({ start: 4, end: 14 });
    expect(wordSelection(w, 0, 9)).toBeNull();
  });
  it('spanAtClick picks the shortest covering span, then cycles', () => {
    const spans = [
      { start: 0, end: 10 },
      { start: 2, end: 4 },
      { start: 0, end: 6 },
    ];
    expect(spanAtClick([0, 1, 2], spans, null)).toBe(1);
    expect(spanAtClick([0, 1, 2], spans, 1)).toBe(2);
    expect(spanAtClick([0, 1, 2], spans, 2)).toBe(0);
    expect(spanAtClick([0, 1, 2], spans, 0)).toBe(1);
    expect(spanAtClick([], spans, null)).toBeNull();
  });
});
