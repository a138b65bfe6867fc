/**
 * Format reward (paper §3.2.1, "We employ format reward as Deepseek-R1"): 1 when the completion
 * is one <think>…</think> followed by one <answer>…</answer>, else 0.
 *
 * Compared with ms-swift's `Format` ORM (swift/rewards/orm.py,
 * `^<think>.*?</think>\s*<answer>.*?</answer>(?![\s\S])` with DOTALL), this check
 *  - also accepts whitespace before <think> and after </answer> (chat templates add newlines), and
 *  - rejects a second <think> / <answer> tag anywhere (the lazy `.*?` of the regex lets
 *    "<think>a</think><think>b</think><answer>c</answer>" through), so "exactly one" holds.
 * Tags are case-sensitive and literal, as in ms-swift. Linear time, no regex backtracking.
 *
 * Chat templates that prefill `<think>` (Qwen3 / DeepSeek-R1 style templates end the prompt with
 * "<think>\n", so the completion TRL or ms-swift passes to a reward function starts inside the
 * think) are an option, `prefilledThink`: a completion without an opening `<think>` is then read as if
 * the template's `<think>` preceded it, and scores 1 when the rest is right. A completion that does
 * write its own `<think>` is checked as it is. The default (false) is the paper's rule.
 */

export type FormatFailure =
  | 'missing <think> at start'
  | 'missing </think>'
  | 'missing <answer> after </think>'
  | 'missing </answer>'
  | 'text after </answer>'
  | 'repeated tag';

export interface FormatCheck {
  ok: boolean;
  /** Why the format reward is 0 (null when it is 1). */
  failure: FormatFailure | null;
}

const TAGS = ['<think>', '</think>', '<answer>', '</answer>'] as const;

function countOccurrences(text: string, needle: string): number {
  let count = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) count++;
  return count;
}

export interface FormatOptions {
  /** The chat template prefilled `<think>`: a completion may start inside the think (default false). */
  prefilledThink?: boolean;
}

/** Checks the DeepSeek-R1 / ms-swift think-answer format and says what is wrong. */
export function checkFormat(completion: string, options: FormatOptions = {}): FormatCheck {
  const fail = (failure: FormatFailure): FormatCheck => ({ ok: false, failure });
  const trimmed = completion.trim();
  const text = options.prefilledThink && !trimmed.startsWith('<think>') ? `<think>${completion.trimEnd()}` : trimmed;
  if (!text.startsWith('<think>')) return fail('missing <think> at start');
  const thinkClose = text.indexOf('</think>', '<think>'.length);
  if (thinkClose < 0) return fail('missing </think>');
  let i = thinkClose + '</think>'.length;
  while (i < text.length && /\s/.test(text[i])) i++;
  if (!text.startsWith('<answer>', i)) return fail('missing <answer> after </think>');
  if (!text.endsWith('</answer>')) {
    return fail(text.indexOf('</answer>', i) >= 0 ? 'text after </answer>' : 'missing </answer>');
  }
  for (const tag of TAGS) if (countOccurrences(text, tag) !== 1) return fail('repeated tag');
  return { ok: true, failure: null };
}

/** Format_score of the paper's reward (§3.3): 1 for a well-formed think-answer completion, else 0. */
export function formatReward(completion: string, options: FormatOptions = {}): 0 | 1 {
  return checkFormat(completion, options).ok ? 1 : 0;
}
