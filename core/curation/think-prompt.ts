/**
 * Structured-think annotation with an LLM (paper Appendix C, "Structured Thinking Annotation";
 * prompt of Fig. 5, sent to Qwen2.5-72B in the paper): the prompt and the strict reader of its
 * reply. Pure: no I/O (the runner sends the prompt through the judge provider and retries).
 *
 * The template is Fig. 5 as printed, with the extraction artefacts of the PDF text mended
 * ("attributel" → "attribute1", the stray `"""` line dropped, the example's braces balanced) and
 * the braces escaped for Python `str.format` as the figure shows (`{{`), rendered with
 * `renderPromptTemplate`.
 */
import JSON5 from 'json5';
import { stripOfficialFences, stripReasoningBlock } from '../judge-reply';
import { z } from 'zod';
import { renderPromptTemplate } from '../cnscore';
import type { ThinkSubject } from '../types';

export const STRUCTURED_THINK_PROMPT_VERSION = 'videocap-r1-fig5-v1';

export const STRUCTURED_THINK_TEMPLATE = `Below is a caption of a video: [{caption}]
Extract the main subjects and their corresponding attributes and actions in sequence from the above video description.

Requirements:
- "Action" is a verb or phrase.
- All verbs should be in their base form.
- Subject is a single noun that refers to a person or an object.
- Attributes of all subjects cannot be a verb or verb phrase.
- Attributes can be clothes, shoes, hairstyle, belongings for person.
- The main subjects must be clearly defined individuals.
- Each main subject must include at least one action.
- Do not repeat actions.
- Each action must be atomic, meaning it cannot be further divided into multiple actions.
- Changes in subjects due to scene transitions and camera movements are not considered actions.
- Extract the main subjects and their corresponding key actions from the video description, ensuring that each action is listed in order.

Please generate the response in the form of a Python List. DO NOT PROVIDE ANY OTHER OUTPUT TEXT OR EXPLANATION. Only provide the Python List.

For example, your response should look like this:
[ {{ "subject": "subject 1", "attributes": ["attribute1", "attribute2", ...], "actions": [ "action1", "action2", ... ] }}, {{ "subject": "subject 2", "attributes": ["attribute1", "attribute2", ...], "actions": [ "action1", "action2", ... ] }} ]

Example:
caption: [In a green field under a clear blue sky, a woman with long hair, wearing a red dress, lifts a smiling child dressed in red and gray above her head. She repeatedly throws the child up and catches her, while the child laughs and enjoys the moment. The woman continues to lift the child high into the air and then brings her back down, repeating this action several times. The child appears joyful and engaged throughout the activity, and the woman maintains a gentle and playful demeanor.]
output:[{{"subject": "Woman", "attributes": ["long hair", "wearing a red dress", "gentle and playful demeanor"], "actions": ["lift a child", "throw up a child", "catch a child", "bring a child back down"]}}, {{"subject": "Child", "attributes": ["dressed in red and gray"], "actions": ["smile"]}}]`;

/** The Fig. 5 prompt for one caption. */
export function buildStructuredThinkPrompt(caption: string): string {
  return renderPromptTemplate(STRUCTURED_THINK_TEMPLATE, { caption: caption.trim() });
}

export type StructuredThinkReply = { ok: true; subjects: ThinkSubject[]; diagnostics: string[] } | { ok: false; reason: string; diagnostics: string[] };

const subjectSchema = z
  .object({
    subject: z.string({ error: '"subject" must be a string' }).trim().min(1, '"subject" must not be empty'),
    attributes: z.array(z.string({ error: 'each attribute must be a string' }), { error: '"attributes" must be a list of strings' }).default([]),
    actions: z.array(z.string({ error: 'each action must be a string' }), { error: '"actions" must be a list of strings' }),
  })
  .loose();

function excerpt(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/**
 * Reads a reply to the Fig. 5 prompt. Accepted: the Python list alone — JSON, or a Python literal
 * with single quotes (read with json5) — after removing a reasoning block (`…</think>`), a ```python /
 * ```json fence and an `output:` prefix (the form of the prompt's own example). Prose around the
 * list, a non-list, or a subject that is not {subject, attributes, actions} with string items is a
 * failure with the reason (the caller asks again, bounded). Within a valid list: items are trimmed,
 * empty and repeated actions dropped, subjects without an action dropped (Fig. 5: "Each main subject
 * must include at least one action") — each noted in `diagnostics`; no subject left is a failure.
 */
export function parseStructuredThinkReply(reply: string): StructuredThinkReply {
  const diagnostics: string[] = [];
  // The same first steps as every judge reply (core/judge-reply.ts): the reasoning block, then fences.
  const answer = stripReasoningBlock(reply);
  if (!answer.ok) return { ok: false, reason: answer.reason, diagnostics };
  if (answer.stripped) diagnostics.push('reasoning block removed');
  let text = answer.text.trim();
  const unfenced = stripOfficialFences(text);
  if (unfenced !== text) {
    text = unfenced;
    diagnostics.push('code fence removed');
  }
  const prefix = /^output\s*:\s*/i.exec(text);
  if (prefix) {
    text = text.slice(prefix[0].length);
    diagnostics.push('"output:" prefix removed');
  }
  if (text.length === 0) return { ok: false, reason: 'empty reply', diagnostics };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    try {
      value = JSON5.parse(text);
      diagnostics.push('read as a Python literal');
    } catch (e) {
      return { ok: false, reason: `not a Python list: ${e instanceof Error ? e.message : String(e)} in "${excerpt(text)}"`, diagnostics };
    }
  }
  if (!Array.isArray(value)) return { ok: false, reason: `expected a list of subjects, got ${value === null ? 'null' : typeof value}`, diagnostics };
  if (value.length === 0) return { ok: false, reason: 'the list has no subject', diagnostics };
  const subjects: ThinkSubject[] = [];
  for (let i = 0; i < value.length; i++) {
    const parsed = subjectSchema.safeParse(value[i]);
    if (!parsed.success) {
      return { ok: false, reason: `subject ${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join('.') || '(item)'}: ${x.message}`).join('; ')}`, diagnostics };
    }
    const s = parsed.data;
    const extra = Object.keys(s).filter((k) => k !== 'subject' && k !== 'attributes' && k !== 'actions');
    if (extra.length) diagnostics.push(`subject ${i + 1}: extra keys ignored (${extra.join(', ')})`);
    const attributes = s.attributes.map((a) => a.trim()).filter((a) => a.length > 0);
    const actions: string[] = [];
    for (const a of s.actions.map((x) => x.trim())) {
      if (a.length === 0) continue;
      if (actions.includes(a)) {
        diagnostics.push(`subject ${i + 1}: repeated action "${a}" dropped`);
        continue;
      }
      actions.push(a);
    }
    if (actions.length === 0) {
      diagnostics.push(`subject ${i + 1} ("${s.subject}"): no action, dropped`);
      continue;
    }
    subjects.push({ subject: s.subject, attributes, actions });
  }
  if (subjects.length === 0) return { ok: false, reason: 'no subject has an action', diagnostics };
  return { ok: true, subjects, diagnostics };
}
