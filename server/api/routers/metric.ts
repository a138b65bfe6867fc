import { z } from 'zod';
import { metricSeries } from '../../services/metrics';
import { createTRPCRouter, viewerProcedure } from '../trpc';

export const metricRouter = createTRPCRouter({
  /**
   * Series reduced to ≈ maxPoints columns (min, max and last of each bucket survive).
   * Pass `runId` for one run or `runIds` to overlay several; xMin/xMax re-fetch detail when zoomed.
   */
  series: viewerProcedure
    .input(
      z
        .object({
          runId: z.string().optional(),
          runIds: z.array(z.string()).max(50).optional(),
          keys: z.array(z.string().min(1)).min(1).max(50),
          maxPoints: z.number().int().min(16).max(4000).default(1000),
          xMin: z.number().nullish(),
          xMax: z.number().nullish(),
        })
        .refine((v) => v.runId || (v.runIds && v.runIds.length), { message: 'runId or runIds is required', path: ['runId'] }),
    )
    .query(({ ctx, input }) =>
      metricSeries(ctx.db, {
        runIds: input.runIds?.length ? input.runIds : [input.runId!],
        keys: input.keys,
        maxPoints: input.maxPoints,
        xMin: input.xMin,
        xMax: input.xMax,
      }),
    ),
});
