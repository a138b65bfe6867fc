/**
 * `npm run bench`: every speed target, measured (not asserted in tests).
 *  - rewards: Tscore throughput on one core (warm caches) and reward-service p50/p99 per 56-batch
 *  - downsample: 1,000,000-point series reduced per pixel column (p50/p95)
 *  - local-train: a 200-step local GRPO run on DREAM-1K clips (wall time; first vs last 20 steps)
 *  - curation: dynamicity of a 20 s 480p clip on one core, a 1,000-clip folder on all cores, the
 *    action filter over 585k synthesised annotations (bench:curation; needs ffmpeg)
 *  - with a PostgreSQL server reachable ($DATABASE_URL or 127.0.0.1:5432): rollout browsing over
 *    1,000,000 rollouts (bench:rollouts) and the chart query for 10 runs × 100,000 steps (bench:series)
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pgReachable } from '../scripts/lib/services';
import { formatRewardsBench, runRewardsBench } from './rewards';
import { runDownsampleBench } from './downsample';
import { benchLocalTrain } from './local-train';

const here = path.dirname(fileURLToPath(import.meta.url));
console.log('== rewards ==');
console.log(formatRewardsBench(await runRewardsBench()));
console.log('\n== downsample (1,000,000 points → 1,500 buckets) ==');
console.log(JSON.stringify(runDownsampleBench(), null, 2));
console.log('\n== local GRPO training (200 steps, DREAM-1K, CPU simulation) ==');
const t = await benchLocalTrain({});
console.log(JSON.stringify({ ...t, curves: undefined }, null, 2));

console.log('\n== curation (paper Appendix C) ==');
spawnSync(path.join(here, '..', 'node_modules', '.bin', 'tsx'), [path.join(here, 'curation.ts')], { stdio: 'inherit' });

const admin = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
admin.pathname = '/postgres';
if (await pgReachable(admin.toString())) {
  for (const b of ['rollouts-db.ts', 'series-db.ts']) {
    console.log(`\n== ${b} ==`);
    spawnSync(path.join(here, '..', 'node_modules', '.bin', 'tsx'), [path.join(here, b)], { stdio: 'inherit' });
  }
} else {
  console.log('\n(no PostgreSQL reachable: database benchmarks skipped — run npm run bench:rollouts / bench:series with DATABASE_URL)');
}
