/**
 * Completeness-naturalness score, CNscore (paper §3.2.3, Eq. 7):
 *
 *   CNscore = (Completeness_score + Naturalness_score) / 20,  each score ∈ [0, 10]
 *
 * judged by an LLM (Qwen2.5-72B in the paper) with the prompts of Appendix E, Figures 11 and 12,
 * reproduced below verbatim (the PDF's line wraps joined into paragraphs). The templates keep the
 * paper's Python `str.format` escapes (`{{"score": 5}}`); `renderPromptTemplate` resolves them
 * exactly as `template.format(think=…, caption=…)` would.
 */
import type { ThinkSubject } from './types';
import { formatStructuredThink } from './think';
import { parseScoreReply } from './judge-reply';

export const CN_PROMPT_VERSION = 'cnscore-paper-v1';

/** Figure 11: "Prompt Template for Completeness Score" (placeholders {think}, {caption}). */
export const COMPLETENESS_PROMPT_TEMPLATE = `Please play the role of a professional video description model evaluation expert. You will be given a video description output by the model, along with the subjects, their attributes, and actions that appear in the video. You will need to rate the completeness and fluency of the video description output by the model on a scale of 1 to 10.

Video description completeness and fluency rating criteria (1-10 points)

9-10 points: The description is very complete and fluent, with all subjects (people/animals/objects, etc.) mentioned in the video. The key attributes of the subjects (such as color, size, posture, etc.) are basically covered, and the main actions or interactions of the subjects are accurately described without obvious omissions of important content. The language is clear and logical.

7-8 points: The description is relatively complete but slightly missing. Most of the subjects are mentioned, but some minor subjects may be omitted. The main actions of the subjects are described, but some detailed actions or attributes may be missing; The overall meaning is clear, but there are some vague or incomplete points. Language expression may have flaws or repetitions, but overall it does not affect understanding.

5-6 points: The description is average, with obvious omissions or unclear descriptions of one or more main subjects. The actions or interactions of the subjects are incomplete or inaccurate, and the description is ambiguous or vague, which affects understanding.

3-4 points: The description is severely lacking, only mentioning a small part of the content in the video. The main body and actions are highly summarized or incorrect, and the description cannot help understand the main content of the video.

1-2 points: Almost no descriptive information, description content that is almost unrelated to the video, or completely incorrect, unable to identify the subject, action, or context;

Video elements
[{think}]

Video description
[{caption}]

Output Format
DO NOT PROVIDE ANY OTHER OUTPUT TEXT OR EXPLANATION. Only provide the Python dictionary string.
For example, your response should look like this: {{"score": 5}}.`;

/** Figure 12: "Prompt Template for Naturalness Score" (placeholder {caption}). */
export const NATURALNESS_PROMPT_TEMPLATE = `Requirement
Please play the role of a professional video description model evaluation expert. Please rate the naturalness of the language described in each video based on the following criteria and your own intuitive experience. The rating range is from 1 to 10 points, with higher scores indicating more natural and fluent language.

9-10 points: Extremely natural, logical description, fluent and barrier free language expression, appropriate word choice, natural sentence structure, close to or equivalent to human daily oral or written expression.

7-8 points: relatively natural, overall clear expression, basic logical flow, with a few words or sentence structures that are slightly unnatural, but do not affect understanding.

5-6 points: Generally, there is a certain degree of stiffness in the language, and during the reading process, one can feel that it is not written by humans.

3-4 points: unnatural, with multiple awkward sentences, inappropriate wording, or unclear logic.

1-2 points: Extremely unnatural, clearly perceived as machine language, lacking the fluency and coherence of human language.

Example
An example with 9 points: "The video shows a person standing in a doorway, possibly in a house. The person opens the door and steps outside, looking out for a moment before closing the door. The setting appears to be a small, cozy entryway with a doormat in front of the door. The person is wearing a white shirt and is seen moving in and out of the doorway, indicating that they are likely entering or exiting the house. The lighting is warm, suggesting that the video might have been taken in a dimly lit environment, possibly in the evening or at night."

An example with 1 points: "#Subject 1: Person [wearing a sweater], [open the door, step outside, close the door]"

Video Description
[{caption}]

Output Format
DO NOT PROVIDE ANY OTHER OUTPUT TEXT OR EXPLANATION. Only provide the Python dictionary string.
For example, your response should look like this: {{"score": 5}}.`;

/** Markers the lexical judge uses to recognise and read the two prompts. */
export const CN_PROMPT_MARKERS = {
  completenessHead: 'Please play the role of a professional video description model evaluation expert. You will be given',
  naturalnessHead: 'Requirement\nPlease play the role of a professional video description model evaluation expert.',
  thinkStart: '\nVideo elements\n[',
  thinkEnd: ']\n\nVideo description\n[',
  completenessCaptionEnd: ']\n\nOutput Format\n',
  naturalnessCaptionStart: '\nVideo Description\n[',
} as const;

/**
 * Python `str.format` for these templates: `{name}` → value, `{{` → `{`, `}}` → `}`, one pass, so
 * braces inside the substituted values are left alone. Unknown fields throw.
 */
export function renderPromptTemplate(template: string, values: Record<string, string>): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch === '{' && template[i + 1] === '{') {
      out += '{';
      i++;
    } else if (ch === '}' && template[i + 1] === '}') {
      out += '}';
      i++;
    } else if (ch === '{') {
      const close = template.indexOf('}', i);
      const name = template.slice(i + 1, close);
      if (close < 0 || !(name in values)) throw new Error(`template field {${name}} has no value`);
      out += values[name];
      i = close;
    } else {
      out += ch;
    }
  }
  return out;
}

/**
 * Figure 11 prompt. `{think}` is the completion's parsed structured think written back in the
 * Fig. 13 format (one "#Subject N:" line per subject), `{caption}` its answer.
 */
export function buildCompletenessPrompt(think: readonly ThinkSubject[], caption: string): string {
  return renderPromptTemplate(COMPLETENESS_PROMPT_TEMPLATE, { think: formatStructuredThink(think), caption });
}

/** Figure 12 prompt for the completion's answer. */
export function buildNaturalnessPrompt(caption: string): string {
  return renderPromptTemplate(NATURALNESS_PROMPT_TEMPLATE, { caption });
}

export interface JudgeScore {
  /** The score in [0, 10], or null when the reply is not a valid rating. */
  score: number | null;
  /** Why the reply was rejected, or notes (reasoning block removed, Python dict literal). */
  diagnostics: string[];
}

/**
 * Reads a 0–10 rating with the one strict parser (core/judge-reply.ts `parseScoreReply`): the
 * `score` of the JSON / Python dict the prompts ask for (`{"score": 7}`, `{'score': 7}`), after any
 * reasoning block. Prose ("7/10", "I'd say 7") is not read: it is a failed reply to retry.
 * Values outside [0, 10] are rejected rather than clamped.
 */
export function parseJudgeScore(reply: string): JudgeScore {
  const r = parseScoreReply(reply, 10);
  return r.ok ? { score: r.value, diagnostics: r.diagnostics } : { score: null, diagnostics: [...r.diagnostics, r.reason] };
}

/** Eq. 7: (completeness + naturalness) / 20, in [0, 1] for scores in [0, 10]. */
export function cnScore(completeness: number, naturalness: number): number {
  return (completeness + naturalness) / 20;
}
