/** What every part of the bench shares: the variants, paths, logging and small statistics. */
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..');
export const PREFIX = 'bench-';
/** The shop's cursor key in every variant's environment and the bench's own services. */
export const CURSOR_SECRET = 'bench-secret-0123456789';

/** Measured side by side in every table and the chart, in this order. */
export const VARIANTS = ['shop', 'bare', 'hono', 'typical-trpc'] as const;
export type Variant = (typeof VARIANTS)[number];

export const ENTRIES: Record<Variant, string> = {
  shop: join(ROOT, 'packages/api/src/handler.ts'),
  bare: join(ROOT, 'bench/baselines/bare.ts'),
  hono: join(ROOT, 'bench/baselines/hono.ts'),
  'typical-trpc': join(ROOT, 'bench/baselines/typical-trpc.ts'),
};

/** One value per variant. */
export type PerVariant<T> = Record<Variant, T>;
export const perVariant = <T>(make: (variant: Variant) => T): PerVariant<T> =>
  Object.fromEntries(VARIANTS.map((v) => [v, make(v)])) as PerVariant<T>;

const started = Date.now();
export const elapsedSeconds = () => (Date.now() - started) / 1000;
export const step = (message: string) =>
  console.log(`[bench +${elapsedSeconds().toFixed(1)}s] ${message}`);

export const round = (n: number, digits = 1) => Number(n.toFixed(digits));

/** The `p`-th percentile (0..100) by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The environment every bundled variant runs with (the shop in its `local` stage). */
export function variantEnv(
  dynamoEndpoint: string,
  cognito?: { endpoint: string; userPoolId: string; clientId: string },
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SHOP_STAGE: 'local',
    SHOP_TABLE_PREFIX: PREFIX,
    SHOP_CURSOR_SECRET: CURSOR_SECRET,
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    // Without cognito-local: never contacted by products.* (the shop loads its verifier lazily).
    COGNITO_ENDPOINT: cognito?.endpoint ?? 'http://127.0.0.1:9',
    // aws-jwt-verify (eager in typical-trpc) insists on a `<region>_<id>` pool id.
    COGNITO_USER_POOL_ID: cognito?.userPoolId ?? 'us-east-1_bench',
    COGNITO_CLIENT_ID: cognito?.clientId ?? 'bench',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  };
}
