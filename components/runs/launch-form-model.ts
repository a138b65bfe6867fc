/**
 * State and validation of the launch form, kept pure (no React) so it is unit-tested.
 *
 * Field keys are the server's `ValidationError.fieldErrors` keys (server/services/runs.ts):
 * `name`, `kind`, `backend`, `experiment`, and `config.<path>` for the run configuration — so a
 * server-side error lands on the same field as a client-side one. The one exception is rewards:
 * `config.rewards.<index>.weight` (index into the submitted array) is shown as
 * `config.rewards.<component>.weight`, which does not move when components are toggled.
 */
import { configIssuesFromZod, parseDatasetRef, runConfigProblems, suggestKey, unknownConfigKeys } from '../../core/config-validation';
import { applyPreset, findPreset, LAUNCH_PRESETS, type LaunchPreset } from '../../core/presets';
import { defaultRunConfig, runConfigSchema, type RunConfig } from '../../core/run-config';
import { BACKENDS, REWARD_COMPONENTS, type BackendName, type RewardComponent } from '../../core/types';

export type LaunchKind = 'grpo' | 'sft';
export const LAUNCH_KINDS: readonly LaunchKind[] = ['grpo', 'sft'];

/** What `onSubmit` receives: the validated, complete configuration. */
export interface LaunchFormValues {
  name: string;
  kind: LaunchKind;
  backend: BackendName;
  /** Experiment to group the run under (omitted when blank). */
  experiment?: string;
  /** The preset the form started from, if any (the config may have been edited since). */
  presetId?: string;
  config: RunConfig;
}

/** Starting values, e.g. a stored run for "Clone run". Anything malformed falls back to defaults. */
export interface LaunchFormInitial {
  name?: string;
  kind?: string;
  backend?: string;
  experiment?: string | null;
  presetId?: string | null;
  /** A stored RunConfig (JSON); fields of the wrong type are replaced by defaults. */
  config?: unknown;
}

export interface LaunchFormState {
  name: string;
  kind: LaunchKind;
  backend: BackendName;
  experiment: string;
  presetId: string | null;
  /** Structured values; numeric fields are authoritative in `drafts` while being edited. */
  config: RunConfig;
  /** Text of every numeric input, by field key (`config.grpo.learningRate`). */
  drafts: Record<string, string>;
  /** Keys of the starting config (a cloned run) this version does not know, which the form left out. */
  ignoredKeys: string[];
}

/** A dataset the server knows (`system.datasets`), for the dataset choice and its checks. */
export interface KnownDataset {
  name: string;
  /** "benchmark" (an evaluation set) or "train". */
  kind: string;
  benchmarks: string[];
  /** Number of clips, when known. */
  clips?: number;
}

export interface NumberFieldDef {
  key: string;
  label: string;
  hint?: string;
  integer?: boolean;
  /** `step` attribute of the input. */
  step?: string;
}

/** Numeric fields by section, in display order. */
export const NUMBER_FIELDS = {
  training: [
    { key: 'config.maxSteps', label: 'Max steps', hint: '0 = derived from epochs and dataset size', integer: true },
  ],
  rewards: [
    { key: 'config.simThreshold', label: 'Tscore similarity threshold δ', hint: 'Eq. 2', step: '0.01' },
    { key: 'config.escoreThresholds.0', label: 'Escore δ1', hint: 'Eq. 8', step: '0.01' },
    { key: 'config.escoreThresholds.1', label: 'Escore δ2', hint: 'Eq. 8', step: '0.01' },
  ],
  grpo: [
    { key: 'config.grpo.numGenerations', label: 'num_generations (G)', integer: true },
    { key: 'config.grpo.temperature', label: 'Temperature', step: '0.1' },
    { key: 'config.grpo.beta', label: 'β (KL coefficient)', step: 'any' },
    { key: 'config.grpo.learningRate', label: 'Learning rate', step: 'any' },
    { key: 'config.grpo.warmupRatio', label: 'Warmup ratio', step: 'any' },
    { key: 'config.grpo.weightDecay', label: 'Weight decay', step: 'any' },
    { key: 'config.grpo.globalBatchSize', label: 'Global batch size', integer: true },
    { key: 'config.grpo.epochs', label: 'Epochs', integer: true },
    { key: 'config.grpo.epsilon', label: 'Clip range ε', step: 'any' },
  ],
  grpoAdvanced: [
    { key: 'config.grpo.adamBeta1', label: 'Adam β1', step: 'any' },
    { key: 'config.grpo.adamBeta2', label: 'Adam β2', step: 'any' },
    { key: 'config.grpo.adamEps', label: 'Adam ε', step: 'any' },
  ],
  sft: [
    { key: 'config.sft.learningRate', label: 'Learning rate', step: 'any' },
    { key: 'config.sft.warmupRatio', label: 'Warmup ratio', step: 'any' },
    { key: 'config.sft.weightDecay', label: 'Weight decay', step: 'any' },
    { key: 'config.sft.globalBatchSize', label: 'Global batch size', integer: true },
    { key: 'config.sft.epochs', label: 'Epochs', integer: true },
    { key: 'config.sft.adamEps', label: 'Adam ε', step: 'any' },
  ],
  local: [
    { key: 'config.local.learningRate', label: 'Policy learning rate', hint: 'of the small CPU policy, not the paper’s 1e-6', step: 'any' },
    { key: 'config.local.clipsPerStep', label: 'Clips per step', integer: true },
    { key: 'config.local.maxClips', label: 'Max clips', hint: '0 = all', integer: true },
    { key: 'config.local.seed', label: 'Seed', integer: true },
    { key: 'config.local.checkpointEvery', label: 'Checkpoint every (steps)', integer: true },
    { key: 'config.local.distractors', label: 'Distractors per clip', integer: true },
    { key: 'config.local.stepDelayMs', label: 'Step delay (ms)', hint: 'slow a demo run down to watch it live', integer: true },
  ],
  swift: [
    { key: 'config.swift.rolloutPort', label: 'Rollout server port', integer: true },
    { key: 'config.frames.maxFrames', label: 'Max frames', integer: true },
    { key: 'config.frames.maxPixels', label: 'Max pixels per frame', integer: true },
  ],
} satisfies Record<string, NumberFieldDef[]>;

const ALL_NUMBER_FIELDS: NumberFieldDef[] = [
  ...Object.values(NUMBER_FIELDS).flat(),
  ...REWARD_COMPONENTS.map((name) => ({ key: rewardWeightKey(name), label: `${name} weight`, step: 'any' })),
];

export function rewardWeightKey(name: RewardComponent): string {
  return `config.rewards.${name}.weight`;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Value at a dotted path (`grpo.learningRate`, `escoreThresholds.0`). */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (Array.isArray(cur)) cur = cur[Number(part)];
    else if (isObject(cur)) cur = cur[part];
    else return undefined;
  }
  return cur;
}

/** Copy of `obj` with the value at a dotted path replaced (objects and arrays copied on the way). */
export function setPath<T>(obj: T, path: string, value: unknown): T {
  const parts = path.split('.');
  const rec = (cur: unknown, i: number): unknown => {
    if (i === parts.length) return value;
    const part = parts[i];
    if (Array.isArray(cur)) {
      const copy = [...cur];
      copy[Number(part)] = rec(cur[Number(part)], i + 1);
      return copy;
    }
    const base: Json = isObject(cur) ? { ...cur } : {};
    base[part] = rec(base[part], i + 1);
    return base;
  };
  return rec(obj, 0) as T;
}

/**
 * Overlay `input` on `defaults`, keeping only values of the default's type (numbers for numbers,
 * etc.), so a stored config from an older version or a hand-written one cannot break the form.
 */
function mergeTyped(defaults: unknown, input: unknown): unknown {
  if (isObject(defaults)) {
    if (!isObject(input)) return defaults;
    const out: Json = { ...defaults };
    for (const k of Object.keys(defaults)) out[k] = mergeTyped(defaults[k], input[k]);
    return out;
  }
  if (Array.isArray(defaults)) {
    if (!Array.isArray(input)) return defaults;
    // Tuples of numbers (escoreThresholds) keep their length; string lists (extraArgs) take the input.
    if (defaults.length > 0 && typeof defaults[0] === 'number') {
      return defaults.map((d, i) => (typeof input[i] === 'number' ? input[i] : d));
    }
    return input.filter((x) => typeof x === 'string');
  }
  if (defaults === null) return typeof input === 'string' || input === null ? input : defaults;
  return typeof input === typeof defaults ? input : defaults;
}

function normaliseRewards(input: unknown, fallback: RunConfig['rewards']): RunConfig['rewards'] {
  if (!Array.isArray(input)) return fallback;
  const seen = new Set<string>();
  const out: RunConfig['rewards'] = [];
  for (const r of input) {
    if (!isObject(r) || typeof r.name !== 'string' || !(REWARD_COMPONENTS as readonly string[]).includes(r.name) || seen.has(r.name)) continue;
    seen.add(r.name);
    out.push({ name: r.name as RewardComponent, weight: typeof r.weight === 'number' ? r.weight : 1 });
  }
  return out;
}

/** A complete RunConfig from anything (a stored config, a partial, garbage). */
export function coerceConfig(input: unknown): RunConfig {
  const parsed = runConfigSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const defaults = defaultRunConfig();
  const merged = mergeTyped(defaults, input) as RunConfig;
  merged.rewards = normaliseRewards(isObject(input) ? input.rewards : undefined, defaults.rewards);
  return merged;
}

/** How a number is shown in its input: 1e-6 rather than 0.000001. */
export function formatDraftNumber(v: number): string {
  return v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential() : String(v);
}

function draftsFor(config: RunConfig): Record<string, string> {
  const drafts: Record<string, string> = {};
  for (const f of ALL_NUMBER_FIELDS) {
    const v = getPath({ config: rewardsByName(config) }, f.key);
    drafts[f.key] = typeof v === 'number' ? formatDraftNumber(v) : '';
  }
  return drafts;
}

/** `config` with rewards as `{ [name]: { weight } }`, the addressing the form uses. */
function rewardsByName(config: RunConfig): Json {
  const byName: Json = {};
  for (const r of config.rewards) byName[r.name] = { weight: r.weight };
  // Components that are off still get a weight draft (1), used when they are switched on.
  for (const name of REWARD_COMPONENTS) if (!(name in byName)) byName[name] = { weight: 1 };
  return { ...config, rewards: byName };
}

export function initialFormState(initial?: LaunchFormInitial): LaunchFormState {
  const config = coerceConfig(initial?.config);
  const kind: LaunchKind = initial?.kind === 'sft' ? 'sft' : 'grpo';
  const backend: BackendName = (BACKENDS as readonly string[]).includes(initial?.backend ?? '') ? (initial!.backend as BackendName) : 'local';
  return {
    name: initial?.name ?? '',
    kind,
    backend,
    experiment: initial?.experiment ?? '',
    presetId: initial?.presetId && findPreset(initial.presetId) ? initial.presetId : null,
    config,
    drafts: draftsFor(config),
    ignoredKeys: unknownConfigKeys(initial?.config),
  };
}

/** Names and experiments presets suggest, so a later preset may replace them (but not typed ones). */
const PRESET_NAMES = new Set(LAUNCH_PRESETS.map((p) => p.name));
export function presetExperiment(preset: LaunchPreset): string {
  return 'paper-' + preset.paperRow.table.replace(/_.*$/, '');
}
const PRESET_EXPERIMENTS = new Set(LAUNCH_PRESETS.map(presetExperiment));

/** Apply a launch preset: kind, thinking mode and rewards from the paper's row; everything else kept. */
export function applyPresetToState(state: LaunchFormState, preset: LaunchPreset): LaunchFormState {
  const config = applyPreset(preset, state.config);
  // Every field the preset implies follows it — name and experiment too — unless the person typed their own.
  const nameIsDefault = state.name.trim() === '' || PRESET_NAMES.has(state.name.trim());
  const experimentIsDefault = state.experiment.trim() === '' || PRESET_EXPERIMENTS.has(state.experiment.trim());
  // Keep the user's in-progress text of fields the preset does not touch.
  const fresh = draftsFor(config);
  const drafts = { ...state.drafts };
  for (const key of Object.keys(fresh)) {
    if (key.startsWith('config.rewards.') || getPath({ config: preset.config }, key) !== undefined) drafts[key] = fresh[key];
  }
  return {
    ...state,
    kind: preset.kind,
    presetId: preset.id,
    name: nameIsDefault ? preset.name : state.name,
    experiment: experimentIsDefault ? presetExperiment(preset) : state.experiment,
    config,
    drafts,
  };
}

/** Whether the form still matches its preset (kind, thinking mode, rewards, structured SFT). */
export function matchesPreset(state: LaunchFormState, preset: LaunchPreset): boolean {
  if (state.kind !== preset.kind) return false;
  const applied = applyPreset(preset, state.config);
  const pick = (c: RunConfig) => JSON.stringify([c.thinkingMode, c.rewards, c.sft.withStructuredThinking]);
  const current = buildCandidate(state).config;
  return pick(applied) === pick(current as RunConfig);
}

export function isRewardEnabled(state: LaunchFormState, name: RewardComponent): boolean {
  return state.config.rewards.some((r) => r.name === name);
}

/** Switch a reward component on or off; the list stays in paper order (format, tscore, escore, cnscore). */
export function toggleReward(state: LaunchFormState, name: RewardComponent, on: boolean): LaunchFormState {
  const enabled = new Set(state.config.rewards.map((r) => r.name));
  if (on) enabled.add(name);
  else enabled.delete(name);
  const weightOf = (n: RewardComponent) => state.config.rewards.find((r) => r.name === n)?.weight ?? (Number(state.drafts[rewardWeightKey(n)]) || 1);
  const rewards = REWARD_COMPONENTS.filter((n) => enabled.has(n)).map((n) => ({ name: n, weight: weightOf(n) }));
  return { ...state, config: { ...state.config, rewards } };
}

function numberDef(key: string): NumberFieldDef | undefined {
  return ALL_NUMBER_FIELDS.find((f) => f.key === key);
}

/** Parse a numeric draft: a number, or the reason it is not one. */
export function parseNumberDraft(text: string, integer = false): { value: number } | { error: string } {
  const t = text.trim();
  if (t === '') return { error: 'required' };
  const v = Number(t);
  if (!Number.isFinite(v)) return { error: 'must be a number' };
  if (integer && !Number.isInteger(v)) return { error: 'must be a whole number' };
  return { value: v };
}

/** The config as it would be submitted (drafts parsed), with the draft errors found on the way. */
function buildCandidate(state: LaunchFormState): { config: unknown; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  let cfg: Json = { ...state.config };
  for (const [key, text] of Object.entries(state.drafts)) {
    if (!key.startsWith('config.')) continue;
    const path = key.slice('config.'.length);
    const rewardMatch = /^rewards\.([a-z]+)\.weight$/.exec(path);
    const def = numberDef(key);
    if (rewardMatch) {
      const name = rewardMatch[1] as RewardComponent;
      const idx = state.config.rewards.findIndex((r) => r.name === name);
      if (idx < 0) continue; // switched off: its weight does not matter
      const parsed = parseNumberDraft(text);
      if ('error' in parsed) errors[key] = parsed.error;
      else cfg = setPath(cfg, `rewards.${idx}.weight`, parsed.value);
      continue;
    }
    if (!isRelevant(state, key)) continue;
    const parsed = parseNumberDraft(text, def?.integer);
    if ('error' in parsed) errors[key] = parsed.error;
    else cfg = setPath(cfg, path, parsed.value);
  }
  return { config: cfg, errors };
}

/** Sections that do not apply (SFT fields for GRPO, swift settings for local) are not validated from drafts. */
function isRelevant(state: LaunchFormState, key: string): boolean {
  if (key.startsWith('config.grpo.')) return state.kind === 'grpo';
  if (key.startsWith('config.sft.')) return state.kind === 'sft';
  if (key.startsWith('config.local.')) return state.backend === 'local';
  if (key.startsWith('config.swift.') || key.startsWith('config.frames.')) return state.backend === 'swift';
  return true;
}

/**
 * Map an error key to the field that shows it: `config.rewards.<i>.<rest>` → by component name of
 * the i-th reward in `rewards`; others unchanged.
 */
export function fieldKeyForError(key: string, rewards: RunConfig['rewards']): string {
  const m = /^config\.rewards\.(\d+)(\..*)?$/.exec(key);
  if (!m) return key;
  const r = rewards[Number(m[1])];
  if (!r) return 'config.rewards';
  return m[2] === '.weight' ? rewardWeightKey(r.name) : `config.rewards.${r.name}`;
}

export interface ValidationResult {
  /** Error per field key (first message per field). */
  errors: Record<string, string>;
  /** The values to submit, when there are no errors. */
  values: LaunchFormValues | null;
}

/**
 * Why the chosen dataset cannot be used (not one the server knows), or null. `datasets` null = the
 * list is not loaded yet (nothing is claimed).
 */
export function datasetError(ref: string, datasets: readonly KnownDataset[] | null): string | null {
  if (!datasets) return null;
  const { name, limit } = parseDatasetRef(ref);
  if (datasets.some((d) => d.name === name)) return limit === 0 ? `"${ref}" selects 0 clips` : null;
  const suggestion = suggestKey(name, datasets.map((d) => d.name));
  return `unknown dataset "${name}"${suggestion ? ` — did you mean ${suggestion}?` : ''}`;
}

/** The warning for training on an evaluation benchmark (same words as the server's), or null. */
export function datasetWarning(state: Pick<LaunchFormState, 'kind' | 'config'>, datasets: readonly KnownDataset[] | null): string | null {
  const d = datasets?.find((x) => x.name === parseDatasetRef(state.config.dataset).name);
  if (!d || d.kind !== 'benchmark') return null;
  const b = (d.benchmarks.length ? d.benchmarks : [d.name]).join(', ');
  return `${d.name} is the evaluation benchmark ${b}: this run trains on test data, so its ${b} scores are not comparable with the paper's. The run will be marked “trained on test set”.`;
}

/** Validate the whole form with runConfigSchema, the launch checks (core/config-validation.ts), name and drafts. */
export function validateLaunchForm(state: LaunchFormState, datasets: readonly KnownDataset[] | null = null): ValidationResult {
  const { config, errors } = buildCandidate(state);
  const name = state.name.trim();
  if (!name) errors.name = 'name is required';
  else if (name.length > 200) errors.name = 'at most 200 characters';
  if (state.experiment.trim().length > 200) errors.experiment = 'at most 200 characters';

  const parsed = runConfigSchema.safeParse(config);
  const issues = parsed.success ? runConfigProblems(state.kind, parsed.data) : configIssuesFromZod(parsed.error);
  for (const issue of issues) errors[fieldKeyForError(issue.path, state.config.rewards)] ??= issue.message;
  if (state.kind === 'grpo' && state.config.rewards.length === 0) errors['config.rewards'] ??= 'GRPO needs at least one reward component';
  const dsError = datasetError(state.config.dataset, datasets);
  if (dsError) errors['config.dataset'] ??= dsError;

  if (Object.keys(errors).length > 0 || !parsed.success) return { errors, values: null };
  const experiment = state.experiment.trim();
  return {
    errors,
    values: {
      name,
      kind: state.kind,
      backend: state.backend,
      ...(experiment ? { experiment } : {}),
      ...(state.presetId ? { presetId: state.presetId } : {}),
      config: parsed.data,
    },
  };
}

/**
 * Server field errors (keys as in `ValidationError.fieldErrors`) mapped onto the form's fields,
 * using the rewards of the submitted config to resolve reward indices.
 */
export function mapServerErrors(serverErrors: Readonly<Record<string, string>> | undefined, submittedRewards: RunConfig['rewards']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!serverErrors) return out;
  for (const [key, message] of Object.entries(serverErrors)) {
    const field = key === '' || key === '_form' || key === '(config)' ? 'form' : fieldKeyForError(key, submittedRewards);
    out[field] ??= message;
  }
  return out;
}
