import { randomBytes } from 'node:crypto';
import { createDeps } from './deps.ts';
import { loadConfig } from './config.ts';
import type { Deps } from './context.ts';
import type { ProviderFactory } from './payments.ts';
import { paymentSecretsFrom } from './secrets.ts';

/**
 * The dependencies of a Lambda entry (`handler.ts`, `webhook.ts`, `sweep.ts`), from the
 * environment the entry hands over. Makes no network call.
 */
export function depsFromEnvironment(
  env: Record<string, string | undefined>,
  { signsCursors = true } = {},
): Deps {
  // The webhook and the sweep never hand out a page cursor: they need no shared signing key.
  const config = signsCursors
    ? loadConfig(env)
    : loadConfig({ SHOP_CURSOR_SECRET: randomBytes(32).toString('base64url'), ...env });
  return createDeps(config, undefined, {
    secrets: paymentSecretsFrom(env),
    factory: stripeProviderFactory,
  });
}

/**
 * The one production provider: the Stripe adapter with the stage's secrets. Deployed it talks to
 * Stripe's own host (the SDK's default); in the `local` stage only, `config.stripeApiBase` points
 * it at the Stripe-compatible local server (`loadConfig` refuses that variable elsewhere).
 */
export const stripeProviderFactory: ProviderFactory = async (secrets, config) => {
  if (config.stripeApiBase && !config.isLocal) {
    throw new Error('STRIPE_API_BASE is only allowed when SHOP_STAGE is local');
  }
  const base = config.stripeApiBase ? new URL(config.stripeApiBase) : undefined;
  // Loaded on first payment call, not at import: the `stripe` SDK stays off the cold start.
  const { createStripeProvider } = await import('@shop/core/payments/stripe');
  return createStripeProvider({
    secretKey: secrets.secretKey,
    // A function without the webhook secret (the handler, the sweep) never verifies an event.
    webhookSecret: secrets.webhookSecret ?? '',
    ...(base
      ? {
          host: base.hostname,
          port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
          protocol: base.protocol === 'https:' ? ('https' as const) : ('http' as const),
        }
      : {}),
  });
};
