/**
 * Text realisation of the local policy's decisions: the structured think (paper Fig. 4), the prose
 * thinks of the Table 4 ablations, and an answer made of template sentences from the chosen elements,
 * plus the generic filler sentences a base model pads captions with.
 */
import { isPluralNoun, toThirdPerson } from '../../../core/heuristic-think';
import type { RunConfig } from '../../../core/run-config';
import type { SelectedSubject, Selection, SlipKind } from './policy';
import type { Rng } from './rng';

export type ThinkingMode = RunConfig['thinkingMode'];

/** What a base video MLLM pads its captions with (cf. the Qwen2-VL answers of the paper's Figs. 3, 6–10). */
export const FILLER_SENTENCES = [
  'Overall, the video captures a moment full of life and energy.',
  'The lighting in the scene is natural and creates a pleasant atmosphere.',
  'The background adds depth and context to what is happening in the scene.',
  'The colors in the video are vivid and the image is clear throughout.',
  'The scene conveys a sense of calm and everyday routine to the viewer.',
  'The camera work is steady, allowing the viewer to follow the events easily.',
  'It is an engaging scene that draws the attention of anyone watching it.',
  'The setting appears to be carefully arranged and visually appealing overall.',
];

const POST_STARTERS = /^(with|in|wearing|dressed|holding|carrying|clothed|clad|sporting|on|at|next|of|near|behind|from)\b/;

function isPlural(name: string): boolean {
  return isPluralNoun(name.toLowerCase().split(/\s+/).pop() ?? '');
}

function joinList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  if (items.length === 2) return `${items[0]} and ${items[1]}`;
  return `${items.slice(0, -1).join(', ')}, and ${items[items.length - 1]}`;
}

function nounPhrase(s: SelectedSubject, withAttributes: boolean): string {
  const name = s.name.toLowerCase();
  if (!withAttributes) return `the ${name}`;
  const pre = s.attributes.filter((a) => !a.includes(' ') && !POST_STARTERS.test(a));
  const post = s.attributes.filter((a) => !pre.includes(a)).map((a) => (POST_STARTERS.test(a) ? a : `with ${a}`));
  return `the ${[...pre, name].join(' ')}${post.length ? ` ${joinList(post)}` : ''}`;
}

/** "pick up the cup" → "picks up the cup" (or unchanged for a plural subject; "be" → "is"/"are"). */
export function inflectAction(action: string, plural: boolean): string {
  const [verb, ...rest] = action.split(' ');
  const v = plural ? (verb === 'be' ? 'are' : verb) : toThirdPerson(verb);
  return [v, ...rest].join(' ');
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The caption: one or more template sentences per chosen subject, then filler. */
export function realiseAnswer(subjects: SelectedSubject[], fillers: string[]): string {
  const sentences: string[] = [];
  for (const s of subjects) {
    const plural = isPlural(s.name);
    const np = nounPhrase(s, true);
    if (s.actions.length === 0) {
      sentences.push(`${capitalize(np)} ${plural ? 'are' : 'is'} visible in the scene.`);
      continue;
    }
    for (let i = 0; i < s.actions.length; i += 3) {
      const chunk = s.actions.slice(i, i + 3).map((a) => inflectAction(a, plural));
      const subjectText = i === 0 ? np : `then ${nounPhrase(s, false)}`;
      sentences.push(`${capitalize(subjectText)} ${joinList(chunk)}.`);
    }
  }
  if (sentences.length === 0) sentences.push('The video shows a scene.');
  return [...sentences, ...fillers].join(' ');
}

function structuredThink(subjects: SelectedSubject[], elaborate: boolean): string {
  return subjects
    .map((s, i) => {
      const attrs = elaborate ? s.attributes.map((a) => `possibly ${a}`) : s.attributes;
      const acts = elaborate ? s.actions.map((a) => `appears to ${a}`) : s.actions;
      return `#Subject ${i + 1}: ${s.name} [${attrs.join(', ')}], [${acts.join(', ')}]`;
    })
    .join('\n');
}

function freeFormThink(subjects: SelectedSubject[], elaborate: boolean): string {
  const parts: string[] = [];
  if (elaborate) parts.push('Let me think carefully about what happens in this video before describing it.');
  if (subjects.length === 0) parts.push('I cannot make out much in this video.');
  for (const s of subjects) {
    const plural = isPlural(s.name);
    parts.push(`I can see ${nounPhrase(s, true)}.`);
    if (s.actions.length) {
      const acts = s.actions.map((a) => inflectAction(a, plural));
      parts.push(elaborate ? `It seems that ${nounPhrase(s, false)} ${joinList(acts)}, if I am not mistaken.` : `${capitalize(nounPhrase(s, false))} ${joinList(acts)}.`);
    }
  }
  return parts.join(' ');
}

function guidedFreeFormThink(subjects: SelectedSubject[], elaborate: boolean): string {
  const parts: string[] = [`There ${subjects.length === 1 ? 'is one main subject' : `are ${subjects.length} main subjects`} in the video.`];
  for (const s of subjects) {
    const name = s.name.toLowerCase();
    parts.push(`One subject is the ${name}.`);
    if (s.attributes.length) parts.push(`Its attributes are ${joinList(s.attributes)}.`);
    if (s.actions.length) parts.push(`${elaborate ? 'I think its' : 'Its'} actions are: ${joinList(s.actions)}.`);
  }
  return parts.join(' ');
}

export interface RenderedCompletion {
  completion: string;
  /** Whitespace-separated tokens of the (possibly truncated) completion, tags included. */
  lengthWords: number;
  truncated: boolean;
}

export function countWords(text: string): number {
  const m = text.match(/\S+/g);
  return m ? m.length : 0;
}

/** Cuts `text` after its `maxWords`-th whitespace-separated token (max_completion_length in words). */
export function truncateWords(text: string, maxWords: number): { text: string; truncated: boolean } {
  if (maxWords <= 0) return { text, truncated: false };
  const re = /\S+/g;
  let count = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    count++;
    if (count === maxWords) {
      const end = m.index + m[0].length;
      return end < text.trimEnd().length ? { text: text.slice(0, end), truncated: true } : { text, truncated: false };
    }
  }
  return { text, truncated: false };
}

function applySlip(think: string | null, answer: string, slip: SlipKind | null): string {
  const thinkBlock = (close: boolean) => (think === null ? '' : `<think>\n${think}\n${close ? '</think>\n' : '\n'}`);
  if (slip === 'missing </think>' && think !== null) return `${thinkBlock(false)}<answer>\n${answer}\n</answer>`;
  if (slip === 'answer without tags' || (slip === 'missing </think>' && think === null)) return `${thinkBlock(true)}${answer}`;
  const base = `${thinkBlock(true)}<answer>\n${answer}\n</answer>`;
  if (slip === 'text after </answer>') return `${base}\nI hope this description is helpful.`;
  return base;
}

export interface RenderOptions {
  /**
   * The simulated chat template prefilled `<think>` (config.prefilledThink): the completion the
   * policy writes starts inside the think, without the opening tag.
   */
  prefilledThink?: boolean;
}

/** The completion text of a selection under a thinking mode (Table 4 rows), truncated to `maxWords` (0 = no limit). */
export function renderCompletion(selection: Selection, mode: ThinkingMode, rng: Rng, maxWords: number, options: RenderOptions = {}): RenderedCompletion {
  const fillers = rng.shuffle(FILLER_SENTENCES).slice(0, selection.fillerCount);
  const answer = realiseAnswer(selection.subjects, fillers);
  const elaborate = selection.thinkStyle === 'elaborate';
  const think =
    mode === 'structured'
      ? structuredThink(selection.subjects, elaborate)
      : mode === 'free-form'
        ? freeFormThink(selection.subjects, elaborate)
        : mode === 'guided-free-form'
          ? guidedFreeFormThink(selection.subjects, elaborate)
          : null;
  const written = applySlip(think, answer, selection.slip);
  const full = options.prefilledThink && written.startsWith('<think>') ? written.slice('<think>'.length) : written;
  const { text, truncated } = truncateWords(full, maxWords);
  return { completion: text, lengthWords: countWords(text), truncated };
}
