/**
 * `npm run bench`: every speed target, measured (not asserted in tests).
 *  - rewards: Tscore throughput on one core (warm caches) and reward-service p50/p99 per 56-batch
 *  - downsample: 1,000,000-point series reduced per pixel column (p50/p95)
 *  - local-train: a 200-step local GRPO run on DREAM-1K clips (wall time; first vs last 20 steps)
 *  - significance: paired bootstrap of one pair of rows, 1,000 clips × 10,000 resamples (< 300 ms)
 *  - curation: dynamicity of a 20 s 480p clip on one core, a 1,000-clip folder on all cores, the
 *    action filter over 585k synthesised annotations (bench:curation; needs ffmpeg)
 *  - with a PostgreSQL server reachable ($BENCH_DATABASE_URL, else $DATABASE_URL's server or
 *    127.0.0.1:5432): rollout browsing over 1,000,000 rollouts (bench:rollouts) and the chart query
 *    for 10 runs × 100,000 steps (bench:series), and DREAM-1K evaluation against a 100 ms judge at
 *    concurrency 32, then again from the judge cache (bench:eval), and Table 1 of the results pages
 *    with 50 evaluation rows × 1,000 clips of per-clip records per benchmark (bench:results)
 *
 * `npm run bench -- --smoke` runs every benchmark once at a small size and checks that each one
 * still works (answers complete, no exception) — not its speed. `npm test` runs it as a stage so no
 * benchmark can silently rot. `--results FILE` writes [{name, ok, seconds, error?}] as JSON.
 * Exit code 1 when a benchmark failed.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { pgReachable } from '../scripts/lib/services';
import { runDownsampleBench } from './downsample';
import { benchLocalTrain } from './local-train';
import { formatRewardsBench, runRewardsBench } from './rewards';
import { runSignificanceBench } from './significance';

const here = path.dirname(fileURLToPath(import.meta.url));
const smoke = process.argv.includes('--smoke');
const resultsIdx = process.argv.indexOf('--results');
const resultsFile = resultsIdx >= 0 ? process.argv[resultsIdx + 1] : undefined;

export interface BenchOutcome {
  name: string;
  ok: boolean;
  seconds: number;
  skipped?: boolean;
  error?: string;
}
const outcomes: BenchOutcome[] = [];

async function bench(name: string, fn: () => Promise<void> | void): Promise<void> {
  console.log(`\n== ${name}${smoke ? ' (smoke)' : ''} ==`);
  const t0 = performance.now();
  try {
    await fn();
    outcomes.push({ name, ok: true, seconds: (performance.now() - t0) / 1000 });
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    console.error(`${name} FAILED: ${error}`);
    outcomes.push({ name, ok: false, seconds: (performance.now() - t0) / 1000, error });
  }
}

function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(what);
}

await bench('rewards', async () => {
  const r = await runRewardsBench(smoke ? { seconds: 0.2, batches: 4, prompts: 40 } : {});
  console.log(formatRewardsBench(r));
  check(r.tscore.every((t) => t.completions > 0 && Number.isFinite(t.completionsPerSecond)), 'Tscore throughput not measured');
  check(Number.isFinite(r.service.p99Ms) && r.service.batches > 0, 'reward service latency not measured');
});

await bench(smoke ? 'downsample (100,000 points → 500 buckets)' : 'downsample (1,000,000 points → 1,500 buckets)', () => {
  const r = runDownsampleBench(smoke ? { points: 100_000, buckets: 500, runs: 30, warmup: 1 } : {});
  console.log(JSON.stringify(r, null, 2));
  check(r.outputPoints > 0 && r.outputPoints <= 4 * r.buckets, `downsample returned ${r.outputPoints} points for ${r.buckets} buckets`);
});

await bench(smoke ? 'significance (200 clips × 1,000 resamples)' : 'significance (paired bootstrap, 1,000 clips × 10,000 resamples)', () => {
  const r = runSignificanceBench(smoke ? { clips: 200, resamples: 1000, runs: 2 } : {});
  console.log(JSON.stringify(r, null, 2));
  check(Number.isFinite(r.p50Ms) && Number.isFinite(r.ciLow) && r.ciLow <= r.ciHigh && r.p > 0 && r.p <= 1, 'bootstrap did not produce an interval and a p-value');
});

await bench(smoke ? 'local GRPO training (8 steps, CPU simulation)' : 'local GRPO training (200 steps, DREAM-1K, CPU simulation)', async () => {
  const t = await benchLocalTrain({ steps: smoke ? 8 : 200, window: smoke ? 3 : 20 });
  console.log(JSON.stringify({ ...t, curves: undefined }, null, 2));
  check(t.curves.length === t.steps, `${t.curves.length} of ${t.steps} steps reported`);
  check(Number.isFinite(t.last.reward), 'no reward curve');
});

await bench(smoke ? 'curation (smoke: one short clip, 20k annotations)' : 'curation (paper Appendix C)', () => {
  const r = spawnSync(path.join(here, '..', 'node_modules', '.bin', 'tsx'), [path.join(here, 'curation.ts'), ...(smoke ? ['--smoke'] : [])], { stdio: 'inherit' });
  check(r.status === 0, `curation.ts exited with ${r.status ?? r.signal}`);
});

const admin = new URL(process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
admin.pathname = '/postgres';
const dbBenches: [string, string, string[]][] = [
  ['rollouts-db', 'rollouts-db.ts', smoke ? ['--rows', '5000'] : []],
  ['series-db', 'series-db.ts', smoke ? ['--smoke'] : []],
  ['eval-db', 'eval-db.ts', smoke ? ['--smoke'] : []],
  ['results-db', 'results.ts', smoke ? ['--smoke'] : []],
];
if (await pgReachable(admin.toString())) {
  for (const [name, file, args] of dbBenches) {
    await bench(name, () => {
      const r = spawnSync(path.join(here, '..', 'node_modules', '.bin', 'tsx'), [path.join(here, file), ...args], { stdio: 'inherit' });
      check(r.status === 0, `${file} exited with ${r.status ?? r.signal}`);
    });
  }
} else {
  console.log('\n(no PostgreSQL reachable: database benchmarks skipped — run npm run bench:rollouts / bench:series with DATABASE_URL)');
  for (const [name] of dbBenches) outcomes.push({ name, ok: true, skipped: true, seconds: 0 });
}

console.log(`\n${outcomes.map((o) => `${o.ok ? (o.skipped ? 'skipped' : 'ok') : 'FAILED'}  ${o.name} (${o.seconds.toFixed(1)} s)`).join('\n')}`);
if (resultsFile) writeFileSync(resultsFile, JSON.stringify(outcomes, null, 2));
if (outcomes.some((o) => !o.ok)) process.exitCode = 1;
