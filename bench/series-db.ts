/**
 * `npm run bench:series`: the run page's chart query at scale in the real database. Stores R runs ×
 * S steps × the three primary keys (default 10 × 100,000) through the ingest API's own code
 * (applyIngestBatch: points + 64-step rollups with their EMA state), then measures one refresh of
 * the page — metric.series for all runs overlaid, as the dashboard asks for it (smoothing on, the
 * compact f32 encoding, one column per pixel) — its latency and the bytes it sends, plus zoomed
 * views and the plain-JSON encoding for comparison.
 *
 *   npm run bench:series [-- --runs 10 --steps 100000] [-- --smoke]
 *
 * Database: $BENCH_DATABASE_URL as is, else `videocap_bench_series` on $DATABASE_URL's server
 * (default postgresql://postgres@127.0.0.1:5432). Data already there is reused.
 * `--smoke` (CI): 2 runs × 4,000 steps; checks the answers are complete, not the speed.
 */
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { deployMigrations, ensureDatabase } from '../scripts/db-migrate';
import { decodeSeries } from '../core/series-wire';
import { createDb } from '../server/db';
import { applyIngestBatch } from '../server/services/ingest';
import { metricSeries, type SeriesRequest } from '../server/services/metrics';
import { rebuildRollups } from '../server/services/rollups';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}
const smoke = process.argv.includes('--smoke');
const R = arg('runs', smoke ? 2 : 10);
const S = arg('steps', smoke ? 4000 : 100_000);
const ITER = smoke ? 2 : 8;
const KEYS = ['think_score', 'reward', 'response_length'];

function benchUrl(): string {
  if (process.env.BENCH_DATABASE_URL) return process.env.BENCH_DATABASE_URL;
  const base = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  base.pathname = '/videocap_bench_series';
  return base.toString();
}

const url = benchUrl();
await ensureDatabase(url);
await deployMigrations(url);
const db = createDb(url);
const runIds = Array.from({ length: R }, (_, i) => `series-run-${i}`);

/** Deterministic training-like curves: a trend, noise, and a spike every 25,013 steps. */
function value(run: number, k: number, s: number, rnd: () => number): number {
  const spike = s % 25_013 === 0 ? 5 : 0;
  return Math.sin(s / 500 + run + k) + rnd() * 0.1 + spike;
}

const have = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "MetricPoint" WHERE "runId" = ANY(${runIds}::text[])`;
if (Number(have[0]!.n) !== R * S * KEYS.length) {
  const t0 = performance.now();
  console.log(`storing ${R} runs × ${S} steps × ${KEYS.length} keys = ${(R * S * KEYS.length).toLocaleString('en')} points through the ingest path…`);
  await db.run.deleteMany({ where: { id: { in: runIds } } });
  for (const [r, id] of runIds.entries()) {
    await db.run.create({ data: { id, name: id, kind: 'grpo', backend: 'import', status: 'succeeded', config: {} } });
    let seed = 1 + r;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const per = Math.floor(6000 / KEYS.length);
    for (let s0 = 1; s0 <= S; s0 += per) {
      const metrics = [];
      for (let s = s0; s < Math.min(S + 1, s0 + per); s++)
        for (const [k, key] of KEYS.entries()) metrics.push({ step: s, key, value: value(r, k, s, rnd), wallTime: 1_700_000_000_000 + s * 1000 });
      await applyIngestBatch(db, id, { metrics, rollouts: [], checkpoints: [], logs: [], evalSamples: [], evalResults: [] });
    }
  }
  await db.$executeRawUnsafe('ANALYZE "MetricPoint"; ANALYZE "MetricRollup"');
  console.log(`stored in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
} else {
  // Reused data from an older version: bring its rollups up to date first (not part of the timing).
  const stale = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "MetricRollup" WHERE "runId" = ANY(${runIds}::text[]) AND coalesce(cardinality(ema), 0) = 0`;
  if (Number(stale[0]!.n) > 0) for (const id of runIds) await rebuildRollups(db, id);
}

interface Measured {
  view: string;
  p50Ms: number;
  maxMs: number;
  pointsSent: number;
  bytes: number;
  gzipBytes: number;
}

async function measure(view: string, req: Omit<SeriesRequest, 'runIds' | 'keys'>, check?: (out: Awaited<ReturnType<typeof metricSeries>>) => void): Promise<Measured> {
  const ts: number[] = [];
  let out: Awaited<ReturnType<typeof metricSeries>> = [];
  await metricSeries(db, { runIds, keys: KEYS, ...req }); // warm
  for (let i = 0; i < ITER; i++) {
    const t = performance.now();
    out = await metricSeries(db, { runIds, keys: KEYS, ...req });
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  check?.(out);
  // What goes over the wire: tRPC's superjson envelope around the output.
  const body = JSON.stringify({ result: { data: { json: out } } });
  return {
    view,
    p50Ms: +ts[Math.floor(ts.length / 2)]!.toFixed(1),
    maxMs: +ts[ts.length - 1]!.toFixed(1),
    pointsSent: out.reduce((a, s) => a + s.step.length, 0),
    bytes: body.length,
    gzipBytes: gzipSync(body).length,
  };
}

function expectComplete(maxPoints: number) {
  return (out: Awaited<ReturnType<typeof metricSeries>>) => {
    if (out.length !== R * KEYS.length) throw new Error(`expected ${R * KEYS.length} series, got ${out.length}`);
    for (const raw of out) {
      const s = decodeSeries(raw);
      if (s.total !== S) throw new Error(`series incomplete: ${s.runId}/${s.key} has ${s.total} of ${S} points`);
      if (s.step.length > 4 * maxPoints) throw new Error(`${s.runId}/${s.key}: ${s.step.length} points for ${maxPoints} columns`);
      if (!s.smoothed || Array.from(s.smoothed).some((v) => !Number.isFinite(v))) throw new Error(`${s.runId}/${s.key}: smoothed values missing`);
      if (S > 25_013 && Math.max(...Array.from(s.value)) < 3.5) throw new Error(`${s.runId}/${s.key}: a spike was lost`);
    }
  };
}

const mid = Math.floor(S / 2);
const views: Measured[] = [
  await measure('page refresh: 800 columns, smoothing 0.6, f32', { maxPoints: 800, smoothing: 0.6, encoding: 'f32' }, expectComplete(800)),
  await measure('page refresh: 520 columns (a 1280-px page), smoothing 0.6, f32', { maxPoints: 520, smoothing: 0.6, encoding: 'f32' }, expectComplete(520)),
  await measure('same, relative-time axis', { maxPoints: 520, smoothing: 0.6, encoding: 'f32', xAxis: 'relative' }, expectComplete(520)),
  await measure('800 columns, smoothing 0.6, plain JSON (scripts)', { maxPoints: 800, smoothing: 0.6, encoding: 'json' }, expectComplete(800)),
  await measure('800 columns, no smoothing, f32', { maxPoints: 800, smoothing: 0, encoding: 'f32' }),
  await measure(`zoom ${Math.floor(S * 0.4)}–${Math.floor(S * 0.4) + 1000} (raw points)`, { maxPoints: 800, smoothing: 0.6, encoding: 'f32', xMin: Math.floor(S * 0.4), xMax: Math.floor(S * 0.4) + 1000 }),
  await measure(`zoom ${mid}–${mid + Math.floor(S / 5)} (SQL columns)`, { maxPoints: 800, smoothing: 0.99, encoding: 'f32', xMin: mid, xMax: mid + Math.floor(S / 5) }),
];
export const result = { runs: R, stepsPerRun: S, keys: KEYS.length, iterations: ITER, views };
console.log(`${R} runs × ${S.toLocaleString('en')} steps × ${KEYS.length} keys overlaid (${ITER} refreshes each)`);
console.log(['view'.padEnd(62), 'p50 ms', 'max ms', 'points', 'bytes', 'gzip'].join('  '));
for (const v of views)
  console.log(
    [v.view.padEnd(62), String(v.p50Ms).padStart(6), String(v.maxMs).padStart(6), String(v.pointsSent).padStart(6), v.bytes.toLocaleString('en').padStart(10), v.gzipBytes.toLocaleString('en').padStart(9)].join('  '),
  );
await db.$disconnect();
