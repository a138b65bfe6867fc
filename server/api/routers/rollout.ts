import { z } from 'zod';
import { clipAcrossSteps, getRollout, listGroups, listRollouts, rolloutGroup, ROLLOUT_SORTS } from '../../services/rollouts';
import { createTRPCRouter, viewerProcedure } from '../trpc';

export const rolloutRouter = createTRPCRouter({
  list: viewerProcedure
    .input(
      z.object({
        runId: z.string().min(1),
        step: z.number().int().min(0).optional(),
        stepMin: z.number().int().min(0).optional(),
        stepMax: z.number().int().min(0).optional(),
        clipId: z.string().optional(),
        rewardMin: z.number().optional(),
        rewardMax: z.number().optional(),
        formatFailures: z.boolean().optional(),
        advantageSign: z.enum(['positive', 'negative', 'zero']).optional(),
        sort: z.enum(ROLLOUT_SORTS).default('step'),
        order: z.enum(['asc', 'desc']).default('desc'),
        cursor: z.string().nullish(),
        limit: z.number().int().min(1).max(500).default(50),
      })
      // A minimum above its maximum matches nothing: say so instead of an empty page.
      .refine((i) => i.stepMin === undefined || i.stepMax === undefined || i.stepMin <= i.stepMax, {
        path: ['stepMin'],
        message: 'stepMin must be ≤ stepMax',
      })
      .refine((i) => i.rewardMin === undefined || i.rewardMax === undefined || i.rewardMin <= i.rewardMax, {
        path: ['rewardMin'],
        message: 'rewardMin must be ≤ rewardMax',
      }),
    )
    .query(({ ctx, input }) => listRollouts(ctx.db, input)),
  groups: viewerProcedure
    .input(z.object({ runId: z.string().min(1), step: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(500).default(100) }))
    .query(({ ctx, input }) => listGroups(ctx.db, input.runId, input.step, input.limit)),
  group: viewerProcedure
    .input(z.object({ runId: z.string().min(1), step: z.number().int().min(0), clipId: z.string().min(1), groupIndex: z.number().int().min(0).optional() }))
    .query(({ ctx, input }) => rolloutGroup(ctx.db, input.runId, input.step, input.clipId, input.groupIndex)),
  get: viewerProcedure.input(z.object({ id: z.string().regex(/^\d+$/, 'rollout ids are numeric') })).query(({ ctx, input }) => getRollout(ctx.db, input.id)),
  clipAcrossSteps: viewerProcedure
    .input(z.object({ runId: z.string().min(1), clipId: z.string().min(1), limit: z.number().int().min(1).max(1000).default(200) }))
    .query(({ ctx, input }) => clipAcrossSteps(ctx.db, input.runId, input.clipId, input.limit)),
});
