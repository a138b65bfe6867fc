import { describe, expect, it } from 'vitest';
import { findPreset, LAUNCH_PRESETS } from '../../core/presets';
import { defaultRunConfig } from '../../core/run-config';
import {
  applyPresetToState,
  coerceConfig,
  datasetError,
  datasetWarning,
  fieldKeyForError,
  getPath,
  initialFormState,
  mapServerErrors,
  matchesPreset,
  parseNumberDraft,
  setPath,
  toggleReward,
  validateLaunchForm,
  type LaunchFormState,
} from './launch-form-model';

const named = (s: LaunchFormState, name = 'my-run'): LaunchFormState => ({ ...s, name });

describe('launch form model', () => {
  it('starts from the paper defaults and validates to them', () => {
    const s = initialFormState();
    expect(s.kind).toBe('grpo');
    expect(s.backend).toBe('local');
    expect(s.drafts['config.grpo.numGenerations']).toBe('7');
    expect(s.drafts['config.grpo.learningRate']).toBe('1e-6');
    expect(s.drafts['config.grpo.adamEps']).toBe('1e-8');
    expect(s.drafts['config.escoreThresholds.1']).toBe('0.35');
    const r = validateLaunchForm(named(s));
    expect(r.errors).toEqual({});
    expect(r.values).toEqual({ name: 'my-run', kind: 'grpo', backend: 'local', config: defaultRunConfig() });
  });

  it('requires a name', () => {
    expect(validateLaunchForm(initialFormState()).errors.name).toBe('name is required');
  });

  it('reports schema issues on the field, with the schema message', () => {
    const s = named(initialFormState());
    const bad = { ...s, drafts: { ...s.drafts, 'config.grpo.numGenerations': '1', 'config.grpo.learningRate': 'abc', 'config.local.clipsPerStep': '2.5' } };
    const { errors, values } = validateLaunchForm(bad);
    expect(values).toBeNull();
    expect(errors['config.grpo.numGenerations']).toBe('GRPO needs at least 2 generations per group');
    expect(errors['config.grpo.learningRate']).toBe('must be a number');
    expect(errors['config.local.clipsPerStep']).toBe('must be a whole number');
  });

  it('maps reward weight issues to the component, and checks δ1 ≤ δ2', () => {
    let s = named(initialFormState());
    s = { ...s, drafts: { ...s.drafts, 'config.rewards.escore.weight': '-1', 'config.escoreThresholds.0': '0.9' } };
    const { errors } = validateLaunchForm(s);
    expect(errors['config.rewards.escore.weight']).toBe('weight must be ≥ 0');
    expect(errors['config.escoreThresholds']).toBe('δ1 must be ≤ δ2');
  });

  it('ignores drafts of sections that do not apply', () => {
    const s = named(initialFormState());
    const r = validateLaunchForm({ ...s, drafts: { ...s.drafts, 'config.sft.learningRate': '', 'config.swift.rolloutPort': 'x' } });
    expect(r.errors).toEqual({});
  });

  it('toggles rewards in paper order and needs one for GRPO', () => {
    let s = named(initialFormState());
    s = toggleReward(s, 'escore', false);
    s = toggleReward(s, 'cnscore', true);
    expect(s.config.rewards.map((r) => r.name)).toEqual(['format', 'tscore', 'cnscore']);
    let empty = s;
    for (const n of ['format', 'tscore', 'cnscore'] as const) empty = toggleReward(empty, n, false);
    expect(validateLaunchForm(empty).errors['config.rewards']).toBe('GRPO needs at least one reward component');
    expect(validateLaunchForm({ ...empty, kind: 'sft' }).errors).toEqual({});
  });

  it('applies a preset, keeping the user’s other settings, and notices edits', () => {
    let s = initialFormState();
    s = { ...s, drafts: { ...s.drafts, 'config.maxSteps': '50' }, config: { ...s.config, baseModel: 'tiny' } };
    const p = findPreset('t3-tscore-cnscore')!;
    s = applyPresetToState(s, p);
    expect(s.name).toBe(p.name);
    expect(s.experiment).toBe('paper-table3');
    expect(s.presetId).toBe(p.id);
    expect(matchesPreset(s, p)).toBe(true);
    const v = validateLaunchForm(s).values!;
    expect(v.config.rewards.map((r) => r.name)).toEqual(['format', 'tscore', 'cnscore']);
    expect(v.config.maxSteps).toBe(50);
    expect(v.config.baseModel).toBe('tiny');
    expect(v.presetId).toBe(p.id);
    expect(matchesPreset(toggleReward(s, 'cnscore', false), p)).toBe(false);
    expect(matchesPreset({ ...s, drafts: { ...s.drafts, 'config.rewards.tscore.weight': '2' } }, p)).toBe(false);
    // a second preset replaces the suggested name but not a typed one
    expect(applyPresetToState(s, findPreset('t2-sft')!).name).toBe('sft');
    expect(applyPresetToState({ ...s, name: 'mine' }, findPreset('t2-sft')!).name).toBe('mine');
  });

  it('choosing a preset sets every field it implies, the experiment name included', () => {
    let s = applyPresetToState(initialFormState(), findPreset('t2-grpo')!);
    expect([s.name, s.experiment, s.kind]).toEqual(['videocap-r1-grpo', 'paper-table2', 'grpo']);
    s = applyPresetToState(s, findPreset('t3-tscore-cnscore')!);
    expect([s.name, s.experiment]).toEqual(['ablation-tscore-cnscore', 'paper-table3']);
    s = applyPresetToState(s, findPreset('t4-free-form')!);
    expect([s.name, s.experiment, s.config.thinkingMode]).toEqual(['thinking-free-form', 'paper-table4', 'free-form']);
    expect(s.config.rewards.map((r) => r.name)).toEqual(['format', 'escore']);
    s = applyPresetToState(s, findPreset('t2-sft-structured')!);
    expect([s.kind, s.experiment, s.config.thinkingMode, s.config.sft.withStructuredThinking]).toEqual(['sft', 'paper-table2', 'structured', true]);
    // What the person typed stays.
    const typed = applyPresetToState({ ...s, name: 'my sweep', experiment: 'my-ablations' }, findPreset('t3-wo-think-score')!);
    expect([typed.name, typed.experiment]).toEqual(['my sweep', 'my-ablations']);
  });

  it('refuses impossible combinations on the field that shows them', () => {
    const s = named(initialFormState());
    const g5 = validateLaunchForm({ ...s, drafts: { ...s.drafts, 'config.grpo.numGenerations': '5' } });
    expect(g5.values).toBeNull();
    expect(g5.errors['config.grpo.globalBatchSize']).toMatch(/not divisible by num_generations 5.*55 or 60/);
    const freeForm = validateLaunchForm({ ...s, config: { ...s.config, thinkingMode: 'free-form' } });
    expect(freeForm.errors['config.rewards']).toMatch(/Tscore.*free-form thinking.*0 at every step/);
    expect(validateLaunchForm(toggleReward({ ...s, config: { ...s.config, thinkingMode: 'free-form' } }, 'tscore', false)).errors).toEqual({});
  });

  it('the dataset is one the server knows; a benchmark is flagged as training on the test set', () => {
    const datasets = [
      { name: 'dream-1k', kind: 'benchmark', benchmarks: ['dream-1k'], clips: 1000 },
      { name: 'my-train', kind: 'train', benchmarks: [] },
    ];
    const s = named(initialFormState());
    expect(validateLaunchForm(s, datasets).errors).toEqual({});
    expect(validateLaunchForm({ ...s, config: { ...s.config, dataset: 'dream-1k:64' } }, datasets).errors).toEqual({});
    expect(validateLaunchForm({ ...s, config: { ...s.config, dataset: 'dream1k' } }, datasets).errors['config.dataset']).toBe('unknown dataset "dream1k" — did you mean dream-1k?');
    expect(datasetError('other', null)).toBeNull(); // list not loaded: nothing claimed
    expect(datasetWarning(s, datasets)).toMatch(/dream-1k is the evaluation benchmark dream-1k: this run trains on test data/);
    expect(datasetWarning({ ...s, config: { ...s.config, dataset: 'my-train' } }, datasets)).toBeNull();
  });

  it('a cloned config with keys this version does not know names them', () => {
    const s = initialFormState({ config: { maxStep: 20, grpo: { numGeneration: 3, beta: 0.01 } } });
    expect(s.ignoredKeys.sort()).toEqual(['grpo.numGeneration', 'maxStep']);
    expect(s.config.grpo.beta).toBe(0.01);
    expect(initialFormState({ config: defaultRunConfig() }).ignoredKeys).toEqual([]);
  });

  it('every preset validates once applied', () => {
    for (const p of LAUNCH_PRESETS) {
      const r = validateLaunchForm(applyPresetToState(initialFormState(), p));
      expect(r.errors, p.id).toEqual({});
      expect(r.values!.kind).toBe(p.kind);
    }
  });

  it('clones a stored run, repairing fields of the wrong type', () => {
    const s = initialFormState({
      name: 'copy of x',
      kind: 'sft',
      backend: 'swift',
      config: { maxSteps: 'many', grpo: { numGenerations: 5 }, rewards: [{ name: 'tscore', weight: 2 }, { name: 'bogus' }], swift: { extraArgs: ['--a', 3] } },
    });
    expect(s.kind).toBe('sft');
    expect(s.backend).toBe('swift');
    expect(s.config.maxSteps).toBe(200);
    expect(s.config.grpo.numGenerations).toBe(5);
    expect(s.config.rewards).toEqual([{ name: 'tscore', weight: 2 }]);
    expect(s.config.swift.extraArgs).toEqual(['--a']);
    expect(initialFormState({ kind: 'eval', backend: 'gpu' })).toMatchObject({ kind: 'grpo', backend: 'local' });
    expect(coerceConfig({ maxSteps: 10 }).maxSteps).toBe(10);
  });

  it('maps server field errors (reward indices by the submitted rewards)', () => {
    const rewards = defaultRunConfig().rewards;
    expect(mapServerErrors({ 'config.rewards.2.weight': 'too big', name: 'taken', '(config)': 'bad', 'config.grpo.beta': 'x' }, rewards)).toEqual({
      'config.rewards.escore.weight': 'too big',
      name: 'taken',
      form: 'bad',
      'config.grpo.beta': 'x',
    });
    expect(fieldKeyForError('config.rewards', rewards)).toBe('config.rewards');
    expect(fieldKeyForError('config.rewards.9.weight', rewards)).toBe('config.rewards');
  });

  it('path helpers and number parsing', () => {
    expect(getPath({ a: [{ b: 3 }] }, 'a.0.b')).toBe(3);
    expect(setPath({ a: [1, 2] }, 'a.1', 5)).toEqual({ a: [1, 5] });
    expect(parseNumberDraft(' 1e-6 ')).toEqual({ value: 1e-6 });
    expect(parseNumberDraft('')).toEqual({ error: 'required' });
    expect(parseNumberDraft('3.5', true)).toEqual({ error: 'must be a whole number' });
  });
});
