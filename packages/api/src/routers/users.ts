import * as z from 'zod/mini';
import {
  confirmSignUpInputSchema,
  idSchema,
  loginInputSchema,
  refreshInputSchema,
  signUpInputSchema,
  updateMeInputSchema,
} from '@shop/core';
import { publicProcedure, router, userProcedure } from '../trpc.ts';

export const usersRouter = router({
  signUp: publicProcedure
    .input(signUpInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.services.users.signUp(ctx.deps.identity, input)),
  confirmSignUp: publicProcedure
    .input(confirmSignUpInputSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.deps.identity.confirmSignUp(input.email, input.code);
      return { confirmed: true as const };
    }),
  login: publicProcedure
    .input(loginInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.identity.login(input.email, input.password)),
  refresh: publicProcedure
    .input(refreshInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.identity.refresh(input.refreshToken)),
  logout: userProcedure.input(refreshInputSchema).mutation(async ({ ctx, input }) => {
    await ctx.deps.identity.logout(input.refreshToken);
    return { ok: true as const };
  }),
  me: userProcedure.query(({ ctx }) => ctx.deps.services.users.me(ctx.user)),
  updateMe: userProcedure
    .input(updateMeInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.services.users.updateMe(ctx.user, input)),
  byId: userProcedure
    .input(z.object({ id: idSchema }))
    .query(({ ctx, input }) => ctx.deps.services.users.byId(ctx.user, input.id)),
});
