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

// The sweep cancels every old unpaid order of its tables: this file keeps its own.
let h: Harness;
let admin: Caller;
let provider: TestProvider;
let webhook: ReturnType<typeof webhookPoster>;
const clock = createTestClock();
const MINUTE = 60_000;

beforeAll(async () => {
  const payments = createTestPayments(clock);
  provider = payments.provider;
  h = await createHarness({ clock, payments: payments.settings });
  admin = (await h.adminCaller()).caller;
  webhook = webhookPoster(h.deps, provider);
});

const stockOf = async (id: string) => (await h.anonymousCaller().products.byId({ id })).stock;
const sweep = () => h.db.services.payments.sweep();

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
    await old.caller.orders.pay({ id: old.order.id });
    const [session] = provider.sessionsOf(old.order.id);
    clock.advance(10 * MINUTE);
    const young = await pendingOrder();
    expect(await stockOf(old.product.id)).toBe(7);

    // 29 minutes after the first order: nothing is due.
    clock.advance(19 * MINUTE);
    expect((await sweep()).cancelled).toEqual([]);

    // The checkout was opened for the 31 minutes the provider needs at least.
    clock.advance(2 * MINUTE + 1);
    const calls = recordCalls(h.db.doc);
    const result = await sweep();
    calls.stop();
    expect(result.cancelled).toEqual([old.order.id]);
    expect(session!.status).toBe('expired');
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

    // Running again changes nothing.
    expect((await sweep()).cancelled).toEqual([]);
    expect(await stockOf(old.product.id)).toBe(10);
  });

  it('leaves a paid order alone', async () => {
    const o = await pendingOrder();
    await o.caller.orders.pay({ id: o.order.id });
    const [session] = provider.sessionsOf(o.order.id);
    await webhook.deliver(provider.complete(session!.session.sessionId));
    clock.advance(60 * MINUTE);
    expect((await sweep()).cancelled).not.toContain(o.order.id);
    expect((await o.caller.orders.byId({ id: o.order.id })).status).toBe('PAID');
  });

  it('leaves an order whose checkout expiry the provider refused, and cancels it on the next run', async () => {
    const o = await pendingOrder();
    await o.caller.orders.pay({ id: o.order.id });
    clock.advance(40 * MINUTE);
    provider.failNext('expireCheckout', '5xx');
    expect((await sweep()).skipped).toContain(o.order.id);
    expect((await o.caller.orders.byId({ id: o.order.id })).status).toBe('PENDING');
    expect((await sweep()).cancelled).toContain(o.order.id);
    expect(await stockOf(o.product.id)).toBe(10);
  });
});

describe('provider faults', () => {
  it('opens one checkout when the answer to creating it was lost or timed out', async () => {
    const o = await pendingOrder();
    provider.failNext('createCheckout', 'lost');
    await expectTRPCError(o.caller.orders.pay({ id: o.order.id }), 'INTERNAL_SERVER_ERROR');
    provider.failNext('createCheckout', 'timeout');
    await expectTRPCError(o.caller.orders.pay({ id: o.order.id }), 'INTERNAL_SERVER_ERROR');
    const page = await o.caller.orders.pay({ id: o.order.id });
    expect(provider.sessionsOf(o.order.id)).toHaveLength(1);
    expect(page.url).toBe(provider.sessionsOf(o.order.id)[0]!.session.url);
  });

  it('refunds a cancelled paid order once when the refund call fails, times out or loses its answer', async () => {
    for (const fault of ['5xx', 'timeout', 'lost'] as const) {
      const o = await pendingOrder();
      await o.caller.orders.pay({ id: o.order.id });
      const sessionId = provider.sessionsOf(o.order.id)[0]!.session.sessionId;
      const paid = provider.complete(sessionId);
      await webhook.deliver(paid);
      provider.failNext('refund', fault);
      const cancelled = await o.caller.orders.cancel({ id: o.order.id });
      expect(cancelled.payment.status).toBe('REFUND_PENDING');
      expect(provider.refundsOf(paid.paymentId)).toHaveLength(fault === 'lost' ? 1 : 0);
      // The sweep asks again; the key makes it the same refund.
      expect((await sweep()).refunded).toContain(o.order.id);
      expect((await sweep()).refunded).not.toContain(o.order.id);
      expect(provider.refundsOf(paid.paymentId)).toHaveLength(1);
    }
  });

  it('answers 500 when a late payment cannot be refunded yet, and refunds it once on redelivery', async () => {
    const o = await pendingOrder();
    await o.caller.orders.pay({ id: o.order.id });
    const sessionId = provider.sessionsOf(o.order.id)[0]!.session.sessionId;
    const paid = provider.complete(sessionId);
    await o.caller.orders.cancel({ id: o.order.id });
    provider.failNext('refund', 'lost');
    expect((await webhook.deliver(paid)).statusCode).toBe(500);
    expect((await webhook.deliver(paid)).statusCode).toBe(200);
    expect((await webhook.deliver(paid)).statusCode).toBe(200);
    expect(provider.refundsOf(paid.paymentId)).toHaveLength(1);
    const read = await o.caller.orders.byId({ id: o.order.id });
    expect(read.payment.status).toBe('REFUND_PENDING');
  });
});
