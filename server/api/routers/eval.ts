import { z } from 'zod';
import { BENCHMARKS } from '../../../core/eval/types';
import {
  EVAL_SAMPLE_SORTS,
  evalResultsForRun,
  evalSourceOptions,
  getEval,
  getEvalSample,
  launchEvalRun,
  listEvalSamples,
  uploadPredictions,
} from '../../services/evals';
import { createTRPCRouter, researcherProcedure, viewerProcedure } from '../trpc';

export const evalRouter = createTRPCRouter({
  /** Launch an evaluation run (kind "eval"): benchmarks, judge and model source in `config` (core/eval/config.ts). */
  launch: researcherProcedure
    .input(z.object({ name: z.string().min(1, 'name is required').max(200), config: z.unknown(), experiment: z.string().min(1).max(200).optional() }))
    .mutation(({ ctx, input }) => launchEvalRun(ctx.db, { ...input, createdById: ctx.actor.userId })),
  /** Upload a predictions file (≤ 20 MB of text); one caption source per model, with a report of unknown / duplicate / missing clips. */
  uploadPredictions: researcherProcedure
    .input(
      z.object({
        benchmark: z.enum(BENCHMARKS),
        fileName: z.string().min(1).max(1000),
        text: z.string().min(1, 'the file is empty').max(20_000_000, 'the file is larger than 20 MB'),
        model: z.string().min(1).max(500).nullish(),
      }),
    )
    .mutation(({ ctx, input }) => uploadPredictions(ctx.db, input)),
  /** An evaluation: run, config, progress, result rows, per-benchmark sample counts. */
  get: viewerProcedure.input(z.object({ runId: z.string().min(1) })).query(({ ctx, input }) => getEval(ctx.db, input.runId)),
  /** The clips behind a number. */
  samples: viewerProcedure
    .input(
      z.object({
        runId: z.string().min(1),
        benchmark: z.enum(BENCHMARKS),
        subset: z.string().max(100).nullish(),
        bucket: z.string().max(100).nullish(),
        failedOnly: z.boolean().default(false),
        sort: z.enum(EVAL_SAMPLE_SORTS).default('clip'),
        order: z.enum(['asc', 'desc']).default('asc'),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(100),
      }),
    )
    .query(({ ctx, input }) => listEvalSamples(ctx.db, input)),
  /** One clip: prediction, reference, every verdict with its reason. */
  sample: viewerProcedure.input(z.object({ id: z.string().regex(/^\d+$/, 'sample ids are numeric') })).query(({ ctx, input }) => getEvalSample(ctx.db, input.id)),
  /** Evaluation results of a run's checkpoints (for the run page). */
  forRun: viewerProcedure.input(z.object({ runId: z.string().min(1) })).query(({ ctx, input }) => evalResultsForRun(ctx.db, input.runId)),
  /** Runs with checkpoints the launch page can evaluate. */
  sourceOptions: viewerProcedure.query(({ ctx }) => evalSourceOptions(ctx.db)),
});
