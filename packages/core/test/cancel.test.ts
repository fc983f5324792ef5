import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OrderStore } from '../src/index.ts';
import {
  AuthenticationError,
  ConflictError,
  NO_PAYMENT_PROVIDER,
  NO_PAYMENTS,
  NotFoundError,
  OrderPaymentStore,
  OrderService,
  ThrottledError,
  TransactionCancelled,
  type Actor,
  type OrderRow,
  type PaymentProvider,
} from '../src/index.ts';
import { createTestClock } from '@shop/testing';
import { createTestDb, type TestDb } from '@shop/testing/vitest';
import {
  meddling,
  orderStoreOf,
  product as productOf,
  refused,
  shopper,
  throttledOrderStore,
} from './support/orders.ts';

/**
 * Cancelling and admin status moves, with the payment side: which refund or checkout expiry the
 * provider is asked for, and what happens when the payment changes between the read and the
 * write. The provider records calls (it stands in for Stripe; DynamoDB is DynamoDB Local).
 */
let db: TestDb;
let store: OrderStore;
let paymentStore: OrderPaymentStore;
const clock = createTestClock();
const calls: unknown[][] = [];
let refundFails = false;
let expiryFails = false;
const provider: PaymentProvider = {
  ...NO_PAYMENT_PROVIDER,
  expireCheckout: (sessionId) => {
    calls.push(['expire', sessionId]);
    return expiryFails ? Promise.reject(new Error('provider down')) : Promise.resolve();
  },
  refund: (input) => {
    calls.push(['refund', input.paymentId, input.amount]);
    return refundFails
      ? Promise.reject(new Error('provider down'))
      : Promise.resolve({ refundId: `re_${input.paymentId}` });
  },
};
const admin: Actor = { id: randomUUID(), isAdmin: true };

beforeAll(async () => {
  db = await createTestDb({ clock });
  store = orderStoreOf(db);
  paymentStore = new OrderPaymentStore(db.services.repos.orders, db.doc);
});

const service = (s: OrderStore = store) =>
  new OrderService(s, clock, { ...NO_PAYMENTS, provider }, paymentStore);

/** The order store, with `meddle` run once right after its first `get`. */
const meddled = (meddle: () => Promise<unknown>) => meddling(store, meddle, 'get');

async function placed(quantity = 2) {
  const { actor, addressId } = await shopper(db);
  const product = await productOf(db);
  const order = await service().create(actor, {
    items: [{ productId: product.id, quantity }],
    shippingAddressId: addressId,
  });
  calls.length = 0;
  return { actor, product, order };
}

/** Sets payment attributes on the row, as the webhook or the checkout would. */
const setRow = (id: string, values: Partial<OrderRow>) =>
  db.doc.send(
    new UpdateCommand({
      TableName: db.tables.Orders,
      Key: { id },
      UpdateExpression: `SET ${Object.keys(values)
        .map((k) => `#${k} = :${k}`)
        .join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(Object.keys(values).map((k) => [`#${k}`, k])),
      ExpressionAttributeValues: Object.fromEntries(
        Object.entries(values).map(([k, v]) => [`:${k}`, v]),
      ),
    }),
  );
const paidByStripe = (id: string) =>
  setRow(id, {
    status: 'PAID',
    paymentStatus: 'PAID',
    paymentProvider: 'stripe',
    paymentId: `pi_${id.slice(0, 8)}`,
    paidAt: clock.now().toISOString(),
  });
const stockOf = async (id: string) => (await db.services.products.byId(id)).stock;
const rowOf = async (id: string) => (await store.get(id)) as OrderRow;

describe('cancelling an order paid through the provider', () => {
  it('by its owner: one refund of the total, REFUND_PENDING, stock back', async () => {
    const { actor, product, order } = await placed();
    await paidByStripe(order.id);
    const cancelled = await service().cancel(actor, order.id);
    expect(cancelled).toMatchObject({ status: 'CANCELLED' });
    expect(calls).toEqual([['refund', `pi_${order.id.slice(0, 8)}`, 2500]]);
    expect(await rowOf(order.id)).toMatchObject({
      status: 'CANCELLED',
      paymentStatus: 'REFUND_PENDING',
      refundId: `re_pi_${order.id.slice(0, 8)}`,
    });
    expect(await stockOf(product.id)).toBe(10);
  });

  it('by an admin: the same refund', async () => {
    const { product, order } = await placed();
    await paidByStripe(order.id);
    const cancelled = await service().updateStatus(admin, order.id, 'CANCELLED');
    expect(cancelled.status).toBe('CANCELLED');
    expect(calls).toEqual([['refund', `pi_${order.id.slice(0, 8)}`, 2500]]);
    expect((await rowOf(order.id)).paymentStatus).toBe('REFUND_PENDING');
    expect(await stockOf(product.id)).toBe(10);
  });

  it('keeps REFUND_PENDING and marks the refund due for the sweep when the provider fails', async () => {
    const { actor, order } = await placed();
    await paidByStripe(order.id);
    refundFails = true;
    try {
      expect((await service().cancel(actor, order.id)).status).toBe('CANCELLED');
    } finally {
      refundFails = false;
    }
    expect((await rowOf(order.id)).paymentStatus).toBe('REFUND_PENDING');
    expect(await paymentStore.refundsDue()).toContain(order.id);
  });

  it('is CONFLICT, writing nothing, when a payment landed between the read and the write', async () => {
    const { actor, product, order } = await placed();
    const racing = meddled(() => paidByStripe(order.id));
    const error = await service(racing)
      .cancel(actor, order.id)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    // Not cancelled without its refund: the shopper reloads and cancels the paid order.
    expect(await rowOf(order.id)).toMatchObject({ status: 'PAID', paymentStatus: 'PAID' });
    expect(calls).toEqual([]);
    expect(await stockOf(product.id)).toBe(8);
  });

  it('is CONFLICT, asking no refund, when the payment was refunded between the read and the write', async () => {
    const { actor, product, order } = await placed();
    await paidByStripe(order.id);
    const racing = meddled(() => setRow(order.id, { paymentStatus: 'REFUNDED' }));
    const error = await service(racing)
      .cancel(actor, order.id)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(await rowOf(order.id)).toMatchObject({ status: 'PAID', paymentStatus: 'REFUNDED' });
    expect(calls).toEqual([]);
    expect(await stockOf(product.id)).toBe(8);
  });
});

describe('cancelling an order whose payment was refunded already', () => {
  it('cancels it without asking the provider for another refund', async () => {
    const { actor, product, order } = await placed();
    await paidByStripe(order.id);
    await setRow(order.id, { paymentStatus: 'REFUNDED' });
    expect((await service().cancel(actor, order.id)).status).toBe('CANCELLED');
    expect(await rowOf(order.id)).toMatchObject({ status: 'CANCELLED', paymentStatus: 'REFUNDED' });
    expect(calls).toEqual([]);
    expect(await stockOf(product.id)).toBe(10);
  });

  it('is CONFLICT when a payment taken by hand was refunded between the read and the write', async () => {
    const { actor, product, order } = await placed();
    await service().updateStatus(admin, order.id, 'PAID');
    const racing = meddled(() => setRow(order.id, { paymentStatus: 'REFUNDED' }));
    const error = await service(racing)
      .cancel(actor, order.id)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(await rowOf(order.id)).toMatchObject({ status: 'PAID', paymentStatus: 'REFUNDED' });
    expect(await stockOf(product.id)).toBe(8);
  });
});

describe('cancelling an unpaid order', () => {
  it('expires its open checkout, and asks nothing when there is none', async () => {
    const withPage = await placed();
    await setRow(withPage.order.id, { checkoutSessionId: 'cs_test_open' });
    await service().cancel(withPage.actor, withPage.order.id);
    expect(calls).toEqual([['expire', 'cs_test_open']]);

    const without = await placed();
    await service().cancel(without.actor, without.order.id);
    expect(calls).toEqual([]);
  });

  it('answers the contract messages', async () => {
    const { actor, order } = await placed();
    const missing = await service()
      .cancel(actor, randomUUID())
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as Error).message).toBe('Order not found');
    const stranger: Actor = { id: randomUUID(), isAdmin: false };
    expect(
      (
        (await service()
          .byId(stranger, order.id)
          .catch((e: unknown) => e)) as Error
      ).message,
    ).toBe('Order not found');
    expect(
      (
        (await service()
          .updateStatus(admin, randomUUID(), 'PAID')
          .catch((e: unknown) => e)) as Error
      ).message,
    ).toBe('Order not found');
    const skip = await service()
      .updateStatus(admin, order.id, 'DELIVERED')
      .catch((e: unknown) => e);
    expect(skip).toBeInstanceOf(ConflictError);
    expect((skip as Error).message).toBe('An order cannot move from PENDING to DELIVERED');
    await service().updateStatus(admin, order.id, 'PAID');
    await service().updateStatus(admin, order.id, 'SHIPPED');
    const shipped = await service()
      .cancel(actor, order.id)
      .catch((e: unknown) => e);
    expect(shipped).toBeInstanceOf(ConflictError);
    expect((shipped as Error).message).toBe(
      'Only pending or paid orders can be cancelled; this one is SHIPPED',
    );
  });
});

describe('an admin marking an order paid by hand', () => {
  it('expires its open checkout, so the shopper cannot pay it a second time', async () => {
    const { order } = await placed();
    await setRow(order.id, { checkoutSessionId: 'cs_test_open' });
    const paid = await service().updateStatus(admin, order.id, 'PAID');
    expect(paid).toMatchObject({ status: 'PAID', payment: { status: 'PAID' } });
    expect(calls).toEqual([['expire', 'cs_test_open']]);
    expect(await rowOf(order.id)).toMatchObject({
      status: 'PAID',
      paymentStatus: 'PAID',
      paymentProvider: 'manual',
    });
    // Later moves ask the provider nothing.
    await service().updateStatus(admin, order.id, 'SHIPPED');
    await service().updateStatus(admin, order.id, 'DELIVERED');
    expect(calls).toEqual([['expire', 'cs_test_open']]);
  });

  it('asks nothing of the provider when the order has no checkout', async () => {
    const { order } = await placed();
    expect((await service().updateStatus(admin, order.id, 'PAID')).status).toBe('PAID');
    expect(calls).toEqual([]);
  });

  it('stays PAID when the provider fails to expire the checkout', async () => {
    const { order } = await placed();
    await setRow(order.id, { checkoutSessionId: 'cs_test_open' });
    expiryFails = true;
    try {
      expect((await service().updateStatus(admin, order.id, 'PAID')).status).toBe('PAID');
    } finally {
      expiryFails = false;
    }
    expect(calls).toEqual([['expire', 'cs_test_open']]);
    expect(await rowOf(order.id)).toMatchObject({ status: 'PAID', paymentStatus: 'PAID' });
  });
});

describe('cancelling while the order changes', () => {
  it('is CONFLICT when an admin moved it after the read, restoring nothing', async () => {
    const { actor, product, order } = await placed(4);
    const racing = meddled(() => service().updateStatus(admin, order.id, 'PAID'));
    const error = await refused(
      service(racing).cancel(actor, order.id),
      ConflictError,
      'The order changed meanwhile, please reload it',
    );
    expect(error.cause).toBeInstanceOf(TransactionCancelled);
    expect(await stockOf(product.id)).toBe(6);
  });

  it('is UNAUTHORIZED when the account was deleted after the read, restoring nothing', async () => {
    const { actor, product, order } = await placed(4);
    const racing = meddled(() =>
      db.services.accounts.markDeleted(actor.id, new Date().toISOString()),
    );
    const error = await refused(
      service(racing).cancel(actor, order.id),
      AuthenticationError,
      'Invalid or expired token',
    );
    expect(error.cause).toBeInstanceOf(TransactionCancelled);
    expect((await rowOf(order.id)).status).toBe('PENDING');
    expect(await stockOf(product.id)).toBe(6);
  });

  it('passes a throttled transaction on as TOO_MANY_REQUESTS', async () => {
    const { actor, order } = await placed();
    const { store: throttled, injector } = throttledOrderStore(db);
    const error = await service(throttled)
      .cancel(actor, order.id)
      .catch((e: unknown) => e);
    expect(injector.firedCount).toBe(1);
    expect(error).toBeInstanceOf(ThrottledError);
    expect((await rowOf(order.id)).status).toBe('PENDING');
  });
});
