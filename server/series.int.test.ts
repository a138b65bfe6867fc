/**
 * Integration: metric.series and the CSV export against the real PostgreSQL database, with points
 * stored through the ingest API over HTTP (so the rollups are the ones ingest keeps).
 * Smoothing is a property of the stored series: every path (raw points, rollups, SQL columns) and
 * every zoom / column count gives the same smoothed value at a step — smoothEma over the whole series.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../core/csv';
import { decodeSeries, type DecodedSeries } from '../core/series-wire';
import { SMOOTHING_STOPS, smoothEma } from '../core/smoothing';
import { ServerClient } from '../gpu-runner/server-client';
import { createCaller } from './api/root';
import { db } from './db';
import { startTestApp, type TestApp } from './testing/http-app';

const caller = createCaller({ db: db(), headers: new Headers() });
let app: TestApp;
let client: ServerClient;

beforeAll(async () => {
  app = await startTestApp();
  client = new ServerClient({ serverUrl: app.url, token: process.env.VIDEOCAP_RUNNER_TOKEN! });
});
afterAll(async () => {
  await app.close();
});

interface Point {
  step: number;
  key: string;
  value: number;
  wallTime: number;
}

async function storeRun(name: string, metrics: Point[]): Promise<string> {
  const { id } = await client.createRun({ name, kind: 'grpo', backend: 'import' });
  for (let i = 0; i < metrics.length; i += 5000) await client.sendBatch(id, { metrics: metrics.slice(i, i + 5000) });
  return id;
}

type SeriesInput = Parameters<typeof caller.metric.series>[0];

async function series(input: SeriesInput): Promise<DecodedSeries[]> {
  return (await caller.metric.series(input)).map(decodeSeries);
}

/** Every emitted point is stored, and its smoothed value is smoothEma over the whole stored series. */
function expectFaithful(s: DecodedSeries, stored: Point[], w: number, tol: number): void {
  const at = new Map(stored.map((p, i) => [p.step, i]));
  const ref = smoothEma(
    stored.map((p) => p.value),
    w,
  );
  const scale = Math.max(1, ...stored.map((p) => Math.abs(p.value)));
  expect(s.smoothing).toBe(w);
  for (let k = 0; k < s.step.length; k++) {
    const i = at.get(s.step[k]!);
    expect(i, `step ${s.step[k]} is a stored point`).toBeDefined();
    expect(Math.abs(s.value[k]! - stored[i!]!.value)).toBeLessThanOrEqual(tol * scale);
    if (w > 0) expect(Math.abs(s.smoothed![k]! - ref[i!]!), `smoothed at step ${s.step[k]}`).toBeLessThanOrEqual(tol * scale);
    else expect(s.smoothed).toBeNull();
  }
}

describe('case chart-smoothing-zoom (shared/cases): smoothing is a property of the series', () => {
  it('≈ 1.032 at step 2000 with weight 0.99, unzoomed and zoomed to 1950–2050, through every path', async () => {
    const batch = JSON.parse(readFileSync(new URL('./testing/cases/chart-smoothing-zoom/batch.json', import.meta.url), 'utf8')) as { metrics: Point[] };
    const id = await storeRun('case chart-smoothing-zoom', batch.metrics);
    const views: [string, SeriesInput][] = [
      ['unzoomed, raw points', { runId: id, keys: ['reward'], maxPoints: 800, smoothing: 0.99 }],
      ['unzoomed, 16 columns of rollups', { runId: id, keys: ['reward'], maxPoints: 16, smoothing: 0.99 }],
      ['zoomed 1950–2050', { runId: id, keys: ['reward'], maxPoints: 800, smoothing: 0.99, xMin: 1950, xMax: 2050 }],
      ['zoomed 1000–2999, SQL columns', { runId: id, keys: ['reward'], maxPoints: 100, smoothing: 0.99, xMin: 1000, xMax: 2999 }],
    ];
    const at2000: number[] = [];
    for (const [label, input] of views) {
      const [s] = await series({ ...input, encoding: 'json' });
      expect(s!.total, label).toBeGreaterThan(0);
      expectFaithful(s!, batch.metrics, 0.99, 1e-12);
      const k = Array.from(s!.step).indexOf(2000);
      if (k >= 0) at2000.push(s!.smoothed![k]!);
    }
    // Step 2000 is drawn in both the unzoomed (all points fit) and the 1950–2050 view.
    expect(at2000.length).toBeGreaterThanOrEqual(2);
    for (const v of at2000) expect(v).toBeCloseTo(1.032, 3);
    // The compact encoding the dashboard uses carries the same value (float32).
    const [z] = await series({ ...views[2]![1], encoding: 'f32' });
    expect(z!.smoothed![Array.from(z!.step).indexOf(2000)]).toBeCloseTo(1.032, 3);
  });
});

describe('metric.series over rollups', () => {
  // 20,000 noisy steps with gaps and spikes, three keys' worth of shapes in one series.
  const n = 20_000;
  const stored: Point[] = [];
  let id = '';
  beforeAll(async () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let s = 0, i = 0; i < n; i++) {
      stored.push({ step: s, key: 'reward', value: Math.sin(s / 700) + rnd() * 0.5 + (i % 4999 === 17 ? 9 : 0), wallTime: 1_700_000_000_000 + s * 1500 });
      s += rnd() < 0.1 ? 3 : 1;
    }
    id = await storeRun('series-rollups', stored);
  });

  it('every smoothing weight, zoom and column count gives smoothEma of the whole series at each drawn point', async () => {
    const last = stored.at(-1)!.step;
    const windows: [number | null, number | null][] = [
      [null, null],
      [5000, 5100],
      [1234, 17_000],
      [last - 3000, null],
    ];
    for (const w of [0, 0.6, 0.99, 0.999])
      for (const [xMin, xMax] of windows)
        for (const maxPoints of [16, 120, 800]) {
          const [s] = await series({ runId: id, keys: ['reward'], maxPoints, smoothing: w, xMin, xMax });
          expectFaithful(s!, stored, w, 1e-9);
          expect(s!.step.length).toBeLessThanOrEqual(4 * maxPoints);
        }
  });

  it('a weight between stops is snapped to the nearest stop and says so', async () => {
    const [s] = await series({ runId: id, keys: ['reward'], maxPoints: 100, smoothing: 0.75 });
    expect([0.7, 0.8]).toContain(s!.smoothing);
    expect(SMOOTHING_STOPS).toContain(s!.smoothing as (typeof SMOOTHING_STOPS)[number]);
    expectFaithful(s!, stored, s!.smoothing, 1e-9);
  });

  it('pixel columns keep their first, min, max and last stored point (spikes survive), with colStart per column', async () => {
    for (const [maxPoints, xMin, xMax] of [
      [200, null, null],
      [100, 3000, 9000],
    ] as const) {
      const [s] = await series({ runId: id, keys: ['reward'], maxPoints, xMin, xMax });
      expect(s!.reduced).toBe(true);
      const cols = [...Array.from(s!.colStart), s!.step.length];
      expect(cols.length - 1).toBeLessThanOrEqual(maxPoints);
      for (let c = 0; c + 1 < cols.length; c++) {
        const pts = Array.from(s!.value).slice(cols[c], cols[c + 1]);
        const steps = Array.from(s!.step).slice(cols[c], cols[c + 1]);
        expect(pts.length).toBeGreaterThan(0);
        expect(pts.length).toBeLessThanOrEqual(4);
        // The column's raw points between its first and last drawn point: its min and max are drawn.
        const raw = stored.filter((p) => p.step >= steps[0]! && p.step <= steps.at(-1)!).map((p) => p.value);
        expect(Math.max(...pts)).toBe(Math.max(...raw));
        expect(Math.min(...pts)).toBe(Math.min(...raw));
      }
      const inRange = stored.filter((p) => p.step >= (xMin ?? 0) && p.step <= (xMax ?? Infinity));
      expect(Math.max(...Array.from(s!.value))).toBe(Math.max(...inRange.map((p) => p.value)));
    }
  });

  it('times only for the axis in use: relTime (seconds since the run start) only on the relative axis', async () => {
    const [byStep] = await series({ runId: id, keys: ['reward'], maxPoints: 200, xMin: 100, xMax: 199 });
    expect(byStep!.relTime).toBeNull();
    const [rel] = await series({ runId: id, keys: ['reward'], maxPoints: 200, xMin: 100, xMax: 199, xAxis: 'relative' });
    expect(Array.from(rel!.step)).toEqual(stored.filter((p) => p.step >= 100 && p.step <= 199).map((p) => p.step));
    expect(Array.from(rel!.relTime!)).toEqual(Array.from(rel!.step).map((s) => s * 1.5));
  });

  it('the compact encoding decodes to the same points (values to float32 precision) and is smaller', async () => {
    const input: SeriesInput = { runId: id, keys: ['reward'], maxPoints: 800, smoothing: 0.9, xAxis: 'relative' };
    const json = await caller.metric.series({ ...input, encoding: 'json' });
    const f32 = await caller.metric.series({ ...input, encoding: 'f32' });
    const a = decodeSeries(json[0]!);
    const b = decodeSeries(f32[0]!);
    expect(Array.from(b.step)).toEqual(Array.from(a.step));
    expect(Array.from(b.colStart)).toEqual(Array.from(a.colStart));
    for (let i = 0; i < a.step.length; i++) {
      expect(b.value[i]).toBeCloseTo(a.value[i]!, 5);
      expect(b.smoothed![i]).toBeCloseTo(a.smoothed![i]!, 5);
      expect(Math.abs(b.relTime![i]! - a.relTime![i]!)).toBeLessThanOrEqual(Math.abs(a.relTime![i]!) * 1e-7 + 1e-9);
    }
    expect(JSON.stringify(f32).length).toBeLessThan(JSON.stringify(json).length / 2);
  });

  it('rollups written before the EMA state existed are rebuilt on first read', async () => {
    const sid = await storeRun('stale-rollups', stored.slice(0, 4000));
    await db().$executeRaw`UPDATE "MetricRollup" SET ema = '{}', "minStep" = NULL, "maxStep" = NULL, "minRank" = NULL, "maxRank" = NULL WHERE "runId" = ${sid}`;
    const [s] = await series({ runId: sid, keys: ['reward'], maxPoints: 20, smoothing: 0.95 });
    expectFaithful(s!, stored.slice(0, 4000), 0.95, 1e-9);
    const left = await db().$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "MetricRollup" WHERE "runId" = ${sid} AND cardinality(ema) IS DISTINCT FROM 36`;
    expect(Number(left[0]!.n)).toBe(0);
  });

  it('an overwritten step (a resumed run re-sending it) updates the rollup: min, max and smoothing follow', async () => {
    const pts = stored.slice(0, 3000).map((p) => ({ ...p }));
    const sid = await storeRun('overwrite', pts);
    const target = pts[1500]!;
    await client.sendBatch(sid, { metrics: [{ ...target, value: -50 }] });
    target.value = -50;
    const [s] = await series({ runId: sid, keys: ['reward'], maxPoints: 16, smoothing: 0.99 });
    expect(Math.min(...Array.from(s!.value))).toBe(-50);
    expectFaithful(s!, pts, 0.99, 1e-9);
  });

  it('a constant series smooths to itself', async () => {
    const sid = await storeRun('constant', Array.from({ length: 3000 }, (_, s) => ({ step: s, key: 'lr', value: 1e-6, wallTime: 1_700_000_000_000 + s })));
    for (const maxPoints of [16, 100, 800]) {
      const [s] = await series({ runId: sid, keys: ['lr'], maxPoints, smoothing: 0.999, xMin: 10, xMax: 2900 });
      expect(Array.from(s!.smoothed!).every((v) => v === 1e-6)).toBe(true);
    }
  });

  it('overlays several runs and keys; a key a run never logged is an empty series', async () => {
    const other = await storeRun('other', stored.slice(0, 100).map((p) => ({ ...p, value: p.value * 2 })));
    const out = await series({ runIds: [id, other], keys: ['reward', 'kl'], maxPoints: 100, smoothing: 0.6 });
    expect(out.map((s) => `${s.runId === id ? 'a' : 'b'}:${s.key}:${s.total > 0}`)).toEqual(['a:reward:true', 'a:kl:false', 'b:reward:true', 'b:kl:false']);
  });
});

describe('CSV export', () => {
  it('names the run by id and name and says how its scores were produced', async () => {
    const pts = Array.from({ length: 10 }, (_, s) => ({ step: s, key: 'think_score', value: s / 10, wallTime: 1_700_000_000_000 + s * 1000 }));
    const a = await storeRun('same name', pts);
    const b = await storeRun('same name', pts);
    await db().run.update({
      where: { id: a },
      data: {
        scorer: {
          embedder: { kind: 'lexical', model: 'lexical', id: 'lexical-embedder-v1' },
          judge: { kind: 'lexical', model: 'lexical', id: 'lexical-judge-v1', promptVersion: 'entail-v1' },
          simThreshold: 0.5,
          escoreThresholds: [0.28, 0.35],
          approximate: true,
          label: 'offline lexical approximation',
        },
      },
    });
    const csv = await (await fetch(`${app.url}/api/metrics.csv?runs=${a},${b}&keys=think_score`)).text();
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(['run_id', 'run', 'key', 'step', 'wall_time', 'value', 'scorer']);
    expect(rows).toHaveLength(21);
    const ofA = rows.filter((r) => r[0] === a);
    const ofB = rows.filter((r) => r[0] === b);
    expect(ofA).toHaveLength(10);
    expect(ofB).toHaveLength(10);
    expect(ofA[0]!.slice(1, 6)).toEqual(['same name', 'think_score', '0', '1700000000', '0']);
    expect(ofA[0]![6]).toMatch(/^offline lexical approximation — embedder: lexical \(lexical-embedder-v1\); judge: lexical \(lexical-judge-v1\), prompt entail-v1; δ 0.5; Escore coverage thresholds 0.28\/0.35; approximate$/);
    expect(ofB[0]![6]).toBe(''); // a run without a recorded scorer (older runs)
  });
});
