import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ThinkSubject } from './types';
import { f1Score, itemListScore, SimilarityCache, thinkScore, type EmbeddingLookup } from './tscore';
import { lexicalEmbedding } from './lexical';

/**
 * Embeddings with chosen similarities: reference texts are basis vectors e_k; a predicted text
 * gets the given dot products with them plus a private residual dimension making it unit length.
 */
function designedEmbeddings(refs: string[], preds: Record<string, Record<string, number>>): EmbeddingLookup {
  const dim = refs.length + Object.keys(preds).length;
  const table = new Map<string, Float32Array>();
  refs.forEach((r, k) => {
    const v = new Float32Array(dim);
    v[k] = 1;
    table.set(r, v);
  });
  Object.entries(preds).forEach(([text, sims], p) => {
    const v = new Float32Array(dim);
    let sq = 0;
    for (const [ref, s] of Object.entries(sims)) {
      v[refs.indexOf(ref)] = s;
      sq += s * s;
    }
    if (sq > 1) throw new Error(`${text}: similarities are not realisable by a unit vector`);
    v[refs.length + p] = Math.sqrt(1 - sq);
    table.set(text, v);
  });
  return (t) => table.get(t);
}

/** Every distinct text its own orthogonal direction: identical texts → 1, different → 0. */
function oneHot(): EmbeddingLookup {
  const ids = new Map<string, number>();
  return (t) => {
    if (!ids.has(t)) ids.set(t, ids.size);
    const v = new Float32Array(64);
    v[ids.get(t) as number] = 1;
    return v;
  };
}

const lexical: EmbeddingLookup = (t) => lexicalEmbedding(t, 512);

describe('itemListScore (Eqs. 2–3)', () => {
  it('thresholds, assigns and computes P, R, F1', () => {
    const embed = designedEmbeddings(['A', 'B'], { a: { A: 0.9, B: 0.3 }, b: { A: 0.4, B: 0.6 }, c: { A: 0.2, B: 0.1 } });
    const r = itemListScore(['a', 'b', 'c'], ['A', 'B'], embed, { simThreshold: 0.5 });
    // Thresholded SIM: a–A 0.9, b–B 0.6, rest 0. Σ = 1.5; P = 1.5/3 = 0.5; R = 1.5/2 = 0.75;
    // F1 = 2·0.5·0.75 / (0.5 + 0.75) = 0.75 / 1.25 = 0.6.
    expect(r.precision).toBeCloseTo(0.5, 6);
    expect(r.recall).toBeCloseTo(0.75, 6);
    expect(r.f1).toBeCloseTo(0.6, 6);
    expect(r.matches).toEqual([
      { pred: 'a', ref: 'A', sim: 0.9 },
      { pred: 'b', ref: 'B', sim: 0.6 },
    ]);
    expect(r.unmatchedPred).toEqual(['c']);
    expect(r.unmatchedRef).toEqual([]);
  });

  it('finds the optimal assignment where greedy matching would not', () => {
    const embed = designedEmbeddings(['A', 'B'], { a: { A: 0.7, B: 0.65 }, b: { A: 0.68, B: 0.1 } });
    const r = itemListScore(['a', 'b'], ['A', 'B'], embed);
    // Greedy takes a–A 0.7 and leaves b–B 0.1 < δ: Σ 0.7. Optimal: a–B 0.65 + b–A 0.68 = 1.33.
    // P = R = 1.33 / 2 = 0.665 = F1.
    expect(r.precision).toBeCloseTo(0.665, 6);
    expect(r.recall).toBeCloseTo(0.665, 6);
    expect(r.f1).toBeCloseTo(0.665, 6);
    expect(r.matches.map((m) => `${m.pred}-${m.ref}`)).toEqual(['a-B', 'b-A']);
  });

  it('keeps a similarity at δ and drops one just below', () => {
    const embed = designedEmbeddings(['A'], { at: { A: 0.5 }, below: { A: 0.499 } });
    // At δ: Σ = 0.5, P = R = 0.5/1. Just below: set to 0.
    expect(itemListScore(['at'], ['A'], embed, { simThreshold: 0.5 }).precision).toBeCloseTo(0.5, 6);
    expect(itemListScore(['below'], ['A'], embed, { simThreshold: 0.5 }).precision).toBe(0);
    // δ = 0.4 keeps both.
    expect(itemListScore(['below'], ['A'], embed, { simThreshold: 0.4 }).precision).toBeCloseTo(0.499, 6);
  });

  it('scores 0 when exactly one list is empty, and 1 when both are (a decision the paper leaves open)', () => {
    expect(itemListScore([], ['A'], oneHot())).toMatchObject({ precision: 0, recall: 0, f1: 0 });
    expect(itemListScore(['A'], [], oneHot())).toMatchObject({ precision: 0, recall: 0, f1: 0 });
    expect(itemListScore([], [], oneHot())).toMatchObject({ precision: 1, recall: 1, f1: 1, matches: [], unmatchedPred: [], unmatchedRef: [] });
  });

  it('matches brute force over the thresholded cosine matrix (property)', () => {
    const vector = fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 4, maxLength: 4 }).filter((v) => v.some((x) => x !== 0));
    fc.assert(
      fc.property(fc.array(vector, { minLength: 1, maxLength: 5 }), fc.array(vector, { minLength: 1, maxLength: 5 }), fc.constantFrom(0, 0.3, 0.5, 0.8), (predVecs, refVecs, delta) => {
        const table = new Map<string, Float32Array>();
        const pred = predVecs.map((v, i) => (table.set(`p${i}`, Float32Array.from(v)), `p${i}`));
        const ref = refVecs.map((v, j) => (table.set(`r${j}`, Float32Array.from(v)), `r${j}`));
        const cos = (a: number[], b: number[]) => a.reduce((s, x, k) => s + x * b[k], 0) / Math.hypot(...a) / Math.hypot(...b);
        const sim = predVecs.map((a) => refVecs.map((b) => (cos(a, b) >= delta - 1e-6 && cos(a, b) > 0 ? cos(a, b) : 0)));
        // Brute force: best Σ over injective maps of the smaller side into the larger.
        let best = 0;
        const used = new Set<number>();
        const small = pred.length <= ref.length;
        const walk = (i: number, total: number) => {
          if (i === (small ? pred.length : ref.length)) {
            best = Math.max(best, total);
            return;
          }
          for (let j = 0; j < (small ? ref.length : pred.length); j++) {
            if (used.has(j)) continue;
            used.add(j);
            walk(i + 1, total + (small ? sim[i][j] : sim[j][i]));
            used.delete(j);
          }
        };
        walk(0, 0);
        const r = itemListScore(pred, ref, (t) => table.get(t), { simThreshold: delta });
        expect(r.precision * pred.length).toBeCloseTo(best, 5);
        expect(r.recall * ref.length).toBeCloseTo(best, 5);
      }),
      { numRuns: 500 },
    );
  });

  it('f1Score is 0 when P + R = 0', () => {
    expect(f1Score(0, 0)).toBe(0);
    expect(f1Score(0.5, 1)).toBeCloseTo(2 / 3, 12);
  });
});

describe('thinkScore (Eqs. 4–6)', () => {
  it('computes the hand-worked two-entity example', () => {
    const pred: ThinkSubject[] = [
      { subject: 'man', attributes: ['tall'], actions: ['walk', 'wave'] },
      { subject: 'dog', attributes: [], actions: ['bark'] },
    ];
    const ref: ThinkSubject[] = [
      { subject: 'man', attributes: ['tall'], actions: ['walk'] },
      { subject: 'dog', attributes: ['black'], actions: ['bark'] },
    ];
    const r = thinkScore(pred, ref, oneHot());
    // (man, man): attr P = R = 1 → F1 1; act Σ 1, P = 1/2, R = 1/1 → F1 = 2·0.5·1/1.5 = 2/3; name 1 → sim 8/3.
    // (dog, dog): attr pred empty → 0; act P = R = 1 → F1 1; name 1 → sim 2. Cross pairs: 0.
    // Actions: P = (1/2 + 1) / N=2 = 0.75, R = (1 + 1) / M=2 = 1, F1 = 1.5/1.75 = 6/7.
    // Attributes: P = (1 + 0) / 2 = 0.5, R = (1 + 0) / 2 = 0.5, F1 = 0.5.
    // Tscore = 0.6 · 6/7 + 0.4 · 0.5 = 0.514285… + 0.2 = 0.714285…
    expect(r.action.precision).toBeCloseTo(0.75, 9);
    expect(r.action.recall).toBeCloseTo(1, 9);
    expect(r.action.f1).toBeCloseTo(6 / 7, 9);
    expect(r.attribute).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(r.tscore).toBeCloseTo(0.6 * (6 / 7) + 0.2, 9);
    expect(r.entities.map((e) => [e.pred, e.ref, e.sim, e.nameSim])).toEqual([
      [0, 0, 2.6667, 1],
      [1, 1, 2, 1],
    ]);
    expect(r.entities[0].action.unmatchedPred).toEqual(['wave']);
    expect(r.entities[1].attribute.unmatchedRef).toEqual(['black']);
  });

  it('divides by N predicted and M reference subjects', () => {
    const man = { subject: 'man', attributes: ['tall'], actions: ['walk'] };
    const dog = { subject: 'dog', attributes: ['black'], actions: ['bark'] };
    // One perfect predicted subject of two: P = 1/1, R = 1/2, F1 = 2/3 for both lists → Tscore 2/3.
    const fewer = thinkScore([man], [man, dog], oneHot());
    expect(fewer.tscore).toBeCloseTo(2 / 3, 9);
    expect(fewer.unmatchedRefSubjects).toEqual([1]);
    // Two predicted, one reference: P = 1/2, R = 1/1 → again 2/3.
    const more = thinkScore([dog, man], [man], oneHot());
    expect(more.tscore).toBeCloseTo(2 / 3, 9);
    expect(more.entities.map((e) => [e.pred, e.ref])).toEqual([[1, 0]]);
    expect(more.unmatchedPredSubjects).toEqual([0]);
  });

  it('uses the name similarity to pick the entity assignment, without δ on names', () => {
    // Same lists for both predicted subjects; only names differ. Name sims 0.3 (below δ = 0.5)
    // still decide: the pairing with the higher name similarity wins.
    const embed = designedEmbeddings(['Man', 'Woman', 'walk'], {
      guy: { Man: 0.3, Woman: 0.1 },
      lady: { Man: 0.1, Woman: 0.3 },
    });
    const pred = [
      { subject: 'lady', attributes: [], actions: ['walk'] },
      { subject: 'guy', attributes: [], actions: ['walk'] },
    ];
    const ref = [
      { subject: 'Man', attributes: [], actions: ['walk'] },
      { subject: 'Woman', attributes: [], actions: ['walk'] },
    ];
    const r = thinkScore(pred, ref, embed);
    expect(r.entities.map((e) => [e.predName, e.refName, e.nameSim])).toEqual([
      ['lady', 'Woman', 0.3],
      ['guy', 'Man', 0.3],
    ]);
    // With δ applied to names too, the names no longer count (sim 0).
    expect(thinkScore(pred, ref, embed, { nameThreshold: 0.5 }).entities.every((e) => e.nameSim === 0)).toBe(true);
  });

  it('treats empty-vs-empty attribute lists as a perfect match in Eq. 4 and Eq. 5', () => {
    const ref = [
      { subject: 'man', attributes: [], actions: ['walk', 'wave'] },
      { subject: 'dog', attributes: ['black'], actions: ['bark'] },
    ];
    // Before: the man's empty attribute list scored 0, so a verbatim copy got attribute F1 0.5 → Tscore 0.8.
    const copy = thinkScore(ref, ref, oneHot());
    expect(copy.attribute).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(copy.tscore).toBe(1);
    // Entity similarity (Eq. 4) of the copy of the man: attr F1 1 + act F1 1 + name 1.
    expect(copy.entities[0].sim).toBe(3);
    // An attribute the reference does not have still costs: empty reference vs ['tall'] is 0.
    const extra = thinkScore([{ ...ref[0], attributes: ['tall'] }, ref[1]], ref, oneHot());
    // Attributes: P = (0 + 1)/2, R = (0 + 1)/2 → F1 0.5; actions perfect → 0.6 + 0.4 · 0.5 = 0.8.
    expect(extra.attribute.f1).toBeCloseTo(0.5, 12);
    expect(extra.tscore).toBeCloseTo(0.8, 12);
    // And a prediction with no attributes against a reference with some: 0 for that pair.
    const missing = thinkScore([ref[0], { ...ref[1], attributes: [] }], ref, oneHot());
    expect(missing.attribute.f1).toBeCloseTo(0.5, 12);
  });

  it('scores a copy of any reference exactly 1 (property)', () => {
    // Any item with a visible character (the parser trims items; a blank one has no embedding).
    const item = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim().length > 0);
    const subject = fc.record({ subject: item, attributes: fc.array(item, { maxLength: 4 }), actions: fc.array(item, { maxLength: 4 }) });
    fc.assert(
      fc.property(fc.array(subject, { minLength: 1, maxLength: 5 }), (ref) => {
        expect(thinkScore(ref, ref, lexical).tscore).toBe(1);
      }),
      { numRuns: 300 },
    );
  });

  it('scores 0 without predicted or reference subjects, and 1 for the reference itself', () => {
    const ref = [{ subject: 'man', attributes: ['tall'], actions: ['walk'] }];
    expect(thinkScore([], ref, oneHot()).tscore).toBe(0);
    expect(thinkScore(ref, [], oneHot()).tscore).toBe(0);
    expect(thinkScore(ref, ref, oneHot()).tscore).toBe(1);
  });

  it('treats strings without an embedding as similarity 0 and reports them', () => {
    const r = thinkScore([{ subject: 'x', attributes: ['tall'], actions: ['run'] }], [{ subject: 'x', attributes: ['tall'], actions: ['run'] }], () => undefined);
    expect(r.tscore).toBe(0);
    expect(r.missingEmbeddings).toBe(3);
    // Two empty attribute lists still match (the empty-vs-empty rule needs no embedding): 0.4 · 1.
    const noAttributes = thinkScore([{ subject: 'x', attributes: [], actions: ['run'] }], [{ subject: 'x', attributes: [], actions: ['run'] }], () => undefined);
    expect(noAttributes.tscore).toBeCloseTo(0.4, 12);
  });

  it('is JSON-serialisable', () => {
    const ref = [{ subject: 'man', attributes: ['tall'], actions: ['walk'] }];
    const r = thinkScore(ref, ref, lexical);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  const word = fc.constantFrom('man', 'woman', 'dog', 'red', 'shirt', 'walk', 'run', 'jump', 'hat', 'ball', 'throw', 'catch', 'blue', 'car', 'drive');
  const phrase = fc.array(word, { minLength: 1, maxLength: 3 }).map((ws) => ws.join(' '));
  const subject = fc.record({ subject: phrase, attributes: fc.array(phrase, { maxLength: 6 }), actions: fc.array(phrase, { maxLength: 6 }) });
  const think = fc.array(subject, { maxLength: 4 });

  it('stays in [0, 1] (property)', () => {
    fc.assert(
      fc.property(think, think, fc.double({ min: 0, max: 1, noNaN: true }), (pred, ref, delta) => {
        const r = thinkScore(pred, ref, lexical, { simThreshold: delta });
        for (const x of [r.tscore, r.action.precision, r.action.recall, r.action.f1, r.attribute.precision, r.attribute.recall, r.attribute.f1]) {
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThanOrEqual(1 + 1e-12);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is invariant to the order of subjects and items (property)', () => {
    // Distinct random vectors per string so no two assignments tie (ties may legitimately differ).
    const randomVectors = (seed: number): EmbeddingLookup => {
      const cache = new Map<string, Float32Array>();
      return (t) => {
        let v = cache.get(t);
        if (!v) {
          let h = seed;
          for (let i = 0; i < t.length; i++) h = Math.imul(h ^ t.charCodeAt(i), 0x01000193);
          v = new Float32Array(16).map(() => {
            h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) + 0x6d2b79f5;
            return ((h >>> 0) / 4294967296) * 2 - 1;
          });
          cache.set(t, v);
        }
        return v;
      };
    };
    const uniqueItems = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 2, maxLength: 40 });
    fc.assert(
      fc.property(uniqueItems, fc.integer(), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), (texts, seed, nPred, nRef) => {
        let k = 0;
        const take = () => texts[k++ % texts.length] + `#${k}`;
        const make = (n: number): ThinkSubject[] =>
          Array.from({ length: n }, () => ({ subject: take(), attributes: [take(), take()], actions: [take(), take(), take()] }));
        const pred = make(nPred);
        const ref = make(nRef);
        // Let predictions share some reference strings so real matches happen.
        pred[0].actions[0] = ref[0].actions[1];
        pred[0].attributes[1] = ref[ref.length - 1].attributes[0];
        const embed = randomVectors(seed);
        const base = thinkScore(pred, ref, embed, { simThreshold: 0.2 });
        const shuffle = <T>(xs: T[]): T[] => xs.map((x, i) => [x, (i * 7 + seed) % 11] as const).sort((a, b) => a[1] - b[1]).map(([x]) => x);
        const shuffled = shuffle(pred.map((s) => ({ subject: s.subject, attributes: shuffle(s.attributes), actions: shuffle([...s.actions].reverse()) })));
        const other = thinkScore(shuffled, [...ref].reverse(), embed, { simThreshold: 0.2 });
        expect(other.tscore).toBeCloseTo(base.tscore, 10);
        expect(other.action.f1).toBeCloseTo(base.action.f1, 10);
        expect(other.attribute.f1).toBeCloseTo(base.attribute.f1, 10);
      }),
      { numRuns: 300 },
    );
  });
});

describe('SimilarityCache', () => {
  // Dense vectors (no zeros) so the cached path is the one exercised.
  const dense: EmbeddingLookup = (t) => {
    const v = lexicalEmbedding(t, 64);
    const out = new Float32Array(64);
    for (let i = 0; i < 64; i++) out[i] = v[i] + 0.05 * Math.sin(i + t.length);
    return out;
  };
  const words = ['walk', 'run to the door', 'open the door', 'red shirt', 'long hair', 'pick up a cup', 'sit down', 'jump'];
  const subject = fc.record({
    subject: fc.constantFrom('man', 'woman', 'dog'),
    attributes: fc.array(fc.constantFrom(...words), { maxLength: 4 }),
    actions: fc.array(fc.constantFrom(...words), { maxLength: 4 }),
  });

  it('gives exactly the scores of an uncached computation, across calls sharing one cache', () => {
    const cache = new SimilarityCache(50);
    fc.assert(
      fc.property(fc.array(subject, { minLength: 1, maxLength: 3 }), fc.array(subject, { minLength: 1, maxLength: 3 }), (pred, ref) => {
        const plain = thinkScore(pred, ref, dense);
        const cached = thinkScore(pred, ref, dense, { similarityCache: cache });
        expect(cached).toEqual(plain);
      }),
      { numRuns: 200 },
    );
    expect(cache.hits).toBeGreaterThan(0);
    expect(cache.size).toBeLessThanOrEqual(50);
  });

  it('is symmetric in the pair and survives being cleared when full', () => {
    const cache = new SimilarityCache(2);
    const a = cache.textId('a');
    const b = cache.textId('b');
    cache.set(a, b, 0.7);
    expect(cache.get(b, a)).toBe(0.7);
    cache.set(a, cache.textId('c'), 0.1);
    cache.set(b, cache.textId('c'), 0.2); // full → starts over
    expect(cache.get(a, b)).toBeUndefined();
    expect(cache.size).toBe(1);
  });
});
