import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashedBagOfWords, startOpenAIServer, type OpenAITestServer } from '../testing/openai-server';
import { createEmbedderFromEnv, createLexicalEmbedder, createOpenAIEmbedder, withEmbeddingCache } from './embeddings';
import { ProviderConfigError } from './env';

let server: OpenAITestServer;
const fast = { retryBaseMs: 5, retryMaxMs: 20, timeoutMs: 2_000 };

beforeAll(async () => {
  server = await startOpenAIServer({ dim: 32 });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

function inputsOf(path = '/v1/embeddings'): string[][] {
  return server.requestsTo(path).map((r) => (r.body as { input: string[] }).input);
}

describe('OpenAI-compatible embedder', () => {
  it('batches inputs, keeps their order and L2-normalises', async () => {
    const embedder = createOpenAIEmbedder({ baseUrl: server.url, model: 'bge-m3', batchSize: 4, policy: fast });
    const texts = Array.from({ length: 10 }, (_, i) => `item number ${i}`);
    const vectors = await embedder.embed(texts);
    expect(inputsOf().map((b) => b.length).sort()).toEqual([2, 4, 4]);
    expect(server.requests[0].body).toMatchObject({ model: 'bge-m3', encoding_format: 'float' });
    vectors.forEach((v, i) => {
      const expected = hashedBagOfWords(texts[i], 32);
      expected.forEach((x, k) => expect(v[k]).toBeCloseTo(x, 6));
    });
    expect(embedder.kind).toBe('openai');
  });

  it('does not send empty strings (zero-length vector instead)', async () => {
    const embedder = createOpenAIEmbedder({ baseUrl: server.url, model: 'm', policy: fast });
    const [empty, word] = await embedder.embed(['', 'walk']);
    expect(empty.length).toBe(0);
    expect(word.length).toBe(32);
    expect(inputsOf()).toEqual([['walk']]);
  });

  it('accepts a base URL that already ends in /v1', async () => {
    const embedder = createOpenAIEmbedder({ baseUrl: `${server.url}/v1/`, model: 'm', policy: fast });
    await embedder.embed(['a']);
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/embeddings']);
  });

  it('bounds the requests in flight', async () => {
    server.delayNext(50, 8);
    const embedder = createOpenAIEmbedder({ baseUrl: server.url, model: 'm', batchSize: 1, concurrency: 2, policy: fast });
    await embedder.embed(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(server.requests).toHaveLength(6);
    expect(server.maxConcurrent).toBe(2);
  });

  it('retries after a 500 and a 429 (honouring Retry-After) and then succeeds', async () => {
    server.failNext(500);
    server.failNext(429, { retryAfterSeconds: 0 });
    const embedder = createOpenAIEmbedder({ baseUrl: server.url, model: 'm', policy: fast });
    const [v] = await embedder.embed(['dog']);
    expect(server.requests).toHaveLength(3);
    expect(v[0]).toBeCloseTo(hashedBagOfWords('dog', 32)[0], 6);
  });

  it('gives up after maxRetries with the last status in the message', async () => {
    server.failNext(503, { times: 3 });
    const embedder = createOpenAIEmbedder({ baseUrl: server.url, model: 'm', policy: { ...fast, maxRetries: 2 } });
    await expect(embedder.embed(['dog'])).rejects.toThrow(/HTTP 503.*gave up after 3 attempts/);
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 400 or 401', async () => {
    server.failNext(400, { body: '{"error":{"message":"bad input"}}' });
    const embedder = createOpenAIEmbedder({ baseUrl: server.url, model: 'm', policy: fast });
    await expect(embedder.embed(['dog'])).rejects.toThrow(/HTTP 400: .*bad input/);
    expect(server.requests).toHaveLength(1);

    const secured = await startOpenAIServer({ apiKey: 'sk-test' });
    try {
      await expect(createOpenAIEmbedder({ baseUrl: secured.url, model: 'm', policy: fast }).embed(['x'])).rejects.toThrow(/HTTP 401/);
      const ok = await createOpenAIEmbedder({ baseUrl: secured.url, model: 'm', apiKey: 'sk-test', policy: fast }).embed(['x']);
      expect(ok[0].length).toBe(64);
      expect(secured.requests[1].headers.authorization).toBe('Bearer sk-test');
    } finally {
      await secured.close();
    }
  });

  it('times out a slow request, retries it, and fails when retries are spent', async () => {
    server.delayNext(400, 1);
    const embedder = createOpenAIEmbedder({ baseUrl: server.url, model: 'm', policy: { ...fast, timeoutMs: 100 } });
    const [v] = await embedder.embed(['cat']);
    expect(v.length).toBe(32);
    expect(server.requests).toHaveLength(2);

    server.reset();
    server.delayNext(400);
    const impatient = createOpenAIEmbedder({ baseUrl: server.url, model: 'm', policy: { ...fast, timeoutMs: 100, maxRetries: 0 } });
    await expect(impatient.embed(['cat'])).rejects.toThrow(/timed out after 100 ms/);
  });

  it('reports network errors (nothing listening) after retrying', async () => {
    const closed = await startOpenAIServer();
    const url = closed.url;
    await closed.close();
    const embedder = createOpenAIEmbedder({ baseUrl: url, model: 'm', policy: { ...fast, maxRetries: 1 } });
    await expect(embedder.embed(['x'])).rejects.toThrow(/network error.*gave up after 2 attempts/);
  });
});

describe('embedding cache', () => {
  it('embeds a repeated string once, within a call and across calls', async () => {
    const embedder = withEmbeddingCache(createOpenAIEmbedder({ baseUrl: server.url, model: 'm', policy: fast }));
    const first = await embedder.embed(['walk', 'run', 'walk']);
    expect(inputsOf()).toEqual([['walk', 'run']]);
    expect(first[0]).toBe(first[2]);

    const second = await embedder.embed(['run', 'walk']);
    expect(server.requests).toHaveLength(1); // cache hit: no second request
    expect(second[1]).toBe(first[0]);

    await embedder.embed(['walk', 'jump']);
    expect(inputsOf()).toEqual([['walk', 'run'], ['jump']]);
    expect(embedder.stats).toEqual({ cacheHits: 3, cacheMisses: 3 });
  });

  it('shares one request between concurrent calls and does not cache failures', async () => {
    server.delayNext(50, 1);
    const embedder = withEmbeddingCache(createOpenAIEmbedder({ baseUrl: server.url, model: 'm', policy: { ...fast, maxRetries: 0 } }));
    const [a, b] = await Promise.all([embedder.embed(['same']), embedder.embed(['same'])]);
    expect(a[0]).toBe(b[0]);
    expect(server.requests).toHaveLength(1);

    server.failNext(500);
    await expect(embedder.embed(['fails once'])).rejects.toThrow(/HTTP 500/);
    await expect(embedder.embed(['fails once'])).resolves.toHaveLength(1);
    expect(server.requests).toHaveLength(3);
  });

  it('evicts the least recently used entry', async () => {
    const embedder = withEmbeddingCache(createOpenAIEmbedder({ baseUrl: server.url, model: 'm', policy: fast }), 2);
    await embedder.embed(['a', 'b']);
    await embedder.embed(['a']); // a is now the most recent
    await embedder.embed(['c']); // evicts b
    await embedder.embed(['a', 'b']);
    expect(inputsOf()).toEqual([['a', 'b'], ['c'], ['b']]);
  });
});

describe('lexical embedder and environment', () => {
  it('is offline, named as an approximation, and gives 1 for identical strings', async () => {
    const embedder = createLexicalEmbedder();
    expect(embedder.model).toBe('lexical-embedder-v2 (offline approximation, not BGE-M3)');
    const [a, b] = await embedder.embed(['hold a walking stick', 'hold a walking stick']);
    let dot = 0;
    for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
    expect(dot).toBeCloseTo(1, 6);
  });

  it('creates the lexical embedder when EMBEDDING_BASE_URL is unset or empty', () => {
    expect(createEmbedderFromEnv({}).kind).toBe('lexical');
    expect(createEmbedderFromEnv({ EMBEDDING_BASE_URL: '  ' }).kind).toBe('lexical');
  });

  it('creates an OpenAI embedder from the environment', async () => {
    const embedder = createEmbedderFromEnv({ EMBEDDING_BASE_URL: server.url, EMBEDDING_MODEL: 'BAAI/bge-m3', EMBEDDING_BATCH_SIZE: '2' });
    expect(embedder.kind).toBe('openai');
    expect(embedder.model).toBe('BAAI/bge-m3');
    await embedder.embed(['a', 'b', 'c']);
    expect(inputsOf()).toHaveLength(2);
  });

  it('names the malformed variable', () => {
    expect(() => createEmbedderFromEnv({ EMBEDDING_BASE_URL: 'localhost:8000' })).toThrow(ProviderConfigError);
    expect(() => createEmbedderFromEnv({ EMBEDDING_BASE_URL: 'localhost:8000' })).toThrow(/EMBEDDING_BASE_URL: must be an http\(s\) URL.*"localhost:8000"/);
    expect(() => createEmbedderFromEnv({ EMBEDDING_BATCH_SIZE: 'lots' })).toThrow(/EMBEDDING_BATCH_SIZE: must be an integer/);
    expect(() => createEmbedderFromEnv({ EMBEDDING_CONCURRENCY: '0' })).toThrow(/EMBEDDING_CONCURRENCY: must be ≥ 1/);
  });
});
