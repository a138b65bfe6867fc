/**
 * HTTP plumbing shared by the OpenAI-compatible providers: JSON POST with a per-attempt timeout,
 * retries with exponential backoff (and jitter) on 429 / 5xx / 408 / network errors / timeouts,
 * `Retry-After` honoured up to the backoff cap, and a concurrency limiter.
 */
import http from 'node:http';
import https from 'node:https';

export interface RetryPolicy {
  /** Per-attempt timeout, including reading the body. */
  timeoutMs: number;
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff delay; doubles per retry. */
  retryBaseMs: number;
  /** Upper bound of one backoff delay. */
  retryMaxMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { timeoutMs: 30_000, maxRetries: 4, retryBaseMs: 500, retryMaxMs: 20_000 };

export class ProviderHttpError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ProviderHttpError';
  }
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** What one attempt needs from a reply. */
interface AttemptReply {
  status: number;
  ok: boolean;
  header(name: string): string | null;
  text: string;
}

/**
 * The default transport: node:http / node:https with the global keep-alive agents. The WHATWG
 * `fetch` (undici) costs several times more CPU per small request (body streams are built and teed
 * per call), which at evaluation concurrency made the runner CPU-bound (`npm run bench:eval`).
 */
function nodePost(url: string, payload: string, headers: Record<string, string>, signal: AbortSignal): Promise<AttemptReply> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = (target.protocol === 'https:' ? https : http).request(
      target,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(payload)) }, signal },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('close', () => {
          if (!res.complete) reject(new Error('the connection closed before the reply ended'));
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          resolve({
            status,
            ok: status >= 200 && status < 300,
            header: (name) => {
              const v = res.headers[name.toLowerCase()];
              return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
            },
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

async function fetchPost(doFetch: FetchLike, url: string, payload: string, headers: Record<string, string>, signal: AbortSignal): Promise<AttemptReply> {
  const response = await doFetch(url, { method: 'POST', headers, body: payload, signal });
  const text = await response.text();
  return { status: response.status, ok: response.ok, header: (name) => response.headers.get(name), text };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function retryAfterMs(response: AttemptReply): number | null {
  const header = response.header('retry-after');
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : null;
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status <= 599);
}

/** `${base}/v1/<path>`; a base that already ends in /v1 is not doubled. */
export function openAIUrl(baseUrl: string, path: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return `${base.endsWith('/v1') ? base : `${base}/v1`}/${path}`;
}

/**
 * POSTs JSON and returns the parsed JSON reply. Throws ProviderHttpError once retries are spent
 * or on a non-retryable status (4xx other than 408/429), with the status and a body excerpt.
 */
export async function postJson(
  url: string,
  body: unknown,
  options: { headers?: Record<string, string>; policy?: Partial<RetryPolicy>; fetch?: FetchLike } = {},
): Promise<unknown> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  const injected = options.fetch;
  const headers = { 'content-type': 'application/json', accept: 'application/json', ...options.headers };
  const payload = JSON.stringify(body);
  let lastError: ProviderHttpError | null = null;
  let retryAfter: number | null = null;

  for (let attempt = 0; attempt <= policy.maxRetries; attempt++) {
    if (attempt > 0) {
      const backoff = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** (attempt - 1));
      const jittered = backoff / 2 + Math.random() * (backoff / 2);
      // A server's Retry-After wins over our backoff, within the same cap.
      await sleep(retryAfter !== null ? Math.min(retryAfter, policy.retryMaxMs) : jittered);
      retryAfter = null;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), policy.timeoutMs);
    try {
      const response = injected ? await fetchPost(injected, url, payload, headers, controller.signal) : await nodePost(url, payload, headers, controller.signal);
      const text = response.text;
      if (!response.ok) {
        const excerpt = text.slice(0, 300).replace(/\s+/g, ' ');
        const retryable = isRetryableStatus(response.status);
        lastError = new ProviderHttpError(`POST ${url} → HTTP ${response.status}: ${excerpt}`, response.status, retryable);
        if (!retryable) throw lastError;
        retryAfter = retryAfterMs(response);
        continue;
      }
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new ProviderHttpError(`POST ${url} → HTTP ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`, response.status, false);
      }
    } catch (error) {
      if (error instanceof ProviderHttpError && !error.retryable) throw error;
      if (error instanceof ProviderHttpError) {
        lastError = error;
        continue;
      }
      const timedOut = controller.signal.aborted;
      const reason = timedOut ? `timed out after ${policy.timeoutMs} ms` : `network error: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`;
      lastError = new ProviderHttpError(`POST ${url} ${reason}`, null, true);
    } finally {
      clearTimeout(timer);
    }
  }
  const final = lastError ?? new ProviderHttpError(`POST ${url} failed`, null, false);
  throw new ProviderHttpError(`${final.message} (gave up after ${policy.maxRetries + 1} attempts)`, final.status, false);
}

/** Runs at most `concurrency` tasks at a time, in submission order. */
export function createLimiter(concurrency: number): <T>(task: () => Promise<T>) => Promise<T> {
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) throw new RangeError(`concurrency must be an integer ≥ 1, got ${concurrency}`);
  let active = 0;
  const queue: (() => void)[] = [];
  const next = () => {
    if (active >= concurrency) return;
    const start = queue.shift();
    if (start) {
      active++;
      start();
    }
  };
  return <T>(task: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        task()
          .then(resolve, reject)
          .finally(() => {
            active--;
            next();
          });
      });
      next();
    });
}
