/**
 * Offline structured-think annotation: subjects with attributes and actions derived from a caption and
 * its human event list. The paper (Appendix C, Fig. 5) made these annotations with Qwen2.5-72B from
 * captions; no LLM is available offline, so this is a HEURISTIC stand-in that follows Fig. 5's rules
 * where a part-of-speech tagger and a few structural rules can:
 *  - a subject is a noun: the head of the event sentence's grammatical subject (adjectives before it
 *    become attributes, so "Yellow and blue birds fly" gives Birds [yellow, blue], not Yellow),
 *  - every action is a verb phrase with the verb in its base form ("picks up the cup" → "pick up the cup"),
 *  - every subject has at least one action, actions are not repeated and stay in event order,
 *  - camera movements and scene changes are not actions (events whose subject is the camera are skipped),
 *  - attributes are not verbs: clothes ("wearing …", "in a red shirt"), "with …" phrases, adjectives,
 *  - "the main subjects must be clearly defined individuals": a group ("a group of characters",
 *    "two black dogs") is its own subject, apart from the individuals of its kind; differently
 *    described individuals ("the little dog", "the large dog") are kept apart.
 * Pronouns (he / she / they / it) are merged into the last matching subject.
 *
 * Part-of-speech tags and lemmas come from wink-nlp (core/nlp.ts); the lists left here are meaning the
 * tagger does not know (gender of nouns, clothing, words that name groups, camera and scene words).
 * The lite model mistags some verbs after a noun ("The woman wearing a hat smiles": "smiles" NOUN;
 * "clenched his fists": ADJ); `repairVerbs` re-reads those from their position.
 *
 * Pure: no I/O. Label every stored annotation with `HEURISTIC_THINK_SOURCE`.
 */
import { nounLemma, readsAsVerb, tagText, verbLemma, type TaggedToken } from './nlp';
import type { ThinkSubject } from './types';

export const HEURISTIC_THINK_SOURCE = 'heuristic-v2 (offline, wink-nlp tagger; not Qwen2.5-72B)';

// ---------------------------------------------------------------------------------------------
// What the tagger does not know

const MALE = new Set(['man', 'boy', 'father', 'dad', 'gentleman', 'guy', 'king', 'prince', 'husband', 'son', 'brother', 'uncle', 'grandfather', 'grandpa', 'male', 'monk', 'priest', 'businessman', 'policeman', 'actor', 'waiter', 'groom', 'sir', 'lad', 'fisherman', 'chef', 'boss', 'player', 'soldier', 'warrior', 'pirate', 'boxer', 'spongebob', 'patrick', 'mario', 'snoopy']);
const FEMALE = new Set(['woman', 'girl', 'mother', 'mom', 'lady', 'queen', 'princess', 'wife', 'daughter', 'sister', 'aunt', 'grandmother', 'grandma', 'female', 'actress', 'waitress', 'bride', 'witch', 'nun', 'policewoman', 'businesswoman', 'ballerina', 'mermaid']);
const PERSON = new Set([...MALE, ...FEMALE, 'person', 'child', 'kid', 'baby', 'toddler', 'character', 'worker', 'individual', 'athlete', 'adult', 'teenager', 'student', 'teacher', 'doctor', 'nurse', 'driver', 'rider', 'skier', 'goalkeeper', 'opponent', 'referee', 'spectator', 'audience', 'someone', 'officer', 'guard', 'dancer', 'singer', 'astronaut', 'customer', 'cook', 'people', 'member', 'friend', 'host', 'performer', 'passenger', 'pedestrian', 'cyclist', 'surfer', 'swimmer', 'climber', 'diver', 'fighter', 'hunter', 'farmer', 'artist', 'musician', 'crowd', 'team']);

/** Subjects that are not subjects per Fig. 5 (camera moves, scene changes, the video itself). */
const NON_SUBJECTS = new Set(['camera', 'scene', 'video', 'shot', 'screen', 'picture', 'footage', 'frame', 'view', 'image', 'clip', 'lens', 'background', 'text', 'subtitle', 'caption', 'title', 'perspective', 'angle', 'cut', 'transition', 'close-up', 'closeup', 'focus', 'there', 'here', 'what', 'which', 'who', 'everything', 'something', 'nothing', 'lighting', 'light', 'sound', 'music', 'word']);

/** Nouns that name a group of what follows "of" ("a group of characters", "a pair of hands"). */
const GROUP_NOUNS = new Set(['group', 'crowd', 'pair', 'couple', 'team', 'herd', 'flock', 'row', 'line', 'bunch', 'pack', 'swarm', 'troop', 'band', 'number', 'set', 'school', 'gang', 'squad', 'series', 'pile', 'stack', 'lot']);

const CLOTHING = new Set(`
shirt t-shirt dress suit jacket coat hat cap pants jeans skirt uniform clothes clothing top sweater hoodie shoes
boots glasses sunglasses helmet costume outfit gloves scarf mask tie vest shorts apron robe gown armor armour
jersey sneakers socks trousers blouse tank cloak hood headscarf headband goggles backpack bag necklace earrings
overalls swimsuit bikini tuxedo kimono cape sleeves sleeve collar belt boot shoe heels sandals attire garment
`.trim().split(/\s+/));

const COLORS = new Set('red orange yellow green blue purple pink brown black white gray grey silver golden gold beige'.split(' '));

/** Participles that describe a subject ("the woman wearing a hat smiles") rather than its action. */
const ATTRIBUTE_PARTICIPLES = new Set(['wear', 'dress', 'hold', 'carry', 'sit', 'stand', 'lie', 'ride', 'have', 'clothe', 'clad', 'sport']);

/** "the other man" / "another man" / "the first man": which individual of a kind a mention means. */
const ORDINALS: Record<string, 'other' | 'another' | 'first'> = {
  other: 'other', second: 'other', latter: 'other', another: 'another', first: 'first', same: 'first', former: 'first',
};

/** Adjectives that count or order rather than describe ("other", "more", "several"): never attributes. */
const QUANTIFYING = new Set(['other', 'another', 'same', 'first', 'second', 'third', 'fourth', 'fifth', 'last', 'next', 'former', 'latter', 'more', 'most', 'many', 'several', 'various', 'different', 'few', 'such', 'certain', 'remaining', 'additional', 'numerous', 'countless', 'main', 'only']);

/** Determiners that take a plural mention as every individual of the kind ("both characters go up"). */
const DISTRIBUTIVE = new Set(['both', 'all', 'each', 'every']);

const POSSESSIVE_PRONOUNS: Record<string, string> = { his: 'he', her: 'she', their: 'they', its: 'it', my: 'i', our: 'we', your: 'you' };

// ---------------------------------------------------------------------------------------------
// Words (exported for the local backend's captions and for tests)

/** Base form of an inflected verb ("picks" → "pick", "danced" → "dance", "stood" → "stand"); tagger lemma. */
export function toBaseForm(word: string): string {
  return verbLemma(word);
}

/** Singular of a noun ("children" → "child", "birds" → "bird", "glasses" → "glass"); tagger lemma. */
export function singularize(noun: string): string {
  return nounLemma(noun);
}

/** Nouns the lemmatiser keeps as they are although they are plural. */
const PLURAL_AS_IS = new Set(['people', 'police', 'cattle']);

/** Whether a noun is plural ("dogs", "men", "people"), for realising captions with the right verb form. */
export function isPluralNoun(noun: string): boolean {
  const w = noun.toLowerCase();
  return PLURAL_AS_IS.has(w) || nounLemma(w) !== w;
}

/**
 * Third-person-singular form of a base verb, for realising captions from actions (text generation,
 * which the tagger does not do; regular English spelling rules plus the four irregular forms).
 */
export function toThirdPerson(base: string): string {
  const w = base.toLowerCase();
  if (w === 'be') return 'is';
  if (w === 'have') return 'has';
  if (w === 'do') return 'does';
  if (w === 'go') return 'goes';
  if (/[^aeiou]y$/.test(w)) return w.slice(0, -1) + 'ies';
  if (/(s|sh|ch|x|z|o)$/.test(w)) return w + 'es';
  return w + 's';
}

// ---------------------------------------------------------------------------------------------
// Tagged clauses

interface Token extends TaggedToken {
  /** Position in the clause. */
  i: number;
}

function isPunct(t: Token | undefined): boolean {
  return t !== undefined && (t.pos === 'PUNCT' || t.pos === 'SYM');
}

function isComma(t: Token | undefined): boolean {
  return t !== undefined && t.text === ',';
}

function isVerb(t: Token | undefined): boolean {
  return t !== undefined && (t.pos === 'VERB' || t.pos === 'AUX');
}

function isNominal(t: Token | undefined): boolean {
  return t !== undefined && (t.pos === 'NOUN' || t.pos === 'PROPN');
}

/** A plural noun ("dogs", "men"); "people" and similar nouns the lemmatiser keeps as they are. */
function isPluralToken(t: Token): boolean {
  return isNominal(t) && ((t.lemma !== t.lower && !/ing$/.test(t.lower)) || PLURAL_AS_IS.has(t.lower));
}

/** Pronouns that refer back to a subject (resolved by gender and number); "someone", "others" are subjects. */
const PERSONAL_PRONOUNS = new Set(['he', 'she', 'it', 'they', 'him', 'her', 'them', 'we', 'i', 'you']);

/** -ing / -ed / irregular past forms: a verb that, without an auxiliary, may describe its noun. */
function isParticiple(t: Token): boolean {
  return t.pos === 'VERB' && t.lemma !== t.lower && (/ing$/.test(t.lower) || /(ed|en|wn|ung|ought|lad)$/.test(t.lower)) && !/s$/.test(t.lower);
}

/**
 * A participle that, without an auxiliary, describes the subject rather than being its verb: any
 * "-ing" form ("the boy running fast falls"), and the past participles of wearing / holding / sitting
 * ("a man dressed in red walks"). Other "-ed" forms are read as the past tense ("Woman used ID card").
 */
function isAttributeParticiple(t: Token): boolean {
  return isParticiple(t) && (/ing$/.test(t.lower) || ATTRIBUTE_PARTICIPLES.has(t.lemma));
}

/**
 * A verb form used as a modifier of the next noun: a participle after an article or adjective ("the
 * sleeping baby", "a red dashed line"), a base form after an article, preposition or possessive
 * ("with monitor head", "the man's gaze follows": "gaze" is the noun the tagger took for a verb).
 */
function isPrenominal(tokens: Token[], i: number): boolean {
  const t = tokens[i];
  const prev = tokens[i - 1];
  if (t.pos !== 'VERB' || prev === undefined || prev.pos === 'AUX') return false;
  if (prev.pos === 'PART' && /^'s?$/.test(prev.lower)) return true;
  if (!isNominal(tokens[i + 1])) return false;
  if (isParticiple(t)) return ['DET', 'ADJ', 'NUM'].includes(prev.pos);
  return t.lemma === t.lower && ['DET', 'ADP'].includes(prev.pos);
}

/** Words the tagger may take for a noun after the subject's head that never head it ("the character half kneels"). */
const NEVER_HEADS = new Set(['half', 'both', 'all', 'each', 'alone', 'together', 'too', 'also', 'again']);

/** What can follow a verb: nothing, punctuation, a determiner, pronoun, preposition, adverb, particle. */
function looksLikePredicateStart(next: Token | undefined): boolean {
  return next === undefined || isPunct(next) || ['DET', 'PRON', 'ADP', 'ADV', 'PART', 'NUM'].includes(next.pos);
}

/**
 * Re-reads verbs the lite tagger took for nouns or adjectives ("The woman wearing a hat smiles at …",
 * "Man lifts handlebars of bicycle", "The boy clenched his fists", "Two soldiers aim guns", "The man
 * spread his arms"). Only before the clause's first finite verb, and only where subject and verb agree:
 * an "-s" form after a singular noun or he / she / it, a base form after a plural or conjoined
 * subject, an "-ed" form after any noun, a past form spelled like the base ("spread", "put") before
 * an article or possessive. The tagger must know the stem as a verb. The first such word wins.
 */
function repairVerbs(tokens: Token[]): void {
  let conjoined = false;
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i];
    const prev = tokens[i - 1];
    if (isVerb(t) && !isAttributeParticiple(t) && !isPrenominal(tokens, i)) return;
    // nouns joined ("A man and a girl wave"), not adjectives ("Blue and white car veers right")
    if (t.pos === 'CCONJ' && tokens.slice(0, i).some((x) => isNominal(x) || x.pos === 'PRON')) conjoined = true;
    if (t.pos !== 'NOUN' && t.pos !== 'ADJ') continue;
    // "The group of characters grabs": the verb agrees with the group, not with the noun after "of"
    const groupOf = isNominal(prev) && tokens[i - 2]?.lower === 'of';
    // a name the tagger reads as an adjective ("Snoopy dances on"), unless a verb follows ("Glowing stars shine")
    const after = tokens[i + 1];
    const adjectiveName =
      prev.pos === 'ADJ' &&
      tokens.slice(0, i).every((x) => ['ADJ', 'DET', 'NUM'].includes(x.pos)) &&
      after?.lower !== 'of' &&
      (looksLikePredicateStart(after) || (after.pos === 'NOUN' && !readsAsVerb(after.lower)));
    // "Person in red cheers", "Individual in glasses gestures": the end of the subject's post-modifier;
    // the verb agrees with the head before the preposition
    const postAt = tokens.findIndex((x, k) => k > 0 && k < i - 1 && x.pos === 'ADP' && (isNominal(tokens[k - 1]) || tokens[k - 1].pos === 'ADJ'));
    const modifierEnd = postAt > 0 && (prev.pos === 'ADJ' || isNominal(prev)) && !isPluralToken(tokens[postAt - 1]);
    // "Player 27 attempts": a number labelling the subject
    const labelled = prev.pos === 'NUM' && isNominal(tokens[i - 2]);
    const singular =
      (isNominal(prev) && (!isPluralToken(prev) || groupOf) && !conjoined) ||
      (prev.pos === 'PRON' && ['he', 'she', 'it', 'someone', 'somebody', 'everyone', 'everybody', 'nobody', 'anyone'].includes(prev.lower)) ||
      adjectiveName ||
      modifierEnd ||
      labelled;
    const plural = (isNominal(prev) && (isPluralToken(prev) || conjoined)) || (prev.pos === 'PRON' && ['they', 'we'].includes(prev.lower));
    if (!singular && !plural) continue;
    const w = t.lower;
    const next = tokens[i + 1];
    let base: string | null = null;
    // (not before an auxiliary or a past tense: "the dog food bowls are empty", "Elm seeds shook out")
    const verbFollows = next !== undefined && (next.pos === 'AUX' || (next.pos === 'VERB' && next.lemma !== next.lower && !/(s|ing)$/.test(next.lower)));
    const sStem = t.lemma !== w ? t.lemma : verbLemma(w);
    if (singular && t.pos === 'NOUN' && /[^s']s$/.test(w) && sStem !== w && !verbFollows && readsAsVerb(sStem)) base = sStem;
    else if (/ed$/.test(w) && verbLemma(w) !== w) base = verbLemma(w);
    else if (plural && t.pos === 'NOUN' && t.lemma === w && !verbFollows && readsAsVerb(w) && (looksLikePredicateStart(next) || conjoined || ['NOUN', 'ADJ', 'VERB', 'CCONJ'].includes(next.pos))) base = w;
    else if (singular && t.pos === 'NOUN' && t.lemma === w && readsAsVerb(w) && (next?.pos === 'PRON' || next?.pos === 'DET')) base = w;
    if (base !== null) {
      tokens[i] = { ...t, pos: 'VERB', lemma: base };
      return;
    }
  }
}

/** A plural noun the tagger took for a verb right before the clause's auxiliary ("Various spells are cast"). */
function repairNouns(tokens: Token[]): void {
  for (let i = 0; i + 1 < tokens.length; i++) {
    const t = tokens[i];
    if (t.pos === 'VERB' && /[^s']s$/.test(t.lower) && tokens[i + 1].pos === 'AUX' && tokens.slice(0, i).every((x) => ['ADJ', 'DET', 'NUM'].includes(x.pos))) {
      tokens[i] = { ...t, pos: 'NOUN', lemma: nounLemma(t.lower) };
      return;
    }
  }
}

function tagClause(text: string): Token[] {
  const tokens = tagText(text.replace(/[“”"]/g, '')).map((t, i) => ({ ...t, i }));
  repairNouns(tokens);
  repairVerbs(tokens);
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Clauses → subject mentions and actions

interface SubjectMention {
  /** Head noun as written. */
  head: string;
  /** Lemma of the head (singular). */
  lemma: string;
  /** Nouns before the head kept in the name ("dough mixer", "police officer"). */
  compound: string[];
  /** Adjectives and participles before the head ("little", "floating"). */
  adjectives: string[];
  /** Post-modifiers ("in a red shirt", "wearing a hat", "with a head ornament"). */
  phrases: string[];
  ordinal: 'other' | 'another' | 'first' | null;
  pronoun: string | null;
  /** A plural noun or a group ("a group of characters"). */
  plural: boolean;
  /** "both / all / each" before a plural: every individual of the kind. */
  distributive: boolean;
  /** "the man's hands" → "hands" (the owner is the subject). */
  possessed?: string;
}

interface ParsedClause {
  subjects: SubjectMention[];
  actions: string[];
}

/** Split a sentence into clauses at "; ", ", then", ", and then", " while ", " as " boundaries. */
function splitClauses(sentence: string): string[] {
  return sentence
    .split(/;|,\s*(?:and\s+)?then\s+|\s+and\s+then\s+|,\s*while\s+|\s+while\s+|,\s*as\s+|,\s*but\s+|,\s*after which\s+|,\s*before\s+|,\s*followed by\s+/i)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function words(tokens: Token[]): string {
  return tokens
    .filter((t) => !isComma(t))
    .map((t) => t.text)
    .join(' ')
    .replace(/\s+'s\b/g, "'s")
    .replace(/\s+n't\b/g, "n't")
    .toLowerCase()
    .trim();
}

/**
 * A verb phrase as an action with its verb in the base form: "is running fast" → "run fast",
 * "has picked up the cup" → "pick up the cup", "is happy" → "be happy", "does not move" → "not move".
 * At most 10 words; null when nothing verbal is left.
 */
function verbPhraseToAction(pred: Token[]): string | null {
  const toks = pred.filter((t) => !isPunct(t) || isComma(t));
  while (toks.length > 0 && isComma(toks[toks.length - 1])) toks.pop();
  if (toks.length === 0) return null;
  const first = toks[0];
  let head: string;
  let rest: Token[];
  if (first.pos === 'AUX' && toks.length > 1) {
    let k = 1;
    while (k < toks.length && (toks[k].pos === 'ADV' || (toks[k].pos === 'AUX' && toks[k].lemma === 'be' && k + 1 < toks.length && toks[k + 1].pos === 'VERB'))) {
      if (toks[k].lower === 'not' || toks[k].lower === "n't") break;
      k++;
    }
    const next = toks[k];
    if (next && (next.lower === 'not' || next.lower === "n't")) {
      const verb = toks[k + 1];
      head = verb && isVerb(verb) ? `not ${verb.lemma}` : 'not';
      rest = toks.slice(verb && isVerb(verb) ? k + 2 : k + 1);
    } else if (next && next.pos === 'VERB' && (first.lemma !== 'be' || /ing$/.test(next.lower))) {
      head = next.lemma;
      rest = toks.slice(k + 1);
    } else if (first.lemma === 'be' || first.lemma === 'have') {
      head = first.lemma;
      rest = toks.slice(k);
    } else if (next && isVerb(next)) {
      head = next.lemma;
      rest = toks.slice(k + 1);
    } else {
      head = first.lemma;
      rest = toks.slice(1);
    }
  } else {
    head = isVerb(first) ? first.lemma : verbLemma(first.lower);
    rest = toks.slice(1);
  }
  const action = [head, words(rest)].filter((s) => s.length > 0).join(' ').split(/\s+/).slice(0, 10).join(' ').trim();
  return /\p{L}/u.test(action) ? action : null;
}

/**
 * A third-person "-s" verb the lite tagger took for a plural noun where a verb is expected (a clause
 * continuing its subject, "…, then waves"; a coordinated verb, "picks up a cup and drinks from it"):
 * the stem must read as a verb and what follows must start a predicate. Null otherwise.
 */
function thirdPersonVerb(t: Token | undefined, next: Token | undefined): Token | null {
  if (!t || t.pos !== 'NOUN' || !/[^s']s$/.test(t.lower)) return null;
  const stem = verbLemma(t.lower);
  if (stem === t.lower || !readsAsVerb(stem) || !looksLikePredicateStart(next)) return null;
  return { ...t, pos: 'VERB', lemma: stem };
}

/**
 * The predicate's verb phrases: the main one and coordinated ones ("clenched his fists, said
 * something and stood up" → three). A split is a comma or "and" followed by a verb that is not an
 * attribute participle ("…, holding a cup").
 */
function predicateActions(pred: Token[]): string[] {
  const phrases: Token[][] = [[]];
  for (let i = 0; i < pred.length; i++) {
    const t = pred[i];
    if (phrases[phrases.length - 1].length > 0 && (isComma(t) || (t.pos === 'CCONJ' && t.lower === 'and'))) {
      let j = i + 1;
      while (j < pred.length && (isComma(pred[j]) || (pred[j].pos === 'CCONJ' && pred[j].lower === 'and') || pred[j].pos === 'ADV')) j++;
      // "a cup and drinks from it": a verb the tagger read as a noun, unless nouns are being listed ("cups and plates")
      const before = pred[i - 1];
      const repaired = before && !(isNominal(before) && isPluralToken(before)) ? thirdPersonVerb(pred[j], pred[j + 1]) : null;
      if (repaired) pred[j] = repaired;
      const next = pred[j];
      if (next && next.pos === 'VERB' && !/ing$/.test(next.lower) && !ATTRIBUTE_PARTICIPLES.has(next.lemma)) {
        phrases.push([]);
        i = j - 1;
        continue;
      }
    }
    phrases[phrases.length - 1].push(t);
  }
  return phrases.map(verbPhraseToAction).filter((a): a is string => a !== null);
}

/** Index of the clause's main verb: the first verb after the subject's head, past attribute participles. */
function mainVerbIndex(tokens: Token[]): number {
  let sawHead = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (sawHead && isVerb(t)) {
      const aux = tokens[i - 1]?.pos === 'AUX';
      if (isPrenominal(tokens, i)) continue;
      if (isAttributeParticiple(t) && !aux) {
        // "The woman wearing a hat smiles", "A man dressed in red walks": the participle describes the subject
        const later = tokens.findIndex((x, j) => j > i && isVerb(x) && !(isAttributeParticiple(x) && tokens[j - 1]?.pos !== 'AUX'));
        if (later > 0) return later;
      }
      return i;
    }
    // (an adjective heads when no noun follows it: "An individual walks", "Individual with books walks")
    if (isNominal(t) || t.pos === 'PRON' || t.pos === 'NUM' || (t.pos === 'ADJ' && (isVerb(tokens[i + 1]) || tokens[i + 1]?.pos === 'ADP'))) sawHead = true;
    if (isPrenominal(tokens, i)) sawHead = true;
  }
  return -1;
}

/** Parse one clause "Subject verb rest" into subject mentions and base-form actions. */
function parseClause(clause: string): ParsedClause | null {
  let tokens = tagClause(clause);
  // drop leading adverbs ("Then", "Suddenly,") / conjunctions and an introductory phrase ("In the
  // distance, …"); an "adverb" right before an adjective or noun is the tagger's miss for an adjective
  while (tokens.length && (['CCONJ', 'SCONJ', 'INTJ'].includes(tokens[0].pos) || isPunct(tokens[0]) || tokens[0].pos === 'ADV')) {
    const t = tokens[0];
    if (t.pos === 'ADV' && !t.stop && !/ly$/.test(t.lower) && !isComma(tokens[1]) && (tokens[1]?.pos === 'ADJ' || isNominal(tokens[1]))) {
      tokens = [{ ...t, pos: 'ADJ' }, ...tokens.slice(1)];
      break;
    }
    tokens = tokens.slice(1);
  }
  const comma = tokens.findIndex((t) => isComma(t));
  if (comma > 0 && comma <= 6 && (tokens[0].pos === 'ADP' || tokens[0].pos === 'SCONJ')) tokens = tokens.slice(comma + 1);
  tokens = tokens.filter((t) => !(isPunct(t) && !isComma(t))).map((t, i) => ({ ...t, i }));
  // a subjectless continuation whose verb the tagger read as a noun ("…, then waves")
  const continuation = thirdPersonVerb(tokens[0], tokens[1]);
  if (continuation) tokens[0] = continuation;
  if (tokens.length === 0 || (tokens.length < 2 && !isVerb(tokens[0]))) return null;
  if ((tokens[0].lower === 'there' || tokens[0].lower === 'it') && tokens[1]?.lemma === 'be') return null;

  const verbIdx = mainVerbIndex(tokens);
  if (verbIdx <= 0) {
    // subjectless continuation ("… and stood up"): the caller attaches it to the previous subject
    if (!isVerb(tokens[0])) return null;
    const actions = predicateActions(tokens);
    return actions.length > 0 ? { subjects: [], actions } : null;
  }
  const np = tokens.slice(0, verbIdx).filter((t) => !(t.pos === 'ADV' && t.i > 0) && !isComma(t) && !(t.i > 0 && NEVER_HEADS.has(t.lower) && isNominal(t)));
  const subjects = parseSubjectPhrase(np);
  let actions = predicateActions(tokens.slice(verbIdx));
  if (actions.length === 0) return null;
  // "The man's eyes move" → "move eyes"; "The man's hands play the guitar" → "play the guitar"
  const possessed = subjects.length === 1 ? subjects[0].possessed : undefined;
  if (possessed && !actions[0].includes(' ')) actions = [`${actions[0]} ${possessed}`, ...actions.slice(1)];
  if (subjects.length === 0) {
    // A subject phrase the parser cannot read (e.g. only a pronoun it does not resolve) is not a subject.
    return np.length === 0 ? { subjects: [], actions } : null;
  }
  return { subjects, actions };
}

/** Parse the noun phrase tokens of a grammatical subject into one or more subject mentions. */
function parseSubjectPhrase(np: Token[]): SubjectMention[] {
  // conjoined subjects: "A man and a woman"; adjectives without a noun of their own belong to the
  // next part's noun ("Yellow and blue birds", "A large and fluffy dog")
  // ("Child in white and pink" is one subject: no split inside a post-modifier)
  const parts: Token[][] = [[]];
  for (const t of np) {
    const current = parts[parts.length - 1];
    const inPostModifier = current.some((x, k) => k > 0 && x.pos === 'ADP');
    if ((t.pos === 'CCONJ' || t.text === '&') && !inPostModifier) parts.push([]);
    else current.push(t);
  }
  const out: SubjectMention[] = [];
  let carried: Token[] = [];
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k];
    const hasHead = part.some((t) => isNominal(t) || t.pos === 'PRON');
    const laterHead = parts.slice(k + 1).some((p) => p.some((t) => isNominal(t)));
    if (!hasHead && laterHead) {
      carried.push(...part.filter((t) => t.pos === 'ADJ' || t.pos === 'VERB'));
      continue;
    }
    const m = parseSingleSubject(part, carried);
    carried = [];
    if (m) out.push(m);
  }
  return out;
}

/** Adjectives and participles before a noun ("little", "dashed"), and -ing words tagged as nouns ("floating matter"). */
/** Adverbs that grade an adjective ("a very tall man") rather than describe the noun themselves. */
const INTENSIFIERS = new Set(['very', 'quite', 'really', 'too', 'so', 'rather', 'fairly', 'pretty', 'extremely', 'slightly', 'somewhat', 'then', 'also', 'now', 'still', 'just', 'only', 'even']);

function isAttributeWord(t: Token): boolean {
  if (QUANTIFYING.has(t.lower)) return false;
  // The lite model tags some size adjectives before another adjective as adverbs ("a small/ADV brown dog").
  const adjectiveTaggedAdverb = t.pos === 'ADV' && !/ly$/.test(t.lower) && !INTENSIFIERS.has(t.lower);
  return t.pos === 'ADJ' || adjectiveTaggedAdverb || (t.pos === 'VERB' && isParticiple(t)) || (t.pos === 'NOUN' && /ing$/.test(t.lower) && verbLemma(t.lower) !== t.lower);
}

function parseSingleSubject(tokens0: Token[], carried: Token[]): SubjectMention | null {
  let tokens = tokens0.filter((t) => !isPunct(t));
  if (tokens.length === 0) return null;
  let plural = false;
  let distributive = tokens.some((t) => DISTRIBUTIVE.has(t.lower));
  // "A group of warriors" → the warriors, as a group; "one of the men" → a man
  const ofIdx = tokens.findIndex((t) => t.lower === 'of');
  if (ofIdx > 0) {
    const before = tokens.slice(0, ofIdx).filter((t) => t.pos !== 'DET');
    const last = before[before.length - 1];
    if (!last || GROUP_NOUNS.has(last.lemma) || last.pos === 'NUM' || last.pos === 'PRON' || DISTRIBUTIVE.has(last.lower)) {
      plural = last !== undefined && GROUP_NOUNS.has(last.lemma);
      if (last && DISTRIBUTIVE.has(last.lower)) distributive = true;
      tokens = tokens.slice(ofIdx + 1);
      if (last && last.pos === 'NUM' && last.lower === 'one') tokens = tokens.map((t) => (isNominal(t) ? { ...t, text: t.lemma, lower: t.lemma } : t));
    }
  }
  if (tokens.length === 0) return null;
  const mention = (head: string, lemma: string, extra: Partial<SubjectMention> = {}): SubjectMention => ({
    head,
    lemma,
    compound: [],
    adjectives: [],
    phrases: [],
    ordinal: null,
    pronoun: null,
    plural,
    distributive,
    ...extra,
  });
  if (tokens.length === 1 && tokens[0].pos === 'PRON' && PERSONAL_PRONOUNS.has(tokens[0].lower)) {
    const p = tokens[0].lower;
    return mention(p, p, { pronoun: p, plural: p === 'they' || p === 'them' || p === 'we' });
  }
  // possessive: "the man's fingers" / "his hand" → the owner is the subject ("man in driver's seat" is not one)
  const firstPost = tokens.findIndex(
    (t, i) =>
      i > 0 &&
      (t.pos === 'ADP' ||
        (t.pos === 'VERB' && isParticiple(t) && !isNominal(tokens[i + 1])) ||
        t.pos === 'SCONJ' ||
        (t.pos === 'PRON' && ['who', 'that', 'which'].includes(t.lower))),
  );
  const coreEnd = firstPost < 0 ? tokens.length : firstPost;
  const ownIdx = tokens.slice(0, coreEnd).findIndex((t) => t.pos === 'PART' && /^'s?$/.test(t.lower));
  if (ownIdx > 0) {
    const possessed = words(tokens.slice(ownIdx + 1, coreEnd)) || undefined;
    const owner = parseSingleSubject(tokens.slice(0, ownIdx), carried);
    return owner ? { ...owner, possessed } : null;
  }
  const pronounOwner = POSSESSIVE_PRONOUNS[tokens[0].lower];
  if (pronounOwner !== undefined && tokens.length > 1 && tokens[0].pos !== 'NOUN') {
    const possessed = words(tokens.slice(1, coreEnd)) || undefined;
    return mention(pronounOwner, pronounOwner, { pronoun: pronounOwner, plural: pronounOwner === 'they', possessed });
  }

  let ordinal: SubjectMention['ordinal'] = null;
  const core: Token[] = [...carried];
  for (const t of tokens.slice(0, coreEnd)) {
    const o = ORDINALS[t.lower];
    if (o && !(o === 'other' && ordinal !== null)) ordinal = o === 'other' ? (ordinal ?? 'other') : o;
    const functionPronoun = t.pos === 'PRON' && (PERSONAL_PRONOUNS.has(t.lower) || POSSESSIVE_PRONOUNS[t.lower] !== undefined || ['who', 'that', 'which', 'this', 'these', 'those'].includes(t.lower));
    if (t.pos === 'DET' || t.pos === 'NUM' || functionPronoun || t.pos === 'ADV' || t.pos === 'PART' || ORDINALS[t.lower] || DISTRIBUTIVE.has(t.lower)) {
      if (t.pos === 'NUM' && t.lower !== 'one') plural = true;
      continue;
    }
    core.push(t);
  }
  if (core.length === 0) return null;
  // head: the last noun of the core; an adjective standing alone is taken as the noun ("an individual")
  // ("Former observing twin leans": "observing" is a participle the tagger calls a noun; "twin" heads)
  let headIdx = -1;
  for (let i = core.length - 1; i >= 0; i--) {
    if (isNominal(core[i]) && !isAttributeWord(core[i])) {
      headIdx = i;
      break;
    }
  }
  if (headIdx < 0) headIdx = core.length - 1;
  const headTok = core[headIdx];
  const head = headTok.text.replace(/[^\p{L}\p{N}'-]/gu, '');
  if (!head) return null;
  const lemma = isNominal(headTok) ? headTok.lemma : headTok.lower;
  const adjectives: string[] = [];
  const compound: string[] = [];
  for (const t of core.slice(0, headIdx)) {
    if (isAttributeWord(t)) adjectives.push(t.lower);
    else if (isNominal(t)) compound.push(t.text);
  }
  const phrases: string[] = [];
  if (firstPost >= 0) {
    const post = tokens.slice(firstPost);
    if (!['who', 'that', 'which'].includes(post[0].lower) && post.length > 1) phrases.push(words(post));
  }
  return mention(head, lemma, { compound, adjectives, phrases, ordinal, plural: plural || isPluralToken(headTok) });
}

// ---------------------------------------------------------------------------------------------
// Subject tracking

interface SubjectState {
  key: string;
  instance: number;
  name: string;
  attributes: string[];
  /** Single-word descriptors (adjectives) that tell individuals of one kind apart. */
  adjectives: Set<string>;
  actions: string[];
  plural: boolean;
  lastMention: number;
  /** Every surface head word seen, for caption attribute mining. */
  heads: Set<string>;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function normAttr(a: string): string {
  return a.toLowerCase().replace(/\b(a|an|the)\b/g, '').replace(/\s+/g, ' ').trim();
}

function addUnique(list: string[], item: string): void {
  const n = normAttr(item);
  if (!n) return;
  if (!list.some((x) => normAttr(x) === n)) list.push(item.trim());
}

class SubjectTracker {
  readonly subjects: SubjectState[] = [];
  private clock = 0;

  /** The subjects a mention refers to (several for "both characters" when they are known individuals). */
  resolve(m: SubjectMention): SubjectState[] {
    this.clock++;
    if (m.pronoun) {
      const p = this.resolvePronoun(m.pronoun);
      return p ? [p] : [];
    }
    const kind = [...m.compound.map((c) => c.toLowerCase()), m.lemma].join(' ');
    if (NON_SUBJECTS.has(m.lemma) || NON_SUBJECTS.has(m.head.toLowerCase()) || m.compound.some((c) => NON_SUBJECTS.has(c.toLowerCase()))) return [];
    if (m.plural && m.distributive) {
      const individuals = this.subjects.filter((s) => s.key === kind);
      if (individuals.length >= 2) {
        for (const s of individuals) s.lastMention = this.clock;
        return individuals;
      }
    }
    const key = m.plural ? `${kind}:group` : kind;
    const same = this.subjects.filter((s) => s.key === key);
    let target: SubjectState | undefined;
    if (same.length === 0 || m.ordinal === 'another') {
      target = undefined;
    } else if (m.ordinal === 'other') {
      target = same.length > 1 ? same[same.length - 1] : undefined;
      if (target === same[0]) target = undefined;
    } else if (m.ordinal === 'first') {
      target = same[0];
    } else {
      const phraseMatch = m.phrases.length > 0 ? same.find((s) => m.phrases.some((a) => s.attributes.some((b) => normAttr(b) === normAttr(a)))) : undefined;
      const compatible = same.filter((s) => {
        // "the little dog" is not the "large, fluffy dog"; "the dog" may be either
        if (m.adjectives.length > 0 && s.adjectives.size > 0 && !m.adjectives.some((a) => s.adjectives.has(a))) return false;
        // "the man in the suit" is not the man already described "in the driver's seat"
        if (m.phrases.length > 0 && s.attributes.some((b) => b.includes(' ') && /^(in|wearing|with|dressed)\b/.test(b)) && !phraseMatch) return false;
        return true;
      });
      target = phraseMatch ?? (compatible.length > 0 ? compatible.reduce((a, b) => (a.lastMention >= b.lastMention ? a : b)) : undefined);
    }
    if (!target) {
      target = {
        key,
        instance: same.length + 1,
        name: capitalize([...m.compound, m.head].join(' ').toLowerCase()),
        attributes: [],
        adjectives: new Set(),
        actions: [],
        plural: m.plural,
        lastMention: this.clock,
        heads: new Set(),
      };
      this.subjects.push(target);
    }
    target.heads.add(m.head.toLowerCase());
    target.heads.add(m.lemma);
    for (const a of m.adjectives) {
      addUnique(target.attributes, a);
      target.adjectives.add(a);
    }
    for (const p of m.phrases) addUnique(target.attributes, p);
    target.lastMention = this.clock;
    return [target];
  }

  private resolvePronoun(p: string): SubjectState | null {
    if (this.subjects.length === 0) return null;
    const byRecency = [...this.subjects].sort((a, b) => b.lastMention - a.lastMention);
    const base = (s: SubjectState) => s.key.replace(/:group$/, '').split(' ').pop() ?? '';
    const person = (s: SubjectState) => PERSON.has(base(s));
    let pick: SubjectState | undefined;
    if (p === 'he' || p === 'him') pick = byRecency.find((s) => MALE.has(base(s)) && !s.plural) ?? byRecency.find((s) => person(s) && !FEMALE.has(base(s)) && !s.plural);
    else if (p === 'she' || p === 'her') pick = byRecency.find((s) => FEMALE.has(base(s)) && !s.plural) ?? byRecency.find((s) => person(s) && !MALE.has(base(s)) && !s.plural);
    else if (p === 'they' || p === 'them' || p === 'we') pick = byRecency.find((s) => s.plural);
    else if (p === 'it') pick = byRecency.find((s) => !person(s) && !s.plural);
    pick = pick ?? byRecency[0];
    pick.lastMention = ++this.clock;
    return pick;
  }
}

// ---------------------------------------------------------------------------------------------
// Caption attribute mining

/** Attributes found around one mention of a subject noun in the caption. */
export interface CaptionMention {
  head: string;
  /** Adjectives right before the noun ("little", "brown"). */
  adjectives: string[];
  /** "wearing …", "with …", "dressed in …", "in <clothes>" right after the noun. */
  phrases: string[];
}

/** Mentions of `heads` in the caption (as a noun-phrase head, not a modifier) with the attributes around them. */
export function captionMentions(caption: string, heads: Set<string>): CaptionMention[] {
  const out: CaptionMention[] = [];
  for (const sentence of caption.split(/(?<=[.!?;])\s+/)) {
    const tokens = tagClause(sentence);
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (!isNominal(t) && t.pos !== 'ADJ') continue;
      if (!heads.has(t.lower) && !heads.has(t.lemma)) continue;
      if (isNominal(tokens[i + 1])) continue; // a modifier ("dog food"), not the head
      const adjectives: string[] = [];
      for (let j = i - 1; j >= 0 && adjectives.length < 3 && isAttributeWord(tokens[j]); j--) {
        adjectives.unshift(tokens[j].lower);
      }
      const phrases: string[] = [];
      let k = i + 1;
      if (isComma(tokens[k])) k++;
      const starter = tokens[k];
      let phraseStart = -1;
      // Fig. 5: attributes can be clothes, shoes, hairstyle, belongings
      if (starter && (starter.lower === 'with' || (['wear', 'sport', 'hold', 'carry'].includes(starter.lemma) && /ing$/.test(starter.lower)))) phraseStart = k;
      else if (starter && ['dress', 'clothe', 'clad'].includes(starter.lemma) && tokens[k + 1]?.lower === 'in') phraseStart = k;
      else if (starter?.lower === 'in' && tokens.slice(k + 1, k + 6).some((x) => CLOTHING.has(x.lower) || CLOTHING.has(x.lemma) || COLORS.has(x.lower))) phraseStart = k;
      if (phraseStart >= 0) {
        const phrase: string[] = [tokens[phraseStart].lower];
        for (let j = phraseStart + 1; j < tokens.length && phrase.length < 8; j++) {
          const x = tokens[j];
          if (isPunct(x) || x.pos === 'SCONJ' || x.pos === 'AUX' || (x.pos === 'PRON' && ['who', 'that', 'which'].includes(x.lower)) || x.lower === 'while' || x.lower === 'as') break;
          if (x.pos === 'CCONJ' && (tokens[j + 1]?.pos === 'DET' || isVerb(tokens[j + 1]))) break;
          const modifiesNoun = isParticiple(x) && (CLOTHING.has(tokens[j + 1]?.lower ?? '') || tokens[j + 1]?.pos === 'ADJ' || isNominal(tokens[j + 1]));
          if (j > phraseStart + 1 && x.pos === 'VERB' && !modifiesNoun) break;
          if (j > phraseStart + 1 && /ing$/.test(x.lower) && verbLemma(x.lower) !== x.lower && !isNominal(tokens[j + 1])) break;
          // a past-tense verb the tagger took for an adjective ("with a head ornament clenched his fists")
          if (j > phraseStart + 1 && x.pos === 'ADJ' && /ed$/.test(x.lower) && verbLemma(x.lower) !== x.lower && looksLikePredicateStart(tokens[j + 1])) break;
          // a present-tense verb it took for a noun ("person in red cheers raising hands")
          const follower = tokens[j + 1];
          if (j > phraseStart + 1 && x.pos === 'NOUN' && /[^s']s$/.test(x.lower) && !CLOTHING.has(x.lower) && !CLOTHING.has(x.lemma) && readsAsVerb(x.lemma) && (follower === undefined || ['VERB', 'DET', 'PRON'].includes(follower.pos))) break;
          phrase.push(x.lower);
        }
        if (phrase.length > 1) phrases.push(phrase.join(' ').replace(/\s+'s\b/g, "'s"));
      }
      if (adjectives.length || phrases.length) out.push({ head: t.lower, adjectives, phrases });
    }
  }
  return out;
}

const PHRASE_FILLERS = new Set(['the', 'and', 'with', 'wearing', 'dressed', 'in', 'clothes', 'clothing', 'outfit', 'attire', 'garment', 'holding', 'carrying']);

function contentWords(s: string): Set<string> {
  return new Set(
    s
      .toLowerCase()
      .split(/[^a-z0-9-]+/)
      .filter((w) => w.length > 2 && !PHRASE_FILLERS.has(w)),
  );
}

function overlaps(a: string, b: string): boolean {
  const wa = contentWords(a);
  for (const w of contentWords(b)) if (wa.has(w)) return true;
  return false;
}

/**
 * Adds caption attributes to subjects. When several subjects share a noun ("the man in the suit" and
 * "the man in the driver's seat"), a caption phrase goes to the one whose event attributes it overlaps;
 * a subject that already has a phrase attribute from its events only takes overlapping phrases.
 * Adjectives go to a subject only when no other subject shares its noun.
 */
function assignCaptionAttributes(caption: string, subjects: SubjectState[]): void {
  const byHead = new Map<string, SubjectState[]>();
  for (const s of subjects) for (const h of s.heads) byHead.set(h, [...(byHead.get(h) ?? []), s]);
  const phraseOf = (s: SubjectState) => s.attributes.filter((a) => a.includes(' '));
  const eventPhrases = new Map(subjects.map((s) => [s, phraseOf(s)] as const));
  for (const mention of captionMentions(caption, new Set(byHead.keys()))) {
    const candidates = [...new Set(byHead.get(mention.head) ?? byHead.get(singularize(mention.head)) ?? [])];
    if (candidates.length === 0) continue;
    if (candidates.length === 1) {
      const s = candidates[0];
      const conflicting = s.adjectives.size > 0 && mention.adjectives.length > 0 && !mention.adjectives.some((a) => s.adjectives.has(a));
      if (!conflicting) for (const a of mention.adjectives) addUnique(s.attributes, a);
      const own = eventPhrases.get(s) ?? [];
      for (const p of mention.phrases) if (own.length === 0 || own.some((o) => overlaps(o, p))) addUnique(s.attributes, p);
    } else {
      for (const p of mention.phrases) {
        const match = candidates.find((s) => (eventPhrases.get(s) ?? []).some((o) => overlaps(o, p)));
        if (match) addUnique(match.attributes, p);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Public API

export interface DeriveOptions {
  /** At most this many subjects, keeping the ones with the most actions (ties: first mentioned). */
  maxSubjects?: number;
  /** At most this many attributes per subject. */
  maxAttributes?: number;
}

/**
 * Structured-think annotation from a caption and its events (heuristic; see module doc).
 * Events drive subjects and actions; when a clip has no events, the caption's clauses stand in.
 * Returns subjects in order of first mention, each with ≥ 1 action.
 */
export function deriveStructuredThink(caption: string, events: string[], options: DeriveOptions = {}): ThinkSubject[] {
  const maxSubjects = options.maxSubjects ?? 6;
  const maxAttributes = options.maxAttributes ?? 5;
  const tracker = new SubjectTracker();
  const sources = events.length > 0 ? events : caption.split(/(?<=[.!?])\s+/);
  for (const sentence of sources) {
    let previous: SubjectState[] = [];
    for (const clause of splitClauses(sentence.replace(/[.!?]+\s*$/, ''))) {
      const parsed = parseClause(clause);
      if (!parsed) continue;
      const targets = parsed.subjects.length === 0 ? previous : parsed.subjects.flatMap((m) => tracker.resolve(m));
      for (const subject of targets) {
        for (const a of parsed.actions) if (!subject.actions.includes(a)) subject.actions.push(a);
      }
      if (targets.length > 0) previous = targets;
    }
  }
  const withActions = tracker.subjects.filter((s) => s.actions.length > 0);
  assignCaptionAttributes(caption, withActions);
  let kept = withActions;
  if (kept.length > maxSubjects) {
    const ranked = [...kept].sort((a, b) => b.actions.length - a.actions.length || tracker.subjects.indexOf(a) - tracker.subjects.indexOf(b));
    const keep = new Set(ranked.slice(0, maxSubjects));
    kept = kept.filter((s) => keep.has(s));
  }
  return kept.map((s) => ({
    subject: s.name,
    attributes: s.attributes.slice(0, maxAttributes),
    actions: s.actions,
  }));
}
