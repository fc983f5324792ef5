import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  AuthenticationError,
  ConflictError,
  createCursorCodec,
  NotFoundError,
  OrderStore,
  placeOrder,
  PreconditionFailedError,
  ThrottledError,
  TransactionCancelled,
  createDocumentClient,
  type Actor,
  type CreateOrderInput,
  type OrderRow,
} from '../src/index.ts';
import { createTestClock, FaultInjector } from '@shop/testing';
import { createTestDb, TEST_CURSOR_SECRET, type TestDb } from '@shop/testing/vitest';

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
  store = new OrderStore(
    db.services.repos,
    db.doc,
    createCursorCodec(TEST_CURSOR_SECRET),
    db.services.accounts,
  );
});

/** The order store, with `meddle` run once right after the first read of its kind. */
function meddling(
  meddle: () => Promise<unknown>,
  read: 'readForCreate' | 'get' = 'readForCreate',
): OrderStore {
  let done = false;
  const original = store[read].bind(store) as (...args: unknown[]) => Promise<unknown>;
  return Object.assign(Object.create(store) as OrderStore, {
    [read]: async (...args: unknown[]) => {
      const result = await original(...args);
      if (!done) {
        done = true;
        await meddle();
      }
      return result;
    },
  });
}

const session = () => {
  const now = Math.floor(Date.now() / 1000);
  return { id: randomUUID(), startedAt: now - 60, expiresAt: now + 3600 };
};

async function shopper(): Promise<{ actor: Actor; addressId: string }> {
  const actor: Actor = { id: randomUUID(), isAdmin: false, session: session() };
  const address = await db.services.addresses.create(actor, {
    recipientName: 'Ada Lovelace',
    street: '1 Infinite Loop',
    city: 'Cupertino',
    state: 'CA',
    zipCode: '95014',
    country: 'US',
  });
  return { actor, addressId: address.id };
}

const product = (stock = 10, price = 1250) =>
  db.services.products.create({
    name: `Widget ${randomUUID().slice(0, 6)}`,
    description: 'A useful widget',
    price,
    category: `cat-${randomUUID().slice(0, 8)}`,
    stock,
  });

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
    const raised = meddling(() => db.services.products.update({ id: widget.id, price: 1300 }));
    const error = await place(raised, actor, {
      items: [{ productId: widget.id, quantity: 2 }],
      shippingAddressId: addressId,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toBe(`The price of "${widget.name}" changed, please review`);
    expect((error as Error).cause).toBeInstanceOf(TransactionCancelled);
    expect(await stockOf(widget.id)).toBe(10);
    expect(await ordersOf(actor.id)).toEqual([]);
  });

  it('is PRECONDITION_FAILED instead when the shopper confirmed a total', async () => {
    const { actor, addressId } = await shopper();
    const widget = await product(10, 1250);
    const raised = meddling(() => db.services.products.update({ id: widget.id, price: 1300 }));
    const error = await place(raised, actor, {
      items: [{ productId: widget.id, quantity: 2 }],
      shippingAddressId: addressId,
      expectedTotal: 2500,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect((error as Error).message).toBe(
      `The price of "${widget.name}" changed, please review the total`,
    );
    expect((error as Error).cause).toBeInstanceOf(TransactionCancelled);
    expect(await stockOf(widget.id)).toBe(10);
  });

  it('is NOT_FOUND naming the product when it was deleted after the read', async () => {
    const { actor, addressId } = await shopper();
    const kept = await product(10);
    const widget = await product(10);
    const deleted = meddling(() => db.services.products.delete(widget.id));
    const error = await place(deleted, actor, {
      items: [
        { productId: kept.id, quantity: 1 },
        { productId: widget.id, quantity: 1 },
      ],
      shippingAddressId: addressId,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe(`Product ${widget.id} not found`);
    expect((error as Error).cause).toBeInstanceOf(TransactionCancelled);
    expect(await stockOf(kept.id)).toBe(10);
    expect(await ordersOf(actor.id)).toEqual([]);
  });

  it('is CONFLICT naming the product whose stock ran out after the read', async () => {
    const { actor, addressId } = await shopper();
    const kept = await product(10);
    const widget = await product(3);
    const sold = meddling(() => db.services.products.adjustStock({ id: widget.id, delta: -2 }));
    const error = await place(sold, actor, {
      items: [
        { productId: kept.id, quantity: 1 },
        { productId: widget.id, quantity: 2 },
      ],
      shippingAddressId: addressId,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toBe(`Not enough stock for "${widget.name}"`);
    expect((error as Error).cause).toBeInstanceOf(TransactionCancelled);
    expect([await stockOf(kept.id), await stockOf(widget.id)]).toEqual([10, 1]);
    expect(await ordersOf(actor.id)).toEqual([]);
  });

  it('is NOT_FOUND when the shipping address was deleted after the read', async () => {
    const { actor, addressId } = await shopper();
    const widget = await product(10);
    const gone = meddling(() => db.services.addresses.delete(actor, addressId));
    const error = await place(gone, actor, {
      items: [{ productId: widget.id, quantity: 1 }],
      shippingAddressId: addressId,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe('Shipping address not found');
    expect((error as Error).cause).toBeInstanceOf(TransactionCancelled);
    expect(await stockOf(widget.id)).toBe(10);
  });

  it('is UNAUTHORIZED when the account was deleted after the read', async () => {
    const { actor, addressId } = await shopper();
    const widget = await product(10);
    const deleted = meddling(() =>
      db.services.accounts.markDeleted(actor.id, new Date().toISOString()),
    );
    const error = await place(deleted, actor, {
      items: [{ productId: widget.id, quantity: 1 }],
      shippingAddressId: addressId,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toBe('Invalid or expired token');
    expect((error as Error).cause).toBeInstanceOf(TransactionCancelled);
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
    const raced = meddling(async () => {
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
    const raced = meddling(() =>
      place(store, actor, {
        items: [{ productId: widget.id, quantity: 1 }],
        shippingAddressId: addressId,
        idempotencyKey,
      }),
    );
    const error = await place(raced, actor, {
      items: [{ productId: widget.id, quantity: 3 }],
      shippingAddressId: addressId,
      idempotencyKey,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toBe('This idempotency key was used for a different order');
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
      shippingAddress: {
        recipientName: 'Ada Lovelace',
        street: '1 Infinite Loop',
        city: 'Cupertino',
        state: 'CA',
        zipCode: '95014',
        country: 'US',
      },
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
    const error = await place(store, actor, {
      items: [{ productId: widget.id, quantity: 2 }],
      shippingAddressId: addressId,
      expectedTotal: 2499,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect((error as Error).message).toBe(
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
      const error = await place(store, actor, {
        items: [{ productId: widget.id, quantity: 1 }],
        shippingAddressId,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as Error).message).toBe('Shipping address not found');
    }
    expect(await stockOf(widget.id)).toBe(10);
  });

  it('is NOT_FOUND naming an unknown product', async () => {
    const { actor, addressId } = await shopper();
    const unknown = randomUUID();
    const error = await place(store, actor, {
      items: [{ productId: unknown, quantity: 1 }],
      shippingAddressId: addressId,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe(`Product ${unknown} not found`);
  });

  it('passes a throttled transaction on as TOO_MANY_REQUESTS, writing nothing', async () => {
    const { actor, addressId } = await shopper();
    const widget = await product(10);
    const injector = new FaultInjector('dynamodb');
    const doc = createDocumentClient({
      region: 'us-east-1',
      endpoint: inject('dynamoEndpoint'),
      maxAttempts: 1,
    });
    injector.attach(doc);
    const throttled = new OrderStore(
      db.services.repos,
      doc,
      createCursorCodec(TEST_CURSOR_SECRET),
      db.services.accounts,
    );
    injector.arm({ kind: 'throttling', when: 'before', nth: 1, command: 'TransactWriteItems' });
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
