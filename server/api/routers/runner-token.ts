import { z } from 'zod';
import { createRunnerToken, listRunnerTokens, revokeRunnerToken } from '../../services/tokens';
import { adminProcedure, createTRPCRouter } from '../trpc';

/** Runner tokens for the ingest API (admin page /admin/runners): add a GPU node from the browser. */
export const runnerTokenRouter = createTRPCRouter({
  list: adminProcedure.query(({ ctx }) => listRunnerTokens(ctx.db)),
  /** Returns the secret once (`token`) for VIDEOCAP_RUNNER_TOKEN on the new node. */
  create: adminProcedure.input(z.object({ name: z.string().trim().min(1, 'name is required').max(100) })).mutation(({ ctx, input }) => createRunnerToken(ctx.db, input.name)),
  revoke: adminProcedure.input(z.object({ id: z.string().min(1) })).mutation(({ ctx, input }) => revokeRunnerToken(ctx.db, input.id)),
});
