/**
 * The comparison as the paper's qualitative figure (VideoCap-R1 Fig. 3 and Figs. 6–10: one clip,
 * several models' captions, hallucinated content in red, accurate content in green, details only
 * one model got right highlighted), as LaTeX and as SVG. Pure.
 *
 * LaTeX: red / green text underlined with `\uline` from ulem, unique details with `\hl` from soul,
 * colours from xcolor. The snippet needs in the preamble (`figurePreamble()`):
 *   \usepackage{xcolor} \usepackage[normalem]{ulem} \usepackage{soul}
 *   (and T1 fonts: \usepackage[T1]{fontenc} \usepackage{lmodern}, so < > | and accents print as such)
 * Every character of caption text, model names and titles goes through `latexEscape`.
 *
 * Overlapping spans are allowed: the text is cut at every span boundary and each piece drawn with
 * the strongest label covering it (hallucination > unique > accurate); "note" spans are not drawn.
 */
import { latexEscape as latexEscapeShared } from '../latex';

export interface FigureSpan {
  start: number;
  end: number;
  label: string;
}

export interface FigureColumn {
  /** Model / source name shown in bold before the caption. */
  name: string;
  text: string;
  spans: readonly FigureSpan[];
}

export interface FigureInput {
  /** e.g. the clip id; printed in the caption line. */
  clipId: string;
  /** The reference caption (printed plain, first) or null. */
  reference: string | null;
  columns: readonly FigureColumn[];
  /** The figure's \caption text (escaped); a default naming the clip when absent. */
  title?: string;
  /** \label key (letters, digits, : - _ only; others dropped). */
  label?: string;
}

export type DrawnLabel = 'hallucination' | 'unique' | 'accurate';
const DRAW_ORDER: readonly DrawnLabel[] = ['hallucination', 'unique', 'accurate'];

export interface Segment {
  start: number;
  end: number;
  text: string;
  /** The strongest drawn label covering the piece, or null (plain text). */
  label: DrawnLabel | null;
}

/**
 * Cuts `text` at every span boundary (spans clipped to the text; empty or inverted spans ignored).
 * Adjacent pieces with the same label are merged.
 */
export function segments(text: string, spans: readonly FigureSpan[]): Segment[] {
  const valid = spans
    .map((s) => ({ start: Math.max(0, Math.min(text.length, s.start)), end: Math.max(0, Math.min(text.length, s.end)), label: s.label }))
    .filter((s): s is { start: number; end: number; label: DrawnLabel } => s.end > s.start && (DRAW_ORDER as readonly string[]).includes(s.label));
  const cuts = new Set<number>([0, text.length]);
  for (const s of valid) {
    cuts.add(s.start);
    cuts.add(s.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const covering = valid.filter((s) => s.start <= a && s.end >= b).map((s) => s.label);
    const label = DRAW_ORDER.find((l) => covering.includes(l)) ?? null;
    const last = out[out.length - 1];
    if (last && last.label === label) {
      last.end = b;
      last.text = text.slice(last.start, b);
    } else out.push({ start: a, end: b, text: text.slice(a, b), label });
  }
  return out;
}

/**
 * Text → LaTeX source that prints it under pdflatex (core/latex.ts `latexEscape`, shared with the
 * results tables): the special characters as commands, whitespace runs (line breaks included) as one
 * space, accented letters as accent commands, common Unicode punctuation / symbols mapped; only
 * characters with no mapping (CJK, emoji, control characters) become "?".
 */
export function latexEscape(text: string): string {
  return latexEscapeShared(text, { collapseWhitespace: true });
}

/** Packages and colour definitions the snippet needs (put them in the document preamble). */
export function figurePreamble(): string {
  return [
    '\\usepackage[T1]{fontenc}',
    '\\usepackage[utf8]{inputenc}',
    '\\usepackage{lmodern}',
    '\\usepackage{xcolor}',
    '\\usepackage[normalem]{ulem}',
    '\\usepackage{soul}',
    '\\definecolor{vcHallucination}{RGB}{204,0,0}',
    '\\definecolor{vcAccurate}{RGB}{0,128,0}',
    '\\definecolor{vcUnique}{RGB}{255,235,59}',
    '\\sethlcolor{vcUnique}',
  ].join('\n');
}

function latexPiece(seg: Segment): string {
  const body = latexEscape(seg.text);
  if (seg.label === null || body.trim() === '') return body;
  // Leading / trailing spaces outside the command, so underlines do not run across word gaps.
  const lead = body.match(/^ */)?.[0] ?? '';
  const trail = body.match(/ *$/)?.[0] ?? '';
  const core = body.slice(lead.length, body.length - trail.length);
  if (seg.label === 'hallucination') return `${lead}\\textcolor{vcHallucination}{\\uline{${core}}}${trail}`;
  if (seg.label === 'accurate') return `${lead}\\textcolor{vcAccurate}{\\uline{${core}}}${trail}`;
  return `${lead}\\hl{${soulSafe(core)}}${trail}`;
}

/**
 * soul's \hl reads its argument character by character: a UTF-8 letter (two bytes under pdflatex) and
 * a command with an argument must each be one braced group ("{é}", "{\textbackslash{}}").
 */
function soulSafe(latex: string): string {
  return latex.replace(/\\[A-Za-z]+\{\}|\\[A-Za-z]+|[^\x00-\x7F]/g, (m) => `{${m}}`);
}

/** One caption with its spans as LaTeX (escaped text, spans drawn). */
export function latexCaption(text: string, spans: readonly FigureSpan[]): string {
  return segments(text, spans).map(latexPiece).join('');
}

/** The legend line the paper's figures use. */
export function latexLegend(): string {
  return '\\textcolor{vcHallucination}{\\uline{hallucination}}\\quad \\textcolor{vcAccurate}{\\uline{accurate}}\\quad \\hl{unique detail}';
}

/**
 * The figure environment: reference first (plain), then each source's caption with its spans, then
 * the legend; `\caption` and `\label` at the end. Needs `figurePreamble()`.
 */
export function latexFigure(input: FigureInput): string {
  const lines: string[] = ['% VideoCap Studio comparison figure; preamble: \\usepackage{xcolor} \\usepackage[normalem]{ulem} \\usepackage{soul} (see figurePreamble)'];
  lines.push('\\begin{figure*}[t]', '\\small', '\\setlength{\\parskip}{0.5em}', '\\noindent');
  if (input.reference !== null) lines.push(`\\textbf{Reference:} ${latexEscape(input.reference)}\\par`);
  for (const c of input.columns) lines.push(`\\noindent\\textbf{${latexEscape(c.name)}:} ${latexCaption(c.text, c.spans)}\\par`);
  lines.push(`\\noindent\\textit{Legend:} ${latexLegend()}`);
  const title = input.title ?? `Qualitative comparison on clip ${input.clipId}.`;
  lines.push(`\\caption{${latexEscape(title)}}`);
  const key = (input.label ?? `fig:compare-${input.clipId}`).replace(/[^A-Za-z0-9:_-]/g, '-');
  lines.push(`\\label{${key}}`, '\\end{figure*}');
  return lines.join('\n') + '\n';
}

/** A complete document around `latexFigure` (what CI compiles with pdflatex). */
export function latexDocument(input: FigureInput): string {
  return `\\documentclass{article}\n${figurePreamble()}\n\\begin{document}\n${latexFigure(input)}\\end{document}\n`;
}

// --- SVG ---------------------------------------------------------------------------------------

export interface SvgOptions {
  /** Drawing width in px (default 900). */
  width?: number;
  /** Font size in px (default 14); text is monospace so wrapping is exact. */
  fontSize?: number;
}

const SVG_COLORS: Record<DrawnLabel, string> = { hallucination: '#cc0000', accurate: '#008000', unique: '#ffeb3b' };

/** XML text escaping (& < > " '). Control characters other than tab / line breaks are dropped. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Wraps segments into lines of at most `cols` characters, breaking at spaces (a longer word is cut). */
export function wrapSegments(segs: readonly Segment[], cols: number): Segment[][] {
  const words: Segment[] = [];
  for (const s of segs) {
    for (const m of s.text.replace(/\s/g, ' ').matchAll(/ +|[^ ]+/g)) {
      words.push({ start: s.start + (m.index ?? 0), end: s.start + (m.index ?? 0) + m[0].length, text: m[0], label: s.label });
    }
  }
  const lines: Segment[][] = [[]];
  let used = 0;
  for (const w of words) {
    if (w.text.trim() === '') {
      if (used > 0 && used + w.text.length <= cols) {
        lines[lines.length - 1].push({ ...w, text: ' '.repeat(Math.min(w.text.length, 1)) });
        used += 1;
      }
      continue;
    }
    let rest = w;
    while (rest.text.length > 0) {
      if (used + rest.text.length > cols && used > 0) {
        // drop a trailing space and start a new line
        const line = lines[lines.length - 1];
        if (line.length && line[line.length - 1].text === ' ') line.pop();
        lines.push([]);
        used = 0;
      }
      const take = Math.min(rest.text.length, cols - used);
      lines[lines.length - 1].push({ ...rest, text: rest.text.slice(0, take), end: rest.start + take });
      used += take;
      rest = { ...rest, start: rest.start + take, text: rest.text.slice(take) };
    }
  }
  return lines.filter((l, i) => l.length > 0 || i === 0);
}

/**
 * The figure as a standalone SVG document: a block per source (bold name, then the wrapped caption),
 * hallucinated text red and underlined, accurate text green and underlined, unique details on a
 * yellow background, and the legend at the bottom. Monospace text, so lines wrap exactly.
 */
export function svgFigure(input: FigureInput, opts: SvgOptions = {}): string {
  const width = opts.width ?? 900;
  const fs = opts.fontSize ?? 14;
  const charW = fs * 0.6;
  const lineH = Math.round(fs * 1.5);
  const pad = 12;
  const cols = Math.max(20, Math.floor((width - 2 * pad) / charW));
  const parts: string[] = [];
  let y = pad;
  const block = (name: string, text: string, spans: readonly FigureSpan[]) => {
    y += lineH;
    parts.push(`<text x="${pad}" y="${y}" font-weight="bold">${xmlEscape(name)}</text>`);
    const lines = wrapSegments(segments(text, spans), cols);
    for (const line of lines) {
      y += lineH;
      let x = pad;
      const tspans: string[] = [];
      for (const piece of line) {
        const w = piece.text.length * charW;
        if (piece.label === 'unique') parts.push(`<rect x="${x.toFixed(1)}" y="${(y - fs).toFixed(1)}" width="${w.toFixed(1)}" height="${(fs * 1.25).toFixed(1)}" fill="${SVG_COLORS.unique}"/>`);
        if ((piece.label === 'hallucination' || piece.label === 'accurate') && piece.text.trim() !== '') {
          parts.push(`<line x1="${x.toFixed(1)}" y1="${(y + 3).toFixed(1)}" x2="${(x + w).toFixed(1)}" y2="${(y + 3).toFixed(1)}" stroke="${SVG_COLORS[piece.label]}" stroke-width="1.5"/>`);
        }
        const fill = piece.label === 'hallucination' || piece.label === 'accurate' ? ` fill="${SVG_COLORS[piece.label]}"` : '';
        tspans.push(`<tspan x="${x.toFixed(1)}"${fill}${piece.label ? ` data-label="${piece.label}"` : ''}>${xmlEscape(piece.text)}</tspan>`);
        x += w;
      }
      parts.push(`<text y="${y}" xml:space="preserve">${tspans.join('')}</text>`);
    }
    y += Math.round(lineH / 2);
  };
  if (input.reference !== null) block('Reference', input.reference, []);
  for (const c of input.columns) block(c.name, c.text, c.spans);
  // Legend
  y += lineH;
  let x = pad;
  const legend: [DrawnLabel, string][] = [
    ['hallucination', 'hallucination'],
    ['accurate', 'accurate'],
    ['unique', 'unique detail'],
  ];
  for (const [label, text] of legend) {
    const w = text.length * charW;
    if (label === 'unique') parts.push(`<rect x="${x.toFixed(1)}" y="${(y - fs).toFixed(1)}" width="${w.toFixed(1)}" height="${(fs * 1.25).toFixed(1)}" fill="${SVG_COLORS.unique}"/>`);
    else parts.push(`<line x1="${x.toFixed(1)}" y1="${(y + 3).toFixed(1)}" x2="${(x + w).toFixed(1)}" y2="${(y + 3).toFixed(1)}" stroke="${SVG_COLORS[label]}" stroke-width="1.5"/>`);
    parts.push(`<text x="${x.toFixed(1)}" y="${y}"${label === 'unique' ? '' : ` fill="${SVG_COLORS[label]}"`} data-legend="${label}">${text}</text>`);
    x += w + 3 * charW;
  }
  y += lineH;
  parts.push(`<text x="${pad}" y="${y}" font-style="italic" font-size="${Math.round(fs * 0.85)}">${xmlEscape(input.title ?? `Qualitative comparison on clip ${input.clipId}.`)}</text>`);
  const height = Math.ceil(y + pad);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="${fs}">` +
    `<rect width="100%" height="100%" fill="#ffffff"/>` +
    parts.join('') +
    `</svg>`
  );
}
