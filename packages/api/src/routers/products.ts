import * as z from 'zod/mini';
import {
  adjustStockInputSchema,
  adminListProductsInputSchema,
  createProductInputSchema,
  idSchema,
  listProductsInputSchema,
  productService,
  searchProductsInputSchema,
  updateProductInputSchema,
} from '@shop/core';
import { adminProcedure, publicProcedure, router } from '../trpc.ts';

const byIdInput = z.object({ id: idSchema });

export const productsRouter = router({
  list: publicProcedure
    .input(z.optional(listProductsInputSchema))
    .query(({ ctx, input }) => ctx.deps.services.get(productService).list(input ?? {})),
  search: publicProcedure
    .input(searchProductsInputSchema)
    .query(({ ctx, input }) => ctx.deps.services.get(productService).search(input)),
  categories: publicProcedure.query(({ ctx }) =>
    ctx.deps.services.get(productService).categories(),
  ),
  adminList: adminProcedure
    .input(adminListProductsInputSchema)
    .query(({ ctx, input }) => ctx.deps.services.get(productService).adminList(input)),
  byId: publicProcedure
    .input(byIdInput)
    .query(({ ctx, input }) => ctx.deps.services.get(productService).byId(input.id)),
  create: adminProcedure
    .input(createProductInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.services.get(productService).create(input)),
  update: adminProcedure
    .input(updateProductInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.services.get(productService).update(input)),
  adjustStock: adminProcedure
    .input(adjustStockInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.services.get(productService).adjustStock(input)),
  delete: adminProcedure
    .input(byIdInput)
    .mutation(({ ctx, input }) => ctx.deps.services.get(productService).delete(input.id)),
});
