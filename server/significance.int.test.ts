/** Integration: significance.pair / significance.rows on seeded per-clip records (real PostgreSQL). */
import { describe, expect, it } from 'vitest';
import { pairedBootstrap } from '../core/results/bootstrap';
import { evalSampleSchema } from '../core/eval/types';
import { createCaller } from './api/root';
import { db } from './db';
import { applyEvalIngest } from './services/evals';
import { syntheticDreamBatch } from './testing/eval-fixtures';

const caller = createCaller({ db: db(), headers: new Headers() });

async function evalRun(name: string, batch: ReturnType<typeof syntheticDreamBatch>): Promise<string> {
  const run = await db().run.create({ data: { name, kind: 'eval', backend: 'import', status: 'succeeded', config: {} } });
  await applyEvalIngest(db(), run.id, { evalSamples: batch.samples.map((s) => evalSampleSchema.parse(s)), evalResults: batch.results });
  return run.id;
}

describe('significance.pair', () => {
  it('bootstraps two stored evaluation runs: Δ of the stored values, CI, p, unpaired and failed clips', async () => {
    const stamp = Date.now().toString(36);
    const a = syntheticDreamBatch({ clips: 120, quality: 0.4, seed: 1, failEvery: 17 });
    const b = syntheticDreamBatch({ clips: 130, quality: 0.55, seed: 2, failEvery: 23 });
    const idA = await evalRun(`sig-a-${stamp}`, a);
    const idB = await evalRun(`sig-b-${stamp}`, b);
    const r = await caller.significance.pair({ a: { runId: idA }, b: { runId: idB }, benchmark: 'dream-1k', metric: 'f1' });
    // B has clips 121–130 that A lacks: reported, not used.
    expect(r).toMatchObject({ n: 120, unpairedA: 0, unpairedB: 10, excludedA: 7, resamples: 10_000, sameJudge: true, metric: 'f1', subset: 'overall' });
    expect(r.a.name).toBe(`sig-a-${stamp}`);
    // On the paired clips A is its stored value exactly (all of A's clips are paired).
    expect(r.valueA).toBeCloseTo(r.a.storedValue as number, 9);
    expect(r.delta).toBeGreaterThan(5);
    expect(r.ciLow).toBeGreaterThan(0);
    expect(r.ciLow).toBeLessThan(r.delta);
    expect(r.ciHigh).toBeGreaterThan(r.delta);
    expect(r.p).toBeLessThan(0.01);
    // The same numbers as the pure function on the records (the server adds no arithmetic).
    const pure = pairedBootstrap(a.samples.map((s) => evalSampleSchema.parse(s)), b.samples.map((s) => evalSampleSchema.parse(s)), { benchmark: 'dream-1k', subset: 'overall', metric: 'f1' });
    expect([r.delta, r.ciLow, r.ciHigh, r.p]).toEqual([pure.delta, pure.ciLow, pure.ciHigh, pure.p]);

    // The same run against itself: no difference.
    const same = await caller.significance.pair({ a: { runId: idA }, b: { runId: idA }, benchmark: 'dream-1k', subset: 'movie_animation', metric: 'recall' });
    expect(same).toMatchObject({ delta: 0, p: 1, ciContainsZero: true });

    // The pickers list both rows with their metrics.
    const { rows } = await caller.significance.rows();
    const mine = rows.filter((x) => x.runId === idA || x.runId === idB);
    expect(mine).toHaveLength(2);
    expect(mine[0].metrics).toEqual(['f1', 'precision', 'recall']);
    expect(mine[0].subsets[0]).toBe('overall');
  });

  it('warns next to the verdict: 6 paired clips (< 30), most of B unpaired, A simulated, both lexical-judged', async () => {
    const stamp = Date.now().toString(36);
    const a = syntheticDreamBatch({ clips: 6, quality: 0.2, seed: 41 });
    const simulatedA = { ...a, results: a.results.map((r) => ({ ...r, simulated: true, provenance: { ...r.provenance, method: 'local-policy' as const, simulated: true } })) };
    const idA = await evalRun(`sig-w-a-${stamp}`, simulatedA);
    const idB = await evalRun(`sig-w-b-${stamp}`, syntheticDreamBatch({ clips: 20, quality: 0.9, seed: 42 }));
    const r = await caller.significance.pair({ a: { runId: idA }, b: { runId: idB }, benchmark: 'dream-1k', metric: 'f1' });
    expect(r.n).toBe(6);
    expect(r.warnings.map((w) => w.kind)).toEqual(['small-sample', 'mostly-unpaired', 'simulated', 'lexical-judge', 'lexical-judge']);
    expect(r.warnings[0]!.message).toMatch(/only 6 paired clips \(fewer than 30\)/);
    expect(r.warnings[2]!.message).toMatch(/^A \(sig-w-a-.*\) is a simulated evaluation/);
    expect(r.a).toMatchObject({ simulated: true, lexical: true });
    expect(r.b).toMatchObject({ simulated: false, lexical: true });
  });

  it('says what is wrong: unknown run, other benchmark, unknown metric, no clip in common', async () => {
    const stamp = Date.now().toString(36);
    const idA = await evalRun(`sig-e-a-${stamp}`, syntheticDreamBatch({ clips: 10, quality: 0.5, seed: 3 }));
    const idC = await evalRun(`sig-e-c-${stamp}`, syntheticDreamBatch({ clips: 10, quality: 0.5, seed: 4, firstClip: 500 }));
    await expect(caller.significance.pair({ a: { runId: idA }, b: { runId: 'nope' }, benchmark: 'dream-1k', metric: 'f1' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'B: run nope does not exist' });
    await expect(caller.significance.pair({ a: { runId: idA }, b: { runId: idC }, benchmark: 'vdc', subset: 'detailed', metric: 'accuracy' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/A: run "sig-e-a-.*" was evaluated on dream-1k, not vdc: the two rows must be measured on the same benchmark/),
    });
    await expect(caller.significance.pair({ a: { runId: idA }, b: { runId: idC }, benchmark: 'dream-1k', metric: 'accuracy' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/"accuracy" is not a dream-1k metric/) });
    await expect(caller.significance.pair({ a: { runId: idA }, b: { runId: idC }, benchmark: 'dream-1k', metric: 'f1' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/no clip of dream-1k\/overall f1 is evaluated in both rows \(A has 10, B has 10 clips\)/) });
  });
});

describe('significance.against', () => {
  it('bootstraps every measured row against the baseline per column, skips what cannot be compared, and answers again from the cache', async () => {
    const stamp = Date.now().toString(36);
    const base = syntheticDreamBatch({ clips: 60, quality: 0.4, seed: 21 });
    const idBase = await evalRun(`sig-x-base-${stamp}`, base);
    const idSame = await evalRun(`sig-x-same-${stamp}`, syntheticDreamBatch({ clips: 60, quality: 0.4, seed: 21 }));
    const idBetter = await evalRun(`sig-x-better-${stamp}`, syntheticDreamBatch({ clips: 60, quality: 0.7, seed: 22 }));
    const input = {
      baseline: { runId: idBase },
      rows: [{ runId: idSame }, { runId: idBetter }],
      columns: [
        { benchmark: 'dream-1k' as const, subset: 'overall', metric: 'f1' },
        { benchmark: 'vdc' as const, subset: 'detailed', metric: 'accuracy' },
      ],
    };
    const r = await caller.significance.against(input);
    expect(r.cells).toHaveLength(2);
    const same = r.cells.find((c) => c.runId === idSame)!;
    expect(same).toMatchObject({ column: 'dream-1k:overall:f1', delta: 0, p: 1, ciContainsZero: true, n: 60 });
    const better = r.cells.find((c) => c.runId === idBetter)!;
    expect(better.ciContainsZero).toBe(false);
    expect(better.ciLow).toBeGreaterThan(0);
    const pair = await caller.significance.pair({ a: { runId: idBase }, b: { runId: idBetter }, benchmark: 'dream-1k', metric: 'f1' });
    expect([better.delta, better.ciLow, better.ciHigh, better.p]).toEqual([pair.delta, pair.ciLow, pair.ciHigh, pair.p]);
    expect(r.skipped).toEqual([
      { runId: idSame, column: 'vdc:detailed:accuracy', reason: 'the baseline has no vdc per-clip records' },
      { runId: idBetter, column: 'vdc:detailed:accuracy', reason: 'the baseline has no vdc per-clip records' },
    ]);
    expect(same.warnings).toEqual([]);
    // a row on a dozen clips: its hover carries the small-sample caveat
    const idSmall = await evalRun(`sig-x-small-${stamp}`, syntheticDreamBatch({ clips: 12, quality: 0.7, seed: 23 }));
    const small = await caller.significance.against({ baseline: { runId: idBase }, rows: [{ runId: idSmall }], columns: [input.columns[0]] });
    expect(small.cells[0].n).toBe(12);
    expect(small.cells[0].warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^only 12 paired clips \(fewer than 30\)/), expect.stringMatching(/^48 of the baseline's 60 clips \(80%\) have no partner/)]));
    const t0 = performance.now();
    expect(await caller.significance.against(input)).toEqual(r);
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
});
