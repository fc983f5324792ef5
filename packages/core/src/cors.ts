/**
 * The browser-facing CORS policy of the API, shared by the deployed function URL (`stacks/Api.ts`)
 * and the offline runtime (`pnpm local`), so that both answer a browser alike.
 *
 * Plain data only: this module is imported by the stacks, the Lambda bundle and the local runtime.
 */

/** Methods tRPC uses: GET for queries, POST for mutations and batches. */
export const CORS_ALLOW_METHODS = ['GET', 'POST'] as const;

/**
 * Request headers a browser may send cross-origin, lower-case. Every header `@trpc/client`'s
 * links set: `content-type` (POST bodies), `trpc-accept` (httpBatchStreamLink's
 * `application/jsonl`), `last-event-id` (httpSubscriptionLink resuming through an EventSource
 * ponyfill), plus our `authorization` bearer token and the conventional `x-trpc-source` that apps
 * commonly add in `headers()` to tag their calls, and `x-amz-content-sha256`, which `@shop/client`
 * sends on every POST for the deployed edge.
 */
export const CORS_ALLOW_HEADERS = [
  'authorization',
  'content-type',
  'trpc-accept',
  'last-event-id',
  'x-trpc-source',
  // The body hash the deployed edge requires on POST (origin access control for Lambda).
  'x-amz-content-sha256',
] as const;

/** Response headers a browser script may read besides the CORS-safelisted ones. */
export const CORS_EXPOSE_HEADERS = ['x-amzn-requestid'] as const;

/** How long a browser may cache a preflight answer: one day, the function URL maximum. */
export const CORS_MAX_AGE_SECONDS = 86_400;

/** The origins of the dev servers (the API itself on 3000, Vite on 5173), by both local names. */
export const DEV_CORS_ORIGINS = [
  'http://localhost:3000',
  'http://localhost:5173',
  'http://127.0.0.1:3000',
  'http://127.0.0.1:5173',
] as const;

/**
 * Browser origins allowed to call the API: named ones only, and always named on `prod`.
 * `configured` is a comma-separated list (`SHOP_CORS_ORIGINS`); without it, non-prod stages
 * allow the dev servers.
 */
export function corsOrigins(stage: string, configured: string | undefined): string[] {
  const origins = (configured ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (origins.includes('*')) throw new Error('SHOP_CORS_ORIGINS must name origins, not "*"');
  if (origins.length > 0) return origins;
  if (stage === 'prod') {
    throw new Error('Set SHOP_CORS_ORIGINS (comma-separated origins) to deploy the prod stage');
  }
  return [...DEV_CORS_ORIGINS];
}

/** Everything a function URL's CORS configuration holds, as applied to requests. */
export interface CorsPolicy {
  allowOrigins: readonly string[];
  allowMethods: readonly string[];
  allowHeaders: readonly string[];
  exposeHeaders: readonly string[];
  maxAgeSeconds: number;
}

/** The policy of a stage: its origins with the shared methods, headers and max-age. */
export function corsPolicy(stage: string, configured: string | undefined): CorsPolicy {
  return {
    allowOrigins: corsOrigins(stage, configured),
    allowMethods: CORS_ALLOW_METHODS,
    allowHeaders: CORS_ALLOW_HEADERS,
    exposeHeaders: CORS_EXPOSE_HEADERS,
    maxAgeSeconds: CORS_MAX_AGE_SECONDS,
  };
}
