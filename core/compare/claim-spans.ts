/**
 * Claim → caption span mapping for the automatic highlighting of the compare view (issue 13).
 *
 * The analysis splits a caption into atomic claims with the evaluation's extraction prompts
 * (DREAM-1K AutoDQ events, CAREBENCH objects; core/eval/autodq.ts). Extracted claims paraphrase the
 * caption ("the man opens a door" for "A tall man slowly opens the wooden door"), so no claim is a
 * substring. A claim is mapped back in two steps, finer than core/eval/highlight.ts (which stops at
 * the sentence):
 *  1. its best sentence: the caption sentence whose words match the most of the claim's content
 *     words (a word matches when they share a lemma, a synonym-group key of core/lexical.ts, or the
 *     surface form); fewer than half of the content words matched anywhere → unmapped (null);
 *  2. inside that sentence, the smallest run of words that still contains every content word matched
 *     there (a minimum covering window); the span runs from the first character of its first word to
 *     the last character of its last word.
 *
 * Offsets are UTF-16 code unit indices into the caption string (what JavaScript's `slice` and the
 * browser's Selection use), start inclusive, end exclusive. Pure and deterministic.
 */
import { canonicalLemma, lemmatize } from '../lexical';
import { nounLemma, tagText, verbLemma, type UPos } from '../nlp';

export interface ClaimSpan {
  /** Character offsets into the caption, 0 ≤ start < end ≤ text.length. */
  start: number;
  end: number;
  /** Matched content words of the claim / its content words (0..1). */
  coverage: number;
  /** The sentence the span lies in (offsets into the caption). */
  sentenceStart: number;
  sentenceEnd: number;
}

interface Word {
  start: number;
  end: number;
  keys: Set<string>;
}

/** Words: letters, digits and marks, joined by inner hyphens or apostrophes ("t-shirt", "man's"). */
const WORD_RE = /[\p{L}\p{N}\p{M}]+(?:['’-][\p{L}\p{N}\p{M}]+)*/gu;
const FUNCTION_POS = new Set<UPos>(['DET', 'PRON', 'AUX', 'CCONJ', 'SCONJ', 'PART', 'ADP', 'PUNCT', 'SYM', 'SPACE', 'INTJ', 'NUM']);

const KEY_MEMO = new Map<string, string[]>();

/** Keys a word can match under: its surface, its lemma read alone, as a verb and as a noun, each through the synonym groups. */
function wordKeys(lower: string, contextLemma?: string): Set<string> {
  let keys = KEY_MEMO.get(lower);
  if (!keys) {
    const base = lower.replace(/['’]s$/, '');
    const raw = new Set([lower, base, lemmatize(base), verbLemma(base), nounLemma(base)]);
    keys = [...raw].flatMap((k) => [k, canonicalLemma(k)]);
    if (KEY_MEMO.size > 50_000) KEY_MEMO.clear();
    KEY_MEMO.set(lower, keys);
  }
  const out = new Set(keys);
  if (contextLemma) {
    out.add(contextLemma);
    out.add(canonicalLemma(contextLemma));
  }
  return out;
}

/** Sentence ranges of `text` (split after . ! ? and at line breaks), trimmed, non-empty. */
export function sentenceRanges(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const re = /[^.!?\n]+(?:[.!?]+|$|(?=\n))/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    const lead = m[0].length - m[0].trimStart().length;
    const end = m.index + m[0].trimEnd().length;
    if (end > m.index + lead) out.push({ start: m.index + lead, end });
  }
  return out;
}

/** Content words of a claim (by part of speech in context), each as a key set; duplicates dropped. */
export function claimContentKeys(claim: string): Set<string>[] {
  const tokens = tagText(claim.normalize('NFKC')).filter((t) => /[\p{L}\p{N}]/u.test(t.text));
  let content = tokens.filter((t) => !FUNCTION_POS.has(t.pos) && !(t.pos === 'ADV' && t.stop));
  if (content.length === 0) content = tokens;
  const seen = new Set<string>();
  const out: Set<string>[] = [];
  for (const t of content) {
    const id = canonicalLemma(t.lemma);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(wordKeys(t.lower, t.lemma));
  }
  return out;
}

function wordsOf(text: string, from: number, to: number): Word[] {
  const out: Word[] = [];
  const slice = text.slice(from, to);
  for (const m of slice.matchAll(WORD_RE)) {
    const lower = m[0].normalize('NFKC').toLowerCase();
    out.push({ start: from + (m.index ?? 0), end: from + (m.index ?? 0) + m[0].length, keys: wordKeys(lower) });
  }
  return out;
}

function matches(word: Word, claimWord: Set<string>): boolean {
  for (const k of claimWord) if (word.keys.has(k)) return true;
  return false;
}

/**
 * The caption span of one claim, or null when fewer than `minCoverage` of its content words occur in
 * any single sentence (the claim then counts in the rates but is drawn nowhere).
 *
 * @param text the caption, as stored
 * @param claim an extracted event or object ("a man opens a door")
 * @param minCoverage share of the claim's content words the best sentence must contain (default 0.5,
 *   as core/eval/highlight.ts)
 */
export function mapClaimToSpan(text: string, claim: string, minCoverage = 0.5): ClaimSpan | null {
  const want = claimContentKeys(claim);
  if (want.length === 0 || text.length === 0) return null;
  let best: { sentence: { start: number; end: number }; words: Word[]; hit: Set<number> } | null = null;
  for (const sentence of sentenceRanges(text)) {
    const words = wordsOf(text, sentence.start, sentence.end);
    const hit = new Set<number>();
    for (const w of words) want.forEach((c, j) => matches(w, c) && hit.add(j));
    if (hit.size > 0 && (!best || hit.size > best.hit.size)) best = { sentence, words, hit };
  }
  if (!best || best.hit.size / want.length < minCoverage) return null;
  // Minimum window over the sentence's words containing every claim word matched in it.
  const { words, hit } = best;
  const matchedBy = words.map((w) => [...hit].filter((j) => matches(w, want[j])));
  const count = new Map<number, number>();
  let covered = 0;
  let bestWin: [number, number] | null = null;
  let left = 0;
  for (let right = 0; right < words.length; right++) {
    for (const j of matchedBy[right]) {
      count.set(j, (count.get(j) ?? 0) + 1);
      if (count.get(j) === 1) covered++;
    }
    while (covered === hit.size && left <= right) {
      if (!bestWin || words[right].end - words[left].start < words[bestWin[1]].end - words[bestWin[0]].start) bestWin = [left, right];
      for (const j of matchedBy[left]) {
        count.set(j, (count.get(j) ?? 0) - 1);
        if (count.get(j) === 0) covered--;
      }
      left++;
    }
  }
  if (!bestWin) return null;
  return {
    start: words[bestWin[0]].start,
    end: words[bestWin[1]].end,
    coverage: hit.size / want.length,
    sentenceStart: best.sentence.start,
    sentenceEnd: best.sentence.end,
  };
}

/** `mapClaimToSpan` for each claim, in order. */
export function mapClaimsToSpans(text: string, claims: readonly string[], minCoverage = 0.5): (ClaimSpan | null)[] {
  return claims.map((c) => mapClaimToSpan(text, c, minCoverage));
}

export type AutoLabel = 'hallucination' | 'accurate' | 'unique';

/**
 * The label of a judged claim (issue 13): not entailed by the reference (neutral or contradiction)
 * → "hallucination"; entailed → "accurate", or "unique" when a baseline caption was given and the same
 * judge does not find the claim entailed by it (`baselineRelationship` other than "entailment").
 */
export function labelForVerdict(relationship: string, baselineRelationship?: string | null): AutoLabel {
  if (relationship !== 'entailment') return 'hallucination';
  if (baselineRelationship != null && baselineRelationship !== 'entailment') return 'unique';
  return 'accurate';
}
