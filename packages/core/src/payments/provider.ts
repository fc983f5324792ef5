/**
 * The payment provider port. The shop's rules (`payments/service.ts`) speak only this; the Stripe
 * adapter (`stripe.ts`) translates it to Stripe's API; the tests run that same adapter against the
 * Stripe-compatible local server of `@shop/testing`. Amounts are in cents; currency is the shop's `SHOP_CURRENCY`; the adapter
 * carries `orderId` in the provider's metadata.
 */
export interface CheckoutRequest {
  orderId: string;
  userId: string;
  amount: number;
  currency: string; // amount in cents; currency ISO lower or upper, adapter normalizes
  lines: { name: string; unitAmount: number; quantity: number }[];
  successUrl: string;
  cancelUrl: string;
  expiresAt: Date;
  idempotencyKey: string;
}
export interface CheckoutSession {
  sessionId: string;
  url: string;
  expiresAt: string;
} // ISO
export type PaymentEvent =
  | {
      type: 'checkout.completed';
      eventId: string;
      sessionId: string;
      orderId: string;
      paymentId: string;
      amount: number;
      currency: string;
    }
  | { type: 'checkout.expired'; eventId: string; sessionId: string; orderId: string }
  | {
      type: 'refund.succeeded';
      eventId: string;
      paymentId: string;
      refundId: string;
      orderId: string | null;
    }
  | { type: 'ignored'; eventId: string; providerType: string };
export class WebhookSignatureError extends Error {}
export interface PaymentProvider {
  readonly name: 'stripe';
  createCheckout(request: CheckoutRequest): Promise<CheckoutSession>;
  getCheckout(
    sessionId: string,
  ): Promise<CheckoutSession & { status: 'open' | 'complete' | 'expired' }>;
  expireCheckout(sessionId: string): Promise<void>; // no error if already expired/complete
  refund(input: {
    paymentId: string;
    amount: number;
    idempotencyKey: string;
  }): Promise<{ refundId: string }>;
  parseWebhook(rawBody: string, signatureHeader: string | undefined): PaymentEvent; // throws WebhookSignatureError
}

/**
 * The provider of a process that takes no payments (the bench, a data script, a stage whose
 * secrets are not filled yet): every call fails saying so, and no webhook is ever accepted.
 */
export const NO_PAYMENT_PROVIDER: PaymentProvider = {
  name: 'stripe',
  createCheckout: () => Promise.reject(new Error('No payment provider is configured')),
  getCheckout: () => Promise.reject(new Error('No payment provider is configured')),
  expireCheckout: () => Promise.reject(new Error('No payment provider is configured')),
  refund: () => Promise.reject(new Error('No payment provider is configured')),
  parseWebhook: () => {
    throw new WebhookSignatureError('No payment provider is configured');
  },
};
