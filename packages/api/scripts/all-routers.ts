import { appRouter, type AppRouter } from '../src/root.ts';

/**
 * `appRouter` with every lazy router loaded, for what walks the whole procedure table (the API
 * docs, the validation test). Reads tRPC's router internals, so it lives here, off the request path.
 */
export async function loadAllRouters(): Promise<AppRouter> {
  for (let pending = Object.values(appRouter._def.lazy); pending.length > 0;) {
    // One at a time, in declaration order: each router joins `_def.record` as it loads, and the
    // docs list them in that order.
    for (const loader of pending) await loader.load();
    pending = Object.values(appRouter._def.lazy);
  }
  return appRouter;
}
