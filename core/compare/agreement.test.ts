import { describe, expect, it } from 'vitest';
import { agreementByLabel, cohenKappa, spanF1, tokenKappa, tokenLabels, whitespaceTokens, type AgreementSpan } from './agreement';

// Tokens and offsets: a[0,1) b[2,3) c[4,5) d[6,7) e[8,9) f[10,11) g[12,13) h[14,15)
const TEXT = 'a b c d e f g h';
const H = 'hallucination';
const A: AgreementSpan[] = [
  { captionId: 'c1', start: 0, end: 3, label: H }, // "a b"
  { captionId: 'c1', start: 8, end: 11, label: H }, // "e f"
];
const B: AgreementSpan[] = [
  { captionId: 'c1', start: 0, end: 3, label: H }, // "a b" (exact match)
  { captionId: 'c1', start: 10, end: 15, label: H }, // "f g h" (overlaps "e f")
];

describe('spanF1', () => {
  it('exact rule: only identical spans match (hand-checked: P = R = 1/2, F1 = 1/2)', () => {
    const r = spanF1(A, B, 'exact');
    expect(r).toMatchObject({ precision: 0.5, recall: 0.5, matchedA: 1, matchedB: 1, totalA: 2, totalB: 2 });
    expect(r.f1).toBeCloseTo(0.5);
  });

  it('overlap rule: spans sharing a character match (hand-checked: F1 = 1)', () => {
    expect(spanF1(A, B, 'overlap').f1).toBe(1);
  });

  it('needs the same caption and label; asymmetric counts give P ≠ R', () => {
    const b2: AgreementSpan[] = [...B, { captionId: 'c2', start: 0, end: 3, label: H }, { captionId: 'c1', start: 0, end: 3, label: 'accurate' }];
    const r = spanF1(A, b2, 'exact', H);
    // B has 3 hallucination spans, 1 matched; A has 2, 1 matched: P = 1/3, R = 1/2, F1 = 2·(1/6)/(5/6) = 0.4
    expect(r.precision).toBeCloseTo(1 / 3);
    expect(r.recall).toBeCloseTo(0.5);
    expect(r.f1).toBeCloseTo(0.4);
  });

  it('no spans on both sides is full agreement; spans on one side only is none', () => {
    expect(spanF1([], [], 'exact').f1).toBe(1);
    expect(spanF1(A, [], 'overlap').f1).toBe(0);
  });
});

describe('token labels and Cohen kappa', () => {
  it('labels whitespace tokens by overlapping spans, "none" elsewhere', () => {
    expect(whitespaceTokens(' ab  c ')).toEqual([
      { start: 1, end: 3, text: 'ab' },
      { start: 5, end: 6, text: 'c' },
    ]);
    expect(tokenLabels(TEXT, A)).toEqual([H, H, 'none', 'none', H, H, 'none', 'none']);
    // overlapping labels: hallucination wins over accurate by precedence; `only` makes it binary
    const mixed = [
      { start: 0, end: 5, label: 'accurate' },
      { start: 2, end: 3, label: H },
    ];
    expect(tokenLabels('a b c d', mixed)).toEqual(['accurate', H, 'accurate', 'none']);
    expect(tokenLabels('a b c d', mixed, { only: 'accurate' })).toEqual(['accurate', 'accurate', 'accurate', 'none']);
  });

  it('kappa of the span example (hand-checked: p_o = 5/8, p_e = 1/2, κ = 1/4)', () => {
    const k = tokenKappa(new Map([['c1', TEXT]]), A, B, H);
    expect(k.n).toBe(8);
    expect(k.observed).toBeCloseTo(0.625);
    expect(k.expected).toBeCloseTo(0.5);
    expect(k.kappa).toBeCloseTo(0.25);
  });

  it('textbook case: p_o = 0.8, p_e = 0.48, κ = 0.32 / 0.52', () => {
    const k = cohenKappa(['y', 'y', 'n', 'n', 'y'], ['y', 'n', 'n', 'n', 'y']);
    expect(k.kappa).toBeCloseTo(0.32 / 0.52, 10);
  });

  it('perfect agreement is 1; one shared category only is undefined (null); lengths must match', () => {
    expect(cohenKappa(['a', 'b'], ['a', 'b']).kappa).toBe(1);
    expect(cohenKappa(['none', 'none'], ['none', 'none']).kappa).toBeNull();
    expect(() => cohenKappa(['a'], [])).toThrow(/differ in length/);
  });

  it('agreementByLabel reports both F1 rules and kappa per label over the given captions only', () => {
    const rows = agreementByLabel(new Map([['c1', TEXT]]), [...A, { captionId: 'other', start: 0, end: 1, label: H }], B, [H, 'accurate']);
    expect(rows[0].label).toBe(H);
    expect(rows[0].exact.f1).toBeCloseTo(0.5);
    expect(rows[0].overlap.f1).toBe(1);
    expect(rows[0].kappa.kappa).toBeCloseTo(0.25);
    expect(rows[1].exact.f1).toBe(1);
    expect(rows[1].kappa.kappa).toBeNull();
  });
});
