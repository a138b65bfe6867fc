import { describe, expect, it } from 'vitest';
import { ABLATION_DEFS, ablationMeasuredRows, chooseAblationRows, isBaselineEval, runMatchesRow, type AblationCandidate } from './ablations';

const rows = (t: keyof typeof ABLATION_DEFS) => Object.fromEntries(ABLATION_DEFS[t].rows.map((r) => [r.key, r]));
const grpo = (thinkingMode: string, ...names: string[]) => ({ kind: 'grpo', config: { thinkingMode, rewards: names.map((name) => ({ name, weight: 1 })) } });

describe('runMatchesRow', () => {
  it('GRPO rows match on thinking mode and the set of reward components (weights and order ignored)', () => {
    const t3 = rows('table3');
    expect(runMatchesRow(t3['wo-caption']!, grpo('structured', 'tscore', 'format'))).toBe(true);
    expect(runMatchesRow(t3['wo-caption']!, grpo('structured', 'format', 'tscore', 'escore'))).toBe(false);
    expect(runMatchesRow(t3['tscore-escore']!, { kind: 'grpo', config: { thinkingMode: 'structured', rewards: [{ name: 'escore', weight: 2 }, { name: 'format', weight: 1 }, { name: 'tscore', weight: 1 }] } })).toBe(true);
    expect(runMatchesRow(rows('table4')['free-form']!, grpo('free-form', 'format', 'escore'))).toBe(true);
    expect(runMatchesRow(rows('table4')['free-form']!, grpo('guided-free-form', 'format', 'escore'))).toBe(false);
    expect(runMatchesRow(t3.baseline!, grpo('structured', 'format'))).toBe(false);
  });
  it('SFT rows match on kind and structured thinking', () => {
    const t2 = rows('table2');
    expect(runMatchesRow(t2.sft!, { kind: 'sft', config: { sft: { withStructuredThinking: false } } })).toBe(true);
    expect(runMatchesRow(t2.sft!, { kind: 'sft', config: {} })).toBe(true);
    expect(runMatchesRow(t2['sft-structured']!, { kind: 'sft', config: { sft: { withStructuredThinking: true } } })).toBe(true);
    expect(runMatchesRow(t2['sft-structured']!, { kind: 'grpo', config: { sft: { withStructuredThinking: true } } })).toBe(false);
  });
});

describe('isBaselineEval', () => {
  it('is an imported evaluation of the base model by name', () => {
    expect(isBaselineEval({ modelName: 'Qwen2-VL-7B', checkpointId: null })).toBe(true);
    expect(isBaselineEval({ modelName: 'qwen2-vl-7b-instruct', checkpointId: null })).toBe(true);
    expect(isBaselineEval({ modelName: 'Qwen2-VL-72B', checkpointId: null })).toBe(false);
    expect(isBaselineEval({ modelName: 'Qwen2-VL-7B', checkpointId: 'ck' })).toBe(false);
  });
});

const cand = (id: string, status: string, trainedRun: AblationCandidate['trainedRun'], values: Record<string, number> = { 'dream-1k:f1': 30, 'vdc:accuracy': 40, 'carebench:action_f1': 20, 'carebench:object_f1': 10 }, modelName: string | null = null): AblationCandidate => ({
  evalRunId: id,
  name: id,
  status,
  createdAt: '2026-01-01T00:00:00Z',
  modelName,
  checkpointId: trainedRun ? `ck-${id}` : null,
  checkpointStep: trainedRun ? 10 : null,
  trainedRunId: trainedRun?.id ?? null,
  trainedRunName: trainedRun?.name ?? null,
  trainedOnBenchmarks: [],
  benchmarks: null,
  group: null,
  trainedRun,
  results:
    status === 'succeeded'
      ? Object.entries(values).map(([k, value]) => {
          const [benchmark, metric] = k.split(':') as [string, string];
          return { benchmark, subset: benchmark === 'vdc' ? 'detailed' : 'overall', metric, value, judgeKind: 'lexical', judgeModel: 'lexical-judge-v2', simulated: false, clips: 5, failedClips: 0, origin: 'measured' };
        })
      : [],
});

describe('chooseAblationRows', () => {
  const run = { id: 'r1', name: 'wo-caption run', ...grpo('structured', 'format', 'tscore') };
  const other = { id: 'r2', name: 'default run', ...grpo('structured', 'format', 'tscore', 'escore') };
  const candidates = [cand('e-running', 'running', run), cand('e-new', 'succeeded', run), cand('e-old', 'succeeded', run), cand('e-other', 'succeeded', other), cand('e-base', 'succeeded', null, undefined, 'Qwen2-VL-7B')];
  const def = ABLATION_DEFS.table3;

  it('takes the newest finished evaluation of a matching run; the baseline from the base model; a pick overrides', () => {
    const c = Object.fromEntries(chooseAblationRows(def, candidates, { 'tscore-escore': 'e-old' }).map((x) => [x.def.key, x]));
    expect([c['wo-caption']!.evalRunId, c['wo-caption']!.how]).toEqual(['e-new', 'matched']);
    expect(c['wo-caption']!.matchingRuns).toEqual([{ id: 'r1', name: 'wo-caption run' }]);
    expect(c['wo-caption']!.options.slice(0, 3).map((o) => [o.evalRunId, o.matches])).toEqual([['e-running', true], ['e-new', true], ['e-old', true]]);
    expect([c.baseline!.evalRunId, c.baseline!.how]).toEqual(['e-base', 'matched']);
    expect([c['tscore-escore']!.evalRunId, c['tscore-escore']!.how]).toEqual(['e-old', 'picked']);
    expect(c['tscore-cnscore']!.how).toBe('none');
    expect(c['tscore-cnscore']!.emptyReason).toMatch(/no evaluated run matches the preset "Table 3 · Tscore \+ CNscore"/);
  });

  it('rows carry check marks, AVG of the printed values, and a reason when empty', () => {
    const choices = chooseAblationRows(def, candidates);
    const out = Object.fromEntries(ablationMeasuredRows(def, choices, candidates).map((r) => [r.id, r]));
    expect(out['table3:wo-caption']!.flags).toEqual({ tscore: true, cnscore: false, escore: false });
    expect(out['table3:wo-caption']!.cells.avg!.value).toBe(25);
    expect(out['table3:wo-caption']!.cells.avg!.judge!.classKey).toBe('lexical:lexical-judge-v2');
    expect(out['table3:wo-caption']!.evalRunId).toBe('e-new');
    expect(out['table3:tscore-cnscore']!.cells['dream-1k:f1']!.missingReason).toMatch(/no evaluated run matches/);
    expect(out['table3:tscore-cnscore']!.cells.avg!.value).toBeNull();
  });
});
