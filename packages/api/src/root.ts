import { healthProcedure } from './routers/health.ts';
import { createCallerFactory, lazy, router } from './trpc.ts';

/**
 * Each entity's router (its procedures, input schemas and the core modules behind them) is
 * loaded on the first call that needs it: a cold start that answers `products.list` builds the
 * products router only (tRPC's `lazy`; the bundle puts each in a chunk of its own).
 */
export const appRouter = router({
  health: healthProcedure,
  users: lazy(() => import('./routers/users.ts').then((m) => m.usersRouter)),
  products: lazy(() => import('./routers/products.ts').then((m) => m.productsRouter)),
  addresses: lazy(() => import('./routers/addresses.ts').then((m) => m.addressesRouter)),
  orders: lazy(() => import('./routers/orders.ts').then((m) => m.ordersRouter)),
});

export type AppRouter = typeof appRouter;

/** `createCaller(ctx)` runs procedures in-process, as tests and scripts do. */
export const createCaller = createCallerFactory(appRouter);
