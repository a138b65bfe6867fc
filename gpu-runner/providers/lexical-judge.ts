/**
 * Offline judge: answers the three judge prompts (core/escore.ts entailment, core/cnscore.ts
 * completeness and naturalness) from the prompt text alone, with lexical rules. It replies in
 * the format the prompts ask for, so its output goes through the same parsers as an LLM's.
 * An approximation of Qwen2.5-72B for runs without a judge server; not comparable with the paper.
 *
 *  - Entailment: an event is "entailment" when ≥ `entailmentThreshold` of its content lemmas
 *    (synonyms folded) occur in the caption, else "neutral". It never says "contradiction".
 *  - Completeness: 1 + 9 × share of think items (names, attributes, actions) whose content lemmas
 *    are ≥ 50% present in the caption, rounded.
 *  - Naturalness: 10 minus penalties for think-format leftovers ("#Subject", brackets), very short
 *    text, repeated trigrams, run-on or fragment sentences, missing final punctuation, and a high
 *    share of non-word tokens; clamped to [1, 10].
 */
import { contentLemmas, lemmaCoverage, tokenize } from '../../core/lexical';
import {
  ENTAILMENT_PROMPT_MARKERS,
  ENTAILMENT_PROMPT_VERSION,
  parsePythonStringList,
  type EntailmentRelationship,
} from '../../core/escore';
import { CN_PROMPT_MARKERS, CN_PROMPT_VERSION } from '../../core/cnscore';
import { parseStructuredThink } from '../../core/think';
import type { Judge } from './types';

export const LEXICAL_JUDGE_MODEL = 'lexical-judge-v2 (offline approximation, not Qwen2.5-72B)';
export const JUDGE_PROMPT_VERSION = `${ENTAILMENT_PROMPT_VERSION}+${CN_PROMPT_VERSION}`;

export interface LexicalJudgeOptions {
  /** Share of an event's content lemmas the caption must contain (default 0.75). */
  entailmentThreshold?: number;
}

function between(text: string, start: string, end: string, fromEnd = false): string | null {
  const a = text.indexOf(start);
  if (a < 0) return null;
  const b = fromEnd ? text.lastIndexOf(end) : text.indexOf(end, a + start.length);
  if (b < a + start.length) return null;
  return text.slice(a + start.length, b);
}

export function judgeEntailment(caption: string, events: readonly string[], threshold: number): { event: string; relationship: EntailmentRelationship; reason: string }[] {
  const captionLemmas = new Set(contentLemmas(caption));
  return events.map((event) => {
    const coverage = lemmaCoverage(contentLemmas(event), captionLemmas);
    return {
      event,
      relationship: coverage >= threshold ? 'entailment' : 'neutral',
      reason: `lexical overlap ${coverage.toFixed(2)} (threshold ${threshold})`,
    };
  });
}

export function rateCompleteness(thinkText: string, caption: string): number {
  const { subjects } = parseStructuredThink(thinkText);
  const items = subjects.flatMap((s) => [s.subject, ...s.attributes, ...s.actions]).filter((t) => t.trim().length > 0);
  if (items.length === 0) return caption.trim().length > 0 ? 5 : 1;
  const captionLemmas = new Set(contentLemmas(caption));
  const covered = items.filter((item) => lemmaCoverage(contentLemmas(item), captionLemmas) >= 0.5).length;
  return Math.round(1 + (9 * covered) / items.length);
}

export function rateNaturalness(caption: string): number {
  const text = caption.trim();
  const words = tokenize(text);
  if (words.length === 0) return 1;
  let score = 10;
  if (/#\s*subject/i.test(text) || /[[\]［］【】]/.test(text)) score -= 8;
  if (words.length < 8) score -= 3;
  const trigrams = new Set<string>();
  let total = 0;
  for (let i = 0; i + 2 < words.length; i++) {
    trigrams.add(`${words[i]} ${words[i + 1]} ${words[i + 2]}`);
    total++;
  }
  if (total >= 10 && 1 - trigrams.size / total > 0.3) score -= 3;
  const sentences = text.split(/[.!?。！？]+/).map((s) => tokenize(s).length).filter((n) => n > 0);
  const meanLength = sentences.reduce((a, b) => a + b, 0) / Math.max(1, sentences.length);
  if (meanLength > 45) score -= 2;
  else if (meanLength < 4) score -= 2;
  if (!/[.!?。！？"')]$/.test(text)) score -= 1;
  const rawTokens = text.split(/\s+/).filter((t) => t.length > 0);
  const nonWord = rawTokens.filter((t) => !/[\p{L}]/u.test(t)).length;
  if (rawTokens.length > 0 && nonWord / rawTokens.length > 0.3) score -= 3;
  return Math.max(1, Math.min(10, score));
}

/** The offline judge. Throws on a prompt it does not recognise (so misuse is visible). */
export function createLexicalJudge(options: LexicalJudgeOptions = {}): Judge {
  const threshold = options.entailmentThreshold ?? 0.75;
  return {
    id: `lexical:${LEXICAL_JUDGE_MODEL}`,
    kind: 'lexical',
    model: LEXICAL_JUDGE_MODEL,
    promptVersion: JUDGE_PROMPT_VERSION,
    async complete(prompt) {
      if (prompt.startsWith(ENTAILMENT_PROMPT_MARKERS.head)) {
        const caption = between(prompt, ENTAILMENT_PROMPT_MARKERS.captionStart, ENTAILMENT_PROMPT_MARKERS.eventsStart, true);
        const eventsLiteral = between(prompt, ENTAILMENT_PROMPT_MARKERS.eventsStart, ENTAILMENT_PROMPT_MARKERS.eventsEnd, true);
        const events = eventsLiteral === null ? null : parsePythonStringList(eventsLiteral);
        if (caption === null || events === null) throw new Error('lexical judge: could not read the caption and events of the entailment prompt');
        return JSON.stringify({ events: judgeEntailment(caption, events, threshold) });
      }
      if (prompt.startsWith(CN_PROMPT_MARKERS.completenessHead)) {
        const think = between(prompt, CN_PROMPT_MARKERS.thinkStart, CN_PROMPT_MARKERS.thinkEnd);
        const caption = between(prompt, CN_PROMPT_MARKERS.thinkEnd, CN_PROMPT_MARKERS.completenessCaptionEnd, true);
        if (think === null || caption === null) throw new Error('lexical judge: could not read the completeness prompt');
        return JSON.stringify({ score: rateCompleteness(think, caption) });
      }
      if (prompt.startsWith(CN_PROMPT_MARKERS.naturalnessHead)) {
        const caption = between(prompt, CN_PROMPT_MARKERS.naturalnessCaptionStart, CN_PROMPT_MARKERS.completenessCaptionEnd, true);
        if (caption === null) throw new Error('lexical judge: could not read the naturalness prompt');
        return JSON.stringify({ score: rateNaturalness(caption) });
      }
      throw new Error('lexical judge: unrecognised prompt (it answers the autodq-v1 entailment and paper CNscore prompts only)');
    },
  };
}
