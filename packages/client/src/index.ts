import {
  createTRPCClient,
  httpBatchLink,
  httpBatchStreamLink,
  httpLink,
  TRPCClientError,
  type TRPCLink,
} from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
// Generated from the server's router at build time: plain types, no server module.
import type { AppRouter, ShopErrorShape } from './generated/app-router.ts';
import { sessionLink } from './link.ts';
import { withPayloadHash } from './payload-hash.ts';
import type { Session } from './session.ts';

export type { AppRouter, ShopErrorShape };
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
/** Every error a call rejects with; `error.data?.validation` lists field errors of BAD_REQUEST. */
export type ShopClientError = TRPCClientError<AppRouter>;
/** `error.data` of a `ShopClientError`: `code`, `httpStatus`, `path`, `validation`. */
export type ShopErrorData = ShopErrorShape['data'];
export { TRPCClientError };
export { isSafeToRetry, sessionLink } from './link.ts';
export { PAYLOAD_HASH_HEADER, sha256Hex, withPayloadHash } from './payload-hash.ts';
export {
  createSession,
  localStorageAdapter,
  memoryStorage,
  type RefreshedTokens,
  type Refresher,
  type Session,
  type SessionOptions,
  type SessionStorage,
  type SessionTokens,
  type SignInTokens,
  type SignOutReason,
} from './session.ts';

/** Narrows an unknown error to the API's error type. */
export function isShopClientError(error: unknown): error is ShopClientError {
  return error instanceof TRPCClientError;
}

/**
 * The server refuses batches above its `maxBatchSize` (10); a test keeps the two equal. This is a
 * copy, not an import, so that no server module reaches a client bundle.
 */
export const MAX_BATCH_ITEMS = 10;

export interface ShopClientOptions {
  /**
   * The API: `https://<site>/api` deployed (the site itself uses `/api`), `http://127.0.0.1:3000`
   * for `pnpm local`'s API port, or the dev stage's function URL under `sst dev`.
   */
  url: string;
  /**
   * `'batch'` (default): calls made in the same tick go in one request, answered at once.
   * `'stream'`: the same batches, each answer streamed as soon as it is ready.
   */
  link?: 'batch' | 'stream';
  /** Attaches the bearer token, refreshes it and retries as `createSession` describes. */
  session?: Session;
  /** Without a session: returns the access token to send, called per request. */
  getToken?: () => string | null | undefined | Promise<string | null | undefined>;
  /**
   * A custom fetch (tests, older runtimes); defaults to the global one. Either way every POST of
   * every link carries `x-amz-content-sha256`, the body hash the deployed edge requires.
   */
  fetch?: typeof globalThis.fetch;
}

/** A typed client for every procedure of the shop API. */
export function createShopClient({
  url,
  link = 'batch',
  session,
  getToken,
  fetch: givenFetch,
}: ShopClientOptions) {
  const fetch = withPayloadHash(givenFetch);
  const http = {
    url,
    maxItems: MAX_BATCH_ITEMS,
    fetch,
    async headers(): Promise<Record<string, string>> {
      const token = session ? session.accessToken : await getToken?.();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
  };
  const links: TRPCLink<AppRouter>[] = [];
  if (session) {
    // Refreshes go alone, unbatched and without the session link: nothing waits on itself.
    const refresher = createTRPCClient<AppRouter>({
      links: [httpLink({ url, fetch })],
    });
    session.attach((refreshToken) => refresher.users.refresh.mutate({ refreshToken }));
    links.push(sessionLink(session));
  }
  links.push(
    link === 'stream' ? httpBatchStreamLink<AppRouter>(http) : httpBatchLink<AppRouter>(http),
  );
  return createTRPCClient<AppRouter>({ links });
}

export type ShopClient = ReturnType<typeof createShopClient>;
