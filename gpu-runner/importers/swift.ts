/**
 * Import of an ms-swift output folder: `--output_dir` itself (with `v<N>-<date>-<time>` subfolders, each one
 * launch: a run or a resumption of it) or one versioned subfolder. Formats: ./swift-format.ts.
 * - Steps: `global_step/max_steps` (transformers backend) or `iteration` (Megatron backend), "N/M".
 * - Time: `elapsed_time` of each line ("41s", "1m 22s", "1h 0m 5s") gives the points' relative time.
 * - Identity: G from `--num-generations` or args.json `num_generations`, cross-checked against the prompt
 *   column (./identity.ts); clip ids from the training dataset of args.json, else the `solution` column.
 * - Launches overlap after a resume: the later launch owns its steps (ImportSink).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { rewardComponentOfFunction } from '../../core/metric-map';
import type { MetricPoint } from '../../core/types';
import { isFile, listDir, mtimeMs, numberedDirs, readText, wallTimesFromElapsed, type ImportOptions, type ImportSink } from './common';
import { assignPositionalGroups, checkGroupBlocks, groupKey, resolveGroupSize, type DeclaredGroupSize, type PromptIdentity } from './identity';
import { parseJsonLine, parseJsonLines } from './jsonl';
import { withAdvantages, type ForeignRollout } from './rollouts';
import {
  CHECKPOINT_DIR_RE,
  classifyLoggingLine,
  completionsLineRows,
  completionsLineSchema,
  componentsOf,
  componentWeights,
  firstGroupWithNonZeroAdvantageSum,
  LoggedCompletionDedupe,
  objectLineSchema,
  STEP_FIELDS,
  VERSION_DIR_RE,
  weightedReward,
  type LoggedCompletion,
} from './swift-format';

/** The part of ms-swift's args.json the importer uses (swift/arguments/base_args/base_args.py save_args). */
const argsJsonSchema = z
  .object({
    num_generations: z.number().int().min(1).nullish(),
    reward_funcs: z.array(z.string()).nullish(),
    reward_weights: z.array(z.number()).nullish(),
    dataset: z.union([z.array(z.string()), z.string()]).nullish(),
  })
  .loose();
type ArgsJson = z.infer<typeof argsJsonSchema>;

const datasetRowSchema = z.object({ clip_id: z.string(), solution: z.string().optional(), reference_caption: z.string().optional() }).loose();

/** What makes a folder an ms-swift run folder. */
export const SWIFT_LOOKED_FOR = "ms-swift's logging.jsonl or completions.jsonl, in the folder or in v<N>-<YYYYMMDD>-<HHMMSS>/ subfolders";

/** The run folders of an ms-swift output dir, oldest version first (or the dir itself). */
export async function swiftRunDirs(dir: string): Promise<string[]> {
  if ((await isFile(join(dir, 'logging.jsonl'))) || (await isFile(join(dir, 'completions.jsonl')))) return [dir];
  const versions: { v: number; stamp: string; path: string }[] = [];
  for (const name of await listDir(dir)) {
    const m = VERSION_DIR_RE.exec(name);
    if (!m) continue;
    const path = join(dir, name);
    if ((await isFile(join(path, 'logging.jsonl'))) || (await isFile(join(path, 'completions.jsonl')))) {
      versions.push({ v: Number(m[1]), stamp: `${m[2]}${m[3]}`, path });
    }
  }
  return versions.sort((a, b) => a.v - b.v || a.stamp.localeCompare(b.stamp)).map((x) => x.path);
}

async function readArgs(runDir: string, sink: ImportSink): Promise<ArgsJson | null> {
  const path = join(runDir, 'args.json');
  const text = await readText(path);
  if (text === null) return null;
  const r = parseJsonLine(text, argsJsonSchema);
  if (!r.ok) {
    sink.error(path, 0, r.message);
    return null;
  }
  return r.value;
}

/** solution → clip id, from the training dataset when it is still where args.json says. */
async function clipMap(args: ArgsJson | null): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  const paths = args?.dataset ? (Array.isArray(args.dataset) ? args.dataset : [args.dataset]) : [];
  for (const p of paths) {
    if (!p.endsWith('.jsonl')) continue;
    const text = await readText(p);
    if (text === null) continue;
    for (const { value } of parseJsonLines(text, p, datasetRowSchema).records) {
      const key = value.solution ?? value.reference_caption;
      if (key !== undefined && !map.has(key)) map.set(key, value.clip_id);
    }
  }
  return map;
}

async function importLogging(runDir: string, launch: number, sink: ImportSink): Promise<void> {
  const path = join(runDir, 'logging.jsonl');
  const text = await readText(path);
  if (text === null) return;
  const { records, errors } = parseJsonLines(text, path, objectLineSchema);
  for (const e of errors) sink.error(path, e.line, e.message);
  const lines: { step: number; elapsed: number | null; metrics: { key: string; value: number }[] }[] = [];
  for (const { line, value } of records) {
    const c = classifyLoggingLine(value);
    if (c.kind === 'other') sink.error(path, line, c.reason);
    if (c.kind !== 'metrics') continue;
    lines.push({ step: c.step, elapsed: c.elapsedSeconds, metrics: c.metrics });
    sink.progress(c.step, c.maxSteps);
  }
  const walls = wallTimesFromElapsed(
    lines.map((l) => l.elapsed),
    await mtimeMs(path),
  );
  const untimed = lines.filter((l) => l.elapsed === null).length;
  if (untimed > 0) sink.warn(`${sink.rel(path)}: ${untimed} of ${lines.length} lines have no readable "elapsed_time": their points carry the file's modification time`);
  const points: MetricPoint[] = [];
  lines.forEach((l, i) => {
    for (const m of l.metrics) points.push({ step: l.step, key: m.key, value: m.value, wallTime: walls[i]! });
  });
  if (records.length > 0 && lines.length === 0) {
    sink.warn(`${sink.rel(path)}: no line has a step (${STEP_FIELDS.join(', ')}): no metrics imported from it`);
  }
  sink.addMetrics(launch, points, sink.rel(path));
}

function declaredG(options: ImportOptions, args: ArgsJson | null, sink: ImportSink, runDir: string): DeclaredGroupSize | null {
  const fromArgs = args?.num_generations ?? null;
  if (options.numGenerations !== undefined) {
    if (fromArgs !== null && fromArgs !== options.numGenerations) {
      sink.warn(`${sink.rel(runDir)}: --num-generations ${options.numGenerations} overrides args.json num_generations = ${fromArgs}`);
    }
    return { value: options.numGenerations, source: '--num-generations' };
  }
  return fromArgs !== null ? { value: fromArgs, source: 'args.json num_generations' } : null;
}

async function importCompletions(runDir: string, launch: number, args: ArgsJson | null, sink: ImportSink, options: ImportOptions): Promise<void> {
  const path = join(runDir, 'completions.jsonl');
  const where = sink.rel(path);
  const text = await readText(path);
  if (text === null) return;
  const clips = await clipMap(args);
  const weights = componentWeights(args?.reward_funcs ?? [], args?.reward_weights);
  const weightOf = (name: string) => {
    const c = rewardComponentOfFunction(name);
    return c ? weights.get(c) : undefined;
  };
  const { records, errors } = parseJsonLines(text, path, completionsLineSchema);
  for (const e of errors) sink.error(path, e.line, e.message);
  const identityOf = (r: LoggedCompletion & { clipColumn: string | null }): PromptIdentity => ({
    clipId: r.clipColumn ?? (r.solution !== null ? (clips.get(r.solution) ?? null) : null),
    reference: r.solution,
    prompt: r.prompt,
  });
  const lines = records.map(({ line, value }) => {
    const clipColumn = Array.isArray(value.clip_id) ? value.clip_id : null;
    const rows = completionsLineRows(value).map((r, i) => ({ ...r, clipColumn: typeof clipColumn?.[i] === 'string' ? (clipColumn[i] as string) : null }));
    return { line, rows, keys: rows.map((r) => groupKey(identityOf(r))) };
  });
  const G = resolveGroupSize(declaredG(options, args, sink, runDir), lines.map((l) => l.keys));
  if (!G.ok) {
    sink.notImported('rollouts', lines.reduce((a, l) => a + l.rows.length, 0), G.reason, where);
    return;
  }
  const dedupe = new LoggedCompletionDedupe();
  const rows: ForeignRollout[] = [];
  for (const { line, rows: logged, keys } of lines) {
    const contradiction = checkGroupBlocks(keys, G.G, G.source);
    if (contradiction) {
      sink.notImported('rollouts', logged.length, contradiction, `${where}:${line}`);
      continue;
    }
    const badGroup = firstGroupWithNonZeroAdvantageSum(logged.map((r) => r.advantage), G.G);
    if (badGroup !== null && badGroup >= 0) {
      sink.warn(`${where}:${line}: the advantages of group ${badGroup} do not sum to 0 with num_generations = ${G.G} (${G.source}): check G`);
    }
    const ids = assignPositionalGroups(logged.map((r) => ({ ...identityOf(r), step: r.step })), G.G, 'swift');
    if (ids.some((x) => x.clipSource === 'unknown')) {
      sink.warn(
        `${where}: groups of one step share their prompt and no clip id or solution is logged: each such group gets its own clip id (<hash>/s<step>g<group>); keep the training dataset where args.json says, or log a clip_id column`,
      );
    }
    const fresh = dedupe.newRows(logged, (r) => ids[r.index]!.clipId);
    sink.notImported('rollouts', logged.length - fresh.length, "repeated: ms-swift logs a completion again in later lines until newer generations replace it (imported once)", where);
    for (const r of fresh) {
      const id = ids[r.index]!;
      rows.push({
        step: r.step,
        clipId: id.clipId,
        groupIndex: id.groupIndex,
        sampleIndex: id.sampleIndex,
        completion: r.completion,
        rewards: componentsOf(r.rewardsByFunction),
        reward: weightedReward(r.rewardsByFunction, weightOf),
        advantage: r.advantage,
        breakdown: { source: 'ms-swift completions.jsonl', rewardsByFunction: r.rewardsByFunction, numGenerations: { value: G.G, source: G.source }, clipIdFrom: id.clipSource },
      });
    }
  }
  sink.addRollouts(launch, withAdvantages(rows), where);
}

export async function importSwift(dir: string, sink: ImportSink, options: ImportOptions): Promise<void> {
  const runDirs = await swiftRunDirs(dir);
  if (runDirs.length === 0) {
    sink.error(dir, 0, `nothing to import: looked for ${SWIFT_LOOKED_FOR}`);
    return;
  }
  for (const runDir of runDirs) {
    const launch = sink.launch(sink.rel(runDir));
    const args = await readArgs(runDir, sink);
    await importLogging(runDir, launch, sink);
    await importCompletions(runDir, launch, args, sink, options);
    for (const c of await numberedDirs(runDir, CHECKPOINT_DIR_RE)) {
      const complete = await isFile(join(c.path, 'trainer_state.json'));
      sink.addCheckpoint(launch, { step: c.step, path: c.path, metadata: { source: 'ms-swift', complete } });
    }
  }
}
