import { describe, expect, it } from 'vitest';
import { summarizeCarebench, summarizeDream1k, summarizeVdc } from '../eval/summary';
import { summaryResultRows, type BenchmarkId } from '../eval/types';
import { BootstrapInputError, metricsOfIndices, mulberry32, pairClips, pairedBootstrap, quantileSorted, significanceWarnings, SMALL_SAMPLE_CLIPS, type BootstrapSample } from './bootstrap';

const dream = (clipId: string, subset: string, recall: number, precision: number, failed = false, nEvents = 3): BootstrapSample => ({
  clipId,
  benchmark: 'dream-1k',
  subset,
  failed,
  scores: failed ? { n_subjects: 1, n_shots: 1, n_events: nEvents } : { recall, precision, n_subjects: 1, n_shots: 1, n_events: nEvents },
});
const vdc = (clipId: string, accuracy: number, score: number, failed = false): BootstrapSample => ({ clipId, benchmark: 'vdc', subset: 'detailed', failed, scores: failed ? {} : { accuracy, score } });

/** The official value of a row (summary.ts → summaryResultRows), computed from sample records. */
function official(samples: readonly BootstrapSample[], benchmark: BenchmarkId, subset: string, metric: string): number | undefined {
  const s = samples.map((x) => ({ ...x, benchmark: x.benchmark as BenchmarkId }));
  const summary = benchmark === 'dream-1k' ? summarizeDream1k(s) : benchmark === 'vdc' ? summarizeVdc(s, subset) : summarizeCarebench(s);
  return summaryResultRows(summary).find((r) => r.subset === subset && r.metric === metric)?.value;
}

describe('paired bootstrap over clips', () => {
  // Hand-checked case (DREAM-1K overall F1):
  //  A: youtube R (1 + 0.5)/2 = 0.75, P 0.5; videvo (c4 failed) R 0, P 1 → R 0.375, P 0.75, F1 = 2·0.375·0.75/1.125 = 0.5
  //  B: youtube (c2 failed) R 1, P 1; videvo R (0.5 + 1)/2 = 0.75, P 0.75 → R 0.875, P 0.875, F1 0.875
  //  Δ = 87.5 − 50 = 37.5 percent points; c5 exists in B only (unpaired).
  const A = [dream('c1', 'youtube', 1, 0.5), dream('c2', 'youtube', 0.5, 0.5), dream('c3', 'videvo', 0, 1), dream('c4', 'videvo', 0, 0, true)];
  const B = [dream('c1', 'youtube', 1, 1), dream('c2', 'youtube', 0, 0, true), dream('c3', 'videvo', 0.5, 0.5), dream('c4', 'videvo', 1, 1), dream('c5', 'youtube', 0, 0)];

  it('computes Δ on the full paired set by the official aggregation (F1 of mean R and P, subsets averaged, failed excluded)', () => {
    const r = pairedBootstrap(A, B, { benchmark: 'dream-1k', subset: 'overall', metric: 'f1' }, { resamples: 200 });
    expect(r.valueA).toBeCloseTo(50, 10);
    expect(r.valueB).toBeCloseTo(87.5, 10);
    expect(r.delta).toBeCloseTo(37.5, 10);
    expect(r).toMatchObject({ n: 4, unpairedA: 0, unpairedB: 1, excludedA: 1, excludedB: 1, resamples: 200 });
    // Same as the stored EvalResult value of the paired clips.
    expect(r.valueA).toBeCloseTo(official(A, 'dream-1k', 'overall', 'f1') as number, 10);
    expect(r.valueB).toBeCloseTo(official(B.filter((s) => s.clipId !== 'c5'), 'dream-1k', 'overall', 'f1') as number, 10);
  });

  it('pins a hand-enumerated bootstrap distribution (two clips: Δ* ∈ {100, 50, 0} with probabilities ¼, ½, ¼)', () => {
    // A answers no question right, B clip x all right: resampling {x, y} gives Δ* = 100 (xx), 50 (xy, yx), 0 (yy).
    const r = pairedBootstrap([vdc('x', 0, 1), vdc('y', 0, 1)], [vdc('x', 1, 5), vdc('y', 0, 1)], { benchmark: 'vdc', subset: 'detailed', metric: 'accuracy' });
    expect(r.delta).toBe(50);
    expect(r.ciLow).toBe(0); // P(Δ* = 0) = ¼ > 2.5 %
    expect(r.ciHigh).toBe(100); // P(Δ* = 100) = ¼ > 2.5 %
    expect(r.ciContainsZero).toBe(true);
    // p = 2 · (#{Δ* ≤ 0} + 1)/(B + 1) ≈ 2 · ¼ = 0.5
    expect(r.p).toBeGreaterThan(0.47);
    expect(r.p).toBeLessThan(0.53);
  });

  it('matches an independent implementation that resamples sample records and runs the official summary', () => {
    const rand = mulberry32(7);
    const subsets = ['youtube', 'videvo', 'vertical_video'];
    const a: BootstrapSample[] = [];
    const b: BootstrapSample[] = [];
    for (let i = 0; i < 40; i++) {
      const u = () => Math.round((rand() / 2 ** 32) * 8) / 8;
      a.push(dream(`k${i}`, subsets[i % 3], u(), u(), i % 11 === 3, 1 + (i % 9)));
      b.push(dream(`k${i}`, subsets[i % 3], u(), u(), i % 13 === 5, 1 + (i % 9)));
    }
    for (const [subset, metric] of [['overall', 'f1'], ['overall', 'recall'], ['videvo', 'precision'], ['n_events:in [4, 5]', 'f1']] as const) {
      const resamples = 300;
      const seed = 99;
      const r = pairedBootstrap(a, b, { benchmark: 'dream-1k', subset, metric }, { resamples, seed });
      // Independent: the same draws, materialised as sample lists, summarised by core/eval/summary.ts.
      const rng = mulberry32(seed);
      const ids = [...new Set(a.map((s) => s.clipId))].sort();
      const inRow = (s: BootstrapSample) => (subset === 'overall' || s.subset === subset || subset.startsWith('n_events:'));
      const pa = ids.map((id) => a.find((s) => s.clipId === id) as BootstrapSample).filter(inRow);
      const pb = ids.map((id) => b.find((s) => s.clipId === id) as BootstrapSample).filter(inRow);
      const inBucket = (s: BootstrapSample) => !subset.startsWith('n_events:') || (s.scores.n_events >= 4 && s.scores.n_events <= 5);
      const fa = pa.filter(inBucket);
      const fb = pb.filter(inBucket);
      const officialSubset = subset;
      const deltas: number[] = [];
      for (let k = 0; k < resamples; k++) {
        const draw = Array.from({ length: fa.length }, () => Math.floor((rng() / 4294967296) * fa.length));
        const va = official(draw.map((i) => ({ ...fa[i], clipId: `${fa[i].clipId}#${k}` })), 'dream-1k', officialSubset, metric);
        const vb = official(draw.map((i) => ({ ...fb[i], clipId: `${fb[i].clipId}#${k}` })), 'dream-1k', officialSubset, metric);
        if (va === undefined || vb === undefined) continue;
        deltas.push(vb - va);
      }
      deltas.sort((x, y) => x - y);
      expect(r.delta).toBeCloseTo((official(fb, 'dream-1k', subset, metric) as number) - (official(fa, 'dream-1k', subset, metric) as number), 9);
      expect(r.resamples - r.undefinedResamples).toBe(deltas.length);
      expect(r.ciLow).toBeCloseTo(quantileSorted(deltas, 0.025), 9);
      expect(r.ciHigh).toBeCloseTo(quantileSorted(deltas, 0.975), 9);
      const le = deltas.filter((d) => d <= 1e-12).length;
      const ge = deltas.filter((d) => d >= -1e-12).length;
      expect(r.p).toBeCloseTo(Math.min(1, (2 * (Math.min(le, ge) + 1)) / (deltas.length + 1)), 9);
    }
  });

  it('recomputes VDC official_script_* and CAREBENCH as their aggregations do', () => {
    const a = [vdc('1', 0.5, 2), vdc('2', 0, 3), vdc('3', 1, 0), vdc('4', 0.25, 1), vdc('5', 0, 0, true)];
    const b = [vdc('1', 1, 4), vdc('2', 0.5, 3), vdc('3', 0.5, 2), vdc('4', 0, 1), vdc('5', 1, 5)];
    for (const metric of ['accuracy', 'score', 'official_script_accuracy', 'official_script_score']) {
      const p = pairClips(a, b, { benchmark: 'vdc', subset: 'detailed', metric });
      const m = metricsOfIndices(p, [0, 1, 2, 3, 4]);
      expect(m.a).toBeCloseTo(official(a, 'vdc', 'detailed', metric) as number, 10);
      expect(m.b).toBeCloseTo(official(b, 'vdc', 'detailed', metric) as number, 10);
    }
    const cb = (clipId: string, ar: number, ap: number, or: number, op: number): BootstrapSample => ({
      clipId,
      benchmark: 'carebench',
      subset: 'overall',
      failed: false,
      scores: { action_recall: ar, action_precision: ap, object_recall: or, object_precision: op },
    });
    const ca = [cb('p', 1, 0.5, 0.2, 0.4), cb('q', 0.5, 0.25, 1, 1), cb('r', 0, 0, 0.5, 0.5)];
    for (const metric of ['action_f1', 'action_precision', 'object_f1', 'object_recall']) {
      const p = pairClips(ca, ca, { benchmark: 'carebench', subset: 'overall', metric });
      expect(metricsOfIndices(p, [0, 1, 2]).a).toBeCloseTo(official(ca, 'carebench', 'overall', metric) as number, 10);
    }
  });

  it('is deterministic for a seed and changes with the seed', () => {
    const row = { benchmark: 'dream-1k', subset: 'overall', metric: 'f1' } as const;
    const r1 = pairedBootstrap(A, B, row, { seed: 5, resamples: 1000 });
    const r2 = pairedBootstrap(A, B, row, { seed: 5, resamples: 1000 });
    const r3 = pairedBootstrap(A, B, row, { seed: 6, resamples: 1000 });
    expect(r2).toEqual(r1);
    expect([r3.ciLow, r3.ciHigh, r3.p]).not.toEqual([r1.ciLow, r1.ciHigh, r1.p]);
  });

  it('gives Δ 0, interval [0, 0] and p 1 for an identical pair', () => {
    const r = pairedBootstrap(A, A, { benchmark: 'dream-1k', subset: 'overall', metric: 'f1' });
    expect(r).toMatchObject({ delta: 0, ciLow: 0, ciHigh: 0, p: 1, ciContainsZero: true, resamples: 10_000, n: 4 });
  });

  it('gives a small p and an interval above 0 for a clear difference', () => {
    const rand = mulberry32(3);
    const u = () => rand() / 2 ** 32;
    const a = Array.from({ length: 200 }, (_, i) => dream(`v${i}`, 'youtube', 0.3 + 0.2 * u(), 0.3 + 0.2 * u()));
    const b = a.map((s) => dream(s.clipId, 'youtube', Math.min(1, s.scores.recall + 0.1 + 0.1 * u()), Math.min(1, s.scores.precision + 0.05 * u())));
    const r = pairedBootstrap(a, b, { benchmark: 'dream-1k', subset: 'overall', metric: 'f1' });
    expect(r.delta).toBeGreaterThan(0);
    expect(r.ciLow).toBeGreaterThan(0);
    expect(r.ciContainsZero).toBe(false);
    expect(r.p).toBeLessThan(0.001);
    expect(r.p).toBeCloseTo(2 / 10_001, 10); // no resample crosses 0: the smallest p the add-one rule gives
  });

  it('says what is wrong with bad input', () => {
    expect(() => pairedBootstrap(A, B, { benchmark: 'dream-1k', subset: 'overall', metric: 'accuracy' })).toThrow(/metric "accuracy" is not a dream-1k metric/);
    expect(() => pairedBootstrap(A, [dream('zz', 'youtube', 1, 1)], { benchmark: 'dream-1k', subset: 'overall', metric: 'f1' })).toThrow(/no clip of dream-1k\/overall f1 is evaluated in both rows/);
    expect(() => pairedBootstrap([dream('c1', 'youtube', 0, 0, true)], A, { benchmark: 'dream-1k', subset: 'overall', metric: 'f1' })).toThrow(/A has no scored clip/);
    expect(() => pairedBootstrap(A, B, { benchmark: 'vdc', subset: 'overall', metric: 'accuracy' })).toThrow(BootstrapInputError);
    expect(() => pairedBootstrap(A, B, { benchmark: 'dream-1k', subset: 'overall', metric: 'f1' }, { resamples: 0 })).toThrow(/resamples/);
  });
});

describe('significanceWarnings', () => {
  const side = (label: string, over: Partial<{ simulated: boolean; lexical: boolean }> = {}) => ({ label, name: `run ${label}`, simulated: false, lexical: false, ...over });
  it('warns below 30 paired clips, when more than half of a side is unpaired, and names simulated / lexical-judge sides', () => {
    const w = significanceWarnings({ n: 6, unpairedA: 0, unpairedB: 14 }, side('A', { simulated: true }), side('B', { lexical: true }));
    expect(w.map((x) => x.kind)).toEqual(['small-sample', 'mostly-unpaired', 'simulated', 'lexical-judge']);
    expect(w[0]!.message).toMatch(/only 6 paired clips/);
    expect(w[1]!.message).toMatch(/14 of B's 20 clips/);
  });
  it('says nothing for 30+ mostly paired clips of real LLM-judged evaluations', () => {
    expect(significanceWarnings({ n: SMALL_SAMPLE_CLIPS, unpairedA: 30, unpairedB: 0 }, side('A'), side('B'))).toEqual([]);
  });
});
