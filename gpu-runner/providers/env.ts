/**
 * Provider settings from the environment, validated with zod. Unset (or empty) base URLs select
 * the offline lexical providers. Every error names the variable and what was wrong with it.
 */
import { z } from 'zod';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const httpUrl = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .trim()
    .refine((v) => {
      try {
        const u = new URL(v);
        return u.protocol === 'http:' || u.protocol === 'https:';
      } catch {
        return false;
      }
    }, 'must be an http(s) URL such as http://localhost:8000')
    .optional(),
);

const optionalString = z.preprocess(emptyToUndefined, z.string().trim().min(1).optional());

function intVar(min: number, max: number, fallback: number) {
  return z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'must be an integer' })
      .int('must be an integer')
      .min(min, `must be ≥ ${min}`)
      .max(max, `must be ≤ ${max}`)
      .default(fallback),
  );
}

export const providerEnvSchema = z.object({
  EMBEDDING_BASE_URL: httpUrl,
  /** The paper's embedder is M3-Embedding (BGE-M3). */
  EMBEDDING_MODEL: z.preprocess(emptyToUndefined, z.string().trim().min(1).default('BAAI/bge-m3')),
  EMBEDDING_API_KEY: optionalString,
  EMBEDDING_BATCH_SIZE: intVar(1, 4096, 64),
  EMBEDDING_CONCURRENCY: intVar(1, 256, 4),
  EMBEDDING_TIMEOUT_MS: intVar(1, 3_600_000, 30_000),
  EMBEDDING_MAX_RETRIES: intVar(0, 20, 4),
  EMBEDDING_CACHE_SIZE: intVar(0, 10_000_000, 50_000),
  JUDGE_BASE_URL: httpUrl,
  /** The paper's judge is Qwen2.5-72B. */
  JUDGE_MODEL: z.preprocess(emptyToUndefined, z.string().trim().min(1).default('Qwen/Qwen2.5-72B-Instruct')),
  JUDGE_API_KEY: optionalString,
  JUDGE_CONCURRENCY: intVar(1, 1024, 8),
  JUDGE_TIMEOUT_MS: intVar(1, 3_600_000, 120_000),
  JUDGE_MAX_RETRIES: intVar(0, 20, 4),
  JUDGE_MAX_TOKENS: intVar(1, 131_072, 2048),
  /** Sampling temperature of the judge (0: repeatable, as the cache assumes). */
  JUDGE_TEMPERATURE: z.preprocess(emptyToUndefined, z.coerce.number({ error: 'must be a number' }).min(0, 'must be ≥ 0').max(2, 'must be ≤ 2').default(0)),
  JUDGE_CACHE_SIZE: intVar(0, 10_000_000, 20_000),
  /** Judge calls per judged item before it counts as failed (a reply that fails validation is asked again). */
  JUDGE_REPLY_ATTEMPTS: intVar(1, 10, 3),
});

export type ProviderEnv = z.infer<typeof providerEnvSchema>;

export class ProviderConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid provider configuration: ${issues.join('; ')}`);
    this.name = 'ProviderConfigError';
  }
}

/** Validates the provider variables of `env`; throws ProviderConfigError naming each bad variable. */
export function parseProviderEnv(env: Record<string, string | undefined>): ProviderEnv {
  const result = providerEnvSchema.safeParse(env);
  if (!result.success) {
    throw new ProviderConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const raw = typeof issue.path[0] === 'string' ? env[issue.path[0]] : undefined;
        const shown = raw !== undefined && !name.endsWith('_API_KEY') ? ` (got ${JSON.stringify(raw)})` : '';
        return `${name}: ${issue.message}${shown}`;
      }),
    );
  }
  return result.data;
}
