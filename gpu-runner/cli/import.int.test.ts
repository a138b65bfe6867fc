/**
 * `videocap import <dir>` end to end: the real CLI process uploads each real-format fixture through
 * the ingest API (real HTTP) into PostgreSQL; malformed lines are reported with file:line and skipped.
 */
import { spawn } from 'node:child_process';
import { appendFile, cp, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller } from '../../server/api/root';
import { db } from '../../server/db';
import { startTestApp, type TestApp } from '../../server/testing/http-app';
import { verifyApiToken } from '../../server/services/tokens';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'gpu-runner', 'importers', 'fixtures');
const caller = createCaller({ db: db(), headers: new Headers() });
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [path.join(ROOT, 'bin', 'videocap.mjs'), ...args], {
      cwd: ROOT,
      env: { ...process.env, VIDEOCAP_SERVER_URL: app.url, ...env },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    p.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

type Summary = {
  runId: string;
  format: string;
  metrics: number;
  rollouts: number;
  checkpoints: number;
  skipped: number;
  notImported: { kind: string; count: number; reason: string; where: string }[];
  rejected: { what: string; field: string; message: string }[];
  warnings: string[];
  progress: { step: number; maxSteps: number | null } | null;
};
const CASES = path.join(FIXTURES, 'cases');
const summaryOf = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Summary;

/** The server's counts are the report's counts: what the import says it stored is in the database. */
async function expectCountsStored(s: Summary): Promise<void> {
  expect(await db().metricPoint.count({ where: { runId: s.runId } })).toBe(s.metrics);
  expect(await db().rollout.count({ where: { runId: s.runId } })).toBe(s.rollouts);
  expect(await db().checkpoint.count({ where: { runId: s.runId } })).toBe(s.checkpoints);
}

describe('videocap import', () => {
  for (const [format, dir, extra] of [
    ['swift', path.join(FIXTURES, 'swift', 'output'), []],
    ['trl', path.join(FIXTURES, 'trl'), ['--num-generations', '3']],
    ['verl', path.join(FIXTURES, 'verl'), []],
  ] as const) {
    it(`imports an ${format} output folder into a run`, async () => {
      const r = await cli(['import', dir, '--name', `import-${format}`, '--experiment', 'imports', ...extra]);
      expect(r.code, r.stderr).toBe(0);
      const summary = summaryOf(r.stdout);
      expect(summary.format).toBe(format);
      expect(summary.metrics).toBeGreaterThan(0);
      expect(summary.rollouts).toBeGreaterThan(0);
      const run = await caller.run.get({ id: summary.runId });
      expect(run.status).toBe('succeeded');
      expect(run.backend).toBe('import');
      expect(run.source).toMatchObject({ format, path: dir });
      await expectCountsStored(summary);
      expect(run.checkpoints.length).toBe(summary.checkpoints);
      // malformed lines in the fixtures are named with file and line, and skipped
      if (summary.skipped > 0) expect(r.stderr).toMatch(/\.(jsonl|parquet|json):\d+: .*\(skipped\)/);
      expect(run.transitions.at(-1)?.reason).toMatch(new RegExp(`^imported ${summary.metrics} metric points, ${summary.rollouts} rollouts`));
      expect(run.summary).toMatchObject({ import_format: format, imported_metric_points: summary.metrics, imported_rollouts: summary.rollouts, unreadable_lines: summary.skipped });
    });
  }

  it('a TRL folder without --num-generations: metrics import, rollouts are listed as not imported with what to pass', async () => {
    const r = await cli(['import', path.join(FIXTURES, 'trl'), '--name', 'trl-no-g']);
    expect(r.code, r.stderr).toBe(0);
    const s = summaryOf(r.stdout);
    expect(s.rollouts).toBe(0);
    expect(s.notImported.filter((n) => n.kind === 'rollouts').reduce((a, n) => a + n.count, 0)).toBe(12);
    expect(r.stderr).toMatch(/completions_00001\.parquet: 6 rollouts not imported: num_generations \(G\) is unknown.*pass --num-generations G/);
    const run = await caller.run.get({ id: s.runId });
    expect(run.transitions.at(-1)?.reason).toMatch(/6 rollouts not imported from completions\/completions_00001\.parquet: num_generations \(G\) is unknown/);
    expect(run.summary).toMatchObject({ not_imported_rollouts: 12 });
  });

  it('case importer-verl-uid-groups: 2 groups of 3 by uid, 2 clips, advantages per group', async () => {
    const r = await cli(['import', path.join(CASES, 'importer-verl-uid-groups'), '--format', 'verl', '--num-generations', '3']);
    expect(r.code, r.stderr).toBe(0);
    const s = summaryOf(r.stdout);
    expect(s.rollouts).toBe(6);
    await expectCountsStored(s);
    const rows = await db().rollout.findMany({ where: { runId: s.runId }, orderBy: [{ groupIndex: 'asc' }, { sampleIndex: 'asc' }] });
    expect(new Set(rows.map((x) => x.clipId)).size).toBe(2);
    expect(rows.map((x) => [x.groupIndex, x.reward])).toEqual([[0, 2.5], [0, 1.5], [0, 0.5], [1, 2], [1, 2], [1, 1]]);
    const adv = rows.map((x) => x.advantage);
    [1, 0, -1, 0.577, 0.577, -1.155].forEach((v, i) => expect(adv[i]).toBeCloseTo(v, 3));
    const groups = await caller.rollout.groups({ runId: s.runId, limit: 10 });
    expect(groups.map((g) => [g.groupIndex, g.samples])).toEqual([[0, 3], [1, 3]]);
  });

  it('case importer-swift-group-collision: 6 rollouts in 2 groups are stored, and the counts say so', async () => {
    const r = await cli(['import', path.join(CASES, 'importer-swift-group-collision'), '--format', 'swift']);
    expect(r.code, r.stderr).toBe(0);
    const s = summaryOf(r.stdout);
    expect(s.rollouts).toBe(6);
    await expectCountsStored(s);
    const rows = await db().rollout.findMany({ where: { runId: s.runId }, select: { step: true, groupIndex: true, sampleIndex: true, answer: true } });
    expect(rows).toHaveLength(6);
    expect(new Set(rows.map((x) => x.groupIndex))).toEqual(new Set([0, 1]));
    expect(rows.map((x) => x.answer).sort()).toEqual(['A man opens a door.', 'A man walks outside.', 'A man.', 'A woman holds a child.', 'A woman lifts a child.', 'A woman.']);
    const group1 = await caller.rollout.group({ runId: s.runId, step: 1, clipId: (await db().rollout.findFirstOrThrow({ where: { runId: s.runId, groupIndex: 1 } })).clipId, groupIndex: 1 });
    expect(group1.map((x) => x.answer)).toEqual(['A man opens a door.', 'A man walks outside.', 'A man.']);
    expect(r.stderr).toMatch(/warning: .*share their prompt/);
  });

  it('case importer-swift-resume-overlap: steps 5–6 from the resumed launch for metrics and rollouts; counts = stored', async () => {
    const r = await cli(['import', path.join(CASES, 'importer-swift-resume-overlap')]);
    expect(r.code, r.stderr).toBe(0);
    const s = summaryOf(r.stdout);
    await expectCountsStored(s);
    expect(s.rollouts).toBe(16);
    const reward = async (step: number) => (await db().metricPoint.findUniqueOrThrow({ where: { runId_key_step: { runId: s.runId, key: 'reward', step } } })).value;
    expect([await reward(4), await reward(5), await reward(6), await reward(8)]).toEqual([1.04, 1.55, 1.56, 1.58]);
    const answers = await db().rollout.findMany({ where: { runId: s.runId, step: { in: [5, 6] } }, orderBy: [{ step: 'asc' }, { sampleIndex: 'asc' }], select: { answer: true } });
    expect(answers.map((a) => a.answer)).toEqual(['v1 step 5 sample 0', 'v1 step 5 sample 1', 'v1 step 6 sample 0', 'v1 step 6 sample 1']);
    expect(s.notImported).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'metrics', count: 6, where: 'v0-20250601-120000', reason: expect.stringMatching(/^superseded: the later launch v1-20250602-090000 restarts at step 5/) }),
        expect.objectContaining({ kind: 'rollouts', count: 4, where: 'v0-20250601-120000' }),
      ]),
    );
    const run = await caller.run.get({ id: s.runId });
    expect(run.checkpoints.map((c) => c.step)).toEqual([4, 8]);
    expect(run).toMatchObject({ lastStep: 8, maxSteps: 8 });
  });

  it('case importer-swift-megatron-log: 3 steps of metrics; unreadable lines are counted, named and in the run reason', async () => {
    const ok = await cli(['import', path.join(CASES, 'importer-swift-megatron-log'), '--format', 'swift']);
    expect(ok.code, ok.stderr).toBe(0);
    const s = summaryOf(ok.stdout);
    expect(s).toMatchObject({ skipped: 0, rollouts: 0, progress: { step: 3, maxSteps: 3 } });
    await expectCountsStored(s);
    const steps = await db().metricPoint.findMany({ where: { runId: s.runId, key: 'reward' }, orderBy: { step: 'asc' }, select: { step: true, value: true } });
    expect(steps.map((p) => [Number(p.step), p.value])).toEqual([[1, 1.3], [2, 1.4], [3, 1.5]]);

    const dir = await mkdtemp(path.join(tmpdir(), 'megatron-bad-'));
    await cp(path.join(CASES, 'importer-swift-megatron-log'), dir, { recursive: true });
    await appendFile(path.join(dir, 'logging.jsonl'), '{"loss": 0.1, "consumed_samples": 64}\n{"loss": 0.1, "iteration": "four/3"}\n');
    const partial = await cli(['import', dir, '--format', 'swift']);
    expect(partial.code, partial.stderr).toBe(0);
    expect(partial.stderr).toMatch(/logging\.jsonl:4: no step field \(looked for "global_step\/max_steps", "iteration"/);
    expect(partial.stderr).toMatch(/logging\.jsonl:5: unreadable step: "iteration": "four\/3"/);
    const ps = summaryOf(partial.stdout);
    expect(ps.skipped).toBe(2);
    expect((await caller.run.get({ id: ps.runId })).transitions.at(-1)?.reason).toMatch(/2 unreadable lines skipped \(logging\.jsonl:4: no step field/);
  });

  it('a log nobody can read is not an empty "succeeded" run: an error, and no run is created', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'swift-unreadable-'));
    await writeFile(path.join(dir, 'logging.jsonl'), '{"loss": 0.1, "consumed_samples": 64}\nnot json\n');
    const before = await db().run.count();
    const r = await cli(['import', dir, '--format', 'swift']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/logging\.jsonl:1: no step field/);
    expect(r.stderr).toMatch(/logging\.jsonl:2: not valid JSON/);
    expect(r.stderr).toMatch(/nothing importable in this swift output \(2 unreadable lines, 0 records not imported, see above\); no run was created/);
    expect(await db().run.count()).toBe(before);
  });

  it('case importer-swift-elapsed-time: relative time ≈ [0, 41, 82, 123, 3564] s and progress 5/100', async () => {
    const r = await cli(['import', path.join(CASES, 'importer-swift-elapsed-time'), '--format', 'swift']);
    expect(r.code, r.stderr).toBe(0);
    const s = summaryOf(r.stdout);
    const [series] = await caller.metric.series({ runIds: [s.runId], keys: ['reward'], maxPoints: 800, xAxis: 'relative', encoding: 'json' });
    if (!series || series.encoding !== 'json' || !series.relTime) throw new Error('expected a JSON series with relative times');
    expect(series.relTime.map((t) => Math.round(t))).toEqual([0, 41, 82, 123, 3564]);
    const run = await caller.run.get({ id: s.runId });
    expect(run).toMatchObject({ lastStep: 5, maxSteps: 100 });
  });

  it('case ingest-step-beyond-int32 (verl-run): the step 3,000,000,000 is stored', async () => {
    const r = await cli(['import', path.join(CASES, 'ingest-step-beyond-int32', 'verl-run'), '--format', 'verl']);
    expect(r.code, r.stderr).toBe(0);
    const s = summaryOf(r.stdout);
    await expectCountsStored(s);
    const steps = await db().$queryRaw<{ step: string }[]>`SELECT DISTINCT step::text AS step FROM "MetricPoint" WHERE "runId" = ${s.runId} ORDER BY 1`;
    expect(steps.map((x) => x.step).sort((a, b) => Number(a) - Number(b))).toEqual(['1', '2', '3000000000']);
    expect((await caller.run.get({ id: s.runId })).lastStep).toBe(3_000_000_000);
  });

  it('--format on a folder of another format names what it looked for, and creates no run', async () => {
    const before = await db().run.count();
    const r = await cli(['import', path.join(FIXTURES, 'verl'), '--format', 'swift']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot import .*verl: .* is not swift output: looked for ms-swift's logging\.jsonl or completions\.jsonl, in the folder or in v<N>-<YYYYMMDD>-<HHMMSS>\/ subfolders, found none \(it looks like verl output: try --format verl\)/);
    const trl = await cli(['import', path.join(FIXTURES, 'swift', 'output'), '--format', 'trl']);
    expect(trl.code).toBe(1);
    expect(trl.stderr).toMatch(/is not trl output: looked for TRL's completions\/completions_<step>\.parquet or trainer_state\.json/);
    const bad = await cli(['import', path.join(FIXTURES, 'trl'), '--num-generations', 'three']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--num-generations must be a whole number ≥ 1 \(got "three"\)/);
    expect(await db().run.count()).toBe(before);
  });

  it('an upload that gives up marks its run failed with the reason', async () => {
    // A proxy that lets the run be created and its status change, but whose events endpoint is down.
    const proxy = createServer((req, res) => {
      if (req.url?.endsWith('/events')) {
        req.resume();
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"maintenance"}');
        return;
      }
      const fwd = httpRequest(`${app.url}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      req.pipe(fwd);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const port = (proxy.address() as AddressInfo).port;
    try {
      const r = await cli(['import', path.join(CASES, 'importer-swift-megatron-log'), '--format', 'swift', '--name', 'gives-up'], {
        VIDEOCAP_SERVER_URL: `http://127.0.0.1:${port}`,
        VIDEOCAP_IMPORT_DEADLINE_MS: '1500',
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/import failed: .*could not be delivered/);
      const run = await db().run.findFirstOrThrow({ where: { name: 'gives-up' }, orderBy: { createdAt: 'desc' } });
      expect(run.status).toBe('failed');
      expect(run.failureReason).toMatch(/^import failed: \d+ items could not be delivered to the server \(stored so far: 0 metric points/);
    } finally {
      await new Promise((r) => proxy.close(() => r(undefined)));
    }
  });

  it('says what is wrong with a folder it cannot read, and with a missing token', async () => {
    const missing = await cli(['import', path.join(FIXTURES, 'does-not-exist')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot import .*does-not-exist/);
    const noToken = await cli(['import', path.join(FIXTURES, 'trl'), '--num-generations', '3'], { VIDEOCAP_RUNNER_TOKEN: '', VIDEOCAP_API_TOKEN: '' });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/neither VIDEOCAP_API_TOKEN .* nor VIDEOCAP_RUNNER_TOKEN .* is set/);
  });

  it('accepts a personal API token alone (VIDEOCAP_API_TOKEN) and records its owner; a runner token records none', async () => {
    const personal = await cli(['import', path.join(FIXTURES, 'trl'), '--num-generations', '3', '--name', 'personal-token-import'], { VIDEOCAP_RUNNER_TOKEN: '' });
    expect(personal.code, personal.stderr).toBe(0);
    const { user } = await verifyApiToken(db(), process.env.VIDEOCAP_API_TOKEN!);
    expect((await db().run.findUniqueOrThrow({ where: { id: summaryOf(personal.stdout).runId } })).createdById).toBe(user.id);
    const runner = await cli(['import', path.join(FIXTURES, 'trl'), '--num-generations', '3', '--name', 'runner-token-import'], { VIDEOCAP_API_TOKEN: '' });
    expect(runner.code, runner.stderr).toBe(0);
    expect((await db().run.findUniqueOrThrow({ where: { id: summaryOf(runner.stdout).runId } })).createdById).toBeNull();
  });
});

describe('videocap launch', () => {
  it('launches a run through the public tRPC API and prints its id; an invalid config names the field', async () => {
    const ok = await cli(['launch', '--name', 'cli-launch', '--kind', 'sft', '--backend', 'swift', '--config', '{"maxSteps":7}', '--server', app.url]);
    expect(ok.code, ok.stderr).toBe(0);
    const id = ok.stdout.trim();
    const run = await caller.run.get({ id });
    expect(run).toMatchObject({ name: 'cli-launch', kind: 'sft', backend: 'swift', status: 'queued', maxSteps: 7 });
    await caller.run.cancel({ id });

    const bad = await cli(['launch', '--name', 'cli-bad', '--config', '{"grpo":{"numGenerations":1}}', '--server', app.url]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/launch rejected: .*config\.grpo\.numGenerations/);
  });
});
