/**
 * The ingest API wire format (runner → server). Batched and idempotent: metric points are keyed by
 * (run, key, step), rollouts by (run, step, clip, sample), checkpoints by (run, step), logs by (run, seq).
 */
import { z } from 'zod';
import { RUN_KINDS, RUN_STATUSES } from './types';
import { scorerIdentitySchema } from './scorer';

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
});
export type IngestBatch = z.infer<typeof ingestBatchSchema>;
export type IngestBatchInput = z.input<typeof ingestBatchSchema>;

export const statusUpdateSchema = z.object({
  to: z.enum(RUN_STATUSES),
  reason: z.string().min(1).max(20_000),
  runnerId: z.string().max(200).optional(),
  summary: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
  /** How the run's rewards are produced (core/scorer.ts); the runner sends it when the run starts. */
  scorer: scorerIdentitySchema.optional(),
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
  /** The scorer of the imported rewards, when the importer knows it (core/scorer.ts). */
  scorer: scorerIdentitySchema.optional(),
});
export type CreateRunInput = z.infer<typeof createRunSchema>;
