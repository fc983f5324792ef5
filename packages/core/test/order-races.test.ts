import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OrderStore } from '../src/index.ts';
import {
  AuthenticationError,
  ConflictError,
  NotFoundError,
  placeOrder,
  PreconditionFailedError,
  ThrottledError,
  TransactionCancelled,
  type Actor,
  type CreateOrderInput,
  type OrderRow,
} from '../src/index.ts';
import { createTestClock, DEMO_ADDRESS } from '@shop/testing';
import { createTestDb, type TestDb } from '@shop/testing/vitest';
import {
  meddling,
  orderStoreOf,
  product as productOf,
  refused,
  shopper as shopperOf,
  throttledOrderStore,
} from './support/orders.ts';

/**
 * What happens when the world changes between an order's read and its transaction (on AWS, another
 * request landing in those few milliseconds): each test changes a row right after the read, so the
 * transaction's conditions fail as they would in the race, and checks the contract's answer and
 * that nothing was written.
 */
let db: TestDb;
let store: OrderStore;
const clock = createTestClock();

beforeAll(async () => {
  db = await createTestDb({ clock });
  store = orderStoreOf(db);
});

const racing = (meddle: () => Promise<unknown>, read: 'readForCreate' | 'get' = 'readForCreate') =>
  meddling(store, meddle, read);
const shopper = () => shopperOf(db);
const product = (stock?: number, price?: number) => productOf(db, stock, price);

const stockOf = async (id: string) => (await db.services.products.byId(id)).stock;
const ordersOf = async (userId: string) => {
  db.lag.settle();
  return (await db.services.orders.list({ id: userId, isAdmin: false }, {})).items;
};

const place = (s: OrderStore, actor: Actor, input: CreateOrderInput) =>
  placeOrder(s, clock, actor, input, 'eur');

describe('placing an order while the catalogue changes', () => {
  it('is CONFLICT naming the product when its price changed after the read', async () => {
    const { actor, addressId } = await shopper();
    const widget = await product(10, 1250);
    const raised = racing(() => db.services.products.update({ id: widget.id, price: 1300 }));
    const error = await refused(
      place(raised, actor, {
        items: [{ productId: widget.id, quantity: 2 }],
        shippingAddressId: addressId,
      }),
      ConflictError,
      `The price of "${widget.name}" changed, please review`,
    );
    expect(error.cause).toBeInstanceOf(TransactionCancelled);
    expect(await stockOf(widget.id)).toBe(10);
    expect(await ordersOf(actor.id)).toEqual([]);
  });

  it('is PRECONDITION_FAILED instead when the shopper confirmed a total', async () => {
    const { actor, addressId } = await shopper();
    const widget = await product(10, 1250);
    const raised = racing(() => db.services.products.update({ id: widget.id, price: 1300 }));
    const error = await refused(
      place(raised, actor, {
        items: [{ productId: widget.id, quantity: 2 }],
        shippingAddressId: addressId,
        expectedTotal: 2500,
      }),
      PreconditionFailedError,
      `The price of "${widget.name}" changed, please review the total`,
    );
    expect(error.cause).toBeInstanceOf(TransactionCancelled);
    expect(await stockOf(widget.id)).toBe(10);
  });

  it('is NOT_FOUND naming the product when it was deleted after the read', async () => {
    const { actor, addressId } = await shopper();
    const kept = await product(10);
    const widget = await product(10);
    const deleted = racing(() => db.services.products.delete(widget.id));
    const error = await refused(
      place(deleted, actor, {
        items: [
          { productId: kept.id, quantity: 1 },
          { productId: widget.id, quantity: 1 },
        ],
        shippingAddressId: addressId,
      }),
      NotFoundError,
      `Product ${widget.id} not found`,
    );
    expect(error.cause).toBeInstanceOf(TransactionCancelled);
    expect(await stockOf(kept.id)).toBe(10);
    expect(await ordersOf(actor.id)).toEqual([]);
  });

  it('is CONFLICT naming the product whose stock ran out after the read', async () => {
    const { actor, addressId } = await shopper();
    const kept = await product(10);
    const widget = await product(3);
    const sold = racing(() => db.services.products.adjustStock({ id: widget.id, delta: -2 }));
    const error = await refused(
      place(sold, actor, {
        items: [
          { productId: kept.id, quantity: 1 },
          { productId: widget.id, quantity: 2 },
        ],
        shippingAddressId: addressId,
      }),
      ConflictError,
      `Not enough stock for "${widget.name}"`,
    );
    expect(error.cause).toBeInstanceOf(TransactionCancelled);
    expect([await stockOf(kept.id), await stockOf(widget.id)]).toEqual([10, 1]);
    expect(await ordersOf(actor.id)).toEqual([]);
  });

  it('places the order with its own copy when the address is deleted after the read', async () => {
    const { actor, addressId } = await shopper();
    const widget = await product(10);
    const gone = racing(() => db.services.addresses.delete(actor, addressId));
    const order = await place(gone, actor, {
      items: [{ productId: widget.id, quantity: 1 }],
      shippingAddressId: addressId,
    });
    expect(order.shippingAddress).toMatchObject({ street: '1 Infinite Loop', country: 'US' });
    expect(await stockOf(widget.id)).toBe(9);
  });

  it('is UNAUTHORIZED when the account was deleted after the read', async () => {
    const { actor, addressId } = await shopper();
    const widget = await product(10);
    const deleted = racing(() =>
      db.services.accounts.markDeleted(actor.id, new Date().toISOString()),
    );
    const error = await refused(
      place(deleted, actor, {
        items: [{ productId: widget.id, quantity: 1 }],
        shippingAddressId: addressId,
      }),
      AuthenticationError,
      'Invalid or expired token',
    );
    expect(error.cause).toBeInstanceOf(TransactionCancelled);
    expect(await stockOf(widget.id)).toBe(10);
  });

  it('answers the whole order when the same keyed request won the race after the read', async () => {
    const { actor, addressId } = await shopper();
    const widget = await product(10);
    const input = {
      items: [{ productId: widget.id, quantity: 2 }],
      shippingAddressId: addressId,
      idempotencyKey: `race-${randomUUID()}`,
    };
    let winner: unknown;
    const raced = racing(async () => {
      winner = await place(store, actor, input);
    });
    const answer = await place(raced, actor, input);
    expect(answer).toEqual(winner);
    expect(answer.items.map((i) => [i.productId, i.quantity])).toEqual([[widget.id, 2]]);
    expect(await stockOf(widget.id)).toBe(8);
  });

  it('is CONFLICT when the same key won the race with another order', async () => {
    const { actor, addressId } = await shopper();
    const widget = await product(10);
    const idempotencyKey = `race-${randomUUID()}`;
    const raced = racing(() =>
      place(store, actor, {
        items: [{ productId: widget.id, quantity: 1 }],
        shippingAddressId: addressId,
        idempotencyKey,
      }),
    );
    await refused(
      place(raced, actor, {
        items: [{ productId: widget.id, quantity: 3 }],
        shippingAddressId: addressId,
        idempotencyKey,
      }),
      ConflictError,
      'This idempotency key was used for a different order',
    );
    expect(await stockOf(widget.id)).toBe(9);
  });

  it('writes the order row as placed: PENDING, priced, a snapshot of the address, its lines', async () => {
    const { actor, addressId } = await shopper();
    const widget = await product(10, 1250);
    const other = await product(10, 99);
    const order = await place(store, actor, {
      items: [
        { productId: other.id, quantity: 3 },
        { productId: widget.id, quantity: 2 },
      ],
      shippingAddressId: addressId,
      idempotencyKey: `row-${randomUUID()}`,
    });
    const row = (await store.get(order.id)) as OrderRow;
    expect(row).toMatchObject({
      id: order.id,
      userId: actor.id,
      status: 'PENDING',
      totalAmount: 3 * 99 + 2 * 1250,
      currency: 'eur',
      shippingAddressId: addressId,
      shippingAddress: DEMO_ADDRESS,
      orderDate: clock.now().toISOString(),
      createdAt: clock.now().toISOString(),
      updatedAt: clock.now().toISOString(),
      lines: [
        { productId: other.id, quantity: 3 },
        { productId: widget.id, quantity: 2 },
      ],
    });
    expect(row.requestHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // A keyed order's id is derived from user and key, and is still a UUID like any other.
    expect(order.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(order.items.map((i) => [i.id, i.orderId, i.productName, i.price])).toEqual([
      [`${order.id}_1`, order.id, other.name, 99],
      [`${order.id}_2`, order.id, widget.name, 1250],
    ]);
  });
});

describe('placing an order against a total the shopper saw', () => {
  it('is PRECONDITION_FAILED stating both totals, before writing anything', async () => {
    const { actor, addressId } = await shopper();
    const widget = await product(10, 1250);
    await refused(
      place(store, actor, {
        items: [{ productId: widget.id, quantity: 2 }],
        shippingAddressId: addressId,
        expectedTotal: 2499,
      }),
      PreconditionFailedError,
      'The total is now 2500 cents, not 2499: prices changed, please review',
    );
    expect(await stockOf(widget.id)).toBe(10);
    expect(await ordersOf(actor.id)).toEqual([]);
  });

  it('places the order when the total is the one shown', async () => {
    const { actor, addressId } = await shopper();
    const widget = await product(10, 1250);
    const order = await place(store, actor, {
      items: [{ productId: widget.id, quantity: 2 }],
      shippingAddressId: addressId,
      expectedTotal: 2500,
    });
    expect(order.totalAmount).toBe(2500);
    expect(await stockOf(widget.id)).toBe(8);
  });
});

describe('placing an order: checks before the write', () => {
  it('replays a keyed order although it took the last of the stock', async () => {
    const { actor, addressId } = await shopper();
    const widget = await product(3);
    const input = {
      items: [{ productId: widget.id, quantity: 3 }],
      shippingAddressId: addressId,
      idempotencyKey: `last-${randomUUID()}`,
    };
    const first = await place(store, actor, input);
    expect(await stockOf(widget.id)).toBe(0);
    expect(await place(store, actor, input)).toEqual(first);
    expect(await stockOf(widget.id)).toBe(0);
  });

  it("is NOT_FOUND for an unknown address and for another user's, naming neither", async () => {
    const { actor } = await shopper();
    const stranger = await shopper();
    const widget = await product(10);
    for (const shippingAddressId of [randomUUID(), stranger.addressId]) {
      await refused(
        place(store, actor, {
          items: [{ productId: widget.id, quantity: 1 }],
          shippingAddressId,
        }),
        NotFoundError,
        'Shipping address not found',
      );
    }
    expect(await stockOf(widget.id)).toBe(10);
  });

  it('is NOT_FOUND naming an unknown product', async () => {
    const { actor, addressId } = await shopper();
    const unknown = randomUUID();
    await refused(
      place(store, actor, {
        items: [{ productId: unknown, quantity: 1 }],
        shippingAddressId: addressId,
      }),
      NotFoundError,
      `Product ${unknown} not found`,
    );
  });

  it('passes a throttled transaction on as TOO_MANY_REQUESTS, writing nothing', async () => {
    const { actor, addressId } = await shopper();
    const widget = await product(10);
    const { store: throttled, injector } = throttledOrderStore(db);
    const error = await place(throttled, actor, {
      items: [{ productId: widget.id, quantity: 1 }],
      shippingAddressId: addressId,
    }).catch((e: unknown) => e);
    expect(injector.firedCount).toBe(1);
    expect(error).toBeInstanceOf(ThrottledError);
    expect(await stockOf(widget.id)).toBe(10);
    expect(await ordersOf(actor.id)).toEqual([]);
  });
});
