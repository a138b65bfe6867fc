/**
 * One tRPC-over-HTTP call from the CLI (the superjson envelope `{"json": …}`; queries are GET with
 * `?input=`, mutations POST), with `Authorization: Bearer <personal API token>` when one is given
 * ($VIDEOCAP_API_TOKEN). Every CLI command that uses the public API goes through it, so each says
 * the same things the same way:
 * - unreachable server (or no answer within `timeoutMs`, default 15 s) → "cannot reach the server at URL (ECONNREFUSED) — is it running? …"
 * - 401 without a token → the hint to set VIDEOCAP_API_TOKEN; 403 → the server's message (it names the role needed)
 * - a refused input → "<procedure> rejected: <message> (HTTP n)" and one line per invalid field (`data.fieldErrors`).
 */
import { apiAuthHeaders } from './api-token';

interface TrpcEnvelope<T> {
  result?: { data?: { json?: T } };
  error?: { json?: { message?: string; data?: { fieldErrors?: Record<string, string> | null } } };
}

export interface TrpcCallOptions {
  /** A personal API token; omitted → no Authorization header (AUTH_MODE=open servers). */
  token?: string;
  timeoutMs?: number;
  method?: 'GET' | 'POST';
}

/** Calls `procedure` on `server` and resolves with its output; rejects with one actionable message. */
export async function callTrpc<T>(server: string, procedure: string, input: unknown, opts: TrpcCallOptions = {}): Promise<T> {
  const base = server.replace(/\/+$/, '');
  const method = opts.method ?? 'POST';
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const headers: Record<string, string> = { ...(opts.token ? apiAuthHeaders(opts.token) : {}) };
  const url = method === 'GET' ? `${base}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}` : `${base}/api/trpc/${procedure}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: method === 'POST' ? { ...headers, 'content-type': 'application/json' } : headers,
      body: method === 'POST' ? JSON.stringify({ json: input }) : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e instanceof Error && e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : e instanceof Error ? e.message : String(e));
    throw new Error(`cannot reach the server at ${base} (${cause}) — is it running? --server or VIDEOCAP_SERVER_URL says where it is`);
  }
  let json: TrpcEnvelope<T>;
  try {
    json = (await res.json()) as TrpcEnvelope<T>;
  } catch {
    throw new Error(`${base} answered ${res.status} without JSON — is it the VideoCap Studio server?`);
  }
  const data = json.result?.data?.json;
  if (!res.ok || data === undefined) {
    const fields = json.error?.json?.data?.fieldErrors;
    const detail = fields && Object.keys(fields).length ? Object.entries(fields).map(([k, v]) => `\n  ${k}: ${v}`).join('') : '';
    const hint = res.status === 401 && !opts.token ? ` — set VIDEOCAP_API_TOKEN to a personal API token (create one on ${base}/account)` : '';
    throw new Error(`${procedure} rejected: ${json.error?.json?.message ?? res.statusText} (HTTP ${res.status})${detail}${hint}`);
  }
  return data;
}
