/**
 * `npm test`: every test, on real services.
 *  1. unit tests (vitest project "unit")
 *  2. integration tests against real PostgreSQL (a fresh database per run) and real Redis (db $TEST_REDIS_DB,
 *     default 15, flushed; give parallel checkouts different dbs and E2E_PORTs)
 *  3. benchmarks at smoke size (`npm run bench -- --smoke`, a scratch database): each benchmark counts
 *     as one test, so none can silently rot (speed is reported, not asserted)
 *  4. browser tests: builds the app, serves it with a runner, drives Debian's Chromium with Playwright
 * Ends with one line "N passed, N failed". `npm test -- unit integration bench e2e` picks stages.
 * PostgreSQL: $DATABASE_URL's server, else 127.0.0.1:5432 (user postgres), else embedded PGlite.
 * Accounts: integration tests get an admin and its API token (VIDEOCAP_API_TOKEN; requests without
 * credentials act as it, see server/testing/integration-setup.ts); the browser tests get their own fresh
 * database with no user, so e2e/global-setup.ts creates the admin through the first-start page and
 * stores its signed-in state for every spec.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import pg from 'pg';
import { deployMigrations, ensureDatabase } from './db-migrate';
import { ensureRedis, httpOk, pgReachable, ROOT, run, startChild, startEmbeddedPostgres, tsxBin, waitFor, type Child } from './lib/services';

const children: Child[] = [];
const only = process.argv.slice(2); // e.g. `npm test -- unit integration`
const want = (s: string) => only.length === 0 || only.includes(s);
const resultsDir = path.join(ROOT, '.data', 'test-results');
mkdirSync(resultsDir, { recursive: true });

let passed = 0;
let failed = 0;
let skipped = 0;

function countVitest(file: string): void {
  if (!existsSync(file)) {
    failed++;
    return;
  }
  const j = JSON.parse(readFileSync(file, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number; success: boolean };
  passed += j.numPassedTests;
  failed += j.numFailedTests;
  skipped += j.numPendingTests + j.numTodoTests;
  if (!j.success && j.numFailedTests === 0) failed++; // a suite that failed to load
}

function countPlaywright(file: string): void {
  if (!existsSync(file)) {
    failed++;
    return;
  }
  const j = JSON.parse(readFileSync(file, 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };
  passed += j.stats.expected + j.stats.flaky;
  failed += j.stats.unexpected;
  skipped += j.stats.skipped;
}

function countBench(file: string): void {
  if (!existsSync(file)) {
    failed++;
    return;
  }
  const outcomes = JSON.parse(readFileSync(file, 'utf8')) as { name: string; ok: boolean; skipped?: boolean }[];
  for (const o of outcomes) {
    if (o.skipped) skipped++;
    else if (o.ok) passed++;
    else failed++;
  }
}

/** Databases this run created; dropped at the end (KEEP_TEST_DB=1 keeps them for a post-mortem). */
const createdDatabases: string[] = [];

async function dropCreatedDatabases(): Promise<void> {
  if (process.env.KEEP_TEST_DB === '1') {
    if (createdDatabases.length) console.log(`kept test databases: ${createdDatabases.join(', ')}`);
    return;
  }
  for (const url of createdDatabases) await dropDatabase(url).catch((e: unknown) => console.warn(`could not drop ${url}: ${String(e)}`));
}

async function dropDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

async function postgresBase(): Promise<string> {
  const candidates = [process.env.DATABASE_URL, 'postgresql://postgres@127.0.0.1:5432/postgres'].filter((x): x is string => !!x);
  for (const c of candidates) {
    const admin = new URL(c);
    admin.pathname = '/postgres';
    if (await pgReachable(admin.toString())) return c;
  }
  console.log('no PostgreSQL server reachable: using embedded PGlite for the tests');
  const pglite = await startEmbeddedPostgres(path.join(ROOT, '.data', 'pglite-test'), 54339);
  children.push(pglite.child);
  return pglite.url;
}

function chromiumPath(): string | null {
  for (const p of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((x): x is string => !!x)) {
    if (existsSync(p)) return p;
  }
  return null;
}

async function main(): Promise<number> {
  const vitest = path.join(ROOT, 'node_modules', '.bin', 'vitest');
  if (want('unit')) {
    console.log('\n=== unit tests ===');
    run(vitest, ['run', '--project', 'unit', '--reporter=default', '--reporter=json', `--outputFile.json=${resultsDir}/unit.json`]);
    countVitest(`${resultsDir}/unit.json`);
  }
  if (!want('integration') && !want('e2e') && !want('bench')) return report();

  const redisBase = await ensureRedis(process.env.REDIS_URL);
  const redisUrl = `${redisBase.replace(/\/\d*$/, '')}/${Number(process.env.TEST_REDIS_DB ?? 15)}`;
  const r = new Redis(redisUrl);
  await r.flushdb();
  r.disconnect();

  const base = await postgresBase();
  const isPglite = base.includes(':54339');
  const stamp = Date.now();
  const token = 'test-runner-token-0123456789abcdef';
  const authSecret = randomBytes(32).toString('hex');
  const adminPassword = `e2e-${randomBytes(9).toString('base64url')}`;
  /** A fresh, migrated and seeded database (PGlite serves a single database, shared then). */
  const prepareDatabase = async (suffix: string): Promise<string> => {
    const dbUrl = new URL(base);
    dbUrl.pathname = `/videocap_test_${stamp}${suffix}`;
    if (!isPglite) {
      await ensureDatabase(dbUrl.toString());
      createdDatabases.push(dbUrl.toString());
    }
    const effective = isPglite ? base : dbUrl.toString();
    await deployMigrations(effective);
    if (run(tsxBin(), [path.join(ROOT, 'prisma', 'seed.ts')], { DATABASE_URL: effective, REDIS_URL: redisUrl }) !== 0) throw new Error('seeding the test database failed');
    return effective;
  };
  const effectiveDb = await prepareDatabase('');
  console.log(`test database: ${effectiveDb}\ntest redis: ${redisUrl}`);
  const env = { DATABASE_URL: effectiveDb, REDIS_URL: redisUrl, VIDEOCAP_RUNNER_TOKEN: token, AUTH_SECRET: authSecret };

  if (want('integration')) {
    console.log('\n=== integration tests (real PostgreSQL + Redis) ===');
    const boot = spawnSync(tsxBin(), [path.join(ROOT, 'scripts', 'auth-bootstrap.ts'), '--username', 'admin', '--password', adminPassword, '--token', '--token-name', 'integration tests'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    const apiToken = boot.status === 0 ? (JSON.parse(boot.stdout.trim().split('\n').at(-1)!) as { token?: string }).token : undefined;
    if (!apiToken) throw new Error(`creating the integration tests' admin failed: ${boot.stderr}`);
    run(vitest, ['run', '--project', 'integration', '--reporter=default', '--reporter=json', `--outputFile.json=${resultsDir}/integration.json`], {
      ...env,
      VIDEOCAP_API_TOKEN: apiToken,
    });
    countVitest(`${resultsDir}/integration.json`);
  }

  if (want('bench')) {
    console.log('\n=== benchmarks at smoke size (each must still run; speed is not asserted) ===');
    // A scratch database of its own (dropped afterwards); PGlite serves one database, so there the test one.
    let benchDb = effectiveDb;
    if (!isPglite) {
      const u = new URL(base);
      u.pathname = `/videocap_bench_smoke_${Date.now()}`;
      benchDb = u.toString();
    }
    const resultsFile = `${resultsDir}/bench.json`;
    rmSync(resultsFile, { force: true });
    run(tsxBin(), [path.join(ROOT, 'bench', 'index.ts'), '--smoke', '--results', resultsFile], { ...env, DATABASE_URL: benchDb, BENCH_DATABASE_URL: benchDb });
    countBench(resultsFile);
    if (benchDb !== effectiveDb) await dropDatabase(benchDb).catch((e: unknown) => console.warn(`could not drop ${benchDb}: ${String(e)}`));
  }

  if (want('e2e')) {
    console.log('\n=== browser tests (Playwright + Chromium) ===');
    const chromium = chromiumPath();
    if (!chromium) {
      console.error('Chromium is not installed: sudo apt-get install -y chromium   (browser tests not run)');
      failed++;
      return report();
    }
    const port = Number(process.env.E2E_PORT ?? 3100);
    const distDir = '.next-e2e';
    // A database with no user yet: the global setup creates the admin on the first-start page.
    const e2eDb = isPglite ? effectiveDb : await prepareDatabase('_e2e');
    const webEnv = { ...env, DATABASE_URL: e2eDb, NEXT_DIST_DIR: distDir, PORT: String(port) };
    if (run(path.join(ROOT, 'node_modules', '.bin', 'next'), ['build'], webEnv) !== 0) {
      console.error('next build failed: browser tests not run');
      failed++;
      return report();
    }
    const baseUrl = `http://127.0.0.1:${port}`;
    children.push(startChild('web', path.join(ROOT, 'node_modules', '.bin', 'next'), ['start', '-p', String(port), '-H', '127.0.0.1'], webEnv, true));
    await waitFor(() => httpOk(`${baseUrl}/api/health`), 'the web server', 120_000);
    children.push(
      startChild('runner', tsxBin(), [path.join(ROOT, 'gpu-runner', 'main.ts')], {
        ...webEnv,
        VIDEOCAP_SERVER_URL: baseUrl,
        RUNNER_ID: 'e2e-runner',
        RUNNER_SLOTS: '2',
        RUNNER_WORKDIR: path.join(ROOT, '.data', 'e2e-runner'),
      }, true),
    );
    // E2E_SPECS=a,b runs only the specs e2e/a…, e2e/b… (e.g. E2E_SPECS=compare-analyze); Playwright matches
    // the filters against full paths, so they are anchored at e2e/ (a checkout's folder name may contain them).
    const specFilter = (process.env.E2E_SPECS ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((s) => `e2e/${s.replace(/^e2e\//, '')}`);
    spawnSync(path.join(ROOT, 'node_modules', '.bin', 'playwright'), ['test', '--config', 'e2e/playwright.config.ts', ...specFilter], {
      cwd: ROOT,
      stdio: 'inherit',
      env: {
        ...process.env,
        ...webEnv,
        BASE_URL: baseUrl,
        CHROMIUM_PATH: chromium,
        PLAYWRIGHT_JSON_OUTPUT_NAME: `${resultsDir}/e2e.json`,
        E2E_ADMIN_USERNAME: 'admin',
        E2E_ADMIN_PASSWORD: adminPassword,
      },
    });
    countPlaywright(`${resultsDir}/e2e.json`);
  }
  return report();
}

function report(): number {
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main()
  .then(async (code) => {
    for (const c of children.reverse()) await c.stop().catch(() => undefined);
    await dropCreatedDatabases();
    process.exit(code);
  })
  .catch(async (e: unknown) => {
    console.error(`test run failed: ${e instanceof Error ? e.stack : String(e)}`);
    for (const c of children.reverse()) await c.stop().catch(() => undefined);
    await dropCreatedDatabases();
    process.exit(1);
  });
