/**
 * The judge of an evaluation: from an eval run's config (runner) or from the environment (CLI), with
 * its identity as stored beside every result.
 */
import type { EvalJudgeConfig } from '../../core/eval/config';
import type { JudgeIdentity } from '../../core/eval/types';
import { parseProviderEnv } from '../providers/env';
import { createOpenAIJudge, withJudgeCache } from '../providers/judge';
import { createLexicalJudge } from '../providers/lexical-judge';
import type { Judge } from '../providers/types';

/** An OpenAI-compatible judge for an eval config (API key and HTTP policy from the environment), or the lexical judge. */
export function judgeForConfig(cfg: EvalJudgeConfig, concurrency: number, env: Record<string, string | undefined> = process.env): Judge {
  if (cfg.kind === 'lexical') return createLexicalJudge();
  const p = parseProviderEnv(env);
  return withJudgeCache(
    createOpenAIJudge({
      baseUrl: cfg.baseUrl,
      model: cfg.model,
      apiKey: p.JUDGE_API_KEY,
      concurrency,
      temperature: cfg.temperature,
      maxTokens: cfg.maxTokens,
      policy: { timeoutMs: p.JUDGE_TIMEOUT_MS, maxRetries: p.JUDGE_MAX_RETRIES },
    }),
    p.JUDGE_CACHE_SIZE,
  );
}

/** The eval judge config the environment describes (JUDGE_BASE_URL / JUDGE_MODEL / JUDGE_TEMPERATURE / JUDGE_MAX_TOKENS). */
export function judgeConfigFromEnv(env: Record<string, string | undefined> = process.env): EvalJudgeConfig {
  const p = parseProviderEnv(env);
  if (!p.JUDGE_BASE_URL) return { kind: 'lexical' };
  return { kind: 'openai', baseUrl: p.JUDGE_BASE_URL, model: p.JUDGE_MODEL, temperature: p.JUDGE_TEMPERATURE, maxTokens: p.JUDGE_MAX_TOKENS };
}

export function judgeIdentity(judge: Judge, promptVersion: string): JudgeIdentity {
  return {
    kind: judge.kind,
    model: judge.model,
    endpoint: judge.endpoint ?? null,
    temperature: judge.temperature ?? 0,
    maxTokens: judge.maxTokens ?? null,
    promptVersion,
  };
}

/**
 * How often a judged item is tried, for the run log, from the two limits that actually apply:
 * `replyAttempts` judge replies per item (a reply that fails validation is asked again; the eval
 * config's `attempts` / JUDGE_REPLY_ATTEMPTS), and per request JUDGE_MAX_RETRIES + 1 HTTP attempts
 * on connection errors, timeouts, 429 and 5xx (gpu-runner/providers/http.ts, whose "gave up after N
 * attempts" error counts the same N). The lexical judge makes no request: only the reply limit applies.
 */
export function judgeRetryText(judge: Judge, replyAttempts: number, env: Record<string, string | undefined> = process.env): string {
  const replies = `up to ${replyAttempts} judge repl${replyAttempts === 1 ? 'y' : 'ies'} per judged item (a reply that fails validation is asked again)`;
  if (judge.kind === 'lexical') return replies;
  const http = parseProviderEnv(env).JUDGE_MAX_RETRIES + 1;
  return `${replies}; each request tried up to ${http} time${http === 1 ? '' : 's'} on connection errors, timeouts, 429 and 5xx (JUDGE_MAX_RETRIES + 1), then the clip fails`;
}
