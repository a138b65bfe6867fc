/**
 * Import of a TRL GRPOTrainer output folder (verified in huggingface/trl trl/trainer/grpo_trainer.py `log`):
 * with `log_completions=True` every log call writes
 * `<output_dir>/completions/completions_{global_step:05d}.parquet` from
 * `pd.DataFrame({"step", "prompt", "completion", **rewards (one column per reward function name),
 * **extra (log_extra columns), "advantage"})`. Rows are the generation batch in order: G consecutive completions
 * per prompt (RepeatSampler). TRL records G nowhere readable (GRPOConfig is pickled in training_args.bin): it
 * comes from `--num-generations`, or from the prompt column when prompts differ between groups (./identity.ts).
 * Metrics come from `trainer_state.json` (`log_history`, one entry per log call with its `step`; `max_steps`),
 * at the top level (`save_state`) or in the newest `checkpoint-N/`. Relative time: TRL logs `step_time` (mean
 * seconds per training step over the logging interval, grpo_trainer.py `training_step`), summed over the steps.
 */
import { join } from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { z } from 'zod';
import { mapMetricRecord } from '../../core/metric-map';
import type { MetricPoint } from '../../core/types';
import { isFile, listDir, mtimeMs, numberedDirs, readText, wallTimesFromElapsed, type ImportOptions, type ImportSink } from './common';
import { assignPositionalGroups, checkGroupBlocks, groupKey, resolveGroupSize, type PromptIdentity } from './identity';
import { describeZodError, parseJsonLine } from './jsonl';
import { shortHash, withAdvantages, type ForeignRollout } from './rollouts';
import { CHECKPOINT_DIR_RE, componentsOf, firstGroupWithNonZeroAdvantageSum, weightedReward } from './swift-format';

export const TRL_COMPLETIONS_RE = /^completions_(\d+)\.parquet$/;
export const TRL_LOOKED_FOR = "TRL's completions/completions_<step>.parquet or trainer_state.json (top level or in checkpoint-<N>/)";

const trlRowSchema = z
  .object({
    step: z.union([z.bigint(), z.number().int()]).transform((s) => Number(s)),
    prompt: z.unknown(),
    completion: z.string(),
    advantage: z.union([z.number(), z.null()]).optional(),
  })
  .catchall(z.unknown());

const trainerStateSchema = z
  .object({
    global_step: z.number().int().optional(),
    max_steps: z.number().int().optional(),
    log_history: z.array(z.record(z.string(), z.unknown())),
  })
  .loose();

const NON_REWARD = new Set(['step', 'prompt', 'completion', 'advantage', 'clip_id', 'solution', 'image', 'images']);

/** The trainer_state.json to read: the top-level one, else the newest checkpoint's. */
export async function trlTrainerStatePath(dir: string): Promise<string | null> {
  const top = join(dir, 'trainer_state.json');
  if (await isFile(top)) return top;
  const ckpts = await numberedDirs(dir, CHECKPOINT_DIR_RE);
  for (let i = ckpts.length - 1; i >= 0; i--) {
    const p = join(ckpts[i]!.path, 'trainer_state.json');
    if (await isFile(p)) return p;
  }
  return null;
}

async function importTrainerState(dir: string, launch: number, sink: ImportSink): Promise<void> {
  const path = await trlTrainerStatePath(dir);
  if (!path) return;
  const text = await readText(path);
  if (text === null) return;
  const parsed = parseJsonLine(text, trainerStateSchema);
  if (!parsed.ok) {
    sink.error(path, 0, parsed.message);
    return;
  }
  const entries: { step: number; entry: Record<string, unknown> }[] = [];
  parsed.value.log_history.forEach((entry, i) => {
    const step = entry.step;
    if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0) {
      sink.error(path, 0, `log_history[${i}]: no integer "step"`);
      return;
    }
    if ('train_runtime' in entry) return; // the final summary, not a training step
    entries.push({ step, entry });
  });
  // Elapsed seconds at each logged step: step_time (mean seconds per step since the previous log) × steps.
  const elapsedAt = new Map<number, number>();
  let elapsed = 0;
  let prevStep = 0;
  let timed = true;
  for (const { step, entry } of entries) {
    const st = entry.step_time;
    if (typeof st !== 'number' || !Number.isFinite(st)) continue;
    if (step <= prevStep) continue;
    elapsed += st * (step - prevStep);
    prevStep = step;
    elapsedAt.set(step, elapsed);
  }
  if (elapsedAt.size === 0) {
    timed = false;
    sink.warn(`${sink.rel(path)}: the log history has no "step_time" (TRL < 0.20 does not log it): points carry the file's modification time, so the relative-time axis is flat`);
  }
  const walls = wallTimesFromElapsed(
    entries.map(({ step }) => (timed ? (elapsedAt.get(step) ?? null) : null)),
    await mtimeMs(path),
  );
  const points: MetricPoint[] = [];
  entries.forEach(({ step, entry }, i) => {
    for (const m of mapMetricRecord(entry)) points.push({ step, key: m.key, value: m.value, wallTime: walls[i]! });
    sink.progress(step, parsed.value.max_steps ?? null);
  });
  if (parsed.value.global_step !== undefined) sink.progress(parsed.value.global_step, parsed.value.max_steps ?? null);
  sink.addMetrics(launch, points, sink.rel(path));
}

function numericCell(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  return null;
}

interface TrlRow {
  index: number;
  step: number;
  identity: PromptIdentity;
  completion: string;
  advantage: number | null;
  rewardsByFunction: Record<string, number | null>;
}

/** Rows of one completions file in order; an unreadable row stays as null so positions (groups) are kept. */
async function readCompletionFile(path: string, sink: ImportSink): Promise<(TrlRow | null)[]> {
  let objects: Record<string, unknown>[];
  try {
    objects = await parquetReadObjects({ file: await asyncBufferFromFile(path) });
  } catch (err) {
    sink.error(path, 0, `not a readable parquet file (${err instanceof Error ? err.message : String(err)})`);
    return [];
  }
  const rows: (TrlRow | null)[] = [];
  objects.forEach((obj, index) => {
    const r = trlRowSchema.safeParse(obj);
    if (!r.success) {
      sink.error(path, index + 1, `row ${index + 1}: ${describeZodError(r.error)}`);
      rows.push(null);
      return;
    }
    const rewardsByFunction: Record<string, number | null> = {};
    for (const [k, v] of Object.entries(r.data)) {
      if (NON_REWARD.has(k)) continue;
      if (typeof v === 'number' || typeof v === 'bigint' || v === null) rewardsByFunction[k] = numericCell(v);
    }
    rows.push({
      index: rows.length,
      step: r.data.step,
      identity: {
        clipId: typeof r.data.clip_id === 'string' ? r.data.clip_id : null,
        reference: typeof r.data.solution === 'string' ? r.data.solution : null,
        prompt: typeof r.data.prompt === 'string' ? r.data.prompt : JSON.stringify(r.data.prompt ?? ''),
      },
      completion: r.data.completion,
      advantage: r.data.advantage ?? null,
      rewardsByFunction,
    });
  });
  return rows;
}

export async function importTrl(dir: string, sink: ImportSink, options: ImportOptions): Promise<void> {
  const launch = sink.launch('.');
  await importTrainerState(dir, launch, sink);
  const completionsDir = join(dir, 'completions');
  const names = (await listDir(completionsDir))
    .map((name) => ({ name, m: TRL_COMPLETIONS_RE.exec(name) }))
    .filter((x): x is { name: string; m: RegExpExecArray } => x.m !== null)
    .sort((a, b) => Number(a.m[1]) - Number(b.m[1]));
  const files: { path: string; rows: (TrlRow | null)[]; keys: string[] }[] = [];
  for (const f of names) {
    const path = join(completionsDir, f.name);
    const rows = await readCompletionFile(path, sink);
    // An unreadable row takes its neighbour's prompt so the groups around it keep their positions.
    const keys = rows.map((r) => (r ? groupKey(r.identity) : null));
    for (let i = 0; i < keys.length; i++) keys[i] ??= keys[i - 1] ?? keys.slice(i + 1).find((k) => k !== null) ?? '';
    files.push({ path, rows, keys: keys as string[] });
  }
  const count = (f: { rows: (TrlRow | null)[] }) => f.rows.filter((r) => r !== null).length;
  const declared = options.numGenerations !== undefined ? { value: options.numGenerations, source: '--num-generations' } : null;
  const G = resolveGroupSize(declared, files.map((f) => f.keys));
  if (!G.ok) {
    for (const f of files) sink.notImported('rollouts', count(f), G.reason, sink.rel(f.path));
  } else {
    // Each file holds the deque of the last generation batch: a batch logged twice appears in two files.
    const seen = new Set<string>();
    for (const f of files) {
      const where = sink.rel(f.path);
      const contradiction = checkGroupBlocks(f.keys, G.G, G.source);
      if (contradiction) {
        sink.notImported('rollouts', count(f), contradiction, where);
        continue;
      }
      const badGroup = firstGroupWithNonZeroAdvantageSum(f.rows.map((r) => r?.advantage ?? null), G.G);
      if (badGroup !== null && badGroup >= 0) sink.warn(`${where}: the advantages of group ${badGroup} do not sum to 0 with num_generations = ${G.G} (${G.source}): check G`);
      // An unreadable row stands in with its group's identity (the block check passed, so any member's will do).
      if (count(f) === 0) continue;
      const member = (i: number) => f.rows.slice(Math.floor(i / G.G) * G.G, Math.floor(i / G.G) * G.G + G.G).find((r) => r !== null);
      const ids = assignPositionalGroups(
        f.rows.map((r, i) => {
          const m = (r ?? member(i) ?? f.rows.find((x) => x !== null))!;
          return { ...m.identity, step: m.step };
        }),
        G.G,
        'trl',
      );
      if (ids.some((x) => x.clipSource === 'unknown')) {
        sink.warn(`${where}: groups of one step share their prompt and no clip_id or solution column is logged: each such group gets its own clip id (<hash>/s<step>g<group>)`);
      }
      const out: ForeignRollout[] = [];
      let repeated = 0;
      f.rows.forEach((r, i) => {
        if (!r) return;
        const id = ids[i]!;
        const key = `${r.step}\u0000${id.clipId}\u0000${id.groupIndex}\u0000${id.sampleIndex}\u0000${shortHash(r.completion)}\u0000${r.advantage}`;
        if (seen.has(key)) {
          repeated++;
          return;
        }
        seen.add(key);
        out.push({
          step: r.step,
          clipId: id.clipId,
          groupIndex: id.groupIndex,
          sampleIndex: id.sampleIndex,
          completion: r.completion,
          rewards: componentsOf(r.rewardsByFunction),
          reward: weightedReward(r.rewardsByFunction, () => 1),
          advantage: r.advantage,
          breakdown: { source: 'trl completions parquet', rewardsByFunction: r.rewardsByFunction, numGenerations: { value: G.G, source: G.source }, clipIdFrom: id.clipSource },
        });
      });
      sink.notImported('rollouts', repeated, 'repeated: the same generation batch logged again in a later file (imported once)', where);
      sink.addRollouts(launch, withAdvantages(out), where);
    }
  }
  for (const c of await numberedDirs(dir, CHECKPOINT_DIR_RE)) {
    sink.addCheckpoint(launch, { step: c.step, path: c.path, metadata: { source: 'trl', complete: await isFile(join(c.path, 'trainer_state.json')) } });
  }
}
