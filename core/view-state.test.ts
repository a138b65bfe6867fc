import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  defaultViewState,
  parseViewState,
  patchViewState,
  RUN_PAGE_TABS,
  serializeViewState,
  writeViewState,
  type ChartViewState,
} from './view-state';
import { SMOOTHING_STOPS } from './smoothing';

describe('parseViewState', () => {
  it('reads every parameter', () => {
    const s = parseViewState('?runs=ck1,ck2&keys=think_score,rewards/Format/mean&smoothing=0.85&x=relative&zoom=20,140&tab=rollouts');
    expect(s).toEqual({
      runs: ['ck1', 'ck2'],
      keys: ['think_score', 'rewards/Format/mean'],
      smoothing: 0.85,
      xAxis: 'relative',
      zoom: [20, 140],
      tab: 'rollouts',
    });
  });

  it('accepts URLSearchParams and a Next searchParams record', () => {
    expect(parseViewState(new URLSearchParams('x=relative')).xAxis).toBe('relative');
    expect(parseViewState({ runs: ['a,b', 'ignored'], tab: 'config' })).toMatchObject({ runs: ['a', 'b'], tab: 'config' });
    expect(parseViewState({ smoothing: undefined }).smoothing).toBe(0.6);
  });

  it('falls back to defaults for bad values and never throws', () => {
    const d = defaultViewState();
    expect(parseViewState('smoothing=abc&x=wall&zoom=1,2,3&tab=nope')).toEqual(d);
    expect(parseViewState('smoothing=&zoom=,5')).toEqual(d);
    expect(parseViewState('zoom=NaN,4')).toEqual(d);
    expect(parseViewState('zoom=4,4')).toEqual(d);
    expect(parseViewState('zoom=1e400,4')).toEqual(d);
    expect(parseViewState(null)).toEqual(d);
    expect(parseViewState(undefined)).toEqual(d);
    expect(parseViewState('%%%&&==')).toEqual(d);
    const throwing = { get: () => { throw new Error('boom'); }, getAll: () => [] };
    expect(parseViewState(throwing)).toEqual(d);
  });

  it('snaps smoothing to the slider stops in [0, 0.999], swaps a reversed zoom and rounds it to whole steps, dedupes lists', () => {
    expect(parseViewState('smoothing=1').smoothing).toBe(0.999);
    expect(parseViewState('smoothing=-3').smoothing).toBe(0);
    expect(parseViewState('smoothing=0.12345').smoothing).toBe(0);
    expect(parseViewState('smoothing=0.93').smoothing).toBe(0.95);
    expect(parseViewState('zoom=140,20').zoom).toEqual([20, 140]);
    expect(parseViewState('zoom=92.15,140.0001').zoom).toEqual([92, 141]);
    expect(parseViewState('zoom=3.2,3.7').zoom).toEqual([3, 4]);
    expect(parseViewState('runs=a,,b, a ,b').runs).toEqual(['a', 'b']);
  });

  it('honours a custom tab list', () => {
    expect(parseViewState('tab=overview', { tabs: ['overview', 'charts'] }).tab).toBe('overview');
    expect(parseViewState('tab=rollouts', { tabs: ['overview', 'charts'] }).tab).toBe('overview');
  });

  it('property: parse never throws on arbitrary query strings', () => {
    fc.assert(
      fc.property(fc.string(), (q) => {
        const s = parseViewState(q);
        expect(s.smoothing).toBeGreaterThanOrEqual(0);
        expect(s.smoothing).toBeLessThanOrEqual(0.999);
      }),
    );
  });
});

describe('serializeViewState', () => {
  it('omits defaults and writes a fixed order', () => {
    expect(serializeViewState(defaultViewState())).toBe('');
    const s: ChartViewState = { tab: 'rollouts', zoom: [0, 15], xAxis: 'relative', smoothing: 0.9, keys: ['reward'], runs: ['b', 'a'] };
    expect(serializeViewState(s)).toBe('runs=b,a&keys=reward&smoothing=0.9&x=relative&zoom=0,15&tab=rollouts');
    // A drag ends between steps; the URL holds whole steps.
    expect(serializeViewState({ ...s, zoom: [92.15, 180.6] })).toContain('zoom=92,181');
  });

  it('encodes odd characters but keeps slashes readable, and drops items with commas', () => {
    const q = serializeViewState({ ...defaultViewState(), runs: ['a b&c', 'x,y'], keys: ['rewards/Format/mean'] });
    expect(q).toBe('runs=a%20b%26c&keys=rewards/Format/mean');
    expect(parseViewState(q).runs).toEqual(['a b&c']);
  });

  it('property: round trip parse(serialize(s)) = s', () => {
    const item = fc
      .string({ minLength: 1, maxLength: 12 })
      .map((s) => s.replace(/,/g, '').trim())
      .filter((s) => s.length > 0);
    const whole = fc.integer({ min: -1e12, max: 1e12 });
    const state = fc.record({
      runs: fc.uniqueArray(item, { maxLength: 6 }),
      keys: fc.uniqueArray(item, { maxLength: 6 }),
      smoothing: fc.constantFrom(0, ...SMOOTHING_STOPS),
      xAxis: fc.constantFrom('step' as const, 'relative' as const),
      zoom: fc.option(
        fc.tuple(whole, whole).filter(([a, b]) => a !== b).map(([a, b]): [number, number] => (a < b ? [a, b] : [b, a])),
        { nil: null },
      ),
      tab: fc.constantFrom(...RUN_PAGE_TABS),
    });
    fc.assert(
      fc.property(state, (s) => {
        const q = serializeViewState(s);
        expect(parseViewState(q)).toEqual(s);
        expect(parseViewState(new URLSearchParams(q))).toEqual(s);
        expect(serializeViewState(parseViewState(q))).toBe(q);
      }),
    );
  });
});

describe('writeViewState / patchViewState', () => {
  it('keeps unrelated parameters and replaces ours', () => {
    const q = writeViewState('?page=2&smoothing=0.1&sample=3', { ...defaultViewState(), xAxis: 'relative' });
    expect(q).toBe('page=2&sample=3&x=relative');
  });

  it('clears zoom when the x-axis changes', () => {
    const s: ChartViewState = { ...defaultViewState(), zoom: [10, 20] };
    expect(patchViewState(s, { xAxis: 'relative' }).zoom).toBeNull();
    expect(patchViewState(s, { xAxis: 'step' }).zoom).toEqual([10, 20]);
    expect(patchViewState(s, { xAxis: 'relative', zoom: [1, 2] }).zoom).toEqual([1, 2]);
  });
});
