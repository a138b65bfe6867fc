/**
 * English part-of-speech tags and lemmas for the offline approximations (core/lexical.ts,
 * core/heuristic-think.ts), from wink-nlp with its wink-eng-lite-web-model (Universal Dependencies
 * tags: NOUN, VERB, ADJ, AUX, ADP, DET, PRON, PROPN, …; WordNet-based lemmas, irregular forms
 * included). One pipeline per process, created on first use (loading the model takes ~0.3 s).
 *
 * Pure: tagging reads nothing but its argument and the model module.
 */
import winkNLP, { type PartOfSpeech, type WinkMethods } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

export type UPos = PartOfSpeech;

export interface TaggedToken {
  /** As written. */
  text: string;
  /** Lowercased (wink's "normal" form). */
  lower: string;
  /** Lemma: base form of verbs ("picks", "picked", "picking", "picked" → "pick"), singular of nouns. */
  lemma: string;
  pos: UPos;
  /** In wink-nlp's English stop-word list ("the", "then", "also", "very", …). */
  stop: boolean;
}

let pipeline: WinkMethods | null = null;

function nlp(): WinkMethods {
  // Sentence boundaries and POS (lemmas need POS); no entities, negation or sentiment.
  pipeline ??= winkNLP(model, ['sbd', 'pos']);
  return pipeline;
}

/**
 * Tags `text` (one or more sentences) into tokens with lemma and part of speech. A capital at the
 * very start is lowercased for tagging only, so a sentence-initial common word ("Yellow and blue
 * birds fly") is not taken for a proper noun; `text` keeps the original spelling.
 */
export function tagText(text: string): TaggedToken[] {
  if (text.length === 0) return [];
  const first = text.charAt(0);
  const lowered = first.toLowerCase() !== first ? first.toLowerCase() + text.slice(1) : text;
  const w = nlp();
  // wink-nlp's typings do not accept its own lemma helper in `out` (it takes model addons); same call.
  const tokens = w.readDoc(lowered).tokens() as unknown as { out(f: unknown): unknown[] };
  const out = tokens.out(w.its.value) as string[];
  const lower = tokens.out(w.its.normal) as string[];
  const lemma = tokens.out(w.its.lemma) as string[];
  const pos = tokens.out(w.its.pos) as UPos[];
  const spaces = tokens.out(w.its.precedingSpaces) as string[];
  const stop = tokens.out(w.its.stopWordFlag) as boolean[];
  const result: TaggedToken[] = [];
  for (let i = 0; i < out.length; i++) {
    // Hyphenated compounds ("pumpkin-headed", "t-shirt", "close-up") come back as three tokens: one word.
    if (out[i] === '-' && result.length > 0 && i + 1 < out.length && spaces[i] === '' && spaces[i + 1] === '' && /\p{L}/u.test(out[i + 1])) {
      const left = result[result.length - 1];
      const rightPos = pos[i + 1];
      const nounish = rightPos === 'NOUN' || rightPos === 'PROPN';
      result[result.length - 1] = {
        text: `${left.text}-${out[i + 1]}`,
        lower: `${left.lower}-${lower[i + 1]}`,
        lemma: `${left.lower}-${nounish ? lemma[i + 1].toLowerCase() : lower[i + 1]}`,
        // "pumpkin-headed", "cat-like", "yellow-green": a modifier
        pos: nounish ? 'NOUN' : 'ADJ',
        stop: false,
      };
      i++;
      continue;
    }
    result.push({ text: out[i], lower: lower[i], lemma: fixSilentE(lower[i], lemma[i].toLowerCase(), pos[i]), pos: pos[i], stop: stop[i] === true });
  }
  if (result.length > 0 && lowered !== text) result[0].text = first + result[0].text.slice(1);
  return result;
}

/**
 * The lite lemmatiser strips "-ed" / "-ing" to any stem that is a verb, so "scared" → "scar" and
 * "scaring" → "scar". English doubles the final consonant of a one-syllable consonant-vowel-consonant
 * verb before these endings ("scarred"), so an undoubled such stem means the base ends in a silent "e".
 */
const CVC_STEM = /^[^aeiou]*[aeiou][^aeiouwxy]$/;

function fixSilentE(lower: string, lemma: string, pos: UPos): string {
  if (pos !== 'VERB' || !CVC_STEM.test(lemma)) return lemma;
  if (lower !== `${lemma}ed` && lower !== `${lemma}ing`) return lemma;
  return readsAsVerb(`${lemma}e`) ? `${lemma}e` : lemma;
}

const VERB_LEMMAS = new Map<string, string>();
const NOUN_LEMMAS = new Map<string, string>();
const MEMO_LIMIT = 50_000;

function memo(map: Map<string, string>, key: string, compute: () => string): string {
  let v = map.get(key);
  if (v === undefined) {
    v = compute();
    if (map.size >= MEMO_LIMIT) map.clear();
    map.set(key, v);
  }
  return v;
}

function taggedAfterPronoun(word: string): TaggedToken | null {
  const t = tagText(`they ${word}`);
  return t.length === 2 ? t[1] : null;
}

/** Whether the tagger reads `word` as a verb after a subject pronoun ("they spread" yes, "they table" no). */
export function readsAsVerb(word: string): boolean {
  const t = taggedAfterPronoun(word.toLowerCase());
  return t !== null && (t.pos === 'VERB' || t.pos === 'AUX');
}

/**
 * Base form of a word read as a verb ("picks" → "pick", "stood" → "stand", "was" → "be"). The lite
 * model tags some verb forms as nouns or adjectives whatever the context ("waves", "dances",
 * "clenched"); then an "-s" form takes its noun lemma (the same stem), and an "-ed" / "-ing" form the
 * stem the tagger knows as a verb. A word that is no verb comes back lowercased.
 */
export function verbLemma(word: string): string {
  const w = word.toLowerCase();
  return memo(VERB_LEMMAS, w, () => {
    const t = taggedAfterPronoun(w);
    if (t && (t.pos === 'VERB' || t.pos === 'AUX')) return t.lemma;
    if (t && t.pos === 'NOUN' && /s$/.test(w) && t.lemma !== w) return t.lemma;
    const m = /^(.+?)(ed|ing)$/.exec(w);
    if (m) {
      const stem = m[1];
      // A one-syllable consonant-vowel-consonant stem without a doubled consonant ends in a silent "e".
      const silentE = CVC_STEM.test(stem);
      const candidates = [silentE ? `${stem}e` : stem, silentE ? stem : `${stem}e`, /(.)\1$/.test(stem) ? stem.slice(0, -1) : null, stem.endsWith('i') ? `${stem.slice(0, -1)}y` : null];
      for (const c of candidates) {
        if (!c || c.length < 2) continue;
        const ct = taggedAfterPronoun(c);
        if (ct && ct.pos === 'VERB' && ct.lemma === c) return c;
      }
    }
    return w;
  });
}

/** Singular of a word read as a noun ("children" → "child", "glasses" → "glass"); other words lowercased. */
export function nounLemma(word: string): string {
  const w = word.toLowerCase();
  return memo(NOUN_LEMMAS, w, () => {
    const t = tagText(`the ${w}`);
    return t.length === 2 && t[1].pos === 'NOUN' ? t[1].lemma : w;
  });
}
