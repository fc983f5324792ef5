import { describe, expect, it } from 'vitest';
import { createTestClock, recordCalls } from '@shop/testing';
import { expectTRPCError } from './support/harness.ts';
import { sessionIdOf, TEST_CARDS } from './support/payments.ts';
import { paymentIdOf, paymentsSuite, REFUND_ID } from './support/payments-suite.ts';

// The sweep cancels every old unpaid order of its tables: this file keeps its own. It moves the
// provider's clock and injects faults into its API, so it has its own Stripe-compatible server too.
// Starts at the provider's time (real time): see `payments.sync`.
const clock = createTestClock(new Date());
const MINUTE = 60_000;

/** Per attempt: an injected 2.5 s delay is a timeout. */
const TIMEOUT_MS = 1_000;

const s = paymentsSuite(clock, { ownServer: true, timeoutMs: TIMEOUT_MS });
const { payPage } = s;
/** Each order: one product of stock 10, 3 units. */
const pendingOrder = () => s.pendingOrder({ quantity: 3 });

const stockOf = async (id: string) => (await s.h.anonymousCaller().products.byId({ id })).stock;
/** A run of the sweep, every 5 minutes in a stage: long after status-index caught up. */
const sweep = () => {
  s.h.db.lag.settle();
  return s.h.db.services.payments.sweep();
};
const statusAtProvider = async (sessionId: string) =>
  (await s.payments.provider.getCheckout(sessionId)).status;
/** Every provider call fails this way, the SDK's own retries included. */
const failEvery = (fault: { method: string; path: string; kind: 'error' | 'lose' | 'delay' }) =>
  s.payments.fault({ ...fault, delayMs: TIMEOUT_MS + 1_500, times: 10 });

describe('the unpaid-order sweep', () => {
  it('cancels orders unpaid after 30 minutes, restores their stock and expires their checkout', async () => {
    const old = await pendingOrder();
    const page = await old.caller.orders.pay({ id: old.order.id });
    const sessionId = sessionIdOf(page.url);
    await s.payments.advance(10 * MINUTE);
    const young = await pendingOrder();
    await young.caller.orders.pay({ id: young.order.id });
    expect(await stockOf(old.product.id)).toBe(7);

    // 29 minutes after the first order: nothing is due.
    await s.payments.advance(19 * MINUTE);
    expect((await sweep()).cancelled).toEqual([]);
    expect(await statusAtProvider(sessionId)).toBe('open');

    // The checkout was opened for the 31 minutes the provider needs at least.
    await s.payments.advance(2 * MINUTE + 1000);
    const calls = recordCalls(s.h.db.doc);
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
    await expect(s.payments.pay(sessionId, TEST_CARDS.success)).rejects.toThrow(/expired/);
    const expired = await s.payments.event(sessionId, 'checkout.session.expired');
    expect((await s.webhook.deliver(expired)).statusCode).toBe(200);

    // Running again changes nothing.
    expect((await sweep()).cancelled).toEqual([]);
    expect(await stockOf(old.product.id)).toBe(10);
  });

  it('cancels an order whose checkout the provider expired on its own', async () => {
    const o = await pendingOrder();
    const sessionId = sessionIdOf((await o.caller.orders.pay({ id: o.order.id })).url);
    // Past the order's deadline and the checkout's: the provider expires the session itself.
    await s.payments.advance(32 * MINUTE);
    const expired = await s.payments.event(sessionId, 'checkout.session.expired');
    expect((await s.webhook.deliver(expired)).statusCode).toBe(200);
    expect((await sweep()).cancelled).toContain(o.order.id);
    expect(await stockOf(o.product.id)).toBe(10);
    expect((await o.caller.orders.byId({ id: o.order.id })).status).toBe('CANCELLED');
  });

  it('leaves a paid order alone', async () => {
    const o = await pendingOrder();
    const page = await o.caller.orders.pay({ id: o.order.id });
    await s.webhook.deliver(await payPage(sessionIdOf(page.url)));
    await s.payments.advance(60 * MINUTE);
    expect((await sweep()).cancelled).not.toContain(o.order.id);
    expect((await o.caller.orders.byId({ id: o.order.id })).status).toBe('PAID');
  });

  it('leaves an order whose checkout expiry the provider refused, and cancels it on the next run', async () => {
    const o = await pendingOrder();
    const sessionId = sessionIdOf((await o.caller.orders.pay({ id: o.order.id })).url);
    await s.payments.advance(40 * MINUTE);
    await failEvery({
      method: 'POST',
      path: `/v1/checkout/sessions/${sessionId}/expire`,
      kind: 'error',
    });
    expect((await sweep()).skipped).toContain(o.order.id);
    expect((await o.caller.orders.byId({ id: o.order.id })).status).toBe('PENDING');
    await s.payments.control.clearFaults();
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
      await s.payments.control.clearFaults();
      // The delayed requests finish at the provider after the shop gave up on them.
      await new Promise((r) => setTimeout(r, kind === 'delay' ? 2_000 : 0));
      const page = await o.caller.orders.pay({ id: o.order.id });
      const sessions = await s.payments.sessionsOf(o.order.id);
      expect(sessions).toHaveLength(1);
      expect(page.url).toBe(sessions[0]!.url);
    }
  });

  it('opens one checkout when a single answer is lost: the SDK retries under the same key', async () => {
    const o = await pendingOrder();
    await s.payments.fault({
      method: 'POST',
      path: '/v1/checkout/sessions',
      kind: 'lose',
      times: 1,
    });
    const page = await o.caller.orders.pay({ id: o.order.id });
    expect(await s.payments.sessionsOf(o.order.id)).toHaveLength(1);
    expect((await s.payments.sessionsOf(o.order.id))[0]!.url).toBe(page.url);
  });

  it('refunds a cancelled paid order once when the refund call fails, times out or loses its answer', async () => {
    for (const kind of ['error', 'delay', 'lose'] as const) {
      const o = await pendingOrder();
      const page = await o.caller.orders.pay({ id: o.order.id });
      const paid = await payPage(sessionIdOf(page.url));
      await s.webhook.deliver(paid);
      await failEvery({ method: 'POST', path: '/v1/refunds', kind });
      const cancelled = await o.caller.orders.cancel({ id: o.order.id });
      expect(cancelled).toMatchObject({
        status: 'CANCELLED',
        payment: { status: 'REFUND_PENDING' },
      });
      await s.payments.control.clearFaults();
      await new Promise((r) => setTimeout(r, kind === 'delay' ? 2_000 : 0));
      // 500 before acting: no refund; a lost answer or a timeout: done at the provider.
      expect(await s.payments.refundsOf(paymentIdOf(paid))).toHaveLength(kind === 'error' ? 0 : 1);
      // The sweep asks again; the key makes it the same refund.
      expect((await sweep()).refunded).toContain(o.order.id);
      expect((await sweep()).refunded).not.toContain(o.order.id);
      const refunds = await s.payments.refundsOf(paymentIdOf(paid));
      expect(refunds).toEqual([
        { id: REFUND_ID, amount: o.order.totalAmount, status: 'succeeded' },
      ]);
      // The provider's event ends it: REFUNDED, never stuck in REFUND_PENDING.
      await s.webhook.deliver(await s.payments.event(refunds[0]!.id, 'refund.created'));
      expect((await o.caller.orders.byId({ id: o.order.id })).payment.status).toBe('REFUNDED');
    }
  });

  it('answers 500 when a late payment cannot be refunded yet, and refunds it once on redelivery', async () => {
    const o = await pendingOrder();
    const page = await o.caller.orders.pay({ id: o.order.id });
    const paid = await payPage(sessionIdOf(page.url));
    await o.caller.orders.cancel({ id: o.order.id });
    await failEvery({ method: 'POST', path: '/v1/refunds', kind: 'lose' });
    expect((await s.webhook.deliver(paid)).statusCode).toBe(500);
    await s.payments.control.clearFaults();
    expect((await s.webhook.deliver(paid)).statusCode).toBe(200);
    expect((await s.webhook.deliver(paid)).statusCode).toBe(200);
    expect(await s.payments.refundsOf(paymentIdOf(paid))).toHaveLength(1);
    const read = await o.caller.orders.byId({ id: o.order.id });
    expect(read.payment.status).toBe('REFUND_PENDING');
  });

  it('refunds once when refunds are asynchronous at the provider (pending, then succeeded)', async () => {
    const o = await pendingOrder();
    const page = await o.caller.orders.pay({ id: o.order.id });
    const paid = await payPage(sessionIdOf(page.url));
    await s.webhook.deliver(paid);
    await s.payments.control.pendingRefunds(true);
    try {
      await o.caller.orders.cancel({ id: o.order.id });
      const [refund] = await s.payments.refundsOf(paymentIdOf(paid));
      expect(refund!.status).toBe('pending');
      // refund.created (pending) changes nothing; refund.updated (succeeded) ends it.
      await s.webhook.deliver(await s.payments.event(refund!.id, 'refund.created'));
      expect((await o.caller.orders.byId({ id: o.order.id })).payment.status).toBe(
        'REFUND_PENDING',
      );
      await s.payments.control.succeedRefund(refund!.id);
      await s.webhook.deliver(await s.payments.event(refund!.id, 'refund.updated'));
      expect((await o.caller.orders.byId({ id: o.order.id })).payment.status).toBe('REFUNDED');
    } finally {
      await s.payments.control.pendingRefunds(false);
    }
  });
});
