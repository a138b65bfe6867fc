/** `videocap runner`: start a runner process (see README "Runners"). */
import { parseRunnerEnv, Runner } from '../runner';
import { ServerClient } from '../server-client';
import { createBackends, createRewardService, loadDataset, loadServerDataset } from '../setup';

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
  JUDGE_BASE_URL / JUDGE_MODEL / JUDGE_API_KEY, EMBEDDING_BASE_URL / EMBEDDING_MODEL  reward providers`);
    return 0;
  }
  let env;
  try {
    env = parseRunnerEnv(process.env);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 2;
  }
  const rewardService = await createRewardService(process.env);
  const client = new ServerClient({ serverUrl: env.VIDEOCAP_SERVER_URL, token: env.VIDEOCAP_RUNNER_TOKEN });
  const runner = new Runner({
    env,
    backends: await createBackends(env.RUNNER_BACKENDS, rewardService),
    loadDataset: (name) => loadDataset(name, process.env, (n) => loadServerDataset(client, n)),
  });
  await runner.start();
  console.log(`[runner ${runner.id}] reward providers: ${JSON.stringify(rewardService.identity)}`);
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      console.log(`[runner ${runner.id}] ${sig}: stopping (active jobs are left for another runner to resume)`);
      void runner.stop().finally(resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}
