import { z } from 'zod';
import { BENCHMARKS } from '../../../core/eval/types';
import { measuredRowOptions, pairSignificance, significanceAgainst } from '../../services/significance';
import { createTRPCRouter, viewerProcedure } from '../trpc';

const side = z.object({ runId: z.string().min(1, 'runId is required').max(200), checkpointId: z.string().min(1).max(200).nullish() });

export const significanceRouter = createTRPCRouter({
  /**
   * Paired bootstrap over clips of B − A (core/results/bootstrap.ts): Δ, 95% percentile interval,
   * two-sided p, paired / unpaired clip counts, resamples and seed. BAD_REQUEST when the rows are not
   * comparable (other benchmark, unknown metric, no clip in common); NOT_FOUND for an unknown run.
   */
  pair: viewerProcedure
    .input(
      z.object({
        a: side,
        b: side,
        benchmark: z.enum(BENCHMARKS),
        subset: z.string().max(100).nullish(),
        metric: z.string().min(1, 'metric is required').max(100),
        resamples: z.number().int().min(100).max(100_000).optional(),
        seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
      }),
    )
    .query(({ ctx, input }) => pairSignificance(ctx.db, input)),
  /**
   * Every (row, column) against one baseline row (Table 1's hover and "interval contains 0" marks):
   * Δ, 95% interval, p per comparable cell; the others in `skipped` with the reason.
   */
  against: viewerProcedure
    .input(
      z.object({
        baseline: side,
        rows: z.array(side).max(200),
        columns: z.array(z.object({ benchmark: z.enum(BENCHMARKS), subset: z.string().min(1).max(100), metric: z.string().min(1).max(100) })).max(30),
      }),
    )
    .query(({ ctx, input }) => significanceAgainst(ctx.db, input)),
  /** Measured rows with per-clip records (run, checkpoint, benchmark, subsets, metrics, judge) for the pickers. */
  rows: viewerProcedure.query(({ ctx }) => measuredRowOptions(ctx.db)),
});
