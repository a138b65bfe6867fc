/**
 * Asking a judge for a reply that passes validation: the one code path through which the rewards
 * (Escore, CNscore) and the evaluations (DREAM-1K, VDC, CAREBENCH) call their judge.
 *
 *  - An optional persistent store (the PostgreSQL judge cache behind the server API, see
 *    ./judge-store.ts) is consulted first, keyed by judge model + sampling settings + full prompt;
 *    only replies that passed validation are stored, so a cached reply never needs a retry.
 *  - A reply that fails validation (core/judge-reply.ts) is asked again, up to `attempts` calls
 *    (the official AutoDQ loop retries 10 times; with a temperature-0 judge a retry rarely changes
 *    the reply, so the default here is 3). Then the item is a failure with the last reason.
 *  - A call that fails at the HTTP level has already been retried with backoff and timeouts by the
 *    provider (./http.ts); it ends the item as a failure at once.
 *  - Counters: calls made to the judge, replies served from the cache, failures.
 */
import { createHash } from 'node:crypto';
import type { JudgeReplyResult } from '../../core/judge-reply';
import { toJudgeRequest, type Judge, type JudgePrompt, type JudgeRequest } from './types';

export interface JudgeCacheEntry {
  key: string;
  model: string;
  settings: { temperature: number; maxTokens: number | null };
  /** The full prompt as sent (system + user), for inspection. */
  prompt: string;
  reply: string;
}

/** A persistent reply cache (PostgreSQL behind the server API, or memory in tests and the CLI). */
export interface JudgeCacheStore {
  get(keys: readonly string[]): Promise<Map<string, string>>;
  put(entries: readonly JudgeCacheEntry[]): Promise<void>;
  /** Waits until every `put` has been written. */
  flush?(): Promise<void>;
}

export interface JudgeCounters {
  /** Requests sent to the judge (each attempt counts). */
  made: number;
  /** Replies served from the persistent cache. */
  cached: number;
  /** Items that ended without a valid reply. */
  failed: number;
}

export type JudgeAnswer<T> =
  | { ok: true; value: T; reply: string; cached: boolean; attempts: number; diagnostics: string[] }
  | { ok: false; reason: string; reply: string | null; attempts: number };

export interface JudgeClientOptions {
  /** Calls per item before it counts as failed (≥ 1). */
  attempts?: number;
  store?: JudgeCacheStore | null;
}

/** The cache key: sha256 of judge model, sampling settings and the full prompt. */
export function judgeCacheKey(model: string, settings: JudgeCacheEntry['settings'], request: JudgeRequest): string {
  return createHash('sha256')
    .update(JSON.stringify([model, settings.temperature, settings.maxTokens, request.system ?? null, request.user]))
    .digest('hex');
}

export class JudgeClient {
  readonly counters: JudgeCounters = { made: 0, cached: 0, failed: 0 };
  readonly attempts: number;
  private readonly store: JudgeCacheStore | null;
  /** Results of `prefetch`: the cached reply, or null for a known miss (no lookup needed at ask time). */
  private readonly prefetched = new Map<string, string | null>();

  constructor(
    readonly judge: Judge,
    options: JudgeClientOptions = {},
  ) {
    this.attempts = options.attempts ?? 3;
    if (!(Number.isInteger(this.attempts) && this.attempts >= 1)) throw new RangeError(`attempts must be an integer ≥ 1, got ${this.attempts}`);
    this.store = options.store ?? null;
  }

  private settings(request: JudgeRequest): JudgeCacheEntry['settings'] {
    return { temperature: this.judge.temperature ?? 0, maxTokens: request.maxTokens ?? this.judge.maxTokens ?? null };
  }

  /**
   * Looks up many prompts in the persistent cache at once (a few large requests instead of one lookup
   * per ask), so asking them later needs no round trip. A failed lookup leaves them to `ask`.
   */
  async prefetch(prompts: readonly JudgePrompt[]): Promise<void> {
    if (!this.store || prompts.length === 0) return;
    const keys = [...new Set(prompts.map((p) => { const r = toJudgeRequest(p); return judgeCacheKey(this.judge.model, this.settings(r), r); }))].filter((k) => !this.prefetched.has(k));
    for (let i = 0; i < keys.length; i += 1000) {
      const chunk = keys.slice(i, i + 1000);
      let hits: Map<string, string>;
      try {
        hits = await this.store.get(chunk);
      } catch {
        continue;
      }
      for (const k of chunk) this.prefetched.set(k, hits.get(k) ?? null);
    }
  }

  /** Asks until `parse` accepts a reply (bounded); never throws for a judge failure. */
  async ask<T>(prompt: JudgePrompt, parse: (reply: string) => JudgeReplyResult<T>): Promise<JudgeAnswer<T>> {
    const request = toJudgeRequest(prompt);
    const settings = this.settings(request);
    const key = this.store ? judgeCacheKey(this.judge.model, settings, request) : null;
    if (this.store && key) {
      const known = this.prefetched.get(key);
      if (known !== undefined) this.prefetched.delete(key);
      const hit = known !== undefined ? (known ?? undefined) : (await this.store.get([key]).catch(() => new Map<string, string>())).get(key);
      if (hit !== undefined) {
        const parsed = parse(hit);
        if (parsed.ok) {
          this.counters.cached++;
          return { ok: true, value: parsed.value, reply: hit, cached: true, attempts: 0, diagnostics: parsed.diagnostics };
        }
      }
    }
    let lastReason = 'no attempt made';
    let lastReply: string | null = null;
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      let reply: string;
      this.counters.made++;
      try {
        reply = await this.judge.complete(request);
      } catch (error) {
        this.counters.failed++;
        return { ok: false, reason: `judge call failed: ${error instanceof Error ? error.message : String(error)}`, reply: null, attempts: attempt };
      }
      const parsed = parse(reply);
      if (parsed.ok) {
        if (this.store && key) {
          const full = request.system !== undefined ? `[system]\n${request.system}\n[user]\n${request.user}` : request.user;
          void this.store.put([{ key, model: this.judge.model, settings, prompt: full, reply }]).catch(() => undefined);
        }
        return { ok: true, value: parsed.value, reply, cached: false, attempts: attempt, diagnostics: parsed.diagnostics };
      }
      // A cached in-process copy of a rejected reply must not come back on the retry.
      this.judge.invalidate?.(request);
      lastReason = parsed.reason;
      lastReply = reply;
    }
    this.counters.failed++;
    return { ok: false, reason: `no valid reply after ${this.attempts} attempt${this.attempts === 1 ? '' : 's'}: ${lastReason}`, reply: lastReply, attempts: this.attempts };
  }
}
