import { z } from 'zod';
import { createSpanAnnotation, deleteSpanAnnotation, listSpanAnnotations } from '../../services/span-annotations';
import { annotatorProcedure, createTRPCRouter, viewerProcedure } from '../trpc';

/**
 * Span annotations on captions: annotators (and researchers, admins) write, everyone signed in reads;
 * the author is the signed-in user. Minimal (issue 12 proves the annotator role on it); the annotation
 * UI's fuller router replaces it.
 */
export const annotationRouter = createTRPCRouter({
  list: viewerProcedure.input(z.object({ captionId: z.string().min(1) })).query(({ ctx, input }) => listSpanAnnotations(ctx.db, input.captionId)),
  create: annotatorProcedure
    .input(
      z.object({
        captionId: z.string().min(1),
        start: z.number().int().min(0),
        end: z.number().int().min(1),
        label: z.string().trim().min(1, 'label is required').max(64),
        note: z.string().max(2000).optional(),
      }),
    )
    .mutation(({ ctx, input }) => createSpanAnnotation(ctx.db, input, ctx.actor.userId)),
  delete: annotatorProcedure
    .input(z.object({ id: z.string().min(1) }))
    .mutation(({ ctx, input }) => deleteSpanAnnotation(ctx.db, input.id)),
});
