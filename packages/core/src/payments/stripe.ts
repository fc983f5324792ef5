import Stripe from 'stripe';
import {
  WebhookSignatureError,
  type CheckoutRequest,
  type CheckoutSession,
  type PaymentEvent,
  type PaymentProvider,
} from './provider.ts';

export interface StripeProviderOptions {
  secretKey: string;
  webhookSecret: string;
  /** Only for the local Stripe-compatible server; production leaves them to the SDK. */
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  /** Per attempt; the SDK's default is 80 s, far beyond a Lambda's budget. */
  timeoutMs?: number;
  /** The SDK retries connection errors, 409 and 5xx, reusing the request's idempotency key. */
  maxNetworkRetries?: number;
  /** Milliseconds; the webhook signature's age is checked against it (5 minutes, Stripe's). */
  now?: () => number;
}

const STATUSES = ['open', 'complete', 'expired'] as const;
/** Stripe: `expires_at` must lie 30 minutes to 24 hours after the session's creation. */
const MIN_EXPIRY_MS = 30 * 60 * 1000;
const MAX_EXPIRY_MS = 24 * 60 * 60 * 1000;
/** Room for the clock difference between us and Stripe and for the request's travel. */
const EXPIRY_MARGIN_MS = 60 * 1000;

/**
 * The payment provider on Stripe's official SDK: Checkout Sessions (Stripe's hosted page),
 * refunds, and webhook events verified by the SDK's own `constructEvent`. It only translates:
 * the rules (what may be paid, refunded, expired) live in the payments service. The same code
 * talks to api.stripe.com and to the local Stripe-compatible server; only host/port/protocol differ.
 */
export function createStripeProvider(options: StripeProviderOptions): PaymentProvider {
  const stripe = new Stripe(options.secretKey, {
    ...(options.host ? { host: options.host } : {}),
    ...(options.port ? { port: options.port } : {}),
    ...(options.protocol ? { protocol: options.protocol } : {}),
    timeout: options.timeoutMs ?? 10_000,
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    telemetry: false,
    appInfo: { name: 'shop' },
  });
  const now = options.now ?? Date.now;

  const toSession = (session: Stripe.Checkout.Session) => ({
    sessionId: session.id,
    url: session.url ?? '',
    expiresAt: new Date(session.expires_at * 1000).toISOString(),
  });

  return {
    name: 'stripe',

    async createCheckout(request: CheckoutRequest): Promise<CheckoutSession> {
      const currency = request.currency.toLowerCase();
      const metadata = { orderId: request.orderId, userId: request.userId };
      const session = await stripe.checkout.sessions.create(
        {
          mode: 'payment',
          line_items: request.lines.map((line) => ({
            quantity: line.quantity,
            price_data: {
              currency,
              unit_amount: line.unitAmount,
              product_data: { name: line.name },
            },
          })),
          client_reference_id: request.orderId,
          metadata,
          payment_intent_data: { metadata },
          expires_at: Math.floor(expiryWithinStripeBounds(request.expiresAt, now()) / 1000),
          success_url: request.successUrl,
          cancel_url: request.cancelUrl,
        },
        { idempotencyKey: request.idempotencyKey },
      );
      if (session.amount_total !== request.amount) {
        // The lines do not add up to the order's total: never send a shopper to pay another sum.
        await stripe.checkout.sessions.expire(session.id).catch(() => undefined);
        throw new Error(
          `Checkout total ${session.amount_total} differs from the order's ${request.amount}`,
        );
      }
      return toSession(session);
    },

    async getCheckout(sessionId) {
      const session = await stripe.checkout.sessions.retrieve(sessionId);
      const status = STATUSES.find((known) => known === session.status);
      if (!status) throw new Error(`Checkout session ${session.id} has status ${session.status}`);
      return { ...toSession(session), status };
    },

    async expireCheckout(sessionId) {
      try {
        await stripe.checkout.sessions.expire(sessionId);
      } catch (error) {
        // Stripe refuses to expire a session that is no longer open: already done, or paid.
        if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) throw error;
        const session = await stripe.checkout.sessions.retrieve(sessionId);
        if (session.status === 'open') throw error;
      }
    },

    async refund({ paymentId, amount, idempotencyKey }) {
      // The refund carries the order id, so that its events name the order.
      const intent = await stripe.paymentIntents.retrieve(paymentId);
      const orderId = intent.metadata.orderId;
      const refund = await stripe.refunds.create(
        {
          payment_intent: paymentId,
          amount,
          reason: 'requested_by_customer',
          ...(orderId ? { metadata: { orderId } } : {}),
        },
        { idempotencyKey },
      );
      return { refundId: refund.id };
    },

    parseWebhook(rawBody, signatureHeader) {
      if (!signatureHeader) throw new WebhookSignatureError('Missing Stripe-Signature header');
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(
          rawBody,
          signatureHeader,
          options.webhookSecret,
          undefined,
          undefined,
          now(),
        );
      } catch (error) {
        if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
          throw new WebhookSignatureError('Invalid Stripe webhook signature', { cause: error });
        }
        throw new WebhookSignatureError('Unreadable Stripe webhook', { cause: error });
      }
      return toPaymentEvent(event);
    },
  };
}

/**
 * Stripe accepts `expires_at` 30 minutes to 24 hours ahead; a time outside is moved inside (with
 * a margin). A time inside is sent as asked: a retry under the same idempotency key must carry the
 * same parameters, or Stripe refuses it (`idempotency_error`), so it must not depend on `now`.
 */
export function expiryWithinStripeBounds(expiresAt: Date, nowMs: number): number {
  const at = expiresAt.getTime();
  if (at >= nowMs + MIN_EXPIRY_MS && at <= nowMs + MAX_EXPIRY_MS) return at;
  const min = nowMs + MIN_EXPIRY_MS + EXPIRY_MARGIN_MS;
  const max = nowMs + MAX_EXPIRY_MS - EXPIRY_MARGIN_MS;
  return Math.min(Math.max(at, min), max);
}

const idOf = (value: string | { id: string } | null | undefined) =>
  typeof value === 'string' ? value : (value?.id ?? null);

/** Stripe's event → the port's. Anything the shop does not act on is `ignored`. */
export function toPaymentEvent(event: Stripe.Event): PaymentEvent {
  const ignored = { type: 'ignored', eventId: event.id, providerType: event.type } as const;
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const session = event.data.object;
      const orderId = session.metadata?.orderId ?? session.client_reference_id;
      const paymentId = idOf(session.payment_intent);
      // `unpaid` on completion: a delayed payment method; its async_payment_succeeded follows.
      if (session.payment_status !== 'paid' || !orderId || !paymentId) return ignored;
      return {
        type: 'checkout.completed',
        eventId: event.id,
        sessionId: session.id,
        orderId,
        paymentId,
        amount: session.amount_total ?? 0,
        currency: (session.currency ?? '').toUpperCase(),
      };
    }
    case 'checkout.session.expired': {
      const session = event.data.object;
      const orderId = session.metadata?.orderId ?? session.client_reference_id;
      if (!orderId) return ignored;
      return { type: 'checkout.expired', eventId: event.id, sessionId: session.id, orderId };
    }
    case 'refund.created':
    case 'refund.updated': {
      const refund = event.data.object;
      const paymentId = idOf(refund.payment_intent);
      if (refund.status !== 'succeeded' || !paymentId) return ignored;
      return {
        type: 'refund.succeeded',
        eventId: event.id,
        paymentId,
        refundId: refund.id,
        orderId: refund.metadata?.orderId ?? null,
      };
    }
    case 'charge.refunded': {
      // Since API version 2022-11-15 a charge carries its refunds only when expanded; without
      // them the refund's own event (refund.created/updated) is the one that counts.
      const charge = event.data.object;
      const paymentId = idOf(charge.payment_intent);
      const refund = charge.refunds?.data.find((r) => r.status === 'succeeded');
      if (!refund || !paymentId) return ignored;
      return {
        type: 'refund.succeeded',
        eventId: event.id,
        paymentId,
        refundId: refund.id,
        orderId: refund.metadata?.orderId ?? charge.metadata?.orderId ?? null,
      };
    }
    default:
      return ignored;
  }
}
