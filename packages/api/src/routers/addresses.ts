import * as z from 'zod/mini';
import { createAddressInputSchema, idSchema, updateAddressInputSchema } from '@shop/core';
import { router, userProcedure } from '../trpc.ts';

/** Every address write carries the account's condition in its transaction (see `trpc.ts`). */
const addressWrite = userProcedure.meta({ auth: 'user', account: 'in-write' });

export const addressesRouter = router({
  list: userProcedure.query(({ ctx }) => ctx.deps.services.addresses.list(ctx.user)),
  create: addressWrite
    .input(createAddressInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.services.addresses.create(ctx.user, input)),
  update: addressWrite
    .input(updateAddressInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.services.addresses.update(ctx.user, input)),
  delete: addressWrite
    .input(z.object({ id: idSchema }))
    .mutation(({ ctx, input }) => ctx.deps.services.addresses.delete(ctx.user, input.id)),
});
