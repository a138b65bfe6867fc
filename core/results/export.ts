/**
 * Exports of a results table view (./view.ts): LaTeX (booktabs), CSV (RFC 4180) and Markdown.
 * Pure functions of the view, so a download is what the page shows.
 *
 * LaTeX, as the paper typesets its tables: `\toprule` / `\midrule` / `\bottomrule` (booktabs; the
 * only package needed), a `\cmidrule` under each benchmark span, the row groups separated by
 * `\midrule` with the group name as an italic row (Table 1), best in `\textbf`, second in
 * `\underline`, the Δ in parentheses after the value (`34.2 (+4.4)`), the marks as superscripts
 * (`*` reproduced with official code, `\ell` lexical judge, `\dagger` other judge than the column's
 * majority, `\ddagger` trained on test data, `s` simulated) with their footnotes under the table,
 * and every text escaped (`latexEscape`).
 */
import { toCsv } from '../csv';
import { latexEscapeWith } from '../latex';
import { cellSymbols, type TableView, type ViewCell } from './view';

/** Beyond core/latex.ts's specials: the table marks and Δ. */
const TABLE_LATEX: Record<string, string> = {
  '·': '\\textperiodcentered{}',
  'ℓ': '$\\ell$',
  '†': '$\\dagger$',
  '‡': '$\\ddagger$',
  'Δ': '$\\Delta$',
};

/** Escapes LaTeX's special characters (\ { } $ & # ^ _ % ~) and maps common non-ASCII punctuation; other non-ASCII becomes "?". */
export function latexEscape(s: string): string {
  return latexEscapeWith(s, { extra: TABLE_LATEX, keep: (ch) => ch.charCodeAt(0) <= 126 && (ch.charCodeAt(0) >= 32 || ch === '\t') });
}

const LATEX_SYMBOL: Record<string, string> = { '*': '*', 'ℓ': '\\ell', '†': '\\dagger', '‡': '\\ddagger', s: '\\mathrm{s}' };

function latexCell(c: ViewCell): string {
  if (c.value === null) return '--';
  let v = c.text;
  if (c.rank === 1) v = `\\textbf{${v}}`;
  else if (c.rank === 2) v = `\\underline{${v}}`;
  const sym = cellSymbols(c);
  if (sym.length) v += `$^{${sym.map((s) => LATEX_SYMBOL[s] ?? s).join(',')}}$`;
  if (c.delta) v += ` (${c.delta})`;
  return v;
}

/** Column spans of consecutive columns with the same `group` header. */
function spans(view: TableView): { label: string; from: number; to: number }[] {
  const out: { label: string; from: number; to: number }[] = [];
  view.columns.forEach((c, i) => {
    const last = out[out.length - 1];
    if (last && last.label === c.group && c.group !== '') last.to = i;
    else out.push({ label: c.group, from: i, to: i });
  });
  return out;
}

export interface LatexOptions {
  /** A whole document (\documentclass … \end{document}) that compiles on its own, instead of the table only. */
  standalone?: boolean;
  /** \label{…} of the table. */
  label?: string;
  /** Print the group names as rows (Table 1); off: groups are separated by \midrule only. */
  groupHeaders?: boolean;
}

/** The view as a LaTeX `table` (booktabs). See the module comment; `standalone` wraps it in a document. */
export function toLatex(view: TableView, options: LatexOptions = {}): string {
  const nf = view.flagColumns.length;
  const n = view.columns.length + 1 + nf;
  const flagHead = view.flagColumns.map((f) => latexEscape(f.label));
  const flagCells = (r: TableView['groups'][number]['rows'][number]) => view.flagColumns.map((f) => (r.row.flags?.[f.id] ? '$\\surd$' : ''));
  const lines: string[] = [];
  lines.push('% Requires \\usepackage{booktabs}');
  lines.push('\\begin{table}[t]');
  lines.push('\\centering');
  lines.push(`\\caption{${latexEscape(view.title)}}`);
  if (options.label) lines.push(`\\label{${options.label.replace(/[^A-Za-z0-9:_.-]/g, '-')}}`);
  lines.push('\\small\\setlength{\\tabcolsep}{4pt}');
  lines.push(`\\begin{tabular}{l${'c'.repeat(nf)}${'c'.repeat(view.columns.length)}}`);
  lines.push('\\toprule');
  const sp = spans(view);
  if (sp.some((s) => s.to > s.from || s.label !== '')) {
    const head = ['Model', ...view.flagColumns.map(() => '')];
    for (const s of sp) head.push(s.to > s.from ? `\\multicolumn{${s.to - s.from + 1}}{c}{${latexEscape(s.label)}}` : latexEscape(s.label));
    lines.push(`${head.join(' & ')} \\\\`);
    const rules = sp.filter((s) => s.label !== '').map((s) => `\\cmidrule(lr){${s.from + 2 + nf}-${s.to + 2 + nf}}`);
    if (rules.length) lines.push(rules.join(''));
    lines.push(`${['', ...flagHead, ...view.columns.map((c) => latexEscape(c.label))].join(' & ')} \\\\`);
  } else {
    lines.push(`${['Model', ...flagHead, ...view.columns.map((c) => latexEscape(c.label))].join(' & ')} \\\\`);
  }
  view.groups.forEach((g) => {
    lines.push('\\midrule');
    if (options.groupHeaders !== false) lines.push(`\\multicolumn{${n}}{l}{\\textit{${latexEscape(g.label)}}} \\\\`);
    for (const r of g.rows) lines.push(`${[latexEscape(r.row.label), ...flagCells(r), ...r.cells.map(latexCell)].join(' & ')} \\\\`);
  });
  lines.push('\\bottomrule');
  lines.push('\\end{tabular}');
  if (view.footnotes.length || view.baselineRowId) {
    const notes = view.footnotes.map((f) => latexEscape(f.text));
    if (view.baselineRowId) {
      const base = view.groups.flatMap((g) => g.rows).find((r) => r.isBaseline);
      if (base) notes.push(`Numbers in parentheses: difference to ${latexEscape(base.row.label)}.`);
    }
    notes.push('Best in bold, second underlined.');
    lines.push(`\\par\\smallskip{\\footnotesize ${notes.join(' ')}\\par}`);
  }
  lines.push('\\end{table}');
  const table = lines.join('\n') + '\n';
  if (!options.standalone) return table;
  return ['\\documentclass{article}', '\\usepackage[T1]{fontenc}', '\\usepackage{booktabs}', '\\begin{document}', table, '\\end{document}', ''].join('\n');
}

/**
 * The view as CSV: `group,model,row_id,source`, then one column per table column (the value, empty
 * when missing), `<column> delta` columns when a baseline is chosen, and `marks` (per cell:
 * `<column>: best|second|*|lexical|other-judge|trained-on-test|simulated`, `; `-separated).
 */
export function toCsvTable(view: TableView): string {
  const header = ['group', 'model', 'row_id', 'source', ...view.flagColumns.map((f) => f.label), ...view.columns.map((c) => (c.group ? `${c.group} ${c.label}` : c.label))];
  if (view.baselineRowId) header.push(...view.columns.map((c) => `${c.group ? `${c.group} ${c.label}` : c.label} delta`));
  header.push('marks');
  const rows: string[][] = [header];
  for (const g of view.groups) {
    for (const r of g.rows) {
      const marks: string[] = [];
      r.cells.forEach((c, i) => {
        const m: string[] = [];
        if (c.rank === 1) m.push('best');
        if (c.rank === 2) m.push('second');
        if (c.value !== null) {
          if (c.reproduced) m.push('reproduced*');
          if (c.lexical) m.push('lexical judge');
          if (c.offMajority) m.push('other judge');
          if (c.trainedOnTest) m.push('trained on test data');
          if (c.simulated) m.push('simulated');
        }
        if (m.length) marks.push(`${view.columns[i]!.id}: ${m.join(' ')}`);
      });
      const line = [g.label, r.row.label, r.row.id, r.row.source, ...view.flagColumns.map((f) => (r.row.flags?.[f.id] ? 'yes' : '')), ...r.cells.map((c) => (c.value === null ? '' : c.text))];
      if (view.baselineRowId) line.push(...r.cells.map((c) => c.delta ?? ''));
      line.push(marks.join('; '));
      rows.push(line);
    }
  }
  return toCsv(rows);
}

function mdEscape(s: string): string {
  return s.replace(/([\\`*_{}[\]<>|#])/g, '\\$1');
}

function mdCell(c: ViewCell): string {
  if (c.value === null) return '–';
  let v = c.text;
  if (c.rank === 1) v = `**${v}**`;
  else if (c.rank === 2) v = `<u>${v}</u>`;
  const sym = cellSymbols(c);
  if (sym.length) v += `<sup>${sym.map((s) => (s === '*' ? '\\*' : s)).join(',')}</sup>`;
  if (c.delta) v += ` (${c.delta})`;
  return v;
}

/** The view as a GitHub-flavoured Markdown table: best **bold**, second <u>underlined</u>, group rows in italics, footnotes below. */
export function toMarkdown(view: TableView): string {
  const head = ['Model', ...view.flagColumns.map((f) => mdEscape(f.label)), ...view.columns.map((c) => mdEscape(c.group ? `${c.group} ${c.label}` : c.label))];
  const lines = [`**${mdEscape(view.title)}**`, '', `| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? ' --- ' : i <= view.flagColumns.length ? ' :---: ' : ' ---: ')).join('|')}|`];
  for (const g of view.groups) {
    if (view.groups.length > 1) lines.push(`| *${mdEscape(g.label)}* |${' |'.repeat(view.columns.length + view.flagColumns.length)}`);
    for (const r of g.rows) lines.push(`| ${[mdEscape(r.row.label), ...view.flagColumns.map((f) => (r.row.flags?.[f.id] ? '✓' : '')), ...r.cells.map(mdCell)].join(' | ')} |`);
  }
  const notes = view.footnotes.map((f) => mdEscape(f.text));
  const base = view.groups.flatMap((g) => g.rows).find((r) => r.isBaseline);
  if (base) notes.push(`Numbers in parentheses: difference to ${mdEscape(base.row.label)}.`);
  notes.push('Best in bold, second underlined.');
  lines.push('', ...notes.map((n) => `${n}  `));
  return lines.join('\n') + '\n';
}
