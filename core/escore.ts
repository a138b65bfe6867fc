/**
 * Event score, Escore (paper §3.2.3, Eq. 8):
 *
 *   Escore = 0    if event_coverage < δ1
 *            0.5  if δ1 ≤ event_coverage < δ2
 *            1    if event_coverage ≥ δ2          (δ1 = 0.28, δ2 = 0.35, Appendix B)
 *
 * event_coverage = reference events entailed by the predicted caption / all reference events.
 * The judge prompt "is the same as Tarsier" (Wang et al. 2024): the AutoDQ / DREAM-1K entailment
 * prompt of bytedance/tarsier `evaluation/metrics/evaluate_dream_gpt.py` (`call_azure_gpt_api`,
 * identical on the main, tarsier and tarsier2 branches, commit 63de87a). Only "entailment"
 * counts, as in Tarsier's recall (`is_recall=True`).
 *
 * Zero reference events: `eventCoverage` returns null and no Escore is defined. Callers that have
 * a reference caption use it as the single event, as Tarsier's prompt does
 * (`if len(events) == 0: events = [reference]`), but score the judge's verdict on it rather than
 * Tarsier's constant 1.0, which would hand every completion a free point. Without events or a
 * caption the component is reported as not computable (see gpu-runner/rewards/service.ts).
 */

import { ENTAILMENT_CLASSES, parseEntailmentVerdicts, type EntailmentClass, type EntailmentVerdict, type JudgeReplyResult } from './judge-reply';

export const ENTAILMENT_PROMPT_VERSION = 'autodq-v1';
export const DEFAULT_ESCORE_THRESHOLDS: readonly [number, number] = [0.28, 0.35];

export const ENTAILMENT_RELATIONSHIPS = ENTAILMENT_CLASSES;
export type EntailmentRelationship = EntailmentClass;

/** Share of events judged "entailment"; null when there are no events. */
export function eventCoverage(relationships: readonly (EntailmentRelationship | null)[]): number | null {
  if (relationships.length === 0) return null;
  let entailed = 0;
  for (const r of relationships) if (r === 'entailment') entailed++;
  return entailed / relationships.length;
}

/** Eq. 8: the step function of event coverage. Thresholds must satisfy 0 ≤ δ1 ≤ δ2 ≤ 1. */
export function escoreFromCoverage(
  coverage: number,
  thresholds: readonly [number, number] = DEFAULT_ESCORE_THRESHOLDS,
): 0 | 0.5 | 1 {
  const [d1, d2] = thresholds;
  if (!(d1 >= 0 && d1 <= d2 && d2 <= 1)) throw new RangeError(`escore thresholds must satisfy 0 ≤ δ1 ≤ δ2 ≤ 1, got [${d1}, ${d2}]`);
  if (!(coverage >= d1)) return 0; // also NaN
  return coverage >= d2 ? 1 : 0.5;
}

/** Python's `repr()` of a str (the form Tarsier's f-string puts events in). */
export function pythonStringRepr(value: string): string {
  // Fast path: nothing to escape.
  if (!/[\\'\x00-\x1f\x7f]/.test(value)) return `'${value}'`;
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += '\\' + quote;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + quote;
}

/** Python's `repr()` of a list of str, e.g. `['A man walks.', "The dog's tail wags."]`. */
export function pythonListRepr(values: readonly string[]): string {
  return `[${values.map(pythonStringRepr).join(', ')}]`;
}

/**
 * The Tarsier / AutoDQ entailment prompt (promptVersion "autodq-v1"), reproduced character for
 * character from `call_azure_gpt_api(events, reference, prediction, model)`, including the
 * lower-casing Tarsier applies to the prediction before the call (`data['prediction'].lower()`).
 */
export function buildEntailmentPrompt(caption: string, events: readonly string[]): string {
  return (
    'Given a video description and a list of events. For each event, classify the relationship between the video description and the event into three classes: entailment, neutral, contradiction.\n' +
    '- "entailment" means that the video description entails the event.\n' +
    '- "contradiction" means that some detail in the video description contradicts with the event.\n' +
    '- "neutral" means that the relationship is neither "entailment" or "contradiction".\n\n' +
    `Video Description:\n${caption.toLowerCase()}\n\n` +
    `Events: ${pythonListRepr(events)}\n` +
    'Output a JSON formed as:\n' +
    '{\n' +
    '  "events": [\n' +
    '    {"event": "copy an event here", "relationship": "put class name here",  "reason": "give your reason here"},\n' +
    '    ...\n' +
    '  ]\n' +
    '}\n\n' +
    'DO NOT PROVIDE ANY OTHER OUTPUT TEXT OR EXPLANATION. Only output the JSON. Output:'
  );
}

/** Markers the lexical judge uses to recognise and read an entailment prompt. */
export const ENTAILMENT_PROMPT_MARKERS = {
  head: 'Given a video description and a list of events. For each event, classify',
  captionStart: 'Video Description:\n',
  eventsStart: '\n\nEvents: ',
  eventsEnd: '\nOutput a JSON formed as:\n',
} as const;

/**
 * Parses a Python list-of-str literal (`['a', "b\'s"]`); null if it is not one.
 * Linear scan; understands the escapes `pythonStringRepr` writes plus \" \' \\ \uXXXX.
 */
export function parsePythonStringList(literal: string): string[] | null {
  const s = literal.trim();
  if (!s.startsWith('[') || !s.endsWith(']')) return null;
  const out: string[] = [];
  let i = 1;
  const skipSpace = () => {
    while (i < s.length && /\s/.test(s[i])) i++;
  };
  skipSpace();
  if (s[i] === ']') return i === s.length - 1 ? out : null;
  for (;;) {
    skipSpace();
    const quote = s[i];
    if (quote !== "'" && quote !== '"') return null;
    i++;
    let value = '';
    for (;;) {
      if (i >= s.length) return null;
      const ch = s[i];
      if (ch === quote) {
        i++;
        break;
      }
      if (ch === '\\') {
        const next = s[i + 1];
        if (next === 'n') value += '\n';
        else if (next === 'r') value += '\r';
        else if (next === 't') value += '\t';
        else if (next === 'x' || next === 'u') {
          const len = next === 'x' ? 2 : 4;
          const hex = s.slice(i + 2, i + 2 + len);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) return null;
          value += String.fromCharCode(parseInt(hex, 16));
          i += len;
        } else if (next === undefined) return null;
        else value += next;
        i += 2;
        continue;
      }
      value += ch;
      i++;
    }
    out.push(value);
    skipSpace();
    if (s[i] === ',') {
      i++;
      skipSpace();
      if (s[i] === ']') return i === s.length - 1 ? out : null; // trailing comma
      continue;
    }
    if (s[i] === ']') return i === s.length - 1 ? out : null;
    return null;
  }
}

/**
 * Reads the judge's reply to `buildEntailmentPrompt` with the one strict parser
 * (core/judge-reply.ts): reasoning block removed, Tarsier's repairs, JSON with exactly one valid
 * relationship per event sent — otherwise a failure with its reason (the caller retries, then
 * leaves the component missing). Never reads class words out of prose, never pads or truncates.
 */
export function parseEntailmentReply(reply: string, eventCount: number): JudgeReplyResult<EntailmentVerdict[]> {
  return parseEntailmentVerdicts(reply, eventCount, { listKey: 'events' });
}
