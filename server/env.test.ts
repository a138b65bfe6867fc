import { describe, expect, it } from 'vitest';
import { EnvError, parseServerEnv } from './env';

describe('parseServerEnv', () => {
  it('names a missing DATABASE_URL and the expected form', () => {
    expect(() => parseServerEnv({})).toThrow(EnvError);
    expect(() => parseServerEnv({})).toThrow(/DATABASE_URL: .*postgresql/);
  });
  it('names a malformed variable', () => {
    expect(() => parseServerEnv({ DATABASE_URL: 'postgresql://x/y', REDIS_URL: 'http://nope' })).toThrow(/REDIS_URL: expected a redis: or rediss: URL/);
    expect(() => parseServerEnv({ DATABASE_URL: 'postgresql://x/y', VIDEOCAP_RUNNER_TOKEN: 'short' })).toThrow(/VIDEOCAP_RUNNER_TOKEN: must be at least 16/);
  });
  it('fills defaults', () => {
    const e = parseServerEnv({ DATABASE_URL: 'postgresql://x/y' });
    expect(e.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(e.AUTH_MODE).toBe('accounts');
  });
  it('validates the auth variables', () => {
    expect(() => parseServerEnv({ DATABASE_URL: 'postgresql://x/y', AUTH_MODE: 'none' })).toThrow(/AUTH_MODE: must be "accounts" or "open"/);
    expect(() => parseServerEnv({ DATABASE_URL: 'postgresql://x/y', AUTH_SECRET: 'short' })).toThrow(/AUTH_SECRET: must be at least 32/);
    expect(() => parseServerEnv({ DATABASE_URL: 'postgresql://x/y', AUTH_URL: 'studio.lab' })).toThrow(/AUTH_URL: expected a http: or https: URL/);
    expect(parseServerEnv({ DATABASE_URL: 'postgresql://x/y', AUTH_MODE: 'open' }).AUTH_MODE).toBe('open');
  });
});
