/**
 * Launch-time validation of a run configuration beyond its shape: unknown keys named with the
 * closest known key, and combinations the method cannot train (a think score without a structured
 * think, a batch that does not hold whole GRPO groups). Pure: the server, the CLI (through the
 * server) and the launch form call the same functions, so all three say the same thing.
 *
 * Field paths are the server's `fieldErrors` keys: `config.<dotted path>` (`config.grpo.beta`,
 * `config.rewards.0.weight`).
 */
import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import { runConfigSchema, type RunConfig } from './run-config';
import type { RunKind } from './types';

/** One problem of a configuration: where (`config.maxStep`) and why. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/**
 * The known key closest to `key` by edit distance (fastest-levenshtein), or null when none is
 * close enough to be a plausible typo: at most max(2, ⌊len/3⌋) edits, case-insensitive.
 * `suggestKey('maxStep', ['maxSteps', 'dataset'])` → `'maxSteps'`.
 */
export function suggestKey(key: string, known: readonly string[]): string | null {
  if (known.length === 0) return null;
  const lower = key.toLowerCase();
  const exactCase = known.find((k) => k.toLowerCase() === lower);
  if (exactCase) return exactCase;
  // snake_case spelling of a camelCase key (num_generations → numGenerations), as TRL/ms-swift write it.
  const camel = key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const camelMatch = known.find((k) => k.toLowerCase() === camel.toLowerCase());
  if (camelMatch) return camelMatch;
  const lowered = known.map((k) => k.toLowerCase());
  const best = closest(lower, lowered);
  const d = distance(lower, best);
  if (d > Math.max(2, Math.floor(key.length / 3))) return null;
  return known[lowered.indexOf(best)] ?? null;
}

interface SchemaDef {
  type: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  element?: unknown;
  items?: unknown[];
  in?: unknown;
}

function defOf(schema: unknown): SchemaDef | null {
  if (typeof schema !== 'object' || schema === null || !('def' in schema)) return null;
  const def = (schema as { def: unknown }).def;
  return typeof def === 'object' && def !== null && typeof (def as { type?: unknown }).type === 'string' ? (def as SchemaDef) : null;
}

/** The schema below wrappers (default, optional, nullable, pipe input). */
function unwrap(schema: unknown): unknown {
  let cur = schema;
  for (let i = 0; i < 20; i++) {
    const d = defOf(cur);
    if (!d) return cur;
    if ((d.type === 'default' || d.type === 'optional' || d.type === 'nullable' || d.type === 'prefault' || d.type === 'readonly') && d.innerType) cur = d.innerType;
    else if (d.type === 'pipe' && d.in) cur = d.in;
    else return cur;
  }
  return cur;
}

/** The keys an object schema accepts at `path` (array indices and tuple positions walked through). */
export function knownKeysAt(schema: unknown, path: readonly PropertyKey[]): string[] {
  let cur = unwrap(schema);
  for (const part of path) {
    const d = defOf(cur);
    if (!d) return [];
    if (d.type === 'object' && d.shape) cur = unwrap(d.shape[String(part)]);
    else if (d.type === 'array' && d.element) cur = unwrap(d.element);
    else if (d.type === 'tuple' && d.items) cur = unwrap(d.items[Number(part)]);
    else return [];
  }
  const d = defOf(cur);
  return d?.type === 'object' && d.shape ? Object.keys(d.shape) : [];
}

/**
 * Issues of a failed parse of `schema` as ConfigIssues under `prefix`. An unknown key becomes one
 * issue on its own path: `config.maxStep: unknown key — did you mean maxSteps?` (or, when nothing
 * is close, the list of keys accepted there).
 */
export function configIssuesFromZod(error: z.ZodError, schema: unknown = runConfigSchema, prefix = 'config'): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const join = (parts: readonly PropertyKey[]) => [prefix, ...parts.map(String)].filter((p) => p !== '').join('.');
  // A misspelt required key also leaves the real one missing; the typo's suggestion says it all.
  const suggested = new Set<string>();
  for (const issue of error.issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const known = knownKeysAt(schema, issue.path);
    for (const key of issue.keys) {
      const s = suggestKey(key, known);
      if (s) suggested.add(join([...issue.path, s]));
    }
  }
  for (const issue of error.issues) {
    if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message) && suggested.has(join(issue.path))) continue;
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        const suggestion = suggestKey(key, known);
        const hint = suggestion ? `did you mean ${suggestion}?` : known.length ? `known keys here: ${known.join(', ')}` : 'not a setting';
        out.push({ path: join([...issue.path, key]), message: `unknown key — ${hint}` });
      }
      continue;
    }
    out.push({ path: issue.path.length ? join(issue.path) : prefix || '(config)', message: issue.message });
  }
  return out;
}

/** Thinking modes that produce the structured `#Subject N:` think Tscore reads (Eqs. 2–6). */
const TSCORE_THINKING = new Set<RunConfig['thinkingMode']>(['structured']);

/** The nearest multiples of `g` around `n` (for "e.g. 55 or 63"). */
function nearestMultiples(n: number, g: number): number[] {
  const below = Math.floor(n / g) * g;
  return [below, below + g].filter((v) => v >= g);
}

/**
 * Combinations of a valid config that cannot train what they say (`kind` decides which apply):
 * - GRPO with Tscore but no structured think: Tscore is 0 at every step (no subjects to match).
 * - GRPO whose global batch does not hold whole groups of `num_generations` (TRL and ms-swift
 *   refuse to start: the generation batch must be divisible by num_generations).
 * - SFT on the structured think with thinking mode "none".
 * Returns [] when the config is coherent.
 */
export function runConfigProblems(kind: RunKind, config: RunConfig): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  if (kind === 'grpo') {
    if (config.rewards.some((r) => r.name === 'tscore') && !TSCORE_THINKING.has(config.thinkingMode)) {
      out.push({
        path: 'config.rewards',
        message: `the think score (Tscore) reads the structured think (#Subject N: name [attributes], [actions]); with ${config.thinkingMode} thinking there are no subjects and it is 0 at every step — use structured thinking or turn Tscore off`,
      });
    }
    const { globalBatchSize: batch, numGenerations: g } = config.grpo;
    if (batch % g !== 0) {
      const near = nearestMultiples(batch, g);
      out.push({
        path: 'config.grpo.globalBatchSize',
        message: `global batch ${batch} is not divisible by num_generations ${g}: a batch holds whole groups of ${g} completions${near.length ? ` (e.g. ${near.join(' or ')})` : ''}`,
      });
    }
  }
  if (kind === 'sft' && config.sft.withStructuredThinking && config.thinkingMode === 'none') {
    out.push({ path: 'config.sft.withStructuredThinking', message: 'training on the structured think needs thinking mode "structured" (it is "none")' });
  }
  return out;
}

/**
 * Parse and check a config for a launch of `kind`: the complete config, or every issue (shape
 * issues first; combination checks only once the shape is valid).
 */
export function checkRunConfig(kind: RunKind, input: unknown): { ok: true; config: RunConfig } | { ok: false; issues: ConfigIssue[] } {
  const parsed = runConfigSchema.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, issues: configIssuesFromZod(parsed.error) };
  const problems = runConfigProblems(kind, parsed.data);
  return problems.length ? { ok: false, issues: problems } : { ok: true, config: parsed.data };
}

/** Keys of `input` the schema does not know, as sorted dotted paths (`grpo.numGeneration`); [] when none. */
export function unknownConfigKeys(input: unknown): string[] {
  const parsed = runConfigSchema.safeParse(input ?? {});
  if (parsed.success) return [];
  // Sorted: stored configs (JSONB) do not keep key order.
  return parsed.error.issues.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys.map((k) => [...i.path, k].join('.')) : [])).sort();
}

/**
 * A dataset reference of a run config: a dataset name, optionally `:<N>` for its first N clips
 * (`dream-1k:64`, as the runner's loader accepts). Returns the dataset name and the limit.
 */
export function parseDatasetRef(ref: string): { name: string; limit: number | null } {
  const m = /^(.*):(\d+)$/.exec(ref.trim());
  return m ? { name: m[1]!, limit: Number(m[2]) } : { name: ref.trim(), limit: null };
}
