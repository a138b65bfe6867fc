import { z } from 'zod';
import { db } from '../../db';
import { aliveRunners } from '../../queue';
import { checkHealth } from '../../services/health';
import { createTRPCRouter, publicProcedure, viewerProcedure } from '../trpc';

export const systemRouter = createTRPCRouter({
  /** Public: load balancers and the runners' start-up check call it signed out. */
  health: publicProcedure.query(() => checkHealth(db)),
  runners: viewerProcedure.query(async () => {
    try {
      return await aliveRunners();
    } catch {
      return [];
    }
  }),
  experiments: viewerProcedure.query(({ ctx }) =>
    ctx.db.experiment.findMany({ orderBy: { createdAt: 'desc' }, include: { _count: { select: { runs: true } } } }),
  ),
  datasets: viewerProcedure.query(({ ctx }) =>
    ctx.db.dataset.findMany({ orderBy: { name: 'asc' }, include: { _count: { select: { clips: true } } } }),
  ),
  clip: viewerProcedure.input(z.object({ id: z.string().min(1) })).query(({ ctx, input }) => ctx.db.clip.findUnique({ where: { id: input.id } })),
});
