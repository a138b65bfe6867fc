import { z } from 'zod';
import { getDataset, importTrainingDataset, listDatasetClips, listDatasets } from '../../services/datasets';
import { createTRPCRouter, researcherProcedure, viewerProcedure } from '../trpc';

export const datasetRouter = createTRPCRouter({
  /** Every dataset (benchmarks and training data) with its clip count. */
  list: viewerProcedure
    .input(z.object({ kind: z.enum(['benchmark', 'train']).optional() }).default({}))
    .query(({ ctx, input }) => listDatasets(ctx.db, input)),
  /** One dataset by id or name, with think-source counts and the curate run that made it. */
  get: viewerProcedure.input(z.object({ id: z.string().min(1) })).query(({ ctx, input }) => getDataset(ctx.db, input.id)),
  clips: viewerProcedure
    .input(z.object({ datasetId: z.string().min(1), cursor: z.string().nullish(), limit: z.number().int().min(1).max(500).default(50), search: z.string().max(200).optional() }))
    .query(({ ctx, input }) => listDatasetClips(ctx.db, input)),
  /**
   * Import a training dataset from a videos folder and a captions JSONL (paths on the server's
   * machine). Problems per clip come back (and stay in the dataset's import report).
   */
  import: researcherProcedure
    .input(
      z.object({
        name: z.string().trim().min(1, 'name is required').max(200),
        videoDir: z.string().trim().min(1, 'the videos folder is required').max(4000),
        captionsPath: z.string().trim().min(1, 'the captions file is required').max(4000),
        description: z.string().max(2000).optional(),
        probe: z.boolean().default(true),
      }),
    )
    .mutation(({ ctx, input }) => importTrainingDataset(ctx.db, input)),
});
