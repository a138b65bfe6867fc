/**
 * `npm run demo`: the whole product on embedded defaults.
 * - DATABASE_URL unset → embedded PostgreSQL (PGlite) on EMBEDDED_PG_PORT (54329) with data in .data/pglite
 * - REDIS_URL unset → 127.0.0.1:6379, starting redis-server if installed
 * - builds the app (reusing the last build when no build input changed: scripts/lib/build-cache.ts;
 *   DEMO_REBUILD=1 forces a build, DEMO_SKIP_BUILD=1 skips it), serves it on PORT (3000), starts one
 *   local runner, and launches a demo GRPO run on the local CPU backend (a simulation) whenever no run
 *   is queued or running, paced by DEMO_STEP_DELAY_MS (500) so its curves grow while you watch.
 * - accounts (default): on first start creates the user `admin` with a generated password, printed once
 *   and kept in .data/admin-password; the demo run is launched with an admin API token kept in
 *   .data/demo-api-token. AUTH_MODE=open skips all of that (no sign-in).
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { launchRunViaHttp } from '../gpu-runner/cli/launch';
import { buildInputsHash, buildIsCurrent, markBuilt } from './lib/build-cache';
import { planDemoRun, type DemoRunSummary } from './lib/demo-plan';
import { ensureDatabase, deployMigrations } from './db-migrate';
import { ensureRedis, httpOk, pgReachable, ROOT, run, startChild, startEmbeddedPostgres, tsxBin, waitFor, type Child } from './lib/services';

const children: Child[] = [];
async function shutdown(code: number): Promise<never> {
  for (const c of children.reverse()) await c.stop().catch(() => undefined);
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function main() {
  const port = Number(process.env.PORT ?? 3000);
  const dataDir = path.join(ROOT, '.data');
  mkdirSync(dataDir, { recursive: true });

  const redisUrl = await ensureRedis(process.env.REDIS_URL);

  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const pgPort = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
    const pglite = await startEmbeddedPostgres(path.join(dataDir, 'pglite'), pgPort);
    children.push(pglite.child);
    databaseUrl = pglite.url;
    console.log(`no DATABASE_URL: using embedded PostgreSQL (PGlite) at ${databaseUrl}`);
  } else {
    await ensureDatabase(databaseUrl);
    if (!(await pgReachable(databaseUrl))) throw new Error(`DATABASE_URL ${databaseUrl} is not reachable`);
  }
  const applied = await deployMigrations(databaseUrl);
  console.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');

  // A stable runner token for this checkout (kept in .data so restarts keep working).
  const tokenFile = path.join(dataDir, 'runner-token');
  if (!existsSync(tokenFile)) writeFileSync(tokenFile, randomBytes(24).toString('hex'));
  const token = process.env.VIDEOCAP_RUNNER_TOKEN ?? readFileSync(tokenFile, 'utf8').trim();

  // Session cookies are signed with AUTH_SECRET; a stable one per checkout unless given.
  const secretFile = path.join(dataDir, 'auth-secret');
  if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
  const authSecret = process.env.AUTH_SECRET ?? readFileSync(secretFile, 'utf8').trim();
  const openMode = process.env.AUTH_MODE === 'open';

  const env = { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, VIDEOCAP_RUNNER_TOKEN: token, PORT: String(port), AUTH_SECRET: authSecret };
  if (run(tsxBin(), [path.join(ROOT, 'prisma', 'seed.ts')], env) !== 0) throw new Error('seeding failed');

  // Accounts: the admin (first start only; its password is printed once) and an API token to launch the demo run.
  let apiToken: string | undefined;
  let adminNote = '';
  if (!openMode) {
    const passwordFile = path.join(dataDir, 'admin-password');
    const boot = spawnSync(
      tsxBin(),
      [path.join(ROOT, 'scripts', 'auth-bootstrap.ts'), '--username', 'admin', '--password-file', passwordFile, '--token-file', path.join(dataDir, 'demo-api-token'), '--token-name', 'demo start-up'],
      { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' },
    );
    if (boot.status !== 0) throw new Error(`creating the admin account failed: ${boot.stderr}`);
    const result = JSON.parse(boot.stdout.trim().split('\n').at(-1)!) as { createdAdmin: boolean; username: string; password?: string; token?: string };
    apiToken = result.token;
    if (result.password) {
      console.log(`\nCreated the admin account. Sign in as "${result.username}" with password:  ${result.password}\n(printed only now; kept in ${path.relative(ROOT, passwordFile)})\n`);
    }
    adminNote = existsSync(passwordFile) ? `\n  Sign in as "admin" (generated password in ${path.relative(ROOT, passwordFile)})\n` : '\n  Sign in with your account.\n';
  }

  if (!process.env.DEMO_SKIP_BUILD) {
    const distDir = path.join(ROOT, '.next');
    const t0 = Date.now();
    const inputs = buildInputsHash(ROOT, `node ${process.version}`);
    if (!process.env.DEMO_REBUILD && buildIsCurrent(distDir, inputs)) {
      console.log(`reusing the build in .next: no source, data or lockfile changed since it was built (checked in ${Date.now() - t0} ms; DEMO_REBUILD=1 forces a build)`);
    } else {
      console.log('building the app (next build)…');
      if (run(path.join(ROOT, 'node_modules', '.bin', 'next'), ['build'], { ...env, NEXT_DIST_DIR: '' }) !== 0) throw new Error('next build failed');
      markBuilt(distDir, inputs);
    }
  }
  children.push(startChild('web', path.join(ROOT, 'node_modules', '.bin', 'next'), ['start', '-p', String(port), '-H', '127.0.0.1'], { ...env, NEXT_DIST_DIR: '' }));
  const base = `http://127.0.0.1:${port}`;
  await waitFor(() => httpOk(`${base}/api/health`), 'the web server', 120_000);
  children.push(
    startChild('runner', tsxBin(), [path.join(ROOT, 'gpu-runner', 'main.ts')], {
      ...env,
      VIDEOCAP_SERVER_URL: base,
      RUNNER_ID: 'demo-runner',
      RUNNER_WORKDIR: path.join(dataDir, 'runner'),
    }),
  );

  // A run training live whenever nothing else is: a newcomer sees the curves grow.
  const authHeader: Record<string, string> = apiToken ? { authorization: `Bearer ${apiToken}` } : {};
  const list = (await (await fetch(`${base}/api/trpc/run.list?input=${encodeURIComponent(JSON.stringify({ json: { limit: 200 } }))}`, { headers: authHeader })).json()) as {
    result?: { data?: { json?: { items: DemoRunSummary[] } } };
  };
  const delay = Number(process.env.DEMO_STEP_DELAY_MS ?? 500);
  const plan = planDemoRun(list.result?.data?.json?.items ?? [], Number.isFinite(delay) && delay >= 0 ? delay : 500);
  if (plan) {
    const launched = await launchRunViaHttp(base, { name: plan.name, kind: 'grpo', backend: 'local', experiment: 'demo', config: plan.config }, { token: apiToken });
    for (const w of launched.warnings) console.log(`note: ${w}`);
    console.log(`launched "${plan.name}" on the local backend (${plan.config.maxSteps} steps, ${plan.config.local.stepDelayMs} ms apart): ${base}/runs/${launched.id}`);
  }
  console.log(`\nVideoCap Studio is running: ${base}   (Ctrl-C stops everything)${openMode ? '\n  AUTH_MODE=open: no sign-in, everyone who reaches it is admin' : adminNote}`);
  await new Promise(() => undefined);
}

main().catch(async (e: unknown) => {
  console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
  await shutdown(1);
});
