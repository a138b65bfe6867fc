import { describe, expect, it } from 'vitest';
import { latexCaption, latexDocument, latexEscape, latexFigure, segments, svgFigure, wrapSegments, xmlEscape } from './figure';

describe('latexEscape', () => {
  it('escapes every LaTeX special character', () => {
    expect(latexEscape('50% of $x & y_1 #2 {a} ~ ^ \\')).toBe('50\\% of \\$x \\& y\\_1 \\#2 \\{a\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{}');
    expect(latexEscape('<b>|"q"')).toBe("\\textless{}b\\textgreater{}\\textbar{}''q''");
  });
  it('collapses whitespace, writes accented letters as accent commands and replaces only glyphs pdflatex lacks', () => {
    expect(latexEscape('café\n\n  naïve — “ok” 猫🙂')).toBe("caf{\\'{e}} na{\\\"{\\i}}ve --- ``ok'' ??");
  });
  it('maps common Unicode punctuation and symbols with the tables\' shared escaping (core/latex.ts)', () => {
    expect(latexEscape('GPT-4o · dream-1k · file.jsonl')).toBe('GPT-4o \\textperiodcentered{} dream-1k \\textperiodcentered{} file.jsonl');
    expect(latexEscape('2×3 ≈ 6 ± 1 → Δ…')).toBe('2$\\times$3 $\\approx$ 6 $\\pm$ 1 $\\rightarrow$ $\\Delta$\\ldots{}');
  });
  it('a command smuggled in a caption stays text', () => {
    expect(latexEscape('\\input{/etc/passwd}')).toBe('\\textbackslash{}input\\{/etc/passwd\\}');
  });
});

describe('segments', () => {
  it('cuts at span boundaries and draws overlaps with the strongest label', () => {
    const text = 'a red car drives by';
    const s = segments(text, [
      { start: 2, end: 9, label: 'accurate' }, // "red car"
      { start: 2, end: 5, label: 'hallucination' }, // "red"
      { start: 0, end: 1, label: 'note' }, // not drawn
      { start: 50, end: 40, label: 'unique' }, // invalid, ignored
    ]);
    expect(s.map((x) => [x.text, x.label])).toEqual([
      ['a ', null],
      ['red', 'hallucination'],
      [' car', 'accurate'],
      [' drives by', null],
    ]);
  });
});

describe('latexFigure', () => {
  it('draws red and green underlines, highlights and the legend, with escaped text', () => {
    const tex = latexCaption('A man & a 100% dog.', [
      { start: 2, end: 5, label: 'accurate' },
      { start: 8, end: 18, label: 'hallucination' },
      { start: 0, end: 1, label: 'unique' },
    ]);
    expect(tex).toBe('\\hl{A} \\textcolor{vcAccurate}{\\uline{man}} \\& \\textcolor{vcHallucination}{\\uline{a 100\\% dog}}.');
    const fig = latexFigure({ clipId: 'dream-1k/7_x', reference: 'Ref #1', columns: [{ name: 'GPT-4o_mini', text: 'A man.', spans: [] }] });
    expect(fig).toContain('\\textbf{Reference:} Ref \\#1\\par');
    expect(fig).toContain('\\textbf{GPT-4o\\_mini:} A man.');
    expect(fig).toContain('\\hl{unique detail}');
    expect(fig).toContain('\\label{fig:compare-dream-1k-7_x}');
    expect(latexDocument({ clipId: 'c', reference: null, columns: [] })).toMatch(/\\usepackage\[normalem\]\{ulem\}[\s\S]*\\usepackage\{soul\}[\s\S]*\\end\{document\}/);
  });
});

describe('svgFigure', () => {
  it('renders text as escaped XML with labelled pieces and a legend', () => {
    const svg = svgFigure({ clipId: 'c1', reference: 'ref <b>', columns: [{ name: 'M&M', text: 'a <script> dog', spans: [{ start: 2, end: 10, label: 'hallucination' }] }] });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).toContain('M&amp;M');
    expect(svg).toContain('data-label="hallucination"');
    expect(svg).toContain('data-legend="unique"');
    expect(xmlEscape('"\'\u0001')).toBe('&quot;&apos;');
  });
  it('wraps at spaces within the column budget, cutting only over-long words', () => {
    const lines = wrapSegments(segments('aaa bbb cccccccc', []), 7);
    expect(lines.map((l) => l.map((p) => p.text).join(''))).toEqual(['aaa bbb', 'ccccccc', 'c']);
  });
});
