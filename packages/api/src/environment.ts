import { randomBytes } from 'node:crypto';
import { createDeps } from './deps.ts';
import { loadConfig } from './config.ts';
import type { Deps } from './context.ts';
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
    // The Stripe adapter's factory plugs in here (it lands beside the port, core/payments/stripe.ts).
    factory: undefined,
  });
}
