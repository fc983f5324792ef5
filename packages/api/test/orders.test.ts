import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_ORDER_LINES, MAX_QUANTITY } from '@shop/core';
import { createTestClock } from '@shop/testing';
import { expectTRPCError, useHarness, validAddress, validProduct } from './support/harness.ts';

/** The services' time: it stands still until a test advances it. */
const clock = createTestClock();

const { h, admin } = useHarness({ clock });

const stockOf = async (id: string) => (await h.anonymousCaller().products.byId({ id })).stock;

/** A shopper with one address, and a product with the given stock and price. */
async function shopperAndProduct(stock = 10, price = 1250) {
  const { caller, user } = await h.userCaller();
  const address = await caller.addresses.create(validAddress());
  const product = await admin.products.create(validProduct({ stock, price }));
  return { caller, user, address, product };
}

describe('orders.create', () => {
  it('prices the order from the catalogue and takes the stock', async () => {
    const { caller, user, address, product } = await shopperAndProduct(10, 1250);
    const other = await admin.products.create(validProduct({ stock: 3, price: 99 }));
    const order = await caller.orders.create({
      items: [
        { productId: product.id, quantity: 2 },
        { productId: other.id, quantity: 3 },
      ],
      shippingAddressId: address.id,
    });
    expect(order).toMatchObject({
      userId: user.id,
      status: 'PENDING',
      totalAmount: 2 * 1250 + 3 * 99,
      shippingAddressId: address.id,
    });
    expect(order.items).toHaveLength(2);
    expect(order.items.find((i) => i.productId === product.id)).toMatchObject({
      orderId: order.id,
      productName: product.name,
      quantity: 2,
      price: 1250,
    });
    expect(await stockOf(product.id)).toBe(8);
    expect(await stockOf(other.id)).toBe(0);
  });

  it('places an order of the most lines allowed, one of them the most units allowed', async () => {
    const { caller, address } = await shopperAndProduct();
    const products = await Promise.all(
      Array.from({ length: MAX_ORDER_LINES }, () =>
        admin.products.create(validProduct({ stock: MAX_QUANTITY })),
      ),
    );
    const order = await caller.orders.create({
      items: products.map((p, n) => ({ productId: p.id, quantity: n === 0 ? MAX_QUANTITY : 1 })),
      shippingAddressId: address.id,
    });
    expect(order.items).toHaveLength(MAX_ORDER_LINES);
    expect(await stockOf(products[0]!.id)).toBe(0);
    expect(await stockOf(products[1]!.id)).toBe(MAX_QUANTITY - 1);
  });

  it('ignores any price the client sends', async () => {
    const { caller, address, product } = await shopperAndProduct(5, 5000);
    const order = await caller.orders.create({
      items: [{ productId: product.id, quantity: 1, price: 1 } as never],
      shippingAddressId: address.id,
    });
    expect(order.totalAmount).toBe(5000);
  });

  it('refuses more than the stock with CONFLICT naming the product, and writes nothing', async () => {
    const { caller, address, product } = await shopperAndProduct(2);
    const plenty = await admin.products.create(validProduct({ stock: 50 }));
    const error = await expectTRPCError(
      caller.orders.create({
        items: [
          { productId: plenty.id, quantity: 5 },
          { productId: product.id, quantity: 3 },
        ],
        shippingAddressId: address.id,
      }),
      'CONFLICT',
    );
    expect(error.message).toContain(product.name);
    expect(await stockOf(plenty.id)).toBe(50);
    expect(await stockOf(product.id)).toBe(2);
    expect((await caller.orders.list()).items).toEqual([]);
  });

  it('is NOT_FOUND for an unknown product', async () => {
    const { caller, address } = await shopperAndProduct();
    await expectTRPCError(
      caller.orders.create({
        items: [{ productId: randomUUID(), quantity: 1 }],
        shippingAddressId: address.id,
      }),
      'NOT_FOUND',
    );
  });

  it("is NOT_FOUND when shipping to another user's address", async () => {
    const { caller, product } = await shopperAndProduct();
    const stranger = await h.userCaller();
    const theirs = await stranger.caller.addresses.create(validAddress());
    await expectTRPCError(
      caller.orders.create({
        items: [{ productId: product.id, quantity: 1 }],
        shippingAddressId: theirs.id,
      }),
      'NOT_FOUND',
    );
    expect(await stockOf(product.id)).toBe(10);
  });

  it('needs a signed-in user', async () => {
    await expectTRPCError(
      h.anonymousCaller().orders.create({
        items: [{ productId: randomUUID(), quantity: 1 }],
        shippingAddressId: randomUUID(),
      }),
      'UNAUTHORIZED',
    );
  });

  it('returns the same order for a repeated idempotency key and takes stock once', async () => {
    const { caller, address, product } = await shopperAndProduct(10);
    const input = {
      items: [{ productId: product.id, quantity: 3 }],
      shippingAddressId: address.id,
      idempotencyKey: `key-${randomUUID()}`,
    };
    const first = await caller.orders.create(input);
    const second = await caller.orders.create(input);
    expect(second.id).toBe(first.id);
    expect(second.items.map((i) => i.id).sort()).toEqual(first.items.map((i) => i.id).sort());
    expect(await stockOf(product.id)).toBe(7);
  });

  it('refuses the same idempotency key with a different payload as CONFLICT', async () => {
    const { caller, address, product } = await shopperAndProduct(10);
    const idempotencyKey = `key-${randomUUID()}`;
    await caller.orders.create({
      items: [{ productId: product.id, quantity: 1 }],
      shippingAddressId: address.id,
      idempotencyKey,
    });
    await expectTRPCError(
      caller.orders.create({
        items: [{ productId: product.id, quantity: 2 }],
        shippingAddressId: address.id,
        idempotencyKey,
      }),
      'CONFLICT',
    );
    expect(await stockOf(product.id)).toBe(9);
  });

  it("never returns another user's order for the same idempotency key", async () => {
    const a = await shopperAndProduct(10);
    const b = await h.userCaller();
    const bAddress = await b.caller.addresses.create(validAddress());
    const idempotencyKey = `shared-${randomUUID()}`;
    const items = [{ productId: a.product.id, quantity: 1 }];
    const first = await a.caller.orders.create({
      items,
      shippingAddressId: a.address.id,
      idempotencyKey,
    });
    const second = await b.caller.orders.create({
      items,
      shippingAddressId: bAddress.id,
      idempotencyKey,
    });
    expect(second.id).not.toBe(first.id);
    expect(second.userId).toBe(b.user.id);
    expect(await stockOf(a.product.id)).toBe(8);
  });
});

describe('read-after-write under index lag (as on AWS)', () => {
  it('answers orders.byId and an idempotent replay with the whole order right after orders.create', async () => {
    expect(h.db.lag.lagMs).toBeGreaterThan(0);
    const { caller, address, product } = await shopperAndProduct(10);
    const other = await admin.products.create(validProduct({ stock: 5 }));
    const input = {
      items: [
        { productId: product.id, quantity: 2 },
        { productId: other.id, quantity: 1 },
      ],
      shippingAddressId: address.id,
      idempotencyKey: `lag-${randomUUID()}`,
    };
    const created = await caller.orders.create(input);
    expect(created.items).toHaveLength(2);
    // The order's lines are not in orderId-index yet, and the order is not in userId-index.
    expect((await caller.orders.list()).items.map((o) => o.id)).not.toContain(created.id);
    expect(await caller.orders.byId({ id: created.id })).toEqual(created);
    expect(await caller.orders.create(input)).toEqual(created);
    // The same order; `actions` are the caller's own (an admin is not its owner).
    expect(await admin.orders.byId({ id: created.id })).toEqual({ ...created, actions: [] });
  });
});

describe('idempotency keys', () => {
  it('refuses a key reused with another shipping address as CONFLICT', async () => {
    const { caller, address, product } = await shopperAndProduct(10);
    const elsewhere = await caller.addresses.create(validAddress({ city: 'Elsewhere' }));
    const idempotencyKey = `addr-${randomUUID()}`;
    const items = [{ productId: product.id, quantity: 1 }];
    await caller.orders.create({ items, shippingAddressId: address.id, idempotencyKey });
    await expectTRPCError(
      caller.orders.create({ items, shippingAddressId: elsewhere.id, idempotencyKey }),
      'CONFLICT',
    );
    expect(await stockOf(product.id)).toBe(9);
  });

  it('replays a key whose lines come in another order', async () => {
    const { caller, address, product } = await shopperAndProduct(10);
    const other = await admin.products.create(validProduct({ stock: 10 }));
    const idempotencyKey = `lines-${randomUUID()}`;
    const a = { productId: product.id, quantity: 1 };
    const b = { productId: other.id, quantity: 2 };
    const first = await caller.orders.create({
      items: [a, b],
      shippingAddressId: address.id,
      idempotencyKey,
    });
    const again = await caller.orders.create({
      items: [b, a],
      shippingAddressId: address.id,
      idempotencyKey,
    });
    expect(again).toEqual(first);
    expect([await stockOf(product.id), await stockOf(other.id)]).toEqual([9, 8]);
  });
});

describe('orders.byId', () => {
  it('returns the own order with its items, and any order to an admin', async () => {
    const { caller, address, product } = await shopperAndProduct();
    const order = await caller.orders.create({
      items: [{ productId: product.id, quantity: 1 }],
      shippingAddressId: address.id,
    });
    const mine = await caller.orders.byId({ id: order.id });
    expect(mine).toEqual(order);
    expect((await admin.orders.byId({ id: order.id })).id).toBe(order.id);
  });

  it("is NOT_FOUND for another user's order and for an unknown id", async () => {
    const { caller, address, product } = await shopperAndProduct();
    const order = await caller.orders.create({
      items: [{ productId: product.id, quantity: 1 }],
      shippingAddressId: address.id,
    });
    const stranger = await h.userCaller();
    await expectTRPCError(stranger.caller.orders.byId({ id: order.id }), 'NOT_FOUND');
    await expectTRPCError(caller.orders.byId({ id: randomUUID() }), 'NOT_FOUND');
  });
});

describe('orders.list', () => {
  it("pages through the caller's orders newest first, without items", async () => {
    const { caller, address, product } = await shopperAndProduct(20);
    const placed = [];
    for (let n = 0; n < 3; n++) {
      placed.push(
        await caller.orders.create({
          items: [{ productId: product.id, quantity: 1 }],
          shippingAddressId: address.id,
        }),
      );
      clock.advance(1000);
    }
    const stranger = await h.userCaller();
    expect((await stranger.caller.orders.list()).items).toEqual([]);
    // A user's order list reads userId-index: eventually consistent, as on AWS.
    h.db.lag.settle();

    const seen = [];
    let cursor: string | undefined;
    do {
      const page = await caller.orders.list({ limit: 1, cursor });
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.map((o) => o.id)).toEqual(placed.map((o) => o.id).reverse());
    expect(seen[0]).not.toHaveProperty('items');
  });

  it('refuses a tampered cursor as BAD_REQUEST', async () => {
    const { caller } = await shopperAndProduct();
    await expectTRPCError(caller.orders.list({ cursor: 'eyJpZCI6IngifQ.AAAA' }), 'BAD_REQUEST');
  });
});

describe('orders.cancel', () => {
  it('cancels a pending order and restores the stock once', async () => {
    const { caller, address, product } = await shopperAndProduct(10);
    const order = await caller.orders.create({
      items: [{ productId: product.id, quantity: 4 }],
      shippingAddressId: address.id,
    });
    expect(await stockOf(product.id)).toBe(6);
    const cancelled = await caller.orders.cancel({ id: order.id });
    expect(cancelled.status).toBe('CANCELLED');
    expect(await stockOf(product.id)).toBe(10);
    const again = await expectTRPCError(caller.orders.cancel({ id: order.id }), 'CONFLICT');
    expect(again.message).toMatch(/already cancelled/);
    expect(await stockOf(product.id)).toBe(10);
  });

  it('restores stock exactly once when cancels race', async () => {
    const { caller, address, product } = await shopperAndProduct(10);
    const order = await caller.orders.create({
      items: [{ productId: product.id, quantity: 4 }],
      shippingAddressId: address.id,
    });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => caller.orders.cancel({ id: order.id })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await stockOf(product.id)).toBe(10);
  });

  it('refuses to cancel an order once it has shipped', async () => {
    const { caller, address, product } = await shopperAndProduct(10);
    const order = await caller.orders.create({
      items: [{ productId: product.id, quantity: 1 }],
      shippingAddressId: address.id,
    });
    await admin.orders.updateStatus({ id: order.id, status: 'PAID' });
    await admin.orders.updateStatus({ id: order.id, status: 'SHIPPED' });
    await expectTRPCError(caller.orders.cancel({ id: order.id }), 'CONFLICT');
    expect(await stockOf(product.id)).toBe(9);
  });

  it('cancels an order paid by hand, restoring stock; the manual payment is refunded outside the shop', async () => {
    const { caller, address, product } = await shopperAndProduct(10);
    const order = await caller.orders.create({
      items: [{ productId: product.id, quantity: 1 }],
      shippingAddressId: address.id,
    });
    const paid = await admin.orders.updateStatus({ id: order.id, status: 'PAID' });
    expect(paid.payment).toMatchObject({ status: 'PAID', provider: 'manual' });
    const cancelled = await caller.orders.cancel({ id: order.id });
    expect(cancelled).toMatchObject({ status: 'CANCELLED', actions: [] });
    expect(cancelled.payment).toMatchObject({ status: 'PAID', provider: 'manual' });
    expect(await stockOf(product.id)).toBe(10);
  });

  it("is NOT_FOUND for another user's order", async () => {
    const { caller, address, product } = await shopperAndProduct(10);
    const order = await caller.orders.create({
      items: [{ productId: product.id, quantity: 1 }],
      shippingAddressId: address.id,
    });
    const stranger = await h.userCaller();
    await expectTRPCError(stranger.caller.orders.cancel({ id: order.id }), 'NOT_FOUND');
    expect((await caller.orders.byId({ id: order.id })).status).toBe('PENDING');
  });

  it('still cancels when a product was deleted since', async () => {
    const { caller, address, product } = await shopperAndProduct(10);
    const kept = await admin.products.create(validProduct({ stock: 5 }));
    const order = await caller.orders.create({
      items: [
        { productId: product.id, quantity: 1 },
        { productId: kept.id, quantity: 2 },
      ],
      shippingAddressId: address.id,
    });
    await admin.products.delete({ id: product.id });
    expect((await caller.orders.cancel({ id: order.id })).status).toBe('CANCELLED');
    expect(await stockOf(kept.id)).toBe(5);
    await expectTRPCError(h.anonymousCaller().products.byId({ id: product.id }), 'NOT_FOUND');
  });
});

describe('orders.updateStatus', () => {
  // The table of moves is tested once, at the schema (allowedTransitions); this is the wiring.
  it('applies a move the contract allows and refuses one it does not with CONFLICT', async () => {
    const { caller, address, product } = await shopperAndProduct(10);
    const order = await caller.orders.create({
      items: [{ productId: product.id, quantity: 1 }],
      shippingAddressId: address.id,
    });
    expect((await admin.orders.updateStatus({ id: order.id, status: 'PAID' })).status).toBe('PAID');
    await expectTRPCError(
      admin.orders.updateStatus({ id: order.id, status: 'DELIVERED' }),
      'CONFLICT',
    );
    expect((await caller.orders.byId({ id: order.id })).status).toBe('PAID');
    expect(await stockOf(product.id)).toBe(9);
  });

  it('restores stock when an admin cancels a paid order', async () => {
    const { caller, address, product } = await shopperAndProduct(10);
    const order = await caller.orders.create({
      items: [{ productId: product.id, quantity: 3 }],
      shippingAddressId: address.id,
    });
    await admin.orders.updateStatus({ id: order.id, status: 'PAID' });
    await admin.orders.updateStatus({ id: order.id, status: 'CANCELLED' });
    expect(await stockOf(product.id)).toBe(10);
  });

  it('is FORBIDDEN for a shopper and NOT_FOUND for an unknown order', async () => {
    const { caller, address, product } = await shopperAndProduct(10);
    const order = await caller.orders.create({
      items: [{ productId: product.id, quantity: 1 }],
      shippingAddressId: address.id,
    });
    await expectTRPCError(
      caller.orders.updateStatus({ id: order.id, status: 'PAID' }),
      'FORBIDDEN',
    );
    await expectTRPCError(
      admin.orders.updateStatus({ id: randomUUID(), status: 'PAID' }),
      'NOT_FOUND',
    );
  });
});

describe('concurrency', () => {
  it('sells exactly the stock when 30 orders race for 10 items', async () => {
    const { caller, address, product } = await shopperAndProduct(10);
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, () =>
        caller.orders.create({
          items: [{ productId: product.id, quantity: 1 }],
          shippingAddressId: address.id,
        }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const conflicts = results.filter(
      (r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'CONFLICT',
    );
    expect(ok).toHaveLength(10);
    expect(conflicts).toHaveLength(20);
    expect(await stockOf(product.id)).toBe(0);
  });

  it('creates one order when 10 identical keyed requests arrive at once', async () => {
    const { caller, address, product } = await shopperAndProduct(10);
    const input = {
      items: [{ productId: product.id, quantity: 2 }],
      shippingAddressId: address.id,
      idempotencyKey: `burst-${randomUUID()}`,
    };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => caller.orders.create(input)),
    );
    expect(new Set(results.map((o) => o.id)).size).toBe(1);
    // Every answer is the whole order, the replays too, though no index has it yet.
    for (const order of results) expect(order.items.map((i) => i.quantity)).toEqual([2]);
    h.db.lag.settle();
    const { items } = await caller.orders.list();
    expect(items).toHaveLength(1);
    expect(await stockOf(product.id)).toBe(8);
  });
});
