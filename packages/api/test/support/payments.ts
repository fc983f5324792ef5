import type { PaymentProvider, PaymentSettings } from '@shop/core';
import { createStripeProvider } from '@shop/core/payments/stripe';
import {
  signPayload,
  startStripeLocal,
  stripeLocalControl,
  TEST_CARDS,
  type EventObject,
  type StripeFault,
  type StripeLocal,
  type StripeLocalControl,
  type TestClock,
} from '@shop/testing';
import { inject } from 'vitest';

/**
 * THE one place the payment tests get their provider: the Stripe adapter (`@shop/core/payments/
 * stripe`, the production code) talking to the Stripe-compatible local server of `@shop/testing`.
 * By default the server the root globalSetup started for the whole run; a file that moves the
 * provider's clock or injects faults asks for its own (`ownServer`), so that it cannot disturb
 * the others. The server sends no webhooks: a test reads the events from the server's log and
 * delivers them (signed as the server signs them) to its handler, when and as often as it wants.
 */
export interface TestPayments {
  provider: PaymentProvider;
  settings: PaymentSettings;
  control: StripeLocalControl;
  webhookSecret: string;
  /** The shopper pays on the hosted page with one of Stripe's test cards. */
  pay: StripeLocalControl['pay'];
  /** The Checkout Sessions the provider holds for an order. */
  sessionsOf(orderId: string): ReturnType<StripeLocalControl['sessions']>;
  /** The provider's events about an order (or a payment), oldest first. */
  eventsOf(id: string, type?: string): Promise<EventObject[]>;
  /** The one event of `type` about `id`; fails if there is none or more than one. */
  event(id: string, type: string): Promise<EventObject>;
  /** Refunds created at the provider for a payment (PaymentIntent id). */
  refundsOf(paymentId: string): Promise<{ id: string; amount: number; status: string }[]>;
  /** The raw body and `Stripe-Signature` header the provider would POST for an event. */
  signed(event: EventObject, secret?: string): { body: string; signature: string };
  /** The next provider calls matching fail (`error`: 500 before acting, `lose`, `delay`). */
  fault(fault: StripeFault): Promise<void>;
  /** Moves the test clock AND the provider's clock (own server only). */
  advance(ms: number): Promise<void>;
  /**
   * Brings the test clock (which stands still between moves) up to the provider's, which runs:
   * the shop's checkout expiries are the provider's minimum ahead of its own clock, so the two
   * may not drift apart by more than a few seconds. Call it before each test.
   */
  sync(): void;
  stop(): Promise<void>;
}

export { TEST_CARDS };

/** The session id in a hosted page URL (`…/pay/<id>`). */
export const sessionIdOf = (url: string) => new URL(url).pathname.split('/').pop()!;

export async function createTestPayments(
  clock: TestClock,
  options: { ownServer?: boolean; timeoutMs?: number } = {},
): Promise<TestPayments> {
  let own: StripeLocal | undefined;
  let server: { endpoint: string; secretKey: string; webhookSecret: string };
  if (options.ownServer) {
    own = await startStripeLocal();
    server = own;
  } else {
    server = {
      endpoint: inject('stripeEndpoint'),
      secretKey: inject('stripeSecretKey'),
      webhookSecret: inject('stripeWebhookSecret'),
    };
  }
  const url = new URL(server.endpoint);
  const control = stripeLocalControl(server.endpoint);
  // The provider's clock: real time, plus what this file moved it by (own server only).
  let offsetMs = 0;
  const providerNow = () => Date.now() + offsetMs;
  const provider = createStripeProvider({
    secretKey: server.secretKey,
    webhookSecret: server.webhookSecret,
    host: url.hostname,
    port: Number(url.port),
    protocol: 'http',
    // Short, so that an injected delay is a timeout without slowing the suite.
    timeoutMs: options.timeoutMs ?? 5_000,
    now: providerNow,
  });
  const allEvents = async () => (await control.events()).map((e) => e.event);
  const about = (event: EventObject, id: string) => {
    const object = event.data.object as unknown as Record<string, unknown>;
    const metadata = (object.metadata ?? {}) as Record<string, string>;
    return (
      object.id === id ||
      metadata.orderId === id ||
      object.client_reference_id === id ||
      object.payment_intent === id
    );
  };
  const eventsOf = async (id: string, type?: string) =>
    (await allEvents()).filter((e) => about(e, id) && (!type || e.type === type));
  return {
    provider,
    control,
    webhookSecret: server.webhookSecret,
    settings: {
      provider,
      currency: 'USD',
      // The contract's default.
      timeoutMinutes: 30,
      orderPageUrl: (orderId) => `https://shop.test/orders/${orderId}`,
    },
    pay: (sessionId, card) => control.pay(sessionId, card),
    sessionsOf: async (orderId) =>
      (await control.sessions()).filter((s) => s.metadata.orderId === orderId),
    eventsOf,
    async event(id, type) {
      const found = await eventsOf(id, type);
      if (found.length !== 1) throw new Error(`${found.length} ${type} events about ${id}`);
      return found[0]!;
    },
    async refundsOf(paymentId) {
      const created = await eventsOf(paymentId, 'refund.created');
      return created.map((e) => {
        const refund = e.data.object as unknown as { id: string; amount: number; status: string };
        return { id: refund.id, amount: refund.amount, status: refund.status };
      });
    },
    signed(event, secret = server.webhookSecret) {
      // As the server's WebhookSender serializes and signs it.
      const body = JSON.stringify(event, null, 2);
      return { body, signature: signPayload(body, secret, Math.floor(providerNow() / 1000)) };
    },
    fault: (fault) => control.injectFault(fault),
    async advance(ms) {
      if (!own) throw new Error("The shared Stripe server's clock is not this file's to move");
      clock.advance(ms);
      offsetMs += ms;
      await control.advanceClock(Math.round(ms / 1000));
    },
    sync() {
      const behind = providerNow() - clock.now().getTime();
      if (behind > 0) clock.advance(behind);
    },
    stop: async () => {
      await own?.stop();
    },
  };
}
