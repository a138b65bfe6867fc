/**
 * ms-swift's output files (pinned: ms-swift 4.5.2), read by the swift backend while it runs and by the importer.
 *
 * logging.jsonl — one JSON object per `Trainer.log` call (swift/trainers/patcher.py `add_train_message`, via
 *   append_to_jsonl): the trainer's values (`loss`, `grad_norm`, `learning_rate`, GRPO's averaged `_metrics`:
 *   `reward`, `reward_std`, `rewards/<Class>/mean|std`, `completions/mean_length`, `kl`, `clip_ratio/...`,
 *   `frac_reward_zero_std`, …; `epoch`) plus `global_step/max_steps` ("N/M"), `elapsed_time`, `remaining_time`
 *   (formatted strings), `memory(GiB)`, `train_speed(s/it)` (3.x also `percentage`; older releases wrote
 *   `train_speed(iter/s)`). The end of training adds the Trainer's summary (`train_runtime`,
 *   `train_samples_per_second`, `train_steps_per_second`, `total_flos`, `train_loss`) and then the pipeline's
 *   `train_msg` (swift/pipelines/train/sft.py `_save_trainer_state`: `last_model_checkpoint`,
 *   `best_model_checkpoint`, `best_metric`, `global_step`, `log_history`, `memory`, `model_parameter_info`, …).
 *
 * completions.jsonl — with `--log_completions true`, one line per log call, column-oriented
 *   (swift/rlhf_trainers/grpo_trainer.py `log`): `{"step": ["5", …] (strings), "prompt": [...], "completion": [...],
 *   "<RewardClass>": [...] per reward function, "advantages": [...], "solution": [...] when the dataset has it,
 *   …}`. The columns come from deques of length `generation_batch_size` that are not cleared after logging, so
 *   a completion appears again in later lines until newer generations push it out.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { mapMetricRecord, rewardComponentOfFunction } from '../../core/metric-map';
import type { RewardComponent } from '../../core/types';

export const objectLineSchema = z.record(z.string(), z.unknown());
export type ObjectLine = z.infer<typeof objectLineSchema>;

export type LoggingLine =
  | {
      kind: 'metrics';
      step: number;
      /** The trainer's planned steps ("N/M"), null when the line does not say. */
      maxSteps: number | null;
      /** Seconds since the launch started (`elapsed_time`), null when absent or unreadable. */
      elapsedSeconds: number | null;
      metrics: { key: string; value: number }[];
      eval: boolean;
    }
  | { kind: 'summary'; step: number | null; values: Record<string, number | string> }
  | { kind: 'final'; values: Record<string, number | string> }
  | { kind: 'other'; reason: string };

const STEP_RE = /^\s*(\d+)\s*\/\s*(\d+)\s*$/;

/**
 * The fields that carry the step of a logging.jsonl line, by ms-swift backend: the transformers Trainer writes
 * `"global_step/max_steps": "N/M"` (swift/trainers/patcher.py), the Megatron backend writes `"iteration": "N/M"`
 * (swift/megatron/trainers: its training_log). A bare integer `global_step` / `step` / `iteration` is read too.
 */
export const STEP_FIELDS = ['global_step/max_steps', 'iteration', 'global_step', 'step'] as const;

/** Top-level numbers and short strings; nested values (log_history, dataset stats) are left out. */
function scalarValues(line: ObjectLine, skip: Set<string>): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(line)) {
    if (skip.has(k)) continue;
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
    else if (typeof v === 'string' && v.length <= 500) out[k] = v;
  }
  return out;
}

/** "N/M" (or a bare integer N) → step N of M. */
export function parseStepField(value: unknown): { step: number; maxSteps: number | null } | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? { step: value, maxSteps: null } : null;
  if (typeof value !== 'string') return null;
  const m = STEP_RE.exec(value);
  if (m) return { step: Number(m[1]), maxSteps: Number(m[2]) };
  return /^\s*\d+\s*$/.test(value) ? { step: Number(value), maxSteps: null } : null;
}

function stepOfLine(line: ObjectLine): { step: number; maxSteps: number | null; field: string } | null {
  for (const field of STEP_FIELDS) {
    if (!(field in line)) continue;
    const p = parseStepField(line[field]);
    if (p) return { ...p, field };
  }
  return null;
}

const UNIT_SECONDS: Record<string, number> = { d: 86_400, h: 3600, m: 60, s: 1 };

/**
 * A trainer's elapsed-time text in seconds: ms-swift's `format_time` ("41s", "1m 22s", "1h 0m 5s", "2d 3h 0m 1s"),
 * clock forms ("1:02:03", "02:03", Python's timedelta "1 day, 2:03:04"), or a bare number of seconds.
 * Null when the text is none of these.
 */
export function parseElapsedSeconds(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim().toLowerCase();
  if (text === '') return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const units = /^(?:(\d+(?:\.\d+)?)\s*([dhms])\s*)+$/.exec(text);
  if (units) {
    let total = 0;
    for (const m of text.matchAll(/(\d+(?:\.\d+)?)\s*([dhms])/g)) total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
    return total;
  }
  const clock = /^(?:(\d+)\s*days?,\s*)?(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(text);
  if (clock) return Number(clock[1] ?? 0) * 86_400 + Number(clock[2] ?? 0) * 3600 + Number(clock[3]) * 60 + Number(clock[4]);
  return null;
}

export function classifyLoggingLine(line: ObjectLine): LoggingLine {
  const stepInfo = stepOfLine(line);
  if ('train_runtime' in line) {
    return { kind: 'summary', step: stepInfo?.step ?? null, values: scalarValues(line, new Set(STEP_FIELDS)) };
  }
  if ('last_model_checkpoint' in line || 'log_history' in line) {
    return { kind: 'final', values: scalarValues(line, new Set(['log_history'])) };
  }
  if (!stepInfo) {
    const present = STEP_FIELDS.filter((f) => f in line);
    return {
      kind: 'other',
      reason: present.length
        ? `unreadable step: ${present.map((f) => `"${f}": ${JSON.stringify(line[f])}`).join(', ')} (expected "N/M" or an integer)`
        : `no step field (looked for ${STEP_FIELDS.map((f) => `"${f}"`).join(', ')})`,
    };
  }
  const isEval = Object.keys(line).some((k) => k.startsWith('eval_'));
  const metrics = mapMetricRecord(line)
    .filter((m) => m.sourceKey !== stepInfo.field)
    .map(({ key, value }) => ({ key, value }));
  return { kind: 'metrics', step: stepInfo.step, maxSteps: stepInfo.maxSteps, elapsedSeconds: parseElapsedSeconds(line['elapsed_time']), metrics, eval: isEval };
}

const column = z.array(z.unknown());
export const completionsLineSchema = z
  .object({
    step: z.array(z.union([z.string().regex(/^\d+$/, 'step must be an integer'), z.number().int().min(0)])),
    completion: z.array(z.string()),
    prompt: z.array(z.unknown()).optional(),
    advantages: z.array(z.number().nullable()).optional(),
    solution: z.array(z.unknown()).optional(),
  })
  .catchall(column)
  .superRefine((line, ctx) => {
    const n = line.completion.length;
    for (const [k, v] of Object.entries(line)) {
      if (Array.isArray(v) && v.length !== n) {
        ctx.addIssue({ code: 'custom', path: [k], message: `column has ${v.length} values, completion has ${n}` });
      }
    }
  });
export type CompletionsLine = z.infer<typeof completionsLineSchema>;

/** Columns of completions.jsonl that are not reward functions. */
const NON_REWARD_COLUMNS = new Set(['step', 'prompt', 'completion', 'advantages', 'advantage', 'solution', 'num_turns', 'entropy', 'image', 'clip_id']);

export interface LoggedCompletion {
  step: number;
  /** Position in the line (the generation batch order: G consecutive completions per prompt). */
  index: number;
  prompt: string;
  completion: string;
  solution: string | null;
  /** Unweighted value per reward function (by the column name, i.e. the reward class name). */
  rewardsByFunction: Record<string, number | null>;
  advantage: number | null;
}

function promptText(p: unknown): string {
  if (typeof p === 'string') return p;
  return p === undefined || p === null ? '' : JSON.stringify(p);
}

export function completionsLineRows(line: CompletionsLine): LoggedCompletion[] {
  const rewardColumns = Object.keys(line).filter((k) => !NON_REWARD_COLUMNS.has(k) && Array.isArray(line[k]));
  return line.completion.map((completion, index) => {
    const rewardsByFunction: Record<string, number | null> = {};
    for (const k of rewardColumns) {
      const v = (line[k] as unknown[])[index];
      if (typeof v === 'number' && Number.isFinite(v)) rewardsByFunction[k] = v;
      else if (v === null) rewardsByFunction[k] = null;
    }
    const sol = line.solution?.[index];
    const adv = line.advantages?.[index];
    return {
      step: Number(line.step[index]),
      index,
      prompt: promptText(line.prompt?.[index]),
      completion,
      solution: typeof sol === 'string' ? sol : null,
      rewardsByFunction,
      advantage: typeof adv === 'number' ? adv : null,
    };
  });
}

/** Per-function values → reward components (functions that are not ours are left out). */
export function componentsOf(rewardsByFunction: Record<string, number | null>): Partial<Record<RewardComponent, number>> {
  const out: Partial<Record<RewardComponent, number>> = {};
  for (const [name, v] of Object.entries(rewardsByFunction)) {
    const c = rewardComponentOfFunction(name);
    if (c && typeof v === 'number' && out[c] === undefined) out[c] = v;
  }
  return out;
}

/**
 * Weighted sum of the per-function values with ms-swift's nansum semantics (missing values count 0).
 * `weightOf` gets the function (column) name; unknown functions weigh 1.
 */
export function weightedReward(rewardsByFunction: Record<string, number | null>, weightOf: (name: string) => number | undefined): number {
  let sum = 0;
  for (const [name, v] of Object.entries(rewardsByFunction)) {
    if (typeof v !== 'number') continue;
    sum += v * (weightOf(name) ?? 1);
  }
  return sum;
}

/** Weights by reward component from a list of function names and weights (ms-swift's args.json, our config). */
export function componentWeights(names: readonly string[], weights: readonly number[] | null | undefined): Map<RewardComponent, number> {
  const out = new Map<RewardComponent, number>();
  names.forEach((name, i) => {
    const c = rewardComponentOfFunction(name);
    if (c) out.set(c, weights?.[i] ?? 1);
  });
  return out;
}

/**
 * Whether logged advantages agree with groups of G consecutive completions: ms-swift and TRL subtract the group
 * mean before any scaling, so each group's advantages sum to 0. A cross-check only (an all-zero column fits any
 * G): null when some advantage is missing, else the first group that does not sum to 0 (or -1 when all do).
 */
export function firstGroupWithNonZeroAdvantageSum(advantages: readonly (number | null)[], G: number): number | null {
  if (advantages.length === 0 || advantages.some((a) => a === null)) return null;
  const adv = advantages as number[];
  const scale = Math.max(1e-9, ...adv.map((a) => Math.abs(a)));
  for (let start = 0; start + G <= adv.length; start += G) {
    let sum = 0;
    for (let i = start; i < start + G; i++) sum += adv[i]!;
    if (Math.abs(sum) > 1e-3 * scale * G) return start / G;
  }
  return -1;
}

/** ms-swift's versioned output subfolder: `v<N>-<YYYYMMDD>-<HHMMSS>` (swift/utils/utils.py add_version_to_work_dir). */
export const VERSION_DIR_RE = /^v(\d+)-(\d{8})-(\d{6})$/;
export const CHECKPOINT_DIR_RE = /^checkpoint-(\d+)$/;

function digest(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/**
 * Decides which rows of a completions.jsonl line are new.
 * - Rows carried over in ms-swift's deques appear again, unchanged, in the next line(s): a row equal to one of
 *   the previous line (same prompt, completion, solution, rewards and advantage; repeated rows counted) is skipped.
 * - Rows the runner's reward service already recorded (`markScored`, same clip and completion, scored at most
 *   `stepWindow` steps before the logged step) are skipped too.
 */
export class LoggedCompletionDedupe {
  private previousLine = new Set<string>();
  private readonly scored = new Map<string, number[]>();
  private readonly scoredOccurrences = new Map<string, number>();

  constructor(private readonly stepWindow = 100) {}

  markScored(step: number, clipId: string, completion: string): void {
    const base = `${clipId}\u0000${digest(completion)}`;
    const occKey = `${step}\u0000${base}`;
    const occ = this.scoredOccurrences.get(occKey) ?? 0;
    this.scoredOccurrences.set(occKey, occ + 1);
    const key = `${base}\u0000${occ}`;
    const steps = this.scored.get(key);
    if (steps) steps.push(step);
    else this.scored.set(key, [step]);
  }

  newRows<T extends LoggedCompletion>(rows: T[], clipIdOf: (row: T) => string): T[] {
    const thisLine = new Set<string>();
    const identityOcc = new Map<string, number>();
    const baseOcc = new Map<string, number>();
    const out: T[] = [];
    for (const row of rows) {
      const identity = digest(JSON.stringify([row.prompt, row.completion, row.solution, row.rewardsByFunction, row.advantage]));
      const io = identityOcc.get(identity) ?? 0;
      identityOcc.set(identity, io + 1);
      const lineKey = `${identity}\u0000${io}`;
      thisLine.add(lineKey);
      if (this.previousLine.has(lineKey)) continue;
      const base = `${clipIdOf(row)}\u0000${digest(row.completion)}`;
      const bo = baseOcc.get(base) ?? 0;
      baseOcc.set(base, bo + 1);
      const steps = this.scored.get(`${base}\u0000${bo}`);
      if (steps?.some((s) => s <= row.step && row.step - s <= this.stepWindow)) continue;
      out.push(row);
    }
    this.previousLine = thisLine;
    return out;
  }
}
