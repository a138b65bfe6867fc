/**
 * `npm run bench:rollouts`: rollout browsing at scale in the real database. Creates a scratch
 * database on $DATABASE_URL's server (default postgresql://postgres@127.0.0.1:5432), fills one run with
 * N rollouts (default 1,000,000; `--rows N`), and times the dashboard's queries through the same
 * service code: first page, a deep keyset page, filtered pages, one group, the group list of a step.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { deployMigrations, ensureDatabase } from '../scripts/db-migrate';
import { createDb } from '../server/db';
import { listGroups, listRollouts, rolloutGroup } from '../server/services/rollouts';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const rows = arg('rows', 1_000_000);
const G = 7;
const clipsPerStep = 8;
const steps = Math.ceil(rows / (G * clipsPerStep));
// $BENCH_DATABASE_URL as is (npm test's smoke run gives a scratch database), else a database of its own.
const base = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
base.pathname = `/videocap_bench_rollouts`;
const url = process.env.BENCH_DATABASE_URL ?? base.toString();

await ensureDatabase(url);
await deployMigrations(url);
const client = new pg.Client({ connectionString: url });
await client.connect();
const runId = 'bench-run';
const have = await client.query('SELECT count(*)::int AS n FROM "Rollout" WHERE "runId" = $1', [runId]);
if (have.rows[0].n !== steps * G * clipsPerStep) {
  console.log(`filling ${steps * G * clipsPerStep} rollouts (${steps} steps × ${clipsPerStep} clips × G=${G})…`);
  const t0 = performance.now();
  await client.query('DELETE FROM "Run" WHERE id = $1', [runId]);
  await client.query(`INSERT INTO "Run" (id, name, kind, backend, status, config, "updatedAt") VALUES ($1, 'bench', 'grpo', 'local', 'succeeded', '{}', now())`, [runId]);
  await client.query(
    `INSERT INTO "Rollout" ("runId", step, "clipId", "groupIndex", "sampleIndex", completion, answer, "formatScore", "thinkScore", escore, reward, advantage, length)
     SELECT $1, s, 'dream-1k/' || ((s * 7 + c) % 1000), c, k,
            '<think>#Subject 1: man [red shirt], [walk to the door, open the door]</think><answer>A man in a red shirt walks to the door and opens it. ' || s || '</answer>',
            'A man in a red shirt walks to the door and opens it.',
            CASE WHEN (s + c + k) % 11 = 0 THEN 0 ELSE 1 END, ((s * 13 + k * 7) % 100) / 100.0, 1, 1 + ((s * 13 + k * 7) % 100) / 100.0,
            (k - 3) / 2.0, 60 + (s + k) % 50
     FROM generate_series(1, $2::int) s, generate_series(0, $3::int - 1) c, generate_series(0, $4::int - 1) k`,
    [runId, steps, clipsPerStep, G],
  );
  await client.query('ANALYZE "Rollout"');
  console.log(`filled in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
await client.end();

const db = createDb(url);
async function time(label: string, fn: () => Promise<unknown>, n = 20) {
  const ts: number[] = [];
  await fn(); // warm
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  const r = { query: label, p50_ms: +ts[Math.floor(n * 0.5)]!.toFixed(2), p95_ms: +ts[Math.floor(n * 0.95)]!.toFixed(2) };
  console.log(`${label.padEnd(52)} p50 ${r.p50_ms.toFixed(2).padStart(8)} ms   p95 ${r.p95_ms.toFixed(2).padStart(8)} ms`);
  return r;
}

const first = await listRollouts(db, { runId, limit: 50, order: 'desc' });
let deepCursor = first.nextCursor;
for (let i = 0; i < 200 && deepCursor; i++) deepCursor = (await listRollouts(db, { runId, limit: 50, order: 'desc', cursor: deepCursor })).nextCursor;
const mid = Math.floor(steps / 2);
export const results = [
  await time('first page (50, newest first)', () => listRollouts(db, { runId, limit: 50, order: 'desc' })),
  await time('page after 10,000 rows (keyset cursor)', () => listRollouts(db, { runId, limit: 50, order: 'desc', cursor: deepCursor })),
  await time('step range + positive advantage', () => listRollouts(db, { runId, limit: 50, stepMin: mid, stepMax: mid + 100, advantageSign: 'positive' })),
  await time('format failures only', () => listRollouts(db, { runId, limit: 50, formatFailures: true })),
  await time('reward range', () => listRollouts(db, { runId, limit: 50, rewardMin: 1.9, rewardMax: 2 })),
  await time('sorted by reward, high to low (first page)', () => listRollouts(db, { runId, limit: 50, sort: 'reward', order: 'desc' })),
  await time('sorted by reward, page after 50 rows', async () => {
    const p1 = await listRollouts(db, { runId, limit: 50, sort: 'reward', order: 'desc' });
    return listRollouts(db, { runId, limit: 50, sort: 'reward', order: 'desc', cursor: p1.nextCursor });
  }),
  await time('one group (step, clip)', () => rolloutGroup(db, runId, mid, `dream-1k/${(mid * 7) % 1000}`)),
  await time('groups of one step', () => listGroups(db, runId, mid, 100)),
];
console.log(`(${steps * G * clipsPerStep} rollouts in one run)`);
await db.$disconnect();
