import * as z from 'zod/mini';
import { createAddressInputSchema, idSchema, updateAddressInputSchema } from '@shop/core';
import { router, userProcedure } from '../trpc.ts';

export const addressesRouter = router({
  list: userProcedure.query(({ ctx }) => ctx.deps.services.addresses.list(ctx.user)),
  create: userProcedure
    .input(createAddressInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.services.addresses.create(ctx.user, input)),
  update: userProcedure
    .input(updateAddressInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.services.addresses.update(ctx.user, input)),
  delete: userProcedure
    .input(z.object({ id: idSchema }))
    .mutation(({ ctx, input }) => ctx.deps.services.addresses.delete(ctx.user, input.id)),
});
