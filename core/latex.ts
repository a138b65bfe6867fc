/**
 * Escaping text for pdflatex, shared by the LaTeX exports (core/results/export.ts tables,
 * core/compare/figure.ts figures). Pure.
 */

/** The ten special characters plus < > | and typographic quotes / dashes, as commands pdflatex prints verbatim (T1 fonts). */
export const LATEX_SPECIALS: Readonly<Record<string, string>> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  $: '\\$',
  '&': '\\&',
  '#': '\\#',
  _: '\\_',
  '%': '\\%',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  '<': '\\textless{}',
  '>': '\\textgreater{}',
  '|': '\\textbar{}',
  '\u2018': '`',
  '\u2019': "'",
  '\u201C': '``',
  '\u201D': "''",
  '\u2013': '--',
  '\u2014': '---',
};

/**
 * Each character of `text` → its command in `extra` or LATEX_SPECIALS, else itself when `keep(ch)`,
 * else "?" (pdflatex has no glyph for it).
 */
export function latexEscapeWith(text: string, opts: { extra?: Readonly<Record<string, string>>; keep: (ch: string) => boolean }): string {
  let out = '';
  for (const ch of text) {
    const mapped = opts.extra?.[ch] ?? LATEX_SPECIALS[ch];
    if (mapped !== undefined) out += mapped;
    else out += opts.keep(ch) ? ch : '?';
  }
  return out;
}
