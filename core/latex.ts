/**
 * Escaping text for pdflatex, shared by the LaTeX exports (core/results/export.ts tables,
 * core/compare/figure.ts figures): one function, `latexEscape`. Pure.
 *
 * Output uses only commands of the LaTeX kernel (no package beyond what a plain `article` has), so it
 * compiles with OT1 or T1 fonts, with or without inputenc: accented Latin letters become accent
 * commands (`é` → `{\'e}`), common Unicode punctuation and symbols their commands (`·` →
 * `\textperiodcentered{}`, `–` → `--`, `…` → `\ldots{}`, `×` → `$\times$`, `Δ` → `$\Delta$`, …).
 * Only characters with no mapping (CJK, emoji, control characters) become "?".
 */

/** The ten special characters plus < > | " and typographic quotes / dashes, as commands pdflatex prints verbatim. */
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
  '"': "''",
  '\u2018': '`',
  '\u2019': "'",
  '\u201A': ',',
  '\u201C': '``',
  '\u201D': "''",
  '\u201E': ',,',
  '\u00AB': '<<',
  '\u00BB': '>>',
  '\u2039': '<',
  '\u203A': '>',
  '\u2013': '--',
  '\u2014': '---',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '--',
  '\u2212': '$-$',
  '\u2026': '\\ldots{}',
  '\u00B7': '\\textperiodcentered{}',
  '\u2022': '\\textbullet{}',
  '\u2027': '\\textperiodcentered{}',
  '\u00A0': '~',
  '\u2002': ' ',
  '\u2003': ' ',
  '\u2009': '\\,',
  '\u202F': '\\,',
  '\u200B': '',
  '\u200C': '',
  '\u200D': '',
  '\uFEFF': '',
  '\u00D7': '$\\times$',
  '\u00F7': '$\\div$',
  '\u00B1': '$\\pm$',
  '\u2248': '$\\approx$',
  '\u2260': '$\\neq$',
  '\u2264': '$\\leq$',
  '\u2265': '$\\geq$',
  '\u2192': '$\\rightarrow$',
  '\u2190': '$\\leftarrow$',
  '\u2194': '$\\leftrightarrow$',
  '\u21D2': '$\\Rightarrow$',
  '\u2191': '$\\uparrow$',
  '\u2193': '$\\downarrow$',
  '\u221E': '$\\infty$',
  '\u2032': "$'$",
  '\u00B0': '$^{\\circ}$',
  '\u2713': '$\\surd$',
  '\u2714': '$\\surd$',
  '\u221A': '$\\surd$',
  '\u2020': '$\\dagger$',
  '\u2021': '$\\ddagger$',
  '\u2113': '$\\ell$',
  '\u00A7': '\\S{}',
  '\u00B6': '\\P{}',
  '\u00A9': '\\copyright{}',
  '\u00AE': '(R)',
  '\u2122': '(TM)',
  '\u00A3': '\\pounds{}',
  '\u20AC': 'EUR',
  '\u00B5': '$\\mu$',
  '\u00DF': '{\\ss}',
  '\u00E6': '{\\ae}',
  '\u00C6': '{\\AE}',
  '\u0153': '{\\oe}',
  '\u0152': '{\\OE}',
  '\u00F8': '{\\o}',
  '\u00D8': '{\\O}',
  '\u0142': '{\\l}',
  '\u0141': '{\\L}',
  '\u0131': '{\\i}',
  '\u00BF': '?`',
  '\u00A1': '!`',
  '\u00AD': '',
  // Greek (math mode; capitals without a math command fall back to their Latin look-alikes)
  '\u0391': 'A', '\u0392': 'B', '\u0393': '$\\Gamma$', '\u0394': '$\\Delta$', '\u0395': 'E', '\u0396': 'Z', '\u0397': 'H', '\u0398': '$\\Theta$',
  '\u0399': 'I', '\u039A': 'K', '\u039B': '$\\Lambda$', '\u039C': 'M', '\u039D': 'N', '\u039E': '$\\Xi$', '\u039F': 'O', '\u03A0': '$\\Pi$',
  '\u03A1': 'P', '\u03A3': '$\\Sigma$', '\u03A4': 'T', '\u03A5': '$\\Upsilon$', '\u03A6': '$\\Phi$', '\u03A7': 'X', '\u03A8': '$\\Psi$', '\u03A9': '$\\Omega$',
  '\u03B1': '$\\alpha$', '\u03B2': '$\\beta$', '\u03B3': '$\\gamma$', '\u03B4': '$\\delta$', '\u03B5': '$\\epsilon$', '\u03B6': '$\\zeta$', '\u03B7': '$\\eta$',
  '\u03B8': '$\\theta$', '\u03B9': '$\\iota$', '\u03BA': '$\\kappa$', '\u03BB': '$\\lambda$', '\u03BC': '$\\mu$', '\u03BD': '$\\nu$', '\u03BE': '$\\xi$',
  '\u03BF': 'o', '\u03C0': '$\\pi$', '\u03C1': '$\\rho$', '\u03C3': '$\\sigma$', '\u03C2': '$\\varsigma$', '\u03C4': '$\\tau$', '\u03C5': '$\\upsilon$',
  '\u03C6': '$\\phi$', '\u03C7': '$\\chi$', '\u03C8': '$\\psi$', '\u03C9': '$\\omega$',
};

/** Combining marks (after NFD) → the LaTeX accent command over the base letter. */
const ACCENTS: Readonly<Record<string, string>> = {
  '\u0300': '`',
  '\u0301': "'",
  '\u0302': '^',
  '\u0303': '~',
  '\u0304': '=',
  '\u0306': 'u',
  '\u0307': '.',
  '\u0308': '"',
  '\u030A': 'r',
  '\u030B': 'H',
  '\u030C': 'v',
  '\u0327': 'c',
  '\u0328': 'k',
  '\u0323': 'd',
};

/** An accented Latin letter as accent commands (`é` → `{\'e}`, `ǖ` → `{\"{\=u}}`), or null. */
function accented(ch: string): string | null {
  const d = ch.normalize('NFD');
  if (d.length < 2 || !/^[A-Za-z]$/.test(d[0]!)) return null;
  // i and j lose their dot under an accent
  let out = d[0] === 'i' ? '\\i' : d[0] === 'j' ? '\\j' : d[0]!;
  for (const m of d.slice(1)) {
    const cmd = ACCENTS[m];
    if (!cmd) return null;
    out = `\\${cmd}{${out}}`;
  }
  return `{${out}}`;
}

/**
 * `text` → LaTeX source that pdflatex prints as the text (see the module comment). Printable ASCII
 * stays (the specials as commands); tabs become spaces; `extra` maps characters first (e.g. a caller's
 * own symbols); anything unmappable → "?". `collapseWhitespace`: every whitespace run (line breaks
 * included) becomes one space, as in a caption; otherwise line breaks become spaces one by one.
 */
export function latexEscape(text: string, opts: { extra?: Readonly<Record<string, string>>; collapseWhitespace?: boolean } = {}): string {
  const src = opts.collapseWhitespace ? text.replace(/\s+/g, ' ') : text;
  let out = '';
  for (const ch of src) {
    const mapped = opts.extra?.[ch] ?? LATEX_SPECIALS[ch];
    if (mapped !== undefined) {
      out += mapped;
      continue;
    }
    const code = ch.codePointAt(0)!;
    if (code >= 0x20 && code <= 0x7e) out += ch;
    else if (ch === '\t' || ch === '\n' || ch === '\r') out += ' ';
    else out += accented(ch) ?? '?';
  }
  return out;
}
