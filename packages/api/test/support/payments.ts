import type { Clock, PaymentSettings } from '@shop/core';
import { RecordingProvider } from '@shop/testing';

/**
 * THE one place the payment tests get their provider. Today: the recording provider of
 * `@shop/testing`, which keeps the port's promises in memory. To run the same tests against the
 * Stripe adapter and the Stripe-compatible local server, return a driver with the same methods
 * (`complete`, `expire`, `refundSucceeded`, `signed`, `failNext`, the recorded sessions and
 * refunds) backed by them.
 */
export type TestProvider = RecordingProvider;

export function createTestPayments(clock: Clock): {
  provider: TestProvider;
  settings: PaymentSettings;
} {
  const provider = new RecordingProvider(clock);
  return {
    provider,
    settings: {
      provider,
      currency: 'USD',
      // The contract's default.
      timeoutMinutes: 30,
      orderPageUrl: (orderId) => `https://shop.test/orders/${orderId}`,
    },
  };
}
