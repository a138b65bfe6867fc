import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startOpenAIServer, type OpenAITestServer } from '../testing/openai-server';
import { createLexicalJudge } from '../providers/lexical-judge';
import { DEFAULT_DREAM1K_PATH } from '../datasets/dream1k';
import { runEvalCommand } from './eval';

let dir: string;
let annotations: string;
let predictions: string;
let server: OpenAITestServer;
const savedEnv = { ...process.env };

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  // Progress and notes go to process.stderr ("[videocap eval] …"): collected with console.error's lines.
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk).replace(/\n$/, ''));
    return true;
  });
  try {
    const code = await runEvalCommand(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    stderr.mockRestore();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'videocap-eval-cli-'));
  // Three DREAM-1K clips (vids 1, 2 in movie_animation; 201 in movie_live_action) as the annotations.
  const lines = readFileSync(DEFAULT_DREAM1K_PATH, 'utf8').split('\n').filter(Boolean);
  const pick = lines.filter((l) => [1, 2, 201].includes((JSON.parse(l) as { vid: number }).vid));
  annotations = join(dir, 'dream.jsonl');
  await writeFile(annotations, pick.join('\n') + '\n');
  const refs = pick.map((l) => JSON.parse(l) as { vid: number; messages: { content: { reference: string | null }[] }[] });
  // The multi-model layout of shared/benchmarks/model-captions: the reference itself, and a model with a failed generation.
  predictions = join(dir, 'multi.jsonl');
  await writeFile(
    predictions,
    refs
      .map((r) =>
        JSON.stringify({
          idx: r.vid,
          dream_subset: 'DREAM/x',
          descriptions: { Human: r.messages[1].content[0].reference, Broken: r.vid === 2 ? '<error>' : 'A person does something.' },
        }),
      )
      .join('\n') + '\n{"idx": 7777, "descriptions": {"Human": "not a clip of the file", "Broken": "x"}}\n',
  );
  const lexical = createLexicalJudge();
  server = await startOpenAIServer({ chat: (prompt) => lexical.complete(prompt) });
});
afterEach(() => {
  process.env = { ...savedEnv };
  server.reset();
});
afterAll(async () => {
  await server.close();
});

describe('videocap eval', () => {
  it('prints per-subset and overall P/R/F1 for each model of a multi-model file with the offline judge, and writes per-clip records', async () => {
    delete process.env.JUDGE_BASE_URL;
    const samplesOut = join(dir, 'samples.jsonl');
    const { code, out, err } = await run(['dream1k', '--predictions', predictions, '--annotations', annotations, '--samples-out', samplesOut]);
    expect(code).toBe(0);
    const summary = JSON.parse(out);
    expect(summary.benchmark).toBe('dream-1k');
    expect(summary.judge).toMatchObject({ kind: 'lexical', model: expect.stringMatching(/^lexical-judge-v\d+ \(offline approximation/), temperature: 0, endpoint: null });
    expect(summary.judge.note).toMatch(/not comparable/);
    // "Human" is the benchmark's reference, not a model: skipped with import-captions' message.
    expect(summary.results.map((r: { model: string }) => r.model)).toEqual(['Broken']);
    expect(err).toContain("skipped Human (the benchmark's reference, shown beside every clip)");
    const records = (await readFile(samplesOut, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(records).toHaveLength(3);
    expect(records.every((r: { model: string }) => r.model === 'Broken')).toBe(true);
  }, 60_000);

  it('--model Human evaluates the reference when asked for by name (a reference judged against itself scores 1)', async () => {
    delete process.env.JUDGE_BASE_URL;
    const samplesOut = join(dir, 'samples-human.jsonl');
    const { code, out, err } = await run(['dream1k', '--predictions', predictions, '--annotations', annotations, '--samples-out', samplesOut, '--model', 'Human']);
    expect(code).toBe(0);
    expect(err).not.toContain('skipped Human');
    const summary = JSON.parse(out);
    const human = summary.results[0];
    // A reference judged against itself: every human event and every extracted event is entailed by the lexical judge.
    expect(human.overall).toMatchObject({ recall: 1, precision: 1, f1: 1, clips: 3, failed: 0 });
    expect(human.subsets.map((s: { subset: string; clips: number }) => [s.subset, s.clips])).toEqual([['movie_animation', 2], ['movie_live_action', 1]]);
    expect(human.clips.unknownIds).toEqual({ count: 1, ids: ['7777'] });
    expect(human.breakdowns.n_events).toHaveLength(4);
    expect(human.clips.failed).toBe(0);
  }, 60_000);

  it('a model with a failed generation: the "<error>" caption is flagged and scored, not dropped', async () => {
    delete process.env.JUDGE_BASE_URL;
    const samplesOut = join(dir, 'samples-broken.jsonl');
    const { code, out } = await run(['dream1k', '--predictions', predictions, '--annotations', annotations, '--samples-out', samplesOut, '--model', 'Broken']);
    expect(code).toBe(0);
    const broken = JSON.parse(out).results[0];
    expect(broken.clips.errorCaptions).toEqual({ count: 1, ids: ['dream-1k/2'] });
    expect(broken.overall.recall).toBeLessThan(1);
    const records = (await readFile(samplesOut, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(records).toHaveLength(3);
    const errorClip = records.find((r: { model: string; clipId: string }) => r.model === 'Broken' && r.clipId === 'dream-1k/2');
    expect(errorClip).toMatchObject({ prediction: '<error>', flags: ['error-caption'], failed: false });
    expect(errorClip.details.referenceEvents.length).toBeGreaterThan(0);
    expect(errorClip.details.referenceEvents[0]).toMatchObject({ relationship: expect.any(String), reason: expect.stringMatching(/lexical overlap/) });
  }, 60_000);

  it('uses an OpenAI-compatible judge server when JUDGE_BASE_URL points at one', async () => {
    process.env.JUDGE_BASE_URL = server.url;
    process.env.JUDGE_MODEL = 'judge-under-test';
    const { code, out } = await run(['dream1k', '--predictions', predictions, '--annotations', annotations, '--model', 'Human', '--concurrency', '3']);
    expect(code).toBe(0);
    const summary = JSON.parse(out);
    expect(summary.judge).toMatchObject({ kind: 'openai', model: 'judge-under-test', endpoint: server.url });
    expect(summary.results).toHaveLength(1);
    const calls = server.requestsTo('/v1/chat/completions');
    expect(calls.length).toBe(summary.judgeCalls.made);
    expect(calls.length).toBeGreaterThanOrEqual(6);
    expect(calls.every((c) => (c.body as { model: string; temperature: number }).model === 'judge-under-test' && (c.body as { temperature: number }).temperature === 0)).toBe(true);
    expect(server.maxConcurrent).toBeLessThanOrEqual(3);
  }, 60_000);

  it('a judge that replies garbage: retried, then the clip is failed with the reason; the run still finishes with exit 0', async () => {
    process.env.JUDGE_BASE_URL = server.url;
    process.env.JUDGE_REPLY_ATTEMPTS = '2';
    server.scriptChat(() => 'Sure! Here are my thoughts.');
    const { code, out } = await run(['dream1k', '--predictions', predictions, '--annotations', annotations, '--model', 'Human']);
    expect(code).toBe(0);
    const r = JSON.parse(out).results[0];
    expect(r.clips).toMatchObject({ evaluated: 0, failed: 3 });
    expect(r.clips.failedClips[0].reason).toMatch(/no valid reply after 2 attempts/);
    expect(r.overall).toMatchObject({ recall: null, precision: null, f1: null, clips: 0, failed: 3 });
  }, 60_000);

  it('progress lines count each model\'s own judge calls; judgeCalls in the summary is the total', async () => {
    process.env.JUDGE_BASE_URL = server.url;
    process.env.JUDGE_MODEL = 'judge-per-model';
    const twoModels = join(dir, 'two-models.jsonl');
    const refs = readFileSync(annotations, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { vid: number });
    await writeFile(twoModels, refs.map((r, i) => JSON.stringify({ idx: r.vid, descriptions: { A: `A person walks and sits down ${i}.`, B: `A dog runs to a door and barks ${i}.` } })).join('\n') + '\n');
    const { code, out, err } = await run(['dream1k', '--predictions', twoModels, '--annotations', annotations, '--concurrency', '2']);
    expect(code).toBe(0);
    const summary = JSON.parse(out);
    const last = (model: string) => {
      const lines = err.split('\n').filter((l) => l.startsWith(`[videocap eval] ${model}: `) && /judge calls/.test(l));
      const m = /judge calls (\d+) made \/ (\d+) cached/.exec(lines.at(-1) ?? '');
      return m ? { made: Number(m[1]), cached: Number(m[2]) } : null;
    };
    const a = last('A');
    const b = last('B');
    expect(a && b).toBeTruthy();
    expect(a!.made).toBeGreaterThan(0);
    expect(b!.made).toBeGreaterThan(0);
    // Per model, not cumulative: the two add up to the total the judge server answered.
    expect(a!.made + b!.made).toBe(summary.judgeCalls.made);
  }, 60_000);

  it('an unreachable judge: every clip failed, stderr names the most common error and clip count; the log\'s attempt count is the one in the error', async () => {
    process.env.JUDGE_BASE_URL = 'http://127.0.0.1:9/v1';
    process.env.JUDGE_MAX_RETRIES = '1';
    const { code, out, err } = await run(['dream1k', '--predictions', predictions, '--annotations', annotations, '--model', 'Broken']);
    expect(code).toBe(0);
    const r = JSON.parse(out).results[0];
    expect(r.clips).toMatchObject({ evaluated: 0, failed: 3 });
    expect(err).toMatch(/Broken: no clip was scored: all 3 clips failed — most common error \([123] of 3 failed clips\): .*judge call failed: .*ECONNREFUSED.*\(gave up after 2 attempts\)/);
    expect(err).toMatch(/each request tried up to 2 times on connection errors/);
    expect(err).not.toMatch(/3 attempts per judged item/);
  }, 60_000);

  it('a file holding only the reference is refused (exit 1), naming it', async () => {
    const onlyHuman = join(dir, 'only-human.jsonl');
    await writeFile(onlyHuman, '{"idx": 1, "descriptions": {"Human": "A man walks."}}\n');
    const r = await run(['dream1k', '--predictions', onlyHuman, '--annotations', annotations]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/only the benchmark's reference \(Human\) is in the file/);
  });

  it('exit codes: 1 when a file cannot be read, 2 for bad options', async () => {
    expect((await run(['dream1k', '--predictions', join(dir, 'nope.jsonl')])).code).toBe(1);
    expect((await run(['dream1k', '--predictions', predictions, '--annotations', join(dir, 'nope.jsonl')])).code).toBe(1);
    const garbage = join(dir, 'garbage.txt');
    await writeFile(garbage, 'hello\n');
    const g = await run(['dream1k', '--predictions', garbage, '--annotations', annotations]);
    expect(g.code).toBe(1);
    expect(g.err).toMatch(/no usable prediction/);
    expect((await run(['msrvtt', '--predictions', predictions])).code).toBe(2);
    expect((await run(['dream1k', '--predictions', predictions, '--subset', 'detailed'])).code).toBe(2);
    expect((await run(['vdc', '--predictions', predictions, '--subset', 'short'])).code).toBe(2);
    expect((await run(['dream1k'])).err).toMatch(/--predictions FILE is required/);
  });

  it('scores VDC and CAREBENCH files too', async () => {
    delete process.env.JUDGE_BASE_URL;
    const vdcPreds = join(dir, 'vdc.jsonl');
    await writeFile(vdcPreds, '{"video_id": "07309684-1f6e-4977-ab74-f3e63c361f36", "caption": "A surface with green moss and lichen, then the engine compartment of a motorcycle."}\n');
    const v = await run(['vdc', '--predictions', vdcPreds, '--subset', 'detailed']);
    expect(v.code).toBe(0);
    const vs = JSON.parse(v.out);
    expect(vs.benchmark).toBe('vdc/detailed');
    expect(vs.results[0]).toMatchObject({ clips: { evaluated: 1, missing: { count: 1026 } } });
    expect(vs.results[0].accuracy).toBeGreaterThan(0);
    expect(vs.results[0].officialScript).toBeDefined();
    const carePreds = join(dir, 'care.jsonl');
    await writeFile(carePreds, '{"id": "synthetic_0001.mp4", "caption": "A woman with long black hair brushes her hair and ties it into a ponytail."}\n');
    const c = await run(['carebench', '--predictions', carePreds]);
    expect(c.code).toBe(0);
    const cs = JSON.parse(c.out);
    expect(cs.annotations).toMatch(/synthetic/);
    expect(cs.results[0].action.clips).toBe(1);
    expect(cs.results[0].object.recall).toBeGreaterThan(0);
  }, 60_000);
});
