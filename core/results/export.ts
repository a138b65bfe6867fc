/**
 * Exports of a results table view (./view.ts): LaTeX (booktabs), CSV (RFC 4180) and Markdown.
 * Pure functions of the view, so a download is what the page shows.
 *
 * LaTeX, as the paper typesets its tables: `\toprule` / `\midrule` / `\bottomrule` (booktabs; the
 * only package needed), a `\cmidrule` under each benchmark span, the row groups separated by
 * `\midrule` with the group name as an italic row (Table 1), best in `\textbf`, second in
 * `\underline`, the Δ in parentheses after the value (`34.2 (+4.4)`, a negative one with a math
 * minus: `($-$1.3)`), the marks as superscripts (`*` reproduced with official code, `\ell` lexical
 * judge, `\dagger` other judge than the column's majority, `\ddagger` trained on test data, `s`
 * simulated, `\S` synthetic sample, `n=21` partial coverage, `n=mixed` an AVG over such cells) with
 * their footnotes under the table, and every text escaped (core/latex.ts `latexEscape`). The caption
 * is the title without its "Table N:" prefix (LaTeX numbers tables itself); the tabular is shrunk to
 * `\linewidth` when wider (graphicx `\resizebox`), so Table 1 fits an article page. Rows whose labels
 * repeat are told apart by their evaluation's name (`displayLabels`).
 */
import { toCsv } from '../csv';
import { latexEscape as latexEscapeShared } from '../latex';
import { cellSymbols, type TableView, type ViewCell } from './view';

/**
 * Escapes text for the table (core/latex.ts `latexEscape`, shared with the comparison figure): LaTeX's
 * special characters as commands, accented letters and common Unicode punctuation / symbols mapped
 * (· – — ‘ ’ “ ” … × ≈ ± Δ → ℓ † ‡ §); only unmappable characters (CJK, emoji) become "?".
 */
export function latexEscape(s: string): string {
  return latexEscapeShared(s);
}

const LATEX_SYMBOL: Record<string, string> = { '*': '*', 'ℓ': '\\ell', '†': '\\dagger', '‡': '\\ddagger', s: '\\mathrm{s}', '§': '\\S' };

/** A mark in math mode: the fixed symbols, or `n=21` / `n=mixed` as upright text. */
function latexSymbol(s: string): string {
  if (LATEX_SYMBOL[s] !== undefined) return LATEX_SYMBOL[s]!;
  const m = /^n=(\w+)$/.exec(s);
  if (m) return `\\mathrm{n{=}${m[1]}}`;
  return latexEscape(s);
}

/** Δ text in LaTeX: a negative sign as a math minus (`$-$1.3`), not a hyphen. */
function latexDelta(d: string): string {
  return d.startsWith('-') ? `$-$${d.slice(1)}` : d;
}

/**
 * Row labels as exports print them (row id → label): a label that several rows share gets, on its
 * measured rows, the evaluation's name in parentheses; when still shared, the source (reported rows) or
 * the judge (measured rows); then the row id. Unique labels and reported rows a measured row merely
 * repeats are unchanged.
 */
export function displayLabels(view: TableView): Map<string, string> {
  const rows = view.groups.flatMap((g) => g.rows.map((r) => r.row));
  const out = new Map(rows.map((r) => [r.id, r.label] as const));
  const judgeOf = (r: (typeof rows)[number]) => [...new Set(Object.values(r.cells).map((c) => c.judge?.model).filter((x): x is string => !!x))].join(', ');
  const steps: ((r: (typeof rows)[number]) => string | null)[] = [
    // measured rows first: the paper's / leaderboards' labels stay as printed when a measured row repeats them
    (r) => (r.origin === 'reported' ? null : r.evalRunName ?? null),
    (r) => (r.origin === 'reported' ? r.source : judgeOf(r) ? `judge ${judgeOf(r)}` : null),
    (r) => r.id,
  ];
  for (const step of steps) {
    const count = new Map<string, number>();
    for (const l of out.values()) count.set(l, (count.get(l) ?? 0) + 1);
    if ([...count.values()].every((n) => n === 1)) break;
    for (const r of rows) {
      const l = out.get(r.id)!;
      if (count.get(l)! > 1) {
        const extra = step(r);
        if (extra) out.set(r.id, `${l} (${extra})`);
      }
    }
  }
  return out;
}

function latexCell(c: ViewCell): string {
  if (c.value === null) return '--';
  let v = c.text;
  if (c.rank === 1) v = `\\textbf{${v}}`;
  else if (c.rank === 2) v = `\\underline{${v}}`;
  const sym = cellSymbols(c);
  if (sym.length) v += `$^{${sym.map(latexSymbol).join(',')}}$`;
  if (c.delta) v += ` (${latexDelta(c.delta)})`;
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
  const labels = displayLabels(view);
  lines.push('% Requires \\usepackage{booktabs} and \\usepackage{graphicx}');
  lines.push('\\begin{table}[t]');
  lines.push('\\centering');
  // LaTeX prints "Table N:" itself: the caption is the title without its own "Table N:" prefix.
  lines.push(`\\caption{${latexEscape(view.title.replace(/^Table\s+\d+\s*:\s*/i, ''))}}`);
  if (options.label) lines.push(`\\label{${options.label.replace(/[^A-Za-z0-9:_.-]/g, '-')}}`);
  lines.push('\\small\\setlength{\\tabcolsep}{4pt}');
  // Shrunk to the text width when wider (never enlarged), so Table 1's 12 columns fit a page.
  lines.push('\\resizebox{\\ifdim\\width>\\linewidth\\linewidth\\else\\width\\fi}{!}{%');
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
    for (const r of g.rows) lines.push(`${[latexEscape(labels.get(r.row.id) ?? r.row.label), ...flagCells(r), ...r.cells.map(latexCell)].join(' & ')} \\\\`);
  });
  lines.push('\\bottomrule');
  lines.push('\\end{tabular}}');
  if (view.footnotes.length || view.baselineRowId) {
    const notes = view.footnotes.map((f) => latexEscape(f.text));
    if (view.baselineRowId) {
      const base = view.groups.flatMap((g) => g.rows).find((r) => r.isBaseline);
      if (base) notes.push(`Numbers in parentheses: difference to ${latexEscape(labels.get(base.row.id) ?? base.row.label)}.`);
    }
    notes.push('Best in bold, second underlined.');
    lines.push(`\\par\\smallskip{\\footnotesize ${notes.join(' ')}\\par}`);
  }
  lines.push('\\end{table}');
  const table = lines.join('\n') + '\n';
  if (!options.standalone) return table;
  return ['\\documentclass{article}', '\\usepackage[T1]{fontenc}', '\\usepackage{booktabs}', '\\usepackage{graphicx}', '\\begin{document}', table, '\\end{document}', ''].join('\n');
}

/**
 * The view as CSV: `group,model,row_id,source`, then one column per table column (the value, empty
 * when missing), `<column> delta` columns when a baseline is chosen, and `marks` (per cell:
 * `<column>: best|second|reproduced*|lexical judge|other judge|trained on test data|simulated|synthetic sample|partial n=<clips> of <full>|mixed coverage`, `; `-separated).
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
          if (c.sample) m.push('synthetic sample');
          if (c.partial) m.push(`partial n=${c.partial.clips} of ${c.partial.full}`);
          else if (c.mixedCoverage) m.push('mixed coverage');
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
  const labels = displayLabels(view);
  const head = ['Model', ...view.flagColumns.map((f) => mdEscape(f.label)), ...view.columns.map((c) => mdEscape(c.group ? `${c.group} ${c.label}` : c.label))];
  const lines = [`**${mdEscape(view.title)}**`, '', `| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? ' --- ' : i <= view.flagColumns.length ? ' :---: ' : ' ---: ')).join('|')}|`];
  for (const g of view.groups) {
    if (view.groups.length > 1) lines.push(`| *${mdEscape(g.label)}* |${' |'.repeat(view.columns.length + view.flagColumns.length)}`);
    for (const r of g.rows) lines.push(`| ${[mdEscape(labels.get(r.row.id) ?? r.row.label), ...view.flagColumns.map((f) => (r.row.flags?.[f.id] ? '✓' : '')), ...r.cells.map(mdCell)].join(' | ')} |`);
  }
  const notes = view.footnotes.map((f) => mdEscape(f.text));
  const base = view.groups.flatMap((g) => g.rows).find((r) => r.isBaseline);
  if (base) notes.push(`Numbers in parentheses: difference to ${mdEscape(labels.get(base.row.id) ?? base.row.label)}.`);
  notes.push('Best in bold, second underlined.');
  lines.push('', ...notes.map((n) => `${n}  `));
  return lines.join('\n') + '\n';
}
