/**
 * Import of verl rollout dumps (verified in volcengine/verl verl/trainer/ppo/ray_trainer.py `_dump_generations`):
 * with `trainer.rollout_data_dir=<dir>` every step writes `<dir>/{global_steps}.jsonl`, one JSON object per
 * completion: `input` (decoded prompt), `output` (decoded response), `gts` (ground truth), `score` (sum of the
 * token-level scores = the reward), `step`, plus every `reward_extra_info` key of matching length (e.g. per
 * component scores, `request_id`, and `uid` when the reward function passes it on).
 * Identity: a group is a `uid` (verl's own prompt-instance id, the `index` its advantage estimators group by);
 * rows of one group need not be adjacent (`balance_batch` reorders the batch). Without `uid`, the rows of one
 * step with the same clip (a `clip_id` field, else the reference `gts`, else the prompt) form the groups, split
 * into groups of G in order when `--num-generations` is given. G (`actor_rollout_ref.rollout.n`) is not in the
 * dump: `--num-generations` cross-checks the group sizes.
 * Metrics: verl's `file` logger (verl/utils/tracking.py FileLogger) writes `{"step": N, "data": {...}}` lines to
 * `$VERL_FILE_LOGGER_PATH` or `<root>/<project>/<experiment>.jsonl`; such files here or one folder down are read.
 * Relative time: the sum of `timing_s/step` (seconds of each step, metric_utils.py compute_timing_metrics).
 * A resumed verl appends to the same file logger: where the step goes back, the later launch's lines are kept.
 * Rollout dumps are rewritten per step by whichever launch ran it last, so they are taken as they are.
 * Checkpoints: `global_step_N/` folders.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { MAX_STEP } from '../../core/ingest';
import { mapMetricRecord, rewardComponentOfFunction } from '../../core/metric-map';
import type { MetricPoint, RewardComponent } from '../../core/types';
import { isDir, isFile, listDir, mtimeMs, numberedDirs, readText, wallTimesFromElapsed, type ImportOptions, type ImportSink } from './common';
import { assignIdGroups, type PromptIdentity } from './identity';
import { parseJsonLines } from './jsonl';
import { withAdvantages, type ForeignRollout } from './rollouts';

export const VERL_DUMP_RE = /^(\d+)\.jsonl$/;
const GLOBAL_STEP_DIR_RE = /^global_step_(\d+)$/;
export const VERL_LOOKED_FOR = "verl's <step>.jsonl rollout dumps (trainer.rollout_data_dir) or its file logger's {\"step\", \"data\"} JSONL";

const stepSchema = z.number().int().min(0).max(MAX_STEP);

const dumpLineSchema = z
  .object({
    input: z.string(),
    output: z.string(),
    score: z.number().nullable(),
    step: stepSchema.optional(),
    gts: z.unknown().optional(),
    uid: z.union([z.string(), z.number()]).optional(),
  })
  .catchall(z.unknown());

const fileLoggerLineSchema = z.object({ step: stepSchema, data: z.record(z.string(), z.unknown()) });

const NOT_EXTRA = new Set(['input', 'output', 'score', 'step', 'gts', 'uid', 'clip_id']);

async function metricFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const consider = async (folder: string) => {
    for (const name of await listDir(folder)) {
      if (!name.endsWith('.jsonl') || VERL_DUMP_RE.test(name)) continue;
      const path = join(folder, name);
      if (await isFile(path)) out.push(path);
    }
  };
  await consider(dir);
  for (const name of await listDir(dir)) {
    const sub = join(dir, name);
    if (!GLOBAL_STEP_DIR_RE.test(name) && (await isDir(sub))) await consider(sub);
  }
  return out;
}

/** Whether a JSONL text has at least one line of verl's file logger. */
export function looksLikeVerlMetrics(text: string): boolean {
  return parseJsonLines(text, '', fileLoggerLineSchema).records.length > 0;
}

async function importMetrics(dir: string, launch: number, sink: ImportSink): Promise<void> {
  for (const path of await metricFiles(dir)) {
    const text = await readText(path);
    if (text === null) continue;
    const { records, errors } = parseJsonLines(text, path, fileLoggerLineSchema);
    if (records.length === 0) {
      sink.warn(`${sink.rel(path)}: not verl's file logger format ({"step": N, "data": {…}} per line): skipped`);
      continue;
    }
    for (const e of errors) sink.error(path, e.line, e.message);
    const { kept, superseded } = latestLineage(records.map((r) => r.value.step));
    if (superseded.size > 0) {
      const points = [...superseded].reduce((a, i) => a + mapMetricRecord(records[i]!.value.data).length, 0);
      sink.notImported('metrics', points, 'superseded: a resumed launch appended to this file restarts at an earlier step (the later launch is kept)', sink.rel(path));
    }
    records.splice(0, records.length, ...kept.map((i) => records[i]!));
    // Elapsed seconds at each line: the running sum of timing_s/step (verl logs every step).
    let elapsed = 0;
    let timed = 0;
    const elapsedOf = records.map(({ value }) => {
      const t = value.data['timing_s/step'];
      if (typeof t !== 'number' || !Number.isFinite(t)) return null;
      elapsed += t;
      timed++;
      return elapsed;
    });
    if (timed < records.length) {
      sink.warn(`${sink.rel(path)}: ${records.length - timed} of ${records.length} lines have no "timing_s/step": their points carry the file's modification time`);
    }
    const walls = wallTimesFromElapsed(timed ? elapsedOf : elapsedOf.map(() => null), await mtimeMs(path));
    const points: MetricPoint[] = [];
    records.forEach(({ value }, i) => {
      for (const m of mapMetricRecord(value.data)) points.push({ step: value.step, key: m.key, value: m.value, wallTime: walls[i]! });
      sink.progress(value.step, null);
    });
    sink.addMetrics(launch, points, sink.rel(path));
  }
}

/**
 * One lineage of an appended log: where the step goes back (a resumed launch appending to the same file), the
 * later launch owns every step from its first one on. Returns the indexes kept (in order) and those dropped.
 */
export function latestLineage(steps: readonly number[]): { kept: number[]; superseded: Set<number> } {
  // Launch boundaries: a step lower than the one before.
  const starts: number[] = [0];
  for (let i = 1; i < steps.length; i++) if (steps[i]! < steps[i - 1]!) starts.push(i);
  const superseded = new Set<number>();
  let cut = Infinity;
  for (let k = starts.length - 1; k >= 0; k--) {
    const from = starts[k]!;
    const to = k + 1 < starts.length ? starts[k + 1]! : steps.length;
    for (let i = from; i < to; i++) if (steps[i]! >= cut) superseded.add(i);
    for (let i = from; i < to; i++) cut = Math.min(cut, steps[i]!);
  }
  return { kept: steps.map((_, i) => i).filter((i) => !superseded.has(i)), superseded };
}

export async function verlDumpFiles(dir: string): Promise<{ step: number; path: string }[]> {
  const out: { step: number; path: string }[] = [];
  for (const name of await listDir(dir)) {
    const m = VERL_DUMP_RE.exec(name);
    if (m && (await isFile(join(dir, name)))) out.push({ step: Number(m[1]), path: join(dir, name) });
  }
  return out.sort((a, b) => a.step - b.step);
}

/** Whether any `*.jsonl` here or one folder down is verl's file logger (for detection). */
export async function hasVerlMetricFiles(dir: string): Promise<boolean> {
  for (const path of await metricFiles(dir)) {
    const text = await readText(path);
    if (text !== null && looksLikeVerlMetrics(text)) return true;
  }
  return false;
}

function referenceText(gts: unknown): string | null {
  if (gts === undefined || gts === null) return null;
  if (typeof gts === 'string') return gts.trim() === '' ? null : gts;
  return JSON.stringify(gts);
}

export async function importVerl(dir: string, sink: ImportSink, options: ImportOptions): Promise<void> {
  const launch = sink.launch('.');
  await importMetrics(dir, launch, sink);
  const G = options.numGenerations ?? null;
  for (const file of await verlDumpFiles(dir)) {
    const where = sink.rel(file.path);
    const text = await readText(file.path);
    if (text === null) continue;
    const { records, errors } = parseJsonLines(text, file.path, dumpLineSchema);
    for (const e of errors) sink.error(file.path, e.line, e.message);
    const rows = records.map(({ value }) => ({
      value,
      step: value.step ?? file.step,
      identity: {
        clipId: typeof value.clip_id === 'string' ? value.clip_id : null,
        reference: referenceText(value.gts),
        prompt: value.input,
      } satisfies PromptIdentity,
      groupId: value.uid === undefined ? null : String(value.uid),
    }));
    const withoutUid = rows.filter((r) => r.groupId === null).length;
    if (withoutUid > 0 && rows.length > withoutUid) sink.warn(`${where}: ${withoutUid} of ${rows.length} rows have no "uid": they are grouped by clip`);
    const { identities, sizes } = assignIdGroups(
      rows.map((r) => ({ ...r.identity, step: r.step, groupId: r.groupId })),
      withoutUid === rows.length ? G : null,
      'verl',
    );
    if (G !== null) {
      const off = sizes.map((n, slot) => ({ n, slot })).filter((x) => x.n !== G);
      if (off.length) {
        sink.warn(`${where}: ${off.length} of ${sizes.length} groups do not have num_generations = ${G} (--num-generations) samples (sizes ${[...new Set(off.map((x) => x.n))].join(', ')})`);
      }
    }
    if (identities.some((x) => x.clipSource === 'unknown')) {
      sink.warn(`${where}: groups of one step share their prompt and carry no clip_id or gts: each such group gets its own clip id (<hash>/s<step>g<group>)`);
    }
    const out: ForeignRollout[] = rows.map(({ value, step }, i) => {
      const id = identities[i]!;
      const rewards: Partial<Record<RewardComponent, number>> = {};
      const extras: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (NOT_EXTRA.has(k)) continue;
        extras[k] = v;
        const c = rewardComponentOfFunction(k);
        if (c && typeof v === 'number' && Number.isFinite(v)) rewards[c] = v;
      }
      return {
        step,
        clipId: id.clipId,
        groupIndex: id.groupIndex,
        sampleIndex: id.sampleIndex,
        completion: value.output,
        rewards,
        reward: value.score ?? 0,
        advantage: null,
        breakdown: { source: 'verl rollout dump', gts: value.gts ?? null, uid: value.uid ?? null, clipIdFrom: id.clipSource, ...extras },
      };
    });
    for (const r of out) sink.progress(r.step, null);
    sink.addRollouts(launch, withAdvantages(out), where);
  }
  for (const c of await numberedDirs(dir, GLOBAL_STEP_DIR_RE)) {
    sink.addCheckpoint(launch, { step: c.step, path: c.path, metadata: { source: 'verl' } });
  }
}
