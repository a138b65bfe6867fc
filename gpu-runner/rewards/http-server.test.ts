import { afterEach, describe, expect, it } from 'vitest';
import type { RolloutRecord, ThinkSubject } from '../../core/types';
import { createLexicalEmbedder } from '../providers/embeddings';
import { createLexicalJudge } from '../providers/judge';
import { startRewardHttpServer, type RewardHttpServer } from './http-server';
import { createRewardService } from './service';
import type { RewardOptions, RewardService } from './types';

const OPTIONS: RewardOptions = {
  rewards: [
    { name: 'format', weight: 1 },
    { name: 'tscore', weight: 1 },
    { name: 'escore', weight: 1 },
  ],
  simThreshold: 0.5,
  escoreThresholds: [0.28, 0.35],
};
const TOKEN = 'test-token-0123456789';

const THINK: ThinkSubject[] = [
  { subject: 'woman', attributes: ['long hair', 'red dress'], actions: ['lift a child', 'throw up a child', 'catch a child'] },
  { subject: 'child', attributes: ['dressed in red'], actions: ['smile'] },
];
const CAPTION = 'A woman with long hair in a red dress lifts a child, throws the child up and catches her. The child smiles.';
const EVENTS = ['A woman lifts a child.', 'The woman throws the child up.', 'The woman catches the child.', 'The child smiles.'];

const GOOD = `<think>\n#Subject 1: woman [long hair, red dress], [lift a child, throw up a child, catch a child]\n#Subject 2: child [dressed in red], [smile]\n</think>\n<answer>${CAPTION}</answer>`;
const PARTIAL = `<think>\n#Subject 1: woman [long hair], [lift a child]\n</think>\n<answer>A woman lifts a child.</answer>`;
const BAD = 'a woman and a child';

function realService(): RewardService & { calls: number } {
  const inner = createRewardService({ embedder: createLexicalEmbedder(), judge: createLexicalJudge() });
  const svc = {
    calls: 0,
    identity: inner.identity,
    score: (items: Parameters<RewardService['score']>[0], options: RewardOptions) => {
      svc.calls++;
      return inner.score(items, options);
    },
  };
  return svc;
}

let server: RewardHttpServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function start(rewardService: RewardService, rows: RolloutRecord[], errors: string[] = [], options: RewardOptions = OPTIONS) {
  server = await startRewardHttpServer({
    rewardService,
    options,
    token: TOKEN,
    onRollouts: (r) => {
      rows.push(...r);
    },
    onError: (m) => errors.push(m),
  });
  return server;
}

async function post(url: string, body: unknown, token: string | null = TOKEN) {
  const res = await fetch(`${url}/v1/score`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { scores?: (number | null)[]; error?: string } };
}

function batch(component: string, completions: string[], clipIds: string[], step = 1, G = 3) {
  return {
    component,
    completions,
    step,
    num_generations: G,
    clip_id: clipIds,
    reference_caption: clipIds.map(() => CAPTION),
    reference_think: clipIds.map(() => JSON.stringify(THINK)),
    reference_events: clipIds.map(() => JSON.stringify(EVENTS)),
  };
}

describe('reward HTTP server', () => {
  it('rejects a missing or wrong token with 401', async () => {
    const s = await start(realService(), []);
    expect((await post(s.url, batch('format', [GOOD], ['c1']), null)).status).toBe(401);
    expect((await post(s.url, batch('format', [GOOD], ['c1']), 'wrong')).status).toBe(401);
  });

  it('answers 400 saying what was wrong', async () => {
    const s = await start(realService(), []);
    const notJson = await post(s.url, '{nope');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toMatch(/not JSON/);
    const mismatch = await post(s.url, { ...batch('format', [GOOD, BAD], ['c1', 'c1']), clip_id: ['c1'] });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error).toContain('clip_id: has 1 entries, completions has 2');
    const badComponent = await post(s.url, { ...batch('format', [GOOD], ['c1']), component: 'bleu' });
    expect(badComponent.status).toBe(400);
    expect(badComponent.body.error).toContain('component');
    const notConfigured = await post(s.url, batch('cnscore', [GOOD], ['c1']));
    expect(notConfigured.status).toBe(400);
    expect(notConfigured.body.error).toContain('not configured for this run');
    const badThink = await post(s.url, { ...batch('format', [GOOD], ['c1']), reference_think: ['{oops'] });
    expect(badThink.status).toBe(400);
    expect(badThink.body.error).toContain('reference_think[0]: not valid JSON');
    const wrongShape = await post(s.url, { ...batch('format', [GOOD], ['c1']), reference_think: [JSON.stringify([{ subject: 1 }])] });
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.body.error).toContain('reference_think[0].0.subject');
  });

  it('applies the run\'s prefilledThink rule to what the ms-swift plugin sends (completions without the prompt)', async () => {
    const insideThink = GOOD.replace(/^<think>/, '');
    const paper = await start(realService(), []);
    expect((await post(paper.url, batch('format', [insideThink, GOOD, BAD], ['c1', 'c1', 'c1']))).body.scores).toEqual([0, 1, 0]);
    await paper.close();
    server = null;
    const prefilled = await start(realService(), [], [], { ...OPTIONS, prefilledThink: true });
    expect((await post(prefilled.url, batch('format', [insideThink, GOOD, BAD], ['c1', 'c1', 'c1']))).body.scores).toEqual([1, 1, 0]);
  });

  it('scores a batch once for all components and records each completion once with group advantages', async () => {
    const svc = realService();
    const rows: RolloutRecord[] = [];
    const s = await start(svc, rows);
    const completions = [GOOD, PARTIAL, BAD, PARTIAL, GOOD, GOOD];
    const clips = ['c1', 'c1', 'c1', 'c2', 'c2', 'c2'];
    const format = await post(s.url, batch('format', completions, clips));
    const tscore = await post(s.url, batch('tscore', completions, clips));
    const escore = await post(s.url, batch('escore', completions, clips));
    expect(format.status).toBe(200);
    expect(svc.calls).toBe(1);
    expect(format.body.scores).toEqual([1, 1, 0, 1, 1, 1]);
    expect(tscore.body.scores?.[0]).toBeGreaterThan(tscore.body.scores?.[1] ?? 1);
    expect(escore.body.scores?.every((x) => typeof x === 'number' && x >= 0 && x <= 1)).toBe(true);

    expect(rows).toHaveLength(6);
    expect(rows.map((r) => [r.clipId, r.groupIndex, r.sampleIndex])).toEqual([
      ['c1', 0, 0], ['c1', 0, 1], ['c1', 0, 2], ['c2', 1, 0], ['c2', 1, 1], ['c2', 1, 2],
    ]);
    for (const group of [rows.slice(0, 3), rows.slice(3)]) {
      expect(Math.abs(group.reduce((a, r) => a + r.advantage, 0))).toBeLessThan(1e-9);
    }
    expect(rows[0].reward).toBeCloseTo((format.body.scores![0] ?? 0) + (tscore.body.scores![0] ?? 0) + (escore.body.scores![0] ?? 0), 9);
    expect(rows[0].think?.[0].subject).toBe('woman');
    expect(rows[0].answer).toBe(CAPTION);
    expect(rows.every((r) => r.step === 1)).toBe(true);
  });

  it('joins a group that straddles two requests (two ranks) before emitting it', async () => {
    const rows: RolloutRecord[] = [];
    const s = await start(realService(), rows);
    await post(s.url, batch('format', [GOOD, PARTIAL], ['c1', 'c1'], 4));
    expect(rows).toHaveLength(0);
    await post(s.url, batch('format', [BAD, GOOD], ['c1', 'c2'], 4));
    expect(rows.map((r) => [r.clipId, r.sampleIndex])).toEqual([['c1', 0], ['c1', 1], ['c1', 2]]);
    // A later step flushes the incomplete group of clip c2.
    await post(s.url, batch('format', [GOOD, GOOD, GOOD], ['c3', 'c3', 'c3'], 5));
    const c2 = rows.find((r) => r.clipId === 'c2');
    expect(c2?.step).toBe(4);
    expect((c2?.breakdown as { incompleteGroup?: unknown }).incompleteGroup).toEqual({ size: 1, expected: 3 });
    expect(rows.filter((r) => r.clipId === 'c3')).toHaveLength(3);
  });

  it('emits waiting groups on close', async () => {
    const rows: RolloutRecord[] = [];
    const s = await start(realService(), rows);
    await post(s.url, batch('format', [GOOD], ['c9'], 2));
    expect(rows).toHaveLength(0);
    await s.close();
    server = null;
    expect(rows).toHaveLength(1);
    expect(rows[0].advantage).toBe(0);
  });

  it('answers 502 when the reward service fails, reports it, and scores the batch again on retry', async () => {
    let fail = true;
    const inner = realService();
    const flaky: RewardService = {
      identity: inner.identity,
      score: (items, options) => (fail ? Promise.reject(new Error('judge unreachable')) : inner.score(items, options)),
    };
    const errors: string[] = [];
    const rows: RolloutRecord[] = [];
    const s = await start(flaky, rows, errors);
    const first = await post(s.url, batch('format', [GOOD, BAD, PARTIAL], ['c1', 'c1', 'c1']));
    expect(first.status).toBe(502);
    expect(first.body.error).toContain('judge unreachable');
    expect(errors.join('\n')).toContain('judge unreachable');
    fail = false;
    const second = await post(s.url, batch('format', [GOOD, BAD, PARTIAL], ['c1', 'c1', 'c1']));
    expect(second.body.scores).toEqual([1, 0, 1]);
    expect(rows).toHaveLength(3);
  });

  it('uses a step counter when the payload has no step', async () => {
    const rows: RolloutRecord[] = [];
    const s = await start(realService(), rows);
    await post(s.url, { component: 'format', completions: [GOOD, BAD], num_generations: 2 });
    await post(s.url, { component: 'format', completions: [BAD, BAD], num_generations: 2 });
    expect(rows.map((r) => r.step)).toEqual([0, 0, 1, 1]);
  });
});

describe('judge failures', () => {
  it('reports per scored batch how many judge-based components were left out, with the reasons', async () => {
    const garbageJudge = { id: 'g', kind: 'openai' as const, model: 'g', promptVersion: 'autodq-v1', complete: async () => 'most events hold' };
    const failures: [number, number, string[]][] = [];
    server = await startRewardHttpServer({
      rewardService: createRewardService({ embedder: createLexicalEmbedder(), judge: garbageJudge, judgeAttempts: 1 }),
      options: OPTIONS,
      token: TOKEN,
      onRollouts: () => undefined,
      onError: () => undefined,
      onJudgeFailures: (step, count, reasons) => void failures.push([step, count, reasons]),
    });
    const post = (completions: string[]) =>
      fetch(`${server!.url}/v1/score`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ component: 'escore', completions, step: 3, num_generations: 2, reference_events: completions.map(() => JSON.stringify(EVENTS)) }),
      }).then((r) => r.json() as Promise<{ scores: (number | null)[] }>);
    // GOOD and PARTIAL have answers (judge asked, fails); BAD has none (escore 0, no judge call).
    expect((await post([GOOD, PARTIAL])).scores).toEqual([null, null]);
    expect((await post([BAD, BAD])).scores).toEqual([0, 0]);
    expect(failures.map(([s, c]) => [s, c])).toEqual([[3, 2], [3, 0]]);
    expect(failures[0][2][0]).toMatch(/^escore: no valid reply after 1 attempt: not JSON/);
  });
});
