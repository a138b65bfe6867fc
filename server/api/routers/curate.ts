import { z } from 'zod';
import { CURATION_OUTCOMES, CURATION_STAGES } from '../../../core/curation/stats';
import { getCurationView, launchCurateRun, listCurationClips } from '../../services/curation';
import { createTRPCRouter, researcherProcedure, viewerProcedure } from '../trpc';

export const curateRouter = createTRPCRouter({
  /** Launch a curate run (paper Appendix C pipeline); config per core/curation/config.ts. */
  launch: researcherProcedure
    .input(z.object({ name: z.string().trim().min(1, 'name is required').max(200), config: z.unknown(), experiment: z.string().min(1).max(200).optional() }))
    .mutation(({ ctx, input }) => launchCurateRun(ctx.db, { ...input, createdById: ctx.actor.userId })),
  /** Funnel, stage progress, histograms, action inventory, top actions and output dataset of a curate run. */
  view: viewerProcedure.input(z.object({ runId: z.string().min(1) })).query(({ ctx, input }) => getCurationView(ctx.db, input.runId)),
  clips: viewerProcedure
    .input(
      z.object({
        runId: z.string().min(1),
        outcome: z.enum(CURATION_OUTCOMES).optional(),
        stage: z.enum(CURATION_STAGES).optional(),
        cursor: z.number().int().nullish(),
        limit: z.number().int().min(1).max(500).default(50),
      }),
    )
    .query(({ ctx, input }) => listCurationClips(ctx.db, input)),
});
