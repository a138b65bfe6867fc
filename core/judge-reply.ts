/**
 * The one strict reader of LLM-judge replies, used by the rewards (Escore, CNscore) and by every
 * evaluation (DREAM-1K AutoDQ, VDC VDCSCORE, CAREBENCH). Pure: no I/O.
 *
 * Steps, for every reply:
 *  1. Strip a reasoning block. Reasoning models (R1 / Qwen3 style) write a draft inside
 *     `<think>…</think>` before the answer — sometimes with draft JSON — or only a closing `</think>`
 *     when the chat template opened the block. Everything up to and including the last `</think>` is
 *     dropped; an opened `<think>` that is never closed means there is no answer (a truncated reply).
 *     Not in the official scripts (their judges did not reason); without it such a reply can never
 *     parse, or worse, its draft is read as the verdict.
 *  2. Apply the official repairs: for entailment replies exactly the list of Tarsier's
 *     `try_call_api_for_eval` (bytedance/tarsier evaluation/metrics/evaluate_dream_gpt.py @ 63de87a;
 *     the same list in MCG-NJU/CaReBench utils/dream_gpt.py @ f67d9aa); for the prompts that ask for a
 *     Python dictionary string, the ```json / ```python fence removal of `try_call_api_for_events`.
 *     One addition, marked below: a bare ``` fence is removed too (it carries no content).
 *  3. Require JSON (entailment prompts ask for JSON: `json.loads` in the official code) or, where the
 *     official prompt asks for a "Python dictionary string" (event / object extraction, VDC score,
 *     CNscore), a dict literal (official: `ast.literal_eval`; here JSON, else JSON5 — which reads
 *     Python's single-quoted strings — via the json5 library).
 *  4. Validate the shape: exactly one valid label per item sent. Otherwise a typed failure with a
 *     reason. Labels are never read out of prose, never aligned by position when counts differ, and a
 *     failure is never turned into a 0 here: the caller retries (bounded) and then marks the item
 *     failed (evaluation) or the reward component missing (GRPO).
 */
import JSON5 from 'json5';

export type JudgeReplyResult<T> =
  | { ok: true; value: T; diagnostics: string[] }
  | { ok: false; reason: string; diagnostics: string[] };

export const ENTAILMENT_CLASSES = ['entailment', 'neutral', 'contradiction'] as const;
export type EntailmentClass = (typeof ENTAILMENT_CLASSES)[number];

/** One verdict of an entailment reply, aligned with the item sent at the same index. */
export interface EntailmentVerdict {
  relationship: EntailmentClass;
  /** The judge's reason ("" when it gave none). */
  reason: string;
  /** The item as the judge copied it back (informative; alignment is by index after the count check). */
  echoed: string | null;
}

function excerpt(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function fail<T>(reason: string, diagnostics: string[] = []): JudgeReplyResult<T> {
  return { ok: false, reason, diagnostics };
}

/**
 * Step 1: the answer part of a reply. `<think>…</think>answer` and `draft</think>answer` (template
 * prefilled `<think>`) both give `answer`; an unclosed `<think>` gives an error (no answer yet).
 */
export function stripReasoningBlock(reply: string): { ok: true; text: string; stripped: boolean } | { ok: false; reason: string } {
  const lower = reply.toLowerCase();
  const close = lower.lastIndexOf('</think>');
  if (close >= 0) return { ok: true, text: reply.slice(close + '</think>'.length), stripped: true };
  if (lower.includes('<think>')) return { ok: false, reason: 'the reasoning block <think> is never closed: the reply has no answer (truncated?)' };
  return { ok: true, text: reply, stripped: false };
}

/** ```json / ```python fences as Tarsier's `try_call_api_for_events` removes them (plus a bare ``` fence). */
export function stripOfficialFences(text: string): string {
  if (text.startsWith('```json')) return text.replaceAll('```json', '').replaceAll('```', '').trim();
  if (text.startsWith('```python')) return text.replaceAll('```python', '').replaceAll('```', '').trim();
  // Not in the official list: a bare ``` fence (common with Qwen judges) carries no content.
  if (text.startsWith('```')) return text.replaceAll('```', '').trim();
  return text;
}

/**
 * Step 2 for entailment replies: Tarsier's `try_call_api_for_eval` repairs, in its order, with its
 * plain (global) string replacements. `listKey` is "Events" (Tarsier, CaReBench events) or
 * "Objects" (CaReBench `try_call_api_for_eval_objects`).
 */
export function tarsierRepairs(reply: string, listKey: 'Events' | 'Objects' = 'Events'): string {
  let q = reply.trim();
  q = q.replace(/\n+/g, '\n');
  q = q.replace(/\s+/g, ' ');
  q = stripOfficialFences(q);
  if (!q.startsWith('{')) q = '{' + q;
  if (!q.endsWith('}')) q = q + '}';
  q = q.replaceAll('True', 'true').replaceAll('False', 'false');
  q = q.replaceAll('} {', '}, {').replaceAll('}{', '}, {');
  q = q.replaceAll(',\n}', '\n}').replaceAll(', \n}', '\n}').replaceAll(', }', '}').replaceAll(',}', '}');
  q = q.replaceAll(',\n]', '\n]').replaceAll(', \n]', '\n]').replaceAll(', ]', ']').replaceAll(',]', ']');
  q = q.replaceAll('[Placeholder]', 'null');
  q = q.replaceAll(`{${listKey}:`, '').trim();
  return q;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON object, or failing that a Python/JSON5 dict literal (`{'pred': 'yes', 'score': 4}`). */
export function parseDictLiteral(text: string): JudgeReplyResult<Record<string, unknown>> {
  const t = text.trim();
  let value: unknown;
  let how = 'json';
  try {
    value = JSON.parse(t);
  } catch {
    try {
      value = JSON5.parse(t);
      how = 'json5';
    } catch {
      return fail(`not a JSON object or Python dict literal: "${excerpt(t)}"`);
    }
  }
  if (!isRecord(value)) return fail(`expected an object, got ${Array.isArray(value) ? 'a list' : typeof value}: "${excerpt(t)}"`);
  return { ok: true, value, diagnostics: how === 'json5' ? ['read as a Python dict literal'] : [] };
}

function withReasoningStripped(reply: string): JudgeReplyResult<string> {
  const r = stripReasoningBlock(reply);
  if (!r.ok) return fail(r.reason);
  return { ok: true, value: r.text.trim(), diagnostics: r.stripped ? ['reasoning block removed'] : [] };
}

export interface EntailmentReplyOptions {
  /** "events" (Tarsier / CaReBench actions) or "objects" (CaReBench objects). */
  listKey?: 'events' | 'objects';
}

/**
 * Reads a reply to the AutoDQ entailment prompt (core/escore.ts `buildEntailmentPrompt`) or to
 * CaReBench's object-entailment prompt. `itemCount` is the number of items sent (≥ 1; the official
 * code sends `[reference]` when the list is empty). Succeeds only when the repaired reply is JSON
 * with a list under `listKey` of exactly `itemCount` objects, each with a `relationship` that is one
 * of the three classes after `.strip().lower()` (as the official code checks).
 */
export function parseEntailmentVerdicts(reply: string, itemCount: number, options: EntailmentReplyOptions = {}): JudgeReplyResult<EntailmentVerdict[]> {
  const key = options.listKey ?? 'events';
  const single = key === 'events' ? 'event' : 'object';
  const answer = withReasoningStripped(reply);
  if (!answer.ok) return answer;
  const diagnostics = [...answer.diagnostics];
  if (answer.value === '') return fail('empty reply', diagnostics);
  const repaired = tarsierRepairs(answer.value, key === 'events' ? 'Events' : 'Objects');
  let parsed: unknown;
  try {
    parsed = JSON.parse(repaired);
  } catch {
    return fail(`not JSON after the official repairs: "${excerpt(repaired)}"`, diagnostics);
  }
  if (!isRecord(parsed)) return fail(`expected a JSON object with "${key}", got: "${excerpt(repaired)}"`, diagnostics);
  const list = parsed[key];
  if (!Array.isArray(list)) return fail(`the JSON has no "${key}" list`, diagnostics);
  if (list.length !== itemCount) {
    return fail(`judge returned ${list.length} verdict${list.length === 1 ? '' : 's'} for ${itemCount} ${key} sent (verdicts are never aligned by position when the counts differ)`, diagnostics);
  }
  const verdicts: EntailmentVerdict[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (!isRecord(item)) return fail(`${single} ${i + 1}: not an object`, diagnostics);
    const rel = item.relationship;
    if (typeof rel !== 'string') return fail(`${single} ${i + 1}: no "relationship" string`, diagnostics);
    const label = rel.trim().toLowerCase();
    if (!(ENTAILMENT_CLASSES as readonly string[]).includes(label)) {
      return fail(`${single} ${i + 1}: relationship "${excerpt(rel, 40)}" is not one of entailment, neutral, contradiction`, diagnostics);
    }
    const echoed = item[single];
    verdicts.push({
      relationship: label as EntailmentClass,
      reason: typeof item.reason === 'string' ? item.reason : '',
      echoed: typeof echoed === 'string' ? echoed : null,
    });
  }
  return { ok: true, value: verdicts, diagnostics };
}

/**
 * Reads a reply to an extraction prompt that asks for a Python dictionary string with a list of
 * strings under `key` ("events": Tarsier `extract_events`; "objects": CaReBench `extract_objects`).
 * The official check only looks at the first element; here every element must be a string. An empty
 * list is valid (nothing to extract). More than `maxItems` (the prompt's "at most 10") is kept, as
 * the official code keeps it, with a diagnostic.
 */
export function parseExtractedList(reply: string, key: 'events' | 'objects', maxItems = 10): JudgeReplyResult<string[]> {
  const answer = withReasoningStripped(reply);
  if (!answer.ok) return answer;
  const diagnostics = [...answer.diagnostics];
  if (answer.value === '') return fail('empty reply', diagnostics);
  const dict = parseDictLiteral(stripOfficialFences(answer.value));
  if (!dict.ok) return fail(dict.reason, diagnostics);
  diagnostics.push(...dict.diagnostics);
  const list = dict.value[key];
  if (!Array.isArray(list)) return fail(`the reply has no "${key}" list`, diagnostics);
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) {
    if (typeof list[i] !== 'string') return fail(`${key}[${i}] is not a string`, diagnostics);
    out.push((list[i] as string).trim());
  }
  if (out.length > maxItems) diagnostics.push(`${out.length} ${key} (the prompt asks for at most ${maxItems}); all kept, as the official code does`);
  return { ok: true, value: out, diagnostics };
}

/**
 * Reads a VDC answer reply (`gener_pred_response`: "a short sentence or phrase"): the text after any
 * reasoning block, trimmed. An empty answer is a failed reply.
 */
export function parseFreeTextAnswer(reply: string): JudgeReplyResult<string> {
  const answer = withReasoningStripped(reply);
  if (!answer.ok) return answer;
  if (answer.value === '') return fail('empty answer', answer.diagnostics);
  return answer;
}

function numberField(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  // The official code applies float() to the value, so a numeric string counts.
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return null;
}

export interface VdcVerdict {
  /** "yes" when the predicted answer matches the correct one. */
  pred: 'yes' | 'no';
  /** 0–5 (the prompt asks for an integer; its own example is 4.8, and the official code takes float()). */
  score: number;
}

/**
 * Reads a VDC scoring reply (`gener_pred_score`): a dict with `pred` ("yes" | "no") and `score` in
 * [0, 5]. Differs from the official script deliberately: `pred` is compared after trim + lower-case
 * (the official `qa['pred'] == 'yes'` silently counts "Yes" as wrong), and a reply that does not
 * parse is a failure to retry, not a crash (lmms-eval) or a dropped clip (process_vdc_result.py).
 */
export function parseVdcVerdict(reply: string): JudgeReplyResult<VdcVerdict> {
  const answer = withReasoningStripped(reply);
  if (!answer.ok) return answer;
  const diagnostics = [...answer.diagnostics];
  if (answer.value === '') return fail('empty reply', diagnostics);
  const dict = parseDictLiteral(stripOfficialFences(answer.value));
  if (!dict.ok) return fail(dict.reason, diagnostics);
  diagnostics.push(...dict.diagnostics);
  const rawPred = dict.value.pred;
  if (typeof rawPred !== 'string') return fail('no "pred" string in the reply', diagnostics);
  const pred = rawPred.trim().toLowerCase();
  if (pred !== 'yes' && pred !== 'no') return fail(`"pred" is "${excerpt(rawPred, 40)}", expected "yes" or "no"`, diagnostics);
  if (rawPred !== pred) diagnostics.push(`"pred" normalised from "${rawPred}"`);
  const score = numberField(dict.value.score);
  if (score === null) return fail('no numeric "score" in the reply', diagnostics);
  if (score < 0 || score > 5) return fail(`"score" ${score} is outside [0, 5]`, diagnostics);
  return { ok: true, value: { pred, score }, diagnostics };
}

/**
 * Reads a CNscore reply (paper Figs. 11–12: "Only provide the Python dictionary string", e.g.
 * `{"score": 5}`): the `score` of a JSON / Python dict, in [0, 10] (Eq. 7's range; the prompts ask
 * for 1–10, 0 is unambiguous). Out-of-range values are rejected, not clamped; prose is not read.
 */
export function parseScoreReply(reply: string, max = 10): JudgeReplyResult<number> {
  const answer = withReasoningStripped(reply);
  if (!answer.ok) return answer;
  const diagnostics = [...answer.diagnostics];
  if (answer.value === '') return fail('empty reply', diagnostics);
  const dict = parseDictLiteral(stripOfficialFences(answer.value));
  if (!dict.ok) return fail(dict.reason, diagnostics);
  diagnostics.push(...dict.diagnostics);
  const score = numberField(dict.value.score);
  if (score === null) return fail('no numeric "score" in the reply', diagnostics);
  if (score < 0 || score > max) return fail(`score ${score} is outside [0, ${max}]; rejected`, diagnostics);
  return { ok: true, value: score, diagnostics };
}
