/**
 * `npm run bench:eval`: DREAM-1K evaluation speed against an OpenAI-compatible judge that answers after
 * 100 ms (a separate process), with the judge cache in PostgreSQL behind the server's ingest API (another
 * process), as a runner does it.
 *  1. 1,000 clips (the reference captions as predictions), concurrency 32, empty cache:
 *     target wall time ≤ 1.25 × ideal, ideal = judge calls × 0.1 s / 32.
 *  2. The same predictions again: every reply from the cache (0 judge calls), target < 30 s.
 * Also measured, to separate the pipeline from the machine: the same number of bare judge requests at
 * concurrency 32 with no evaluation logic and no cache ("raw HTTP floor"). On a loaded 2-core machine the
 * floor itself exceeds the ideal; `overVsRaw` is what the evaluation adds on top of it.
 * `--smoke`: 50 clips; exits 1 unless the second run made 0 judge calls.
 * Needs PostgreSQL: $BENCH_DATABASE_URL as is, else a database videocap_bench_eval on $DATABASE_URL's server
 * (or 127.0.0.1:5432).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { deployMigrations, ensureDatabase } from '../scripts/db-migrate';
import { loadDream1k } from '../gpu-runner/datasets/dream1k';
import { dream1kTask, evaluate } from '../gpu-runner/eval/run-eval';
import { judgeForConfig } from '../gpu-runner/eval/judge-setup';
import { ServerJudgeStore } from '../gpu-runner/eval/judge-store';
import { JudgeClient } from '../gpu-runner/providers/judge-client';
import { ServerClient } from '../gpu-runner/server-client';

const here = path.dirname(fileURLToPath(import.meta.url));
const CONCURRENCY = 32;
const DELAY_MS = 100;
const TOKEN = 'bench-eval-runner-token-0123456789';

function startService(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(path.join(here, '..', 'node_modules', '.bin', 'tsx'), [path.join(here, 'eval-services.ts'), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (b: Buffer) => {
      buf += b.toString();
      const m = /URL (\S+)/.exec(buf);
      if (m) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`${args[0]} service exited with ${code}`)));
  });
}

export async function runEvalBench(opts: { clips?: number } = {}) {
  // $BENCH_DATABASE_URL as is (npm test's smoke stage gives a scratch database), else one of its own.
  const base = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  base.pathname = '/videocap_bench_eval';
  const url = process.env.BENCH_DATABASE_URL ?? base.toString();
  await ensureDatabase(url);
  await deployMigrations(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('DELETE FROM "JudgeCache" WHERE model = $1', ['bench-judge']);
  await client.end();

  const judgeSvc = await startService(['judge', String(DELAY_MS)], {});
  const appSvc = await startService(['app'], { DATABASE_URL: url, VIDEOCAP_RUNNER_TOKEN: TOKEN });
  try {
    const clips = loadDream1k({}).slice(0, opts.clips ?? Infinity);
    const predictions = new Map(clips.map((c) => [c.id, c.referenceCaption]));
    const task = dream1kTask(clips);
    const server = new ServerClient({ serverUrl: appSvc.url, token: TOKEN });
    const once = async () => {
      const judge = judgeForConfig({ kind: 'openai', baseUrl: judgeSvc.url, model: 'bench-judge', temperature: 0, maxTokens: 2048 }, CONCURRENCY, {});
      const store = new ServerJudgeStore(server);
      const jc = new JudgeClient(judge, { attempts: 3, store });
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const samples = await evaluate({ tasks: [task], predictions, client: jc, concurrency: CONCURRENCY });
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      await store.flush();
      return { seconds, evaluatorCpuSeconds: (cpu.user + cpu.system) / 1e6, clips: samples.length, failed: samples.filter((s) => s.failed).length, calls: jc.counters.made, cached: jc.counters.cached };
    };
    const first = await once();
    const ideal = (first.calls * DELAY_MS) / 1000 / CONCURRENCY;
    const second = await once();
    // Raw HTTP floor: as many bare requests, same concurrency, same judge process.
    const raw = judgeForConfig({ kind: 'openai', baseUrl: judgeSvc.url, model: 'bench-judge', temperature: 0, maxTokens: 2048 }, CONCURRENCY, {});
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: first.calls }, (_, i) =>
        raw.complete(`Given a video description and a list of events. raw ${i}\nEvents: ['a']\nOutput a JSON formed as:\n`),
      ),
    );
    const rawSeconds = (performance.now() - t0) / 1000;
    return {
      judge: { delayMs: DELAY_MS, concurrency: CONCURRENCY },
      rawHttpFloor: { calls: first.calls, seconds: rawSeconds, ratioToIdeal: rawSeconds / ideal },
      first: { ...first, idealSeconds: ideal, ratio: first.seconds / ideal, overVsRaw: first.seconds / rawSeconds, target: '≤ 1.25 × ideal', pass: first.seconds <= 1.25 * ideal },
      second: { ...second, target: '0 judge calls, < 30 s', pass: second.calls === 0 && second.seconds < 30 },
    };
  } finally {
    judgeSvc.child.kill();
    appSvc.child.kill();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  // --smoke: 50 clips, checks the pipeline still works (the second run must be served from the cache), not its speed.
  const smoke = process.argv.includes('--smoke');
  const r = await runEvalBench({ clips: smoke ? 50 : undefined });
  console.log(JSON.stringify(r, null, 2));
  const works = r.first.clips > 0 && r.first.calls > 0 && r.second.calls === 0;
  process.exit(works ? 0 : 1);
}
