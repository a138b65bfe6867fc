/**
 * Integration: the results service and router on the real database — reported rows (paper,
 * leaderboards) beside measured rows (one per evaluation run), judge marks, comparable-judge
 * ranking, trained-on-test marks, missing-cell reasons, stored row groups, Tables 2–4 from runs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { benchmarkFullClips } from '../core/results/coverage';
import { createCaller } from './api/root';
import { db } from './db';

const caller = createCaller({ db: db(), headers: new Headers() });
const tag = `results-int-${Date.now().toString(36)}`;
let evalA = '';
let evalB = '';
let evalC = '';
let evalD = '';
let evalBase = '';
let trained = '';

type R = { benchmark: string; subset: string; metric: string; value: number };
const lexical = { judgeKind: 'lexical', judgeModel: 'lexical-judge-v2' };
const llm = { judgeKind: 'openai', judgeModel: 'Qwen2.5-72B-Instruct' };

async function evalRun(name: string, config: Record<string, unknown>, results: R[], judge: { judgeKind: string; judgeModel: string }, extra: { parentRunId?: string; modelName?: string | null; checkpointId?: string | null; simulated?: boolean; clips?: number } = {}) {
  const run = await db().run.create({ data: { name: `${tag} ${name}`, kind: 'eval', backend: 'local', status: 'succeeded', config: config as object, parentRunId: extra.parentRunId ?? null } });
  await db().evalResult.createMany({
    data: results.map((r) => ({ runId: run.id, ...r, ...judge, origin: extra.checkpointId ? 'measured' : 'measured', modelName: extra.modelName ?? null, checkpointId: extra.checkpointId ?? null, clips: extra.clips ?? benchmarkFullClips(r.benchmark, r.subset) ?? 12, failedClips: 1, simulated: extra.simulated ?? false })),
  });
  // per-clip breakdown rows the table must not read
  await db().evalResult.create({ data: { runId: run.id, benchmark: 'dream-1k', subset: 'n_events:<=3', metric: 'f1', value: 99, ...judge } });
  return run.id;
}

const dream = (f1: number, p: number, r: number): R[] => [
  { benchmark: 'dream-1k', subset: 'overall', metric: 'f1', value: f1 },
  { benchmark: 'dream-1k', subset: 'overall', metric: 'precision', value: p },
  { benchmark: 'dream-1k', subset: 'overall', metric: 'recall', value: r },
];
const care = (a: number, o: number): R[] => [
  { benchmark: 'carebench', subset: 'overall', metric: 'action_f1', value: a },
  { benchmark: 'carebench', subset: 'overall', metric: 'object_f1', value: o },
];

beforeAll(async () => {
  const imported = (model: string) => ({ benchmarks: ['dream-1k', 'vdc'], vdcQaSets: ['detailed'], judge: { kind: 'lexical' }, source: { kind: 'imported', captionSourceId: 'x', model } });
  evalA = await evalRun('A', imported(`${tag}-model-A`), [...dream(40.04, 41, 39), { benchmark: 'vdc', subset: 'detailed', metric: 'accuracy', value: 45 }, { benchmark: 'vdc', subset: 'main_object', metric: 'accuracy', value: 80 }], lexical, { modelName: `${tag}-model-A` });
  evalB = await evalRun('B', { ...imported(`${tag}-model-B`), benchmarks: ['dream-1k'] }, dream(39.96, 40, 20), lexical, { modelName: `${tag}-model-B` });
  evalC = await evalRun('C', { ...imported(`${tag}-model-C`), benchmarks: ['dream-1k'] }, dream(70, 70, 70), llm, { modelName: `${tag}-model-C` });
  // a trained run (Table 3 "w/o caption score": format + Tscore) trained on DREAM-1K clips, evaluated at a checkpoint
  const t = await db().run.create({
    data: { name: `${tag} trained`, kind: 'grpo', backend: 'local', status: 'succeeded', trainedOnBenchmarks: ['dream-1k'], config: { thinkingMode: 'structured', rewards: [{ name: 'format', weight: 1 }, { name: 'tscore', weight: 1 }] } },
  });
  trained = t.id;
  const ck = await db().checkpoint.create({ data: { runId: t.id, step: 40n, path: '/tmp/ck-40' } });
  evalD = await evalRun(
    'D',
    { benchmarks: ['dream-1k', 'vdc', 'carebench'], judge: { kind: 'lexical' }, source: { kind: 'checkpoint', runId: t.id, checkpointId: ck.id } },
    [...dream(30, 31, 29), { benchmark: 'vdc', subset: 'detailed', metric: 'accuracy', value: 41 }, ...care(33, 32)],
    lexical,
    { parentRunId: t.id, checkpointId: ck.id },
  );
  evalBase = await evalRun('base', { ...imported('Qwen2-VL-7B'), benchmarks: ['dream-1k', 'vdc', 'carebench'] }, [...dream(28, 30, 26), { benchmark: 'vdc', subset: 'detailed', metric: 'accuracy', value: 38 }, ...care(30, 26)], lexical, { modelName: 'Qwen2-VL-7B' });
});

const cellOf = (view: Awaited<ReturnType<typeof caller.results.table1>>['view'], rowId: string, columnId: string) => {
  const row = view.groups.flatMap((g) => g.rows).find((r) => r.row.id === rowId);
  if (!row) throw new Error(`row ${rowId} not in the table`);
  return { row, cell: row.cells[view.columns.findIndex((c) => c.id === columnId)]! };
};

describe('results.table1', () => {
  it('shows the paper and leaderboard rows with their sources, judges and asterisks', async () => {
    const { view } = await caller.results.table1();
    const tarsier = cellOf(view, 'paper:ShareGPT4Video-8B', 'dream-1k:f1');
    expect(tarsier.cell.reproduced).toBe(true);
    expect(tarsier.row.row.source).toMatch(/VideoCap-R1 paper/);
    const gpt = cellOf(view, 'lb:dream-1k:GPT-4o', 'dream-1k:f1');
    expect(gpt.cell.value).toBe(38.3);
    expect(gpt.row.row.group).toBe('proprietary');
    expect(gpt.cell.judge!.label).toMatch(/leaderboard/);
    // best reported DREAM-1K F1 is Tarsier2-7B's 38.9 on its leaderboard; second GPT-4o's 38.3
    expect(cellOf(view, 'lb:dream-1k:Tarsier2-7B', 'dream-1k:f1').cell.rank).toBe(1);
    expect(gpt.cell.rank).toBe(2);
    // Δ on the paper's own row against its base model, as printed: 34.2 (+4.4)
    const r1 = cellOf(view, 'paper:VideoCap-R1', 'dream-1k:f1').cell;
    expect([r1.text, r1.delta]).toEqual(['34.2', '+4.4']);
    expect(view.footnotes.map((f) => f.key)).toContain('reproduced');
  });

  it('measured rows name their judge; lexical cells are marked and not ranked against reported ones', async () => {
    const { view, judgeClasses } = await caller.results.table1();
    const a = cellOf(view, `eval:${evalA}`, 'dream-1k:f1');
    expect(a.row.row.label).toBe(`${tag}-model-A`);
    expect(a.row.row.evalRunId).toBe(evalA);
    expect(a.cell.value).toBeCloseTo(40.04);
    expect(a.cell.lexical).toBe(true);
    expect(a.cell.judge!.classKey).toBe('lexical:lexical-judge-v2');
    expect(a.cell.offMajority).toBe(true);
    expect(a.cell.ranked).toBe(false);
    expect(a.cell.rank).toBeNull();
    expect(a.cell.evalRunId).toBe(evalA);
    expect(a.cell.clips).toBe(1000);
    // VDC: the "detailed" set, not main_object
    expect(cellOf(view, `eval:${evalA}`, 'vdc:accuracy').cell.value).toBe(45);
    // a benchmark not evaluated: "–" with the reason
    const miss = cellOf(view, `eval:${evalA}`, 'carebench:action_f1').cell;
    expect(miss.value).toBeNull();
    expect(miss.missingReason).toMatch(/carebench was not part of evaluation/);
    expect(judgeClasses.map((c) => c.key)).toEqual(expect.arrayContaining(['reported', 'lexical:lexical-judge-v2', 'openai:Qwen2.5-72B-Instruct']));
    expect(view.footnotes.map((f) => f.key)).toEqual(expect.arrayContaining(['lexical', 'offMajority', 'trainedOnTest']));
  });

  it('ranks one judge class on request: ties as printed, the LLM-judged row never in the lexical ranking', async () => {
    const { view } = await caller.results.table1({ among: 'lexical:lexical-judge-v2', paper: false, leaderboards: false });
    // A 40.04 and B 39.96 both print 40.0: both best among lexical-judged rows (other lexical rows of the database are lower or equal)
    const a = cellOf(view, `eval:${evalA}`, 'dream-1k:f1').cell;
    const b = cellOf(view, `eval:${evalB}`, 'dream-1k:f1').cell;
    expect(a.text).toBe('40.0');
    expect(b.text).toBe('40.0');
    expect(a.rank).toBe(b.rank);
    const c = cellOf(view, `eval:${evalC}`, 'dream-1k:f1').cell;
    expect(c.ranked).toBe(false);
    expect(c.rank).toBeNull();
    expect(c.lexical).toBe(false);
    // recall: A 39 is ranked above B 20
    const ar = cellOf(view, `eval:${evalA}`, 'dream-1k:recall').cell;
    const br = cellOf(view, `eval:${evalB}`, 'dream-1k:recall').cell;
    expect(ar.ranked && br.ranked).toBe(true);
    expect(br.rank === null || (ar.rank !== null && ar.rank < br.rank)).toBe(true);
    // "all" ranks C's 70 first, still marked as another judge
    const all = await caller.results.table1({ among: 'all', paper: false, leaderboards: false });
    const call = cellOf(all.view, `eval:${evalC}`, 'dream-1k:f1').cell;
    expect(call.rank).toBe(1);
  });

  it('marks a checkpoint trained on the benchmark, labels it by run and step, default group "ours"', async () => {
    const { view } = await caller.results.table1();
    const d = cellOf(view, `eval:${evalD}`, 'dream-1k:f1');
    expect(d.row.row.label).toBe(`${tag} trained · step 40`);
    expect(d.row.row.group).toBe('ours');
    expect(d.row.row.trainedOnBenchmarks).toEqual(['dream-1k']);
    expect(d.cell.trainedOnTest).toBe(true);
    expect(cellOf(view, `eval:${evalD}`, 'carebench:action_f1').cell.trainedOnTest).toBe(false);
    // Δ against the chosen baseline (the base model's measured row), printed values
    const withBase = await caller.results.table1({ baseline: `eval:${evalBase}` });
    expect(cellOf(withBase.view, `eval:${evalD}`, 'dream-1k:f1').cell.delta).toBe('+2.0');
  });

  it('stores the row group a user chooses; rejects unknown groups and non-evaluation runs', async () => {
    expect(cellOf((await caller.results.table1()).view, `eval:${evalA}`, 'dream-1k:f1').row.row.group).toBe('unassigned');
    await caller.results.setRowGroup({ evalRunId: evalA, group: 'general' });
    expect(cellOf((await caller.results.table1()).view, `eval:${evalA}`, 'dream-1k:f1').row.row.group).toBe('general');
    await expect(caller.results.setRowGroup({ evalRunId: evalA, group: 'nope' as 'general' })).rejects.toThrow(/group/);
    await expect(caller.results.setRowGroup({ evalRunId: trained, group: 'ours' })).rejects.toThrow(/not an evaluation/);
    await expect(caller.results.setRowGroup({ evalRunId: 'no-such-run', group: 'ours' })).rejects.toThrow(/does not exist/);
  });

  it('marks CAREBENCH cells of a server evaluation (the shipped synthetic sample) § and partial-coverage cells n=<clips>; neither is ranked, in the view and every export', async () => {
    const partial = await evalRun('E partial', { benchmarks: ['dream-1k'], judge: { kind: 'openai' }, source: { kind: 'imported', captionSourceId: 'x', model: `${tag}-model-E` } }, dream(95, 95, 95), llm, { modelName: `${tag}-model-E`, clips: 21 });
    const realCare = await evalRun('F real care', { cli: 'videocap eval', benchmark: 'carebench', annotations: '/data/CaReBench/json/metadata.json', model: `${tag}-model-F` }, care(90, 90), llm, { modelName: `${tag}-model-F` });
    const { view } = await caller.results.table1({ among: 'all', paper: false, leaderboards: false });
    const sample = cellOf(view, `eval:${evalD}`, 'carebench:action_f1').cell;
    expect(sample).toMatchObject({ sample: expect.stringMatching(/synthetic sample/), rank: null, ranked: false });
    expect(cellOf(view, `eval:${realCare}`, 'carebench:action_f1').cell).toMatchObject({ sample: null, rank: 1, ranked: true });
    const p = cellOf(view, `eval:${partial}`, 'dream-1k:f1').cell;
    expect(p).toMatchObject({ partial: { clips: 21, full: 1000 }, rank: null, ranked: false });
    expect(view.footnotes.map((f) => f.key)).toEqual(expect.arrayContaining(['sample', 'partial']));
    const md = (await caller.results.export({ format: 'markdown', table1: { among: 'all', paper: false, leaderboards: false } })).text;
    expect(md).toMatch(/95\.0<sup>[^<]*n=21<\/sup>/);
    expect(md).toMatch(/33\.0<sup>[^<]*§[^<]*<\/sup>/);
    const tex = (await caller.results.export({ format: 'latex', table1: { among: 'all', paper: false, leaderboards: false } })).text;
    expect(tex).toContain('\\mathrm{n{=}21}');
    expect(tex).toContain('\\S{}: measured on a synthetic sample');
    const csv = (await caller.results.export({ format: 'csv', table1: { among: 'all', paper: false, leaderboards: false } })).text;
    expect(csv).toMatch(/carebench:action_f1: [^;]*synthetic sample/);
    expect(csv).toMatch(/dream-1k:f1: [^;]*partial n=21 of 1000/);
    await db().run.deleteMany({ where: { id: { in: [partial, realCare] } } });
  });

  it('exports what the view shows', async () => {
    const { text } = await caller.results.export({ format: 'latex', table1: { paper: true, leaderboards: false } });
    expect(text).toContain('\\toprule');
    expect(text).toContain('VideoCap-R1 & ');
    expect(text).toMatch(/34\.2[^&]*\(\+4\.4\)/);
    const csv = (await caller.results.export({ format: 'csv', table1: {} })).text;
    expect(csv).toContain(`eval:${evalA}`);
  });
});

describe('results.ablation', () => {
  it('fills a row from a run whose config matches its preset; the baseline from the base model’s evaluation; AVG; check marks', async () => {
    const r = await caller.results.ablation({ table: 'table3', picks: { baseline: evalBase } });
    const rows = r.view.groups.flatMap((g) => g.rows);
    const wo = rows.find((x) => x.row.id === 'table3:wo-caption')!;
    expect(r.choices.find((c) => c.key === 'wo-caption')!.matchingRuns.map((m) => m.id)).toContain(trained);
    expect(wo.row.flags).toEqual({ tscore: true, cnscore: false, escore: false });
    const vals = Object.fromEntries(r.view.columns.map((c, i) => [c.id, wo.cells[i]!.value]));
    if (r.choices.find((c) => c.key === 'wo-caption')!.evalRunId === evalD) {
      expect(vals).toMatchObject({ 'dream-1k:f1': 30, 'vdc:accuracy': 41, 'carebench:action_f1': 33, 'carebench:object_f1': 32 });
      expect(vals.avg).toBeCloseTo((30 + 41 + 33 + 32) / 4, 10);
      expect(wo.cells[0]!.trainedOnTest).toBe(true);
    }
    const base = rows.find((x) => x.row.id === 'table3:baseline')!;
    expect(base.row.evalRunId).toBe(evalBase);
    expect(base.cells[r.view.columns.length - 1]!.value).toBeCloseTo((28 + 38 + 30 + 26) / 4, 10);
    // the paper's rows are a switchable group
    expect(rows.some((x) => x.row.id === 'table3:paper:tscore-escore')).toBe(true);
    const noPaper = await caller.results.ablation({ table: 'table3', paper: false });
    expect(noPaper.view.groups.map((g) => g.id)).toEqual(['measured']);
  });

  it('a pick overrides a row; an unknown pick falls back to matching; an empty row says why', async () => {
    const r = await caller.results.ablation({ table: 'table2', picks: { sft: evalD, grpo: 'no-such-eval' } });
    const sft = r.choices.find((c) => c.key === 'sft')!;
    expect([sft.how, sft.evalRunId]).toEqual(['picked', evalD]);
    const rows = r.view.groups.flatMap((g) => g.rows);
    expect(rows.find((x) => x.row.id === 'table2:sft')!.row.evalRunId).toBe(evalD);
    const grpo = r.choices.find((c) => c.key === 'grpo')!;
    expect(grpo.how).not.toBe('picked');
    const sftStructured = r.choices.find((c) => c.key === 'sft-structured')!;
    if (sftStructured.how === 'none') expect(sftStructured.emptyReason).toMatch(/no evaluated run matches the preset/);
  });
});
