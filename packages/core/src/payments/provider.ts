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
