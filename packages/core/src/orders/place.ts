import { createHash, randomUUID } from 'node:crypto';
import type { Actor } from '../actor.ts';
import type { Clock } from '../common.ts';
import {
  AuthenticationError,
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
} from '../errors.ts';
import { retryOnConflict, TransactionCancelled } from '../db/transactions.ts';
import type { Address } from '../addresses/schema.ts';
import type { Product } from '../products/schema.ts';
import { stockOf } from '../products/stock.ts';
import type { CreateOrderInput, OrderItem, OrderRow, OrderWithItems } from './schema.ts';
import { orderItemId, toOrder, type OrderStore, type OrderWriteTag } from './store.ts';

/**
 * Places an order in at most two sequential round trips: one BatchGetItem (products, address and,
 * for a keyed request, an earlier order), then one TransactWriteItems (order, items, every stock
 * decrement, the account guard). With an idempotency key the order id is derived from the user and
 * the key, so concurrent retries collide on `attribute_not_exists(id)` and only one writes.
 */
export function placeOrder(
  store: OrderStore,
  clock: Clock,
  actor: Actor,
  input: CreateOrderInput,
  currency: string,
): Promise<OrderWithItems> {
  const requestHash = input.idempotencyKey ? hashRequest(input) : undefined;
  const orderId = orderIdFor(actor, input);
  const replay = async (existing: OrderRow) => {
    if (existing.userId !== actor.id) throw new ConflictError('Idempotency key already used');
    if (existing.requestHash !== requestHash) {
      throw new ConflictError('This idempotency key was used for a different order');
    }
    return { ...toOrder(existing, actor.id), items: await store.itemsOf(existing) };
  };

  return retryOnConflict(async () => {
    const productIds = input.items.map((l) => l.productId);
    const read = await store.readForCreate(
      productIds,
      input.shippingAddressId,
      requestHash ? orderId : undefined,
    );
    if (read.existing) return replay(read.existing);
    const { order, items } = buildOrder(actor, input, read, orderId, requestHash, clock, currency);
    // Nothing is written for a total the shopper did not see.
    if (input.expectedTotal !== undefined && input.expectedTotal !== order.totalAmount) {
      throw totalChanged(input.expectedTotal, order.totalAmount);
    }
    // Each decrement names the side of 0 it expects the stock on (products/stock.ts). When the
    // stock moved since it was read and still covers the line, the write is asked again at once
    // from the stock the failure reports: no new read, and no backoff in a race for the last units.
    let seen = new Map([...read.products].map(([id, p]) => [id, p.stock]));
    for (let again = 0; ; again++) {
      try {
        await store.place(order, items, seen, actor);
        break;
      } catch (error) {
        if (!(error instanceof TransactionCancelled) || error.isConflict) throw error;
        const failed = error as TransactionCancelled<OrderWriteTag>;
        if (failed.failure('order')) {
          // The same idempotent request won the race a moment ago: answer with its order, read
          // by key (its lines too), so it is whole although the indexes may not have it yet.
          const existing = await store.get(orderId);
          if (existing) return replay(existing);
        }
        const moved = stockMoved(failed, items, seen);
        if (moved && again < IMMEDIATE_ATTEMPTS) {
          seen = moved;
          continue;
        }
        throw explain(failed, items, input.expectedTotal !== undefined, moved !== undefined);
      }
    }
    return { ...toOrder(order, actor.id), items };
  });
}

function buildOrder(
  actor: Actor,
  input: CreateOrderInput,
  read: { address: Address | undefined; products: Map<string, Product> },
  orderId: string,
  requestHash: string | undefined,
  clock: Clock,
  currency: string,
): { order: OrderRow; items: OrderItem[] } {
  const address = read.address;
  if (!address || address.userId !== actor.id)
    throw new NotFoundError('Shipping address not found');
  const items = input.items.map((line, index): OrderItem => {
    const product = read.products.get(line.productId);
    if (!product) throw new NotFoundError(`Product ${line.productId} not found`);
    if (product.stock < line.quantity) throw notEnoughStock(product.name);
    return {
      id: orderItemId(orderId, index + 1),
      orderId,
      productId: product.id,
      productName: product.name,
      quantity: line.quantity,
      price: product.price,
    };
  });
  const now = clock.now().toISOString();
  const order: OrderRow = {
    id: orderId,
    userId: actor.id,
    orderDate: now,
    status: 'PENDING',
    totalAmount: items.reduce((sum, i) => sum + i.price * i.quantity, 0),
    currency,
    shippingAddressId: address.id,
    shippingAddress: {
      recipientName: address.recipientName,
      street: address.street,
      city: address.city,
      state: address.state,
      zipCode: address.zipCode,
      country: address.country,
    },
    createdAt: now,
    updatedAt: now,
    lines: items.map((i) => ({ productId: i.productId, quantity: i.quantity })),
    ...(requestHash ? { requestHash } : {}),
  };
  return { order, items };
}

/** How often `placeOrder` writes again at once after the stock moved but still covers the order. */
const IMMEDIATE_ATTEMPTS = 3;

/**
 * The stock each line's product has now, if every failed write is a decrement whose stock moved
 * since `seen` but still covers its line (at the same price); `undefined` otherwise.
 */
function stockMoved(
  error: TransactionCancelled<OrderWriteTag>,
  items: OrderItem[],
  seen: ReadonlyMap<string, number>,
): Map<string, number> | undefined {
  const next = new Map(seen);
  for (const { tag, item: row } of error.failed) {
    const line = items.find((i) => tag === `stock:${i.productId}`);
    const stock = stockOf(row);
    if (!line || stock === undefined || row?.price !== line.price) return undefined;
    if (stock < line.quantity || stock === seen.get(line.productId)) return undefined;
    next.set(line.productId, stock);
  }
  return error.failed.length > 0 ? next : undefined;
}

/** The contract's error for the first failed write, by what the write was for. */
function explain(
  error: TransactionCancelled<OrderWriteTag>,
  items: OrderItem[],
  totalExpected: boolean,
  /** The stock still covers the order but kept moving: read again and retry. */
  moving: boolean,
): Error {
  // The account was deleted or this session ended meanwhile: nothing was written.
  if (error.failure('account')) {
    return new AuthenticationError('Invalid or expired token', { cause: error });
  }
  for (const item of items) {
    const failed = error.failure(`stock:${item.productId}`);
    if (!failed) continue;
    if (!failed.item)
      return new NotFoundError(`Product ${item.productId} not found`, { cause: error });
    if (failed.item.price !== item.price) {
      if (totalExpected) {
        return new PreconditionFailedError(
          `The price of "${item.productName}" changed, please review the total`,
          { cause: error },
        );
      }
      return new ConflictError(`The price of "${item.productName}" changed, please review`, {
        cause: error,
      });
    }
    if (moving) return new TransactionCancelled([], true, { cause: error });
    return notEnoughStock(item.productName, error);
  }
  return error;
}

function totalChanged(expected: number, actual: number) {
  return new PreconditionFailedError(
    `The total is now ${actual} cents, not ${expected}: prices changed, please review`,
  );
}

function notEnoughStock(productName: string, cause?: unknown) {
  return new ConflictError(`Not enough stock for "${productName}"`, { cause });
}

/** Canonical form of the request, independent of line order. */
export function hashRequest(input: CreateOrderInput): string {
  const lines = [...input.items].sort((a, b) => a.productId.localeCompare(b.productId));
  return createHash('sha256')
    .update(JSON.stringify({ lines, shippingAddressId: input.shippingAddressId }))
    .digest('base64url');
}

/** The order id: derived from user and key for idempotent requests, so retries name one order. */
export function orderIdFor(actor: Actor, input: CreateOrderInput): string {
  if (!input.idempotencyKey) return randomUUID();
  const hex = createHash('sha256').update(`${actor.id}\0${input.idempotencyKey}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
