import { z } from 'zod';
import { RUN_KINDS, RUN_STATUSES } from '../../../core/types';
import { cancelRun, getRun, launchRun, listRuns } from '../../services/runs';
import { createTRPCRouter, researcherProcedure, viewerProcedure } from '../trpc';

export const runRouter = createTRPCRouter({
  /** Launch a run: validates the config (field + reason on error), stores it queued, enqueues the job. */
  launch: researcherProcedure
    .input(
      z.object({
        name: z.string().min(1, 'name is required').max(200),
        kind: z.enum(RUN_KINDS),
        backend: z.enum(['local', 'swift']),
        config: z.unknown().optional(),
        experiment: z.string().min(1).max(200).optional(),
        parentRunId: z.string().optional(),
      }),
    )
    .mutation(({ ctx, input }) => launchRun(ctx.db, { ...input, config: input.config ?? {}, createdById: ctx.actor.userId })),
  get: viewerProcedure.input(z.object({ id: z.string().min(1) })).query(({ ctx, input }) => getRun(ctx.db, input.id)),
  list: viewerProcedure
    .input(
      z
        .object({
          limit: z.number().int().min(1).max(200).default(50),
          cursor: z.string().nullish(),
          status: z.enum(RUN_STATUSES).optional(),
          kind: z.enum(RUN_KINDS).optional(),
          experimentId: z.string().optional(),
          search: z.string().max(200).optional(),
          /** Only runs this user launched or imported. */
          createdById: z.string().min(1).optional(),
        })
        .default({ limit: 50 }),
    )
    .query(({ ctx, input }) => listRuns(ctx.db, input)),
  cancel: researcherProcedure.input(z.object({ id: z.string().min(1) })).mutation(({ ctx, input }) => cancelRun(ctx.db, input.id)),
});
