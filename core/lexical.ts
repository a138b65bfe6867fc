/**
 * Lexical text features shared by the offline embedder and the offline judge
 * (gpu-runner/providers/lexical-*.ts). Pure and deterministic.
 *
 * This is an approximation of what BGE-M3 / Qwen2.5-72B provide in the paper (§3.2.2, §3.2.3), so
 * the rewards can be computed without a GPU or network: identical strings embed to the same vector
 * (similarity 1), strings sharing lemmas or synonyms score high, unrelated strings score ≈ 0.
 *
 * Lemmas and function words come from wink-nlp's tagger (core/nlp.ts): a word's lemma in its
 * sentence ("strolling" → "stroll", "women" → "woman", "ran" → "run"), and function words by part of
 * speech (articles, pronouns, auxiliaries, conjunctions, prepositions, particles) plus the adverbs in
 * wink's stop-word list ("then", "also", "very"). The synonym groups below are this approximation's
 * own: no offline library says that "stroll" is close to "walk".
 */
import { tagText, type UPos } from './nlp';

/**
 * Synonym groups; every member maps to the group's first word. Kept small and specific to what
 * video captions talk about (people, animals, motions, gaze, clothing, sizes).
 */
const SYNONYM_GROUPS: string[][] = [
  ['man', 'guy', 'gentleman', 'male'],
  ['woman', 'lady', 'female'],
  ['child', 'kid'],
  ['baby', 'infant', 'toddler'],
  ['person', 'individual', 'someone', 'human', 'figure', 'people'],
  ['dog', 'puppy', 'pup', 'canine'],
  ['cat', 'kitten', 'kitty'],
  ['car', 'vehicle', 'automobile'],
  ['walk', 'stroll', 'stride', 'wander'],
  ['run', 'jog', 'sprint', 'dash', 'race'],
  ['look', 'gaze', 'glance', 'stare', 'watch', 'peer', 'observe', 'view'],
  ['hold', 'grip', 'grasp', 'clutch'],
  ['lift', 'raise', 'hoist', 'elevate'],
  ['put', 'place', 'set'],
  ['throw', 'toss', 'hurl', 'fling'],
  ['talk', 'speak', 'chat', 'converse'],
  ['smile', 'grin', 'beam'],
  ['laugh', 'giggle', 'chuckle'],
  ['jump', 'leap', 'bounce'],
  ['turn', 'rotate', 'twist', 'swivel'],
  ['move', 'shift'],
  ['push', 'shove', 'press'],
  ['pull', 'drag', 'tug', 'yank'],
  ['close', 'shut'],
  ['wear', 'dress'],
  ['hit', 'strike', 'smack', 'punch', 'slap'],
  ['hug', 'embrace', 'cuddle'],
  ['grab', 'seize', 'snatch'],
  ['cut', 'slice', 'chop'],
  ['begin', 'start', 'commence'],
  ['stop', 'halt', 'pause'],
  ['leave', 'exit', 'depart'],
  ['enter', 'arrive'],
  ['shout', 'yell', 'scream'],
  ['sit', 'seat'],
  ['big', 'large', 'huge', 'giant'],
  ['small', 'little', 'tiny'],
  ['fast', 'quick', 'rapid', 'swift'],
  ['shirt', 'tee', 'blouse'],
  ['pants', 'trousers'],
  ['road', 'street'],
  ['picture', 'photo', 'photograph', 'image'],
];

/** Letters, digits and marks; everything else separates tokens. Linear (one character class). */
const TOKEN_RE = /[\p{L}\p{N}\p{M}]+/gu;

/** Lowercased word tokens of `text` after NFKC normalisation (fullwidth letters become ASCII). */
export function tokenize(text: string): string[] {
  const normalized = text.normalize('NFKC').toLowerCase();
  return normalized.match(TOKEN_RE) ?? [];
}

/** Parts of speech that carry no content (compared texts ignore them unless nothing else is left). */
const FUNCTION_POS = new Set<UPos>(['DET', 'PRON', 'AUX', 'CCONJ', 'SCONJ', 'PART', 'ADP', 'PUNCT', 'SYM', 'SPACE', 'INTJ']);

/**
 * Lemma of one word out of context ("walks", "walked", "walking" → "walk"; "women" → "woman";
 * "babies" → "baby"): the tagger's lemma of the word read alone, lowercased.
 */
export function lemmatize(token: string): string {
  const t = tagText(token.normalize('NFKC').toLowerCase()).filter((x) => /[\p{L}\p{N}]/u.test(x.text));
  return t.length === 1 ? t[0].lemma : token.toLowerCase();
}

const SYNONYM_HEAD: Map<string, string> = (() => {
  const map = new Map<string, string>();
  for (const group of SYNONYM_GROUPS) {
    for (const word of group) if (!map.has(word)) map.set(word, group[0]);
  }
  return map;
})();

/** The synonym-group key of a lemma (the lemma itself when it belongs to no group). */
export function canonicalLemma(lemma: string): string {
  return SYNONYM_HEAD.get(lemma) ?? lemma;
}

export interface LexicalToken {
  /** Lemma of the surface token. */
  lemma: string;
  /** Synonym-group key of the lemma. */
  canonical: string;
  /** A function word (by part of speech, or an adverb in wink's stop-word list). */
  stopword: boolean;
}

/** Sentences analysed so far (bounded; cleared when full). Captions repeat sentences a lot. */
const SENTENCE_CACHE = new Map<string, readonly LexicalToken[]>();
const SENTENCE_CACHE_LIMIT = 50_000;

function analyzeSentence(sentence: string): readonly LexicalToken[] {
  let tokens = SENTENCE_CACHE.get(sentence);
  if (tokens !== undefined) return tokens;
  const out: LexicalToken[] = [];
  for (const t of tagText(sentence)) {
    if (!/[\p{L}\p{N}]/u.test(t.text)) continue;
    for (const piece of t.lemma.match(TOKEN_RE) ?? []) {
      out.push({ lemma: piece, canonical: canonicalLemma(piece), stopword: FUNCTION_POS.has(t.pos) || (t.pos === 'ADV' && t.stop) });
    }
  }
  tokens = out;
  if (SENTENCE_CACHE.size >= SENTENCE_CACHE_LIMIT) SENTENCE_CACHE.clear();
  SENTENCE_CACHE.set(sentence, tokens);
  return tokens;
}

/**
 * Word tokens of `text` (NFKC-normalised, lowercased, tagged in context, sentence by sentence) with
 * lemma, synonym key and function-word flag. Tokens without a letter or digit are left out.
 * Each distinct sentence is tagged once per process (a bounded memo; results are identical).
 */
export function analyze(text: string): LexicalToken[] {
  const out: LexicalToken[] = [];
  for (const sentence of text.normalize('NFKC').split(/(?<=[.!?。！？])\s+/)) {
    if (sentence.length > 0) out.push(...analyzeSentence(sentence));
  }
  return out;
}

/** Canonical lemmas of the content words of `text` (all words when it has only function words). */
export function contentLemmas(text: string): string[] {
  const tokens = analyze(text);
  const content = tokens.filter((t) => !t.stopword);
  return (content.length > 0 ? content : tokens).map((t) => t.canonical);
}

/** Share of `needles` present in `haystack` (1 when there are no needles). */
export function lemmaCoverage(needles: readonly string[], haystack: ReadonlySet<string>): number {
  if (needles.length === 0) return 1;
  let hits = 0;
  for (const n of needles) if (haystack.has(n)) hits++;
  return hits / needles.length;
}

/** 32-bit FNV-1a of a string's UTF-16 code units. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Weighted lexical features of a text: each content word contributes its synonym key (weight 1)
 * and its own lemma (weight 0.5), so synonyms score ≈ 0.8 and identical wording 1.0. A text
 * without word characters falls back to its whole trimmed, lowercased form as one feature.
 */
export function lexicalFeatures(text: string): Map<string, number> {
  const features = new Map<string, number>();
  const tokens = analyze(text);
  const content = tokens.filter((t) => !t.stopword);
  for (const t of content.length > 0 ? content : tokens) {
    features.set(`c:${t.canonical}`, (features.get(`c:${t.canonical}`) ?? 0) + 1);
    features.set(`w:${t.lemma}`, (features.get(`w:${t.lemma}`) ?? 0) + 0.5);
  }
  if (features.size === 0) {
    const raw = text.trim().toLowerCase();
    if (raw.length > 0) features.set(`r:${raw}`, 1);
  }
  return features;
}

/**
 * Hashing-trick embedding of `lexicalFeatures(text)` into `dim` signed buckets, L2-normalised
 * (all-zero for an empty text). Identical texts give identical vectors (dot product 1).
 */
export function lexicalEmbedding(text: string, dim: number): Float32Array {
  const vector = new Float32Array(dim);
  for (const [feature, weight] of lexicalFeatures(text)) {
    const h = fnv1a(feature);
    const sign = h & 0x80000000 ? -1 : 1;
    vector[h % dim] += sign * weight;
  }
  let norm = 0;
  for (let i = 0; i < dim; i++) norm += vector[i] * vector[i];
  if (norm === 0 && text.trim().length > 0) {
    // Signed features of a non-empty text can cancel exactly in a small `dim`: keep a unit vector.
    vector[fnv1a(text) % dim] = 1;
    norm = 1;
  }
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < dim; i++) vector[i] *= inv;
  }
  return vector;
}
