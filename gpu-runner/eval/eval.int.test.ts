/**
 * Evaluation runs end to end through real processes: the server's route handlers over real HTTP, real
 * PostgreSQL (judge cache, samples, results), real Redis/BullMQ, runner child processes, and a judge
 * server speaking the OpenAI wire format (answering like the lexical judge, after a delay).
 * A runner is SIGKILLed mid-evaluation; another finishes it, and no judge call is answered twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { createCaller } from '../../server/api/root';
import { db } from '../../server/db';
import { startTestApp, type TestApp } from '../../server/testing/http-app';
import { startOpenAIServer, type OpenAITestServer } from '../testing/openai-server';
import { createLexicalJudge } from '../providers/lexical-judge';
import { loadDream1k } from '../datasets/dream1k';
import { until } from '../../server/testing/until';
import { verifyApiToken } from '../../server/services/tokens';

const ROOT = path.resolve(__dirname, '..', '..');
const caller = createCaller({ db: db(), headers: new Headers() });
let app: TestApp;
let judge: OpenAITestServer;
const runners: ChildProcess[] = [];
const outputs = new Map<string, () => string>();

function startRunner(id: string, extraEnv: Record<string, string> = {}): ChildProcess {
  const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'gpu-runner', 'main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      VIDEOCAP_SERVER_URL: app.url,
      RUNNER_ID: id,
      RUNNER_LOCK_MS: '3000',
      RUNNER_STALLED_INTERVAL_MS: '1000',
      RUNNER_HEARTBEAT_MS: '500',
      RUNNER_WORKDIR: path.join(ROOT, '.data', 'it-eval-runner'),
      JUDGE_TIMEOUT_MS: '20000',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  outputs.set(id, () => out);
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  runners.push(child);
  return child;
}

function kill(child: ChildProcess) {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

function promptOf(body: unknown): string {
  const messages = (body as { messages?: { role: string; content: string }[] }).messages ?? [];
  return messages.map((m) => `${m.role}:${m.content}`).join('\n');
}

beforeAll(async () => {
  app = await startTestApp();
  judge = await startOpenAIServer();
});
afterAll(async () => {
  for (const r of runners) kill(r);
  await judge.close();
  await app.close();
});

describe('eval runs (imported predictions, OpenAI-compatible judge)', () => {
  it('a runner killed mid-evaluation is replaced; finished clips are not re-judged and no judge call is answered twice', async () => {
    onTestFailed(() => {
      for (const [id, out] of outputs) console.error(`--- runner ${id} ---\n${out().slice(-4000)}`);
    });
    const lexical = createLexicalJudge();
    // A judge model of its own, so replies cached by an earlier run of this test are not reused.
    const judgeModel = `scripted-judge-${Date.now()}`;
    // Hold every request after the first 45 answered ones until released (the runner is killed meanwhile).
    let answered = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    judge.scriptChat(async (prompt) => {
      if (answered >= 45) await gate;
      await new Promise((r) => setTimeout(r, 15));
      answered++;
      return lexical.complete(prompt);
    });

    // Predictions: the first sentence of each reference caption of 30 DREAM-1K clips.
    const clips = loadDream1k({ limit: 30 });
    const text = clips.map((c) => JSON.stringify({ vid: c.vid, caption: c.referenceCaption.split(/(?<=\.)\s/)[0] })).join('\n');
    const upload = await caller.eval.uploadPredictions({ benchmark: 'dream-1k', fileName: 'first-sentences.jsonl', text });
    expect(upload.report.sources[0]).toMatchObject({ evaluated: 30, missing: { count: 970 } });
    const { id } = await caller.eval.launch({
      name: 'eval-kill-and-resume',
      config: {
        benchmarks: ['dream-1k'],
        judge: { kind: 'openai', baseUrl: judge.url, model: judgeModel },
        source: { kind: 'imported', captionSourceId: upload.sources[0].id, model: 'first-sentence baseline' },
        concurrency: 4,
        maxClips: 30,
      },
    });
    const a = startRunner('it-eval-a');
    await until(() => Promise.resolve(answered), (n) => n >= 45, 'the first 45 judge replies');
    // Every answered reply is in the PostgreSQL judge cache before the kill (writes are batched every 20 ms).
    await until(() => db().judgeCache.count({ where: { model: judgeModel } }), (n) => n >= 45, 'the cache to hold the answered replies');
    // Clips finished before the gate reach the server within the reporter's 500 ms flush; wait until the count is stable.
    let doneBefore = -1;
    for (let stable = 0; stable < 3; ) {
      await new Promise((r) => setTimeout(r, 600));
      const n = await db().evalSample.count({ where: { runId: id } });
      stable = n === doneBefore ? stable + 1 : 0;
      doneBefore = n;
    }
    expect(doneBefore).toBeGreaterThan(0);
    expect(doneBefore).toBeLessThan(30);
    kill(a);
    await new Promise((r) => setTimeout(r, 300));
    release();

    startRunner('it-eval-b');
    const done = await until(() => caller.run.get({ id }), (r) => r.status === 'succeeded' || r.status === 'failed', 'the evaluation to finish', 120_000);
    expect(done.failureReason).toBeNull();
    expect(done.status).toBe('succeeded');
    expect(done.transitions.some((t) => /resumed by runner it-eval-b .*clips already evaluated are skipped/.test(t.reason))).toBe(true);
    expect(done.logTail.some((l) => new RegExp(`resuming: ${doneBefore} clips were already evaluated`).test(l.line))).toBe(true);

    // No prompt was answered twice by the judge server.
    const chats = judge.requestsTo('/v1/chat/completions').filter((r) => r.answered);
    const counts = new Map<string, number>();
    for (const r of chats) counts.set(promptOf(r.body), (counts.get(promptOf(r.body)) ?? 0) + 1);
    expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
    expect(await db().judgeCache.count({ where: { model: judgeModel } })).toBe(counts.size);

    // One sample per clip, results per subset and overall, with the judge identity.
    expect(await db().evalSample.count({ where: { runId: id } })).toBe(30);
    const ev = await caller.eval.get({ runId: id });
    const overallF1 = ev.results.find((r) => r.subset === 'overall' && r.metric === 'f1');
    expect(overallF1).toMatchObject({ benchmark: 'dream-1k', judgeModel, judgeKind: 'openai', origin: 'measured', simulated: false, clips: 30 });
    expect(ev.evalProgress).toMatchObject({ clipsTotal: 30, clipsDone: 30 });
    expect(ev.results.some((r) => r.subset === 'movie_animation' && r.metric === 'recall')).toBe(true);
    expect(ev.results.some((r) => r.subset === 'n_events:<=3')).toBe(true);

    // The stored numbers equal the aggregation of the stored samples (recomputed here from recall/precision).
    const samples = await db().evalSample.findMany({ where: { runId: id, failed: false }, select: { subset: true, scores: true } });
    const bySubset = new Map<string, { r: number[]; p: number[] }>();
    for (const s of samples) {
      const sc = s.scores as Record<string, number>;
      const e = bySubset.get(s.subset) ?? { r: [], p: [] };
      e.r.push(sc.recall);
      e.p.push(sc.precision);
      bySubset.set(s.subset, e);
    }
    const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
    const R = mean([...bySubset.values()].map((e) => mean(e.r)));
    const P = mean([...bySubset.values()].map((e) => mean(e.p)));
    expect(overallF1!.value).toBeCloseTo((100 * 2 * R * P) / (R + P), 9);
  }, 240_000);
});

describe('an evaluation in which no clip is scored', () => {
  it('an unreachable judge: the run ends failed, naming the most common error and how many clips it hit; the log states the attempt count of the error', async () => {
    onTestFailed(() => {
      for (const [id, out] of outputs) console.error(`--- runner ${id} ---\n${out().slice(-4000)}`);
    });
    const clips = loadDream1k({ limit: 2 });
    const text = clips.map((c) => JSON.stringify({ vid: c.vid, caption: c.referenceCaption })).join('\n');
    const upload = await caller.eval.uploadPredictions({ benchmark: 'dream-1k', fileName: 'two.jsonl', text });
    const { id } = await caller.eval.launch({
      name: 'eval-unreachable-judge',
      config: {
        benchmarks: ['dream-1k'],
        judge: { kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', model: 'nobody-home' },
        source: { kind: 'imported', captionSourceId: upload.sources[0].id, model: 'two clips' },
        maxClips: 2,
      },
    });
    // Only this test's runner takes the job (earlier tests' runners would use their own JUDGE_MAX_RETRIES).
    for (const r of runners) kill(r);
    const runner = startRunner('it-eval-unreachable', { JUDGE_MAX_RETRIES: '1' });
    try {
      const done = await until(() => caller.run.get({ id }), (r) => r.status === 'succeeded' || r.status === 'failed', 'the evaluation to finish', 120_000);
      expect(done.status).toBe('failed');
      expect(done.failureReason).toMatch(/^no clip was scored: all 2 clips failed — most common error \([12] of 2 failed clips\): .*judge call failed: .*ECONNREFUSED.*\(gave up after 2 attempts\)$/);
      expect((done.summary as Record<string, unknown>).failed_clips).toBe(2);
      // The log's attempt count is the error's.
      const n = /gave up after (\d+) attempts/.exec(done.failureReason ?? '')?.[1];
      expect(done.logTail.some((l) => new RegExp(`each request tried up to ${n} times on connection errors`).test(l.line))).toBe(true);
      expect(done.logTail.some((l) => /attempts per judged item/.test(l.line))).toBe(false);
      const ev = await caller.eval.get({ runId: id });
      expect(ev.evalProgress).toMatchObject({ clipsTotal: 2, clipsDone: 2, clipsFailed: 2 });
    } finally {
      kill(runner);
    }
  }, 180_000);
});

describe('eval launch and import', () => {
  it('an uploaded multi-model file: the reference ("Human") is skipped, not offered as a model', async () => {
    const text = loadDream1k({ limit: 2 })
      .map((c) => JSON.stringify({ idx: c.vid, descriptions: { Human: c.referenceCaption, 'GPT-4o': 'A person walks.' } }))
      .join('\n');
    const r = await caller.eval.uploadPredictions({ benchmark: 'dream-1k', fileName: 'explorer.jsonl', text });
    expect(r.skippedModels).toEqual(['Human']);
    expect(r.sources.map((s) => s.model)).toEqual(['GPT-4o']);
    expect(r.report.sources.map((s) => s.model)).toEqual(['GPT-4o']);
    await expect(
      caller.eval.uploadPredictions({ benchmark: 'dream-1k', fileName: 'only-human.jsonl', text: JSON.stringify({ idx: 1, descriptions: { Human: 'A man walks.' } }) }),
    ).rejects.toThrow(/only the benchmark's reference \(Human\)/);
  });

  it('an evaluation that succeeded with failed clips says how many and why on its page (finishedNote)', async () => {
    const reason = 'finished; 1 of 2 clips failed (excluded from the means) — most common error (1 clip): judge call failed: HTTP 500';
    const run = await db().run.create({
      data: {
        name: 'partial eval',
        kind: 'eval',
        backend: 'local',
        status: 'succeeded',
        config: { benchmarks: ['dream-1k'] },
        transitions: { create: [{ fromStatus: null, toStatus: 'queued', reason: 'launched' }, { fromStatus: 'running', toStatus: 'succeeded', reason }] },
      },
    });
    expect((await caller.eval.get({ runId: run.id })).finishedNote).toBe(reason.slice('finished; '.length));
    const clean = await db().run.create({
      data: { name: 'clean eval', kind: 'eval', backend: 'local', status: 'succeeded', config: { benchmarks: ['dream-1k'] }, transitions: { create: [{ fromStatus: 'running', toStatus: 'succeeded', reason: 'finished' }] } },
    });
    expect((await caller.eval.get({ runId: clean.id })).finishedNote).toBeNull();
  });

  it('an upload whose ids match no clip of the benchmark is refused before launch, with what ids look like', async () => {
    const before = await db().captionSource.count();
    await expect(
      caller.eval.uploadPredictions({ benchmark: 'carebench', fileName: 'wrong-ids.jsonl', text: '{"id": "clip_a", "caption": "A man jogs."}\n{"id": "clip_b", "caption": "A dog runs."}\n' }),
    ).rejects.toThrow(/^wrong-ids\.jsonl: no caption matches a carebench clip \(unknown ids: clip_a, clip_b\); ids look like /);
    expect(await db().captionSource.count()).toBe(before);
  });

  it('rejects invalid eval configs naming the field, and stores nothing', async () => {
    const before = await db().run.count();
    await expect(caller.eval.launch({ name: 'bad', config: { benchmarks: [], source: { kind: 'imported', captionSourceId: 'x', model: 'm' } } })).rejects.toThrow(/config\.benchmarks: choose at least one benchmark/);
    await expect(caller.eval.launch({ name: 'bad', config: { benchmarks: ['dream-1k'], judge: { kind: 'openai', baseUrl: 'ftp://x', model: 'm' }, source: { kind: 'imported', captionSourceId: 'x', model: 'm' } } })).rejects.toMatchObject({
      message: expect.stringMatching(/config\.judge\.baseUrl: must be an http\(s\) URL/),
    });
    await expect(caller.eval.launch({ name: 'bad', config: { benchmarks: ['dream-1k'], source: { kind: 'imported', captionSourceId: 'nope', model: 'm' } } })).rejects.toThrow(/caption source nope does not exist/);
    await expect(caller.eval.launch({ name: 'bad', config: { benchmarks: ['dream-1k'], source: { kind: 'checkpoint', runId: 'r', checkpointId: 'nope' } } })).rejects.toThrow(/checkpoint nope does not exist/);
    await expect(caller.eval.uploadPredictions({ benchmark: 'dream-1k', fileName: 'x.txt', text: 'not json' })).rejects.toThrow(/x\.txt: no usable prediction/);
    expect(await db().run.count()).toBe(before);
  });

  it('`videocap eval --server` stores the result as an imported evaluation (samples, rows, judge identity)', async () => {
    const { runEvalCommand } = await import('../cli/eval');
    const { writeFile, mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(path.join(tmpdir(), 'eval-server-'));
    const file = path.join(dir, 'care.jsonl');
    await writeFile(file, '{"id": "synthetic_0002.mp4", "caption": "A young man in a blue tracksuit jogs in a park and drinks water."}\n');
    const saved = { ...process.env };
    delete process.env.JUDGE_BASE_URL;
    const out: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void out.push(a.join(' '));
    try {
      expect(await runEvalCommand(['carebench', '--predictions', file, '--server', app.url])).toBe(0);
    } finally {
      console.log = log;
      process.env = saved;
    }
    const summary = JSON.parse(out.join('\n'));
    const runId = summary.results[0].serverRunId as string;
    expect(runId).toBeTruthy();
    const run = await caller.run.get({ id: runId });
    expect(run).toMatchObject({ kind: 'eval', backend: 'import', status: 'succeeded' });
    // With both tokens set the personal one is used: the run records its owner.
    const { user } = await verifyApiToken(db(), process.env.VIDEOCAP_API_TOKEN!);
    expect(run.createdBy?.id).toBe(user.id);
    // Progress like a browser-launched evaluation's (not "0/?").
    expect(run).toMatchObject({ lastStep: 1, maxSteps: 1 });
    const ev = await caller.eval.get({ runId });
    expect(ev.evalProgress).toMatchObject({ clipsTotal: 1, clipsDone: 1, clipsFailed: 0 });
    expect(ev.results.map((r) => r.metric).sort()).toEqual(['action_f1', 'action_precision', 'action_recall', 'object_f1', 'object_precision', 'object_recall']);
    expect(ev.results.every((r) => r.origin === 'imported' && r.judgeKind === 'lexical' && r.clips === 1)).toBe(true);
    expect(await db().evalSample.count({ where: { runId } })).toBe(1);
  });

  it('`videocap eval --server` with only a personal API token: accepted, owner recorded; the reference ("Human") is not stored as a model', async () => {
    const { runEvalCommand } = await import('../cli/eval');
    const { writeFile, mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(path.join(tmpdir(), 'eval-server-'));
    const file = path.join(dir, 'explorer.jsonl');
    const tag = `M-${Date.now()}`;
    await writeFile(file, loadDream1k({ limit: 2 }).map((c) => JSON.stringify({ idx: c.vid, descriptions: { Human: c.referenceCaption, [tag]: 'A person walks to a door.' } })).join('\n') + '\n');
    const saved = { ...process.env };
    delete process.env.JUDGE_BASE_URL;
    delete process.env.VIDEOCAP_RUNNER_TOKEN;
    const out: string[] = [];
    const err: string[] = [];
    const log = console.log;
    const write = process.stderr.write.bind(process.stderr);
    console.log = (...a: unknown[]) => void out.push(a.join(' '));
    process.stderr.write = ((chunk: string) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(await runEvalCommand(['dream1k', '--predictions', file, '--server', app.url])).toBe(0);
    } finally {
      console.log = log;
      process.stderr.write = write;
      process.env = saved;
    }
    expect(err.join('')).toContain("skipped Human (the benchmark's reference, shown beside every clip)");
    const summary = JSON.parse(out.join('\n'));
    expect(summary.results.map((r: { model: string }) => r.model)).toEqual([tag]);
    const runId = summary.results[0].serverRunId as string;
    const run = await caller.run.get({ id: runId });
    const { user } = await verifyApiToken(db(), process.env.VIDEOCAP_API_TOKEN!);
    expect(run).toMatchObject({ status: 'succeeded', name: `eval dream-1k: ${tag}`, lastStep: 2, maxSteps: 2 });
    expect(run.createdBy?.id).toBe(user.id);
    expect(await db().run.count({ where: { name: { startsWith: 'eval dream-1k: Human' }, createdAt: { gte: new Date(Date.now() - 120_000) } } })).toBe(0);
  });
});
