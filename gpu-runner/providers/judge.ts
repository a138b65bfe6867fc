/**
 * Judges for Escore / CNscore (paper §3.2.3 uses Qwen2.5-72B): an OpenAI-compatible chat client
 * (POST {base}/v1/chat/completions, temperature 0), the offline lexical judge, and a caching
 * wrapper keyed by model + prompt version + prompt.
 */
import { z } from 'zod';
import { toJudgeRequest, type Judge, type JudgePrompt, type ProviderStats } from './types';
import { LruCache } from './cache';
import { createLimiter, openAIUrl, postJson, type FetchLike, type RetryPolicy } from './http';
import { parseProviderEnv } from './env';
import { createLexicalJudge, JUDGE_PROMPT_VERSION } from './lexical-judge';

export { createLexicalJudge, JUDGE_PROMPT_VERSION, LEXICAL_JUDGE_MODEL } from './lexical-judge';

export interface OpenAIJudgeOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  concurrency?: number;
  maxTokens?: number;
  /** Sampling temperature (default 0: a judge should be repeatable, and the cache assumes it). */
  temperature?: number;
  policy?: Partial<RetryPolicy>;
  fetch?: FetchLike;
}

const chatResponseSchema = z.object({
  choices: z
    .array(z.object({ message: z.object({ content: z.string().nullable().optional() }) }))
    .min(1, 'no choices in the reply'),
});

/** Uncached OpenAI-compatible judge: bounded concurrency, retries, timeout. */
export function createOpenAIJudge(options: OpenAIJudgeOptions): Judge {
  const limit = createLimiter(options.concurrency ?? 8);
  const url = openAIUrl(options.baseUrl, 'chat/completions');
  const headers: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  const temperature = options.temperature ?? 0;
  const maxTokens = options.maxTokens ?? 2048;
  return {
    id: `openai:${options.model}@${options.baseUrl}`,
    kind: 'openai',
    model: options.model,
    promptVersion: JUDGE_PROMPT_VERSION,
    temperature,
    maxTokens,
    endpoint: options.baseUrl,
    complete(prompt) {
      const request = toJudgeRequest(prompt);
      const messages = [
        ...(request.system !== undefined ? [{ role: 'system', content: request.system }] : []),
        { role: 'user', content: request.user },
      ];
      return limit(async () => {
        const json = await postJson(
          url,
          {
            model: options.model,
            messages,
            temperature,
            max_tokens: request.maxTokens ?? maxTokens,
          },
          { headers, policy: options.policy, fetch: options.fetch },
        );
        const parsed = chatResponseSchema.safeParse(json);
        if (!parsed.success) {
          throw new Error(`POST ${url}: unexpected reply: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        }
        return parsed.data.choices[0].message.content ?? '';
      });
    },
  };
}

export interface CachedJudge extends Judge {
  readonly stats: ProviderStats;
  invalidate(prompt: JudgePrompt): void;
}

function memoryKey(inner: Judge, prompt: JudgePrompt): string {
  const r = toJudgeRequest(prompt);
  return [inner.model, inner.promptVersion, r.maxTokens ?? '', r.system ?? '', r.user].join('\u0000');
}

/**
 * Wraps a judge with an in-process LRU cache keyed by model + prompt version + prompt (failures are
 * not cached; a reply that fails validation is dropped with `invalidate`). The persistent,
 * cross-runner cache of evaluations is gpu-runner/eval/judge-client.ts over PostgreSQL.
 */
export function withJudgeCache(inner: Judge, maxEntries = 20_000, cache = new LruCache<string>(maxEntries)): CachedJudge {
  return {
    id: inner.id,
    kind: inner.kind,
    model: inner.model,
    promptVersion: inner.promptVersion,
    temperature: inner.temperature,
    maxTokens: inner.maxTokens,
    endpoint: inner.endpoint,
    get stats() {
      return { cacheHits: cache.hits, cacheMisses: cache.misses };
    },
    complete(prompt) {
      return cache.getOrCompute(memoryKey(inner, prompt), () => inner.complete(prompt));
    },
    invalidate(prompt) {
      cache.delete(memoryKey(inner, prompt));
    },
  };
}

/**
 * The judge the environment asks for: OpenAI-compatible when JUDGE_BASE_URL is set (JUDGE_MODEL,
 * JUDGE_API_KEY, JUDGE_CONCURRENCY, JUDGE_TIMEOUT_MS, JUDGE_MAX_RETRIES, JUDGE_MAX_TOKENS), else
 * the offline lexical judge; both cached (JUDGE_CACHE_SIZE entries). Throws ProviderConfigError
 * naming a malformed variable.
 */
export function createJudgeFromEnv(env: Record<string, string | undefined> = process.env): CachedJudge {
  const cfg = parseProviderEnv(env);
  const inner = cfg.JUDGE_BASE_URL
    ? createOpenAIJudge({
        baseUrl: cfg.JUDGE_BASE_URL,
        model: cfg.JUDGE_MODEL,
        apiKey: cfg.JUDGE_API_KEY,
        concurrency: cfg.JUDGE_CONCURRENCY,
        maxTokens: cfg.JUDGE_MAX_TOKENS,
        temperature: cfg.JUDGE_TEMPERATURE,
        policy: { timeoutMs: cfg.JUDGE_TIMEOUT_MS, maxRetries: cfg.JUDGE_MAX_RETRIES },
      })
    : createLexicalJudge();
  return withJudgeCache(inner, cfg.JUDGE_CACHE_SIZE);
}
