import { healthProcedure } from './routers/health.ts';
import { addressesRouter } from './routers/addresses.ts';
import { ordersRouter } from './routers/orders.ts';
import { productsRouter } from './routers/products.ts';
import { usersRouter } from './routers/users.ts';
import { createCallerFactory, router } from './trpc.ts';

export const appRouter = router({
  health: healthProcedure,
  users: usersRouter,
  products: productsRouter,
  addresses: addressesRouter,
  orders: ordersRouter,
});

export type AppRouter = typeof appRouter;

/** `createCaller(ctx)` runs procedures in-process, as tests and scripts do. */
export const createCaller = createCallerFactory(appRouter);
