import { createDeps } from './deps.ts';
import { loadConfig } from './config.ts';
import type { Deps } from './context.ts';
import { paymentSecretsFrom } from './secrets.ts';

/**
 * The dependencies of a Lambda entry (`handler.ts`, `webhook.ts`, `sweep.ts`), from the
 * environment the entry hands over. Makes no network call.
 */
export function depsFromEnvironment(env: Record<string, string | undefined>): Deps {
  return createDeps(loadConfig(env), undefined, {
    secrets: paymentSecretsFrom(env),
    // The Stripe adapter's factory plugs in here (it lands beside the port, core/payments/stripe.ts).
    factory: undefined,
  });
}
