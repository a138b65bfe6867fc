/**
 * The ingest API wire format (runner → server). Batched and idempotent: metric points are keyed by
 * (run, key, step), rollouts by (run, step, clip, sample), checkpoints by (run, step), logs by (run, seq).
 */
import { z } from 'zod';
import { RUN_KINDS, RUN_STATUSES } from './types';
import { evalProgressSchema, evalResultSchema, evalSampleSchema } from './eval/types';

const thinkSubjectSchema = z.object({
  subject: z.string(),
  attributes: z.array(z.string()),
  actions: z.array(z.string()),
});

export const ingestMetricSchema = z.object({
  step: z.number().int().min(0),
  key: z.string().min(1).max(200),
  value: z.number().finite(),
  wallTime: z.number().finite(),
});

export const ingestRolloutSchema = z.object({
  step: z.number().int().min(0),
  clipId: z.string().min(1).max(500),
  groupIndex: z.number().int().min(0),
  sampleIndex: z.number().int().min(0),
  completion: z.string().max(1_000_000),
  think: z.array(thinkSubjectSchema).nullable(),
  answer: z.string().nullable(),
  rewards: z.object({
    format: z.number().finite().optional(),
    tscore: z.number().finite().optional(),
    escore: z.number().finite().optional(),
    cnscore: z.number().finite().optional(),
  }),
  reward: z.number().finite(),
  advantage: z.number().finite(),
  length: z.number().int().min(0),
  breakdown: z.unknown().optional(),
});

export const ingestCheckpointSchema = z.object({
  step: z.number().int().min(0),
  path: z.string().min(1).max(4000),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export const ingestLogSchema = z.object({
  seq: z.number().int().min(0),
  line: z.string().max(20_000),
});

export const ingestBatchSchema = z.object({
  runnerId: z.string().max(200).optional(),
  metrics: z.array(ingestMetricSchema).max(100_000).default([]),
  rollouts: z.array(ingestRolloutSchema).max(20_000).default([]),
  checkpoints: z.array(ingestCheckpointSchema).max(1000).default([]),
  logs: z.array(ingestLogSchema).max(20_000).default([]),
  progress: z.object({ step: z.number().int().min(0), maxSteps: z.number().int().min(0) }).optional(),
  /** Evaluation runs: one record per clip (keyed by run, benchmark, subset, clip: re-sent clips are stored once). */
  evalSamples: z.array(evalSampleSchema).max(5_000).default([]),
  /** Evaluation runs: the final rows; they replace the run's earlier rows of the same benchmarks. */
  evalResults: z.array(evalResultSchema).max(5_000).default([]),
  evalProgress: evalProgressSchema.optional(),
});
export type IngestBatch = z.infer<typeof ingestBatchSchema>;
export type IngestBatchInput = z.input<typeof ingestBatchSchema>;

export const statusUpdateSchema = z.object({
  to: z.enum(RUN_STATUSES),
  reason: z.string().min(1).max(20_000),
  runnerId: z.string().max(200).optional(),
  summary: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
  scorer: z.unknown().optional(),
});
export type StatusUpdate = z.infer<typeof statusUpdateSchema>;

/** Create a run from outside the browser (importers, scripts). */
export const createRunSchema = z.object({
  name: z.string().min(1).max(200),
  kind: z.enum(RUN_KINDS),
  backend: z.string().min(1).max(50),
  experiment: z.string().min(1).max(200).optional(),
  config: z.unknown().optional(),
  source: z.record(z.string(), z.unknown()).optional(),
  status: z.enum(RUN_STATUSES).optional(),
});
export type CreateRunInput = z.infer<typeof createRunSchema>;

/** Judge cache over the ingest API (runner token): lookups and writes, batched. */
export const judgeCacheLookupSchema = z.object({ keys: z.array(z.string().regex(/^[0-9a-f]{64}$/, 'a key is a sha256 hex digest')).max(1000) });
export const judgeCachePutSchema = z.object({
  entries: z
    .array(
      z.object({
        key: z.string().regex(/^[0-9a-f]{64}$/, 'a key is a sha256 hex digest'),
        model: z.string().min(1).max(500),
        settings: z.object({ temperature: z.number().min(0).max(5), maxTokens: z.number().int().nullable() }),
        prompt: z.string().max(2_000_000),
        reply: z.string().max(2_000_000),
      }),
    )
    .max(1000),
});
