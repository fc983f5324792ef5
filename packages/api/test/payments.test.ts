import { describe, expect, it } from 'vitest';
import { createTestClock, recordCalls } from '@shop/testing';
import { expectTRPCError, validAddress, validProduct } from './support/harness.ts';
import { sessionIdOf, TEST_CARDS } from './support/payments.ts';
import { paymentIdOf, paymentsSuite, REFUND_ID } from './support/payments-suite.ts';

// Starts at the provider's time (real time): see `payments.sync`.
const clock = createTestClock(new Date());
// The Stripe adapter against the run's shared Stripe-compatible local server (see support/payments.ts).
const s = paymentsSuite(clock);
const { pendingOrder, payPage } = s;

const stockOf = async (id: string) => (await s.h.anonymousCaller().products.byId({ id })).stock;

/** A pending order the shopper has opened the payment page of. */
async function orderBeingPaid() {
  const placed = await pendingOrder();
  const page = await placed.caller.orders.pay({ id: placed.order.id });
  return { ...placed, page, sessionId: sessionIdOf(page.url) };
}

async function paidOrder() {
  const o = await orderBeingPaid();
  const paid = await payPage(o.sessionId);
  expect((await s.webhook.deliver(paid)).statusCode).toBe(200);
  return { ...o, paid, paymentId: paymentIdOf(paid) };
}

/** A second Checkout Session for the same order, opened at the provider directly. */
async function extraSession(
  orderId: string,
  lines: { name: string; unitAmount: number; quantity: number }[],
  currency = 'USD',
) {
  const session = await s.payments.provider.createCheckout({
    orderId,
    userId: 'someone',
    amount: lines.reduce((sum, l) => sum + l.unitAmount * l.quantity, 0),
    currency,
    lines,
    successUrl: `https://shop.test/orders/${orderId}`,
    cancelUrl: `https://shop.test/orders/${orderId}`,
    expiresAt: new Date(Date.now() + 60 * 60_000),
    idempotencyKey: `extra-${orderId}-${currency}-${lines[0]!.unitAmount}`,
  });
  return session.sessionId;
}

describe('orders.quote', () => {
  it("answers today's prices, the total and what is short, from one BatchGetItem", async () => {
    const plenty = await s.admin.products.create(validProduct({ price: 1000, stock: 500 }));
    const few = await s.admin.products.create(validProduct({ price: 250, stock: 2 }));
    const none = await s.admin.products.create(validProduct({ price: 99, stock: 0 }));
    const calls = recordCalls(s.h.db.doc);
    const quote = await s.h.anonymousCaller().orders.quote({
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
    const product = await s.admin.products.create(validProduct({ price: 1000 }));
    const items = [{ productId: product.id, quantity: 1 }];
    expect((await s.h.anonymousCaller().orders.quote({ items })).total).toBe(1000);
    await s.admin.products.update({ id: product.id, price: 2500 });
    expect((await s.h.anonymousCaller().orders.quote({ items })).total).toBe(2500);
  });

  it('refuses more than 25 lines and a quantity above 100', async () => {
    const items = Array.from({ length: 26 }, (_, n) => ({ productId: `p${n}`, quantity: 1 }));
    await expectTRPCError(s.h.anonymousCaller().orders.quote({ items }), 'BAD_REQUEST');
    await expectTRPCError(
      s.h.anonymousCaller().orders.quote({ items: [{ productId: 'p', quantity: 101 }] }),
      'BAD_REQUEST',
    );
  });
});

describe('orders.create with expectedTotal', () => {
  it('is PRECONDITION_FAILED after a price change and writes nothing', async () => {
    const { caller } = await s.h.userCaller();
    const address = await caller.addresses.create(validAddress());
    const product = await s.admin.products.create(validProduct({ price: 1000, stock: 5 }));
    await s.admin.products.update({ id: product.id, price: 2500 });
    const calls = recordCalls(s.h.db.doc);
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
    // The caller's account check (a Users read by key), the products' prices, no write.
    // (The two run in parallel: either may be recorded first.)
    expect(calls.calls.map((c) => c.command).sort()).toEqual([
      'BatchGetItemCommand',
      'GetItemCommand',
    ]);
    expect(calls.calls.find((c) => c.command === 'GetItemCommand')!.input.TableName).toBe(
      s.h.db.tables.Users,
    );
    expect(await stockOf(product.id)).toBe(5);
    s.h.db.lag.settle();
    expect((await caller.orders.list()).items).toEqual([]);
  });

  it('places the order when the total is the one shown', async () => {
    const { caller } = await s.h.userCaller();
    const address = await caller.addresses.create(validAddress());
    const product = await s.admin.products.create(validProduct({ price: 2500, stock: 5 }));
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
    // The list reads userId-index, eventually consistent as on AWS.
    s.h.db.lag.settle();
    expect((await caller.orders.list()).items[0]!.actions).toEqual(['pay', 'cancel']);
    expect((await s.admin.orders.byId({ id: order.id })).actions).toEqual([]);
  });

  it('reads an order written before payments existed as unpaid', async () => {
    const { caller, order } = await pendingOrder();
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    await s.h.db.doc.send(
      new UpdateCommand({
        TableName: s.h.db.tables.Orders,
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
    const paid = await s.admin.orders.updateStatus({ id: order.id, status: 'PAID' });
    expect(paid.payment).toMatchObject({ status: 'PAID', provider: 'manual' });
    expect(paid.payment.paidAt).toBe(clock.now().toISOString());
    expect((await caller.orders.byId({ id: order.id })).actions).toEqual(['cancel']);
  });
});

describe('orders.pay', () => {
  it('opens one checkout for the order total and gives the same page when asked again', async () => {
    const { caller, order } = await pendingOrder({ lines: 3 });
    const first = await caller.orders.pay({ id: order.id });
    const again = await caller.orders.pay({ id: order.id });
    expect(again).toEqual(first);
    const sessions = await s.payments.sessionsOf(order.id);
    expect(sessions).toHaveLength(1);
    expect(first.url).toBe(sessions[0]!.url);
    expect(sessions[0]).toMatchObject({
      status: 'open',
      amount_total: order.totalAmount,
      currency: 'usd',
      client_reference_id: order.id,
      success_url: `https://shop.test/orders/${order.id}`,
    });
    expect(sessions[0]!.line_items).toHaveLength(3);
    const read = await caller.orders.byId({ id: order.id });
    expect(read.payment.expiresAt).toBe(first.expiresAt);
  });

  it('gives one checkout to five simultaneous requests', async () => {
    const { caller, order } = await pendingOrder();
    const pages = await Promise.all(
      Array.from({ length: 5 }, () => caller.orders.pay({ id: order.id })),
    );
    expect(new Set(pages.map((p) => p.url)).size).toBe(1);
    expect(await s.payments.sessionsOf(order.id)).toHaveLength(1);
  });

  it("is NOT_FOUND for another user's order and CONFLICT once paid or cancelled", async () => {
    const { order } = await pendingOrder();
    const stranger = await s.h.userCaller();
    await expectTRPCError(stranger.caller.orders.pay({ id: order.id }), 'NOT_FOUND');
    const paid = await paidOrder();
    await expectTRPCError(paid.caller.orders.pay({ id: paid.order.id }), 'CONFLICT');
    const other = await pendingOrder();
    await other.caller.orders.cancel({ id: other.order.id });
    await expectTRPCError(other.caller.orders.pay({ id: other.order.id }), 'CONFLICT');
  });
});

describe('paying with test cards on the hosted page', () => {
  it('stays unpaid after a declined card, and is paid by the next card', async () => {
    const o = await orderBeingPaid();
    const declined = await s.payments.pay(o.sessionId, TEST_CARDS.declined);
    expect(declined).toEqual({ status: 'declined', message: 'Your card was declined.' });
    expect(await s.payments.eventsOf(o.sessionId, 'checkout.session.completed')).toEqual([]);
    const failed = await s.payments.eventsOf(o.order.id, 'payment_intent.payment_failed');
    expect(failed).toHaveLength(1);
    // Events the shop does not act on change nothing.
    for (const event of await s.payments.eventsOf(o.order.id)) {
      expect((await s.webhook.deliver(event)).statusCode).toBe(200);
    }
    const unpaid = await o.caller.orders.byId({ id: o.order.id });
    expect(unpaid).toMatchObject({ status: 'PENDING', payment: { status: 'UNPAID' } });
    expect(unpaid.actions).toEqual(['pay', 'cancel']);
    // Paying again gives the same page, where a good card now succeeds.
    expect(await o.caller.orders.pay({ id: o.order.id })).toEqual(o.page);
    const paid = await payPage(o.sessionId);
    expect((await s.webhook.deliver(paid)).statusCode).toBe(200);
    const read = await o.caller.orders.byId({ id: o.order.id });
    expect(read).toMatchObject({ status: 'PAID', payment: { status: 'PAID', provider: 'stripe' } });
  });

  it('is paid only once the extra confirmation step is completed', async () => {
    const o = await orderBeingPaid();
    expect(await s.payments.pay(o.sessionId, TEST_CARDS.authentication)).toEqual({
      status: 'requires_action',
    });
    expect((await s.payments.control.authenticate(o.sessionId, 'fail')).status).toBe('declined');
    expect(await s.payments.eventsOf(o.sessionId, 'checkout.session.completed')).toEqual([]);
    expect((await o.caller.orders.byId({ id: o.order.id })).status).toBe('PENDING');

    await s.payments.pay(o.sessionId, TEST_CARDS.authentication);
    const done = await s.payments.control.authenticate(o.sessionId, 'complete');
    expect(done).toEqual({
      status: 'succeeded',
      redirectUrl: `https://shop.test/orders/${o.order.id}`,
    });
    const paid = await s.payments.event(o.sessionId, 'checkout.session.completed');
    expect((await s.webhook.deliver(paid)).statusCode).toBe(200);
    expect((await o.caller.orders.byId({ id: o.order.id })).status).toBe('PAID');
  });
});

describe('POST /webhooks/payments', () => {
  it('marks the order paid once, however often and in whatever order events arrive', async () => {
    const o = await orderBeingPaid();
    // An older page of the same order, expired at the provider; its event comes late.
    const old = await extraSession(o.order.id, [{ name: 'x', unitAmount: 2500, quantity: 1 }]);
    await s.payments.provider.expireCheckout(old);
    const expired = await s.payments.event(old, 'checkout.session.expired');
    const paid = await payPage(o.sessionId);
    expect((await s.webhook.deliver(paid)).statusCode).toBe(200);
    const first = await o.caller.orders.byId({ id: o.order.id });
    clock.advance(1000);
    // Everything the provider said about the order, newest first, each three times at once.
    const all = (await s.payments.eventsOf(o.order.id)).reverse();
    expect(all.map((e) => e.type)).toContain('checkout.session.completed');
    const answers = await Promise.all(
      [...all, ...all, ...all, expired].map((e) => s.webhook.deliver(e)),
    );
    expect(answers.every((a) => a.statusCode === 200)).toBe(true);
    const read = await o.caller.orders.byId({ id: o.order.id });
    expect(read.status).toBe('PAID');
    expect(read.payment).toMatchObject({ status: 'PAID', provider: 'stripe', expiresAt: null });
    expect(read.payment.paidAt).toBe(first.payment.paidAt);
    expect(read.updatedAt).toBe(first.updatedAt);
    expect(read.actions).toEqual(['cancel']);
    expect(await s.payments.refundsOf(paymentIdOf(paid))).toEqual([]);
  });

  it('ignores a payment of another amount or currency', async () => {
    const short = await orderBeingPaid();
    // A page of the same order at the provider, for a cent less, paid with a good card.
    const cheap = await extraSession(short.order.id, [
      { name: 'x', unitAmount: short.order.totalAmount - 1, quantity: 1 },
    ]);
    const wrongAmount = await payPage(cheap);
    expect((wrongAmount.data.object as { amount_total?: number }).amount_total).toBe(
      short.order.totalAmount - 1,
    );
    expect((await s.webhook.deliver(wrongAmount)).statusCode).toBe(200);
    expect((await short.caller.orders.byId({ id: short.order.id })).status).toBe('PENDING');

    const euros = await orderBeingPaid();
    const inEuros = await extraSession(
      euros.order.id,
      [{ name: 'x', unitAmount: euros.order.totalAmount, quantity: 1 }],
      'EUR',
    );
    const wrongCurrency = await payPage(inEuros);
    expect((await s.webhook.deliver(wrongCurrency)).statusCode).toBe(200);
    const read = await euros.caller.orders.byId({ id: euros.order.id });
    expect(read).toMatchObject({ status: 'PENDING', payment: { status: 'UNPAID' } });
  });

  it('answers 400 to a forged or missing signature and changes nothing', async () => {
    const o = await orderBeingPaid();
    const paid = await payPage(o.sessionId);
    const { body } = s.payments.signed(paid);
    const calls = recordCalls(s.h.db.doc);
    const forged = await s.webhook.post(
      body,
      `t=${Math.floor(Date.now() / 1000)},v1=${'f'.repeat(64)}`,
    );
    expect(forged.statusCode).toBe(400);
    expect(forged.body).not.toContain('v1=');
    expect((await s.webhook.post(body, undefined)).statusCode).toBe(400);
    // Signed with another secret, or the signature of another event.
    const otherSecret = s.payments.signed(paid, 'whsec_not_the_shops');
    expect((await s.webhook.post(body, otherSecret.signature)).statusCode).toBe(400);
    const others = await s.payments.eventsOf(o.order.id, 'payment_intent.succeeded');
    const borrowed = s.payments.signed(others[0]!);
    expect((await s.webhook.post(body, borrowed.signature)).statusCode).toBe(400);
    // The body changed after signing (the amount), under the original signature.
    const signed = s.payments.signed(paid);
    const tampered = signed.body.replace('"amount_total": ', '"amount_total": 1');
    expect(tampered).not.toBe(signed.body);
    expect((await s.webhook.post(tampered, signed.signature)).statusCode).toBe(400);
    calls.stop();
    expect(calls.calls).toEqual([]);
    const read = await o.caller.orders.byId({ id: o.order.id });
    expect(read.status).toBe('PENDING');
    expect(read.payment.status).toBe('UNPAID');
  });

  it('refunds, once, a payment that arrives after the order was cancelled', async () => {
    const o = await orderBeingPaid();
    const stock = await stockOf(o.products[0]!.id);
    // The shopper pays on the page while the order is cancelled.
    const paid = await payPage(o.sessionId);
    await o.caller.orders.cancel({ id: o.order.id });
    expect(await stockOf(o.products[0]!.id)).toBe(stock + 2);
    for (let i = 0; i < 3; i++) expect((await s.webhook.deliver(paid)).statusCode).toBe(200);
    const refunds = await s.payments.refundsOf(paymentIdOf(paid));
    expect(refunds).toEqual([{ id: REFUND_ID, amount: o.order.totalAmount, status: 'succeeded' }]);
    const read = await o.caller.orders.byId({ id: o.order.id });
    expect(read).toMatchObject({ status: 'CANCELLED', payment: { status: 'REFUND_PENDING' } });
    expect(await stockOf(o.products[0]!.id)).toBe(stock + 2);

    clock.advance(1000);
    const refunded = await s.payments.event(refunds[0]!.id, 'refund.created');
    expect((await s.webhook.deliver(refunded)).statusCode).toBe(200);
    const done = await o.caller.orders.byId({ id: o.order.id });
    expect(done.payment).toMatchObject({
      status: 'REFUNDED',
      refundedAt: clock.now().toISOString(),
    });
    expect(await s.payments.refundsOf(paymentIdOf(paid))).toHaveLength(1);
  });

  it('refunds a second payment of an order already paid', async () => {
    const o = await paidOrder();
    // A second page of the same order was paid too: the provider holds two s.payments.
    const second = await extraSession(o.order.id, [
      { name: 'x', unitAmount: o.order.totalAmount, quantity: 1 },
    ]);
    const extra = await payPage(second);
    expect((await s.webhook.deliver(extra)).statusCode).toBe(200);
    expect((await s.webhook.deliver(extra)).statusCode).toBe(200);
    expect(await s.payments.refundsOf(paymentIdOf(extra))).toHaveLength(1);
    expect(await s.payments.refundsOf(o.paymentId)).toEqual([]);
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
    const refunds = await s.payments.refundsOf(o.paymentId);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]!.amount).toBe(o.order.totalAmount);

    // The provider's refund event (created already succeeded), delivered twice.
    const succeeded = await s.payments.event(refunds[0]!.id, 'refund.created');
    await s.webhook.deliver(succeeded);
    await s.webhook.deliver(succeeded);
    const read = await o.caller.orders.byId({ id: o.order.id });
    expect(read.payment.status).toBe('REFUNDED');
    expect(await s.payments.refundsOf(o.paymentId)).toHaveLength(1);
  });
});
