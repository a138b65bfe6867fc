/**
 * `videocap launch`: launch a run through the tRPC HTTP API (same as the browser's launch form), as the
 * owner of $VIDEOCAP_API_TOKEN (a personal API token, researcher or admin; not needed with AUTH_MODE=open).
 */
import { parseArgs } from 'node:util';
import { apiAuthHeaders, apiToken } from './api-token';

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
  if (values.help || !values.name) {
    console.log(`usage: videocap launch --name NAME [--kind grpo|sft] [--backend local|swift] [--config '{"maxSteps":200}'] [--experiment NAME] [--server URL]
Prints the new run id. The server URL defaults to $VIDEOCAP_SERVER_URL or http://127.0.0.1:3000.
Authenticates with $VIDEOCAP_API_TOKEN (a personal API token: create one on <server>/account).`);
    return values.help ? 0 : 2;
  }
  let config: unknown = {};
  if (values.config) {
    try {
      config = JSON.parse(values.config);
    } catch (e) {
      console.error(`--config is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
      return 2;
    }
  }
  const server = values.server ?? process.env.VIDEOCAP_SERVER_URL ?? 'http://127.0.0.1:3000';
  let id: string;
  try {
    id = await launchRunViaHttp(
      server,
      { name: values.name, kind: values.kind ?? 'grpo', backend: values.backend ?? 'local', config, experiment: values.experiment },
      { token: apiToken() },
    );
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 1;
  }
  console.log(id);
  return 0;
}

/**
 * POST run.launch on the tRPC HTTP API (superjson envelope) with `Authorization: Bearer <token>` when
 * a personal API token is given. Returns the run id; throws with the HTTP status and the server's reason.
 */
export async function launchRunViaHttp(
  server: string,
  input: { name: string; kind: string; backend: string; config?: unknown; experiment?: string },
  opts: { token?: string } = {},
): Promise<string> {
  const base = server.replace(/\/+$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(opts.token ? apiAuthHeaders(opts.token) : {}) };
  let res: Response;
  try {
    res = await fetch(`${base}/api/trpc/run.launch`, { method: 'POST', headers, body: JSON.stringify({ json: input }) });
  } catch (e) {
    throw new Error(`cannot reach ${base}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const json = (await res.json().catch(() => ({}))) as { result?: { data?: { json?: { id: string } } }; error?: { json?: { message?: string } } };
  if (!res.ok || !json.result?.data?.json) {
    const hint = res.status === 401 && !opts.token ? ` — set VIDEOCAP_API_TOKEN to a personal API token (create one on ${base}/account)` : '';
    throw new Error(`launch rejected: ${json.error?.json?.message ?? res.statusText} (HTTP ${res.status})${hint}`);
  }
  return json.result.data.json.id;
}
