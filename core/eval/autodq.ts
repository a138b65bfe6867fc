/**
 * AutoDQ (DREAM-1K event F1, and CAREBENCH's action / object F1): the judge prompts, reproduced
 * character for character, and the per-clip score. Pure: no I/O.
 *
 * Sources:
 *  - bytedance/tarsier `evaluation/metrics/evaluate_dream_gpt.py` @ 63de87a (Apache-2.0):
 *    `call_azure_gpt_api_for_events` (event extraction, "Bellow is a description…"),
 *    `call_azure_gpt_api` (entailment; core/escore.ts `buildEntailmentPrompt`), `extract_events`
 *    (caption lower-cased, `"` → `'`), `evaluate_one_sample` (only "entailment" is a hit with
 *    `is_recall=True`, which both recall and precision use; empty list ⇒ 1.0), `count_f1`.
 *  - MCG-NJU/CaReBench `utils/dream_gpt.py` @ f67d9aa: the same event prompts (its extraction prompt
 *    says "Below"), `call_azure_gpt_api_for_objects` (object extraction) and
 *    `call_azure_gpt_api_for_objects_relationship` (object entailment).
 */
import { buildEntailmentPrompt, pythonListRepr } from '../escore';
import type { EntailmentClass } from '../judge-reply';

export { buildEntailmentPrompt };

/** Prompt versions, recorded with every stored result. */
export const AUTODQ_PROMPT_VERSIONS = {
  tarsierExtractEvents: 'tarsier-extract-events@63de87a',
  carebenchExtractEvents: 'carebench-extract-events@f67d9aa',
  carebenchExtractObjects: 'carebench-extract-objects@f67d9aa',
  entailEvents: 'autodq-v1',
  carebenchEntailObjects: 'carebench-entail-objects@f67d9aa',
} as const;

/** The caption as the official `extract_events` / `extract_objects` put it into the prompt. */
export function extractionCaption(caption: string): string {
  return caption.toLowerCase().replaceAll('"', "'");
}

/**
 * Event extraction prompt. `variant` "tarsier" is DREAM-1K's (with its "Bellow" typo), "carebench"
 * CaReBench's copy ("Below"). Pass the caption as given: it is lower-cased and `"` → `'` here.
 */
export function buildEventExtractionPrompt(caption: string, variant: 'tarsier' | 'carebench' = 'tarsier'): string {
  return (
    `${variant === 'tarsier' ? 'Bellow' : 'Below'} is a description of a video clip:\n` +
    `Video Description: ${extractionCaption(caption)}\n\n` +
    'Extract at most 10 key events from the above video description paragraph. Requirements\n:' +
    "- An event must include an action, motion or movement (NOT STATIC INFORMATION). DON'T repeat same events.\n" +
    '- Every event is represented by a brief sentence within 10 words, with a subject, a predicate and optionally an object, avoid unnecessary appearance descriptions.\n' +
    '- Every event must be atomic, meaning that it cannot be further split into multiple events.\n' +
    '- Scene cuts and camera motions are NOT events.\n' +
    '- Substitute pronouns by the nouns they refer to.\n\n' +
    'Please generate the response in the form of a Python dictionary string with keys "events". The value of "events" is a List(str), of which each item is an event. ' +
    'DO NOT PROVIDE ANY OTHER OUTPUT TEXT OR EXPLANATION. Only provide the Python dictionary string. ' +
    'For example, your response should look like this: {"events": [event1, event2, ...]}'
  );
}

/** CaReBench object extraction prompt ("There is/are …", one attribute each). */
export function buildObjectExtractionPrompt(caption: string): string {
  return (
    'Below is a description of a video clip:\n' +
    `Video Description: ${extractionCaption(caption)}\n\n` +
    'Extract at most 10 key objects from the above video description paragraph. Requirements\n:' +
    '- Replace pronouns with the nouns they refer to based on the context.\n' +
    '- An object must be described with its attributes within 10 words (e.g., color, size, shape, material).\n' +
    ' - If an object has multiple attributes, split it into multiple objects, each with a single attribute. (e.g., "an old man with white hair and a white beard" can be divided into "an old man with white hair" and "an old man with a white beard".)' +
    '- Every object is represented by a brief sentence starting with "There is/are", including its attributes.\n' +
    '- Every object description must be atomic, meaning that it cannot be further split into multiple descriptions, and each object must be distinctly distinguishable from one another.\n' +
    '- Atmosphere, music, sounds, scene cuts, camera motions, and actions are NOT objects.\n\n' +
    'Please generate the response in the form of a Python dictionary string with the key "objects". The value of "objects" is a List(str), of which each item is an object description.' +
    'DO NOT PROVIDE ANY OTHER OUTPUT TEXT OR EXPLANATION. Only provide the Python dictionary string.' +
    'For example, your response should look like this: {"objects": ["There is ...", "There is ...", ...]}'
  );
}

/** CaReBench object entailment prompt; the description is lower-cased as the official caller does. */
export function buildObjectEntailmentPrompt(caption: string, objects: readonly string[]): string {
  return (
    'Given a video description and a list of objects. For each object, classify the relationship between the video description and the object into three classes: entailment, neutral, contradiction.\n' +
    '- "entailment" means that the video description entails the object.\n' +
    '- "contradiction" means that some detail in the video description contradicts with the object.\n' +
    '- "neutral" means that the relationship is neither "entailment" or "contradiction".\n\n' +
    `Video Description:\n${caption.toLowerCase()}\n\n` +
    `Objects: ${pythonListRepr(objects)}\n` +
    'Output a JSON formed as:\n' +
    '{\n' +
    '  "objects": [\n' +
    '    {"object": "copy an object here", "relationship": "put class name here",  "reason": "give your reason here"},\n' +
    '    ...\n' +
    '  ]\n' +
    '}\n\n' +
    'DO NOT PROVIDE ANY OTHER OUTPUT TEXT OR EXPLANATION. Only output the JSON. Output:'
  );
}

/** Markers the offline lexical judge uses to recognise these prompts. */
export const AUTODQ_PROMPT_MARKERS = {
  eventExtractionHeads: ['Bellow is a description of a video clip:\n', 'Below is a description of a video clip:\n'],
  eventExtractionTask: 'Extract at most 10 key events from the above video description paragraph.',
  objectExtractionTask: 'Extract at most 10 key objects from the above video description paragraph.',
  extractionCaptionStart: 'Video Description: ',
  extractionCaptionEnd: '\n\nExtract at most 10 key ',
  objectEntailmentHead: 'Given a video description and a list of objects. For each object, classify',
  objectsStart: '\n\nObjects: ',
  objectsEnd: '\nOutput a JSON formed as:\n',
} as const;

/** Hits and score of one side (recall or precision) of one clip. */
export interface AutodqSide {
  /** hits / total; 1.0 for an empty list (official `if len(events) == 0: motion_score = 1.0`). */
  score: number;
  hits: number;
  total: number;
}

/**
 * Score of one side of a clip from the judge's verdicts on its `total` items: the share judged
 * "entailment" (the only hit class, for recall and precision alike). `verdicts` must have one entry
 * per item (the strict parser guarantees it); an empty item list scores 1.0 without verdicts.
 */
export function autodqSide(verdicts: readonly EntailmentClass[], total: number): AutodqSide {
  if (total === 0) return { score: 1, hits: 0, total: 0 };
  if (verdicts.length !== total) throw new RangeError(`autodqSide: ${verdicts.length} verdicts for ${total} items`);
  const hits = verdicts.filter((v) => v === 'entailment').length;
  return { score: hits / total, hits, total };
}

/**
 * F1 of a recall and a precision (official `count_f1` = 2rp/(r+p)). Differs deliberately when
 * r + p = 0: 0 here, NaN (a ZeroDivision warning) in numpy.
 */
export function f1Score(recall: number, precision: number): number {
  return recall + precision === 0 ? 0 : (2 * recall * precision) / (recall + precision);
}

/** Mean of a list; null when empty (numpy's average of nothing is NaN). */
export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Recall, precision, F1 of the means, with the number of clips behind them. */
export interface PrfRow {
  recall: number | null;
  precision: number | null;
  f1: number | null;
  /** Clips that count (evaluated, not failed). */
  clips: number;
}

/** R = mean recall, P = mean precision, F1 of the means (official `_summarize_metric_by_subtask`). */
export function prfOfMeans(clips: readonly { recall: number; precision: number }[]): PrfRow {
  const recall = mean(clips.map((c) => c.recall));
  const precision = mean(clips.map((c) => c.precision));
  return { recall, precision, f1: recall === null || precision === null ? null : f1Score(recall, precision), clips: clips.length };
}
