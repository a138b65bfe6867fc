import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CURATION_STAGES, curationFunnel, histogram, inventoryGrowthSeries, selectByDynamicity } from './stats';

describe('histogram', () => {
  it('equal-width bins; the last bin includes its right edge; values outside go to the end bins', () => {
    const h = histogram([0, 0.5, 1, 1.5, 2, 4, -3, 9], { bins: 4, min: 0, max: 4 });
    expect(h.edges).toEqual([0, 1, 2, 3, 4]);
    expect(h.counts).toEqual([3, 2, 1, 2]);
    expect(h.skipped).toBe(0);
  });
  it('leaves out non-finite values and handles one distinct value', () => {
    const h = histogram([2, 2, NaN, Infinity], { bins: 3 });
    expect(h.skipped).toBe(2);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(2);
    expect(h.edges[0]).toBeLessThan(2);
    expect(h.edges.at(-1)).toBeGreaterThan(2);
  });
  it('counts sum to the finite values; each value lies in its bin', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 50 }), (values, bins) => {
        const h = histogram(values, { bins });
        expect(h.counts.reduce((a, b) => a + b, 0)).toBe(values.length);
        expect(h.edges).toHaveLength(bins + 1);
        for (let i = 1; i < h.edges.length; i++) expect(h.edges[i]).toBeGreaterThan(h.edges[i - 1]);
        // Each value is counted in a bin whose edges hold it (up to rounding of the edges).
        const lo = h.edges[0];
        const hi = h.edges[bins];
        const tol = (hi - lo) * 1e-9;
        for (const v of values) {
          const b = histogram([v], { bins, min: lo, max: hi }).counts.indexOf(1);
          expect(v).toBeGreaterThanOrEqual(h.edges[b] - tol);
          expect(v).toBeLessThanOrEqual(h.edges[b + 1] + tol);
        }
      }),
    );
  });
  it('a range narrower than the float spacing still counts every value (found by the property test)', () => {
    expect(histogram([0, -5e-324], { bins: 2 }).counts.reduce((a, b) => a + b, 0)).toBe(2);
    const h = histogram([0, 1.5e-323], { bins: 4 });
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(2);
    for (let i = 1; i < h.edges.length; i++) expect(h.edges[i]).toBeGreaterThan(h.edges[i - 1]);
  });
  it('rejects a bad bin count', () => {
    expect(() => histogram([1], { bins: 0 })).toThrow(RangeError);
  });
});

describe('selectByDynamicity', () => {
  it('threshold: strictly above', () => {
    expect(selectByDynamicity([1, 2, 3], { rule: 'threshold', threshold: 2 })).toEqual({ keep: [false, false, true], cutoff: 2 });
  });
  it('top-share: exactly ceil(share × n), ties by input order', () => {
    const r = selectByDynamicity([5, 1, 5, 3, 5], { rule: 'top-share', topShare: 0.4 });
    expect(r.keep).toEqual([true, false, true, false, false]);
    expect(r.cutoff).toBe(5);
    expect(selectByDynamicity([], { rule: 'top-share', topShare: 0.5 })).toEqual({ keep: [], cutoff: null });
    expect(() => selectByDynamicity([1], { rule: 'top-share', topShare: 0 })).toThrow(RangeError);
  });
  it('top-share keeps the highest scores', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { maxLength: 60 }), fc.double({ min: 0.01, max: 1, noNaN: true }), (scores, share) => {
        const { keep } = selectByDynamicity(scores, { rule: 'top-share', topShare: share });
        expect(keep.filter(Boolean)).toHaveLength(Math.ceil(share * scores.length));
        const minKept = Math.min(...scores.filter((_, i) => keep[i]));
        for (let i = 0; i < scores.length; i++) if (!keep[i]) expect(scores[i]).toBeLessThanOrEqual(minKept);
      }),
    );
  });
});

describe('curationFunnel', () => {
  it('counts clips in and out of each stage', () => {
    const f = curationFunnel([
      { stage: 'input', outcome: 'error' },
      { stage: 'duration', outcome: 'rejected', count: 3 },
      { stage: 'duration', outcome: 'error' },
      { stage: 'dynamicity', outcome: 'rejected' },
      { stage: 'annotation', outcome: 'pending' },
      { stage: 'action', outcome: 'rejected' },
      { stage: 'action', outcome: 'kept', count: 2 },
    ]);
    expect(f.map((r) => [r.stage, r.in, r.out, r.rejected, r.errors, r.pending])).toEqual([
      ['input', 10, 9, 0, 1, 0],
      ['duration', 9, 5, 3, 1, 0],
      ['dynamicity', 5, 4, 1, 0, 0],
      ['annotation', 4, 3, 0, 0, 1],
      ['action', 3, 2, 1, 0, 0],
    ]);
  });
  it('conservation: in = out + rejected + errors + pending, and a stage takes in what the previous let out', () => {
    const stage = fc.constantFrom(...CURATION_STAGES);
    const row = fc.oneof(
      fc.record({ stage, outcome: fc.constantFrom('pending', 'rejected', 'error') }),
      fc.record({ stage: fc.constant('action'), outcome: fc.constant('kept') }),
    );
    fc.assert(
      fc.property(fc.array(row, { maxLength: 80 }), (rows) => {
        const f = curationFunnel(rows);
        expect(f[0].in).toBe(rows.length);
        for (let i = 0; i < f.length; i++) {
          expect(f[i].in).toBe(f[i].out + f[i].rejected + f[i].errors + f[i].pending);
          if (i > 0) expect(f[i].in).toBe(f[i - 1].out);
        }
        expect(f.at(-1)!.out).toBe(rows.filter((r) => r.outcome === 'kept').length);
      }),
    );
  });
  it('rejects unknown stages, unknown outcomes and "kept" before the last stage', () => {
    expect(() => curationFunnel([{ stage: 'nope', outcome: 'kept' }])).toThrow(/unknown curation stage/);
    expect(() => curationFunnel([{ stage: 'input', outcome: 'maybe' }])).toThrow(/unknown curation outcome/);
    expect(() => curationFunnel([{ stage: 'duration', outcome: 'kept' }])).toThrow(/last stage/);
  });
});

describe('inventoryGrowthSeries', () => {
  it('cumulative inventory and kept count along the walk, reduced keeping first and last', () => {
    expect(inventoryGrowthSeries([2, 0, 1, 0])).toEqual([
      { rank: 1, inventory: 2, kept: 1 },
      { rank: 2, inventory: 2, kept: 1 },
      { rank: 3, inventory: 3, kept: 2 },
      { rank: 4, inventory: 3, kept: 2 },
    ]);
    const long = inventoryGrowthSeries(Array.from({ length: 10_000 }, (_, i) => (i % 3 === 0 ? 1 : 0)), 100);
    expect(long.length).toBeLessThanOrEqual(101);
    expect(long[0].rank).toBe(1);
    expect(long.at(-1)).toEqual({ rank: 10_000, inventory: 3334, kept: 3334 });
  });
});
