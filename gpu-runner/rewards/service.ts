/**
 * The reward service (contract in ./types.ts): parses completions, embeds every distinct think
 * item of the batch in one provider call, scores Tscore (core/tscore.ts) and asks the judge for
 * Escore / CNscore, then sums the weighted components (core/reward.ts).
 *
 * It never throws for a bad completion: no tags, garbage, empty or 100 kB completions score 0
 * with diagnostics in `breakdown.parse`. A provider failure (embedder or judge) is recorded in
 * `errors` for the component it affects, that component is left out of `rewards`, and the other
 * components are still computed. Only invalid `options` throw (a caller bug).
 */
import { z } from 'zod';
import type { RewardComponent, ThinkSubject } from '../../core/types';
import { describeScorer, type ScorerIdentity, type ScorerProviders } from '../../core/scorer';
import { REWARD_COMPONENTS } from '../../core/types';
import { splitCompletion, parseStructuredThink } from '../../core/think';
import { checkFormat } from '../../core/format';
import { SimilarityCache, thinkScore, type TscoreBreakdown } from '../../core/tscore';
import {
  buildEntailmentPrompt,
  escoreFromCoverage,
  eventCoverage,
  parseEntailmentReply,
  ENTAILMENT_PROMPT_VERSION,
} from '../../core/escore';
import { buildCompletenessPrompt, buildNaturalnessPrompt, cnScore, CN_PROMPT_VERSION } from '../../core/cnscore';
import { parseScoreReply } from '../../core/judge-reply';
import { JudgeClient } from '../providers/judge-client';
import { combineRewards } from '../../core/reward';
import type { Embedder, Judge } from '../providers/types';
import { createEmbedderFromEnv } from '../providers/embeddings';
import { createJudgeFromEnv } from '../providers/judge';
import { parseProviderEnv } from '../providers/env';
import type { RewardOptions, RewardRequestItem, RewardResultItem, RewardService } from './types';

export interface RewardServiceDeps {
  embedder: Embedder;
  judge: Judge;
  /**
   * Strings longer than this are not sent to the embedder (similarity 0, noted in the
   * breakdown): one runaway "item" must not make the provider reject the whole batch.
   */
  maxEmbedChars?: number;
  /** Bound of the item-pair similarity cache (default 500,000 pairs). */
  similarityCacheEntries?: number;
  /** Judge calls per judged item before its component is missing (default 3; JUDGE_REPLY_ATTEMPTS). */
  judgeAttempts?: number;
}

export const DEFAULT_REWARD_OPTIONS: RewardOptions = {
  rewards: [
    { name: 'format', weight: 1 },
    { name: 'tscore', weight: 1 },
    { name: 'escore', weight: 1 },
  ],
  simThreshold: 0.5,
  escoreThresholds: [0.28, 0.35],
};

const rewardOptionsSchema = z.object({
  rewards: z
    .array(z.object({ name: z.enum(REWARD_COMPONENTS), weight: z.number().finite().min(0) }))
    .min(1, 'at least one reward component')
    .refine((r) => new Set(r.map((x) => x.name)).size === r.length, 'each reward component may appear once'),
  simThreshold: z.number().min(0).max(1),
  escoreThresholds: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]).refine(([a, b]) => a <= b, 'δ1 must be ≤ δ2'),
  prefilledThink: z.boolean().default(false),
});

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The providers a reward service scores with (ids, models, all prompt versions of the judge). */
export function providerIdentity(embedder: Embedder, judge: Judge): ScorerProviders {
  return {
    embedder: { kind: embedder.kind, model: embedder.model, id: embedder.id },
    judge: { kind: judge.kind, model: judge.model, id: judge.id, promptVersion: judge.promptVersion },
  };
}

export interface ScorerUse {
  /** Reward components computed (weight 0 included: a monitored component is still scored). */
  components: readonly RewardComponent[];
  simThreshold: number;
  escoreThresholds: readonly [number, number];
  /** The rollouts come from the local backend's simulation. */
  simulation?: boolean;
}

/**
 * The scorer identity (core/scorer.ts) of scoring `use.components` with these providers: the
 * embedder only when Tscore is computed, the judge (with the prompt versions actually used) only when
 * Escore or CNscore is, thresholds only for the components they belong to.
 */
export function scorerIdentity(providers: ScorerProviders, use: ScorerUse): ScorerIdentity {
  const has = (c: RewardComponent) => use.components.includes(c);
  const promptVersion = [has('escore') ? ENTAILMENT_PROMPT_VERSION : null, has('cnscore') ? CN_PROMPT_VERSION : null]
    .filter((v): v is string => v !== null)
    .join('+');
  return describeScorer({
    embedder: has('tscore') ? providers.embedder : null,
    judge: (has('escore') || has('cnscore')) && providers.judge ? { ...providers.judge, promptVersion } : null,
    simThreshold: has('tscore') ? use.simThreshold : null,
    escoreThresholds: has('escore') ? use.escoreThresholds : null,
    simulation: use.simulation,
  });
}

interface Prepared {
  item: RewardRequestItem;
  answer: string | null;
  think: ThinkSubject[] | null;
  result: RewardResultItem;
}

/** Compact Escore explanation for the dashboard. */
interface EscoreBreakdown {
  coverage: number;
  entailed: number;
  total: number;
  events: { event: string; relationship: string | null; reason?: string }[];
  source: 'events' | 'caption' | 'no-answer';
  diagnostics?: string[];
}

export function createRewardService(deps: RewardServiceDeps): RewardService {
  const { embedder, judge } = deps;
  // The one judge code path (strict parser, bounded retries) shared with the evaluations.
  const judgeClient = new JudgeClient(judge, { attempts: deps.judgeAttempts ?? 3 });
  const maxEmbedChars = deps.maxEmbedChars ?? 4000;
  // One embedder per service, so one pair-similarity cache: a group's G samples share the reference
  // items and predicted items repeat across samples and steps.
  const similarityCache = new SimilarityCache(deps.similarityCacheEntries ?? 500_000);

  const prepare = (item: RewardRequestItem, prefilledThink: boolean): Prepared => {
    const result: RewardResultItem = { id: item.id, rewards: {}, reward: 0, think: null, answer: null, breakdown: {} };
    const completion = typeof item.completion === 'string' ? item.completion : '';
    const parts = splitCompletion(completion, { prefilledThink });
    const parsed = parts.think !== null ? parseStructuredThink(parts.think) : null;
    const think = parsed ? parsed.subjects : null;
    result.think = think;
    result.answer = parts.answer;
    result.breakdown.parse = {
      completion: parts.diagnostics,
      ...(parsed && parsed.diagnostics.length > 0 ? { think: parsed.diagnostics } : {}),
    };
    return { item, answer: parts.answer, think, result };
  };

  const addError = (p: Prepared, component: RewardComponent, message: string) => {
    (p.result.errors ??= []).push(`${component}: ${message}`);
  };
  /** The component is missing (left out of the weighted sum) because the judge did not deliver. */
  const addJudgeFailure = (p: Prepared, component: RewardComponent, message: string) => {
    addError(p, component, message);
    p.result.judgeFailures = (p.result.judgeFailures ?? 0) + 1;
  };

  async function scoreTscore(batch: Prepared[], simThreshold: number): Promise<void> {
    const scorable = batch.filter((p) => {
      if (!Array.isArray(p.item.referenceThink)) {
        addError(p, 'tscore', 'no reference think to compare with');
        return false;
      }
      return true;
    });
    const texts = new Set<string>();
    const add = (s: ThinkSubject) => {
      texts.add(s.subject);
      s.attributes.forEach((t) => texts.add(t));
      s.actions.forEach((t) => texts.add(t));
    };
    for (const p of scorable) {
      p.think?.forEach(add);
      p.item.referenceThink?.forEach(add);
    }
    const unique = [...texts].filter((t) => t.length > 0 && t.length <= maxEmbedChars);
    const vectors = new Map<string, Float32Array>();
    if (unique.length > 0 && scorable.some((p) => (p.think?.length ?? 0) > 0)) {
      try {
        const embedded = await embedder.embed(unique);
        unique.forEach((t, k) => vectors.set(t, embedded[k]));
      } catch (error) {
        for (const p of scorable) addError(p, 'tscore', `embedding failed: ${errorMessage(error)}`);
        return;
      }
    }
    const lookup = (text: string) => vectors.get(text);
    for (const p of scorable) {
      try {
        const breakdown: TscoreBreakdown = thinkScore(p.think ?? [], p.item.referenceThink ?? [], lookup, { simThreshold, similarityCache });
        p.result.rewards.tscore = breakdown.tscore;
        p.result.action = breakdown.action;
        p.result.attribute = breakdown.attribute;
        p.result.breakdown.tscore = breakdown;
      } catch (error) {
        addError(p, 'tscore', errorMessage(error));
      }
    }
  }

  async function scoreEscore(p: Prepared, thresholds: [number, number]): Promise<void> {
    const events = p.item.referenceEvents?.filter((e) => typeof e === 'string' && e.trim().length > 0) ?? [];
    let source: EscoreBreakdown['source'] = 'events';
    if (events.length === 0) {
      const caption = p.item.referenceCaption?.trim();
      if (!caption) {
        addError(p, 'escore', 'no reference events and no reference caption to judge against');
        return;
      }
      events.push(caption);
      source = 'caption';
    }
    if (!p.answer) {
      p.result.rewards.escore = 0;
      p.result.breakdown.escore = { coverage: 0, entailed: 0, total: events.length, events: [], source: 'no-answer' } satisfies EscoreBreakdown;
      return;
    }
    const answer = await judgeClient.ask(buildEntailmentPrompt(p.answer, events), (reply) => parseEntailmentReply(reply, events.length));
    if (!answer.ok) {
      addJudgeFailure(p, 'escore', answer.reason);
      return;
    }
    const relationships = answer.value.map((v) => v.relationship);
    const coverage = eventCoverage(relationships) ?? 0;
    p.result.rewards.escore = escoreFromCoverage(coverage, thresholds);
    const breakdown: EscoreBreakdown = {
      coverage,
      entailed: relationships.filter((r) => r === 'entailment').length,
      total: events.length,
      events: events.map((event, i) => ({ event, relationship: relationships[i], reason: answer.value[i].reason })),
      source,
    };
    if (answer.diagnostics.length > 0) breakdown.diagnostics = answer.diagnostics;
    p.result.breakdown.escore = breakdown;
  }

  async function scoreCnscore(p: Prepared): Promise<void> {
    if (!p.answer) {
      p.result.rewards.cnscore = 0;
      p.result.breakdown.cnscore = { completeness: 0, naturalness: 0, reason: 'no answer' };
      return;
    }
    const answer = p.answer;
    const ask = (prompt: string) => judgeClient.ask(prompt, (reply) => parseScoreReply(reply, 10));
    const [completeness, naturalness] = await Promise.all([ask(buildCompletenessPrompt(p.think ?? [], answer)), ask(buildNaturalnessPrompt(answer))]);
    const scores: number[] = [];
    const failures: string[] = [];
    for (const [name, outcome] of [['completeness', completeness], ['naturalness', naturalness]] as const) {
      if (outcome.ok) scores.push(outcome.value);
      else failures.push(`${name}: ${outcome.reason}`);
    }
    if (failures.length > 0) addJudgeFailure(p, 'cnscore', failures.join('; '));
    if (scores.length === 2) {
      p.result.rewards.cnscore = cnScore(scores[0], scores[1]);
      p.result.breakdown.cnscore = { completeness: scores[0], naturalness: scores[1] };
    }
  }

  return {
    identity: providerIdentity(embedder, judge),
    async score(items, options) {
      const parsedOptions = rewardOptionsSchema.safeParse(options);
      if (!parsedOptions.success) {
        throw new Error(`invalid reward options: ${parsedOptions.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
      }
      const { rewards, simThreshold, escoreThresholds, prefilledThink } = parsedOptions.data;
      const requested = new Set(rewards.map((r) => r.name));

      const batch: Prepared[] = items.map((item) => {
        try {
          return prepare(item, prefilledThink);
        } catch (error) {
          // Defensive: the parsers do not throw, but a score must never be lost to one.
          const result: RewardResultItem = { id: item.id, rewards: {}, reward: 0, think: null, answer: null, breakdown: {}, errors: [`parse: ${errorMessage(error)}`] };
          return { item, answer: null, think: null, result };
        }
      });

      if (requested.has('format')) {
        for (const p of batch) {
          const check = checkFormat(typeof p.item.completion === 'string' ? p.item.completion : '', { prefilledThink });
          p.result.rewards.format = check.ok ? 1 : 0;
          if (check.failure) p.result.breakdown.format = { failure: check.failure, ...(prefilledThink ? { prefilledThink } : {}) };
          else if (prefilledThink) p.result.breakdown.format = { prefilledThink };
        }
      }
      const work: Promise<void>[] = [];
      if (requested.has('tscore')) work.push(scoreTscore(batch, simThreshold));
      for (const p of batch) {
        if (requested.has('escore')) work.push(scoreEscore(p, escoreThresholds).catch((e: unknown) => addError(p, 'escore', errorMessage(e))));
        if (requested.has('cnscore')) work.push(scoreCnscore(p).catch((e: unknown) => addError(p, 'cnscore', errorMessage(e))));
      }
      await Promise.all(work);

      for (const p of batch) {
        p.result.reward = combineRewards(p.result.rewards, rewards).reward;
      }
      return batch.map((p) => p.result);
    },
  };
}

export interface EnvRewardService extends RewardService {
  readonly embedder: Embedder;
  readonly judge: Judge;
}

/**
 * A reward service over the providers the environment configures (EMBEDDING_* / JUDGE_*; offline
 * lexical providers when the base URLs are unset). Throws ProviderConfigError for a malformed variable.
 */
export function createRewardServiceFromEnv(env: Record<string, string | undefined> = process.env): EnvRewardService {
  const embedder = createEmbedderFromEnv(env);
  const judge = createJudgeFromEnv(env);
  return { ...createRewardService({ embedder, judge, judgeAttempts: parseProviderEnv(env).JUDGE_REPLY_ATTEMPTS }), embedder, judge };
}
