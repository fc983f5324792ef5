import * as z from 'zod/mini';
import {
  createProductInputSchema,
  idSchema,
  listProductsInputSchema,
  updateProductInputSchema,
} from '@shop/core';
import { adminProcedure, publicProcedure, router } from '../trpc.ts';

const byIdInput = z.object({ id: idSchema });

export const productsRouter = router({
  list: publicProcedure
    .input(z.optional(listProductsInputSchema))
    .query(({ ctx, input }) => ctx.deps.services.products.list(input ?? {})),
  byId: publicProcedure
    .input(byIdInput)
    .query(({ ctx, input }) => ctx.deps.services.products.byId(input.id)),
  create: adminProcedure
    .input(createProductInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.services.products.create(input)),
  update: adminProcedure
    .input(updateProductInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.services.products.update(input)),
  delete: adminProcedure
    .input(byIdInput)
    .mutation(({ ctx, input }) => ctx.deps.services.products.delete(input.id)),
});
