import { z } from 'zod';
import { clipAnalyses, launchAnalyzeRun, sourceHallucinationRates } from '../../services/analysis';
import { annotatorAgreement, exportAnnotations, importAnnotations, listAnnotators } from '../../services/annotation-files';
import { annotatorProcedure, createTRPCRouter, researcherProcedure, viewerProcedure } from '../trpc';


const ids = z.array(z.string().min(1)).max(20_000);

/**
 * Automatic caption analysis (issue 13): launch an "analyze" run for (clip, source) pairs, read the
 * stored analyses and per-source hallucination rates (accepting / rejecting suggestions is
 * `annotation.review`), export and
 * import annotation files, and inter-annotator agreement.
 */
export const analysisRouter = createTRPCRouter({
  launch: researcherProcedure
    .input(z.object({ name: z.string().max(200).optional(), config: z.unknown() }))
    .mutation(({ ctx, input }) => launchAnalyzeRun(ctx.db, { name: input.name, config: input.config, createdById: ctx.actor.userId })),
  forClip: viewerProcedure.input(z.object({ clipId: z.string().min(1) })).query(({ ctx, input }) => clipAnalyses(ctx.db, input.clipId)),
  /** Hallucination rate per (source, judge): `{ sourceId, sourceName, model, judge, rate, claims, hallucinated, clips }`. */
  rates: viewerProcedure
    .input(z.object({ sourceIds: ids.optional(), clipIds: ids.optional() }).default({}))
    .query(({ ctx, input }) => sourceHallucinationRates(ctx.db, input)),
  exportAnnotations: viewerProcedure
    .input(z.object({ format: z.enum(['jsonl', 'csv']), clipIds: ids.optional(), sourceIds: ids.optional(), origin: z.enum(['human', 'auto']).optional() }))
    .query(({ ctx, input }) => exportAnnotations(ctx.db, input.format, input)),
  importAnnotations: annotatorProcedure
    .input(z.object({ format: z.enum(['jsonl', 'csv']), content: z.string().max(50_000_000) }))
    .mutation(({ ctx, input }) => importAnnotations(ctx.db, input.format, input.content)),
  annotators: viewerProcedure.input(z.object({ clipIds: ids.optional() }).default({})).query(({ ctx, input }) => listAnnotators(ctx.db, input)),
  agreement: viewerProcedure
    .input(z.object({ a: z.string().min(1), b: z.string().min(1), clipIds: ids.optional() }))
    .query(({ ctx, input }) => annotatorAgreement(ctx.db, input.a, input.b, { clipIds: input.clipIds })),
});
