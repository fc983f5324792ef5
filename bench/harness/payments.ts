/**
 * The bench's payments: the Stripe adapter (`@shop/core/payments/stripe`, the production code)
 * against the Stripe-compatible local server of `@shop/testing`, as the API tests use them.
 */
import type { PaymentSettings } from '@shop/core';
import { createStripeProvider } from '@shop/core/payments/stripe';
import { startStripeLocal } from '@shop/testing';

export async function startLocalPayments(
  options: {
    /** The local server's own options (webhook retries). */
    server?: Parameters<typeof startStripeLocal>[0];
    /** The provider's clock, for a run that moves time on (webhook signatures' age). */
    now?: () => number;
  } = {},
) {
  const stripe = await startStripeLocal(options.server);
  const provider = createStripeProvider({
    secretKey: stripe.secretKey,
    webhookSecret: stripe.webhookSecret,
    host: stripe.host,
    port: stripe.port,
    protocol: stripe.protocol,
    ...(options.now ? { now: options.now } : {}),
  });
  /** What the services take to open payment pages through it (30 minutes to pay, as shipped). */
  const settings: PaymentSettings = {
    provider,
    currency: 'USD',
    timeoutMinutes: 30,
    orderPageUrl: (id) => `http://127.0.0.1:5173/orders/${id}`,
  };
  return { stripe, provider, settings };
}
