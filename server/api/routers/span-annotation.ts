import { z } from 'zod';
import { SPAN_LABELS } from '../../../core/compare/spans';
import { createSpanAnnotation, deleteSpanAnnotation, listSpanAnnotations, reviewSpanAnnotation, updateSpanAnnotation } from '../../services/span-annotations';
import { annotatorProcedure, createTRPCRouter, viewerProcedure } from '../trpc';

const label = z.enum(SPAN_LABELS, { error: `label must be one of ${SPAN_LABELS.join(', ')}` });

/**
 * Span annotations on captions (issue 13): viewers read; annotators (and researchers, admins) write as
 * the signed-in user; only the author or an admin changes or deletes a human span; any annotator
 * accepts or rejects an automatic one (server/services/span-annotations.ts).
 */
export const annotationRouter = createTRPCRouter({
  /** Spans of one caption or several (`captionIds`). */
  list: viewerProcedure
    .input(z.union([z.object({ captionId: z.string().min(1) }), z.object({ captionIds: z.array(z.string().min(1)).min(1).max(200) })]))
    .query(({ ctx, input }) => listSpanAnnotations(ctx.db, 'captionId' in input ? input.captionId : input.captionIds)),
  create: annotatorProcedure
    .input(
      z.object({
        /** Only to re-create a span undone by its author (undo of a delete). */
        id: z.string().min(1).max(64).optional(),
        captionId: z.string().min(1),
        start: z.number().int().min(0),
        end: z.number().int().min(1),
        label,
        note: z.string().max(2000).optional(),
      }),
    )
    .mutation(({ ctx, input }) => createSpanAnnotation(ctx.db, input, ctx.actor)),
  update: annotatorProcedure
    .input(z.object({ id: z.string().min(1), label: label.optional(), note: z.string().max(2000).optional(), needsReview: z.literal(false).optional() }))
    .mutation(({ ctx, input }) => updateSpanAnnotation(ctx.db, input, ctx.actor)),
  review: annotatorProcedure
    .input(z.object({ id: z.string().min(1), status: z.enum(['suggested', 'accepted', 'rejected']) }))
    .mutation(({ ctx, input }) => reviewSpanAnnotation(ctx.db, input)),
  delete: annotatorProcedure.input(z.object({ id: z.string().min(1) })).mutation(({ ctx, input }) => deleteSpanAnnotation(ctx.db, input.id, ctx.actor)),
});
