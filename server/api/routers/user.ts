import { z } from 'zod';
import { ROLES } from '../../../core/roles';
import { auth } from '../../auth/auth';
import { createUser, listUsers, newUserSchema, passwordSchema, resetPassword, setDisabled, setRole, userDirectory } from '../../services/users';
import { adminProcedure, createTRPCRouter, viewerProcedure } from '../trpc';

/** Users and roles (admin page /admin/users); `directory` gives everyone the names for the owner filter. */
export const userRouter = createTRPCRouter({
  directory: viewerProcedure.query(({ ctx }) => userDirectory(ctx.db)),
  list: adminProcedure.query(({ ctx }) => listUsers(ctx.db)),
  create: adminProcedure.input(newUserSchema).mutation(({ ctx, input }) => createUser(ctx.db, auth(), input)),
  setRole: adminProcedure.input(z.object({ userId: z.string().min(1), role: z.enum(ROLES) })).mutation(({ ctx, input }) => setRole(ctx.db, input.userId, input.role)),
  setDisabled: adminProcedure
    .input(z.object({ userId: z.string().min(1), disabled: z.boolean() }))
    .mutation(({ ctx, input }) => setDisabled(ctx.db, input.userId, input.disabled, ctx.actor.userId)),
  resetPassword: adminProcedure
    .input(z.object({ userId: z.string().min(1), password: passwordSchema }))
    .mutation(({ ctx, input }) => resetPassword(ctx.db, auth(), input.userId, input.password)),
});
