/**
 * Action types and the action-based filter of the training-data curation (paper Appendix C,
 * "Action-Based Video Filtering": "an incremental filtering mechanism that maintains a running
 * inventory of covered actions. Videos are selectively added only when they introduce new action
 * types not already represented in our dataset").
 *
 * The paper does not say what an "action type" is. Here it is the action's head verb in its base
 * form, lower case, plus a following particle when there is one ("Throws up the ball" → "throw up",
 * "lifts a child" → "lift", "runs across the field" → "run"); `mode: 'phrase'` keeps the whole phrase (head verb lemmatised) instead.
 * Base forms come from wink-lemmatizer (WordNet's verb exception lists and rules).
 *
 * Pure: no I/O.
 */
import lemmatizer from 'wink-lemmatizer';
import type { ThinkSubject } from '../types';

export type ActionKeyMode = 'verb' | 'phrase';

/** Words after the head verb that make a phrasal verb ("pick up the cup", "sit down"). */
const PARTICLES = new Set(['up', 'down', 'off', 'out', 'away', 'back', 'aside', 'apart', 'together', 'forward', 'forwards', 'backward', 'backwards']);

/**
 * Words that are a particle only at the end of the action ("turn around", "fall over") and a
 * preposition before a noun ("run across the field" → "run", "jump over a fence" → "jump").
 */
const END_PARTICLES = new Set(['over', 'on', 'in', 'around', 'round', 'through', 'across', 'along', 'about', 'by', 'under']);

/** Leading words that are not the action's verb: auxiliaries, "to", time adverbs. */
const LEADING_SKIP = new Set([
  'to', 'be', 'is', 'are', 'was', 'were', 'am', 'being', 'been', 'then', 'again', 'also', 'still', 'just', 'now',
  'first', 'finally', 'suddenly', 'repeatedly', 'not', 'the', 'a', 'an',
]);

/** Verbs that end in "-ly" and are therefore not skipped as manner adverbs ("slowly walk"). */
const LY_VERBS = new Set(['apply', 'reply', 'rely', 'supply', 'multiply', 'bully', 'rally', 'tally', 'ally', 'sully', 'dally', 'belly']);

/**
 * Words that are a verb's base form and also another verb's past tense: the Fig. 5 prompt asks for base
 * forms, so they stay as written ("lay the table" is not "lie").
 */
const BASE_FORM_HOMOGRAPHS = new Set(['lay', 'found', 'wound']);

function isMannerAdverb(word: string): boolean {
  return word.length >= 5 && word.endsWith('ly') && !LY_VERBS.has(word);
}

const lemmaMemo = new Map<string, string>();

function baseForm(word: string): string {
  let b = lemmaMemo.get(word);
  if (b === undefined) {
    b = BASE_FORM_HOMOGRAPHS.has(word) ? word : lemmatizer.verb(word);
    if (lemmaMemo.size > 200_000) lemmaMemo.clear();
    lemmaMemo.set(word, b);
  }
  return b;
}

/** Reads lower-case letter words one at a time (other characters separate words; apostrophes are dropped, "'s" too). */
class WordReader {
  private i = 0;
  private readonly text: string;
  constructor(text: string) {
    let t = text.toLowerCase();
    if (t.includes("'") || t.includes('\u2019')) t = t.replace(/['\u2019]s\b/g, '').replace(/['\u2019]/g, '');
    this.text = t;
  }
  next(): string | null {
    const t = this.text;
    let i = this.i;
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c >= 97 && c <= 122) break;
      i++;
    }
    const start = i;
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c < 97 || c > 122) break;
      i++;
    }
    this.i = i;
    return i > start ? t.slice(start, i) : null;
  }
}

/**
 * The action type of one action phrase: lower case, letters only, head verb in its base form
 * (wink-lemmatizer), plus a particle right after it in `verb` mode; the whole phrase in `phrase`
 * mode. Leading auxiliaries, "to" and manner adverbs are skipped ("is slowly walking" → "walk").
 * Returns null for a phrase with no word.
 *
 * Examples: "Picks up the cup" → "pick up"; "threw" → "throw"; "bring a child back down" → "bring".
 */
export function normalizeAction(action: string, mode: ActionKeyMode = 'verb'): string | null {
  const words = new WordReader(action);
  let head = words.next();
  if (head === null) return null;
  let next = words.next();
  while (next !== null && (LEADING_SKIP.has(head) || isMannerAdverb(head))) {
    head = next;
    next = words.next();
  }
  const base = baseForm(head);
  if (mode === 'phrase') {
    const rest: string[] = [base];
    for (let w = next; w !== null; w = words.next()) rest.push(w);
    return rest.join(' ');
  }
  if (next === null) return base;
  if (PARTICLES.has(next)) return `${base} ${next}`;
  if (END_PARTICLES.has(next) && words.next() === null) return `${base} ${next}`;
  return base;
}

/** The distinct action types of a structured think, in order of first appearance. */
export function actionTypesOf(think: readonly ThinkSubject[] | null | undefined, mode: ActionKeyMode = 'verb'): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const s of think ?? []) {
    for (const a of s.actions) {
      const t = normalizeAction(a, mode);
      if (t !== null && !seen.has(t)) {
        seen.add(t);
        out.push(t);
      }
    }
  }
  return out;
}

export interface ActionFilterOptions {
  /** Stop once this many clips are kept (the paper's dataset has 1.5k). */
  targetSize: number;
}

export interface ActionFilterResult {
  /** Per visited clip, in walk order: its index in the input and the action types it added (empty = not kept). */
  visited: { index: number; newTypes: string[] }[];
  /** Indices of kept clips, in walk order. */
  kept: number[];
  /** Inventory size after each visited clip (same length as `visited`). */
  inventoryGrowth: number[];
  /** Number of kept clips whose think has each action type (for "top actions"). */
  typeClipCounts: Map<string, number>;
  /** True when the walk stopped at `targetSize` before the end of the input. */
  stoppedAtTarget: boolean;
}

/**
 * The incremental action filter: walks `clips` in the given order and keeps a clip only when its
 * action types (already normalised, e.g. by `actionTypesOf`) include one not yet in the running
 * inventory; the kept clip's types join the inventory. Stops when `targetSize` clips are kept.
 * Clips after the stop are not visited. O(total action types).
 */
export function actionFilter(clips: readonly (readonly string[])[], options: ActionFilterOptions): ActionFilterResult {
  if (!Number.isInteger(options.targetSize) || options.targetSize < 0) throw new RangeError(`targetSize must be an integer ≥ 0, got ${options.targetSize}`);
  const inventory = new Set<string>();
  const visited: ActionFilterResult['visited'] = [];
  const kept: number[] = [];
  const growth: number[] = [];
  const typeClipCounts = new Map<string, number>();
  let stoppedAtTarget = false;
  for (let index = 0; index < clips.length; index++) {
    if (kept.length >= options.targetSize) {
      stoppedAtTarget = true;
      break;
    }
    const types = clips[index];
    const newTypes: string[] = [];
    for (const t of types) if (!inventory.has(t) && !newTypes.includes(t)) newTypes.push(t);
    if (newTypes.length > 0) {
      kept.push(index);
      for (const t of types) {
        inventory.add(t);
        typeClipCounts.set(t, (typeClipCounts.get(t) ?? 0) + 1);
      }
    }
    visited.push({ index, newTypes });
    growth.push(inventory.size);
  }
  return { visited, kept, inventoryGrowth: growth, typeClipCounts, stoppedAtTarget };
}

export type FilterOrder = 'dynamicity-desc' | 'input' | 'shuffle';

/**
 * The order in which the action filter walks the clips: most dynamic first (ties by input order),
 * input order, or a seeded shuffle (mulberry32 + Fisher–Yates). Returns indices into `clips`.
 */
export function filterWalkOrder(clips: readonly { dynamicity: number | null }[], order: FilterOrder, seed = 0): number[] {
  const idx = clips.map((_, i) => i);
  if (order === 'input') return idx;
  if (order === 'dynamicity-desc') {
    return idx.sort((a, b) => (clips[b].dynamicity ?? -Infinity) - (clips[a].dynamicity ?? -Infinity) || a - b);
  }
  let state = seed >>> 0;
  const rand = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx;
}

/** The `k` most frequent entries of a count map (ties: alphabetical). */
export function topCounts(counts: ReadonlyMap<string, number>, k: number): { key: string; count: number }[] {
  return [...counts.entries()]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, k);
}
