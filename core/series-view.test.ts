import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { emaFoldBlocks, emaSum, EMA_EMPTY, summarizeBlock, type BlockSummary } from './series-ema';
import { blockStartStates, viewFromBlocks, viewFromColumnRows, viewFromPoints, type BlockRow, type ColumnPointRow, type SeriesView, type SmoothingContext } from './series-view';
import { SMOOTHING_STOPS, smoothEma, smoothingStopIndex } from './smoothing';

const B = 64;

/** A stored series: sorted unique steps, finite values, wall = 1000·step ms. */
interface Stored {
  steps: number[];
  values: number[];
}

const storedSeries = fc
  .tuple(fc.integer({ min: 1, max: 1500 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }))
  .map(([n, gapMax, seed]): Stored => {
    let a = seed >>> 0;
    const rnd = () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const steps: number[] = [];
    const values: number[] = [];
    let s = Math.floor(rnd() * 100);
    for (let i = 0; i < n; i++) {
      steps.push(s);
      // Noise, a trend and occasional spikes; rounded values make ties (min/max first occurrence).
      values.push(Math.round((Math.sin(s / 50) + rnd() + (rnd() < 0.01 ? 8 : 0)) * 100) / 100);
      s += 1 + Math.floor(rnd() * (gapMax + 1));
    }
    return { steps, values };
  });

/** What the ingest API stores per 64-step block (server/services/rollups.ts). */
function rollups(st: Stored): { bucket: number; s: BlockSummary }[] {
  const out: { bucket: number; s: BlockSummary }[] = [];
  let i = 0;
  while (i < st.steps.length) {
    const bucket = Math.floor(st.steps[i]! / B);
    let j = i;
    while (j < st.steps.length && Math.floor(st.steps[j]! / B) === bucket) j++;
    const steps = st.steps.slice(i, j);
    out.push({ bucket, s: summarizeBlock(steps, st.values.slice(i, j), steps.map((x) => x * 1000)) });
    i = j;
  }
  return out;
}

function blockRow(bucket: number, s: BlockSummary, stop: number): BlockRow {
  const k = Math.max(0, stop) * 3;
  return { bucket, ...s, sum: s.ema[k]!, sumMin: s.ema[k + 1]!, sumMax: s.ema[k + 2]! };
}

/** The smoothing context a server query starts from: the SQL fold of every rollup before block b0. */
function context(blocks: { bucket: number; s: BlockSummary }[], b0: number, w: number, constant: boolean): SmoothingContext {
  const stop = smoothingStopIndex(w);
  const before = blocks.filter((b) => b.bucket < b0).map((b) => ({ count: b.s.count, sum: b.s.ema[stop * 3]! }));
  return { w, start: w > 0 && !constant ? emaFoldBlocks(before, w) : EMA_EMPTY, constant };
}

/** The three server paths over [lo, hi] (server/services/metrics.ts), with its SQL emulated. */
function views(st: Stored, lo: number, hi: number, buckets: number, w: number): { name: string; view: SeriesView }[] {
  const blocks = rollups(st);
  const constant = st.values.every((v) => v === st.values[0]);
  const b0 = Math.floor(lo / B);
  const b1 = Math.floor(hi / B);
  const sm = context(blocks, b0, w, constant);
  const stop = smoothingStopIndex(w);
  const inBlocks = blocks.filter((b) => b.bucket >= b0 && b.bucket <= b1);
  const idx = st.steps.map((s, i) => ({ s, i }));

  // exact: raw points from the first block's start, reduced in Node
  const from = idx.filter(({ s }) => s >= b0 * B && s <= hi);
  const exact = viewFromPoints(
    { step: from.map(({ s }) => s), value: from.map(({ i }) => st.values[i]!), wall: from.map(({ s }) => s * 1000) },
    { lo, hi },
    buckets,
    sm,
  );

  // rollups: columns a whole number of blocks wide
  const span = hi - lo + 1;
  const width = Math.ceil(span / buckets / B) * B;
  const base = b0 * B;
  const total = inBlocks.reduce((a, b) => a + b.s.count, 0);
  const fromBlocks = viewFromBlocks(
    inBlocks.map((b) => blockRow(b.bucket, b.s, stop)),
    (bucket) => Math.floor((bucket * B - base) / width),
    sm,
    total,
  );

  // columns picked "in SQL": rank and partial EMA sum inside the block, first/min/max/last per column
  const rows: (ColumnPointRow & { i: number })[] = [];
  const wq = w > 0 ? w : 0.5;
  const byCol = new Map<number, (ColumnPointRow & { i: number })[]>();
  const blockStartIndex = new Map<number, number>();
  st.steps.forEach((x, i) => {
    if (!blockStartIndex.has(Math.floor(x / B))) blockStartIndex.set(Math.floor(x / B), i);
  });
  for (const { s, i } of from) {
    const block = Math.floor(s / B);
    const blockStart = blockStartIndex.get(block)!;
    const rank = i - blockStart + 1;
    if (s < lo) continue;
    const col = Math.floor(((s - lo) * buckets) / span);
    const row = { step: s, value: st.values[i]!, wall: s * 1000, col, block, rank, part: emaSum(st.values, wq, blockStart, i + 1), i };
    (byCol.get(col) ?? byCol.set(col, []).get(col)!).push(row);
  }
  let inRange = 0;
  for (const list of byCol.values()) {
    inRange += list.length;
    const first = list[0]!;
    const last = list[list.length - 1]!;
    const min = list.reduce((a, r) => (r.value < a.value ? r : a));
    const max = list.reduce((a, r) => (r.value > a.value ? r : a));
    for (const r of new Set([first, min, max, last])) rows.push(r);
  }
  rows.sort((a, b) => a.step - b.step);
  const starts = blockStartStates(
    inBlocks.map((b) => ({ bucket: b.bucket, count: b.s.count, sum: b.s.ema[Math.max(0, stop) * 3]! })),
    sm,
  );
  if (constant) for (const r of rows) starts.set(r.block, EMA_EMPTY);
  const columns = viewFromColumnRows(rows, starts, sm, inRange);
  return [
    { name: 'exact', view: exact },
    { name: 'rollups', view: fromBlocks },
    { name: 'columns', view: columns },
  ];
}

describe('chart series views (core/series-view.ts)', () => {
  it('a smoothed value depends only on the stored series and the step — not on zoom, columns or path', () => {
    fc.assert(
      fc.property(
        storedSeries,
        fc.constantFrom(0, ...SMOOTHING_STOPS),
        fc.integer({ min: 16, max: 400 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (st, w, buckets, a, b) => {
          const first = st.steps[0]!;
          const lastStep = st.steps[st.steps.length - 1]!;
          const lo = Math.floor(first + Math.min(a, b) * (lastStep - first));
          const hi = Math.ceil(first + Math.max(a, b) * (lastStep - first));
          const ref = smoothEma(st.values, w);
          const scale = Math.max(1, ...st.values.map(Math.abs));
          const at = new Map(st.steps.map((s, i) => [s, i]));
          for (const { name, view } of views(st, lo, hi, buckets, w)) {
            expect(view.smoothed === null, name).toBe(w === 0);
            view.step.forEach((s, k) => {
              const i = at.get(s);
              expect(i, `${name}: step ${s} is a stored point`).toBeDefined();
              expect(view.value[k], name).toBe(st.values[i!]);
              expect(view.wall[k], name).toBe(s * 1000);
              if (view.smoothed) expect(Math.abs(view.smoothed[k]! - ref[i!]!), `${name} smoothed at step ${s}`).toBeLessThanOrEqual(1e-9 * scale);
            });
            for (let k = 1; k < view.step.length; k++) expect(view.step[k]!, name).toBeGreaterThan(view.step[k - 1]!);
          }
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);

  it('each pixel column keeps the first, min, max and last of its points (spikes survive)', () => {
    fc.assert(
      fc.property(storedSeries, fc.integer({ min: 16, max: 120 }), (st, buckets) => {
        const lo = st.steps[0]!;
        const hi = st.steps[st.steps.length - 1]!;
        for (const { name, view } of views(st, lo, hi, buckets, 0)) {
          if (!view.reduced) {
            expect(view.colStart, name).toEqual([]);
            continue;
          }
          expect(view.step.length, name).toBeLessThanOrEqual(4 * view.colStart.length);
          const cols = [...view.colStart, view.step.length];
          for (let c = 0; c + 1 < cols.length; c++) {
            const pts = view.value.slice(cols[c], cols[c + 1]);
            expect(pts.length, name).toBeGreaterThan(0);
            expect(pts.length, name).toBeLessThanOrEqual(4);
          }
          // Over all columns the global extremes are kept.
          expect(Math.max(...view.value), name).toBe(Math.max(...st.values));
          expect(Math.min(...view.value), name).toBe(Math.min(...st.values));
        }
      }),
      { numRuns: 100 },
    );
  }, 60_000);

  it('a constant series smooths to itself (no float wiggle), at any zoom', () => {
    const st: Stored = { steps: Array.from({ length: 500 }, (_, i) => i), values: Array.from({ length: 500 }, () => 0.7) };
    for (const { view } of views(st, 100, 400, 20, 0.99)) expect(view.smoothed!.every((v) => v === 0.7)).toBe(true);
  });

  it('case chart-smoothing-zoom: ≈ 1.032 at step 2000 (weight 0.99) unzoomed and zoomed to 1950–2050', () => {
    const batch = JSON.parse(readFileSync(new URL('../server/testing/cases/chart-smoothing-zoom/batch.json', import.meta.url), 'utf8')) as {
      metrics: { step: number; value: number }[];
    };
    const st: Stored = { steps: batch.metrics.map((m) => m.step), values: batch.metrics.map((m) => m.value) };
    const seen: number[] = [];
    for (const [lo, hi, buckets] of [
      [1, 3000, 800],
      [1, 3000, 16],
      [1950, 2050, 800],
      [1950, 2050, 16],
    ] as const) {
      for (const { view } of views(st, lo, hi, buckets, 0.99)) {
        const k = view.step.indexOf(2000);
        if (k >= 0) seen.push(view.smoothed![k]!);
      }
    }
    expect(seen.length).toBeGreaterThanOrEqual(4);
    for (const v of seen) expect(v).toBeCloseTo(1.032, 3);
    expect(Math.max(...seen) - Math.min(...seen)).toBeLessThan(1e-12);
    // What the bug did: smoothing only the fetched window gives another value.
    const window = st.values.filter((_, i) => st.steps[i]! >= 1950 && st.steps[i]! <= 2050);
    expect(smoothEma(window, 0.99)[50]).not.toBeCloseTo(1.032, 2);
  });
});
