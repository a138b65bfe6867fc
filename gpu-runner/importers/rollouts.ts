/**
 * RolloutRecords from completions a trainer logged (ms-swift completions.jsonl, TRL completions parquet, verl
 * rollout dumps): the structured think is parsed with core/think, like the reward service does.
 */
import { createHash } from 'node:crypto';
import { groupAdvantages, GRPO_EPSILON } from '../../core/grpo';
import { parseStructuredThink, splitCompletion } from '../../core/think';
import type { RewardComponent, RolloutRecord, ThinkSubject } from '../../core/types';

export function parseCompletionText(completion: string): { think: ThinkSubject[] | null; answer: string | null; diagnostics: string[] } {
  const parts = splitCompletion(completion);
  if (parts.think === null) return { think: null, answer: parts.answer, diagnostics: parts.diagnostics };
  const parsed = parseStructuredThink(parts.think);
  return {
    think: parsed.subjects.length > 0 ? parsed.subjects : null,
    answer: parts.answer,
    diagnostics: [...parts.diagnostics, ...parsed.diagnostics],
  };
}

export function wordLength(text: string): number {
  const t = text.trim();
  return t ? t.split(/\s+/).length : 0;
}

export function shortHash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 12);
}

export interface ForeignRollout {
  step: number;
  clipId: string;
  groupIndex: number;
  sampleIndex: number;
  completion: string;
  rewards: Partial<Record<RewardComponent, number>>;
  reward: number;
  /** null: computed from the group's rewards. */
  advantage: number | null;
  length?: number;
  breakdown?: Record<string, unknown>;
}

export function toRolloutRecord(r: ForeignRollout & { advantage: number }): RolloutRecord {
  const parsed = parseCompletionText(r.completion);
  return {
    step: r.step,
    clipId: r.clipId,
    groupIndex: r.groupIndex,
    sampleIndex: r.sampleIndex,
    completion: r.completion,
    think: parsed.think,
    answer: parsed.answer,
    rewards: r.rewards,
    reward: r.reward,
    advantage: r.advantage,
    length: r.length ?? wordLength(r.completion),
    breakdown: { ...(r.breakdown ?? {}), ...(parsed.diagnostics.length ? { parser: parsed.diagnostics } : {}) },
  };
}

/** Fills missing advantages group by group (same step, clip and group index) with core/grpo's groupAdvantages. */
export function withAdvantages(rows: ForeignRollout[]): RolloutRecord[] {
  const groups = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const key = `${r.step}\u0000${r.clipId}\u0000${r.groupIndex}`;
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  const advantage = new Array<number>(rows.length).fill(0);
  for (const idxs of groups.values()) {
    const computed = groupAdvantages(idxs.map((i) => rows[i].reward), GRPO_EPSILON);
    idxs.forEach((rowIdx, k) => {
      advantage[rowIdx] = rows[rowIdx].advantage ?? computed[k];
    });
  }
  return rows.map((r, i) => toRolloutRecord({ ...r, advantage: advantage[i] }));
}
