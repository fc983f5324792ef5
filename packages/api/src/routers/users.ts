import * as z from 'zod/mini';
import { TRPCError } from '@trpc/server';
import {
  adminListInputSchema,
  changePasswordInputSchema,
  confirmForgotPasswordInputSchema,
  confirmSignUpInputSchema,
  deleteMeInputSchema,
  forgotPasswordInputSchema,
  idSchema,
  loginInputSchema,
  refreshInputSchema,
  setAdminInputSchema,
  signUpInputSchema,
  updateMeInputSchema,
  userService,
} from '@shop/core';
import { adminProcedure, publicProcedure, router, userProcedure } from '../trpc.ts';

/**
 * Every procedure is one call of `UserService` (which holds Cognito). The unauthenticated ones
 * pass the caller's address (`ctx.viewer`) on to Cognito.
 */
export const usersRouter = router({
  signUp: publicProcedure
    .input(signUpInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.services.get(userService).signUp(input, ctx.viewer)),
  confirmSignUp: publicProcedure
    .input(confirmSignUpInputSchema)
    .mutation(({ ctx, input }) =>
      ctx.deps.services.get(userService).confirmSignUp(input, ctx.viewer),
    ),
  login: publicProcedure
    .input(loginInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.services.get(userService).login(input, ctx.viewer)),
  refresh: publicProcedure
    .input(refreshInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.services.get(userService).refresh(input, ctx.viewer)),
  logout: userProcedure
    .input(refreshInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.services.get(userService).logout(ctx.user, input)),
  forgotPassword: publicProcedure
    .input(forgotPasswordInputSchema)
    .mutation(({ ctx, input }) =>
      ctx.deps.services.get(userService).forgotPassword(input, ctx.viewer),
    ),
  confirmForgotPassword: publicProcedure
    .input(confirmForgotPasswordInputSchema)
    .mutation(({ ctx, input }) =>
      ctx.deps.services.get(userService).confirmForgotPassword(input, ctx.viewer),
    ),
  changePassword: userProcedure.input(changePasswordInputSchema).mutation(({ ctx, input }) => {
    if (!ctx.accessToken) {
      throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to do this' });
    }
    return ctx.deps.services.get(userService).changePassword(ctx.user, ctx.accessToken, input);
  }),
  me: userProcedure.query(({ ctx }) => ctx.deps.services.get(userService).me(ctx.user)),
  updateMe: userProcedure
    .input(updateMeInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.services.get(userService).updateMe(ctx.user, input)),
  deleteMe: userProcedure
    .meta({ auth: 'user', account: 'deleted-ok' })
    .input(deleteMeInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.services.get(userService).deleteMe(ctx.user, input)),
  byId: userProcedure
    .input(z.object({ id: idSchema }))
    .query(({ ctx, input }) => ctx.deps.services.get(userService).byId(ctx.user, input.id)),
  adminList: adminProcedure
    .input(adminListInputSchema)
    .query(({ ctx, input }) => ctx.deps.services.get(userService).adminList(input ?? {})),
  setAdmin: adminProcedure
    .input(setAdminInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.services.get(userService).setAdmin(ctx.user, input)),
});
