import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAIServer, type OpenAITestServer } from '../testing/openai-server';
import { createJudgeFromEnv, createLexicalJudge, createOpenAIJudge, withJudgeCache, JUDGE_PROMPT_VERSION } from './judge';
import { buildEntailmentPrompt, parseEntailmentReply } from '../../core/escore';
import { buildCompletenessPrompt, buildNaturalnessPrompt, parseJudgeScore } from '../../core/cnscore';
import { buildEventExtractionPrompt, buildObjectEntailmentPrompt, buildObjectExtractionPrompt } from '../../core/eval/autodq';
import { buildVdcAnswerRequest, buildVdcScoreRequest } from '../../core/eval/vdc';
import { parseEntailmentVerdicts, parseExtractedList, parseFreeTextAnswer, parseVdcVerdict } from '../../core/judge-reply';

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

  it('sends a system message and a per-request max_tokens when asked (VDCSCORE)', async () => {
    server.scriptChat(['a red car']);
    const judge = createOpenAIJudge({ baseUrl: server.url, model: 'm', policy: fast, temperature: 0.5 });
    await judge.complete({ system: 'be brief', user: 'what?', maxTokens: 256 });
    expect(server.requests[0].body).toMatchObject({ messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'what?' }], max_tokens: 256, temperature: 0.5 });
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
    expect(parsed.ok && parsed.value.map((v) => v.relationship)).toEqual(['entailment', 'entailment', 'neutral']);
  });

  it('answers the evaluation prompts in their official reply formats', async () => {
    const caption = 'A man in a red shirt opens the door and walks outside. A small brown dog barks at him.';
    const events = parseExtractedList(await judge.complete(buildEventExtractionPrompt(caption)), 'events');
    expect(events).toMatchObject({ ok: true, value: ['the man opens the door', 'the man walks outside', 'the dog barks at him'] });
    const careEvents = parseExtractedList(await judge.complete(buildEventExtractionPrompt(caption, 'carebench')), 'events');
    expect(careEvents.ok && careEvents.value).toHaveLength(3);
    const objects = parseExtractedList(await judge.complete(buildObjectExtractionPrompt(caption)), 'objects');
    // One attribute each (CAREBENCH splits multi-attribute objects); their order is the annotator's.
    expect(objects.ok && [...objects.value].sort()).toEqual(['There is a brown dog.', 'There is a man in a red shirt.', 'There is a small dog.']);
    const objectVerdicts = parseEntailmentVerdicts(await judge.complete(buildObjectEntailmentPrompt('a man wearing a red shirt stands.', ['There is a man in a red shirt.', 'There is a cat.'])), 2, { listKey: 'objects' });
    expect(objectVerdicts.ok && objectVerdicts.value.map((v) => v.relationship)).toEqual(['entailment', 'neutral']);
    const answer = parseFreeTextAnswer(await judge.complete(buildVdcAnswerRequest(caption, 'What color is the shirt of the man?')));
    expect(answer).toMatchObject({ ok: true, value: 'A man in a red shirt opens the door and walks outside.' });
    expect(parseVdcVerdict(await judge.complete(buildVdcScoreRequest('What color is the shirt?', 'red', 'The shirt is red.')))).toMatchObject({ ok: true, value: { pred: 'yes', score: 5 } });
    expect(parseVdcVerdict(await judge.complete(buildVdcScoreRequest('What color is the shirt?', 'blue', 'The shirt is red.')))).toMatchObject({ ok: true, value: { pred: 'no', score: 0 } });
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
