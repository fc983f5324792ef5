import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
// Type-only: a frontend bundle gets the router's types and none of its code.
import type { AppRouter } from '@shop/api';

export type { AppRouter };
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export { TRPCClientError };

/**
 * The server refuses batches above its `maxBatchSize` (10); a test keeps the two equal. This is a
 * copy, not an import, so that no server module reaches a client bundle.
 */
export const MAX_BATCH_ITEMS = 10;

export interface ShopClientOptions {
  /** The function URL (or `http://127.0.0.1:3000` for `pnpm local`). */
  url: string;
  /** Returns the current access token, or nothing for anonymous calls. Called per request. */
  getToken?: () => string | null | undefined | Promise<string | null | undefined>;
  /** A custom fetch (tests, older runtimes); defaults to the global one. */
  fetch?: typeof globalThis.fetch;
}

/** A typed client for every procedure of the shop API. */
export function createShopClient({ url, getToken, fetch }: ShopClientOptions) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url,
        maxItems: MAX_BATCH_ITEMS,
        ...(fetch ? { fetch } : {}),
        async headers() {
          const token = await getToken?.();
          return token ? { authorization: `Bearer ${token}` } : {};
        },
      }),
    ],
  });
}

export type ShopClient = ReturnType<typeof createShopClient>;
