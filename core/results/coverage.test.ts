import { describe, expect, it } from 'vitest';
import { avgCell } from './ablations';
import { CAREBENCH_SAMPLE_LABEL, compareBenchmarkPreset, partialCoverage, syntheticSampleOf } from './coverage';
import { measuredRow, type MeasuredEval, type MeasuredResult } from './measured';
import { measuredJudge, TABLE1_COLUMNS, TABLE23_COLUMNS, type TableRow } from './model';
import { cellSymbols, buildView } from './view';

const res = (benchmark: string, subset: string, metric: string, value: number, clips: number, sample: string | null = null): MeasuredResult => ({
  benchmark, subset, metric, value, judgeKind: 'openai', judgeModel: 'Qwen2.5-72B-Instruct', simulated: false, sample, clips, failedClips: 0, origin: 'measured',
});
const ev = (results: MeasuredResult[]): MeasuredEval => ({
  evalRunId: 'e1', name: 'e1', status: 'succeeded', createdAt: '2026-01-01T00:00:00Z', modelName: 'm', checkpointId: null, checkpointStep: null, trainedRunId: null, trainedRunName: null,
  trainedOnBenchmarks: [], benchmarks: null, group: 'ours', results,
});

describe('synthetic sample and coverage', () => {
  it('CAREBENCH on a server evaluation (shipped sample) is synthetic; a CLI import naming real annotations is not; other benchmarks never are', () => {
    expect(syntheticSampleOf('carebench', { benchmarks: ['carebench'] } as never)).toBe(CAREBENCH_SAMPLE_LABEL);
    expect(syntheticSampleOf('carebench', { cli: 'videocap eval', annotations: null })).toBe(CAREBENCH_SAMPLE_LABEL);
    expect(syntheticSampleOf('carebench', { cli: 'videocap eval', annotations: '/data/CaReBench/metadata.json' })).toBeNull();
    expect(syntheticSampleOf('dream-1k', null)).toBeNull();
  });

  it('partial coverage: fewer clips than the full set (DREAM-1K 1,000, VDC detailed 1,027)', () => {
    expect(partialCoverage('dream-1k', 'overall', 21)).toEqual({ clips: 21, full: 1000 });
    expect(partialCoverage('dream-1k', 'overall', 1000)).toBeNull();
    expect(partialCoverage('vdc', 'detailed', 1027)).toBeNull();
    expect(partialCoverage('vdc', 'detailed', 1000)).toEqual({ clips: 1000, full: 1027 });
    expect(partialCoverage('dream-1k', 'overall', null)).toBeNull();
  });

  it('a measured row marks a 21-clip DREAM-1K cell n=21 and the synthetic CAREBENCH cell § (LLM judge too), and neither is ranked', () => {
    const row = measuredRow(ev([res('dream-1k', 'overall', 'f1', 40, 21), res('carebench', 'overall', 'object_recall', 88, 8, CAREBENCH_SAMPLE_LABEL)]), TABLE1_COLUMNS);
    const view = buildView('t', [row], TABLE1_COLUMNS, [{ id: 'ours', label: 'Ours' }], { among: 'all' });
    const cells = view.groups[0]!.rows[0]!.cells;
    const f1 = cells.find((c) => c.columnId === 'dream-1k:f1')!;
    const care = cells.find((c) => c.columnId === 'carebench:object_recall')!;
    expect(cellSymbols(f1)).toEqual(['n=21']);
    expect(cellSymbols(care)).toEqual(['§', 'n=8']);
    expect([f1.rank, f1.ranked, care.rank, care.ranked]).toEqual([null, false, null, false]);
  });

  it('Tables 2–4: an AVG over cells of mixed/partial coverage is marked n=mixed and not ranked', () => {
    const row = measuredRow(ev([res('dream-1k', 'overall', 'f1', 30, 21), res('vdc', 'detailed', 'accuracy', 40, 1027), res('carebench', 'overall', 'action_f1', 20, 1000), res('carebench', 'overall', 'object_f1', 10, 1000)]), TABLE23_COLUMNS);
    const full: TableRow = measuredRow(ev([res('dream-1k', 'overall', 'f1', 10, 1000), res('vdc', 'detailed', 'accuracy', 10, 1027), res('carebench', 'overall', 'action_f1', 10, 1000), res('carebench', 'overall', 'object_f1', 10, 1000)]), TABLE23_COLUMNS);
    const of = ['dream-1k:f1', 'vdc:accuracy', 'carebench:action_f1', 'carebench:object_f1'];
    row.cells.avg = avgCell(row, of);
    full.id = 'eval:full';
    full.cells.avg = avgCell(full, of);
    expect(row.cells.avg.mixedCoverage).toMatch(/dream-1k:f1 on 21 of 1000 clips/);
    expect(full.cells.avg.mixedCoverage).toBeNull();
    const view = buildView('t', [row, full], TABLE23_COLUMNS, [{ id: 'ours', label: 'Ours' }]);
    const avg = view.groups[0]!.rows[0]!.cells.find((c) => c.columnId === 'avg')!;
    expect(cellSymbols(avg)).toEqual(['n=mixed']);
    expect(avg.ranked).toBe(false);
    expect(view.groups[0]!.rows[1]!.cells.find((c) => c.columnId === 'avg')!.rank).toBe(1);
  });
});

describe('compareBenchmarkPreset', () => {
  const r = (benchmark: string) => ({ benchmark, checkpointId: null });
  it('presets the first real benchmark in the paper order, never the synthetic CAREBENCH sample when a real one is present', () => {
    expect(compareBenchmarkPreset([r('carebench'), r('vdc'), r('dream-1k')], { benchmarks: ['dream-1k', 'vdc', 'carebench'] } as never)?.benchmark).toBe('dream-1k');
    expect(compareBenchmarkPreset([r('carebench'), r('vdc')], {})?.benchmark).toBe('vdc');
    expect(compareBenchmarkPreset([r('carebench')], {})?.benchmark).toBe('carebench');
    expect(compareBenchmarkPreset([], {})).toBeNull();
  });
});
