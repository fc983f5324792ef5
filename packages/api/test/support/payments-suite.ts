import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import type { EventObject, TestClock } from '@shop/testing';
import { createHarness, validAddress, validProduct, type Caller, type Harness } from './harness.ts';
import { createTestPayments, TEST_CARDS, type TestPayments } from './payments.ts';
import { webhookPoster } from './webhook.ts';

/** A refund's id at the provider. */
export const REFUND_ID: unknown = expect.stringMatching(/^re_/);

/** The payment (PaymentIntent id) a completion event is about. */
export const paymentIdOf = (event: EventObject) =>
  (event.data.object as unknown as { payment_intent: string }).payment_intent;

export interface PaymentsSuite {
  h: Harness;
  admin: Caller;
  payments: TestPayments;
  webhook: ReturnType<typeof webhookPoster>;
  /** A shopper with an address and a pending order of `lines` products (price 1250, stock 10). */
  pendingOrder: (order?: { lines?: number; quantity?: number }) => Promise<PendingOrder>;
  /** The shopper pays the page with a card that succeeds: the provider's completion event. */
  payPage: (sessionId: string) => Promise<EventObject>;
}

interface PendingOrder {
  caller: Caller;
  user: Awaited<ReturnType<Harness['userCaller']>>['user'];
  address: { id: string };
  products: { id: string }[];
  /** The first of `products`. */
  product: { id: string };
  order: Awaited<ReturnType<Caller['orders']['create']>>;
}

/**
 * A payment test file's set-up, registered as its hooks: the provider (`options`: see
 * createTestPayments), a harness whose services read `clock`, an admin and the webhook entry.
 * The fields are there from `beforeAll` on; before each test the clock catches up with the
 * provider's (`payments.sync`).
 */
export function paymentsSuite(
  clock: TestClock,
  options?: Parameters<typeof createTestPayments>[1],
): PaymentsSuite {
  const suite: PaymentsSuite = {
    ...({} as Pick<PaymentsSuite, 'h' | 'admin' | 'payments' | 'webhook'>),
    pendingOrder: async ({ lines = 1, quantity = 2 } = {}) => {
      const { caller, user } = await suite.h.userCaller();
      const address = await caller.addresses.create(validAddress());
      const products = await Promise.all(
        Array.from({ length: lines }, () =>
          suite.admin.products.create(validProduct({ stock: 10 })),
        ),
      );
      const order = await caller.orders.create({
        items: products.map((p) => ({ productId: p.id, quantity })),
        shippingAddressId: address.id,
      });
      return { caller, user, address, products, product: products[0]!, order };
    },
    payPage: async (sessionId) => {
      const paid = await suite.payments.pay(sessionId, TEST_CARDS.success);
      expect(paid.status).toBe('succeeded');
      return suite.payments.event(sessionId, 'checkout.session.completed');
    },
  };
  beforeAll(async () => {
    suite.payments = await createTestPayments(clock, options);
    suite.h = await createHarness({ clock, payments: suite.payments.settings });
    suite.admin = (await suite.h.adminCaller()).caller;
    suite.webhook = webhookPoster(suite.h.deps, suite.payments);
  });
  beforeEach(() => suite.payments.sync());
  afterAll(() => suite.payments?.stop());
  return suite;
}
