/**
 * Every environment variable the server reads, validated once with zod (create-t3-app style).
 * A missing or malformed variable stops start-up with a message naming it and the expected form.
 */
import { z } from 'zod';

const url = (protocols: string[], example: string) =>
  z
    .string({ error: `is required: a ${protocols.join(' or ')} URL, e.g. ${example}` })
    .trim()
    .refine((v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, `expected a ${protocols.join(' or ')} URL, e.g. ${example}`);

const serverEnvSchema = z.object({
  DATABASE_URL: url(['postgresql:', 'postgres:'], 'postgresql://postgres@127.0.0.1:5432/videocap'),
  REDIS_URL: url(['redis:', 'rediss:'], 'redis://127.0.0.1:6379').default('redis://127.0.0.1:6379'),
  /** A runner token accepted in addition to the tokens stored in the database (demo, CI, single-node setups). */
  VIDEOCAP_RUNNER_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Folder that holds clip videos (e.g. DREAM-1K's `<vid>.mp4`); without it the app shows no player. */
  VIDEO_ROOT: z.string().min(1).optional(),
  JUDGE_BASE_URL: url(['http:', 'https:'], 'http://127.0.0.1:8000/v1').optional(),
  JUDGE_MODEL: z.string().min(1).optional(),
  EMBEDDING_BASE_URL: url(['http:', 'https:'], 'http://127.0.0.1:8001/v1').optional(),
  EMBEDDING_MODEL: z.string().min(1).optional(),
  /**
   * `accounts` (default): sign-in, roles and tokens (issue 12). `open`: no sign-in, everyone who reaches
   * the server acts as a local admin (a researcher's laptop); every page says so.
   */
  AUTH_MODE: z.enum(['accounts', 'open'], { error: 'must be "accounts" or "open"' }).default('accounts'),
  /** Signs session cookies (≥ 32 chars). Unset: generated once into .data/auth-secret (one app instance only). */
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)').optional(),
  /** Public URL of the app, e.g. https://studio.lab.example. https → cookies are marked Secure; also a trusted origin. */
  AUTH_URL: url(['http:', 'https:'], 'https://studio.lab.example').optional(),
  /** More origins allowed to send cookie-authenticated mutations (comma-separated), e.g. behind a second host name. */
  AUTH_TRUSTED_ORIGINS: z.string().optional(),
  /** Seconds after which a runner without heartbeat is not counted alive. */
  RUNNER_HEARTBEAT_TTL_S: z.coerce.number().int().min(2).max(3600).default(15),
  /**
   * A starting/running run whose runner or importer has not reported for this long, and that no live runner
   * holds or can resume, is marked failed ("lost contact"). Keep it well past RUNNER_LOCK_MS (default 30 s):
   * a stalled job is handed to another runner after the lock expires, and must not be failed before that.
   */
  RUN_LOST_CONTACT_MS: z.coerce.number().int().min(60_000, 'must be at least 60000 (well past RUNNER_LOCK_MS)').max(7 * 24 * 3600_000).default(15 * 60_000),
});

export type ServerEnv = z.infer<typeof serverEnvSchema>;

export class EnvError extends Error {}

export function parseServerEnv(source: Record<string, string | undefined>): ServerEnv {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const r = serverEnvSchema.safeParse(cleaned);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid environment:\n${lines.join('\n')}`);
  }
  return r.data;
}

let cached: ServerEnv | null = null;
export function env(): ServerEnv {
  cached ??= parseServerEnv(process.env);
  return cached;
}
