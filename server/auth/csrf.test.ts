import { beforeAll, describe, expect, it } from 'vitest';
import { ForbiddenError } from '../services/errors';

let assertSameOrigin: typeof import('./csrf').assertSameOrigin;

beforeAll(async () => {
  process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/unused';
  process.env.AUTH_TRUSTED_ORIGINS = 'https://studio.lab.example';
  ({ assertSameOrigin } = await import('./csrf'));
});

const h = (init: Record<string, string>) => new Headers({ host: '127.0.0.1:3000', ...init });

describe('assertSameOrigin (CSRF)', () => {
  it('accepts the app origin, a trusted origin, and same-origin fetch metadata', () => {
    expect(() => assertSameOrigin(h({ origin: 'http://127.0.0.1:3000' }), { requireOrigin: true })).not.toThrow();
    expect(() => assertSameOrigin(h({ origin: 'https://studio.lab.example' }), { requireOrigin: true })).not.toThrow();
    expect(() => assertSameOrigin(h({ referer: 'http://127.0.0.1:3000/runs/new' }), { requireOrigin: true })).not.toThrow();
    expect(() => assertSameOrigin(h({ 'sec-fetch-site': 'same-origin' }), { requireOrigin: true })).not.toThrow();
  });
  it('refuses other origins, "null", cross-site and same-site (another port) fetch metadata', () => {
    for (const headers of [
      h({ origin: 'http://evil.example' }),
      h({ origin: 'http://127.0.0.1:8080' }),
      h({ origin: 'null' }),
      h({ referer: 'http://evil.example/page' }),
      h({ 'sec-fetch-site': 'cross-site' }),
      h({ 'sec-fetch-site': 'same-site', origin: 'http://127.0.0.1:3000' }),
    ]) {
      expect(() => assertSameOrigin(headers, { requireOrigin: false })).toThrow(ForbiddenError);
    }
  });
  it('without any origin: refused for cookie sessions, allowed for open mode scripts', () => {
    expect(() => assertSameOrigin(h({}), { requireOrigin: true })).toThrow(/must send an Origin header/);
    expect(() => assertSameOrigin(h({}), { requireOrigin: false })).not.toThrow();
  });
});
