/**
 * Inter-annotator agreement on caption spans (issue 13, "an agreement view per label"). Pure.
 *
 * Two measures, both computed per label and over a set of captions both annotators saw:
 *
 * - Span-level F1. With A's spans as reference and B's as predictions, precision is the share of B's
 *   spans matched by one of A's, recall the share of A's spans matched by one of B's, and
 *   F1 = 2PR / (P + R). Two matching rules, reported side by side:
 *     - exact: same caption, same label, identical [start, end) (the strict rule of span-level NER
 *       scoring, e.g. seqeval / CoNLL);
 *     - overlap: same caption, same label, the two spans share at least one character (the lenient
 *       rule common in span-annotation agreement studies).
 *   Exact F1 is symmetric in A and B; overlap F1 is too, since both directions are counted.
 *   No spans on either side → F1 = 1 (nothing to disagree on); spans on one side only → 0.
 *
 * - Cohen's kappa on token labels: every whitespace-separated token of every caption gets one label
 *   per annotator — the label of a span overlapping the token, or "none" — and
 *   κ = (p_o − p_e) / (1 − p_e) with p_o the observed agreement and p_e the chance agreement from the
 *   two annotators' marginal label frequencies (Cohen 1960). Per label, the token labels are binary
 *   (that label vs "none"). When p_e = 1 (both annotators gave every token one and the same label)
 *   κ is undefined and returned as null.
 */

export interface AgreementSpan {
  /** Which caption (any stable key, e.g. the caption id). */
  captionId: string;
  start: number;
  end: number;
  label: string;
}

export interface SpanF1 {
  precision: number;
  recall: number;
  f1: number;
  /** Spans of A matched by B / spans of B matched by A. */
  matchedA: number;
  matchedB: number;
  totalA: number;
  totalB: number;
}

export type SpanMatchRule = 'exact' | 'overlap';

function spanMatches(a: AgreementSpan, b: AgreementSpan, rule: SpanMatchRule): boolean {
  if (a.captionId !== b.captionId || a.label !== b.label) return false;
  return rule === 'exact' ? a.start === b.start && a.end === b.end : a.start < b.end && b.start < a.end;
}

/**
 * Span-level precision / recall / F1 of annotator B against annotator A (see the module comment for
 * the rules). Spans of other labels than `label` are ignored when `label` is given.
 */
export function spanF1(a: readonly AgreementSpan[], b: readonly AgreementSpan[], rule: SpanMatchRule, label?: string): SpanF1 {
  const A = label === undefined ? a : a.filter((s) => s.label === label);
  const B = label === undefined ? b : b.filter((s) => s.label === label);
  const matchedA = A.filter((x) => B.some((y) => spanMatches(x, y, rule))).length;
  const matchedB = B.filter((y) => A.some((x) => spanMatches(x, y, rule))).length;
  if (A.length === 0 && B.length === 0) return { precision: 1, recall: 1, f1: 1, matchedA, matchedB, totalA: 0, totalB: 0 };
  const precision = B.length === 0 ? 0 : matchedB / B.length;
  const recall = A.length === 0 ? 0 : matchedA / A.length;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, matchedA, matchedB, totalA: A.length, totalB: B.length };
}

/** Whitespace tokens of `text` with their character offsets. */
export function whitespaceTokens(text: string): { start: number; end: number; text: string }[] {
  const out: { start: number; end: number; text: string }[] = [];
  for (const m of text.matchAll(/\S+/g)) out.push({ start: m.index ?? 0, end: (m.index ?? 0) + m[0].length, text: m[0] });
  return out;
}

/**
 * One label per whitespace token of `text`: the label of a span overlapping the token, else "none".
 * Several labels on one token: the first in `precedence` wins (labels not listed come after, in
 * alphabetical order). With `only`, the labels are binary: `only` or "none".
 */
export function tokenLabels(
  text: string,
  spans: readonly Pick<AgreementSpan, 'start' | 'end' | 'label'>[],
  opts: { only?: string; precedence?: readonly string[] } = {},
): string[] {
  const precedence = opts.precedence ?? ['hallucination', 'unique', 'accurate', 'note'];
  const rank = (l: string) => {
    const i = precedence.indexOf(l);
    return i >= 0 ? `${String(i).padStart(4, '0')}` : `9999${l}`;
  };
  const relevant = opts.only === undefined ? spans : spans.filter((s) => s.label === opts.only);
  return whitespaceTokens(text).map((t) => {
    const labels = relevant.filter((s) => s.start < t.end && t.start < s.end).map((s) => s.label);
    if (labels.length === 0) return 'none';
    return labels.sort((x, y) => (rank(x) < rank(y) ? -1 : rank(x) > rank(y) ? 1 : 0))[0];
  });
}

export interface Kappa {
  /** Cohen's kappa, or null when undefined (p_e = 1). */
  kappa: number | null;
  /** Observed agreement p_o and chance agreement p_e. */
  observed: number;
  expected: number;
  /** Tokens compared. */
  n: number;
}

/** Cohen's kappa of two equally long label sequences. Throws when the lengths differ. */
export function cohenKappa(a: readonly string[], b: readonly string[]): Kappa {
  if (a.length !== b.length) throw new Error(`cohenKappa: label sequences differ in length (${a.length} vs ${b.length})`);
  const n = a.length;
  if (n === 0) return { kappa: null, observed: 1, expected: 1, n: 0 };
  let agree = 0;
  const ca = new Map<string, number>();
  const cb = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) agree++;
    ca.set(a[i], (ca.get(a[i]) ?? 0) + 1);
    cb.set(b[i], (cb.get(b[i]) ?? 0) + 1);
  }
  const observed = agree / n;
  let expected = 0;
  for (const [label, k] of ca) expected += (k / n) * ((cb.get(label) ?? 0) / n);
  const kappa = Math.abs(1 - expected) < 1e-12 ? null : (observed - expected) / (1 - expected);
  return { kappa, observed, expected, n };
}

/**
 * Cohen's kappa on the token labels of several captions (tokens of all captions pooled).
 * `texts` maps captionId → caption text; spans of captions not in `texts` are ignored.
 */
export function tokenKappa(
  texts: ReadonlyMap<string, string>,
  a: readonly AgreementSpan[],
  b: readonly AgreementSpan[],
  label?: string,
): Kappa {
  const la: string[] = [];
  const lb: string[] = [];
  for (const [id, text] of texts) {
    la.push(...tokenLabels(text, a.filter((s) => s.captionId === id), { only: label }));
    lb.push(...tokenLabels(text, b.filter((s) => s.captionId === id), { only: label }));
  }
  return cohenKappa(la, lb);
}

export interface LabelAgreement {
  label: string;
  exact: SpanF1;
  overlap: SpanF1;
  kappa: Kappa;
}

/** Exact and overlap span F1 and token kappa for each label, over the captions in `texts`. */
export function agreementByLabel(
  texts: ReadonlyMap<string, string>,
  a: readonly AgreementSpan[],
  b: readonly AgreementSpan[],
  labels: readonly string[],
): LabelAgreement[] {
  const inScope = (s: AgreementSpan) => texts.has(s.captionId);
  const A = a.filter(inScope);
  const B = b.filter(inScope);
  return labels.map((label) => ({ label, exact: spanF1(A, B, 'exact', label), overlap: spanF1(A, B, 'overlap', label), kappa: tokenKappa(texts, A, B, label) }));
}
