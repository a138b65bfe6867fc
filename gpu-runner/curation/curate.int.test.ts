/**
 * The curate run end to end through real processes: the server's route handlers over real HTTP,
 * PostgreSQL, Redis/BullMQ, and a runner child process running ffprobe/ffmpeg and OpenCV on clips
 * made with ffmpeg. Then a re-run that must not probe or decode again, an import of the same folder,
 * a curate run from the imported dataset, and a local GRPO run that trains on the curated dataset.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEURISTIC_THINK_SOURCE } from '../../core/heuristic-think';
import { createCaller } from '../../server/api/root';
import { db } from '../../server/db';
import { startTestApp, type TestApp } from '../../server/testing/http-app';
import { makeSyntheticFolder, type SyntheticFolder } from './testing/synthetic';
import { until as untilBase } from '../../server/testing/until';

const ROOT = path.resolve(__dirname, '..', '..');
const caller = createCaller({ db: db(), headers: new Headers() });
let app: TestApp;
let runner: ChildProcess;
let swiftRunner: ChildProcess | null = null;
let runnerOut = '';

const until = <T>(fn: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 150_000) =>
  untilBase(fn, ok, what, timeoutMs, { intervalMs: 300, context: () => `runner output:\n${runnerOut.slice(-3000)}` });
let tmp: string;
let folder: SyntheticFolder;

const finished = (id: string) => until(() => caller.run.get({ id }), (r) => ['succeeded', 'failed', 'cancelled'].includes(r.status), `run ${id} to finish`);

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'videocap-curate-'));
  [app, folder] = await Promise.all([startTestApp(), makeSyntheticFolder(tmp)]);
  const env: NodeJS.ProcessEnv = { ...process.env, VIDEOCAP_SERVER_URL: app.url, RUNNER_ID: 'it-curate-runner', RUNNER_WORKDIR: path.join(ROOT, '.data', 'it-curate-runner') };
  delete env.JUDGE_BASE_URL; // the offline annotator, labelled as such
  runner = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'gpu-runner', 'main.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  runner.stdout?.on('data', (b: Buffer) => (runnerOut += b.toString()));
  runner.stderr?.on('data', (b: Buffer) => (runnerOut += b.toString()));
}, 120_000);

afterAll(async () => {
  for (const r of [runner, swiftRunner]) {
    try {
      if (r) process.kill(-r.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  await app.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('curate run on a runner', () => {
  let firstRunId = '';
  const datasetName = `curated-${Date.now().toString(36)}`;

  it('keeps exactly the 10–30 s moving clips above the threshold, reports every bad clip, annotates (offline, labelled), filters by action and makes a train dataset', async () => {
    const { id } = await caller.curate.launch({
      name: datasetName,
      config: { source: { kind: 'folder', videoDir: folder.videoDir, captionsPath: folder.captionsPath }, dynamicity: { rule: 'threshold', threshold: 2 }, workers: 2 },
    });
    firstRunId = id;
    const run = await finished(id);
    expect(run.failureReason).toBeNull();
    expect(run.status).toBe('succeeded');

    const rows = await db().curationClip.findMany({ where: { runId: id }, orderBy: { ordinal: 'asc' } });
    const fate = Object.fromEntries(rows.map((r) => [r.externalId, `${r.stage}:${r.outcome}`]));
    expect(fate).toEqual({
      'static-5s.mp4': 'duration:rejected',
      'static-15s.mp4': 'dynamicity:rejected',
      'static-40s.mp4': 'duration:rejected',
      'slow-5s.mp4': 'duration:rejected',
      'slow-15s.mp4': 'action:kept',
      'slow-40s.mp4': 'duration:rejected',
      'fast-5s.mp4': 'duration:rejected',
      'fast-15s.mp4': 'action:kept',
      'fast-40s.mp4': 'duration:rejected',
      'sub/fast-again-15s.mp4': 'action:rejected',
      'truncated-15s.mp4': 'dynamicity:error',
      'garbage.mp4': 'duration:error',
      'empty.mp4': 'input:error',
      'missing.mp4': 'input:error',
      'line 15': 'input:error',
      'no-caption-15s.mp4': 'input:error',
    });
    const reason = (id: string) => rows.find((r) => r.externalId === id)!.reason!;
    expect(reason('truncated-15s.mp4')).toMatch(/truncated or damaged video: decoded \d+ of 16 sampled frames/);
    expect(reason('garbage.mp4')).toMatch(/^unreadable video: ffprobe/);
    expect(reason('empty.mp4')).toMatch(/zero-length file/);
    expect(reason('missing.mp4')).toMatch(/line 14: caption without video/);
    expect(reason('no-caption-15s.mp4')).toMatch(/video without caption/);
    expect(reason('line 15')).toMatch(/line 15: not JSON/);
    expect(reason('static-40s.mp4')).toBe('duration 40 s is outside 10–30 s');
    expect(reason('static-15s.mp4')).toMatch(/^dynamicity 0\.\d+ %\/s is not above the threshold 2$/);
    expect(reason('sub/fast-again-15s.mp4')).toMatch(/adds no new action type \(run, jump already in the inventory\)/);

    const kept = rows.filter((r) => r.outcome === 'kept');
    for (const k of kept) {
      expect(k.thinkSource).toBe(HEURISTIC_THINK_SOURCE);
      expect(k.newActions.length).toBeGreaterThan(0);
      expect(k.dynamicity).toBeGreaterThan(2);
    }
    // Most dynamic first: fast-15s (rank 1), the second fast clip (rank 2, nothing new), slow-15s (rank 3).
    expect(rows.filter((r) => r.filterRank !== null).sort((a, b) => a.filterRank! - b.filterRank!).map((r) => r.externalId)).toEqual(['fast-15s.mp4', 'sub/fast-again-15s.mp4', 'slow-15s.mp4']);

    const view = await caller.curate.view({ runId: id });
    expect(view.funnel.map((f) => [f.stage, f.in, f.out, f.rejected, f.errors, f.pending])).toEqual([
      ['input', 16, 12, 0, 4, 0],
      ['duration', 12, 5, 6, 1, 0],
      ['dynamicity', 5, 3, 1, 1, 0],
      ['annotation', 3, 3, 0, 0, 0],
      ['action', 3, 2, 1, 0, 0],
    ]);
    expect(view.dynamicity.threshold).toBe(2);
    expect(view.dynamicity.histogram.counts.reduce((a, b) => a + b, 0)).toBe(4);
    expect(view.duration.histogram.counts.reduce((a, b) => a + b, 0)).toBe(11);
    expect(view.inventory.at(-1)).toMatchObject({ rank: 3, kept: 2 });
    expect(view.topActions.map((t) => t.key)).toEqual(expect.arrayContaining(['run', 'jump', 'walk']));
    expect(view.thinkSources).toEqual([{ source: HEURISTIC_THINK_SOURCE, clips: 3, heuristic: true }]);
    expect(view.stages.every((s) => s.total >= s.passed)).toBe(true);
    expect(view.dataset).toMatchObject({ name: datasetName, clips: 2 });

    const ds = await caller.dataset.get({ id: datasetName });
    expect(ds).toMatchObject({ kind: 'train', benchmarks: [], sourceRunId: id, clipCount: 2, withVideo: 2 });
    expect(ds.thinkSources).toEqual([{ source: HEURISTIC_THINK_SOURCE, clips: 2 }]);
    expect(run.summary).toMatchObject({ clips_in: 16, kept: 2, probed: 12, decoded: 5, reused_probe: 0, reused_flow: 0, dataset: datasetName });
    expect(run.logTail.some((l) => l.line.includes('OFFLINE HEURISTIC'))).toBe(true);

    const frame = await fetch(`${app.url}/api/frames?run=${id}&ordinal=${kept[0].ordinal}&i=1&n=4`);
    expect(frame.status).toBe(200);
    expect(frame.headers.get('content-type')).toBe('image/jpeg');
    expect((await frame.arrayBuffer()).byteLength).toBeGreaterThan(200);
    const noFrame = await fetch(`${app.url}/api/frames?run=${id}&ordinal=${rows.find((r) => r.externalId === 'garbage.mp4')!.ordinal}&i=0&n=4`);
    expect(noFrame.status).toBe(422);
  }, 240_000);

  it('a re-run reuses every stored measurement: nothing probed or decoded again, same decisions', async () => {
    const { id } = await caller.curate.launch({
      name: `${datasetName}-again`,
      config: { source: { kind: 'folder', videoDir: folder.videoDir, captionsPath: folder.captionsPath }, dynamicity: { rule: 'threshold', threshold: 2 } },
    });
    const run = await finished(id);
    expect(run.status).toBe('succeeded');
    expect(run.summary).toMatchObject({ probed: 0, decoded: 0, reused_probe: 12, reused_flow: 5, kept: 2 });
    const a = await db().curationClip.findMany({ where: { runId: firstRunId }, orderBy: { ordinal: 'asc' }, select: { externalId: true, stage: true, outcome: true, dynamicity: true } });
    const b = await db().curationClip.findMany({ where: { runId: id }, orderBy: { ordinal: 'asc' }, select: { externalId: true, stage: true, outcome: true, dynamicity: true, reusedMeasurement: true } });
    expect(b.map(({ reusedMeasurement: _r, ...x }) => x)).toEqual(a);
    expect(b.filter((r) => r.stage !== 'input').every((r) => r.reusedMeasurement)).toBe(true);
    expect(run.logTail.some((l) => /duration: .*0 probed with ffprobe, 12 from stored measurements/.test(l.line))).toBe(true);
  }, 180_000);

  it('imports the folder as a training dataset with per-clip problems, and curates from it', async () => {
    const importName = `imported-${Date.now().toString(36)}`;
    const imp = await caller.dataset.import({ name: importName, videoDir: folder.videoDir, captionsPath: folder.captionsPath });
    expect(imp.clips).toBe(11); // 9 motion clips, the second fast clip and the truncated one (it probes)
    expect(imp.reusedProbes).toBe(12);
    expect(imp.probed).toBe(0);
    expect(imp.problems.map((p) => p.externalId).sort()).toEqual(['empty.mp4', 'garbage.mp4', 'line 15', 'missing.mp4', 'no-caption-15s.mp4']);
    const ds = await caller.dataset.get({ id: importName });
    expect(ds).toMatchObject({ kind: 'train', clipCount: 11, withVideo: 11 });
    const clips = await caller.dataset.clips({ datasetId: ds.id, limit: 50 });
    expect(clips.items.find((c) => c.externalId === 'fast-15s.mp4')).toMatchObject({ durationSec: 15, referenceCaption: expect.stringContaining('runs across the field') });
    await expect(caller.dataset.import({ name: importName, videoDir: folder.videoDir, captionsPath: folder.captionsPath })).rejects.toThrow(/already exists/);
    await expect(caller.dataset.import({ name: `${importName}-x`, videoDir: path.join(tmp, 'nope'), captionsPath: folder.captionsPath })).rejects.toThrow(/videoDir: cannot read the folder/);

    const { id } = await caller.curate.launch({ name: `${importName}-curated`, config: { source: { kind: 'dataset', dataset: importName } } });
    const run = await finished(id);
    expect(run.status).toBe('succeeded');
    expect(run.summary).toMatchObject({ clips_in: 11, kept: 2, decoded: 0, probed: 0 });
    await expect(caller.curate.launch({ name: 'x', config: { source: { kind: 'dataset', dataset: 'no-such-dataset' } } })).rejects.toThrow(/config.source.dataset: dataset "no-such-dataset" does not exist/);
    await expect(caller.curate.launch({ name: datasetName, config: { source: { kind: 'folder', videoDir: '/x', captionsPath: '/y' } } })).rejects.toThrow(/already exists/);
    await expect(caller.curate.launch({ name: 'bad', config: { source: { kind: 'folder', videoDir: '/x', captionsPath: '/y' }, duration: { minSec: 40, maxSec: 10 } } })).rejects.toThrow(/config.duration.minSec: minSec must be ≤ maxSec/);
  }, 180_000);

  it('a local GRPO run trains on the curated dataset (its clips and their think annotations)', async () => {
    const { id } = await caller.run.launch({ name: 'grpo-on-curated', kind: 'grpo', backend: 'local', config: { dataset: datasetName, maxSteps: 4, grpo: { numGenerations: 3, globalBatchSize: 6 }, local: { clipsPerStep: 2 } } });
    const run = await finished(id);
    expect(run.failureReason).toBeNull();
    expect(run.status).toBe('succeeded');
    const clipIds = new Set((await db().rollout.findMany({ where: { runId: id }, select: { clipId: true } })).map((r) => r.clipId));
    expect([...clipIds].sort()).toEqual([`${datasetName}/fast-15s.mp4`, `${datasetName}/slow-15s.mp4`]);
    expect(await db().rollout.count({ where: { runId: id } })).toBe(4 * 2 * 3);
    expect(run.logTail.some((l) => l.line.includes('clips=2'))).toBe(true);
  }, 180_000);

  it('the swift backend writes the curated clips (video paths, think annotations) as its ms-swift dataset', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const workdir = path.join(ROOT, '.data', 'it-curate-swift-runner');
    swiftRunner = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'gpu-runner', 'main.ts')], {
      cwd: ROOT,
      env: { ...process.env, VIDEOCAP_SERVER_URL: app.url, RUNNER_ID: 'it-curate-swift', RUNNER_BACKENDS: 'swift', RUNNER_GPUS: '2', RUNNER_WORKDIR: workdir },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    swiftRunner.stdout?.on('data', (b: Buffer) => (runnerOut += b.toString()));
    swiftRunner.stderr?.on('data', (b: Buffer) => (runnerOut += b.toString()));
    const { id } = await caller.run.launch({
      name: 'swift-on-curated',
      kind: 'grpo',
      backend: 'swift',
      config: {
        dataset: datasetName,
        maxSteps: 2,
        grpo: { numGenerations: 2, globalBatchSize: 2 },
        swift: {
          executable: path.join(ROOT, 'gpu-runner', 'backends', 'swift', 'testing', 'fake-swift'),
          trainDevices: '0',
          rolloutDevice: '1',
          rolloutPort: port,
          saveSteps: 2,
          killGraceSec: 1,
          extraArgs: ['--fake_step_seconds', '0.05'],
        },
      },
    });
    const run = await finished(id);
    expect(run.failureReason).toBeNull();
    expect(run.status).toBe('succeeded');
    const rows = (await readFile(path.join(workdir, id, 'swift', 'grpo-dataset.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { videos: string[]; clip_id: string; reference_think: string });
    expect(rows.map((r) => r.clip_id).sort()).toEqual([`${datasetName}/fast-15s.mp4`, `${datasetName}/slow-15s.mp4`]);
    for (const r of rows) {
      expect(r.videos).toEqual([path.join(folder.videoDir, r.clip_id.split('/').pop()!)]);
      expect(JSON.parse(r.reference_think)).toEqual(expect.arrayContaining([expect.objectContaining({ actions: expect.any(Array) })]));
    }
  }, 180_000);
});
