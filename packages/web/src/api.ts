/**
 * One tRPC client, one session and one QueryClient for the whole app. The session keeps the
 * tokens in localStorage, attaches the access token and refreshes it (see @shop/client).
 */
import { QueryClient } from '@tanstack/react-query';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { jwtDecode } from 'jwt-decode';
import { useSyncExternalStore } from 'react';
import { ADMIN_GROUP, ORDER_STATUSES as CORE_ORDER_STATUSES } from '@shop/core/browser';
import {
  createSession,
  createShopClient,
  isShopClientError,
  localStorageAdapter,
  type AppRouter,
  type RouterOutputs,
  type SessionTokens,
} from '@shop/client';

// `/api` on the page's own origin (the deployed edge, `pnpm local`); `sst dev` binds the URL.
export const API_URL = (import.meta.env.VITE_API_URL || '/api').replace(/\/$/, '');

export type Product = RouterOutputs['products']['byId'];
/** A product in a public listing: `soldOut` instead of the exact stock (contract v3.1). */
export type ListedProduct = RouterOutputs['products']['list']['items'][number];
export type Order = RouterOutputs['orders']['byId'];
export type OrderSummary = RouterOutputs['orders']['list']['items'][number];
export type Address = RouterOutputs['addresses']['list'][number];
export type User = RouterOutputs['users']['me'];
export type OrderStatus = Order['status'];
export type PaymentStatus = Order['payment']['status'];
export type RouterQuote = RouterOutputs['orders']['quote'];
export const ORDER_STATUSES: readonly OrderStatus[] = CORE_ORDER_STATUSES;

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

/** Every list procedure pages the same way: the next page starts at `nextCursor`, until null. */
export const cursorPaging = {
  getNextPageParam: (page: { nextCursor: string | null }) => page.nextCursor ?? undefined,
};

let signOutListener: ((reason: string) => void) | undefined;
/** The router registers where to go when the session ends (a refused refresh token). */
export function onSessionEnd(listener: (reason: string) => void) {
  signOutListener = listener;
}

export const session = createSession({
  storage: localStorageAdapter('shop.session'),
  onSignOut: (reason) => signOutListener?.(reason),
});

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      // The session link already retried once after UNAUTHORIZED or a network failure.
      retry: (count, error) => count < 1 && !(isShopClientError(error) && error.data?.httpStatus),
      refetchOnWindowFocus: false,
    },
  },
});

export const trpcClient = createShopClient({ url: API_URL, session });

/** The access token's claims, decoded for DISPLAY only: the API checks the signature. */
function tokenClaims(token: string | null | undefined): Record<string, unknown> | null {
  if (!token) return null;
  try {
    return jwtDecode<Record<string, unknown>>(token);
  } catch {
    return null;
  }
}

export interface Auth {
  signedIn: boolean;
  /** The signed-in user's id (the access token's `sub`), or `null`. */
  userId: string | null;
  isAdmin: boolean;
  tokens: SessionTokens | null;
}

/**
 * Where a deliberate sign-out (or a deleted account) goes: the route guard sends there instead of
 * to the sign-in page. Forgotten at the next sign-in.
 */
let leavingTo: string | null = null;
export const leaveTo = (path: string) => void (leavingTo = path);
export const leavingPath = () => leavingTo;

let lastTokens: SessionTokens | null | undefined;
let lastAuth: Auth = { signedIn: false, userId: null, isAdmin: false, tokens: null };
function authSnapshot(): Auth {
  const tokens = session.tokens;
  if (tokens !== lastTokens) {
    lastTokens = tokens;
    if (tokens) leavingTo = null;
    const claims = tokenClaims(tokens?.accessToken);
    const groups = claims?.['cognito:groups'];
    lastAuth = {
      signedIn: tokens !== null,
      userId: typeof claims?.sub === 'string' ? claims.sub : null,
      isAdmin: Array.isArray(groups) && groups.includes(ADMIN_GROUP),
      tokens,
    };
  }
  return lastAuth;
}

/** Who is signed in, re-rendering on every token change (sign in, refresh, sign out). */
export function useAuth(): Auth {
  return useSyncExternalStore((listener) => session.subscribe(listener), authSnapshot);
}

/** Signs out: revokes the refresh token (best effort), forgets the tokens and cached data. */
export async function signOut() {
  const refreshToken = session.tokens?.refreshToken;
  if (refreshToken) await trpcClient.users.logout.mutate({ refreshToken }).catch(() => undefined);
  leaveTo('/');
  session.signOut();
  queryClient.clear();
}

/**
 * Cents to a price string as `Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' })`
 * writes it (1999 → "$19.99", 123456 → "$1,234.56"; test/money.test.ts checks every case against
 * it). Written out because a page's first `Intl` object sets up ICU: 40–70 ms of main thread on
 * this machine, four times that on Lighthouse's phone, on the catalogue's critical path.
 */
export function money(cents: number): string {
  const whole = Math.abs(Math.round(cents));
  const dollars = String(Math.floor(whole / 100)).replace(/\B(?=(\d{3})+$)/g, ',');
  return `${cents < 0 && whole > 0 ? '-' : ''}$${dollars}.${String(whole % 100).padStart(2, '0')}`;
}

/** Field messages from `error.data.validation`, keyed by the path's first element. */
export function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isShopClientError(error)) return out;
  for (const issue of error.data?.validation ?? []) {
    const key = issue.path.map(String).join('.') || '_';
    out[key] ??= issue.message;
    const first = String(issue.path[0] ?? '_');
    out[first] ??= issue.message;
  }
  return out;
}

/** A sentence for an error, in plain words: never "Failed to fetch" or a status code. */
export function errorMessage(error: unknown): string {
  if (isShopClientError(error)) {
    const status = error.data?.httpStatus;
    if (!status) return 'We could not reach the shop. Check your connection, then try again.';
    if (error.data?.validation?.length) return 'Please correct the fields marked below.';
    if (error.data?.code === 'UNAUTHORIZED') return error.message || 'Please sign in.';
    if (status >= 500) return 'Something went wrong on our side. Please try again in a moment.';
    return error.message;
  }
  if (error instanceof TypeError) {
    return 'We could not reach the shop. Check your connection, then try again.';
  }
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

/** True when the API refused a stale `expectedTotal` (a price changed since the shopper saw it). */
export const isPreconditionFailed = (error: unknown) =>
  isShopClientError(error) && error.data?.code === 'PRECONDITION_FAILED';

/** True when the API answered "not found" (a deleted product, a mistyped order link). */
export const isNotFound = (error: unknown) =>
  isShopClientError(error) && error.data?.code === 'NOT_FOUND';

/** Every failed query on screen, fetched again: one "Try again" recovers the whole page. */
export function retryFailed() {
  return queryClient.refetchQueries({
    type: 'active',
    predicate: (query) => query.state.status === 'error',
  });
}
