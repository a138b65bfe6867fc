/**
 * Structured-think annotation of a caption (paper Appendix C, Fig. 5). With a judge configured
 * (JUDGE_BASE_URL: an OpenAI-compatible server, the paper used Qwen2.5-72B) the Fig. 5 prompt is
 * sent and the reply read strictly (core/curation/think-prompt.ts); a reply that does not parse is
 * asked again, up to `attempts` calls, then the clip's annotation fails with the last reason.
 * Offline, the heuristic annotator of core/heuristic-think.ts stands in, and every think it makes is
 * labelled with its source (HEURISTIC_THINK_SOURCE) — never passed off as the paper's annotation.
 */
import { deriveStructuredThink, HEURISTIC_THINK_SOURCE } from '../../core/heuristic-think';
import { buildStructuredThinkPrompt, parseStructuredThinkReply, STRUCTURED_THINK_PROMPT_VERSION } from '../../core/curation/think-prompt';
import type { ThinkSubject } from '../../core/types';
import { parseProviderEnv } from '../providers/env';
import { createOpenAIJudge } from '../providers/judge';
import { JudgeClient } from '../providers/judge-client';
import type { Judge } from '../providers/types';

export type AnnotationResult =
  | { ok: true; think: ThinkSubject[]; source: string; attempts: number; diagnostics: string[] }
  | { ok: false; reason: string; source: string; attempts: number };

export interface ThinkAnnotator {
  /** Stored with every think this annotator makes. */
  readonly source: string;
  /** True for the offline heuristic (shown as such on the curate page). */
  readonly heuristic: boolean;
  annotate(caption: string): Promise<AnnotationResult>;
}

/** The offline stand-in: core/heuristic-think.ts on the caption's sentences. */
export function createHeuristicAnnotator(): ThinkAnnotator {
  return {
    source: HEURISTIC_THINK_SOURCE,
    heuristic: true,
    async annotate(caption) {
      const think = deriveStructuredThink(caption, []);
      if (think.length === 0) return { ok: false, reason: 'the heuristic annotator found no subject with an action in the caption', source: HEURISTIC_THINK_SOURCE, attempts: 1 };
      return { ok: true, think, source: HEURISTIC_THINK_SOURCE, attempts: 1, diagnostics: [] };
    },
  };
}

/**
 * The Fig. 5 prompt through a judge, with bounded re-asking when a reply does not parse — the same
 * client as the rewards and the evaluations (gpu-runner/providers/judge-client.ts): a failed HTTP call
 * ends the clip at once (the provider already retried it with backoff), an unreadable reply is asked
 * again up to `attempts` calls, then the clip's annotation fails with the last reason.
 */
export function createJudgeAnnotator(judge: Judge, attempts = 3): ThinkAnnotator {
  const client = new JudgeClient(judge, { attempts });
  const source = `${judge.model} (${judge.kind}), Fig. 5 prompt ${STRUCTURED_THINK_PROMPT_VERSION}`;
  return {
    source,
    heuristic: false,
    async annotate(caption) {
      const answer = await client.ask(buildStructuredThinkPrompt(caption), (reply) => {
        const parsed = parseStructuredThinkReply(reply);
        return parsed.ok ? { ok: true, value: parsed.subjects, diagnostics: parsed.diagnostics } : { ok: false, reason: parsed.reason, diagnostics: parsed.diagnostics };
      });
      if (!answer.ok) return { ok: false, reason: answer.reason, source, attempts: answer.attempts };
      return { ok: true, think: answer.value, source, attempts: answer.attempts, diagnostics: answer.diagnostics };
    },
  };
}

/**
 * The annotator the environment asks for: the judge when JUDGE_BASE_URL is set (not cached, so a
 * retry really asks again), else the heuristic.
 */
export function createAnnotatorFromEnv(env: Record<string, string | undefined>, attempts: number): ThinkAnnotator {
  const cfg = parseProviderEnv(env);
  if (!cfg.JUDGE_BASE_URL) return createHeuristicAnnotator();
  const judge = createOpenAIJudge({
    baseUrl: cfg.JUDGE_BASE_URL,
    model: cfg.JUDGE_MODEL,
    apiKey: cfg.JUDGE_API_KEY,
    concurrency: cfg.JUDGE_CONCURRENCY,
    maxTokens: cfg.JUDGE_MAX_TOKENS,
    policy: { timeoutMs: cfg.JUDGE_TIMEOUT_MS, maxRetries: cfg.JUDGE_MAX_RETRIES },
  });
  return createJudgeAnnotator(judge, attempts);
}
