import { z } from 'zod';
import { SERIES_ENCODINGS } from '../../../core/series-wire';
import { MAX_SMOOTHING } from '../../../core/smoothing';
import { X_AXIS_MODES } from '../../../core/view-state';
import { metricSeries } from '../../services/metrics';
import { createTRPCRouter, viewerProcedure } from '../trpc';

export const metricRouter = createTRPCRouter({
  /**
   * What a chart draws: per (run, key), at most the first/min/max/last stored point of each of
   * ≈ maxPoints pixel columns, with the smoothed value (debiased EMA over the whole stored series,
   * weight snapped to core/smoothing.ts SMOOTHING_STOPS) and, for `xAxis: 'relative'`, relative time.
   * Pass `runId` for one run or `runIds` to overlay several; xMin/xMax (steps) re-fetch detail when zoomed.
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
          smoothing: z.number().min(0).max(MAX_SMOOTHING).default(0),
          xAxis: z.enum(X_AXIS_MODES).default('step'),
          encoding: z.enum(SERIES_ENCODINGS).default('json'),
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
        smoothing: input.smoothing,
        xAxis: input.xAxis,
        encoding: input.encoding,
      }),
    ),
});
