import { describe, expect, it } from 'vitest';
import { checkRunConfig, configIssuesFromZod, knownKeysAt, parseDatasetRef, runConfigProblems, suggestKey, unknownConfigKeys } from './config-validation';
import { LAUNCH_PRESETS, applyPreset } from './presets';
import { defaultRunConfig, formatZodIssues, runConfigSchema, type RunConfigInput } from './run-config';

const issuesOf = (input: unknown) => {
  const r = checkRunConfig('grpo', input);
  return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
};

describe('unknown config keys', () => {
  it('are errors, not silently ignored (the defaults would launch instead)', () => {
    expect(runConfigSchema.safeParse({ maxStep: 20 }).success).toBe(false);
    expect(runConfigSchema.safeParse({ grpo: { numGeneration: 3 } }).success).toBe(false);
    expect(runConfigSchema.safeParse({ local: { stepDelay: 100 } }).success).toBe(false);
    expect(runConfigSchema.safeParse({ rewards: [{ name: 'format', weight: 1, wieght: 2 }] }).success).toBe(false);
    expect(runConfigSchema.safeParse({ frames: { maxFrame: 8 } }).success).toBe(false);
  });

  it('are named on their path with the closest known key', () => {
    expect(issuesOf({ maxStep: 20 })).toEqual(['config.maxStep: unknown key — did you mean maxSteps?']);
    expect(issuesOf({ grpo: { numGeneration: 3 } })).toEqual(['config.grpo.numGeneration: unknown key — did you mean numGenerations?']);
    // TRL / ms-swift spelling of a camelCase key
    expect(issuesOf({ grpo: { num_generations: 3 } })).toEqual(['config.grpo.num_generations: unknown key — did you mean numGenerations?']);
    expect(issuesOf({ rewards: [{ name: 'format', wieght: 1 }] })).toEqual(['config.rewards.0.wieght: unknown key — did you mean weight?']);
    expect(issuesOf({ local: { stepdelayms: 5 } })).toEqual(['config.local.stepdelayms: unknown key — did you mean stepDelayMs?']);
  });

  it('without a plausible suggestion, lists the keys accepted there', () => {
    const [msg] = issuesOf({ frames: { zzz: 1 } });
    expect(msg).toBe('config.frames.zzz: unknown key — known keys here: maxFrames, maxPixels');
  });

  it('reports every unknown key and keeps other issues', () => {
    const r = runConfigSchema.safeParse({ maxStep: 1, grpo: { beta: -1, tempreature: 1 } });
    expect(r.success).toBe(false);
    const issues = configIssuesFromZod(r.error!);
    expect(issues.map((i) => i.path).sort()).toEqual(['config.grpo.beta', 'config.grpo.tempreature', 'config.maxStep']);
    expect(formatZodIssues(r.error!)).toContain('maxStep: unknown key');
    expect(unknownConfigKeys({ maxStep: 1, grpo: { tempreature: 1 } }).sort()).toEqual(['grpo.tempreature', 'maxStep']);
    expect(unknownConfigKeys(defaultRunConfig())).toEqual([]);
  });

  it('suggestKey and knownKeysAt', () => {
    expect(suggestKey('maxStep', ['maxSteps', 'dataset'])).toBe('maxSteps');
    expect(suggestKey('DATASET', ['maxSteps', 'dataset'])).toBe('dataset');
    expect(suggestKey('completely-different', ['maxSteps', 'dataset'])).toBeNull();
    expect(suggestKey('x', [])).toBeNull();
    expect(knownKeysAt(runConfigSchema, ['rewards', 0])).toEqual(['name', 'weight']);
    expect(knownKeysAt(runConfigSchema, ['grpo'])).toContain('numGenerations');
    expect(knownKeysAt(runConfigSchema, ['maxSteps'])).toEqual([]);
  });
});

describe('impossible combinations', () => {
  it('a think score without a structured think is refused for GRPO', () => {
    for (const thinkingMode of ['free-form', 'guided-free-form', 'none'] as const) {
      const cfg = runConfigSchema.parse({ thinkingMode });
      const problems = runConfigProblems('grpo', cfg);
      expect(problems).toHaveLength(1);
      expect(problems[0]!.path).toBe('config.rewards');
      expect(problems[0]!.message).toMatch(new RegExp(`Tscore.*${thinkingMode} thinking.*0 at every step`));
    }
    expect(runConfigProblems('grpo', runConfigSchema.parse({ thinkingMode: 'free-form', rewards: [{ name: 'format', weight: 1 }, { name: 'escore', weight: 1 }] }))).toEqual([]);
  });

  it('a global batch must hold whole groups of num_generations', () => {
    const problems = runConfigProblems('grpo', runConfigSchema.parse({ grpo: { numGenerations: 5 } }));
    expect(problems).toEqual([
      { path: 'config.grpo.globalBatchSize', message: 'global batch 56 is not divisible by num_generations 5: a batch holds whole groups of 5 completions (e.g. 55 or 60)' },
    ]);
    expect(runConfigProblems('grpo', runConfigSchema.parse({ grpo: { numGenerations: 8, globalBatchSize: 64 } }))).toEqual([]);
    // SFT does not sample groups
    expect(runConfigProblems('sft', runConfigSchema.parse({ grpo: { numGenerations: 5 } }))).toEqual([]);
  });

  it('structured-think SFT needs a think', () => {
    const cfg = runConfigSchema.parse({ thinkingMode: 'none', sft: { withStructuredThinking: true } });
    expect(runConfigProblems('sft', cfg).map((p) => p.path)).toEqual(['config.sft.withStructuredThinking']);
  });

  it('the paper defaults and every preset are coherent', () => {
    expect(runConfigProblems('grpo', defaultRunConfig())).toEqual([]);
    expect(runConfigProblems('sft', defaultRunConfig())).toEqual([]);
    for (const p of LAUNCH_PRESETS) {
      const r = checkRunConfig(p.kind, applyPreset(p, {} as RunConfigInput));
      expect(r.ok, `${p.id}: ${r.ok ? '' : JSON.stringify(r.issues)}`).toBe(true);
    }
  });
});

describe('parseDatasetRef', () => {
  it('reads a dataset name with an optional first-N-clips suffix', () => {
    expect(parseDatasetRef('dream-1k')).toEqual({ name: 'dream-1k', limit: null });
    expect(parseDatasetRef('dream-1k:64')).toEqual({ name: 'dream-1k', limit: 64 });
    expect(parseDatasetRef(' my:set ')).toEqual({ name: 'my:set', limit: null });
  });
});
