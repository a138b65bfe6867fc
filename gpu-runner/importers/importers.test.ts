import { cp, mkdtemp, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CheckpointRecord, MetricPoint, RolloutRecord } from '../../core/types';
import type { RunReporter } from '../report';
import { ImportSink, wallTimesFromElapsed } from './common';
import { checkImportFormat, detectImportFormat, importRunDirectory, recognizeImportFormat } from './index';
import { parsePythonJson } from './jsonl';
import { latestLineage } from './verl';
import { classifyLoggingLine, firstGroupWithNonZeroAdvantageSum, LoggedCompletionDedupe, parseElapsedSeconds, parseStepField, type LoggedCompletion } from './swift-format';

const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));
const CASES = join(FIXTURES, 'cases');
const SWIFT_OUT = join(FIXTURES, 'swift', 'output');
const SWIFT_RUN = join(SWIFT_OUT, 'v0-20250601-120000');

class Collect implements RunReporter {
  points: MetricPoint[] = [];
  rows: RolloutRecord[] = [];
  ckpts: CheckpointRecord[] = [];
  async metrics(p: MetricPoint[]) {
    this.points.push(...p);
  }
  async rollouts(r: RolloutRecord[]) {
    this.rows.push(...r);
  }
  async checkpoint(c: CheckpointRecord) {
    this.ckpts.push(c);
  }
  async log() {}
  value(step: number, key: string) {
    return this.points.find((p) => p.step === step && p.key === key)?.value;
  }
  steps() {
    return [...new Set(this.points.map((p) => p.step))].sort((a, b) => a - b);
  }
}

const groupsOf = (rows: RolloutRecord[]) => {
  const m = new Map<string, RolloutRecord[]>();
  for (const r of rows) {
    const k = `${r.step}/${r.groupIndex}`;
    m.set(k, [...(m.get(k) ?? []), r]);
  }
  return [...m.values()].map((g) => g.sort((a, b) => a.sampleIndex - b.sampleIndex));
};

describe('detectImportFormat / checkImportFormat', () => {
  it('recognises each layout', async () => {
    expect(await detectImportFormat(SWIFT_OUT)).toBe('swift');
    expect(await detectImportFormat(SWIFT_RUN)).toBe('swift');
    expect(await detectImportFormat(join(FIXTURES, 'trl'))).toBe('trl');
    expect(await detectImportFormat(join(FIXTURES, 'verl'))).toBe('verl');
    expect(await detectImportFormat(join(CASES, 'importer-swift-resume-overlap'))).toBe('swift');
    expect(await recognizeImportFormat(await mkdtemp(join(tmpdir(), 'empty-')))).toBeNull();
    expect(await recognizeImportFormat(join(FIXTURES, 'nope'))).toBeNull();
    await expect(detectImportFormat(join(FIXTURES, 'nope'))).rejects.toThrow(/is not a directory/);
  });

  it('says what it looked for when nothing matches', async () => {
    await expect(importRunDirectory(await mkdtemp(join(tmpdir(), 'empty-')), new Collect())).rejects.toThrow(/cannot tell which trainer.*completions\.jsonl/);
    await expect(importRunDirectory(SWIFT_OUT, new Collect(), { format: 'mlflow' as never })).rejects.toThrow(/unknown import format "mlflow"/);
  });

  it('a folder that is not the format asked for is an error naming what was looked for (and what it looks like)', async () => {
    expect(await checkImportFormat(SWIFT_OUT, 'swift')).toBe('swift');
    await expect(checkImportFormat(join(FIXTURES, 'verl'), 'swift')).rejects.toThrow(/is not swift output: looked for ms-swift's logging\.jsonl or completions\.jsonl.*found none \(it looks like verl output: try --format verl\)/);
    await expect(checkImportFormat(SWIFT_OUT, 'trl')).rejects.toThrow(/is not trl output: looked for TRL's completions\/completions_<step>\.parquet or trainer_state\.json.*looks like swift/);
    await expect(checkImportFormat(SWIFT_OUT, 'verl')).rejects.toThrow(/is not verl output: looked for verl's <step>\.jsonl rollout dumps/);
    const empty = await mkdtemp(join(tmpdir(), 'empty-'));
    await expect(checkImportFormat(empty, 'trl')).rejects.toThrow(/is not trl output: .*found none$/);
    await expect(checkImportFormat(empty, 'mlflow')).rejects.toThrow(/unknown import format "mlflow"/);
  });
});

describe('ms-swift import', () => {
  it('imports metrics, rollouts (repeats skipped, and counted) and checkpoints; reports unreadable lines', async () => {
    const r = new Collect();
    const result = await importRunDirectory(SWIFT_OUT, r);
    expect(result.format).toBe('swift');

    // Metrics: steps 1–4 mapped onto our keys; the NaN caption score of step 2 is left out.
    expect(r.steps()).toEqual([1, 2, 3, 4]);
    expect(r.value(1, 'reward')).toBe(1.52);
    expect(r.value(1, 'think_score')).toBe(0.41);
    expect(r.value(1, 'format_score')).toBe(0.83);
    expect(r.value(1, 'caption_score')).toBe(0.28);
    expect(r.value(1, 'response_length')).toBe(31.5);
    expect(r.value(1, 'clip_ratio')).toBe(0);
    expect(r.value(2, 'caption_score')).toBeUndefined();
    expect(r.value(4, 'kl')).toBeCloseTo(0.0012, 10);
    expect(r.points.some((p) => p.key === 'train_runtime')).toBe(false);
    expect(result.metrics).toBe(r.points.length);
    expect(result.progress).toEqual({ step: 4, maxSteps: 4 });

    // Rollouts: 6 at step 1 (the step-2 line repeats them), 3 at step 3.
    expect(r.rows).toHaveLength(9);
    expect(result.rollouts).toBe(9);
    expect(result.notImported).toContainEqual({ kind: 'rollouts', count: 6, reason: expect.stringMatching(/^repeated: ms-swift logs a completion again/), where: 'v0-20250601-120000/completions.jsonl' });
    const s1 = r.rows.filter((x) => x.step === 1);
    expect(s1.map((x) => [x.groupIndex, x.sampleIndex])).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
    expect(s1[0]).toMatchObject({ rewards: { format: 1, tscore: 0.9, escore: 1 }, advantage: 1.1, answer: expect.stringContaining('A woman') });
    expect(s1[0].reward).toBeCloseTo(2.9, 10);
    expect(s1[0].think).toEqual([{ subject: 'woman', attributes: ['long hair'], actions: ['lift a child', 'throw up a child'] }]);
    expect(s1[2].think).toBeNull();
    expect(s1[0].clipId).toBe(s1[2].clipId);
    expect(s1[0].clipId).not.toBe(s1[3].clipId);
    expect(s1[0].breakdown).toMatchObject({ numGenerations: { value: 3, source: 'args.json num_generations' }, clipIdFrom: 'reference' });
    const s3 = r.rows.filter((x) => x.step === 3);
    expect(s3[2].rewards).toEqual({ format: 1, tscore: 0.95 }); // escore was NaN (None from the plugin)
    expect(s3[2].reward).toBeCloseTo(1.95, 10);

    expect(r.ckpts.map((c) => c.step)).toEqual([2, 4]);
    expect(r.ckpts[0].path).toBe(join(SWIFT_RUN, 'checkpoint-2'));

    expect(result.errors).toEqual([
      { file: 'v0-20250601-120000/logging.jsonl', line: 3, message: expect.stringContaining('not valid JSON') },
      { file: 'v0-20250601-120000/completions.jsonl', line: 3, message: expect.stringContaining('step: column has 2 values, completion has 1') },
    ]);
  });

  it('imports a versioned folder directly and maps clip ids through the training dataset of args.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'swift-import-'));
    await cp(SWIFT_RUN, join(dir, 'run'), { recursive: true });
    const datasetPath = join(dir, 'train.jsonl');
    await writeFile(
      datasetPath,
      [
        { clip_id: 'dream/a', solution: 'A woman with long hair lifts a child and throws her up. The child smiles.' },
        { clip_id: 'dream/b', solution: 'A man in a black coat opens a door and steps outside.' },
      ]
        .map((x) => JSON.stringify(x))
        .join('\n'),
    );
    await writeFile(join(dir, 'run', 'args.json'), JSON.stringify({ num_generations: 3, dataset: [datasetPath], reward_funcs: ['videocap_format', 'videocap_tscore', 'videocap_escore'], reward_weights: [1, 2, 1] }));
    const r = new Collect();
    await importRunDirectory(join(dir, 'run'), r, { format: 'swift' });
    expect(new Set(r.rows.map((x) => x.clipId))).toEqual(new Set(['dream/a', 'dream/b']));
    expect(r.rows[0].breakdown).toMatchObject({ clipIdFrom: 'data' });
    const first = r.rows[0];
    expect(first.reward).toBeCloseTo(1 + 2 * 0.9 + 1, 10);
  });

  it('case importer-swift-group-collision: 2 groups × G=3 sharing one prompt, no solution → 6 rollouts in 2 groups', async () => {
    const r = new Collect();
    const result = await importRunDirectory(join(CASES, 'importer-swift-group-collision'), r, { format: 'swift' });
    expect(r.rows).toHaveLength(6);
    expect(result.rollouts).toBe(6);
    const groups = groupsOf(r.rows);
    expect(groups.map((g) => g.length)).toEqual([3, 3]);
    expect(groups.map((g) => g.map((x) => x.answer))).toEqual([
      ['A woman lifts a child.', 'A woman holds a child.', 'A woman.'],
      ['A man opens a door.', 'A man walks outside.', 'A man.'],
    ]);
    // every rollout has its own identity (the group is part of it)
    expect(new Set(r.rows.map((x) => `${x.step}/${x.clipId}/${x.groupIndex}/${x.sampleIndex}`)).size).toBe(6);
    // the clip is unknown (shared prompt, no solution): one id per group, said so
    expect(new Set(groups.map((g) => g[0].clipId)).size).toBe(2);
    expect(result.warnings.join('\n')).toMatch(/share their prompt and no clip id or solution is logged/);
    // the trainer's advantages are kept
    expect(groups[0].map((x) => x.advantage)).toEqual([0.948888, 0.094889, -1.043777]);
    expect(result.notImported).toEqual([]);
  });

  it('the group size must agree with the prompt column; without args.json it is read from the prompts, never from advantages', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'swift-g-'));
    await cp(SWIFT_RUN, dir, { recursive: true });
    // --num-generations 2 contradicts the solution column (groups of 3 rows per clip)
    const wrong = await importRunDirectory(dir, new Collect(), { numGenerations: 2 });
    expect(wrong.rollouts).toBe(0);
    expect(wrong.notImported).toContainEqual(expect.objectContaining({ kind: 'rollouts', count: 6, reason: expect.stringMatching(/num_generations = 2 \(--num-generations\) contradicts the prompt column: completions 2–3/) }));
    expect(wrong.warnings).toContainEqual(expect.stringMatching(/--num-generations 2 overrides args\.json num_generations = 3/));
    // no args.json: G = 3 from the runs of equal solutions
    await writeFile(join(dir, 'args.json'), JSON.stringify({ reward_funcs: ['videocap_format', 'videocap_tscore', 'videocap_escore'] }));
    const r = new Collect();
    const inferred = await importRunDirectory(dir, r);
    expect(inferred.rollouts).toBe(9);
    expect(r.rows[0].breakdown).toMatchObject({ numGenerations: { value: 3, source: 'the prompt column (runs of equal prompts)' } });
    // the collision case without args.json: every prompt equal, G unknown → nothing guessed, the reason says what to pass
    const collision = await mkdtemp(join(tmpdir(), 'swift-noargs-'));
    await cp(join(CASES, 'importer-swift-group-collision', 'completions.jsonl'), join(collision, 'completions.jsonl'));
    const unknown = await importRunDirectory(collision, new Collect());
    expect(unknown.rollouts).toBe(0);
    expect(unknown.notImported).toEqual([{ kind: 'rollouts', count: 6, reason: expect.stringMatching(/num_generations \(G\) is unknown.*pass --num-generations G/), where: 'completions.jsonl' }]);
    const given = await importRunDirectory(collision, new Collect(), { numGenerations: 3 });
    expect(given.rollouts).toBe(6);
  });

  it('case importer-swift-resume-overlap: steps 5–6 come from the resumed launch v1, for metrics and rollouts alike', async () => {
    const r = new Collect();
    const result = await importRunDirectory(join(CASES, 'importer-swift-resume-overlap'), r);
    expect(r.steps()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([4, 5, 6, 7].map((s) => r.value(s, 'reward'))).toEqual([1.04, 1.55, 1.56, 1.57]);
    const answers = (step: number) => r.rows.filter((x) => x.step === step).map((x) => x.answer);
    expect(answers(4)).toEqual(['v0 step 4 sample 0', 'v0 step 4 sample 1']);
    expect(answers(5)).toEqual(['v1 step 5 sample 0', 'v1 step 5 sample 1']);
    expect(answers(6)).toEqual(['v1 step 6 sample 0', 'v1 step 6 sample 1']);
    expect(r.rows.filter((x) => x.step === 5).map((x) => x.rewards.tscore)).toEqual([0.9, 0.5]);
    expect(r.rows).toHaveLength(16);
    expect(result.rollouts).toBe(16);
    expect(result.metrics).toBe(r.points.length);
    expect(r.ckpts.map((c) => c.step)).toEqual([4, 8]);
    // what was read and not imported, and why
    const superseded = result.notImported.filter((n) => n.reason.startsWith('superseded'));
    expect(superseded).toEqual([
      { kind: 'metrics', count: 6, reason: expect.stringContaining('later launch v1-20250602-090000 restarts at step 5'), where: 'v0-20250601-120000' },
      { kind: 'rollouts', count: 4, reason: expect.stringContaining('later launch v1-20250602-090000 restarts at step 5'), where: 'v0-20250601-120000' },
    ]);
    expect(result.launches).toEqual([
      { name: 'v0-20250601-120000', firstStep: 1, lastStep: 6 },
      { name: 'v1-20250602-090000', firstStep: 5, lastStep: 8 },
    ]);
    expect(result.progress).toEqual({ step: 8, maxSteps: 8 });
  });

  it('case importer-swift-megatron-log: "iteration": "N/M" imports; lines without a step are counted and named', async () => {
    const r = new Collect();
    const result = await importRunDirectory(join(CASES, 'importer-swift-megatron-log'), r, { format: 'swift' });
    expect(r.steps()).toEqual([1, 2, 3]);
    expect([1, 2, 3].map((s) => r.value(s, 'reward'))).toEqual([1.3, 1.4, 1.5]);
    expect(r.value(2, 'think_score')).toBe(0.5);
    expect(r.value(3, 'response_length')).toBe(117);
    expect(r.points.some((p) => p.key === 'iteration')).toBe(false);
    expect(result.errors).toEqual([]);
    expect(result.progress).toEqual({ step: 3, maxSteps: 3 });
    expect(r.points.filter((p) => p.key === 'reward').map((p) => p.wallTime - r.points[0]!.wallTime)).toEqual([0, 50_000, 100_000]);

    const dir = await mkdtemp(join(tmpdir(), 'megatron-'));
    await writeFile(
      join(dir, 'logging.jsonl'),
      [
        '{"loss": 0.1, "iteration": "1/3", "elapsed_time": "50s"}',
        '{"loss": 0.2, "consumed_samples": 64}',
        '{"loss": 0.3, "iteration": "two of three"}',
        '{"loss": 0.4, "iteration": 3}',
      ].join('\n'),
    );
    const r2 = new Collect();
    const partial = await importRunDirectory(dir, r2, { format: 'swift' });
    expect(r2.steps()).toEqual([1, 3]);
    expect(partial.errors).toEqual([
      { file: 'logging.jsonl', line: 2, message: 'no step field (looked for "global_step/max_steps", "iteration", "global_step", "step")' },
      { file: 'logging.jsonl', line: 3, message: 'unreadable step: "iteration": "two of three" (expected "N/M" or an integer)' },
    ]);
    expect(partial.warnings).toContainEqual(expect.stringMatching(/1 of 2 lines have no readable "elapsed_time"/));
  });

  it('case importer-swift-elapsed-time: elapsed_time drives relative time, global_step/max_steps the progress', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'elapsed-'));
    await cp(join(CASES, 'importer-swift-elapsed-time'), dir, { recursive: true });
    const mtime = new Date('2025-06-01T12:00:00Z');
    await utimes(join(dir, 'logging.jsonl'), mtime, mtime);
    const r = new Collect();
    const result = await importRunDirectory(dir, r, { format: 'swift' });
    const rewards = r.points.filter((p) => p.key === 'reward');
    expect(rewards.map((p) => (p.wallTime - rewards[0]!.wallTime) / 1000)).toEqual([0, 41, 82, 123, 3564]);
    // the last line was logged when the file was last written
    expect(rewards.at(-1)!.wallTime).toBe(mtime.getTime());
    expect(result.progress).toEqual({ step: 5, maxSteps: 100 });
    expect(result.warnings).toEqual([]);
  });
});

describe('TRL import', () => {
  it('reads completions parquet (hyparquet) and trainer_state.json; G from --num-generations; a broken parquet file is reported', async () => {
    const r = new Collect();
    const result = await importRunDirectory(join(FIXTURES, 'trl'), r, { numGenerations: 3 });
    expect(result.format).toBe('trl');
    expect(r.value(1, 'reward')).toBe(1.4);
    expect(r.value(1, 'format_score')).toBe(0.67);
    expect(r.value(1, 'think_score')).toBe(0.5);
    expect(r.value(1, 'clip_ratio')).toBe(0);
    expect(r.value(2, 'learning_rate')).toBe(0);
    expect(r.points.some((p) => p.key === 'train_runtime' || p.key === 'train_loss')).toBe(false);

    expect(r.rows).toHaveLength(12);
    const s1 = r.rows.filter((x) => x.step === 1);
    expect(s1.map((x) => [x.groupIndex, x.sampleIndex])).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
    expect(s1[0]).toMatchObject({ rewards: { format: 1, tscore: 0.9 }, advantage: 1.1 });
    expect(s1[0].reward).toBeCloseTo(1.9, 10);
    expect(s1[5].rewards).toEqual({ format: 0 });
    expect(s1[0].think?.[0].subject).toBe('woman');
    expect(s1[0].breakdown).toMatchObject({ numGenerations: { value: 3, source: '--num-generations' } });
    expect(r.ckpts.map((c) => c.step)).toEqual([2]);
    expect(result.errors).toEqual([
      { file: 'completions/completions_00003.parquet', line: 0, message: expect.stringContaining('not a readable parquet file') },
    ]);
    // TRL < 0.20 logs no step_time: said so, nothing invented
    expect(result.warnings).toContainEqual(expect.stringMatching(/no "step_time"/));
  });

  it('without --num-generations the group size is unknown (every prompt is the same text): rollouts are listed as not imported, with what to pass', async () => {
    const r = new Collect();
    const result = await importRunDirectory(join(FIXTURES, 'trl'), r);
    expect(r.rows).toHaveLength(0);
    expect(result.metrics).toBeGreaterThan(0);
    expect(result.notImported).toEqual([
      { kind: 'rollouts', count: 6, reason: expect.stringMatching(/pass --num-generations G/), where: 'completions/completions_00001.parquet' },
      { kind: 'rollouts', count: 6, reason: expect.stringMatching(/pass --num-generations G/), where: 'completions/completions_00002.parquet' },
    ]);
  });

  it('honours an explicit group size, and warns when the advantages do not fit it', async () => {
    const r = new Collect();
    const result = await importRunDirectory(join(FIXTURES, 'trl'), r, { numGenerations: 2 });
    expect(r.rows.filter((x) => x.step === 1).map((x) => x.groupIndex)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(result.warnings).toContainEqual(expect.stringMatching(/advantages of group 0 do not sum to 0 with num_generations = 2/));
  });

  it('relative time from step_time × steps; progress from max_steps', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trl-time-'));
    await writeFile(
      join(dir, 'trainer_state.json'),
      JSON.stringify({
        global_step: 30,
        max_steps: 100,
        log_history: [
          { step: 10, reward: 1, step_time: 2.5 },
          { step: 20, reward: 1.1, step_time: 3 },
          { step: 30, reward: 1.2, step_time: 2 },
          { step: 30, train_runtime: 75 },
        ],
      }),
    );
    const r = new Collect();
    const result = await importRunDirectory(dir, r, { format: 'trl' });
    const w = r.points.filter((p) => p.key === 'reward').map((p) => p.wallTime);
    expect(w.map((x) => (x - w[0]!) / 1000)).toEqual([0, 30, 50]);
    expect(result.progress).toEqual({ step: 30, maxSteps: 100 });
  });
});

describe('verl import', () => {
  it('reads {step}.jsonl dumps and the file logger; groups by clip without uid; malformed lines are reported', async () => {
    const r = new Collect();
    const result = await importRunDirectory(join(FIXTURES, 'verl'), r);
    expect(result.format).toBe('verl');
    expect(r.value(1, 'reward')).toBeCloseTo(1.2, 10);
    expect(r.value(2, 'loss')).toBeCloseTo(-0.02, 10);
    expect(r.value(2, 'kl')).toBeCloseTo(0.002, 10);
    expect(r.value(1, 'learning_rate')).toBe(1e-6);
    expect(r.value(1, 'response_length')).toBe(31);
    expect(r.value(1, 'critic/rewards/mean')).toBeCloseTo(1.2, 10);
    expect(r.value(1, 'timing_s/gen')).toBe(12.5);

    expect(r.rows).toHaveLength(12);
    const s2 = r.rows.filter((x) => x.step === 2);
    // Step 2 lists clip b first: groups follow the order of first appearance.
    expect(s2.map((x) => [x.groupIndex, x.sampleIndex])).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
    expect(s2[0].clipId).not.toBe(s2[3].clipId);
    const s1 = r.rows.filter((x) => x.step === 1);
    expect(s1[0]).toMatchObject({ reward: 1.9, rewards: { format: 1, tscore: 0.9 } });
    const g0 = s1.filter((x) => x.groupIndex === 0);
    expect(Math.abs(g0.reduce((a, x) => a + x.advantage, 0))).toBeLessThan(1e-9);
    expect(g0[0].advantage).toBeGreaterThan(0);
    expect(r.ckpts.map((c) => c.step)).toEqual([2]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ file: '2.jsonl', line: 7 });
    expect(result.errors[0].message).toMatch(/output.*expected string/);
  });

  it("case importer-verl-uid-groups: groups are verl's uid (identical decoded prompts), 2 clips, advantages per group", async () => {
    const r = new Collect();
    const result = await importRunDirectory(join(CASES, 'importer-verl-uid-groups'), r, { format: 'verl' });
    const groups = groupsOf(r.rows);
    expect(groups.map((g) => g.length)).toEqual([3, 3]);
    expect(groups.map((g) => g.map((x) => x.reward))).toEqual([
      [2.5, 1.5, 0.5],
      [2, 2, 1],
    ]);
    expect(new Set(r.rows.map((x) => x.clipId)).size).toBe(2);
    expect(groups.map((g) => new Set(g.map((x) => x.clipId)).size)).toEqual([1, 1]);
    const adv = groups.map((g) => g.map((x) => x.advantage));
    [1, 0, -1].forEach((v, i) => expect(adv[0]![i]).toBeCloseTo(v, 3));
    [0.577, 0.577, -1.155].forEach((v, i) => expect(adv[1]![i]).toBeCloseTo(v, 3));
    expect(groups[0]![0]!.breakdown).toMatchObject({ uid: 'a1f0-clip-A', clipIdFrom: 'reference' });
    expect(result.warnings).toEqual([]);
    // --num-generations cross-checks the uid groups
    const checked = await importRunDirectory(join(CASES, 'importer-verl-uid-groups'), new Collect(), { format: 'verl', numGenerations: 4 });
    expect(checked.warnings).toContainEqual(expect.stringMatching(/2 of 2 groups do not have num_generations = 4 \(--num-generations\) samples \(sizes 3\)/));
  });

  it('a resumed verl appending to the same file logger keeps one lineage: the later launch owns its steps', async () => {
    expect(latestLineage([1, 2, 3, 4, 5, 6, 5, 6, 7])).toEqual({ kept: [0, 1, 2, 3, 6, 7, 8], superseded: new Set([4, 5]) });
    expect(latestLineage([0, 1, 1, 2])).toEqual({ kept: [0, 1, 2, 3], superseded: new Set() }); // a repeated step is not a restart
    expect(latestLineage([1, 2, 3, 9, 10, 2, 3])).toEqual({ kept: [0, 5, 6], superseded: new Set([1, 2, 3, 4]) }); // v0's 9, 10 belong to the abandoned lineage
    const dir = await mkdtemp(join(tmpdir(), 'verl-resume-'));
    const line = (step: number, v: number) => JSON.stringify({ step, data: { 'critic/score/mean': v, 'timing_s/step': 10 } });
    await writeFile(join(dir, 'exp.jsonl'), [line(1, 1), line(2, 2), line(3, 3), line(2, 20), line(3, 30), line(4, 40)].join('\n'));
    await writeFile(join(dir, '1.jsonl'), JSON.stringify({ input: 'p', output: 'o', gts: 'g', score: 1, step: 1 }));
    const r = new Collect();
    const result = await importRunDirectory(dir, r, { format: 'verl' });
    expect([1, 2, 3, 4].map((s) => r.value(s, 'reward'))).toEqual([1, 20, 30, 40]);
    expect(result.notImported).toContainEqual({ kind: 'metrics', count: 4, reason: expect.stringMatching(/^superseded: a resumed launch/), where: 'exp.jsonl' });
  });

  it('case ingest-step-beyond-int32 (verl-run): steps up to 3,000,000,000 are read as they are', async () => {
    const r = new Collect();
    const result = await importRunDirectory(join(CASES, 'ingest-step-beyond-int32', 'verl-run'), r);
    expect(result.format).toBe('verl');
    expect(r.steps()).toEqual([1, 2, 3_000_000_000]);
    expect(r.value(3_000_000_000, 'reward')).toBe(1.2);
    expect(r.rows).toHaveLength(1);
    expect(result.progress).toEqual({ step: 3_000_000_000, maxSteps: null });
  });
});

describe('helpers', () => {
  it('parses Python JSON with NaN / Infinity outside strings only', () => {
    expect(parsePythonJson('{"a": NaN, "b": -Infinity, "c": Infinity, "d": "NaN and Infinity"}')).toEqual({ a: null, b: null, c: null, d: 'NaN and Infinity' });
    expect(parsePythonJson('{"s": "quote \\" NaN"}')).toEqual({ s: 'quote " NaN' });
    expect(() => parsePythonJson('{"a": Nan}')).toThrow();
  });

  it('parses elapsed times as ms-swift and Python write them', () => {
    expect(['41s', '1m 22s', '2m 3s', '2m 44s', '1h 0m 5s'].map(parseElapsedSeconds)).toEqual([41, 82, 123, 164, 3605]);
    expect(parseElapsedSeconds('2d 1h 0m 0s')).toBe(2 * 86400 + 3600);
    expect(parseElapsedSeconds('1.5s')).toBe(1.5);
    expect(parseElapsedSeconds('0:01:22')).toBe(82);
    expect(parseElapsedSeconds('01:22')).toBe(82);
    expect(parseElapsedSeconds('1 day, 2:03:04')).toBe(86400 + 2 * 3600 + 3 * 60 + 4);
    expect(parseElapsedSeconds('200')).toBe(200);
    expect(parseElapsedSeconds(12.5)).toBe(12.5);
    for (const bad of ['', 'soon', '1x', 's', '-5s', null, undefined, {}]) expect(parseElapsedSeconds(bad)).toBeNull();
  });

  it('reads the step of each logging variant', () => {
    expect(parseStepField('3/10')).toEqual({ step: 3, maxSteps: 10 });
    expect(parseStepField(' 3 / 10 ')).toEqual({ step: 3, maxSteps: 10 });
    expect(parseStepField(7)).toEqual({ step: 7, maxSteps: null });
    expect(parseStepField('7')).toEqual({ step: 7, maxSteps: null });
    expect(parseStepField('7/')).toBeNull();
    expect(parseStepField(-1)).toBeNull();
    expect(classifyLoggingLine({ loss: 1, iteration: '2/5', elapsed_time: '1m 2s' })).toMatchObject({ kind: 'metrics', step: 2, maxSteps: 5, elapsedSeconds: 62 });
    expect(classifyLoggingLine({ loss: 1, 'global_step/max_steps': '2/5' })).toMatchObject({ kind: 'metrics', step: 2, elapsedSeconds: null });
    expect(classifyLoggingLine({ loss: 1 })).toMatchObject({ kind: 'other', reason: expect.stringMatching(/no step field/) });
    expect(classifyLoggingLine({ train_runtime: 3, 'global_step/max_steps': '5/5' })).toMatchObject({ kind: 'summary', step: 5 });
  });

  it('wall times from elapsed: the last line was written at the file time', () => {
    expect(wallTimesFromElapsed([10, 20, null, 40], 100_000)).toEqual([70_000, 80_000, 100_000, 100_000]);
    expect(wallTimesFromElapsed([null, null], 5)).toEqual([5, 5]);
  });

  it('advantages cross-check groups of G, never choose G', () => {
    expect(firstGroupWithNonZeroAdvantageSum([1, -1, 0.5, -0.5], 2)).toBe(-1);
    expect(firstGroupWithNonZeroAdvantageSum([1.1, -0.2, -0.9, 1.1, -0.3, -0.8], 3)).toBe(-1);
    expect(firstGroupWithNonZeroAdvantageSum([1.1, -0.2, -0.9, 1.1, -0.3, -0.8], 2)).toBe(0);
    expect(firstGroupWithNonZeroAdvantageSum([0, 0, 0, 0], 2)).toBe(-1); // fits any G: why it cannot choose G
    expect(firstGroupWithNonZeroAdvantageSum([1, null], 2)).toBeNull();
  });

  it('skips rows carried over from the previous line and rows the reward service recorded, but keeps legit duplicates', () => {
    const row = (completion: string, index: number, step = 1): LoggedCompletion => ({
      step, index, prompt: 'p', completion, solution: 's', rewardsByFunction: { F: 1 }, advantage: 0,
    });
    const d = new LoggedCompletionDedupe();
    const clip = () => 'c';
    // Two identical completions in one group are two rollouts.
    expect(d.newRows([row('x', 0), row('x', 1), row('y', 2)], clip)).toHaveLength(3);
    // The same rows logged again at the next step: carried over.
    expect(d.newRows([row('x', 0, 2), row('x', 1, 2), row('y', 2, 2)], clip)).toHaveLength(0);
    d.markScored(3, 'c', 'z');
    expect(d.newRows([row('z', 0, 3), row('w', 1, 3)], clip).map((r) => r.completion)).toEqual(['w']);
  });

  it('ImportSink: a later launch owns its steps for every record type; counts are what is sent', async () => {
    const r = new Collect();
    const sink = new ImportSink(r, '/x');
    const a = sink.launch('v0');
    const b = sink.launch('v1');
    const rollout = (step: number, answer: string): RolloutRecord => ({ step, clipId: 'c', groupIndex: 0, sampleIndex: 0, completion: answer, think: null, answer, rewards: {}, reward: 0, advantage: 0, length: 1 });
    sink.addMetrics(a, [1, 2, 3].map((step) => ({ step, key: 'reward', value: step, wallTime: 0 })), 'v0/logging.jsonl');
    sink.addMetrics(a, [{ step: 3, key: 'reward', value: 33, wallTime: 0 }], 'v0/logging.jsonl');
    sink.addRollouts(a, [rollout(2, 'a2'), rollout(3, 'a3')], 'v0/completions.jsonl');
    sink.addCheckpoint(a, { step: 2, path: 'v0/checkpoint-2' });
    sink.addCheckpoint(a, { step: 3, path: 'v0/checkpoint-3' });
    sink.addMetrics(b, [3, 4].map((step) => ({ step, key: 'reward', value: step * 10, wallTime: 0 })), 'v1/logging.jsonl');
    sink.addRollouts(b, [rollout(4, 'b4')], 'v1/completions.jsonl');
    const result = await sink.finish('swift');
    expect(r.points.map((p) => [p.step, p.value])).toEqual([[1, 1], [2, 2], [3, 30], [4, 40]]);
    // the v0 rollout at step 3 belongs to the abandoned lineage even though v1 logged none at step 3
    expect(r.rows.map((x) => x.answer)).toEqual(['a2', 'b4']);
    expect(r.ckpts.map((c) => c.path)).toEqual(['v0/checkpoint-2']);
    expect(result).toMatchObject({ metrics: 4, rollouts: 2, checkpoints: 1 });
    expect(result.notImported.map((n) => [n.kind, n.count, n.where])).toEqual([
      ['metrics', 1, 'v0/logging.jsonl'],
      ['metrics', 1, 'v0'],
      ['rollouts', 1, 'v0'],
      ['checkpoints', 1, 'v0'],
    ]);
  });
});
