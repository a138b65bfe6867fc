/**
 * How an evaluation ended, from its per-clip records: how many clips were scored and failed, the most
 * common failure, and whether the run as a whole failed. Pure; shared by the runner's eval jobs
 * (gpu-runner/eval/job.ts) and `videocap eval --server` (gpu-runner/cli/eval.ts), so a browser-launched
 * and a CLI-stored evaluation end the same way.
 *
 * Rule: an evaluation in which no clip was scored (every clip failed, or no clip had a caption) has no
 * number to report and ends **failed**, its reason naming the most common per-clip error and how many
 * clips it hit. Otherwise it **succeeds**; when some clips failed, its status message says how many and
 * why (failed clips are excluded from the means, never scored 0).
 */

/** The part of an EvalSampleRecord (or a stored EvalSample) the outcome needs. */
export interface OutcomeSample {
  failed: boolean;
  /** The clip's failure reason; null / absent when unknown (e.g. older stored samples). */
  failureReason?: string | null;
}

export interface EvalOutcome {
  /** Clips with a record (scored + failed). */
  clips: number;
  scored: number;
  failed: number;
  /** The most frequent failure reason (exact text, at most 500 characters) and how many clips had it; null without a known reason. */
  topFailure: { reason: string; clips: number } | null;
  /** True when the run must end failed (no clip scored). */
  runFailed: boolean;
  /**
   * One line for the run's transition reason: the failure reason when `runFailed`, else "finished"
   * (no failed clip) or "finished; F of N clips failed — most common error (K clips): …".
   */
  message: string;
}

const MAX_REASON = 500;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The outcome of an evaluation. `samples`: one per evaluated clip (every benchmark); `missingClips`:
 * clips without a caption (not evaluated), named in the message when nothing was evaluated at all.
 * Ties between failure reasons go to the one met first.
 */
export function evalOutcome(samples: readonly OutcomeSample[], missingClips = 0): EvalOutcome {
  const failed = samples.filter((s) => s.failed);
  const scored = samples.length - failed.length;
  const counts = new Map<string, number>();
  for (const s of failed) {
    const reason = s.failureReason?.trim();
    if (reason) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  let topFailure: EvalOutcome['topFailure'] = null;
  for (const [reason, clips] of counts) if (!topFailure || clips > topFailure.clips) topFailure = { reason, clips };
  if (topFailure && topFailure.reason.length > MAX_REASON) topFailure = { ...topFailure, reason: `${topFailure.reason.slice(0, MAX_REASON - 1)}…` };
  const why = topFailure ? ` — most common error (${topFailure.clips} of ${failed.length} failed clips): ${topFailure.reason}` : '';
  let message: string;
  if (scored > 0) {
    message = failed.length === 0 ? 'finished' : `finished; ${failed.length} of ${plural(samples.length, 'clip')} failed (excluded from the means)${why}`;
  } else if (samples.length > 0) {
    message = `no clip was scored: all ${plural(samples.length, 'clip')} failed${why}`;
  } else {
    message = `no clip was scored: no clip had a caption${missingClips > 0 ? ` (${plural(missingClips, 'clip')} without one)` : ''}`;
  }
  return { clips: samples.length, scored, failed: failed.length, topFailure, runFailed: scored === 0, message };
}
