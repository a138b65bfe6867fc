/** `videocap runner`: start a runner process (see README "Runners"). */
import { HttpError, ServerClient } from '../server-client';
import { parseRunnerEnv, Runner, type RunnerEnv } from '../runner';
import { createBackends, createRewardService, loadDataset, loadServerDataset } from '../setup';

/** How long a stopping runner may take before it exits anyway (a dead Redis or server cannot hold it). */
const STOP_DEADLINE_MS = 4_000;

/**
 * Wait until the server answers and accepts the token. A refused token ends the runner (it would
 * never work); an unreachable server is said within seconds and retried until it answers or
 * `signal` aborts. Returns false when the runner should not start.
 */
async function waitForServer(env: RunnerEnv, signal: AbortSignal, log: (m: string) => void): Promise<boolean> {
  const client = new ServerClient({ serverUrl: env.VIDEOCAP_SERVER_URL, token: env.VIDEOCAP_RUNNER_TOKEN });
  let said = false;
  while (!signal.aborted) {
    try {
      await client.preflight(5_000);
      if (said) log(`server ${env.VIDEOCAP_SERVER_URL} answers: taking jobs`);
      return true;
    } catch (e) {
      if (e instanceof HttpError && e.status === 401) {
        console.error(`videocap runner: ${e.message}`);
        return false;
      }
      if (!said) log(`${e instanceof Error ? e.message : String(e)}; retrying every 5 s (jobs wait in the queue meanwhile)`);
      said = true;
      await new Promise((r) => {
        const t = setTimeout(r, 5_000);
        signal.addEventListener('abort', () => {
          clearTimeout(t);
          r(undefined);
        });
      });
    }
  }
  return false;
}

export async function runRunnerCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(`usage: videocap runner

Consumes jobs from Redis and reports to the server. Configuration by environment:
  VIDEOCAP_SERVER_URL   server base URL (default http://127.0.0.1:3000)
  VIDEOCAP_RUNNER_TOKEN runner token (required)
  REDIS_URL             default redis://127.0.0.1:6379
  RUNNER_BACKENDS       comma list of local,swift (default local)
  RUNNER_SLOTS          jobs at once (default 1); RUNNER_GPUS GPUs on this node (default 0)
  RUNNER_WORKDIR        scratch folder (default .data/runner)
  JUDGE_BASE_URL / JUDGE_MODEL / JUDGE_API_KEY, EMBEDDING_BASE_URL / EMBEDDING_MODEL  reward providers
SIGTERM / SIGINT stop it within a few seconds; its active jobs are resumed by another runner.`);
    return 0;
  }
  let env: RunnerEnv;
  try {
    env = parseRunnerEnv(process.env);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 2;
  }
  const tag = `[runner ${env.RUNNER_ID ?? process.pid}]`;
  const log = (m: string) => console.log(`${tag} ${m}`);
  // Signals are handled from the first moment: a runner waiting for its server or Redis stops too.
  const stopping = new AbortController();
  let runner: Runner | null = null;
  const stopped = new Promise<number>((resolve) => {
    const onSignal = (sig: string) => {
      if (stopping.signal.aborted) return;
      log(`${sig}: stopping (active jobs are left for another runner to resume)`);
      stopping.abort();
      // Whatever hangs (Redis or the server gone), the process ends by the deadline.
      setTimeout(() => resolve(0), STOP_DEADLINE_MS + 1_000).unref();
      void (runner ? runner.stop(STOP_DEADLINE_MS) : Promise.resolve()).finally(() => resolve(0));
    };
    process.once('SIGINT', () => onSignal('SIGINT'));
    process.once('SIGTERM', () => onSignal('SIGTERM'));
  });
  const started = (async (): Promise<number | null> => {
    if (!(await waitForServer(env, stopping.signal, log))) return stopping.signal.aborted ? null : 2;
    const rewardService = await createRewardService(process.env);
    if (stopping.signal.aborted) return null;
    // Datasets other than the shipped benchmarks (imported or curated) come from the server.
    const client = new ServerClient({ serverUrl: env.VIDEOCAP_SERVER_URL, token: env.VIDEOCAP_RUNNER_TOKEN });
    runner = new Runner({
      env,
      backends: await createBackends(env.RUNNER_BACKENDS, rewardService),
      loadDataset: (name) => loadDataset(name, process.env, (n) => loadServerDataset(client, n)),
    });
    await runner.start();
    if (stopping.signal.aborted) {
      await runner.stop(STOP_DEADLINE_MS);
      return null;
    }
    console.log(`[runner ${runner.id}] reward providers: ${JSON.stringify(rewardService.identity)}`);
    return null;
  })().catch((e: unknown) => {
    console.error(`videocap runner: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  });
  const early = await Promise.race([started, stopped]);
  const code = typeof early === 'number' ? early : await stopped;
  // Exit now: an abandoned job's retries or timers must not keep the process alive.
  process.exit(code);
}
