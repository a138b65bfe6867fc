/**
 * Configuration of an evaluation run (`Run.kind = "eval"`): which benchmarks, which judge, which
 * captions. Validated by the server at launch and by the runner before it starts.
 */
import { z } from 'zod';
import { BENCHMARKS } from './types';
import { VDC_QA_SETS } from './vdc';

const httpUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL such as http://127.0.0.1:8000/v1');

export const evalJudgeConfigSchema = z.discriminatedUnion('kind', [
  /** The offline lexical judge (an approximation, named as such in every result). */
  z.object({ kind: z.literal('lexical') }),
  /**
   * An OpenAI-compatible /v1/chat/completions endpoint (vLLM, SGLang, OpenAI). The API key is not
   * stored: runners send their JUDGE_API_KEY.
   */
  z.object({
    kind: z.literal('openai'),
    baseUrl: httpUrl,
    model: z.string().trim().min(1, 'judge model is required'),
    temperature: z.number().min(0).max(2).default(0),
    maxTokens: z.number().int().min(16).max(131_072).default(2048),
  }),
]);
export type EvalJudgeConfig = z.infer<typeof evalJudgeConfigSchema>;

/** What the user says about how imported captions were generated (all optional). */
export const generationInfoSchema = z.object({
  prompt: z.string().max(20_000).nullable().default(null),
  maxFrames: z.number().int().min(1).max(100_000).nullable().default(null),
  temperature: z.number().min(0).max(5).nullable().default(null),
  notes: z.string().max(2000).nullable().default(null),
});

export const evalSourceConfigSchema = z.discriminatedUnion('kind', [
  /** A checkpoint of one of our runs: the run's backend generates the captions. */
  z.object({
    kind: z.literal('checkpoint'),
    runId: z.string().min(1),
    checkpointId: z.string().min(1),
    /** Sampling temperature of caption generation (0 = greedy). */
    temperature: z.number().min(0).max(5).default(0),
    maxNewTokens: z.number().int().min(16).max(65_536).default(1024),
  }),
  /** An uploaded predictions file, stored as a CaptionSource. */
  z.object({
    kind: z.literal('imported'),
    captionSourceId: z.string().min(1),
    model: z.string().min(1).max(500),
    fileName: z.string().max(1000).nullable().default(null),
    format: z.string().max(50).nullable().default(null),
    generation: generationInfoSchema.default(generationInfoSchema.parse({})),
  }),
]);
export type EvalSourceConfig = z.infer<typeof evalSourceConfigSchema>;

export const evalConfigSchema = z.object({
  benchmarks: z
    .array(z.enum(BENCHMARKS))
    .min(1, 'choose at least one benchmark')
    .refine((b) => new Set(b).size === b.length, 'each benchmark may appear once'),
  /** VDC question sets to score (the paper reports "detailed"). */
  vdcQaSets: z.array(z.enum(VDC_QA_SETS)).min(1).default(['detailed']),
  judge: evalJudgeConfigSchema.default({ kind: 'lexical' }),
  source: evalSourceConfigSchema,
  /** Judge requests in flight at once. */
  concurrency: z.number().int().min(1).max(512).default(16),
  /** Judge calls per item before it counts as failed (a reply that fails validation is asked again). */
  attempts: z.number().int().min(1).max(10).default(3),
  /** Evaluate only the first N clips of each benchmark (0 = all). */
  maxClips: z.number().int().min(0).max(1_000_000).default(0),
});
export type EvalConfig = z.infer<typeof evalConfigSchema>;
export type EvalConfigInput = z.input<typeof evalConfigSchema>;
