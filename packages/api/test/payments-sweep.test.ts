import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestClock, recordCalls } from '@shop/testing';
import {
  createHarness,
  expectTRPCError,
  validAddress,
  validProduct,
  type Caller,
  type Harness,
} from './support/harness.ts';
import {
  createTestPayments,
  sessionIdOf,
  TEST_CARDS,
  type TestPayments,
} from './support/payments.ts';
import { webhookPoster } from './support/webhook.ts';

// The sweep cancels every old unpaid order of its tables: this file keeps its own. It moves the
// provider's clock and injects faults into its API, so it has its own Stripe-compatible server too.
let h: Harness;
let admin: Caller;
let payments: TestPayments;
let webhook: ReturnType<typeof webhookPoster>;
// Starts at the provider's time (real time): see `payments.sync`.
const clock = createTestClock(new Date());
const REFUND_ID: unknown = expect.stringMatching(/^re_/);
const MINUTE = 60_000;

/** Per attempt: an injected 2.5 s delay is a timeout. */
const TIMEOUT_MS = 1_000;

beforeAll(async () => {
  payments = await createTestPayments(clock, { ownServer: true, timeoutMs: TIMEOUT_MS });
  h = await createHarness({ clock, payments: payments.settings });
  admin = (await h.adminCaller()).caller;
  webhook = webhookPoster(h.deps, payments);
});
beforeEach(() => payments.sync());
afterAll(() => payments?.stop());

const stockOf = async (id: string) => (await h.anonymousCaller().products.byId({ id })).stock;
/** A run of the sweep, every 5 minutes in a stage: long after status-index caught up. */
const sweep = () => {
  h.db.lag.settle();
  return h.db.services.payments.sweep();
};
const statusAtProvider = async (sessionId: string) =>
  (await payments.provider.getCheckout(sessionId)).status;
/** Every provider call fails this way, the SDK's own retries included. */
const failEvery = (fault: { method: string; path: string; kind: 'error' | 'lose' | 'delay' }) =>
  payments.fault({ ...fault, delayMs: TIMEOUT_MS + 1_500, times: 10 });

/** The shopper pays the page; the provider's completion event. */
async function payPage(sessionId: string) {
  expect((await payments.pay(sessionId, TEST_CARDS.success)).status).toBe('succeeded');
  const event = await payments.event(sessionId, 'checkout.session.completed');
  const paymentId = (event.data.object as unknown as { payment_intent: string }).payment_intent;
  return { event, paymentId };
}

async function pendingOrder() {
  const { caller } = await h.userCaller();
  const address = await caller.addresses.create(validAddress());
  const product = await admin.products.create(validProduct({ stock: 10 }));
  const order = await caller.orders.create({
    items: [{ productId: product.id, quantity: 3 }],
    shippingAddressId: address.id,
  });
  return { caller, product, order };
}

describe('the unpaid-order sweep', () => {
  it('cancels orders unpaid after 30 minutes, restores their stock and expires their checkout', async () => {
    const old = await pendingOrder();
    const page = await old.caller.orders.pay({ id: old.order.id });
    const sessionId = sessionIdOf(page.url);
    await payments.advance(10 * MINUTE);
    const young = await pendingOrder();
    await young.caller.orders.pay({ id: young.order.id });
    expect(await stockOf(old.product.id)).toBe(7);

    // 29 minutes after the first order: nothing is due.
    await payments.advance(19 * MINUTE);
    expect((await sweep()).cancelled).toEqual([]);
    expect(await statusAtProvider(sessionId)).toBe('open');

    // The checkout was opened for the 31 minutes the provider needs at least.
    await payments.advance(2 * MINUTE + 1000);
    const calls = recordCalls(h.db.doc);
    const result = await sweep();
    calls.stop();
    expect(result.cancelled).toEqual([old.order.id]);
    expect(await statusAtProvider(sessionId)).toBe('expired');
    expect(await stockOf(old.product.id)).toBe(10);
    const read = await old.caller.orders.byId({ id: old.order.id });
    expect(read).toMatchObject({ status: 'CANCELLED', actions: [], payment: { status: 'UNPAID' } });
    expect(await stockOf(young.product.id)).toBe(7);
    expect((await young.caller.orders.byId({ id: young.order.id })).status).toBe('PENDING');

    // An index query (never a scan), then a consistent read by key before acting.
    const commands = calls.calls.map((c) => c.command);
    expect(commands).not.toContain('ScanCommand');
    const query = calls.calls.find((c) => c.command === 'QueryCommand')!;
    expect(query.input).toMatchObject({
      IndexName: 'status-index',
      ExpressionAttributeValues: { ':pending': 'PENDING' },
    });
    const get = calls.calls.find(
      (c) => c.command === 'GetItemCommand' && (c.input.Key as { id: string }).id === old.order.id,
    );
    expect(get?.input.ConsistentRead).toBe(true);

    // The page can no longer be paid; the provider's expiry event, however late, changes nothing.
    await expect(payments.pay(sessionId, TEST_CARDS.success)).rejects.toThrow(/expired/);
    const expired = await payments.event(sessionId, 'checkout.session.expired');
    expect((await webhook.deliver(expired)).statusCode).toBe(200);

    // Running again changes nothing.
    expect((await sweep()).cancelled).toEqual([]);
    expect(await stockOf(old.product.id)).toBe(10);
  });

  it('cancels an order whose checkout the provider expired on its own', async () => {
    const o = await pendingOrder();
    const sessionId = sessionIdOf((await o.caller.orders.pay({ id: o.order.id })).url);
    // Past the order's deadline and the checkout's: the provider expires the session itself.
    await payments.advance(32 * MINUTE);
    const expired = await payments.event(sessionId, 'checkout.session.expired');
    expect((await webhook.deliver(expired)).statusCode).toBe(200);
    expect((await sweep()).cancelled).toContain(o.order.id);
    expect(await stockOf(o.product.id)).toBe(10);
    expect((await o.caller.orders.byId({ id: o.order.id })).status).toBe('CANCELLED');
  });

  it('leaves a paid order alone', async () => {
    const o = await pendingOrder();
    const page = await o.caller.orders.pay({ id: o.order.id });
    await webhook.deliver((await payPage(sessionIdOf(page.url))).event);
    await payments.advance(60 * MINUTE);
    expect((await sweep()).cancelled).not.toContain(o.order.id);
    expect((await o.caller.orders.byId({ id: o.order.id })).status).toBe('PAID');
  });

  it('leaves an order whose checkout expiry the provider refused, and cancels it on the next run', async () => {
    const o = await pendingOrder();
    const sessionId = sessionIdOf((await o.caller.orders.pay({ id: o.order.id })).url);
    await payments.advance(40 * MINUTE);
    await failEvery({
      method: 'POST',
      path: `/v1/checkout/sessions/${sessionId}/expire`,
      kind: 'error',
    });
    expect((await sweep()).skipped).toContain(o.order.id);
    expect((await o.caller.orders.byId({ id: o.order.id })).status).toBe('PENDING');
    await payments.control.clearFaults();
    expect((await sweep()).cancelled).toContain(o.order.id);
    expect(await stockOf(o.product.id)).toBe(10);
  });
});

describe('provider faults', () => {
  it('opens one checkout when the answer to creating it was lost or timed out', async () => {
    for (const kind of ['lose', 'delay', 'error'] as const) {
      const o = await pendingOrder();
      await failEvery({ method: 'POST', path: '/v1/checkout/sessions', kind });
      await expectTRPCError(o.caller.orders.pay({ id: o.order.id }), 'INTERNAL_SERVER_ERROR');
      await payments.control.clearFaults();
      // The delayed requests finish at the provider after the shop gave up on them.
      await new Promise((r) => setTimeout(r, kind === 'delay' ? 2_000 : 0));
      const page = await o.caller.orders.pay({ id: o.order.id });
      const sessions = await payments.sessionsOf(o.order.id);
      expect(sessions).toHaveLength(1);
      expect(page.url).toBe(sessions[0]!.url);
    }
  });

  it('opens one checkout when a single answer is lost: the SDK retries under the same key', async () => {
    const o = await pendingOrder();
    await payments.fault({ method: 'POST', path: '/v1/checkout/sessions', kind: 'lose', times: 1 });
    const page = await o.caller.orders.pay({ id: o.order.id });
    expect(await payments.sessionsOf(o.order.id)).toHaveLength(1);
    expect((await payments.sessionsOf(o.order.id))[0]!.url).toBe(page.url);
  });

  it('refunds a cancelled paid order once when the refund call fails, times out or loses its answer', async () => {
    for (const kind of ['error', 'delay', 'lose'] as const) {
      const o = await pendingOrder();
      const page = await o.caller.orders.pay({ id: o.order.id });
      const paid = await payPage(sessionIdOf(page.url));
      await webhook.deliver(paid.event);
      await failEvery({ method: 'POST', path: '/v1/refunds', kind });
      const cancelled = await o.caller.orders.cancel({ id: o.order.id });
      expect(cancelled).toMatchObject({
        status: 'CANCELLED',
        payment: { status: 'REFUND_PENDING' },
      });
      await payments.control.clearFaults();
      await new Promise((r) => setTimeout(r, kind === 'delay' ? 2_000 : 0));
      // 500 before acting: no refund; a lost answer or a timeout: done at the provider.
      expect(await payments.refundsOf(paid.paymentId)).toHaveLength(kind === 'error' ? 0 : 1);
      // The sweep asks again; the key makes it the same refund.
      expect((await sweep()).refunded).toContain(o.order.id);
      expect((await sweep()).refunded).not.toContain(o.order.id);
      const refunds = await payments.refundsOf(paid.paymentId);
      expect(refunds).toEqual([
        { id: REFUND_ID, amount: o.order.totalAmount, status: 'succeeded' },
      ]);
      // The provider's event ends it: REFUNDED, never stuck in REFUND_PENDING.
      await webhook.deliver(await payments.event(refunds[0]!.id, 'refund.created'));
      expect((await o.caller.orders.byId({ id: o.order.id })).payment.status).toBe('REFUNDED');
    }
  });

  it('answers 500 when a late payment cannot be refunded yet, and refunds it once on redelivery', async () => {
    const o = await pendingOrder();
    const page = await o.caller.orders.pay({ id: o.order.id });
    const paid = await payPage(sessionIdOf(page.url));
    await o.caller.orders.cancel({ id: o.order.id });
    await failEvery({ method: 'POST', path: '/v1/refunds', kind: 'lose' });
    expect((await webhook.deliver(paid.event)).statusCode).toBe(500);
    await payments.control.clearFaults();
    expect((await webhook.deliver(paid.event)).statusCode).toBe(200);
    expect((await webhook.deliver(paid.event)).statusCode).toBe(200);
    expect(await payments.refundsOf(paid.paymentId)).toHaveLength(1);
    const read = await o.caller.orders.byId({ id: o.order.id });
    expect(read.payment.status).toBe('REFUND_PENDING');
  });

  it('refunds once when refunds are asynchronous at the provider (pending, then succeeded)', async () => {
    const o = await pendingOrder();
    const page = await o.caller.orders.pay({ id: o.order.id });
    const paid = await payPage(sessionIdOf(page.url));
    await webhook.deliver(paid.event);
    await payments.control.pendingRefunds(true);
    try {
      await o.caller.orders.cancel({ id: o.order.id });
      const [refund] = await payments.refundsOf(paid.paymentId);
      expect(refund!.status).toBe('pending');
      // refund.created (pending) changes nothing; refund.updated (succeeded) ends it.
      await webhook.deliver(await payments.event(refund!.id, 'refund.created'));
      expect((await o.caller.orders.byId({ id: o.order.id })).payment.status).toBe(
        'REFUND_PENDING',
      );
      await payments.control.succeedRefund(refund!.id);
      await webhook.deliver(await payments.event(refund!.id, 'refund.updated'));
      expect((await o.caller.orders.byId({ id: o.order.id })).payment.status).toBe('REFUNDED');
    } finally {
      await payments.control.pendingRefunds(false);
    }
  });
});
