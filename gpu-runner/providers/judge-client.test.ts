import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAIServer, type OpenAITestServer } from '../testing/openai-server';
import { createOpenAIJudge, withJudgeCache } from './judge';
import { JudgeClient, judgeCacheKey, type JudgeCacheEntry, type JudgeCacheStore } from './judge-client';
import { parseScoreReply } from '../../core/judge-reply';

let server: OpenAITestServer;
const fast = { retryBaseMs: 5, retryMaxMs: 20, timeoutMs: 2_000, maxRetries: 1 };

class MemoryStore implements JudgeCacheStore {
  readonly entries = new Map<string, JudgeCacheEntry>();
  async get(keys: readonly string[]) {
    return new Map(keys.filter((k) => this.entries.has(k)).map((k) => [k, this.entries.get(k)!.reply] as const));
  }
  async put(entries: readonly JudgeCacheEntry[]) {
    for (const e of entries) this.entries.set(e.key, e);
  }
}

beforeAll(async () => {
  server = await startOpenAIServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

describe('JudgeClient', () => {
  it('retries a reply that fails validation (bypassing the in-process cache) and then succeeds', async () => {
    server.scriptChat(['I would say 7/10', '{"score": 7}']);
    const client = new JudgeClient(withJudgeCache(createOpenAIJudge({ baseUrl: server.url, model: 'm', policy: fast })), { attempts: 3 });
    const r = await client.ask('rate', (reply) => parseScoreReply(reply));
    expect(r).toMatchObject({ ok: true, value: 7, attempts: 2, cached: false });
    expect(server.requestsTo('/v1/chat/completions')).toHaveLength(2);
    expect(client.counters).toEqual({ made: 2, cached: 0, failed: 0 });
  });

  it('gives up after the bounded attempts with the last reason, never a silent value', async () => {
    server.scriptChat(() => 'no idea');
    const client = new JudgeClient(createOpenAIJudge({ baseUrl: server.url, model: 'm', policy: fast }), { attempts: 2 });
    const r = await client.ask('rate', (reply) => parseScoreReply(reply));
    expect(r).toMatchObject({ ok: false, attempts: 2, reply: 'no idea' });
    if (!r.ok) expect(r.reason).toMatch(/no valid reply after 2 attempts: not a JSON object or Python dict literal/);
    expect(client.counters).toEqual({ made: 2, cached: 0, failed: 1 });
  });

  it('fails at once when the HTTP call fails after its own retries (timeouts, 5xx)', async () => {
    server.failNext(500, { times: 5 });
    const client = new JudgeClient(createOpenAIJudge({ baseUrl: server.url, model: 'm', policy: fast }), { attempts: 3 });
    const r = await client.ask('rate', (reply) => parseScoreReply(reply));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/judge call failed: .*HTTP 500.*gave up after 2 attempts/);
    expect(client.counters.made).toBe(1);
  });

  it('stores only valid replies in the persistent cache, keyed by model + settings + prompt, and serves them next time', async () => {
    server.scriptChat(() => '{"score": 4}');
    const store = new MemoryStore();
    const judge = createOpenAIJudge({ baseUrl: server.url, model: 'judge-a', policy: fast });
    const first = new JudgeClient(judge, { store });
    expect((await first.ask({ system: 's', user: 'u', maxTokens: 256 }, (x) => parseScoreReply(x))).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 5));
    const key = judgeCacheKey('judge-a', { temperature: 0, maxTokens: 256 }, { system: 's', user: 'u' });
    expect(store.entries.get(key)).toMatchObject({ model: 'judge-a', settings: { temperature: 0, maxTokens: 256 }, prompt: '[system]\ns\n[user]\nu', reply: '{"score": 4}' });
    const second = new JudgeClient(judge, { store });
    expect(await second.ask({ system: 's', user: 'u', maxTokens: 256 }, (x) => parseScoreReply(x))).toMatchObject({ ok: true, cached: true, value: 4 });
    expect(second.counters).toEqual({ made: 0, cached: 1, failed: 0 });
    // other sampling settings or another model are other keys
    expect(judgeCacheKey('judge-a', { temperature: 0.7, maxTokens: 256 }, { system: 's', user: 'u' })).not.toBe(key);
    expect(judgeCacheKey('judge-b', { temperature: 0, maxTokens: 256 }, { system: 's', user: 'u' })).not.toBe(key);
    expect(server.requestsTo('/v1/chat/completions')).toHaveLength(1);
  });
});
