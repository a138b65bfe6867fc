/**
 * HTTP client of the server's ingest API (token-authenticated). The reporter batches, retries with
 * backoff and buffers while the server is down, so a runner catches up and nothing is lost.
 */
import type { CreateRunInput, IngestBatchInput, IngestResponse, RejectedIngestItem, SanitizedIngestField, StatusUpdate } from '../core/ingest';
import type { EvalProgress, EvalResultRecord, EvalSampleRecord } from '../core/eval/types';
import type { CheckpointRecord, MetricPoint, RolloutRecord, RunStatus } from '../core/types';
import type { RunReporter } from './report';
import { apiToken } from './cli/api-token';

export interface ServerClientOptions {
  serverUrl: string;
  token: string;
  /**
   * Which variable the token came from, named when the server refuses it (401). Default
   * VIDEOCAP_RUNNER_TOKEN; VIDEOCAP_API_TOKEN for a personal API token (CLI commands).
   */
  tokenVariable?: 'VIDEOCAP_RUNNER_TOKEN' | 'VIDEOCAP_API_TOKEN';
  /** Per-request timeout. */
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The server's JSON answer, when it sent one. */
    readonly body: unknown = null,
  ) {
    super(message);
  }
  /**
   * A 4xx will not succeed on retry (the request itself is wrong), so it is never retried — except 408
   * (Request Timeout) and 429 (Too Many Requests), which say "try again later". 5xx and network errors are retried.
   */
  get permanent(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429;
  }
}

const HTTP_HINTS: Record<number, string> = {
  401: 'the runner token was refused — check VIDEOCAP_RUNNER_TOKEN',
};

export interface RunForRunner {
  id: string;
  name: string;
  kind: 'grpo' | 'sft' | 'eval' | 'curate' | 'analyze';
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

/** The message of a refused personal API token (the server's reason follows in parentheses). */
export const API_TOKEN_REFUSED = '401: the personal API token was refused — check VIDEOCAP_API_TOKEN (create one on <server>/account)';

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
    if (res.status === 401) {
      if (this.opts.tokenVariable !== 'VIDEOCAP_API_TOKEN') throw new HttpError(401, TOKEN_REFUSED);
      let why = text;
      try {
        why = (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {
        // keep the raw text
      }
      throw new HttpError(401, `${API_TOKEN_REFUSED}${why ? ` (${why})` : ''}`);
    }
    if (!res.ok) {
      let msg = text;
      let body: unknown = null;
      try {
        body = JSON.parse(text);
        msg = (body as { error?: string }).error ?? text;
      } catch {
        // keep the raw text
      }
      const hint = HTTP_HINTS[res.status];
      throw new HttpError(res.status, `${method} ${path} → ${res.status}: ${hint ? `${hint} (${msg})` : msg}`, body);
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

  sendBatch(runId: string, batch: IngestBatchInput): Promise<IngestResponse> {
    return this.request<IngestResponse>('POST', `/api/ingest/runs/${encodeURIComponent(runId)}/events`, batch);
  }

  /** An eval run's config and captions or checkpoint (GET /api/ingest/runs/:id/eval-inputs). */
  getEvalInputs<T>(runId: string): Promise<T> {
    return this.withRetry(() => this.request<T>('GET', `/api/ingest/runs/${encodeURIComponent(runId)}/eval-inputs`));
  }

  /** The clips an eval run has stored (compact), for resume and aggregation. */
  getEvalSamples(runId: string): Promise<{ samples: (Pick<EvalSampleRecord, 'benchmark' | 'subset' | 'clipId' | 'failed' | 'scores'> & { failureReason?: string | null })[] }> {
    return this.withRetry(() => this.request('GET', `/api/ingest/runs/${encodeURIComponent(runId)}/eval-samples`));
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
  private evalSamplesQ: EvalSampleRecord[] = [];
  private evalResultsQ: EvalResultRecord[] = [];
  private evalProgressLatest: EvalProgress | undefined;
  private progress: { step: number; maxSteps: number } | undefined;
  private seq: number;
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private backoff = 0;
  private closed = false;
  /** Items sent and answered by the server so far. */
  delivered = { metrics: 0, rollouts: 0, checkpoints: 0, logs: 0, evalSamples: 0, evalResults: 0 };
  /** Rows the server says it stored (inserted or updated), per kind. */
  stored = { metrics: 0, rollouts: 0, checkpoints: 0, logs: 0 };
  /** Items the server refused (never re-sent), with the reason; `item` is relative to the batch it was in. */
  readonly rejected: (RejectedIngestItem & { batch: number; what: string })[] = [];
  /** Text fields the server changed so the database accepts them. */
  readonly sanitized: (SanitizedIngestField & { batch: number })[] = [];
  private batches = 0;

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
    return this.metricsQ.length + this.rolloutsQ.length + this.checkpointsQ.length + this.logsQ.length + this.evalSamplesQ.length + this.evalResultsQ.length;
  }

  /** Per-clip records of an evaluation (sent promptly: a resuming runner skips what the server has). */
  async evalSamples(rows: EvalSampleRecord[]): Promise<void> {
    this.evalSamplesQ.push(...rows);
    this.kick(this.evalSamplesQ.length >= 20);
  }
  async evalResults(rows: EvalResultRecord[]): Promise<void> {
    this.evalResultsQ.push(...rows);
    this.kick(true);
  }
  /** Latest evaluation progress (only the newest is sent). */
  setEvalProgress(p: EvalProgress): void {
    this.evalProgressLatest = p;
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
    while (this.pending > 0 || this.progress || this.evalProgressLatest) {
      // Checkpoints go after the metrics/rollouts of their step were sent (same batch, applied in order).
      const batch: IngestBatchInput = {
        runnerId: this.options.runnerId,
        metrics: this.metricsQ.slice(0, 20_000),
        rollouts: this.rolloutsQ.slice(0, 2_000),
        checkpoints: this.checkpointsQ.slice(0, 100),
        logs: this.logsQ.slice(0, 5_000),
        progress: this.progress,
        evalSamples: this.evalSamplesQ.slice(0, 500),
        evalResults: this.evalResultsQ.slice(0, 2_000),
        evalProgress: this.evalProgressLatest,
      };
      const batchNo = this.batches++;
      let answer: IngestResponse;
      try {
        answer = await this.client.sendBatch(this.runId, batch);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        if (e instanceof HttpError && e.permanent) {
          // A 4xx is never retried: the same request would fail the same way and block everything behind it.
          // The server stores a batch's valid items and names the others (body.stored / body.rejected).
          const body = (e.body ?? {}) as Partial<IngestResponse> & { stored?: Partial<IngestResponse> };
          const partial = body.stored !== undefined;
          this.options.onDeliveryError?.(
            partial ? `ingest stored part of a batch; not stored (not retried): ${msg}` : `ingest rejected a batch (not retried, dropped): ${msg}`,
          );
          if (partial) this.count(batch, batchNo, { ...body.stored, rejected: body.rejected ?? [], sanitized: body.sanitized ?? [] });
          else this.rejectAll(batch, batchNo, msg);
          this.dropSent(batch);
          if (this.progress === batch.progress) this.progress = undefined;
          continue;
        }
        this.backoff = Date.now() + Math.min(30_000, 500 * 2 ** Math.min(6, (this.failures = this.failures + 1)));
        this.options.onDeliveryError?.(`ingest delivery failed, will retry (${this.pending} items buffered): ${msg}`);
        throw e;
      }
      this.failures = 0;
      this.count(batch, batchNo, answer ?? {});
      this.dropSent(batch);
      if (this.progress === batch.progress) this.progress = undefined;
      if (this.evalProgressLatest === batch.evalProgress) this.evalProgressLatest = undefined;
    }
  }
  private failures = 0;

  private count(batch: IngestBatchInput, batchNo: number, answer: Partial<IngestResponse>): void {
    this.delivered.metrics += batch.metrics!.length;
    this.delivered.rollouts += batch.rollouts!.length;
    this.delivered.checkpoints += batch.checkpoints!.length;
    this.delivered.logs += batch.logs!.length;
    this.delivered.evalSamples += batch.evalSamples?.length ?? 0;
    this.delivered.evalResults += batch.evalResults?.length ?? 0;
    this.stored.metrics += answer.metrics ?? 0;
    this.stored.rollouts += answer.rollouts ?? 0;
    this.stored.checkpoints += answer.checkpoints ?? 0;
    this.stored.logs += answer.logs ?? 0;
    for (const r of answer.rejected ?? []) this.rejected.push({ ...r, batch: batchNo, what: describeItem(batch, r.item) });
    for (const s of answer.sanitized ?? []) this.sanitized.push({ ...s, batch: batchNo });
  }

  /** A batch refused as a whole (e.g. its envelope was invalid): every item is listed as not stored. */
  private rejectAll(batch: IngestBatchInput, batchNo: number, message: string): void {
    this.count(batch, batchNo, {});
    for (const kind of ['metrics', 'rollouts', 'checkpoints', 'logs'] as const) {
      batch[kind]!.forEach((_, i) => this.rejected.push({ item: `${kind}.${i}`, field: '(batch)', message, batch: batchNo, what: describeItem(batch, `${kind}.${i}`) }));
    }
  }

  private dropSent(batch: IngestBatchInput): void {
    this.metricsQ.splice(0, batch.metrics!.length);
    this.rolloutsQ.splice(0, batch.rollouts!.length);
    this.checkpointsQ.splice(0, batch.checkpoints!.length);
    this.logsQ.splice(0, batch.logs!.length);
    this.evalSamplesQ.splice(0, batch.evalSamples!.length);
    this.evalResultsQ.splice(0, batch.evalResults!.length);
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

/** "metric reward at step 3000000000" for the item "metrics.2" of a batch. */
function describeItem(batch: IngestBatchInput, item: string): string {
  const [kind, idx] = item.split('.');
  const i = Number(idx);
  if (kind === 'metrics') {
    const m = batch.metrics?.[i];
    return m ? `metric ${m.key} at step ${m.step}` : item;
  }
  if (kind === 'rollouts') {
    const r = batch.rollouts?.[i];
    return r ? `rollout step ${r.step} group ${r.groupIndex} sample ${r.sampleIndex} (${r.clipId})` : item;
  }
  if (kind === 'checkpoints') {
    const c = batch.checkpoints?.[i];
    return c ? `checkpoint at step ${c.step}` : item;
  }
  const l = batch.logs?.[i];
  return l ? `log line ${l.seq}` : item;
}

/**
 * The ingest API client of a CLI command (`videocap import`, `videocap eval --server`): server
 * `serverUrl` (else $VIDEOCAP_SERVER_URL, else http://127.0.0.1:3000) with $VIDEOCAP_API_TOKEN (a
 * personal API token: the server records its owner as the run's creator) when set, else
 * $VIDEOCAP_RUNNER_TOKEN (a runner token: no owner recorded). Throws, naming both variables, when
 * neither is set, and when the URL is not http(s).
 */
export function serverClientFromEnv(env: Record<string, string | undefined> = process.env, serverUrl: string = env.VIDEOCAP_SERVER_URL ?? 'http://127.0.0.1:3000'): ServerClient {
  const personal = apiToken(env);
  const token = personal ?? (env.VIDEOCAP_RUNNER_TOKEN?.trim() || undefined);
  if (!token) {
    throw new Error('neither VIDEOCAP_API_TOKEN (your personal API token: create one on <server>/account) nor VIDEOCAP_RUNNER_TOKEN (a runner token; see README "Configuration") is set');
  }
  try {
    const u = new URL(serverUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new Error(`VIDEOCAP_SERVER_URL must be an http(s) URL, e.g. http://127.0.0.1:3000 (got "${serverUrl}")`);
  }
  return new ServerClient({ serverUrl, token, tokenVariable: personal ? 'VIDEOCAP_API_TOKEN' : 'VIDEOCAP_RUNNER_TOKEN' });
}
