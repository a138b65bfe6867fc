/**
 * Configuration of a curate run (paper Appendix C): where the clips come from and each stage's
 * settings. Validated with zod at launch and again by the runner; errors name the field.
 */
import { z } from 'zod';

export const farnebackSchema = z.object({
  /** OpenCV calcOpticalFlowFarneback parameters (the values of OpenCV's dense-flow tutorial). */
  pyrScale: z.number().gt(0).lt(1).default(0.5),
  levels: z.number().int().min(1).max(10).default(3),
  winSize: z.number().int().min(3).max(101).default(15),
  iterations: z.number().int().min(1).max(50).default(3),
  polyN: z.union([z.literal(5), z.literal(7)]).default(5),
  polySigma: z.number().gt(0).max(5).default(1.2),
});
export type FarnebackParams = z.infer<typeof farnebackSchema>;

export const dynamicityOptionsSchema = z.object({
  /** Frame pairs (consecutive frames) sampled evenly over the clip. */
  pairs: z.number().int().min(1).max(256).default(8),
  /** Frames are scaled to this width (never up) before the flow: "Farneback at reduced resolution". */
  analysisWidth: z.number().int().min(16).max(3840).default(160),
  farneback: farnebackSchema.default(farnebackSchema.parse({})),
});
export type DynamicityOptions = z.infer<typeof dynamicityOptionsSchema>;

const folderSourceSchema = z.object({
  kind: z.literal('folder'),
  /** Folder of videos on the runner (searched recursively for video files). */
  videoDir: z.string().min(1, 'the videos folder is required'),
  /** Captions JSONL on the runner: one {"video", "caption", "think"?} per line (Tarsier2-Recap layout). */
  captionsPath: z.string().min(1, 'the captions file is required'),
});
const datasetSourceSchema = z.object({
  kind: z.literal('dataset'),
  /** An imported training dataset (name or id); its clips must have video paths. */
  dataset: z.string().min(1, 'the dataset is required'),
});

export const curateConfigSchema = z.object({
  source: z.discriminatedUnion('kind', [folderSourceSchema, datasetSourceSchema], { error: 'source must be {kind: "folder", videoDir, captionsPath} or {kind: "dataset", dataset}' }),
  duration: z
    .object({
      minSec: z.number().min(0).default(10),
      maxSec: z.number().gt(0).default(30),
    })
    .default({ minSec: 10, maxSec: 30 })
    .refine((d) => d.minSec <= d.maxSec, { message: 'minSec must be ≤ maxSec', path: ['minSec'] }),
  dynamicity: z
    .object({
      rule: z.enum(['threshold', 'top-share']).default('threshold'),
      /** Keep clips whose dynamicity (% of frame width per second) is strictly above this. */
      threshold: z.number().min(0).default(2),
      /** Keep this share of the clips that passed the duration stage, most dynamic first. */
      topShare: z.number().gt(0, 'topShare must be > 0').max(1, 'topShare must be ≤ 1').default(0.5),
      measure: dynamicityOptionsSchema.default(dynamicityOptionsSchema.parse({})),
    })
    .default({ rule: 'threshold', threshold: 2, topShare: 0.5, measure: dynamicityOptionsSchema.parse({}) }),
  annotation: z
    .object({
      /** Keep a `think` given in the captions file instead of annotating the clip again. */
      useProvidedThink: z.boolean().default(true),
      /** Judge calls per clip before its annotation counts as failed (replies that do not parse are asked again). */
      attempts: z.number().int().min(1).max(10).default(3),
    })
    .default({ useProvidedThink: true, attempts: 3 }),
  actionFilter: z
    .object({
      order: z.enum(['dynamicity-desc', 'input', 'shuffle']).default('dynamicity-desc'),
      seed: z.number().int().default(0),
      /** Stop when this many clips are kept (the paper: 1.5k). */
      targetSize: z.number().int().min(1).max(10_000_000).default(1500),
      /** What counts as an action type: the head verb (+ particle) or the whole normalised phrase. */
      actionKey: z.enum(['verb', 'phrase']).default('verb'),
    })
    .default({ order: 'dynamicity-desc', seed: 0, targetSize: 1500, actionKey: 'verb' }),
  output: z
    .object({
      /** Name of the training dataset the run creates (default: the run's name). */
      datasetName: z.string().trim().min(1).max(200).optional(),
      description: z.string().max(2000).default(''),
    })
    .default({ description: '' }),
  /** Worker threads measuring dynamicity (0 = one per CPU core). */
  workers: z.number().int().min(0).max(256).default(0),
});
export type CurateConfig = z.infer<typeof curateConfigSchema>;
export type CurateConfigInput = z.input<typeof curateConfigSchema>;

/** The identity of a dynamicity measurement: reused from the store only when it matches exactly. */
export function dynamicityMethodId(options: DynamicityOptions): string {
  const f = options.farneback;
  return `farneback-v1 pairs=${options.pairs} width=${options.analysisWidth} pyr=${f.pyrScale} levels=${f.levels} win=${f.winSize} iter=${f.iterations} polyN=${f.polyN} sigma=${f.polySigma}`;
}
