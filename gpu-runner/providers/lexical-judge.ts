/**
 * Offline judge: answers every judge prompt of the product from the prompt text alone, with lexical
 * rules, in the reply format each prompt asks for, so its output goes through the same strict parser
 * (core/judge-reply.ts) as an LLM's:
 *  - entailment of events (AutoDQ / Escore, core/escore.ts) and of objects (CAREBENCH,
 *    core/eval/autodq.ts): JSON `{"events"|"objects": [{…, "relationship", "reason"}]}`;
 *    "entailment" when ≥ `entailmentThreshold` of the item's content lemmas (synonyms folded) occur in
 *    the description, else "neutral" — it never says "contradiction";
 *  - event extraction (Tarsier / CAREBENCH): the heuristic structured-think reader
 *    (core/heuristic-think.ts) over the caption's clauses, one "<subject> <verb>s …" per action, ≤ 10,
 *    as a Python dictionary string `{'events': [...]}`;
 *  - object extraction (CAREBENCH): "There is/are …" sentences, one per subject attribute, ≤ 10,
 *    `{'objects': [...]}`;
 *  - VDC answer: the description's sentence sharing the most content lemmas with the question (≤ 25
 *    words), or "The description does not say.";
 *  - VDC score: share s of the correct answer's content lemmas found in the predicted answer →
 *    `{'pred': 'yes' if s ≥ 0.5 else 'no', 'score': round(5·s)}`;
 *  - CNscore completeness (1 + 9 × share of think items ≥ 50% present in the caption) and naturalness
 *    (10 minus penalties for think-format leftovers, very short text, repeated trigrams, run-on or
 *    fragment sentences, missing final punctuation, non-word tokens), `{"score": N}`.
 * An approximation for runs and evaluations without a judge server; its numbers are not comparable
 * with the paper's or the leaderboards' (every stored result names it).
 */
import { contentLemmas, lemmaCoverage, tokenize } from '../../core/lexical';
import {
  ENTAILMENT_PROMPT_MARKERS,
  ENTAILMENT_PROMPT_VERSION,
  parsePythonStringList,
  pythonListRepr,
  pythonStringRepr,
  type EntailmentRelationship,
} from '../../core/escore';
import { CN_PROMPT_MARKERS, CN_PROMPT_VERSION } from '../../core/cnscore';
import { AUTODQ_PROMPT_MARKERS } from '../../core/eval/autodq';
import { VDC_PROMPT_MARKERS } from '../../core/eval/vdc';
import { deriveStructuredThink, singularize, toThirdPerson } from '../../core/heuristic-think';
import { parseStructuredThink } from '../../core/think';
import { toJudgeRequest, type Judge } from './types';

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

/** Events of a caption, heuristically: each subject's actions as "<subject> <verb>s …", at most `max`. */
export function extractEventsLexically(caption: string, max = 10): string[] {
  const subjects = deriveStructuredThink(caption, [], { maxSubjects: max });
  const out: string[] = [];
  for (const s of subjects) {
    const name = s.subject.toLowerCase();
    const plural = singularize(name.split(/\s+/).pop() ?? name) !== (name.split(/\s+/).pop() ?? name);
    for (const action of s.actions) {
      const [verb, ...rest] = action.split(' ');
      const v = plural ? verb : toThirdPerson(verb);
      out.push(`the ${name} ${[v, ...rest].join(' ')}`.trim());
      if (out.length >= max) return out;
    }
  }
  return out;
}

const POST_ATTRIBUTE = /^(with|in|wearing|dressed|holding|carrying|clothed|clad|sporting|on|at|of|near|behind|from)\b/;

/** Objects of a caption, heuristically: "There is/are …" with one attribute each, at most `max`. */
export function extractObjectsLexically(caption: string, max = 10): string[] {
  const subjects = deriveStructuredThink(caption, [], { maxSubjects: max });
  const out: string[] = [];
  for (const s of subjects) {
    const name = s.subject.toLowerCase();
    const last = name.split(/\s+/).pop() ?? name;
    const plural = singularize(last) !== last;
    const there = plural ? 'There are' : /^[aeiou]/.test(name) ? 'There is an' : 'There is a';
    const attributes = s.attributes.length > 0 ? s.attributes : [null];
    for (const a of attributes) {
      if (a === null) out.push(`${there} ${name}.`);
      else if (!a.includes(' ') && !POST_ATTRIBUTE.test(a)) out.push(`${plural ? 'There are' : /^[aeiou]/.test(a) ? 'There is an' : 'There is a'} ${a} ${name}.`);
      else out.push(`${there} ${name} ${POST_ATTRIBUTE.test(a) ? a : `with ${a}`}.`);
      if (out.length >= max) return out;
    }
  }
  return out;
}

/** The description's sentence that shares the most content lemmas with the question (≤ 25 words). */
export function answerFromDescription(description: string, question: string): string {
  const q = new Set(contentLemmas(question));
  let best = '';
  let bestHits = 0;
  for (const sentence of description.split(/(?<=[.!?])\s+/)) {
    const hits = new Set(contentLemmas(sentence).filter((l) => q.has(l))).size;
    if (hits > bestHits) {
      best = sentence.trim();
      bestHits = hits;
    }
  }
  if (bestHits === 0) return 'The description does not say.';
  const words = best.split(/\s+/);
  return words.length > 25 ? `${words.slice(0, 25).join(' ')}…` : best;
}

/** VDC verdict: share of the correct answer's content lemmas in the predicted answer. */
export function matchAnswers(correct: string, predicted: string): { pred: 'yes' | 'no'; score: number } {
  const coverage = lemmaCoverage(contentLemmas(correct), new Set(contentLemmas(predicted)));
  return { pred: coverage >= 0.5 ? 'yes' : 'no', score: Math.round(5 * coverage) };
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
    temperature: 0,
    endpoint: null,
    async complete(input) {
      const prompt = toJudgeRequest(input).user;
      if (prompt.startsWith(ENTAILMENT_PROMPT_MARKERS.head)) {
        const caption = between(prompt, ENTAILMENT_PROMPT_MARKERS.captionStart, ENTAILMENT_PROMPT_MARKERS.eventsStart, true);
        const eventsLiteral = between(prompt, ENTAILMENT_PROMPT_MARKERS.eventsStart, ENTAILMENT_PROMPT_MARKERS.eventsEnd, true);
        const events = eventsLiteral === null ? null : parsePythonStringList(eventsLiteral);
        if (caption === null || events === null) throw new Error('lexical judge: could not read the caption and events of the entailment prompt');
        return JSON.stringify({ events: judgeEntailment(caption, events, threshold) });
      }
      if (prompt.startsWith(AUTODQ_PROMPT_MARKERS.objectEntailmentHead)) {
        const caption = between(prompt, ENTAILMENT_PROMPT_MARKERS.captionStart, AUTODQ_PROMPT_MARKERS.objectsStart, true);
        const literal = between(prompt, AUTODQ_PROMPT_MARKERS.objectsStart, AUTODQ_PROMPT_MARKERS.objectsEnd, true);
        const objects = literal === null ? null : parsePythonStringList(literal);
        if (caption === null || objects === null) throw new Error('lexical judge: could not read the caption and objects of the object entailment prompt');
        return JSON.stringify({ objects: judgeEntailment(caption, objects, threshold).map(({ event, ...rest }) => ({ object: event, ...rest })) });
      }
      if (AUTODQ_PROMPT_MARKERS.eventExtractionHeads.some((h) => prompt.startsWith(h))) {
        const caption = between(prompt, AUTODQ_PROMPT_MARKERS.extractionCaptionStart, AUTODQ_PROMPT_MARKERS.extractionCaptionEnd, true);
        if (caption === null) throw new Error('lexical judge: could not read the caption of the extraction prompt');
        if (prompt.includes(AUTODQ_PROMPT_MARKERS.eventExtractionTask)) return `{${pythonStringRepr('events')}: ${pythonListRepr(extractEventsLexically(caption))}}`;
        if (prompt.includes(AUTODQ_PROMPT_MARKERS.objectExtractionTask)) return `{${pythonStringRepr('objects')}: ${pythonListRepr(extractObjectsLexically(caption))}}`;
      }
      if (prompt.startsWith(VDC_PROMPT_MARKERS.answerHead)) {
        const body = prompt.slice(VDC_PROMPT_MARKERS.answerHead.length);
        const q = body.lastIndexOf(VDC_PROMPT_MARKERS.questionStart);
        const end = body.lastIndexOf(VDC_PROMPT_MARKERS.answerTail);
        if (!body.startsWith(VDC_PROMPT_MARKERS.captionStart) || q < 0 || end < q) throw new Error('lexical judge: could not read the VDC answer prompt');
        return answerFromDescription(body.slice(VDC_PROMPT_MARKERS.captionStart.length, q), body.slice(q + VDC_PROMPT_MARKERS.questionStart.length, end));
      }
      if (prompt.startsWith(VDC_PROMPT_MARKERS.scoreHead)) {
        const correct = between(prompt, VDC_PROMPT_MARKERS.correctLine, VDC_PROMPT_MARKERS.predictedLine);
        const predicted = between(prompt, VDC_PROMPT_MARKERS.predictedLine, VDC_PROMPT_MARKERS.scoreTail, true);
        if (correct === null || predicted === null) throw new Error('lexical judge: could not read the VDC score prompt');
        const v = matchAnswers(correct, predicted);
        return `{'pred': '${v.pred}', 'score': ${v.score}}`;
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
      throw new Error('lexical judge: unrecognised prompt (it answers the AutoDQ / CAREBENCH / VDCSCORE / CNscore prompts of core/ only)');
    },
  };
}
