'use client';

/**
 * Launch a GRPO or SFT run: preset picker for the paper's Tables 2–4 variants, the paper's
 * hyper-parameters pre-filled from runConfigSchema defaults, validation messages on each field
 * (runConfigSchema.safeParse, the same schema the server uses) and server field errors shown on
 * the same fields. Test ids: `launch-<field key>` on inputs, `field-error-<field key>` on messages
 * (field keys: components/runs/launch-form-model.ts), `launch-preset`, `launch-submit`,
 * `launch-reward-<component>` (on/off), `field-error-form` (errors that belong to no field).
 */
import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { findPreset, LAUNCH_PRESETS, type PaperTableKey } from '../../core/presets';
import type { RunConfig } from '../../core/run-config';
import { REWARD_COMPONENTS, type BackendName, type RewardComponent } from '../../core/types';
import { Button } from '../ui/Button';
import { cn } from '../ui/cn';
import {
  applyPresetToState,
  datasetWarning,
  initialFormState,
  isRewardEnabled,
  mapServerErrors,
  matchesPreset,
  NUMBER_FIELDS,
  rewardWeightKey,
  toggleReward,
  validateLaunchForm,
  type LaunchFormInitial,
  type LaunchFormState,
  type KnownDataset,
  type LaunchFormValues,
  type LaunchKind,
  type NumberFieldDef,
} from './launch-form-model';

export type { KnownDataset, LaunchFormInitial, LaunchFormValues } from './launch-form-model';

export interface LaunchFormProps {
  /** Starting values, e.g. `{ name: 'copy of …', kind, backend, config }` of a stored run for "Clone run". */
  initial?: LaunchFormInitial;
  /** Called with validated values; reject (throw) to show the message as a form error. */
  onSubmit: (values: LaunchFormValues) => Promise<void>;
  /** Field errors from the server (`ValidationError.fieldErrors`: `name`, `config.grpo.beta`, …). */
  serverErrors?: Record<string, string>;
  /** Disables the submit button while the launch is in flight. */
  submitting?: boolean;
  /** Label of the submit button (default "Launch run"). */
  submitLabel?: string;
  /** Datasets the server knows (`system.datasets`): the dataset field is a choice of these. Null while loading. */
  datasets?: readonly KnownDataset[] | null;
  className?: string;
}

const TABLE_LABELS: Record<PaperTableKey, string> = {
  table2_sft_vs_rl: 'Table 2 — SFT vs RL',
  table3_reward_ablation: 'Table 3 — reward ablation',
  table4_thinking_ablation: 'Table 4 — thinking ablation',
};

const THINKING_MODES: { value: RunConfig['thinkingMode']; label: string }[] = [
  { value: 'structured', label: 'Structured (#Subject N: name [attributes], [actions])' },
  { value: 'free-form', label: 'Free-form thinking' },
  { value: 'guided-free-form', label: 'Guided free-form thinking' },
  { value: 'none', label: 'No thinking (answer only)' },
];

const REWARD_DESCRIPTIONS: Record<RewardComponent, string> = {
  format: 'format — one <think> then one <answer>',
  tscore: 'Tscore — think vs reference subjects (Eqs. 2–6)',
  escore: 'Escore — caption entails reference events (Eq. 8)',
  cnscore: 'CNscore — judged completeness + naturalness',
};

const SCHEDULERS: RunConfig['grpo']['lrScheduler'][] = ['cosine', 'linear', 'constant'];

export function LaunchForm({ initial, onSubmit, serverErrors, submitting = false, submitLabel = 'Launch run', datasets = null, className }: LaunchFormProps) {
  const [state, setState] = useState<LaunchFormState>(() => initialFormState(initial));
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [attempted, setAttempted] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(() => new Set());
  const submittedRewards = useRef<RunConfig['rewards']>(state.config.rewards);
  const formRef = useRef<HTMLFormElement>(null);

  // New server errors replace the dismissed set (a field edited after the last response).
  const serverKey = JSON.stringify(serverErrors ?? {});
  useEffect(() => setDismissed(new Set()), [serverKey]);

  const validation = useMemo(() => validateLaunchForm(state, datasets), [state, datasets]);
  const testSetWarning = datasetWarning(state, datasets);
  const server = useMemo(() => mapServerErrors(serverErrors, submittedRewards.current), [serverErrors]);
  const errorFor = (key: string): string | undefined => {
    if (server[key] && !dismissed.has(key)) return server[key];
    return attempted || touched.has(key) ? validation.errors[key] : undefined;
  };
  const knownFieldKeys = useKnownKeys();
  const orphanServerErrors = Object.entries(server).filter(([k]) => k !== 'form' && !knownFieldKeys.has(k) && !dismissed.has(k));

  const preset = findPreset(state.presetId);
  const presetModified = preset ? !matchesPreset(state, preset) : false;

  const update = (key: string, fn: (s: LaunchFormState) => LaunchFormState) => {
    setState(fn);
    setDismissed((d) => (d.has(key) ? d : new Set(d).add(key)));
    setFormError(null);
  };
  const touch = (key: string) => setTouched((t) => (t.has(key) ? t : new Set(t).add(key)));
  const setDraft = (key: string, text: string) => update(key, (s) => ({ ...s, drafts: { ...s.drafts, [key]: text } }));
  const setConfig = (key: string, patch: (c: RunConfig) => RunConfig) => update(key, (s) => ({ ...s, config: patch(s.config) }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setAttempted(true);
    setFormError(null);
    const result = validateLaunchForm(state, datasets);
    if (!result.values) {
      const first = Object.keys(result.errors)[0];
      const el = first ? formRef.current?.querySelector<HTMLElement>(`[data-field="${CSS.escape(first)}"]`) : null;
      el?.focus();
      return;
    }
    submittedRewards.current = result.values.config.rewards;
    try {
      await onSubmit(result.values);
    } catch (err) {
      setFormError(err instanceof Error ? err.message : String(err));
    }
  };

  const numberInput = (f: NumberFieldDef) => (
    <Field key={f.key} fieldKey={f.key} label={f.label} hint={f.hint} error={errorFor(f.key)}>
      {(props) => (
        <input
          {...props}
          type="text"
          inputMode={f.integer ? 'numeric' : 'decimal'}
          autoComplete="off"
          spellCheck={false}
          value={state.drafts[f.key] ?? ''}
          onChange={(e) => setDraft(f.key, e.target.value)}
          onBlur={() => touch(f.key)}
          className={inputClass(!!errorFor(f.key), 'tabular-nums')}
        />
      )}
    </Field>
  );

  const textConfigInput = (key: string, label: string, get: (c: RunConfig) => string, set: (c: RunConfig, v: string) => RunConfig, hint?: string) => (
    <Field key={key} fieldKey={key} label={label} hint={hint} error={errorFor(key)}>
      {(props) => (
        <input
          {...props}
          type="text"
          autoComplete="off"
          value={get(state.config)}
          onChange={(e) => setConfig(key, (c) => set(c, e.target.value))}
          onBlur={() => touch(key)}
          className={inputClass(!!errorFor(key))}
        />
      )}
    </Field>
  );

  const presetGroups = (Object.keys(TABLE_LABELS) as PaperTableKey[]).map((table) => ({
    table,
    presets: LAUNCH_PRESETS.filter((p) => p.paperRow.table === table),
  }));

  return (
    <form ref={formRef} onSubmit={submit} noValidate className={cn('flex flex-col gap-6 text-sm', className)} data-testid="launch-form" aria-label="Launch a run">
      {state.ignoredKeys.length > 0 && (
        <p role="status" data-testid="launch-ignored-keys" className="rounded-md border border-amber-300 bg-amber-50 p-2 text-amber-900 dark:border-amber-800 dark:bg-amber-900/30 dark:text-amber-100">
          The cloned run&apos;s config has settings this version does not know, left out here: {state.ignoredKeys.join(', ')}.
        </p>
      )}
      <Section title="Preset" description="Start from one of the paper's trained variants; every field stays editable.">
        <Field fieldKey="preset" label="Paper variant" error={undefined} wide>
          {(props) => (
            <select
              {...props}
              value={state.presetId ?? ''}
              onChange={(e) => {
                const p = findPreset(e.target.value);
                if (p) update('preset', (s) => applyPresetToState(s, p));
                else update('preset', (s) => ({ ...s, presetId: null }));
              }}
              className={inputClass(false)}
            >
              <option value="">Custom (no preset)</option>
              {presetGroups.map((g) => (
                <optgroup key={g.table} label={TABLE_LABELS[g.table]}>
                  {g.presets.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.label}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          )}
        </Field>
        {preset && (
          <p className="col-span-full text-xs text-zinc-600 dark:text-zinc-400" data-testid="launch-preset-description">
            {preset.description} Reproduces <span className="font-medium">{TABLE_LABELS[preset.paperRow.table].split(' — ')[0]}</span>, row “
            {preset.paperRow.row}”.
            {presetModified && (
              <span className="ml-1 font-medium text-amber-700 dark:text-amber-400" data-testid="launch-preset-modified">
                Modified since the preset was applied — results will not match the paper row.
              </span>
            )}
          </p>
        )}
      </Section>

      <Section title="Run">
        <Field fieldKey="name" label="Name" error={errorFor('name')}>
          {(props) => (
            <input
              {...props}
              type="text"
              autoComplete="off"
              value={state.name}
              onChange={(e) => update('name', (s) => ({ ...s, name: e.target.value }))}
              onBlur={() => touch('name')}
              className={inputClass(!!errorFor('name'))}
            />
          )}
        </Field>
        <Field fieldKey="experiment" label="Experiment" hint="optional; groups runs (e.g. an ablation)" error={errorFor('experiment')}>
          {(props) => (
            <input
              {...props}
              type="text"
              autoComplete="off"
              value={state.experiment}
              onChange={(e) => update('experiment', (s) => ({ ...s, experiment: e.target.value }))}
              onBlur={() => touch('experiment')}
              className={inputClass(!!errorFor('experiment'))}
            />
          )}
        </Field>
        <Field fieldKey="kind" label="Kind" error={errorFor('kind')}>
          {(props) => (
            <select
              {...props}
              value={state.kind}
              onChange={(e) => update('kind', (s) => ({ ...s, kind: e.target.value as LaunchKind }))}
              className={inputClass(!!errorFor('kind'))}
            >
              <option value="grpo">GRPO (reinforcement learning)</option>
              <option value="sft">SFT (supervised fine-tuning)</option>
            </select>
          )}
        </Field>
        <Field fieldKey="backend" label="Backend" error={errorFor('backend')}>
          {(props) => (
            <select
              {...props}
              value={state.backend}
              onChange={(e) => update('backend', (s) => ({ ...s, backend: e.target.value as BackendName }))}
              className={inputClass(!!errorFor('backend'))}
            >
              <option value="local">local — CPU simulation, no GPU</option>
              <option value="swift">swift — ms-swift on GPU nodes</option>
            </select>
          )}
        </Field>
        {textConfigInput('config.baseModel', 'Base model', (c) => c.baseModel, (c, v) => ({ ...c, baseModel: v }))}
        <Field fieldKey="config.dataset" label="Dataset" error={errorFor('config.dataset')} hint={datasets ? undefined : 'loading the datasets the server knows…'}>
          {(props) => (
            <select
              {...props}
              value={state.config.dataset}
              onChange={(e) => setConfig('config.dataset', (c) => ({ ...c, dataset: e.target.value }))}
              className={inputClass(!!errorFor('config.dataset'))}
            >
              {datasetOptions(datasets, state.config.dataset).map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {testSetWarning && (state.kind === 'grpo' || state.kind === 'sft') && (
          <p
            role="status"
            data-testid="launch-dataset-warning"
            className="col-span-full rounded-md border border-amber-300 bg-amber-50 p-2 text-xs text-amber-900 dark:border-amber-800 dark:bg-amber-900/30 dark:text-amber-100"
          >
            Trains on the test set: {testSetWarning}
          </p>
        )}
        <Field fieldKey="config.thinkingMode" label="Thinking mode" error={errorFor('config.thinkingMode')}>
          {(props) => (
            <select
              {...props}
              value={state.config.thinkingMode}
              onChange={(e) => setConfig('config.thinkingMode', (c) => ({ ...c, thinkingMode: e.target.value as RunConfig['thinkingMode'] }))}
              className={inputClass(!!errorFor('config.thinkingMode'))}
            >
              {THINKING_MODES.map((m) => (
                <option key={m.value} value={m.value}>
                  {m.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {NUMBER_FIELDS.training.map(numberInput)}
      </Section>

      {state.kind === 'grpo' && (
        <Section title="Rewards" description="The paper's reward is format + Tscore + Escore, a plain sum (each weight 1).">
          <fieldset className="col-span-full" data-field="config.rewards" tabIndex={-1}>
            <legend className="sr-only">Reward components</legend>
            <ul className="flex flex-col gap-1.5">
              {REWARD_COMPONENTS.map((name) => {
                const on = isRewardEnabled(state, name);
                const key = rewardWeightKey(name);
                const err = errorFor(key);
                return (
                  <li key={name} className="flex flex-wrap items-center gap-3">
                    <label className="inline-flex min-w-80 items-center gap-2">
                      <input
                        type="checkbox"
                        checked={on}
                        data-testid={`launch-reward-${name}`}
                        onChange={(e) => update('config.rewards', (s) => toggleReward(s, name, e.target.checked))}
                      />
                      {REWARD_DESCRIPTIONS[name]}
                    </label>
                    <label className="inline-flex items-center gap-1.5 text-zinc-600 dark:text-zinc-400">
                      weight
                      <input
                        type="text"
                        inputMode="decimal"
                        disabled={!on}
                        value={state.drafts[key] ?? ''}
                        data-testid={`launch-${key}`}
                        data-field={key}
                        aria-invalid={!!err || undefined}
                        aria-describedby={err ? `err-${key}` : undefined}
                        onChange={(e) => setDraft(key, e.target.value)}
                        onBlur={() => touch(key)}
                        className={inputClass(!!err, 'w-20 tabular-nums disabled:opacity-50')}
                      />
                    </label>
                    {err && <ErrorText id={`err-${key}`} fieldKey={key} message={err} />}
                  </li>
                );
              })}
            </ul>
            {errorFor('config.rewards') && <ErrorText id="err-config.rewards" fieldKey="config.rewards" message={errorFor('config.rewards')!} />}
          </fieldset>
          {NUMBER_FIELDS.rewards.map(numberInput)}
          <label className="col-span-full inline-flex items-center gap-2">
            <input
              type="checkbox"
              checked={state.config.prefilledThink}
              data-testid="launch-config.prefilledThink"
              onChange={(e) => setConfig('config.prefilledThink', (c) => ({ ...c, prefilledThink: e.target.checked }))}
            />
            The chat template prefills &lt;think&gt;: a completion that starts inside the think gets format 1 (default off: the paper’s rule)
          </label>
          {errorFor('config.escoreThresholds') && (
            <ErrorText id="err-config.escoreThresholds" fieldKey="config.escoreThresholds" message={errorFor('config.escoreThresholds')!} className="col-span-full" />
          )}
        </Section>
      )}

      {state.kind === 'grpo' ? (
        <Section title="GRPO hyper-parameters" description="Pre-filled with the paper's values (Appendix B).">
          {NUMBER_FIELDS.grpo.map(numberInput)}
          <SchedulerField
            fieldKey="config.grpo.lrScheduler"
            value={state.config.grpo.lrScheduler}
            error={errorFor('config.grpo.lrScheduler')}
            onChange={(v) => setConfig('config.grpo.lrScheduler', (c) => ({ ...c, grpo: { ...c.grpo, lrScheduler: v } }))}
          />
          <details className="col-span-full">
            <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">Optimiser details</summary>
            <div className="mt-2 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">{NUMBER_FIELDS.grpoAdvanced.map(numberInput)}</div>
          </details>
        </Section>
      ) : (
        <Section title="SFT hyper-parameters" description="Pre-filled with the paper's values (Appendix B).">
          {NUMBER_FIELDS.sft.map(numberInput)}
          <SchedulerField
            fieldKey="config.sft.lrScheduler"
            value={state.config.sft.lrScheduler}
            error={errorFor('config.sft.lrScheduler')}
            onChange={(v) => setConfig('config.sft.lrScheduler', (c) => ({ ...c, sft: { ...c.sft, lrScheduler: v } }))}
          />
          <label className="col-span-full inline-flex items-center gap-2">
            <input
              type="checkbox"
              checked={state.config.sft.withStructuredThinking}
              data-testid="launch-config.sft.withStructuredThinking"
              onChange={(e) =>
                setConfig('config.sft.withStructuredThinking', (c) => ({ ...c, sft: { ...c.sft, withStructuredThinking: e.target.checked } }))
              }
            />
            Train on the structured think followed by the caption (Table 2, “+SFT with structured thinking”)
          </label>
          {errorFor('config.sft.withStructuredThinking') && (
            <ErrorText
              id="err-config.sft.withStructuredThinking"
              fieldKey="config.sft.withStructuredThinking"
              message={errorFor('config.sft.withStructuredThinking')!}
              className="col-span-full"
            />
          )}
        </Section>
      )}

      {state.backend === 'local' ? (
        <Section title="Local backend" description="A CPU simulation of the method's dynamics with a small policy — not a video model.">
          {NUMBER_FIELDS.local.map(numberInput)}
          <label className="col-span-full inline-flex items-center gap-2">
            <input
              type="checkbox"
              checked={state.config.local.perceptionFree}
              data-testid="launch-config.local.perceptionFree"
              onChange={(e) => setConfig('config.local.perceptionFree', (c) => ({ ...c, local: { ...c.local, perceptionFree: e.target.checked } }))}
            />
            Perception-free control: the simulated evidence no longer tells true elements from distractors (what rises anyway is not perception)
          </label>
        </Section>
      ) : (
        <Section title="ms-swift backend">
          {textConfigInput('config.swift.executable', 'Executable', (c) => c.swift.executable, (c, v) => ({ ...c, swift: { ...c.swift, executable: v } }))}
          {textConfigInput(
            'config.swift.trainDevices',
            'Training GPUs',
            (c) => c.swift.trainDevices,
            (c, v) => ({ ...c, swift: { ...c.swift, trainDevices: v } }),
            'CUDA_VISIBLE_DEVICES, e.g. 0,1,2,3,4,5,6',
          )}
          {textConfigInput('config.swift.rolloutDevice', 'Rollout GPU', (c) => c.swift.rolloutDevice, (c, v) => ({ ...c, swift: { ...c.swift, rolloutDevice: v } }))}
          {textConfigInput('config.swift.deepspeed', 'DeepSpeed', (c) => c.swift.deepspeed, (c, v) => ({ ...c, swift: { ...c.swift, deepspeed: v } }))}
          {NUMBER_FIELDS.swift.map(numberInput)}
        </Section>
      )}

      <Section title="Advanced">
        {textConfigInput(
          'config.initFromCheckpointId',
          'Initialise from checkpoint',
          (c) => c.initFromCheckpointId ?? '',
          (c, v) => ({ ...c, initFromCheckpointId: v.trim() === '' ? null : v }),
          'checkpoint id, e.g. GRPO after an SFT run',
        )}
      </Section>

      {(formError || server.form || orphanServerErrors.length > 0) && (
        <div role="alert" data-testid="field-error-form" className="rounded-md border border-red-300 bg-red-50 p-2 text-red-800 dark:border-red-800 dark:bg-red-900/30 dark:text-red-200">
          {formError && <p>{formError}</p>}
          {server.form && <p>{server.form}</p>}
          {orphanServerErrors.map(([k, v]) => (
            <p key={k}>
              {k}: {v}
            </p>
          ))}
        </div>
      )}

      <div className="flex items-center gap-3">
        <Button type="submit" variant="primary" loading={submitting} data-testid="launch-submit">
          {submitLabel}
        </Button>
        {attempted && !validation.values && (
          <span className="text-red-700 dark:text-red-400" role="status">
            Fix the highlighted fields.
          </span>
        )}
      </div>
    </form>
  );
}

/** The dataset choices: the server's datasets, plus the current value when it is not one of them (e.g. `dream-1k:64` of a clone). */
function datasetOptions(datasets: readonly KnownDataset[] | null, current: string): { value: string; label: string }[] {
  const out = (datasets ?? []).map((d) => ({
    value: d.name,
    label: `${d.name}${d.kind === 'benchmark' ? ' — evaluation benchmark' : ' — training data'}${d.clips !== undefined ? ` (${d.clips} clips)` : ''}`,
  }));
  if (!out.some((o) => o.value === current)) out.push({ value: current, label: current });
  return out;
}

/** Every field key the form renders (server errors for other keys go to the form-level box). */
function useKnownKeys(): ReadonlySet<string> {
  return useMemo(() => {
    const keys = new Set<string>([
      'name',
      'experiment',
      'kind',
      'backend',
      'config.baseModel',
      'config.dataset',
      'config.thinkingMode',
      'config.rewards',
      'config.escoreThresholds',
      'config.grpo.lrScheduler',
      'config.sft.lrScheduler',
      'config.sft.withStructuredThinking',
      'config.swift.executable',
      'config.swift.trainDevices',
      'config.swift.rolloutDevice',
      'config.swift.deepspeed',
      'config.initFromCheckpointId',
    ]);
    for (const list of Object.values(NUMBER_FIELDS)) for (const f of list) keys.add(f.key);
    for (const name of REWARD_COMPONENTS) keys.add(rewardWeightKey(name));
    return keys;
  }, []);
}

function inputClass(invalid: boolean, extra?: string): string {
  return cn(
    'h-9 rounded-md border bg-white px-2 text-sm text-zinc-900 shadow-sm outline-none focus-visible:ring-2 dark:bg-zinc-900 dark:text-zinc-100',
    invalid
      ? 'border-red-400 focus-visible:ring-red-400 dark:border-red-700'
      : 'border-zinc-300 focus-visible:ring-blue-500 dark:border-zinc-700',
    extra && /(^|\s)w-/.test(extra) ? extra : cn('w-full', extra),
  );
}

function Section({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  return (
    <fieldset className="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
      <legend className="px-1 text-sm font-semibold">{title}</legend>
      {description && <p className="mb-3 text-xs text-zinc-600 dark:text-zinc-400">{description}</p>}
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">{children}</div>
    </fieldset>
  );
}

interface ControlProps {
  id: string;
  'data-testid': string;
  'data-field': string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

function Field({
  fieldKey,
  label,
  hint,
  error,
  wide = false,
  children,
}: {
  fieldKey: string;
  label: string;
  hint?: string;
  error: string | undefined;
  wide?: boolean;
  children: (props: ControlProps) => ReactNode;
}) {
  const id = useId();
  const errId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? errId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={cn('flex flex-col gap-1', wide && 'col-span-full sm:col-span-2')}>
      <label htmlFor={id} className="text-xs font-medium text-zinc-700 dark:text-zinc-300">
        {label}
      </label>
      {children({
        id,
        'data-testid': `launch-${fieldKey}`,
        'data-field': fieldKey,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': describedBy,
      })}
      {hint && !error && (
        <p id={hintId} className="text-xs text-zinc-500 dark:text-zinc-400">
          {hint}
        </p>
      )}
      {error && <ErrorText id={errId} fieldKey={fieldKey} message={error} />}
    </div>
  );
}

function ErrorText({ id, fieldKey, message, className }: { id: string; fieldKey: string; message: string; className?: string }) {
  return (
    <p id={id} data-testid={`field-error-${fieldKey}`} className={cn('text-xs text-red-700 dark:text-red-400', className)}>
      {message}
    </p>
  );
}

function SchedulerField({
  fieldKey,
  value,
  error,
  onChange,
}: {
  fieldKey: string;
  value: RunConfig['grpo']['lrScheduler'];
  error: string | undefined;
  onChange: (v: RunConfig['grpo']['lrScheduler']) => void;
}) {
  return (
    <Field fieldKey={fieldKey} label="LR scheduler" error={error}>
      {(props) => (
        <select {...props} value={value} onChange={(e) => onChange(e.target.value as RunConfig['grpo']['lrScheduler'])} className={inputClass(!!error)}>
          {SCHEDULERS.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
