/**
 * The persistent judge cache as runners (and `videocap eval --server`) see it: the server's
 * PostgreSQL table `JudgeCache`, reached over the ingest API with the runner token
 * (POST /api/ingest/judge-cache/lookup, POST /api/ingest/judge-cache). Lookups of concurrent asks are
 * batched into one request (up to 500 keys, a few ms window); writes are batched too and retried with
 * backoff. A lookup that fails counts as a miss (the judge is asked; nothing is lost).
 */
import type { JudgeCacheEntry, JudgeCacheStore } from '../providers/judge-client';
import type { ServerClient } from '../server-client';

export const JUDGE_CACHE_LOOKUP_PATH = '/api/ingest/judge-cache/lookup';
export const JUDGE_CACHE_PUT_PATH = '/api/ingest/judge-cache';
const MAX_KEYS = 500;

export class ServerJudgeStore implements JudgeCacheStore {
  private pendingGets: { key: string; resolve: (v: string | undefined) => void }[] = [];
  private getTimer: NodeJS.Timeout | null = null;
  private pendingPuts: JudgeCacheEntry[] = [];
  private putTimer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: ServerClient,
    private readonly options: { windowMs?: number; putWindowMs?: number } = {},
  ) {}

  get(keys: readonly string[]): Promise<Map<string, string>> {
    return Promise.all(
      keys.map(
        (key) =>
          new Promise<[string, string | undefined]>((resolve) => {
            this.pendingGets.push({ key, resolve: (v) => resolve([key, v]) });
            if (this.pendingGets.length >= MAX_KEYS) this.fetchBatch();
            else this.getTimer ??= setTimeout(() => this.fetchBatch(), this.options.windowMs ?? 3);
          }),
      ),
    ).then((pairs) => new Map(pairs.filter((p): p is [string, string] => p[1] !== undefined)));
  }

  private fetchBatch(): void {
    if (this.getTimer) clearTimeout(this.getTimer);
    this.getTimer = null;
    while (this.pendingGets.length > 0) {
      const batch = this.pendingGets.splice(0, MAX_KEYS);
      const keys = [...new Set(batch.map((b) => b.key))];
      this.client
        .withRetry(() => this.client.request<{ replies: Record<string, string> }>('POST', JUDGE_CACHE_LOOKUP_PATH, { keys }), 30_000)
        .then(
          (r) => batch.forEach((b) => b.resolve(r.replies[b.key])),
          () => batch.forEach((b) => b.resolve(undefined)),
        );
    }
  }

  put(entries: readonly JudgeCacheEntry[]): Promise<void> {
    this.pendingPuts.push(...entries);
    if (this.pendingPuts.length >= MAX_KEYS) this.writeBatch();
    else this.putTimer ??= setTimeout(() => this.writeBatch(), this.options.putWindowMs ?? 20);
    return Promise.resolve();
  }

  private writeBatch(): void {
    if (this.putTimer) clearTimeout(this.putTimer);
    this.putTimer = null;
    const batch = this.pendingPuts.splice(0, this.pendingPuts.length);
    if (batch.length === 0) return;
    this.writing = this.writing.then(async () => {
      for (let i = 0; i < batch.length; i += MAX_KEYS) {
        const chunk = batch.slice(i, i + MAX_KEYS);
        await this.client.withRetry(() => this.client.request('POST', JUDGE_CACHE_PUT_PATH, { entries: chunk }), 5 * 60_000).catch(() => undefined);
      }
    });
  }

  /** Waits until every reply handed to `put` so far has been sent to the server. */
  async flush(): Promise<void> {
    this.writeBatch();
    await this.writing;
  }
}
