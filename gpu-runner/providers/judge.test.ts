import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAIServer, type OpenAITestServer } from '../testing/openai-server';
import { createJudgeFromEnv, createLexicalJudge, createOpenAIJudge, withJudgeCache, JUDGE_PROMPT_VERSION } from './judge';
import { buildEntailmentPrompt, parseEntailmentReply } from '../../core/escore';
import { buildCompletenessPrompt, buildNaturalnessPrompt, parseJudgeScore } from '../../core/cnscore';

let server: OpenAITestServer;
const fast = { retryBaseMs: 5, retryMaxMs: 20, timeoutMs: 2_000 };

beforeAll(async () => {
  server = await startOpenAIServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

describe('OpenAI-compatible judge', () => {
  it('sends one user message at temperature 0 and returns the reply text', async () => {
    server.scriptChat(['{"score": 9}']);
    const judge = createOpenAIJudge({ baseUrl: server.url, model: 'Qwen2.5-72B-Instruct', policy: fast });
    await expect(judge.complete('rate this')).resolves.toBe('{"score": 9}');
    expect(server.requests[0].path).toBe('/v1/chat/completions');
    expect(server.requests[0].body).toMatchObject({
      model: 'Qwen2.5-72B-Instruct',
      messages: [{ role: 'user', content: 'rate this' }],
      temperature: 0,
    });
    expect(judge.promptVersion).toBe(JUDGE_PROMPT_VERSION);
    expect(JUDGE_PROMPT_VERSION).toBe('autodq-v1+cnscore-paper-v1');
  });

  it('caches by model + prompt version + prompt (no second request on a hit)', async () => {
    server.scriptChat((prompt) => `{"score": ${prompt.length}}`);
    const judge = withJudgeCache(createOpenAIJudge({ baseUrl: server.url, model: 'm', policy: fast }));
    expect(await judge.complete('abc')).toBe('{"score": 3}');
    expect(await judge.complete('abc')).toBe('{"score": 3}');
    expect(server.requests).toHaveLength(1);
    expect(await judge.complete('abcd')).toBe('{"score": 4}');
    expect(server.requests).toHaveLength(2);
    expect(judge.stats).toEqual({ cacheHits: 1, cacheMisses: 2 });
  });

  it('retries a 503 and a 429, bounds concurrency, and times out', async () => {
    server.failNext(503);
    server.failNext(429, { retryAfterSeconds: 0 });
    const judge = createOpenAIJudge({ baseUrl: server.url, model: 'm', policy: fast, concurrency: 3 });
    await expect(judge.complete('x')).resolves.toBe('{"score": 7}');
    expect(server.requests).toHaveLength(3);

    server.reset();
    server.delayNext(40);
    await Promise.all(Array.from({ length: 9 }, (_, i) => judge.complete(`p${i}`)));
    expect(server.maxConcurrent).toBe(3);

    server.reset();
    server.delayNext(300);
    const slow = createOpenAIJudge({ baseUrl: server.url, model: 'm', policy: { ...fast, timeoutMs: 50, maxRetries: 1 } });
    await expect(slow.complete('x')).rejects.toThrow(/timed out after 50 ms \(gave up after 2 attempts\)/);
  });

  it('rejects a reply without choices', async () => {
    const broken = await startOpenAIServer();
    broken.failNext(200, { body: '{"choices": []}' });
    try {
      await expect(createOpenAIJudge({ baseUrl: broken.url, model: 'm', policy: fast }).complete('x')).rejects.toThrow(/no choices/);
    } finally {
      await broken.close();
    }
  });
});

describe('lexical judge', () => {
  const judge = createLexicalJudge();

  it('is named as an offline approximation', () => {
    expect(judge.model).toBe('lexical-judge-v2 (offline approximation, not Qwen2.5-72B)');
    expect(judge.kind).toBe('lexical');
  });

  it('answers the entailment prompt in the JSON Tarsier expects', async () => {
    const events = ['A woman walks forward.', "The woman's dog barks.", 'A man drives a car.'];
    const reply = await judge.complete(buildEntailmentPrompt('A woman is walking forward while her dog barks loudly.', events));
    const parsed = parseEntailmentReply(reply, events.length);
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.relationships).toEqual(['entailment', 'entailment', 'neutral']);
  });

  it('rates completeness by coverage of think items and naturalness by fluency', async () => {
    const think = [{ subject: 'Woman', attributes: ['red dress'], actions: ['walk forward', 'wave hand'] }];
    const full = parseJudgeScore(await judge.complete(buildCompletenessPrompt(think, 'A woman in a red dress walks forward and waves her hand.'))).score;
    const partial = parseJudgeScore(await judge.complete(buildCompletenessPrompt(think, 'A woman walks forward.'))).score;
    // Full: 4/4 items covered → 1 + 9 = 10. Partial: woman + walk forward = 2/4 → 1 + 4.5 → 6 (rounded).
    expect(full).toBe(10);
    expect(partial).toBe(6);

    const fluent = parseJudgeScore(await judge.complete(buildNaturalnessPrompt('A woman in a red dress walks forward along a quiet path. She turns and waves at the camera before leaving.'))).score;
    const robotic = parseJudgeScore(await judge.complete(buildNaturalnessPrompt('#Subject 1: Person [wearing a sweater], [open the door]'))).score;
    expect(fluent).toBe(10);
    expect(robotic).toBeLessThanOrEqual(2);
  });

  it('refuses prompts it does not know', async () => {
    await expect(judge.complete('What is 2 + 2?')).rejects.toThrow(/unrecognised prompt/);
  });

  it('is what createJudgeFromEnv picks without JUDGE_BASE_URL', async () => {
    expect(createJudgeFromEnv({}).kind).toBe('lexical');
    const remote = createJudgeFromEnv({ JUDGE_BASE_URL: server.url, JUDGE_MODEL: 'qwen' });
    expect(remote.kind).toBe('openai');
    await expect(remote.complete('hi')).resolves.toBe('{"score": 7}');
    expect(() => createJudgeFromEnv({ JUDGE_BASE_URL: 'ftp://x' })).toThrow(/JUDGE_BASE_URL: must be an http\(s\) URL/);
    expect(() => createJudgeFromEnv({ JUDGE_TIMEOUT_MS: '-5' })).toThrow(/JUDGE_TIMEOUT_MS: must be ≥ 1/);
  });
});
