import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEURISTIC_THINK_SOURCE } from '../../core/heuristic-think';
import { startOpenAIServer, type OpenAITestServer } from '../testing/openai-server';
import { createAnnotatorFromEnv, createHeuristicAnnotator } from './annotate';

let server: OpenAITestServer;
beforeAll(async () => {
  server = await startOpenAIServer();
});
afterAll(async () => {
  await server.close();
});

const caption = 'A woman with long hair lifts a child and throws her up.';
const good = `[{'subject': 'Woman', 'attributes': ['long hair'], 'actions': ['lift a child', 'throw up a child']}]`;

describe('structured-think annotation through an OpenAI-compatible judge (Fig. 5 prompt)', () => {
  const env = () => ({ JUDGE_BASE_URL: server.url, JUDGE_MODEL: 'Qwen/Qwen2.5-72B-Instruct', JUDGE_MAX_RETRIES: '0' });

  it('sends the Fig. 5 prompt and reads the Python list', async () => {
    server.reset();
    server.scriptChat([good]);
    const a = createAnnotatorFromEnv(env(), 3);
    expect(a.heuristic).toBe(false);
    const r = await a.annotate(caption);
    expect(r).toMatchObject({ ok: true, attempts: 1, think: [{ subject: 'Woman', attributes: ['long hair'], actions: ['lift a child', 'throw up a child'] }] });
    expect(r.source).toMatch(/^Qwen\/Qwen2.5-72B-Instruct \(openai\), Fig. 5 prompt/);
    const body = server.requestsTo('/v1/chat/completions')[0].body as { messages: { content: string }[]; temperature: number };
    expect(body.messages[0].content).toContain(`Below is a caption of a video: [${caption}]`);
    expect(body.temperature).toBe(0);
  });

  it('asks again when a reply does not parse, up to the bound', async () => {
    server.reset();
    server.scriptChat(['Sure! Here are the subjects: Woman lifts a child.', good]);
    const r = await createAnnotatorFromEnv(env(), 3).annotate(caption);
    expect(r).toMatchObject({ ok: true, attempts: 2 });
    expect(server.requestsTo('/v1/chat/completions')).toHaveLength(2);

    server.reset();
    server.scriptChat(() => '{"subject": "Woman"}');
    const bad = await createAnnotatorFromEnv(env(), 3).annotate(caption);
    expect(bad).toMatchObject({ ok: false, attempts: 3 });
    if (!bad.ok) expect(bad.reason).toBe('no valid reply after 3 attempts: expected a list of subjects, got object');
    expect(server.requestsTo('/v1/chat/completions')).toHaveLength(3);
  });

  it('a judge that is down fails the clip with the reason (no endless retry)', async () => {
    server.reset();
    server.failNext(500, { times: 10 });
    const r = await createAnnotatorFromEnv(env(), 3).annotate(caption);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/^judge call failed: .*500/);
  });
});

describe('offline heuristic annotator', () => {
  it('is chosen without JUDGE_BASE_URL and labels its thinks as the heuristic', async () => {
    const a = createAnnotatorFromEnv({}, 3);
    expect(a.heuristic).toBe(true);
    expect(a.source).toBe(HEURISTIC_THINK_SOURCE);
    const r = await a.annotate('A man runs across the field. He jumps over a fence.');
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.source).toBe(HEURISTIC_THINK_SOURCE);
      expect(r.think.flatMap((s) => s.actions).length).toBeGreaterThan(0);
    }
  });
  it('a caption without an action fails with a reason', async () => {
    const r = await createHeuristicAnnotator().annotate('');
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/no subject with an action/) });
  });
});
