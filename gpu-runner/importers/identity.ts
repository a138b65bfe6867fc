/**
 * A rollout's identity as the trainer wrote it: which group (prompt instance) it belongs to, its index in the
 * group, and which clip. Pure.
 *
 * - Groups come from the trainer's own ids when it writes them (verl's `uid`, one per prompt instance:
 *   verl/trainer/ppo/ray_trainer.py passes it as the `index` of the advantage estimators), else from position:
 *   ms-swift and TRL log the generation batch in order, G = `num_generations` consecutive completions per prompt
 *   (trl/trainer/grpo_trainer.py RepeatSampler; ms-swift's grpo_trainer.py the same).
 * - G comes from the run's arguments (ms-swift's args.json `num_generations`) or the user
 *   (`--num-generations`), and is cross-checked against the prompt column: every group of G consecutive rows
 *   must share one prompt (and reference, and clip id when logged). Without a declared G it is read from the
 *   prompt column alone when prompts change between groups; never from advantages (an all-zero advantage
 *   column fits G = 2 as well as any other).
 * - Clip ids: a clip id in the data (a `clip_id` column / field, or the training dataset's row found by its
 *   reference), else the reference text (`solution` / `gts`, one per clip), else the prompt text — unless two
 *   groups of one batch share that prompt (VideoCap prompts are the same text for every video once the video
 *   placeholder is decoded), in which case the clip is unknown and each group gets its own id.
 */
import { shortHash } from './rollouts';

export interface DeclaredGroupSize {
  value: number;
  /** Where it came from, for messages: "--num-generations", "args.json num_generations". */
  source: string;
}

/** What identifies a logged completion's prompt, strongest first. */
export interface PromptIdentity {
  /** A clip id present in the data (column, field, or the training dataset's row). */
  clipId: string | null;
  /** The reference the reward compared against (ms-swift `solution`, verl `gts`): one per clip. */
  reference: string | null;
  /** The prompt text as logged. */
  prompt: string;
}

/** The key consecutive rows of one group must share (cross-check and inference). */
export function groupKey(p: PromptIdentity): string {
  return JSON.stringify([p.clipId, p.reference, p.prompt]);
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Lengths of the runs of equal consecutive keys. */
export function runLengths(keys: readonly string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    if (i > 0 && keys[i] === keys[i - 1]) out[out.length - 1]!++;
    else out.push(1);
  }
  return out;
}

/**
 * G read from the prompt column of one or more logged batches (each batch: the group keys of its rows in
 * order): the greatest common divisor of the run lengths of equal consecutive keys. Null when no batch has two
 * different prompts (one run says nothing about G) or when the runs do not share a divisor ≥ 2.
 */
export function groupSizeFromPromptColumn(batches: readonly (readonly string[])[]): number | null {
  let evidence = false;
  let g = 0;
  for (const keys of batches) {
    const runs = runLengths(keys);
    if (runs.length >= 2) evidence = true;
    for (const r of runs) g = gcd(g, r);
  }
  return evidence && g >= 2 ? g : null;
}

export type GroupSizeResolution =
  | { ok: true; G: number; source: string }
  | { ok: false; reason: string };

/**
 * Resolves G for a file or run: the declared value (cross-checked by `checkGroupBlocks` per batch), else the
 * prompt column. The reason of a failure says what to pass.
 */
export function resolveGroupSize(declared: DeclaredGroupSize | null, batches: readonly (readonly string[])[]): GroupSizeResolution {
  if (declared) return { ok: true, G: declared.value, source: declared.source };
  const fromPrompts = groupSizeFromPromptColumn(batches);
  if (fromPrompts !== null) return { ok: true, G: fromPrompts, source: 'the prompt column (runs of equal prompts)' };
  return {
    ok: false,
    reason:
      'num_generations (G) is unknown: the run does not record it and the prompt column cannot tell ' +
      '(every completion of a logged batch has the same prompt); pass --num-generations G',
  };
}

/**
 * Checks that `keys` (one batch, in logged order) splits into groups of G consecutive rows sharing one prompt.
 * Returns null when it does, else what contradicts G.
 */
export function checkGroupBlocks(keys: readonly string[], G: number, source: string): string | null {
  if (keys.length % G !== 0) return `${keys.length} completions are not a whole number of groups of num_generations = ${G} (${source})`;
  for (let start = 0; start < keys.length; start += G) {
    for (let i = start + 1; i < start + G; i++) {
      if (keys[i] !== keys[start]) {
        return `num_generations = ${G} (${source}) contradicts the prompt column: completions ${start}–${start + G - 1} of the batch have different prompts (the first change is at ${i})`;
      }
    }
  }
  return null;
}

export interface AssignedIdentity {
  groupIndex: number;
  sampleIndex: number;
  clipId: string;
  /** How the clip id was found: "data", "reference", "prompt", or "unknown" (a per-group id). */
  clipSource: 'data' | 'reference' | 'prompt' | 'unknown';
}

/**
 * Clip ids for the groups of one batch (`groups[i]`: the prompt identity, step and group index of group i). A
 * prompt shared by two groups of one step identifies no clip: those groups get `<prefix>:<hash>/s<step>g<group>`.
 */
export function clipIdsOfGroups(
  groups: readonly (PromptIdentity & { step: number; groupIndex: number })[],
  prefix: string,
): { clipId: string; clipSource: AssignedIdentity['clipSource'] }[] {
  const promptGroups = new Map<string, number>();
  const promptKey = (g: { step: number; prompt: string }) => `${g.step}\u0000${g.prompt}`;
  for (const g of groups) if (g.clipId === null && g.reference === null) promptGroups.set(promptKey(g), (promptGroups.get(promptKey(g)) ?? 0) + 1);
  return groups.map((g) => {
    if (g.clipId !== null) return { clipId: g.clipId, clipSource: 'data' as const };
    if (g.reference !== null) return { clipId: `${prefix}:${shortHash(g.reference)}`, clipSource: 'reference' as const };
    if ((promptGroups.get(promptKey(g)) ?? 0) <= 1) return { clipId: `${prefix}:${shortHash(g.prompt)}`, clipSource: 'prompt' as const };
    return { clipId: `${prefix}:${shortHash(g.prompt)}/s${g.step}g${g.groupIndex}`, clipSource: 'unknown' as const };
  });
}

/**
 * Positional groups (ms-swift, TRL): rows i·G … i·G + G − 1 are group i. The caller has checked the blocks.
 */
export function assignPositionalGroups(rows: readonly (PromptIdentity & { step: number })[], G: number, prefix: string): AssignedIdentity[] {
  const groups: (PromptIdentity & { step: number; groupIndex: number })[] = [];
  for (let i = 0; i < rows.length; i += G) groups.push({ ...rows[i]!, groupIndex: groups.length });
  const clips = clipIdsOfGroups(groups, prefix);
  return rows.map((_, i) => {
    const g = Math.floor(i / G);
    return { groupIndex: g, sampleIndex: i % G, ...clips[g]! };
  });
}

/**
 * Groups by the trainer's own group id (verl `uid`) within each step: groups are numbered per step in order of
 * first appearance (verl's balance_batch reorders rows, so a group's rows need not be adjacent). Rows without an
 * id fall back to their prompt identity, split into groups of G in order when G is known. Returns the
 * identities and the size of each group (in order of first appearance), for the cross-check against G.
 */
export function assignIdGroups(
  rows: readonly (PromptIdentity & { step: number; groupId: string | null })[],
  G: number | null,
  prefix: string,
): { identities: AssignedIdentity[]; sizes: number[] } {
  const slotOf = new Map<string, number>();
  const fill = new Map<string, number>();
  const perStep = new Map<number, number>();
  const groups: (PromptIdentity & { step: number; groupIndex: number })[] = [];
  const sizes: number[] = [];
  const raw = rows.map((r) => {
    let key: string;
    if (r.groupId !== null) key = `id\u0000${r.step}\u0000${r.groupId}`;
    else {
      const base = `key\u0000${r.step}\u0000${groupKey(r)}`;
      const n = fill.get(base) ?? 0;
      fill.set(base, n + 1);
      key = G ? `${base}\u0000${Math.floor(n / G)}` : base;
    }
    let slot = slotOf.get(key);
    if (slot === undefined) {
      slot = groups.length;
      slotOf.set(key, slot);
      const groupIndex = perStep.get(r.step) ?? 0;
      perStep.set(r.step, groupIndex + 1);
      groups.push({ ...r, groupIndex });
      sizes.push(0);
    }
    const sampleIndex = sizes[slot]!;
    sizes[slot]!++;
    return { slot, sampleIndex };
  });
  const clips = clipIdsOfGroups(groups, prefix);
  return { identities: raw.map((x) => ({ groupIndex: groups[x.slot]!.groupIndex, sampleIndex: x.sampleIndex, ...clips[x.slot]! })), sizes };
}
