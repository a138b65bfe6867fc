import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { createApiToken, listApiTokens, revokeApiToken } from '../../services/tokens';
import { createTRPCRouter, viewerProcedure } from '../trpc';

function ownerId(userId: string | null): string {
  if (!userId) throw new TRPCError({ code: 'BAD_REQUEST', message: 'personal API tokens need accounts (AUTH_MODE=open has no users)' });
  return userId;
}

/**
 * Personal API tokens (`Authorization: Bearer vcp_…`, $VIDEOCAP_API_TOKEN for the CLI): each user
 * manages their own on /account; a token acts with its owner's role. Admins may list and revoke anyone's.
 */
export const apiTokenRouter = createTRPCRouter({
  list: viewerProcedure
    .input(z.object({ all: z.boolean().default(false) }).default({ all: false }))
    .query(({ ctx, input }) => listApiTokens(ctx.db, input.all && ctx.actor.role === 'admin' ? null : ownerId(ctx.actor.userId))),
  /** Returns the secret once (`token`); only its SHA-256 is stored. */
  create: viewerProcedure
    .input(z.object({ name: z.string().trim().min(1, 'name is required').max(100), expiresInDays: z.number().int().min(1).max(3650).nullish() }))
    .mutation(({ ctx, input }) => createApiToken(ctx.db, ownerId(ctx.actor.userId), input)),
  revoke: viewerProcedure
    .input(z.object({ id: z.string().min(1) }))
    .mutation(({ ctx, input }) => revokeApiToken(ctx.db, input.id, ctx.actor.role === 'admin' ? null : ownerId(ctx.actor.userId))),
});
