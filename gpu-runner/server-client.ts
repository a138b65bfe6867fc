/**
 * HTTP client of the server's ingest API (token-authenticated). The reporter batches, retries with
 * backoff and buffers while the server is down, so a runner catches up and nothing is lost.
 */
import type { CreateRunInput, IngestBatchInput, StatusUpdate } from '../core/ingest';
import type { CheckpointRecord, MetricPoint, RolloutRecord, RunStatus } from '../core/types';
import type { RunReporter } from './report';

export interface ServerClientOptions {
  serverUrl: string;
  token: string;
  /** Per-request timeout. */
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
  /** 4xx other than 408/429 will not succeed on retry. */
  get permanent(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429;
  }
}

export interface RunForRunner {
  id: string;
  name: string;
  kind: 'grpo' | 'sft' | 'eval' | 'curate';
  backend: string;
  status: RunStatus;
  config: unknown;
  attempt: number;
  resume: { step: number; path: string; metadata?: unknown } | null;
  initCheckpoint: { step: number; path: string; metadata?: unknown } | null;
  nextLogSeq: number;
  cancelRequested: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The message of a refused runner token: what happened and which variable to check. */
export const TOKEN_REFUSED = '401: the runner token was refused — check VIDEOCAP_RUNNER_TOKEN (it must equal the server\'s, or be a token stored in RunnerToken)';

/** "ECONNREFUSED 127.0.0.1:3999" from Node's `fetch failed` (the reason is in `cause`). */
function networkReason(e: unknown): string {
  if (e instanceof Error && e.name === 'TimeoutError') return 'no answer (timed out)';
  const cause = e instanceof Error ? (e as Error & { cause?: unknown }).cause : undefined;
  if (cause && typeof cause === 'object') {
    const c = cause as { code?: unknown; message?: unknown };
    if (typeof c.code === 'string') return c.code;
    if (typeof c.message === 'string') return c.message;
  }
  return e instanceof Error ? e.message : String(e);
}

export class ServerClient {
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;
  constructor(private readonly opts: ServerClientOptions) {
    this.base = opts.serverUrl.replace(/\/+$/, '');
    this.fetchImpl = opts.fetchImpl ?? fetch;
  }

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.opts.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
      });
    } catch (e) {
      throw new HttpError(0, `cannot reach the server at ${this.base} (${networkReason(e)}) — is it running? VIDEOCAP_SERVER_URL says where it is`);
    }
    const text = await res.text();
    if (res.status === 401) throw new HttpError(401, TOKEN_REFUSED);
    if (!res.ok) {
      let msg = text;
      try {
        msg = (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {
        // keep the raw text
      }
      throw new HttpError(res.status, `${method} ${path} → ${res.status}: ${msg}`);
    }
    return (text ? JSON.parse(text) : null) as T;
  }

  /** Retry transient failures (network, 5xx, 429) with exponential backoff up to `deadlineMs`. */
  async withRetry<T>(fn: () => Promise<T>, deadlineMs = 60_000): Promise<T> {
    const end = Date.now() + deadlineMs;
    let delay = 250;
    for (;;) {
      try {
        return await fn();
      } catch (e) {
        if (e instanceof HttpError && e.permanent) throw e;
        if (Date.now() + delay > end) throw e;
        await sleep(delay);
        delay = Math.min(delay * 2, 10_000);
      }
    }
  }

  /**
   * One quick authenticated request (no retries): resolves when the server answers and accepts the
   * token; rejects with HttpError 0 (unreachable, within `timeoutMs`) or 401 (token refused).
   */
  async preflight(timeoutMs = 5_000): Promise<void> {
    const quick = new ServerClient({ ...this.opts, timeoutMs });
    await quick.request('GET', '/api/ingest/ping');
  }

  getRun(runId: string): Promise<RunForRunner> {
    return this.withRetry(() => this.request<RunForRunner>('GET', `/api/ingest/runs/${encodeURIComponent(runId)}`));
  }

  createRun(input: CreateRunInput): Promise<{ id: string }> {
    return this.withRetry(() => this.request<{ id: string }>('POST', '/api/ingest/runs', input));
  }

  transition(runId: string, update: StatusUpdate): Promise<unknown> {
    return this.withRetry(() => this.request('POST', `/api/ingest/runs/${encodeURIComponent(runId)}/status`, update), 10 * 60_000);
  }

  sendBatch(runId: string, batch: IngestBatchInput): Promise<unknown> {
    return this.request('POST', `/api/ingest/runs/${encodeURIComponent(runId)}/events`, batch);
  }

  reporter(runId: string, options: IngestReporterOptions = {}): IngestReporter {
    return new IngestReporter(this, runId, options);
  }
}

export interface IngestReporterOptions {
  runnerId?: string;
  /** First log sequence number (continue after what the server already has). */
  firstLogSeq?: number;
  /** Flush at least this often (ms). */
  flushIntervalMs?: number;
  /** Flush as soon as this many items are pending. */
  maxBatchItems?: number;
  onDeliveryError?: (message: string) => void;
}

/**
 * A RunReporter over the ingest API. Items are queued in memory and sent by one flush loop in
 * order; a failed send keeps them queued and retries with backoff, so a server outage only delays.
 */
export class IngestReporter implements RunReporter {
  private metricsQ: MetricPoint[] = [];
  private rolloutsQ: RolloutRecord[] = [];
  private checkpointsQ: CheckpointRecord[] = [];
  private logsQ: { seq: number; line: string }[] = [];
  private progress: { step: number; maxSteps: number } | undefined;
  private seq: number;
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private backoff = 0;
  private closed = false;
  /** Items delivered so far (for tests and logs). */
  delivered = { metrics: 0, rollouts: 0, checkpoints: 0, logs: 0 };

  constructor(
    private readonly client: ServerClient,
    private readonly runId: string,
    private readonly options: IngestReporterOptions = {},
  ) {
    this.seq = options.firstLogSeq ?? 0;
    this.timer = setInterval(() => void this.flush().catch(() => undefined), options.flushIntervalMs ?? 500);
    this.timer.unref?.();
  }

  get pending(): number {
    return this.metricsQ.length + this.rolloutsQ.length + this.checkpointsQ.length + this.logsQ.length;
  }

  setProgress(step: number, maxSteps: number): void {
    this.progress = { step, maxSteps };
  }

  async metrics(points: MetricPoint[]): Promise<void> {
    this.metricsQ.push(...points);
    this.kick();
  }
  async rollouts(rows: RolloutRecord[]): Promise<void> {
    this.rolloutsQ.push(...rows);
    this.kick();
  }
  async checkpoint(c: CheckpointRecord): Promise<void> {
    this.checkpointsQ.push(c);
    this.kick(true);
  }
  async log(lines: string[]): Promise<void> {
    for (const line of lines) this.logsQ.push({ seq: this.seq++, line: line.length > 20_000 ? line.slice(0, 20_000) : line });
    this.kick();
  }

  private kick(now = false): void {
    if (now || this.pending >= (this.options.maxBatchItems ?? 2000)) void this.flush().catch(() => undefined);
  }

  /** Send everything pending once (one attempt per chunk). Rejects if the server did not take it. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.flushOnce().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    if (this.backoff > Date.now()) throw new Error('backing off');
    while (this.pending > 0 || this.progress) {
      // Checkpoints go after the metrics/rollouts of their step were sent (same batch, applied in order).
      const batch: IngestBatchInput = {
        runnerId: this.options.runnerId,
        metrics: this.metricsQ.slice(0, 20_000),
        rollouts: this.rolloutsQ.slice(0, 2_000),
        checkpoints: this.checkpointsQ.slice(0, 100),
        logs: this.logsQ.slice(0, 5_000),
        progress: this.progress,
      };
      try {
        await this.client.sendBatch(this.runId, batch);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        if (e instanceof HttpError && e.permanent) {
          // A batch the server rejects as invalid would block everything behind it: drop it, say so.
          this.options.onDeliveryError?.(`ingest rejected a batch (dropped): ${msg}`);
          this.dropSent(batch);
          continue;
        }
        this.backoff = Date.now() + Math.min(30_000, 500 * 2 ** Math.min(6, (this.failures = this.failures + 1)));
        this.options.onDeliveryError?.(`ingest delivery failed, will retry (${this.pending} items buffered): ${msg}`);
        throw e;
      }
      this.failures = 0;
      this.delivered.metrics += batch.metrics!.length;
      this.delivered.rollouts += batch.rollouts!.length;
      this.delivered.checkpoints += batch.checkpoints!.length;
      this.delivered.logs += batch.logs!.length;
      this.dropSent(batch);
      if (this.progress === batch.progress) this.progress = undefined;
    }
  }
  private failures = 0;

  private dropSent(batch: IngestBatchInput): void {
    this.metricsQ.splice(0, batch.metrics!.length);
    this.rolloutsQ.splice(0, batch.rollouts!.length);
    this.checkpointsQ.splice(0, batch.checkpoints!.length);
    this.logsQ.splice(0, batch.logs!.length);
  }

  /** Deliver everything, retrying until `deadlineMs`; then stop the timer. Throws if items remain. */
  async close(deadlineMs = 10 * 60_000): Promise<void> {
    const end = Date.now() + deadlineMs;
    for (;;) {
      this.backoff = Math.min(this.backoff, Date.now() + 2000);
      try {
        await this.flush();
        if (this.pending === 0) break;
      } catch {
        if (Date.now() > end) break;
        await sleep(Math.min(2000, Math.max(100, this.backoff - Date.now())));
      }
    }
    if (!this.closed && this.timer) clearInterval(this.timer);
    this.closed = true;
    if (this.pending > 0) throw new Error(`${this.pending} items could not be delivered to the server`);
  }
}

export function serverClientFromEnv(env: Record<string, string | undefined> = process.env): ServerClient {
  const serverUrl = env.VIDEOCAP_SERVER_URL ?? 'http://127.0.0.1:3000';
  const token = env.VIDEOCAP_RUNNER_TOKEN;
  if (!token) throw new Error('VIDEOCAP_RUNNER_TOKEN is not set (the server\'s runner token; see README "Configuration")');
  try {
    new URL(serverUrl);
  } catch {
    throw new Error(`VIDEOCAP_SERVER_URL must be an http(s) URL, e.g. http://127.0.0.1:3000 (got "${serverUrl}")`);
  }
  return new ServerClient({ serverUrl, token });
}
