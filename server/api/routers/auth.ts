import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { auth } from '../../auth/auth';
import { authMode, resolveActor } from '../../auth/actor';
import { assertSameOrigin } from '../../auth/csrf';
import { UnauthorizedError } from '../../services/errors';
import { countUsers, passwordSchema, setupFirstAdmin, usernameSchema } from '../../services/users';
import { createTRPCRouter, publicProcedure } from '../trpc';

export const authRouter = createTRPCRouter({
  /**
   * Public: the auth mode, whether the first admin still has to be created, and who is signed in
   * (null when nobody). The UI uses it to show the open-mode banner, the setup page and role-aware controls.
   */
  session: publicProcedure.query(async ({ ctx }) => {
    const mode = authMode();
    let actor = null;
    try {
      actor = ctx.actor !== undefined ? ctx.actor : await resolveActor(ctx.headers, { db: ctx.db });
    } catch (e) {
      if (!(e instanceof UnauthorizedError)) throw e;
    }
    const needsSetup = mode === 'accounts' && !actor && (await countUsers(ctx.db)) === 0;
    const user = actor ? { userId: actor.userId, name: actor.name, username: actor.username, role: actor.role, via: actor.via } : null;
    return { mode, needsSetup, user };
  }),
  /**
   * Public, and only while no user exists: create the first admin (409 afterwards). The browser then
   * signs in through Better Auth with the same user name and password.
   */
  setup: publicProcedure
    .input(
      z.object({
        username: usernameSchema,
        name: z.string().trim().max(200).optional(),
        email: z.union([z.literal(''), z.email('must be an email address')]).optional(),
        password: passwordSchema,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      if (authMode() === 'open') throw new TRPCError({ code: 'BAD_REQUEST', message: 'AUTH_MODE=open has no accounts; unset it to use accounts' });
      try {
        assertSameOrigin(ctx.headers, { requireOrigin: false });
      } catch (e) {
        throw new TRPCError({ code: 'FORBIDDEN', message: e instanceof Error ? e.message : String(e) });
      }
      const user = await setupFirstAdmin(ctx.db, auth(), input);
      return { id: user.id, username: user.username };
    }),
});
