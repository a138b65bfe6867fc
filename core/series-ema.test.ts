import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { emaAdvance, emaFoldBlocks, emaStep, emaSum, emaValue, EMA_EMPTY, ROLLUP_EMA_LENGTH, summarizeBlock, type EmaState } from './series-ema';
import { SMOOTHING_STOPS, smoothEma, snapSmoothing, smoothingStopIndex } from './smoothing';

const values = fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 300 });
const stop = fc.constantFrom(...SMOOTHING_STOPS);

/** |a − b| within 1e-12 of the values' scale. */
function close(a: number, b: number, scale: number): boolean {
  return Math.abs(a - b) <= 1e-12 * Math.max(1, scale);
}

describe('EMA in blocks (core/series-ema.ts)', () => {
  it('point by point from the start it is smoothEma, bit for bit', () => {
    fc.assert(
      fc.property(values, stop, (ys, w) => {
        const ref = smoothEma(ys, w);
        if (ys.every((y) => y === ys[0])) return; // smoothEma's constant-series rule, applied by the callers
        let s: EmaState = EMA_EMPTY;
        ys.forEach((y, i) => {
          s = emaStep(s, y, w);
          expect(emaValue(s, w)).toBe(ref[i]);
        });
      }),
    );
  });

  it('folding block sums gives the same state as folding the points, for any split into blocks', () => {
    fc.assert(
      fc.property(values, stop, fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 40 }), (ys, w, sizes) => {
        const scale = Math.max(...ys.map(Math.abs));
        let byPoint: EmaState = EMA_EMPTY;
        let byBlock: EmaState = EMA_EMPTY;
        const blocks: { count: number; sum: number }[] = [];
        let i = 0;
        for (let k = 0; i < ys.length; k++) {
          const size = sizes[k % sizes.length]!;
          const end = Math.min(ys.length, i + size);
          for (let j = i; j < end; j++) byPoint = emaStep(byPoint, ys[j]!, w);
          const sum = emaSum(ys, w, i, end);
          blocks.push({ count: end - i, sum });
          byBlock = emaAdvance(byBlock, end - i, sum, w);
          expect(byBlock.n).toBe(byPoint.n);
          expect(close(byBlock.last, byPoint.last, scale)).toBe(true);
          // The SQL-style fold over all blocks so far agrees as well.
          const folded = emaFoldBlocks(blocks, w);
          expect(folded.n).toBe(byPoint.n);
          expect(close(folded.last, byPoint.last, scale)).toBe(true);
          i = end;
        }
      }),
    );
  });

  it('a block summary keeps its first minimum / maximum with ranks and the partial sums up to them', () => {
    const steps = [128, 130, 131, 135, 140];
    const ys = [2, -1, 5, -1, 5];
    const s = summarizeBlock(steps, ys, [10, 20, 30, 40, 50]);
    expect(s).toMatchObject({ count: 5, firstStep: 128, lastStep: 140, lastValue: 5, minStep: 130, minRank: 2, minWall: 20, maxStep: 131, maxRank: 3, maxWall: 30 });
    expect(s.ema).toHaveLength(ROLLUP_EMA_LENGTH);
    const i = smoothingStopIndex(0.9);
    expect(s.ema[i * 3]).toBeCloseTo(2 * 0.9 ** 4 - 0.9 ** 3 + 5 * 0.9 ** 2 - 0.9 + 5, 12);
    expect(s.ema[i * 3 + 1]).toBeCloseTo(2 * 0.9 - 1, 12);
    expect(s.ema[i * 3 + 2]).toBeCloseTo(2 * 0.81 - 0.9 + 5, 12);
    // The smoothed value at the min point from the state before the block equals smoothEma there.
    const before = [3, 4];
    let st: EmaState = EMA_EMPTY;
    for (const y of before) st = emaStep(st, y, 0.9);
    const atMin = emaValue(emaAdvance(st, s.minRank, s.ema[i * 3 + 1]!, 0.9), 0.9);
    expect(atMin).toBeCloseTo(smoothEma([...before, 2, -1], 0.9)[3]!, 12);
    expect(() => summarizeBlock([], [], [])).toThrow(/at least one point/);
  });

  it('snaps any weight to the offered stops', () => {
    expect(snapSmoothing(0)).toBe(0);
    expect(snapSmoothing(0.1)).toBe(0);
    expect(snapSmoothing(0.6)).toBe(0.6);
    expect(snapSmoothing(0.62)).toBe(0.6);
    expect(snapSmoothing(0.993)).toBe(0.995);
    expect(snapSmoothing(1)).toBe(0.999);
    expect(snapSmoothing(Number.NaN)).toBe(0);
    expect(smoothingStopIndex(0)).toBe(-1);
  });
});
