import * as z from 'zod/mini';
import {
  adminListOrdersInputSchema,
  createOrderInputSchema,
  idSchema,
  listOrdersInputSchema,
  orderService,
  paymentService,
  quoteInputSchema,
  updateOrderStatusInputSchema,
} from '@shop/core';
import { adminProcedure, publicProcedure, router, userProcedure } from '../trpc.ts';

const byIdInput = z.object({ id: idSchema });

export const ordersRouter = router({
  quote: publicProcedure
    .input(quoteInputSchema)
    .query(({ ctx, input }) => ctx.deps.services.get(orderService).quote(input)),
  create: userProcedure
    .meta({ auth: 'user', account: 'in-write' })
    .input(createOrderInputSchema)
    .mutation(({ ctx, input }) => ctx.deps.services.get(orderService).create(ctx.user, input)),
  byId: userProcedure
    .input(byIdInput)
    .query(({ ctx, input }) => ctx.deps.services.get(orderService).byId(ctx.user, input.id)),
  list: userProcedure
    .input(z.optional(listOrdersInputSchema))
    .query(({ ctx, input }) => ctx.deps.services.get(orderService).list(ctx.user, input ?? {})),
  pay: userProcedure
    .input(byIdInput)
    .mutation(({ ctx, input }) => ctx.deps.services.get(paymentService).pay(ctx.user, input.id)),
  cancel: userProcedure
    .input(byIdInput)
    .mutation(({ ctx, input }) => ctx.deps.services.get(orderService).cancel(ctx.user, input.id)),
  updateStatus: adminProcedure
    .input(updateOrderStatusInputSchema)
    .mutation(({ ctx, input }) =>
      ctx.deps.services.get(orderService).updateStatus(ctx.user, input.id, input.status),
    ),
  adminList: adminProcedure
    .input(z.optional(adminListOrdersInputSchema))
    .query(({ ctx, input }) =>
      ctx.deps.services.get(orderService).adminList(ctx.user, input ?? {}),
    ),
});
