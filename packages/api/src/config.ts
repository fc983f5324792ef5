import * as z from 'zod/mini';
import { DEFAULT_CURRENCY, DEFAULT_PAYMENT_TIMEOUT_MINUTES } from '@shop/core';

/**
 * The Lambda's settings, parsed once at start-up from the environment that `handler.ts` (the only
 * module that reads `process.env`) hands over. Everything else receives a `Config`.
 */
const required = z.string().check(z.minLength(1, 'is required'));
const envSchema = z
  .object({
    SHOP_STAGE: required,
    SHOP_TABLE_PREFIX: z.string(),
    COGNITO_USER_POOL_ID: required,
    COGNITO_CLIENT_ID: required,
    AWS_REGION: required,
    DYNAMODB_ENDPOINT: z.optional(z.url()),
    COGNITO_ENDPOINT: z.optional(z.url()),
    /**
     * Key for signing page cursors; see README. Required outside `local` (the stacks provision a
     * generated one); in `local` it falls back to a value derived from the pool.
     */
    SHOP_CURSOR_SECRET: z.optional(z.string().check(z.minLength(16))),
    SHOP_VERSION: z.optional(z.string()),
    SHOP_LOG_LEVEL: z.optional(z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR'])),
    /** ISO 4217 code of every order (contract: default USD). */
    SHOP_CURRENCY: z.optional(
      z.string().check(z.regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 code')),
    ),
    /** Minutes an order may stay unpaid before the sweep cancels it (default 30). */
    SHOP_PAYMENT_TIMEOUT_MINUTES: z.optional(
      z.string().check(z.regex(/^[1-9][0-9]{0,3}$/, 'must be a whole number of minutes, 1–9999')),
    ),
    /** The storefront's origin: the provider's page sends the shopper back to its order page. */
    SHOP_WEB_URL: z.optional(z.url()),
    /** Local only: the Stripe-compatible local server (`http://127.0.0.1:<port>`). */
    STRIPE_API_BASE: z.optional(z.url()),
  })
  .check(
    z.refine(
      (env) => env.SHOP_STAGE === 'local' || (!env.DYNAMODB_ENDPOINT && !env.COGNITO_ENDPOINT),
      'DYNAMODB_ENDPOINT and COGNITO_ENDPOINT are only allowed when SHOP_STAGE is local',
    ),
    z.refine((env) => env.SHOP_STAGE === 'local' || !env.STRIPE_API_BASE, {
      message: 'is only allowed when SHOP_STAGE is local (deployed stages talk to Stripe itself)',
      path: ['STRIPE_API_BASE'],
    }),
    z.refine((env) => env.SHOP_STAGE === 'local' || env.SHOP_CURSOR_SECRET !== undefined, {
      message:
        'is required outside the local stage: without it page cursors could be forged (the stacks provision one)',
      path: ['SHOP_CURSOR_SECRET'],
    }),
  );

export interface Config {
  stage: string;
  isLocal: boolean;
  region: string;
  tablePrefix: string;
  userPoolId: string;
  clientId: string;
  dynamoEndpoint: string | undefined;
  cognitoEndpoint: string | undefined;
  cursorSecret: string;
  version: string;
  /** Powertools Logger level; refused requests log at INFO, failures at ERROR. */
  logLevel: LogLevel;
  currency: string;
  paymentTimeoutMinutes: number;
  /** Where shoppers come back from the payment page; `undefined`: the stage takes no payments. */
  webUrl: string | undefined;
  /** Local only: where the Stripe adapter sends its calls instead of Stripe's own host. */
  stripeApiBase?: string | undefined;
}

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export function loadConfig(env: Record<string, string | undefined>): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues
      .map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`)
      .join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const e = result.data;
  return {
    stage: e.SHOP_STAGE,
    isLocal: e.SHOP_STAGE === 'local',
    region: e.AWS_REGION,
    tablePrefix: e.SHOP_TABLE_PREFIX,
    userPoolId: e.COGNITO_USER_POOL_ID,
    clientId: e.COGNITO_CLIENT_ID,
    dynamoEndpoint: e.DYNAMODB_ENDPOINT,
    cognitoEndpoint: e.COGNITO_ENDPOINT,
    cursorSecret:
      e.SHOP_CURSOR_SECRET ?? `shop-cursor:${e.COGNITO_USER_POOL_ID}:${e.SHOP_TABLE_PREFIX}`,
    version: e.SHOP_VERSION ?? '0.1.0',
    logLevel: e.SHOP_LOG_LEVEL ?? 'INFO',
    currency: (e.SHOP_CURRENCY ?? DEFAULT_CURRENCY).toUpperCase(),
    paymentTimeoutMinutes: e.SHOP_PAYMENT_TIMEOUT_MINUTES
      ? Number(e.SHOP_PAYMENT_TIMEOUT_MINUTES)
      : DEFAULT_PAYMENT_TIMEOUT_MINUTES,
    webUrl: e.SHOP_WEB_URL ?? (e.SHOP_STAGE === 'local' ? 'http://localhost:5173' : undefined),
    stripeApiBase: e.STRIPE_API_BASE,
  };
}
