import * as z from 'zod/mini';
import {
  addressService,
  createAddressInputSchema,
  idSchema,
  updateAddressInputSchema,
} from '@shop/core';
import { router, userProcedure } from '../trpc.ts';

/** Every address write carries the account's condition in its transaction (see `trpc.ts`). */
const addressWrite = userProcedure.meta({ auth: 'user', account: 'in-write' });

export const addressesRouter = router({
  list: userProcedure.query(({ ctx }) => ctx.deps.services.get(addressService).list(ctx.user)),
  create: addressWrite
    .input(createAddressInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.services.get(addressService).create(ctx.user, input)),
  update: addressWrite
    .input(updateAddressInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.services.get(addressService).update(ctx.user, input)),
  delete: addressWrite
    .input(z.object({ id: idSchema }))
    .mutation(({ ctx, input }) => ctx.deps.services.get(addressService).delete(ctx.user, input.id)),
});
