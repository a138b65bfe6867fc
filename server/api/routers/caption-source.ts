import { z } from 'zod';
import { BENCHMARKS } from '../../../core/eval/types';
import {
  checkpointsWithCaptions,
  importCaptions,
  listCaptionSources,
  registerCheckpointSource,
  registerReferenceSource,
} from '../../services/caption-sources';
import { compareFilters, getCompareClip, listCompareClips } from '../../services/compare';
import { createTRPCRouter, researcherProcedure, viewerProcedure } from '../trpc';

/**
 * Caption sources and the caption comparison view (issue 13). Everyone signed in reads; importing
 * and registering sources is a researcher's (import) action.
 */
export const captionSourceRouter = createTRPCRouter({
  list: viewerProcedure.input(z.object({ benchmark: z.string().min(1).optional() }).optional()).query(({ ctx, input }) => listCaptionSources(ctx.db, input ?? {})),
  /** Import a captions file (≤ 20 MB): JSONL `{id|vid, caption}` with `model`, or the multi-model explorer format (one source per model). */
  import: researcherProcedure
    .input(
      z.object({
        text: z.string().min(1, 'the file is empty').max(20_000_000, 'the file is larger than 20 MB'),
        fileName: z.string().min(1).max(1000),
        benchmark: z.enum(BENCHMARKS).default('dream-1k'),
        model: z.string().trim().max(200).nullish(),
      }),
    )
    .mutation(({ ctx, input }) => importCaptions(ctx.db, input)),
  registerReference: researcherProcedure.input(z.object({ benchmark: z.enum(BENCHMARKS) })).mutation(({ ctx, input }) => registerReferenceSource(ctx.db, input.benchmark)),
  checkpoints: viewerProcedure.query(({ ctx }) => checkpointsWithCaptions(ctx.db)),
  registerCheckpoint: researcherProcedure.input(z.object({ checkpointId: z.string().min(1) })).mutation(({ ctx, input }) => registerCheckpointSource(ctx.db, input.checkpointId)),
  /** Benchmarks and their subsets, for the clip filters. */
  filters: viewerProcedure.query(({ ctx }) => compareFilters(ctx.db)),
  /** Clips matching a filter: all ids (for j/k) and the first `limit` with a snippet. */
  clips: viewerProcedure
    .input(
      z.object({
        benchmark: z.string().max(100).nullish(),
        subset: z.string().max(200).nullish(),
        q: z.string().max(500).nullish(),
        captioned: z.boolean().default(true),
        limit: z.number().int().min(1).max(500).default(50),
      }),
    )
    .query(({ ctx, input }) => listCompareClips(ctx.db, input, input.limit)),
  /** One clip with the captions of the chosen sources (all model sources when none) and their spans. */
  clip: viewerProcedure
    .input(z.object({ id: z.string().min(1).max(300), sourceIds: z.array(z.string().min(1)).max(50).nullish() }))
    .query(({ ctx, input }) => getCompareClip(ctx.db, input.id, input.sourceIds)),
});
