import { describe, expect, it } from 'vitest';
import { parseCsv } from '../csv';
import { latexEscape, toCsvTable, toLatex, toMarkdown } from './export';
import { measuredJudge, REPORTED_CLASS, type ColumnDef, type JudgeTag, type TableRow } from './model';
import { buildView } from './view';

const paper: JudgeTag = { kind: 'paper', model: 'paper', label: 'paper', classKey: REPORTED_CLASS };
const lex = measuredJudge('lexical', 'lexical-judge-v2');
const cols: ColumnDef[] = [
  { id: 'dream-1k:f1', benchmark: 'dream-1k', subset: 'overall', metric: 'f1', group: 'DREAM-1K', label: 'F1', digits: 1, fromResults: true },
  { id: 'vdc:accuracy', benchmark: 'vdc', subset: 'detailed', metric: 'accuracy', group: 'VDC', label: 'Acc.', digits: 1, fromResults: true },
];
const row = (id: string, label: string, group: string, f1: number | null, acc: number | null, extra: Partial<TableRow['cells'][string]> = {}, judge = paper): TableRow => ({
  id,
  label,
  group,
  origin: judge === paper ? 'reported' : 'measured',
  source: 'test',
  evalRunId: null,
  cells: {
    'dream-1k:f1': f1 === null ? { columnId: 'dream-1k:f1', value: null, missingReason: 'not reported', judge: null } : { columnId: 'dream-1k:f1', value: f1, judge, ...extra },
    'vdc:accuracy': acc === null ? { columnId: 'vdc:accuracy', value: null, missingReason: 'x', judge: null } : { columnId: 'vdc:accuracy', value: acc, judge },
  },
});
const groups = [
  { id: 'captioning', label: 'Captioning MLLMs < 10B' },
  { id: 'ours', label: 'Ours' },
];
const view = () =>
  buildView(
    'Table 1: R&D_test 100%',
    [
      row('paper:Tarsier-7B', 'Tarsier-7B', 'captioning', 34.6, 38.3, { reproduced: true }),
      row('paper:Qwen2-VL-7B', 'Qwen2-VL-7B', 'ours', 29.8, null),
      row('paper:VideoCap-R1', 'VideoCap-R1', 'ours', 34.2, 43.8),
      row('eval:abc', 'my_model #1', 'ours', 50.0, 40.0, { trainedOnTest: true }, lex),
    ],
    cols,
    groups,
    { baselineRowId: 'paper:Qwen2-VL-7B' },
  );

describe('latexEscape', () => {
  it('escapes LaTeX specials and maps non-ASCII', () => {
    expect(latexEscape('a_b & c% #1 $x$ {y} ~ ^ \\')).toBe('a\\_b \\& c\\% \\#1 \\$x\\$ \\{y\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{}');
    expect(latexEscape('run · step 4 – é')).toBe("run \\textperiodcentered{} step 4 -- {\\'{e}}");
  });
});

describe('toLatex', () => {
  it('booktabs rules, \\midrule between groups, bold / underline, asterisk, Δ in parentheses, marks with footnotes', () => {
    const tex = toLatex(view());
    expect(tex).toContain('\\toprule');
    expect(tex).toContain('\\bottomrule');
    expect(tex.match(/\\midrule/g)).toHaveLength(2);
    expect(tex).toContain('\\multicolumn{3}{l}{\\textit{Captioning MLLMs < 10B}}'.replace('<', '\\textless{}'));
    expect(tex).toContain('\\caption{R\\&D\\_test 100\\%}');
    // Tarsier's 34.6 is the best reported F1 (bold) and carries the asterisk; VideoCap-R1 second with Δ (+4.4)
    expect(tex).toContain('Tarsier-7B & \\textbf{34.6}$^{*}$ & \\underline{38.3} \\\\');
    expect(tex).toContain('VideoCap-R1 & \\underline{34.2} (+4.4) & \\textbf{43.8} \\\\');
    // the baseline row itself has no Δ; its missing cell is "--"
    expect(tex).toContain('Qwen2-VL-7B & 29.8 & -- \\\\');
    // the lexical-judge row: not ranked (50.0 is not bold), marked ℓ, †, ‡, Δ against the baseline
    expect(tex).toContain('my\\_model \\#1 & 50.0$^{\\ell,\\dagger,\\ddagger}$ (+20.2) & 40.0$^{\\ell,\\dagger}$ \\\\');
    expect(tex).toContain('reproduced with official code');
    expect(tex).toContain('Numbers in parentheses: difference to Qwen2-VL-7B.');
    expect(tex).toContain('\\cmidrule(lr){2-2}\\cmidrule(lr){3-3}');
  });
  it('standalone wraps a compilable document', () => {
    const tex = toLatex(view(), { standalone: true });
    expect(tex.startsWith('\\documentclass{article}')).toBe(true);
    expect(tex).toContain('\\usepackage{booktabs}');
    expect(tex.trim().endsWith('\\end{document}')).toBe(true);
  });
  it('check-mark columns (Table 3) come before the numbers', () => {
    const rows = [{ ...row('t3:a', 'w/o think score', 'ours', 30.6, 43.4), flags: { tscore: false, escore: true } }];
    const v = buildView('T3', rows, cols, groups, { flagColumns: [{ id: 'tscore', label: 'Tscore' }, { id: 'escore', label: 'Escore' }] });
    const tex = toLatex(v);
    expect(tex).toContain('\\begin{tabular}{lcccc}');
    expect(tex).toContain('w/o think score &  & $\\surd$ & \\textbf{30.6} & \\textbf{43.4} \\\\');
    expect(tex).toContain('\\cmidrule(lr){4-4}');
    expect(toMarkdown(v)).toContain('| w/o think score |  | ✓ | **30.6** | **43.4** |');
  });
});

describe('toCsvTable', () => {
  it('one line per row with values, Δ columns and marks; quoting per RFC 4180', () => {
    const rows = parseCsv(toCsvTable(view()));
    expect(rows[0]).toEqual(['group', 'model', 'row_id', 'source', 'DREAM-1K F1', 'VDC Acc.', 'DREAM-1K F1 delta', 'VDC Acc. delta', 'marks']);
    expect(rows[1]).toEqual(['Captioning MLLMs < 10B', 'Tarsier-7B', 'paper:Tarsier-7B', 'test', '34.6', '38.3', '', '', 'dream-1k:f1: best reproduced*; vdc:accuracy: second']);
    expect(rows[2]).toEqual(['Ours', 'Qwen2-VL-7B', 'paper:Qwen2-VL-7B', 'test', '29.8', '', '', '', '']);
    expect(rows[3]!.slice(4, 8)).toEqual(['34.2', '43.8', '+4.4', '']);
    expect(rows[4]![8]).toBe('dream-1k:f1: lexical judge other judge trained on test data; vdc:accuracy: lexical judge other judge');
  });
});

describe('toMarkdown', () => {
  it('bold / underline / escaped asterisk / Δ, group rows and footnotes', () => {
    const md = toMarkdown(view());
    expect(md).toContain('| Model | DREAM-1K F1 | VDC Acc. |');
    expect(md).toContain('| *Captioning MLLMs \\< 10B* | | |');
    expect(md).toContain('| Tarsier-7B | **34.6**<sup>\\*</sup> | <u>38.3</u> |');
    expect(md).toContain('| VideoCap-R1 | <u>34.2</u> (+4.4) | **43.8** |');
    expect(md).toContain('| Qwen2-VL-7B | 29.8 | – |');
    expect(md).toContain('| my\\_model \\#1 | 50.0<sup>ℓ,†,‡</sup> (+20.2) | 40.0<sup>ℓ,†</sup> |');
    expect(md).toContain('Best in bold, second underlined.');
  });
});

describe('coverage marks, LaTeX caption / width / labels / minus, escaping (newcomer review)', () => {
  const care: ColumnDef = { id: 'carebench:object_recall', benchmark: 'carebench', subset: 'overall', metric: 'object_recall', group: 'CAREBENCH Object', label: 'R', digits: 1, fromResults: true };
  const llm = measuredJudge('openai', 'Qwen2.5-72B-Instruct');
  const mrow = (id: string, label: string, evalRunName: string, f1: number, f1Extra: Partial<TableRow['cells'][string]>, careValue: number | null, careExtra: Partial<TableRow['cells'][string]> = {}): TableRow => ({
    id,
    label,
    group: 'ours',
    origin: 'measured',
    source: evalRunName,
    evalRunId: id.slice(5),
    evalRunName,
    cells: {
      'dream-1k:f1': { columnId: 'dream-1k:f1', value: f1, judge: llm, ...f1Extra },
      'carebench:object_recall': careValue === null ? { columnId: care.id, value: null, judge: null } : { columnId: care.id, value: careValue, judge: llm, ...careExtra },
    },
  });
  const v = () =>
    buildView(
      'Table 1: evaluation results on DREAM-1K, VDC and CAREBENCH',
      [
        mrow('eval:a', 'Qwen2-VL-7B', 'eval a · dream-1k', 30.0, { clips: 1000 }, 90.0, { sample: 'carebench synthetic sample', clips: 8, partial: { clips: 8, full: 1000 } }),
        mrow('eval:b', 'Qwen2-VL-7B', 'eval b', 40.0, { clips: 21, partial: { clips: 21, full: 1000 } }, 50.0, { clips: 1000 }),
        mrow('eval:c', 'Other', 'eval c', 28.7, { clips: 1000 }, 40.0, { clips: 1000 }),
      ],
      [cols[0]!, care],
      groups,
      { among: 'all', baselineRowId: 'eval:a', deltaGroups: 'all' },
    );

  it('a synthetic-sample cell carries § (UI symbols, every export) and is never bold, even ranking all cells', () => {
    const view = v();
    const a = view.groups[0]!.rows.find((r) => r.row.id === 'eval:a')!.cells[1]!;
    expect(a.rank).toBeNull();
    expect(a.ranked).toBe(false);
    expect(view.groups[0]!.rows.find((r) => r.row.id === 'eval:b')!.cells[1]!.rank).toBe(1);
    expect(view.footnotes.map((f) => f.key)).toContain('sample');
    expect(toLatex(view)).toContain('90.0$^{\\S,\\mathrm{n{=}8}}$');
    expect(toLatex(view)).toMatch(/\\S\{\}: measured on a synthetic sample/);
    expect(toMarkdown(view)).toContain('90.0<sup>§,n=8</sup>');
    const csv = parseCsv(toCsvTable(view));
    expect(csv.find((r) => r[2] === 'eval:a')!.at(-1)).toContain('carebench:object_recall: synthetic sample partial n=8 of 1000');
  });

  it('a cell on fewer clips than the full benchmark shows n=<clips> and is not ranked against full-coverage numbers', () => {
    const view = v();
    const b = view.groups[0]!.rows.find((r) => r.row.id === 'eval:b')!.cells[0]!;
    expect(b.rank).toBeNull();
    expect(b.ranked).toBe(false);
    const a = view.groups[0]!.rows.find((r) => r.row.id === 'eval:a')!.cells[0]!;
    expect(a.rank).toBe(1); // 30.0 full coverage beats 28.7; 40.0 on 21 clips is not ranked
    expect(toMarkdown(view)).toContain('40.0<sup>n=21</sup>');
    expect(toLatex(view)).toContain('\\mathrm{n{=}21}');
    expect(view.footnotes.map((f) => f.key)).toContain('partial');
  });

  it('LaTeX: no manual "Table 1:" in the caption, shrunk to the line width, duplicate labels told apart, negative Δ with a math minus, no "?" for · or –', () => {
    const tex = toLatex(v(), { standalone: true });
    expect(tex).toContain('\\caption{evaluation results on DREAM-1K, VDC and CAREBENCH}');
    expect(tex).toContain('\\resizebox{\\ifdim\\width>\\linewidth\\linewidth\\else\\width\\fi}{!}{%');
    expect(tex).toContain('\\usepackage{graphicx}');
    expect(tex).toContain('Qwen2-VL-7B (eval a \\textperiodcentered{} dream-1k) &');
    expect(tex).toContain('Qwen2-VL-7B (eval b) &');
    expect(tex).toContain('\\underline{28.7} ($-$1.3)');
    expect(tex).not.toContain('(-1.3)');
    expect(tex).not.toContain('?');
    expect(toMarkdown(v())).toContain('| Qwen2-VL-7B (eval b) |');
    // a reported row a measured row repeats keeps its printed label; the measured one is told apart
    const rep = buildView('t', [row('paper:Qwen2-VL-7B', 'Qwen2-VL-7B', 'ours', 29.8, null), mrow('eval:z', 'Qwen2-VL-7B', 'my eval', 30, {}, null)], cols, groups);
    expect(toLatex(rep)).toMatch(/\nQwen2-VL-7B & (\\textbf\{)?29\.8/);
    expect(toLatex(rep)).toContain('Qwen2-VL-7B (my eval) & ');
  });
});
