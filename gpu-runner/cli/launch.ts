/**
 * `videocap launch`: launch a run through the tRPC HTTP API (same as the browser's launch form), as the
 * owner of $VIDEOCAP_API_TOKEN (a personal API token, researcher or admin; not needed with AUTH_MODE=open).
 */
import { parseArgs } from 'node:util';
import { apiToken } from './api-token';
import { callTrpc } from './trpc-http';

const LAUNCH_USAGE = `usage: videocap launch --name NAME [--kind grpo|sft] [--backend local|swift] [--config '{"maxSteps":200}'] [--experiment NAME] [--server URL]
Prints the new run id on stdout; warnings (e.g. training on an evaluation benchmark) go to stderr.
The server URL defaults to $VIDEOCAP_SERVER_URL or http://127.0.0.1:3000.
Authenticates with $VIDEOCAP_API_TOKEN (a personal API token: create one on <server>/account).`;

export async function runLaunchCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      name: { type: 'string' },
      kind: { type: 'string', default: 'grpo' },
      backend: { type: 'string', default: 'local' },
      config: { type: 'string' },
      experiment: { type: 'string' },
      server: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(LAUNCH_USAGE);
    return 0;
  }
  if (!values.name || !values.name.trim()) {
    console.error(`videocap launch: missing required option --name (the run's name, e.g. --name ablation-format-tscore)\n\n${LAUNCH_USAGE}`);
    return 2;
  }
  let config: unknown = {};
  if (values.config) {
    try {
      config = JSON.parse(values.config);
    } catch (e) {
      console.error(`videocap launch: --config is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
      return 2;
    }
  }
  const server = values.server ?? process.env.VIDEOCAP_SERVER_URL ?? 'http://127.0.0.1:3000';
  let launched: LaunchedRun;
  try {
    launched = await launchRunViaHttp(
      server,
      { name: values.name, kind: values.kind ?? 'grpo', backend: values.backend ?? 'local', config, experiment: values.experiment },
      { token: apiToken() },
    );
  } catch (e) {
    console.error(`videocap launch: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  for (const w of launched.warnings) console.error(`warning: ${w}`);
  console.log(launched.id);
  return 0;
}

export interface LaunchedRun {
  id: string;
  /** Warnings of the launch (e.g. the dataset is an evaluation benchmark). */
  warnings: string[];
}

/**
 * POST run.launch on the tRPC HTTP API (superjson envelope), with `Authorization: Bearer <token>` when a
 * personal API token is given. Resolves with the run id and
 * the launch's warnings; rejects with a message naming every invalid field, or the unreachable
 * server (within `timeoutMs`).
 */
export async function launchRunViaHttp(
  server: string,
  input: { name: string; kind: string; backend: string; config?: unknown; experiment?: string },
  opts: { token?: string; timeoutMs?: number } = {},
): Promise<LaunchedRun> {
  const data = await callTrpc<{ id: string; warnings?: string[] }>(server, 'run.launch', input, opts).catch((e: unknown) => {
    throw e instanceof Error ? new Error(e.message.replace(/^run\.launch rejected/, 'launch rejected')) : e;
  });
  return { id: data.id, warnings: data.warnings ?? [] };
}
