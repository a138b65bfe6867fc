import { describe, expect, it } from 'vitest';
import {
  bandPath,
  linePath,
  visibleRange,
  computeXDomain,
  computeYDomain,
  formatMetricValue,
  formatRelativeSeconds,
  formatX,
  hoverAt,
  nearestIndex,
  niceDomain,
  niceTicks,
  orderMetricKeys,
  prepareSeries,
  xAxisTicks,
  xValueAt,
  type MetricSeries,
} from './chart-data';
import { assignRunColors, preferredRunColor, RUN_PALETTE } from './colors';

// A reduced series: pixel columns [0, 1] (points 0–1), [2] and [3].
const series: MetricSeries = {
  runId: 'r1',
  runName: 'run one',
  step: [0, 10, 20, 30],
  value: [1, 2.5, 3, 4],
  smoothed: [1, 1.9, 2.5, 3.2],
  smoothing: 0.6,
  colStart: [0, 2, 3],
  reduced: true,
  wallTime: [1_000_000, 1_060_000, 1_120_000, 1_180_000],
};

describe('prepareSeries', () => {
  it('builds columns, a band per reduced pixel column (min–max of its points) and takes the server\'s smoothed values', () => {
    const p = prepareSeries(series, { xAxis: 'step', color: '#000' });
    expect(p.name).toBe('run one');
    expect(Array.from(p.xs)).toEqual([0, 10, 20, 30]);
    expect(Array.from(p.smoothed)).toEqual([1, 1.9, 2.5, 3.2]);
    expect(p.isSmoothed).toBe(true);
    expect(Array.from(p.lo)).toEqual([1, 1, NaN, NaN]);
    expect(Array.from(p.hi)).toEqual([2.5, 2.5, NaN, NaN]);
    expect(p.hasBand).toBe(true);
    // Not reduced: no band; not smoothed: the raw values stand in.
    const plain = prepareSeries({ ...series, reduced: false, smoothed: null }, { xAxis: 'step', color: '#000' });
    expect(plain.hasBand).toBe(false);
    expect(plain.isSmoothed).toBe(false);
    expect(plain.smoothed).toBe(plain.raw);
  });

  it('uses relTime, else wall time since startTime, for the relative axis', () => {
    expect(xValueAt({ ...series, relTime: [0, 5, 6, 7] }, 1, 'relative')).toBe(5);
    expect(xValueAt(series, 2, 'relative')).toBe(120);
    expect(xValueAt({ ...series, startTime: 940_000 }, 0, 'relative')).toBe(60);
    expect(xValueAt({ ...series, wallTime: null }, 0, 'relative')).toBeNaN();
    const p = prepareSeries({ ...series, wallTime: null }, { xAxis: 'relative', color: '#000' });
    expect(p.xs.length).toBe(0);
    const shuffled = prepareSeries({ ...series, relTime: [30, 0, 10, 20] }, { xAxis: 'relative', color: '#000' });
    expect(Array.from(shuffled.steps)).toEqual([10, 20, 30, 0]);
  });
});

describe('domains and hover', () => {
  const a = prepareSeries(series, { xAxis: 'step', color: '#000' });
  const b = prepareSeries({ runId: 'r2', step: [5, 50], value: [-1, 10] }, { xAxis: 'step', color: '#111' });

  it('x-domain is the zoom or the extent of all series', () => {
    expect(computeXDomain([a, b], null)).toEqual([0, 50]);
    expect(computeXDomain([a, b], [40, 12])).toEqual([12, 40]);
    expect(computeXDomain([], null)).toBeNull();
    const single = prepareSeries({ runId: 'x', step: [7], value: [1] }, { xAxis: 'step', color: '#000' });
    expect(computeXDomain([single], null)).toEqual([6, 8]);
  });

  it('y-domain covers visible raw, smoothed and band values with 5 % padding', () => {
    expect(computeYDomain([a], [0, 30])).toEqual([1 - 0.15, 4 + 0.15]);
    const [lo, hi] = computeYDomain([a, b], [0, 12])!;
    // visible: a at 0 (1) and 10 (2.5, smoothed 1.9, band 1–2.5), b at 5 (-1); a at 20 is outside
    expect(lo).toBeCloseTo(-1 - 0.175, 12);
    expect(hi).toBeCloseTo(2.5 + 0.175, 12);
  });

  it('hover shows the stored step nearest to the cursor (never the cursor position) and each run\'s nearest point', () => {
    const h = hoverAt([a, b], 9.2, null)!;
    expect(h.step).toBe(10);
    expect(h.rows.map((r) => [r.series.runId, r.step, r.raw, r.smoothed])).toEqual([
      ['r1', 10, 2.5, 1.9],
      ['r2', 5, -1, null],
    ]);
    expect(h.rows[0]!.band).toEqual([1, 2.5]);
    expect(hoverAt([a, b], 6, null)!.step).toBe(5);
    // Points outside the zoom are not shown.
    expect(hoverAt([a, b], 40, [25, 45])!.rows.map((r) => r.step)).toEqual([30]);
    expect(hoverAt([a], Number.NaN, null)).toBeNull();
    expect(hoverAt([], 1, null)).toBeNull();
  });

  it('step-axis ticks and labels are whole steps', () => {
    expect(formatX(92.15, 'step')).toBe('92');
    expect(xAxisTicks([0.2, 3.1], 'step')).toEqual([1, 2, 3]);
    expect(xAxisTicks([0, 3600], 'relative')).toEqual([0, 900, 1800, 2700, 3600]);
  });

  it('visibleRange keeps one neighbour each side', () => {
    expect(visibleRange(a, [12, 18])).toEqual({ start: 1, end: 3 });
    expect(visibleRange(a, null)).toEqual({ start: 0, end: 4 });
  });

  it('nearestIndex finds the closest x', () => {
    const xs = [0, 10, 20];
    expect(nearestIndex(xs, -5)).toBe(0);
    expect(nearestIndex(xs, 4)).toBe(0);
    expect(nearestIndex(xs, 6)).toBe(1);
    expect(nearestIndex(xs, 99)).toBe(2);
    expect(nearestIndex([], 1)).toBe(-1);
  });
});

describe('formatting and order', () => {
  it('formats durations and values', () => {
    expect(formatRelativeSeconds(45)).toBe('45s');
    expect(formatRelativeSeconds(90)).toBe('1.5m');
    expect(formatRelativeSeconds(5400)).toBe('1.5h');
    expect(formatRelativeSeconds(2 * 86400)).toBe('2d');
    expect(formatMetricValue(0.123456)).toBe('0.1235');
    expect(formatMetricValue(1e-6)).toBe('1.00e-6');
    expect(formatMetricValue(NaN)).toBe('NaN');
  });

  it('orders think_score, reward, response_length first, then canonical keys, then the rest', () => {
    expect(orderMetricKeys(['zeta', 'loss', 'response_length', 'alpha', 'reward', 'think_score', 'kl', 'reward'])).toEqual([
      'think_score',
      'reward',
      'response_length',
      'kl',
      'loss',
      'alpha',
      'zeta',
    ]);
  });
});

describe('run colours', () => {
  it('a run alone gets its preferred colour; a set never repeats colours up to the palette size', () => {
    const ids = Array.from({ length: RUN_PALETTE.length }, (_, i) => `run-${i}`);
    const map = assignRunColors(ids);
    expect(new Set(map.values()).size).toBe(ids.length);
    expect(assignRunColors(['solo']).get('solo')).toBe(preferredRunColor('solo'));
  });

  it('does not depend on the order of the ids', () => {
    const ids = ['c', 'a', 'b', 'ckxyz', 'cl123'];
    expect(assignRunColors(ids)).toEqual(assignRunColors([...ids].reverse()));
  });
});

describe('nice ticks', () => {
  it('chooses 1/2/2.5/5 steps and clock-friendly durations', () => {
    expect(niceTicks(0, 19999, 5)).toEqual([0, 5000, 10000, 15000]);
    expect(niceTicks(-0.3152, 3.447, 5)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(0, 3600, 5, 'duration')).toEqual([0, 900, 1800, 2700, 3600]);
    expect(niceTicks(0.1, 0.35, 5)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
    expect(niceTicks(1, 1)).toEqual([]);
    expect(niceDomain([-0.3152, 3.447])).toEqual([-1, 4]);
    expect(niceDomain([0.925, 4.15])).toEqual([0, 5]);
  });
});

describe('SVG paths', () => {
  const box = { x: 10, y: 0, width: 100, height: 50 };
  const xs = [0, 5, 10, 20];
  it('maps data to pixels and breaks at non-finite values', () => {
    expect(linePath(xs, [0, NaN, 1, 2], { start: 0, end: 4 }, [0, 20], [0, 2], box)).toBe('M10,50l0,0M60,25L110,0');
    expect(linePath(xs, [0, NaN, 0.5, 1], { start: 2, end: 4 }, [0, 20], [0, 2], box)).toBe('M60,37.5L110,25');
  });
  it('draws the band along maxima and back along minima, skipping bucket interiors', () => {
    const s = prepareSeries({ runId: 'b', step: [10, 15, 20], value: [1, 0.5, 2], colStart: [0, 2], reduced: true }, { xAxis: 'step', color: '#000' });
    expect(bandPath(s, { start: 0, end: 3 }, [0, 20], [0, 2], box)).toBe('M60,25L85,25L110,0L110,0L85,37.5L60,37.5Z');
    // four M4 points of one column, then a column of one point
    const m4 = prepareSeries({ runId: 'm', step: [0, 1, 2, 3, 4], value: [1, 0, 2, 1, 1], colStart: [0, 4], reduced: true }, { xAxis: 'step', color: '#000' });
    expect(bandPath(m4, { start: 0, end: 5 }, [0, 4], [0, 2], { x: 0, y: 0, width: 4, height: 2 })).toBe('M0,0L3,0L4,1L4,1L3,2L0,2Z');
  });
});
