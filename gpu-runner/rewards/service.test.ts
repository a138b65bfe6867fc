import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAIServer, type OpenAITestServer } from '../testing/openai-server';
import { createOpenAIEmbedder, createLexicalEmbedder, withEmbeddingCache } from '../providers/embeddings';
import { createLexicalJudge, createOpenAIJudge } from '../providers/judge';
import { LEXICAL_EMBEDDER_MODEL } from '../providers/lexical-embedder';
import { LEXICAL_JUDGE_MODEL } from '../providers/lexical-judge';
import { scorerIdentitySchema } from '../../core/scorer';
import { createRewardService, createRewardServiceFromEnv, DEFAULT_REWARD_OPTIONS, scorerIdentity } from './service';
import type { RewardOptions } from './types';

let server: OpenAITestServer;
const fast = { retryBaseMs: 5, retryMaxMs: 20, timeoutMs: 2_000, maxRetries: 0 };

beforeAll(async () => {
  server = await startOpenAIServer({ dim: 64 });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

const reference = [
  { subject: 'Woman', attributes: ['long hair', 'red dress'], actions: ['walk forward', 'wave hand'] },
  { subject: 'Dog', attributes: ['brown fur'], actions: ['run around'] },
];
const perfect = '<think>\n#Subject 1: Woman [long hair, red dress], [walk forward, wave hand]\n#Subject 2: Dog [brown fur], [run around]\n</think>\n<answer>A woman walks forward and waves. A dog runs around.</answer>';

function service() {
  return createRewardService({
    embedder: createOpenAIEmbedder({ baseUrl: server.url, model: 'bge-m3', batchSize: 1000, policy: fast }),
    judge: createOpenAIJudge({ baseUrl: server.url, model: 'qwen', policy: fast }),
  });
}

const tscoreOnly: RewardOptions = { rewards: [{ name: 'format', weight: 1 }, { name: 'tscore', weight: 1 }], simThreshold: 0.5, escoreThresholds: [0.28, 0.35] };

describe('reward service', () => {
  it('embeds all distinct items of a batch in one provider call and scores them', async () => {
    const partial = '<think>#Subject 1: Woman [long hair], [walk forward, jump high]</think><answer>A woman walks.</answer>';
    const results = await service().score(
      [
        { id: 'a', completion: perfect, referenceThink: reference },
        { id: 'b', completion: partial, referenceThink: reference },
      ],
      tscoreOnly,
    );
    const calls = server.requestsTo('/v1/embeddings');
    expect(calls).toHaveLength(1);
    const input = (calls[0].body as { input: string[] }).input;
    expect(new Set(input).size).toBe(input.length);
    expect([...input].sort()).toEqual(['Dog', 'Woman', 'brown fur', 'jump high', 'long hair', 'red dress', 'run around', 'walk forward', 'wave hand'].sort());

    expect(results[0]).toMatchObject({ id: 'a', rewards: { format: 1, tscore: 1 }, reward: 2 });
    expect(results[0].action).toEqual({ precision: 1, recall: 1, f1: 1 });
    // b: one predicted subject of two. Actions: walk forward matched (1), jump high not:
    //   P = (1/2)/N=1 = 0.5, R = (1/2)/M=2 = 0.25, F1 = 2·0.5·0.25/0.75 = 1/3.
    // Attributes: long hair matched: P = 1/1 = 1, R = (1/2)/2 = 0.25, F1 = 0.5/1.25 = 0.4.
    // Tscore = 0.6/3 + 0.4·0.4 = 0.2 + 0.16 = 0.36; reward = 1 + 0.36.
    expect(results[1].rewards.tscore).toBeCloseTo(0.36, 6);
    expect(results[1].reward).toBeCloseTo(1.36, 6);
    expect(results[1].think).toEqual([{ subject: 'Woman', attributes: ['long hair'], actions: ['walk forward', 'jump high'] }]);
    expect(results[1].answer).toBe('A woman walks.');
  });

  it('scores malformed completions 0 with diagnostics and never throws', async () => {
    const huge = 'x'.repeat(100_000);
    const cases = ['', 'garbage without tags', huge, '<think>no subjects here</think><answer>hi</answer>', `<think>#Subject 1: ${huge}</think>`, '<answer>only an answer</answer>'];
    const results = await service().score(
      cases.map((completion, i) => ({ id: String(i), completion, referenceThink: reference })),
      tscoreOnly,
    );
    for (const r of results) {
      expect(r.rewards.tscore).toBe(0);
      expect(r.reward).toBe(r.rewards.format);
      expect(r.errors).toBeUndefined();
    }
    expect(results.map((r) => r.rewards.format)).toEqual([0, 0, 0, 1, 0, 0]);
    expect(results[1].breakdown.parse).toEqual({ completion: ['no <think> block', 'no <answer> block'] });
    expect(results[3].breakdown.parse).toEqual({ completion: [], think: ['no "#Subject N:" marker and no JSON list of subjects found'] });
    expect(results[1].breakdown.format).toEqual({ failure: 'missing <think> at start' });
    // The 100 kB "name" is not sent to the embedder (it would make the provider reject the batch).
    for (const call of server.requestsTo('/v1/embeddings')) {
      for (const text of (call.body as { input: string[] }).input) expect(text.length).toBeLessThanOrEqual(4000);
    }
  });

  it('computes Escore from the judge, thresholds at δ1/δ2, and adds it to the reward', async () => {
    // 2 of 5 events entailed → 0.4 ≥ 0.35 → 1; 1 of 4 → 0.25 < 0.28 → 0; 3 of 10 → 0.3 → 0.5.
    server.scriptChat((prompt) => {
      const n = (prompt.match(/Events: \[(.*)\]/)?.[1].match(/'[^']*'/g) ?? []).length;
      const entailed = n === 5 ? 2 : n === 4 ? 1 : 3;
      return JSON.stringify({ events: Array.from({ length: n }, (_, i) => ({ event: `e${i}`, relationship: i < entailed ? 'entailment' : 'neutral', reason: '' })) });
    });
    const events = (n: number) => Array.from({ length: n }, (_, i) => `event ${i}`);
    const results = await service().score(
      [
        { id: 'five', completion: perfect, referenceThink: reference, referenceEvents: events(5) },
        { id: 'four', completion: perfect, referenceThink: reference, referenceEvents: events(4) },
        { id: 'ten', completion: perfect, referenceThink: reference, referenceEvents: events(10) },
      ],
      DEFAULT_REWARD_OPTIONS,
    );
    expect(results.map((r) => r.rewards.escore)).toEqual([1, 0, 0.5]);
    expect(results.map((r) => r.reward)).toEqual([3, 2, 2.5]);
    expect(results[0].breakdown.escore).toMatchObject({ coverage: 0.4, entailed: 2, total: 5, source: 'events' });
    expect(server.requestsTo('/v1/chat/completions')).toHaveLength(3);
  });

  it('keeps the other components when the judge fails for one item', async () => {
    server.scriptChat((prompt) => {
      if (prompt.includes('explode')) throw new Error('judge crashed');
      return JSON.stringify({ events: [{ event: 'x', relationship: 'entailment', reason: '' }] });
    });
    const bad = perfect.replace('A woman walks forward and waves.', 'Explode.');
    const results = await service().score(
      [
        { id: 'ok', completion: perfect, referenceThink: reference, referenceEvents: ['A woman walks.'] },
        { id: 'bad', completion: bad, referenceThink: reference, referenceEvents: ['A woman walks.'] },
      ],
      DEFAULT_REWARD_OPTIONS,
    );
    expect(results[0].rewards).toEqual({ format: 1, tscore: 1, escore: 1 });
    expect(results[1].rewards).toEqual({ format: 1, tscore: 1 });
    expect(results[1].reward).toBe(2);
    expect(results[1].errors).toHaveLength(1);
    expect(results[1].errors?.[0]).toMatch(/^escore: judge call failed: .*HTTP 500/);
    expect(results[1].judgeFailures).toBe(1);
    expect(results[0].judgeFailures).toBeUndefined();
  });

  it('retries an invalid judge reply, then leaves the component missing (TRL: out of the weighted sum) and counts it', async () => {
    // 1st item: a reasoning model's draft then a valid answer; 2nd item: verdict counts that never match.
    server.scriptChat((prompt) => {
      if (prompt.includes('waves')) return '<think>draft {"events": []}</think>{"events": [{"event": "a", "relationship": "entailment", "reason": "r"}]}';
      return JSON.stringify({ events: [{ relationship: 'entailment' }, { relationship: 'entailment' }] });
    });
    const other = perfect.replace('A woman walks forward and waves.', 'A woman walks.');
    const results = await service().score(
      [
        { id: 'think', completion: perfect, referenceThink: reference, referenceEvents: ['A woman walks.'] },
        { id: 'mismatch', completion: other, referenceThink: reference, referenceEvents: ['A woman walks.'] },
      ],
      DEFAULT_REWARD_OPTIONS,
    );
    expect(results[0].rewards.escore).toBe(1);
    expect(results[0].breakdown.escore).toMatchObject({ events: [{ event: 'A woman walks.', relationship: 'entailment', reason: 'r' }], diagnostics: ['reasoning block removed'] });
    expect(results[1].rewards).toEqual({ format: 1, tscore: 1 });
    expect(results[1].reward).toBe(2);
    expect(results[1].judgeFailures).toBe(1);
    expect(results[1].errors?.[0]).toMatch(/^escore: no valid reply after 3 attempts: judge returned 2 verdicts for 1 events sent/);
    // 1 call for the first item, 3 bounded attempts for the second
    expect(server.requestsTo('/v1/chat/completions')).toHaveLength(4);
  });

  it('records an embedding failure on tscore only', async () => {
    server.failNext(503, { path: '/v1/embeddings' });
    const [r] = await service().score([{ id: 'a', completion: perfect, referenceThink: reference }], tscoreOnly);
    expect(r.rewards).toEqual({ format: 1 });
    expect(r.errors?.[0]).toMatch(/^tscore: embedding failed: .*HTTP 503/);
  });

  it('falls back to the reference caption without events, and reports when there is neither', async () => {
    server.scriptChat(['{"events": [{"event": "c", "relationship": "entailment", "reason": ""}]}']);
    const results = await service().score(
      [
        { id: 'caption', completion: perfect, referenceThink: reference, referenceEvents: [], referenceCaption: 'A woman walks.' },
        { id: 'nothing', completion: perfect, referenceThink: reference, referenceEvents: null },
        { id: 'no answer', completion: '<think>#Subject 1: Woman [long hair], [walk forward]</think>', referenceThink: reference, referenceEvents: ['e'] },
      ],
      DEFAULT_REWARD_OPTIONS,
    );
    expect(results[0].rewards.escore).toBe(1);
    expect(results[0].breakdown.escore).toMatchObject({ source: 'caption', total: 1 });
    expect(results[1].rewards.escore).toBeUndefined();
    expect(results[1].errors).toEqual(['escore: no reference events and no reference caption to judge against']);
    expect(results[2].rewards.escore).toBe(0);
    expect(server.requestsTo('/v1/chat/completions')).toHaveLength(1);
  });

  it('computes CNscore from the two Appendix E prompts', async () => {
    server.scriptChat((prompt) => (prompt.startsWith('Requirement') ? "{'score': 9}" : '```json\n{"score": 7}\n```'));
    const [r] = await service().score([{ id: 'a', completion: perfect, referenceThink: reference }], {
      ...tscoreOnly,
      rewards: [{ name: 'cnscore', weight: 2 }],
    });
    // (7 + 9) / 20 = 0.8; weight 2 → reward 1.6.
    expect(r.rewards).toEqual({ cnscore: 0.8 });
    expect(r.reward).toBeCloseTo(1.6, 12);
    expect(r.breakdown.cnscore).toEqual({ completeness: 7, naturalness: 9 });
  });

  it('does not read a CNscore rating out of prose: missing after the retries', async () => {
    server.scriptChat((prompt) => (prompt.startsWith('Requirement') ? "{'score': 9}" : 'Score: 7'));
    const [r] = await service().score([{ id: 'a', completion: perfect, referenceThink: reference }], { ...tscoreOnly, rewards: [{ name: 'cnscore', weight: 1 }] });
    expect(r.rewards).toEqual({});
    expect(r.reward).toBe(0);
    expect(r.judgeFailures).toBe(1);
    expect(r.errors?.[0]).toMatch(/^cnscore: completeness: no valid reply after 3 attempts/);
  });

  it('rejects invalid options and exposes its identity', async () => {
    const s = createRewardService({ embedder: createLexicalEmbedder(), judge: createLexicalJudge() });
    await expect(s.score([], { ...tscoreOnly, simThreshold: 2 })).rejects.toThrow(/simThreshold/);
    await expect(s.score([], { ...tscoreOnly, escoreThresholds: [0.4, 0.3] })).rejects.toThrow(/δ1 must be ≤ δ2/);
    expect(s.identity).toEqual({
      judge: { kind: 'lexical', model: LEXICAL_JUDGE_MODEL, id: `lexical:${LEXICAL_JUDGE_MODEL}`, promptVersion: 'autodq-v1+cnscore-paper-v1' },
      embedder: { kind: 'lexical', model: LEXICAL_EMBEDDER_MODEL, id: `lexical:${LEXICAL_EMBEDDER_MODEL}#512` },
    });
    expect(LEXICAL_JUDGE_MODEL).toMatch(/offline approximation, not Qwen2\.5-72B/);
    expect(LEXICAL_EMBEDDER_MODEL).toMatch(/offline approximation, not BGE-M3/);
  });

  it('names the scorer of a run: providers used, prompt versions, thresholds, and approximation', () => {
    const lexical = createRewardService({ embedder: createLexicalEmbedder(), judge: createLexicalJudge() });
    const paperRun = scorerIdentity(lexical.identity, { components: ['format', 'tscore', 'escore'], simThreshold: 0.5, escoreThresholds: [0.28, 0.35] });
    expect(paperRun).toEqual({
      embedder: { kind: 'lexical', model: LEXICAL_EMBEDDER_MODEL, id: `lexical:${LEXICAL_EMBEDDER_MODEL}#512` },
      judge: { kind: 'lexical', model: LEXICAL_JUDGE_MODEL, id: `lexical:${LEXICAL_JUDGE_MODEL}`, promptVersion: 'autodq-v1' },
      simThreshold: 0.5,
      escoreThresholds: [0.28, 0.35],
      approximate: true,
      label: 'lexical embedder + lexical judge — offline approximations, not BGE-M3 / Qwen2.5-72B',
    });
    expect(scorerIdentitySchema.parse(paperRun)).toEqual(paperRun);
    // Only what is computed is named: no judge for format + Tscore, no embedder for a caption-only reward.
    const noJudge = scorerIdentity(lexical.identity, { components: ['format', 'tscore'], simThreshold: 0.7, escoreThresholds: [0.28, 0.35] });
    expect([noJudge.judge, noJudge.escoreThresholds, noJudge.simThreshold, noJudge.label]).toEqual([null, null, 0.7, 'lexical embedder — offline approximation, not BGE-M3']);
    const cn = scorerIdentity(service().identity, { components: ['cnscore'], simThreshold: 0.5, escoreThresholds: [0.28, 0.35] });
    expect(cn).toMatchObject({ embedder: null, judge: { kind: 'openai', model: 'qwen', promptVersion: 'cnscore-paper-v1' }, simThreshold: null, approximate: false, label: 'qwen judge' });
    // The local simulation is an approximation even with real providers.
    const simulated = scorerIdentity(service().identity, { components: ['tscore', 'escore'], simThreshold: 0.5, escoreThresholds: [0.28, 0.35], simulation: true });
    expect(simulated.approximate).toBe(true);
    expect(simulated.label).toBe('local CPU simulation (simulated perception, not a video model); bge-m3 embedder + qwen judge');
    // A stored identity that hides a lexical provider is refused.
    expect(scorerIdentitySchema.safeParse({ ...paperRun, approximate: false }).error?.issues[0].path).toEqual(['approximate']);
  });

  it('scores a completion that starts inside the think with format 1 only under prefilledThink', async () => {
    const s = createRewardService({ embedder: createLexicalEmbedder(), judge: createLexicalJudge() });
    const insideThink = perfect.replace(/^<think>/, '');
    const items = [{ id: 'a', completion: insideThink, referenceThink: reference }];
    const [paper] = await s.score(items, tscoreOnly);
    expect(paper.rewards).toEqual({ format: 0, tscore: 1 });
    expect(paper.breakdown.format).toEqual({ failure: 'missing <think> at start' });
    expect(paper.breakdown.parse).toEqual({ completion: ['</think> without <think>; think taken from the start'] });
    const [prefilled] = await s.score(items, { ...tscoreOnly, prefilledThink: true });
    expect(prefilled.rewards).toEqual({ format: 1, tscore: 1 });
    expect(prefilled.reward).toBe(2);
    expect(prefilled.breakdown.format).toEqual({ prefilledThink: true });
    expect(prefilled.breakdown.parse).toEqual({ completion: [] });
    // The rest must still be right.
    const [broken] = await s.score([{ id: 'b', completion: insideThink.replace('</answer>', ''), referenceThink: reference }], { ...tscoreOnly, prefilledThink: true });
    expect(broken.rewards.format).toBe(0);
    expect(broken.breakdown.format).toEqual({ failure: 'missing </answer>', prefilledThink: true });
  });

  it('works offline with the lexical providers', async () => {
    const s = createRewardService({ embedder: withEmbeddingCache(createLexicalEmbedder()), judge: createLexicalJudge() });
    const [r] = await s.score([{ id: 'a', completion: perfect, referenceThink: reference, referenceEvents: ['A woman walks forward.', 'A dog runs around.'] }], DEFAULT_REWARD_OPTIONS);
    expect(r.rewards).toEqual({ format: 1, tscore: 1, escore: 1 });
    expect(r.reward).toBe(3);
  });

  it('is built from the environment', async () => {
    const s = createRewardServiceFromEnv({ EMBEDDING_BASE_URL: server.url, EMBEDDING_MODEL: 'BAAI/bge-m3' });
    expect(s.identity.embedder).toEqual({ kind: 'openai', model: 'BAAI/bge-m3', id: `openai:BAAI/bge-m3@${server.url}` });
    expect(s.identity.judge?.kind).toBe('lexical');
    const [r] = await s.score([{ id: 'a', completion: perfect, referenceThink: reference }], tscoreOnly);
    expect(r.rewards.tscore).toBe(1);
    expect(server.requestsTo('/v1/embeddings')).toHaveLength(1);
  });
});
