/**
 * Wire format of curation between runner and server (token-authenticated ingest API), validated
 * with zod on the server. Measurements are keyed by file (path + size + mtime), clip rows by
 * (run, ordinal), dataset clips by (dataset, externalId): every write is idempotent.
 */
import { z } from 'zod';
import { CURATION_OUTCOMES, CURATION_STAGES } from './stats';

const thinkSubjectSchema = z.object({ subject: z.string(), attributes: z.array(z.string()), actions: z.array(z.string()) });
const finite = z.number().finite();

export const videoMeasurementSchema = z.object({
  fileKey: z.string().regex(/^[0-9a-f]{64}$/, 'fileKey must be a sha256 hex digest'),
  path: z.string().min(1).max(4000),
  sizeBytes: z.number().int().min(0),
  mtimeMs: finite,
  durationSec: finite.nullable().optional(),
  width: z.number().int().nullable().optional(),
  height: z.number().int().nullable().optional(),
  fps: finite.nullable().optional(),
  frameCount: z.number().int().nullable().optional(),
  codec: z.string().max(100).nullable().optional(),
  probeError: z.string().max(4000).nullable().optional(),
  dynamicity: finite.nullable().optional(),
  flowDetail: z.record(z.string(), z.unknown()).nullable().optional(),
  dynamicityMethod: z.string().max(500).nullable().optional(),
  flowError: z.string().max(4000).nullable().optional(),
});
export type VideoMeasurementWire = z.infer<typeof videoMeasurementSchema>;

export const measurementLookupSchema = z.object({ fileKeys: z.array(z.string().min(1).max(100)).max(10_000) });
export const measurementPutSchema = z.object({ measurements: z.array(videoMeasurementSchema).max(5_000) });

export const curationClipSchema = z.object({
  ordinal: z.number().int().min(0),
  externalId: z.string().min(1).max(4000),
  videoPath: z.string().max(4000).nullable().optional(),
  caption: z.string().max(200_000).nullable().optional(),
  fileKey: z.string().max(100).nullable().optional(),
  sizeBytes: z.number().int().min(0).nullable().optional(),
  durationSec: finite.nullable().optional(),
  dynamicity: finite.nullable().optional(),
  stage: z.enum(CURATION_STAGES),
  outcome: z.enum(CURATION_OUTCOMES),
  reason: z.string().max(20_000).nullable().optional(),
  think: z.array(thinkSubjectSchema).nullable().optional(),
  thinkSource: z.string().max(500).nullable().optional(),
  actionTypes: z.array(z.string().max(500)).max(1000).optional(),
  newActions: z.array(z.string().max(500)).max(1000).optional(),
  filterRank: z.number().int().min(1).nullable().optional(),
  reusedMeasurement: z.boolean().optional(),
});
export type CurationClipWire = z.infer<typeof curationClipSchema>;

export const curationStageSchema = z.object({
  stage: z.enum(CURATION_STAGES),
  total: z.number().int().min(0),
  done: z.number().int().min(0),
  passed: z.number().int().min(0),
  failed: z.number().int().min(0),
  note: z.string().max(2000).default(''),
});
export type CurationStageWire = z.input<typeof curationStageSchema>;

export const curationReportSchema = z.object({
  /** Forget the rows of an earlier attempt of this run (a restarted run starts its report over). */
  reset: z.boolean().default(false),
  clips: z.array(curationClipSchema).max(5_000).default([]),
  stages: z.array(curationStageSchema).max(CURATION_STAGES.length).default([]),
});
export type CurationReportInput = z.input<typeof curationReportSchema>;

export const datasetClipWireSchema = z.object({
  externalId: z.string().min(1).max(4000),
  caption: z.string().min(1).max(200_000),
  think: z.array(thinkSubjectSchema).nullable(),
  thinkSource: z.string().max(500).nullable(),
  videoPath: z.string().min(1).max(4000),
  durationSec: finite.nullable(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type DatasetClipWire = z.infer<typeof datasetClipWireSchema>;

/** Create a training dataset from a curate run (first call) and add clips (later calls, same name + run). */
export const curatedDatasetSchema = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).default(''),
  source: z.string().max(4000).default(''),
  report: z.record(z.string(), z.unknown()).optional(),
  clips: z.array(datasetClipWireSchema).max(5_000).default([]),
});
export type CuratedDatasetInput = z.input<typeof curatedDatasetSchema>;
