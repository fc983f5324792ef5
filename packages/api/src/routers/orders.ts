import * as z from 'zod/mini';
import {
  adminListOrdersInputSchema,
  createOrderInputSchema,
  idSchema,
  listOrdersInputSchema,
  updateOrderStatusInputSchema,
} from '@shop/core';
import { adminProcedure, router, userProcedure } from '../trpc.ts';

const byIdInput = z.object({ id: idSchema });

export const ordersRouter = router({
  create: userProcedure
    .meta({ auth: 'user', account: 'in-write' })
    .input(createOrderInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.services.orders.create(ctx.user, input)),
  byId: userProcedure
    .input(byIdInput)
    .query(({ ctx, input }) => ctx.deps.services.orders.byId(ctx.user, input.id)),
  list: userProcedure
    .input(z.optional(listOrdersInputSchema))
    .query(({ ctx, input }) => ctx.deps.services.orders.list(ctx.user, input ?? {})),
  cancel: userProcedure
    .input(byIdInput)
    .mutation(({ ctx, input }) => ctx.deps.services.orders.cancel(ctx.user, input.id)),
  updateStatus: adminProcedure
    .input(updateOrderStatusInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.services.orders.updateStatus(input.id, input.status)),
  adminList: adminProcedure
    .input(z.optional(adminListOrdersInputSchema))
    .query(({ ctx, input }) => ctx.deps.services.orders.adminList(input ?? {})),
});
