/**
 * Quality of the offline heuristic structured-think annotation of DREAM-1K (core/heuristic-think.ts)
 * measured against a part-of-speech tagger (`npx tsx bench/think-annotation.ts`):
 *
 *  - subjects that are nouns: the last word of a subject's name, looked up where the clip's events
 *    and caption use it, is tagged NOUN / PROPN / PRON there in most of its occurrences (a name the
 *    text never uses is tagged inside "The <name> is here."); colour words as subjects are also
 *    counted on their own;
 *  - actions that start with a verb in its base form: in "They <action>." the first word of the
 *    action is tagged VERB or AUX and equals its lemma (Fig. 5: "All verbs should be in their base form");
 *  - groups merged into one subject: (clip, noun) pairs whose events use the noun as a sentence's
 *    subject both in the singular ("The character kneels") and in the plural or as a group ("A group
 *    of characters rushes forward"), while the annotation has a single subject for that noun.
 *
 * The tagger is wink-nlp with wink-eng-lite-web-model (the library the heuristic itself uses since
 * heuristic-v2), with each sentence's first letter lowercased so capitalisation is not read as a proper
 * noun. A tagger measuring its own output is not an independent judge: the README also reports a
 * hand-checked sample. Also reports the annotation's size and how long annotating the 1,000 clips takes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { deriveStructuredThink, HEURISTIC_THINK_SOURCE } from '../core/heuristic-think';
import type { ThinkSubject } from '../core/types';

interface Dream1kLine {
  vid: number;
  messages: { content: { reference?: string | null }[] }[];
  extra_info: { events: string[] };
}

const nlp = winkNLP(model);
const its = nlp.its;

interface Tagged {
  normal: string;
  lemma: string;
  pos: string;
}

function tag(sentence: string): Tagged[] {
  const text = sentence.charAt(0).toLowerCase() + sentence.slice(1);
  // wink-nlp's typings do not accept its own lemma helper in `out`; same call.
  const tokens = nlp.readDoc(text).tokens() as unknown as { out(f: unknown): string[] };
  const normals = tokens.out(its.normal);
  const lemmas = tokens.out(its.lemma);
  const pos = tokens.out(its.pos);
  return normals.map((normal, i) => ({ normal, lemma: lemmas[i], pos: pos[i] }));
}

const NOUNISH = new Set(['NOUN', 'PROPN', 'PRON']);
const COLOURS = new Set('red orange yellow green blue purple pink brown black white gray grey silver golden gold beige'.split(' '));
/** Nouns naming a group of what follows "of": "a group of characters". */
const GROUP_NOUNS = new Set(['group', 'crowd', 'pair', 'couple', 'team', 'herd', 'flock', 'row', 'line', 'bunch', 'pack', 'swarm', 'troop', 'band', 'number', 'set', 'school', 'gang', 'squad']);

/** Head noun of a sentence's grammatical subject (first noun chunk before the first verb), and whether it is plural. */
function subjectNoun(tokens: Tagged[]): { lemma: string; plural: boolean } | null {
  const verb = tokens.findIndex((t) => t.pos === 'VERB' || t.pos === 'AUX');
  const np = tokens.slice(0, verb < 0 ? tokens.length : verb);
  let head = -1;
  for (let i = 0; i < np.length; i++) {
    if (np[i].pos === 'NOUN' || np[i].pos === 'PROPN') head = i;
    else if (head >= 0 && np[i].pos === 'ADP') break;
  }
  if (head < 0) return null;
  const h = np[head];
  if (GROUP_NOUNS.has(h.lemma) && np[head + 1]?.normal === 'of') {
    const member = np.slice(head + 2).find((t) => t.pos === 'NOUN' || t.pos === 'PROPN');
    if (member) return { lemma: member.lemma, plural: true };
  }
  return { lemma: h.lemma, plural: h.normal !== h.lemma };
}

export interface AnnotationQuality {
  source: string;
  clips: number;
  annotatedClips: number;
  subjects: number;
  actions: number;
  attributes: number;
  subjectsThatAreNouns: number;
  subjectsThatAreColours: string[];
  actionsStartingWithBaseVerb: number;
  mixedSingularPlural: number;
  mergedGroups: number;
  annotateSeconds: number;
}

export function measureAnnotation(lines: Dream1kLine[]): AnnotationQuality {
  const started = performance.now();
  const annotated = lines.map((row) => ({
    caption: row.messages[1].content[0].reference ?? '',
    events: row.extra_info.events.map((e) => e.trim()).filter((e) => e.length > 0),
    think: [] as ThinkSubject[],
  }));
  for (const a of annotated) a.think = deriveStructuredThink(a.caption, a.events);
  const annotateSeconds = (performance.now() - started) / 1000;

  const q: AnnotationQuality = {
    source: HEURISTIC_THINK_SOURCE,
    clips: lines.length,
    annotatedClips: annotated.filter((a) => a.think.length > 0).length,
    subjects: 0,
    actions: 0,
    attributes: 0,
    subjectsThatAreNouns: 0,
    subjectsThatAreColours: [],
    actionsStartingWithBaseVerb: 0,
    mixedSingularPlural: 0,
    mergedGroups: 0,
    annotateSeconds,
  };
  for (const a of annotated) {
    const sentences = [...a.events, ...a.caption.split(/(?<=[.!?])\s+/)].map(tag);
    for (const s of a.think) {
      q.subjects++;
      q.actions += s.actions.length;
      q.attributes += s.attributes.length;
      const word = s.subject.toLowerCase().split(/\s+/).pop() ?? '';
      if (COLOURS.has(word)) q.subjectsThatAreColours.push(s.subject);
      const uses = sentences.flat().filter((t) => t.normal === word || t.lemma === word);
      const tags = uses.length > 0 ? uses.map((t) => t.pos) : tag(`The ${word} is here.`).filter((t) => t.normal === word).map((t) => t.pos);
      if (tags.filter((p) => NOUNISH.has(p)).length * 2 > tags.length) q.subjectsThatAreNouns++;
      for (const action of s.actions) {
        const first = tag(`They ${action}.`)[1];
        if (first && (first.pos === 'VERB' || first.pos === 'AUX') && first.lemma === first.normal) q.actionsStartingWithBaseVerb++;
      }
    }
    const uses = new Map<string, { singular: number; plural: number }>();
    for (const e of a.events) {
      const n = subjectNoun(tag(e));
      if (!n) continue;
      const u = uses.get(n.lemma) ?? { singular: 0, plural: 0 };
      if (n.plural) u.plural++;
      else u.singular++;
      uses.set(n.lemma, u);
    }
    for (const [lemma, u] of uses) {
      if (u.singular === 0 || u.plural === 0) continue;
      q.mixedSingularPlural++;
      const named = a.think.filter((s) => {
        const w = s.subject.toLowerCase().split(/\s+/).pop() ?? '';
        return w === lemma || tag(`The ${w} is here.`)[1]?.lemma === lemma;
      });
      if (named.length <= 1) {
        q.mergedGroups++;
        if (process.env.SHOW_MERGED) console.log(`merged: clip ${a.events.join(" | ")} → ${JSON.stringify(a.think.map((s) => s.subject))} (${lemma})`);
      }
    }
  }
  return q;
}

export function formatAnnotationQuality(q: AnnotationQuality): string {
  const pct = (n: number, d: number) => `${n} / ${d} (${((100 * n) / Math.max(1, d)).toFixed(1)}%)`;
  return [
    `annotation: ${q.source}`,
    `clips annotated: ${pct(q.annotatedClips, q.clips)}; ${q.subjects} subjects, ${q.actions} actions, ${q.attributes} attributes; annotating took ${q.annotateSeconds.toFixed(2)} s`,
    `subjects that are nouns: ${pct(q.subjectsThatAreNouns, q.subjects)}`,
    `subjects named by a colour word: ${q.subjectsThatAreColours.length}${q.subjectsThatAreColours.length ? ` (${[...new Set(q.subjectsThatAreColours)].join(', ')})` : ''}`,
    `actions that start with a verb in its base form: ${pct(q.actionsStartingWithBaseVerb, q.actions)}`,
    `groups merged into one subject: ${pct(q.mergedGroups, q.mixedSingularPlural)} (clip, noun) pairs whose events use the noun as a subject in the singular and in the plural`,
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const path = fileURLToPath(new URL('../data/dream-1k/DREAM-1k.jsonl', import.meta.url));
  const lines = readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Dream1kLine);
  console.log(formatAnnotationQuality(measureAnnotation(lines)));
}
