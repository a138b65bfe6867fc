/**
 * The persistent judge cache as runners (and `videocap eval --server`) see it: the server's
 * PostgreSQL table `JudgeCache`, reached over the ingest API with the runner token
 * (POST /api/ingest/judge-cache/lookup, POST /api/ingest/judge-cache).
 *
 * Batching adapts to load: at most `maxInFlight` lookup requests are on the wire; keys asked meanwhile
 * wait and go together in the next request (≤ 1,000 keys), so a busy evaluation makes few large
 * requests instead of one per judge call. Writes go the same way (one write request at a time, retried
 * with backoff). A lookup that fails counts as a miss (the judge is asked; nothing is lost).
 */
import type { JudgeCacheEntry, JudgeCacheStore } from '../providers/judge-client';
import type { ServerClient } from '../server-client';

export const JUDGE_CACHE_LOOKUP_PATH = '/api/ingest/judge-cache/lookup';
export const JUDGE_CACHE_PUT_PATH = '/api/ingest/judge-cache';
const MAX_KEYS = 1000;

export class ServerJudgeStore implements JudgeCacheStore {
  private pendingGets: { key: string; resolve: (v: string | undefined) => void }[] = [];
  private getsInFlight = 0;
  private getTimer: NodeJS.Timeout | null = null;
  private pendingPuts: JudgeCacheEntry[] = [];
  private putTimer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;

  constructor(
    private readonly client: ServerClient,
    private readonly options: { windowMs?: number; putWindowMs?: number; maxInFlight?: number } = {},
  ) {}

  get(keys: readonly string[]): Promise<Map<string, string>> {
    return Promise.all(
      keys.map(
        (key) =>
          new Promise<[string, string | undefined]>((resolve) => {
            this.pendingGets.push({ key, resolve: (v) => resolve([key, v]) });
            this.scheduleGets();
          }),
      ),
    ).then((pairs) => new Map(pairs.filter((p): p is [string, string] => p[1] !== undefined)));
  }

  private scheduleGets(): void {
    if (this.getsInFlight >= (this.options.maxInFlight ?? 2) || this.pendingGets.length === 0) return;
    if (this.pendingGets.length >= MAX_KEYS) this.fetchBatch();
    else this.getTimer ??= setTimeout(() => this.fetchBatch(), this.options.windowMs ?? 2);
  }

  private fetchBatch(): void {
    if (this.getTimer) clearTimeout(this.getTimer);
    this.getTimer = null;
    const batch = this.pendingGets.splice(0, MAX_KEYS);
    if (batch.length === 0) return;
    this.getsInFlight++;
    const keys = [...new Set(batch.map((b) => b.key))];
    this.client
      .withRetry(() => this.client.request<{ replies: Record<string, string> }>('POST', JUDGE_CACHE_LOOKUP_PATH, { keys }), 30_000)
      .then(
        (r) => batch.forEach((b) => b.resolve(r.replies[b.key])),
        () => batch.forEach((b) => b.resolve(undefined)),
      )
      .finally(() => {
        this.getsInFlight--;
        this.scheduleGets();
      });
  }

  put(entries: readonly JudgeCacheEntry[]): Promise<void> {
    this.pendingPuts.push(...entries);
    this.schedulePuts();
    return Promise.resolve();
  }

  private schedulePuts(): void {
    if (this.writing || this.pendingPuts.length === 0) return;
    this.putTimer ??= setTimeout(() => this.writeBatch(), this.options.putWindowMs ?? 20);
  }

  private writeBatch(): void {
    if (this.putTimer) clearTimeout(this.putTimer);
    this.putTimer = null;
    if (this.writing) return;
    const batch = this.pendingPuts.splice(0, MAX_KEYS);
    if (batch.length === 0) return;
    this.writing = this.client
      .withRetry(() => this.client.request('POST', JUDGE_CACHE_PUT_PATH, { entries: batch }), 5 * 60_000)
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        this.writing = null;
        this.schedulePuts();
      });
  }

  /** Waits until every reply handed to `put` so far has been sent to the server. */
  async flush(): Promise<void> {
    while (this.writing || this.pendingPuts.length > 0) {
      if (!this.writing) this.writeBatch();
      await this.writing;
    }
  }
}
