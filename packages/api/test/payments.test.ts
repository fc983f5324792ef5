import { beforeAll, describe, expect, it } from 'vitest';
import { createTestClock, recordCalls } from '@shop/testing';
import {
  createHarness,
  expectTRPCError,
  validAddress,
  validProduct,
  type Caller,
  type Harness,
} from './support/harness.ts';
import { createTestPayments, type TestProvider } from './support/payments.ts';
import { webhookPoster } from './support/webhook.ts';

let h: Harness;
let admin: Caller;
let provider: TestProvider;
let webhook: ReturnType<typeof webhookPoster>;
const clock = createTestClock();

beforeAll(async () => {
  const payments = createTestPayments(clock);
  provider = payments.provider;
  h = await createHarness({ clock, payments: payments.settings });
  admin = (await h.adminCaller()).caller;
  webhook = webhookPoster(h.deps, provider);
});

const stockOf = async (id: string) => (await h.anonymousCaller().products.byId({ id })).stock;

/** A shopper with an address and a pending order of `lines` products (price 1250, 2 units each). */
async function pendingOrder(lines = 1) {
  const { caller, user } = await h.userCaller();
  const address = await caller.addresses.create(validAddress());
  const products = await Promise.all(
    Array.from({ length: lines }, () => admin.products.create(validProduct({ stock: 10 }))),
  );
  const order = await caller.orders.create({
    items: products.map((p) => ({ productId: p.id, quantity: 2 })),
    shippingAddressId: address.id,
  });
  return { caller, user, address, products, order };
}

/** A pending order the shopper has opened the payment page of. */
async function orderBeingPaid() {
  const placed = await pendingOrder();
  const page = await placed.caller.orders.pay({ id: placed.order.id });
  const [session] = provider.sessionsOf(placed.order.id);
  return { ...placed, page, sessionId: session!.session.sessionId };
}

async function paidOrder() {
  const o = await orderBeingPaid();
  const paid = provider.complete(o.sessionId);
  expect((await webhook.deliver(paid)).statusCode).toBe(200);
  return { ...o, paid };
}

describe('orders.quote', () => {
  it("answers today's prices, the total and what is short, from one BatchGetItem", async () => {
    const plenty = await admin.products.create(validProduct({ price: 1000, stock: 500 }));
    const few = await admin.products.create(validProduct({ price: 250, stock: 2 }));
    const none = await admin.products.create(validProduct({ price: 99, stock: 0 }));
    const calls = recordCalls(h.db.doc);
    const quote = await h.anonymousCaller().orders.quote({
      items: [
        { productId: plenty.id, quantity: 3 },
        { productId: few.id, quantity: 5 },
        { productId: none.id, quantity: 1 },
        { productId: 'no-such-product', quantity: 1 },
      ],
    });
    calls.stop();
    expect(calls.calls.map((c) => c.command)).toEqual(['BatchGetItemCommand']);
    expect(quote.currency).toBe('USD');
    expect(quote.lines).toEqual([
      {
        productId: plenty.id,
        productName: plenty.name,
        unitPrice: 1000,
        quantity: 3,
        lineTotal: 3000,
        available: 100,
      },
      {
        productId: few.id,
        productName: few.name,
        unitPrice: 250,
        quantity: 5,
        lineTotal: 1250,
        available: 2,
      },
      {
        productId: none.id,
        productName: none.name,
        unitPrice: 99,
        quantity: 1,
        lineTotal: 99,
        available: 0,
      },
    ]);
    expect(quote.total).toBe(3000 + 1250 + 99);
    expect(quote.problems).toEqual([
      { productId: few.id, reason: 'NOT_ENOUGH_STOCK' },
      { productId: none.id, reason: 'OUT_OF_STOCK' },
      { productId: 'no-such-product', reason: 'NOT_FOUND' },
    ]);
  });

  it('shows a price raised since the cart was filled', async () => {
    const product = await admin.products.create(validProduct({ price: 1000 }));
    const items = [{ productId: product.id, quantity: 1 }];
    expect((await h.anonymousCaller().orders.quote({ items })).total).toBe(1000);
    await admin.products.update({ id: product.id, price: 2500 });
    expect((await h.anonymousCaller().orders.quote({ items })).total).toBe(2500);
  });

  it('refuses more than 25 lines and a quantity above 100', async () => {
    const items = Array.from({ length: 26 }, (_, n) => ({ productId: `p${n}`, quantity: 1 }));
    await expectTRPCError(h.anonymousCaller().orders.quote({ items }), 'BAD_REQUEST');
    await expectTRPCError(
      h.anonymousCaller().orders.quote({ items: [{ productId: 'p', quantity: 101 }] }),
      'BAD_REQUEST',
    );
  });
});

describe('orders.create with expectedTotal', () => {
  it('is PRECONDITION_FAILED after a price change and writes nothing', async () => {
    const { caller } = await h.userCaller();
    const address = await caller.addresses.create(validAddress());
    const product = await admin.products.create(validProduct({ price: 1000, stock: 5 }));
    await admin.products.update({ id: product.id, price: 2500 });
    const calls = recordCalls(h.db.doc);
    const error = await expectTRPCError(
      caller.orders.create({
        items: [{ productId: product.id, quantity: 2 }],
        shippingAddressId: address.id,
        expectedTotal: 2000,
      }),
      'PRECONDITION_FAILED',
    );
    calls.stop();
    expect(error.message).toContain('5000');
    expect(calls.calls.map((c) => c.command)).toEqual(['BatchGetItemCommand']);
    expect(await stockOf(product.id)).toBe(5);
    expect((await caller.orders.list()).items).toEqual([]);
  });

  it('places the order when the total is the one shown', async () => {
    const { caller } = await h.userCaller();
    const address = await caller.addresses.create(validAddress());
    const product = await admin.products.create(validProduct({ price: 2500, stock: 5 }));
    const order = await caller.orders.create({
      items: [{ productId: product.id, quantity: 2 }],
      shippingAddressId: address.id,
      expectedTotal: 5000,
    });
    expect(order).toMatchObject({ status: 'PENDING', totalAmount: 5000, currency: 'USD' });
  });
});

describe('Order.payment and Order.actions', () => {
  it('starts unpaid, payable and cancellable by its owner only', async () => {
    const { caller, order } = await pendingOrder();
    expect(order.payment).toEqual({
      status: 'UNPAID',
      provider: null,
      paidAt: null,
      refundedAt: null,
      expiresAt: null,
    });
    expect(order.actions).toEqual(['pay', 'cancel']);
    expect((await caller.orders.list()).items[0]!.actions).toEqual(['pay', 'cancel']);
    expect((await admin.orders.byId({ id: order.id })).actions).toEqual([]);
  });

  it('reads an order written before payments existed as unpaid', async () => {
    const { caller, order } = await pendingOrder();
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    await h.db.doc.send(
      new UpdateCommand({
        TableName: h.db.tables.Orders,
        Key: { id: order.id },
        UpdateExpression: 'REMOVE currency',
      }),
    );
    const read = await caller.orders.byId({ id: order.id });
    expect(read.payment).toMatchObject({ status: 'UNPAID', provider: null });
    expect(read.currency).toBe('USD');
    expect(read.actions).toEqual(['pay', 'cancel']);
  });

  it('marks an order paid by an admin as a manual payment', async () => {
    const { caller, order } = await pendingOrder();
    const paid = await admin.orders.updateStatus({ id: order.id, status: 'PAID' });
    expect(paid.payment).toMatchObject({ status: 'PAID', provider: 'manual' });
    expect(paid.payment.paidAt).toBe(clock.now().toISOString());
    expect((await caller.orders.byId({ id: order.id })).actions).toEqual(['cancel']);
  });
});

describe('orders.pay', () => {
  it('opens one checkout for the order total and gives the same page when asked again', async () => {
    const { caller, order } = await pendingOrder(3);
    const first = await caller.orders.pay({ id: order.id });
    const again = await caller.orders.pay({ id: order.id });
    expect(again).toEqual(first);
    const sessions = provider.sessionsOf(order.id);
    expect(sessions).toHaveLength(1);
    expect(first.url).toBe(sessions[0]!.session.url);
    expect(sessions[0]!.request).toMatchObject({
      amount: order.totalAmount,
      currency: 'USD',
      successUrl: `https://shop.test/orders/${order.id}`,
    });
    expect(sessions[0]!.request.lines).toHaveLength(3);
    const read = await caller.orders.byId({ id: order.id });
    expect(read.payment.expiresAt).toBe(first.expiresAt);
  });

  it('gives one checkout to five simultaneous requests', async () => {
    const { caller, order } = await pendingOrder();
    const pages = await Promise.all(
      Array.from({ length: 5 }, () => caller.orders.pay({ id: order.id })),
    );
    expect(new Set(pages.map((p) => p.url)).size).toBe(1);
    expect(provider.sessionsOf(order.id)).toHaveLength(1);
  });

  it("is NOT_FOUND for another user's order and CONFLICT once paid or cancelled", async () => {
    const { order } = await pendingOrder();
    const stranger = await h.userCaller();
    await expectTRPCError(stranger.caller.orders.pay({ id: order.id }), 'NOT_FOUND');
    const paid = await paidOrder();
    await expectTRPCError(paid.caller.orders.pay({ id: paid.order.id }), 'CONFLICT');
    const other = await pendingOrder();
    await other.caller.orders.cancel({ id: other.order.id });
    await expectTRPCError(other.caller.orders.pay({ id: other.order.id }), 'CONFLICT');
  });
});

describe('POST /webhooks/payments', () => {
  it('marks the order paid once, however often and in whatever order events arrive', async () => {
    const o = await orderBeingPaid();
    const paid = provider.complete(o.sessionId);
    const expired = provider.expire(o.sessionId);
    expect((await webhook.deliver(paid)).statusCode).toBe(200);
    const first = await o.caller.orders.byId({ id: o.order.id });
    clock.advance(1000);
    const answers = await Promise.all([
      webhook.deliver(paid),
      webhook.deliver(expired),
      webhook.deliver(paid),
    ]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    const read = await o.caller.orders.byId({ id: o.order.id });
    expect(read.status).toBe('PAID');
    expect(read.payment).toMatchObject({ status: 'PAID', provider: 'stripe', expiresAt: null });
    expect(read.payment.paidAt).toBe(first.payment.paidAt);
    expect(read.updatedAt).toBe(first.updatedAt);
    expect(read.actions).toEqual(['cancel']);
    expect(provider.refunds.size).toBe(0);
  });

  it('ignores a payment of another amount or currency', async () => {
    const short = await orderBeingPaid();
    const wrongAmount = provider.complete(short.sessionId, { amount: short.order.totalAmount - 1 });
    expect((await webhook.deliver(wrongAmount)).statusCode).toBe(200);
    expect((await short.caller.orders.byId({ id: short.order.id })).status).toBe('PENDING');

    const euros = await orderBeingPaid();
    const wrongCurrency = provider.complete(euros.sessionId, { currency: 'eur' });
    expect((await webhook.deliver(wrongCurrency)).statusCode).toBe(200);
    const read = await euros.caller.orders.byId({ id: euros.order.id });
    expect(read.payment.status).toBe('UNPAID');
  });

  it('answers 400 to a forged or missing signature and changes nothing', async () => {
    const o = await orderBeingPaid();
    const { body } = provider.signed(provider.complete(o.sessionId));
    const forged = await webhook.post(body, 'v1=' + 'f'.repeat(64));
    expect(forged.statusCode).toBe(400);
    expect(forged.body).not.toContain('v1=');
    expect((await webhook.post(body, undefined)).statusCode).toBe(400);
    const tampered = provider.signed(provider.expire(o.sessionId));
    expect((await webhook.post(body, tampered.signature)).statusCode).toBe(400);
    const read = await o.caller.orders.byId({ id: o.order.id });
    expect(read.status).toBe('PENDING');
    expect(read.payment.status).toBe('UNPAID');
  });

  it('refunds, once, a payment that arrives after the order was cancelled', async () => {
    const o = await orderBeingPaid();
    const stock = await stockOf(o.products[0]!.id);
    // The shopper pays on the page while the order is cancelled.
    const paid = provider.complete(o.sessionId);
    await o.caller.orders.cancel({ id: o.order.id });
    expect(await stockOf(o.products[0]!.id)).toBe(stock + 2);
    for (let i = 0; i < 3; i++) expect((await webhook.deliver(paid)).statusCode).toBe(200);
    const refunds = provider.refundsOf(paid.paymentId);
    expect(refunds).toEqual([
      { refundId: refunds[0]!.refundId, paymentId: paid.paymentId, amount: o.order.totalAmount },
    ]);
    const read = await o.caller.orders.byId({ id: o.order.id });
    expect(read).toMatchObject({ status: 'CANCELLED', payment: { status: 'REFUND_PENDING' } });
    expect(await stockOf(o.products[0]!.id)).toBe(stock + 2);

    await webhook.deliver(provider.refundSucceeded(refunds[0]!.refundId));
    const done = await o.caller.orders.byId({ id: o.order.id });
    expect(done.payment).toMatchObject({
      status: 'REFUNDED',
      refundedAt: clock.now().toISOString(),
    });
  });

  it('refunds a second payment of an order already paid', async () => {
    const o = await paidOrder();
    // A second page of the same order was paid too: the provider holds two payments.
    const extra = {
      ...o.paid,
      eventId: 'evt_other',
      sessionId: 'cs_second',
      paymentId: 'pi_second',
    };
    const first = provider.sessions.get(o.sessionId)!;
    provider.sessions.set('cs_second', { ...first, paymentId: 'pi_second' });
    expect((await webhook.deliver(extra)).statusCode).toBe(200);
    expect(provider.refundsOf('pi_second')).toHaveLength(1);
    expect(provider.refundsOf(o.paid.paymentId)).toHaveLength(0);
    expect((await o.caller.orders.byId({ id: o.order.id })).payment.status).toBe('PAID');
  });
});

describe('orders.cancel of a paid order', () => {
  it('restores stock and refunds through the provider once', async () => {
    const o = await paidOrder();
    const stock = await stockOf(o.products[0]!.id);
    const cancelled = await o.caller.orders.cancel({ id: o.order.id });
    expect(cancelled).toMatchObject({ status: 'CANCELLED', actions: [] });
    expect(cancelled.payment).toMatchObject({ status: 'REFUND_PENDING', provider: 'stripe' });
    await expectTRPCError(o.caller.orders.cancel({ id: o.order.id }), 'CONFLICT');
    expect(await stockOf(o.products[0]!.id)).toBe(stock + 2);
    const refunds = provider.refundsOf(o.paid.paymentId);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]!.amount).toBe(o.order.totalAmount);

    const succeeded = provider.refundSucceeded(refunds[0]!.refundId);
    await webhook.deliver(succeeded);
    await webhook.deliver(succeeded);
    const read = await o.caller.orders.byId({ id: o.order.id });
    expect(read.payment.status).toBe('REFUNDED');
  });
});
