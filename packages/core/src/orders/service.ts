import { createHash, randomUUID } from 'node:crypto';
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Actor } from '../actor.ts';
import { nowIso } from '../common.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { mapStoreError, type Page, type PageRequest, type Repository } from '../db/repository.ts';
import {
  retryOnConflict,
  transactWrite,
  TransactionCancelled,
  type TransactItem,
} from '../db/transactions.ts';
import type { Address } from '../addresses/schema.ts';
import type { Product } from '../products/schema.ts';
import {
  allowedTransitions,
  type CreateOrderInput,
  type Order,
  type OrderItem,
  type OrderStatus,
  type OrderWithItems,
} from './schema.ts';

/**
 * What the Orders row keeps besides the public `Order` fields: the lines (so that cancelling can
 * restore stock from a strongly consistent read, never from the eventually consistent GSI) and,
 * for idempotent requests, a hash of the request to tell a retry from a different order.
 */
interface OrderRow extends Order {
  lines: { productId: string; quantity: number }[];
  requestHash?: string;
}

export interface OrderRepositories {
  orders: Repository<Order>;
  items: Repository<OrderItem>;
  products: Repository<Product>;
  addresses: Repository<Address>;
}

export class OrderService {
  private readonly doc: DynamoDBDocumentClient;

  constructor(private readonly repos: OrderRepositories) {
    this.doc = repos.orders.doc;
  }

  /**
   * Places an order in at most two sequential round trips: one BatchGetItem (products, address and,
   * for a keyed request, an earlier order), then one TransactWriteItems (order, items, every stock
   * decrement, an address check). With an idempotency key the order id is derived from the user and
   * the key, so concurrent retries collide on `attribute_not_exists(id)` and only one writes.
   */
  create(actor: Actor, input: CreateOrderInput): Promise<OrderWithItems> {
    const requestHash = input.idempotencyKey ? hashRequest(input) : undefined;
    const orderId = input.idempotencyKey
      ? deriveId(`${actor.id}\0${input.idempotencyKey}`)
      : randomUUID();

    return retryOnConflict(async () => {
      const read = await this.readForCreate(input, orderId, Boolean(requestHash));
      if (read.existing) return this.replay(actor, read.existing, requestHash);

      const address = read.address;
      if (!address || address.userId !== actor.id)
        throw new NotFoundError('Shipping address not found');

      const now = nowIso();
      const items: OrderItem[] = input.items.map((line) => {
        const product = read.products.get(line.productId);
        if (!product) throw new NotFoundError(`Product ${line.productId} not found`);
        if (product.stock < line.quantity) throw notEnoughStock(product.name);
        return {
          id: randomUUID(),
          orderId,
          productId: product.id,
          productName: product.name,
          quantity: line.quantity,
          price: product.price,
        };
      });
      const order: OrderRow = {
        id: orderId,
        userId: actor.id,
        orderDate: now,
        status: 'PENDING',
        totalAmount: items.reduce((sum, i) => sum + i.price * i.quantity, 0),
        shippingAddressId: address.id,
        createdAt: now,
        updatedAt: now,
        lines: items.map((i) => ({ productId: i.productId, quantity: i.quantity })),
        ...(requestHash ? { requestHash } : {}),
      };

      const writes: TransactItem[] = [
        {
          Put: {
            TableName: this.repos.orders.tableName,
            Item: order,
            ConditionExpression: 'attribute_not_exists(id)',
          },
        },
        // Stock and price must still be what we read: the order is charged at the current price.
        ...items.map((item): TransactItem => ({
          Update: {
            TableName: this.repos.products.tableName,
            Key: { id: item.productId },
            UpdateExpression: 'SET stock = stock - :quantity, updatedAt = :now',
            ConditionExpression: 'attribute_exists(id) AND stock >= :quantity AND price = :price',
            ExpressionAttributeValues: {
              ':quantity': item.quantity,
              ':price': item.price,
              ':now': now,
            },
          },
        })),
        {
          ConditionCheck: {
            TableName: this.repos.addresses.tableName,
            Key: { id: address.id },
            ConditionExpression: 'userId = :userId',
            ExpressionAttributeValues: { ':userId': actor.id },
          },
        },
        ...items.map((item): TransactItem => ({
          Put: {
            TableName: this.repos.items.tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(id)',
          },
        })),
      ];

      try {
        await transactWrite(this.doc, writes);
      } catch (error) {
        if (!(error instanceof TransactionCancelled) || error.isConflict) throw error;
        if (error.failedAt(0)) {
          // The same idempotent request won the race a moment ago: answer with its order.
          const existing = await this.row(orderId);
          if (existing) return this.replay(actor, existing, requestHash);
        }
        items.forEach((item, index) => {
          const failed = error.failedAt(1 + index);
          if (!failed) return;
          if (!failed.item)
            throw new NotFoundError(`Product ${item.productId} not found`, { cause: error });
          if (failed.item.price !== item.price) {
            throw new ConflictError(`The price of "${item.productName}" changed, please review`, {
              cause: error,
            });
          }
          throw notEnoughStock(item.productName, error);
        });
        if (error.failedAt(1 + items.length)) {
          throw new NotFoundError('Shipping address not found', { cause: error });
        }
        throw error;
      }
      return { ...this.repos.orders.parse(order), items };
    });
  }

  /** Own order, or any order for an admin; `NotFoundError` otherwise. One round trip. */
  async byId(actor: Actor, id: string): Promise<OrderWithItems> {
    const [order, items] = await Promise.all([this.repos.orders.get(id), this.itemsOf(id)]);
    if (!order || (order.userId !== actor.id && !actor.isAdmin)) {
      throw new NotFoundError('Order not found');
    }
    return { ...order, items };
  }

  /** The caller's orders, newest first. */
  list(actor: Actor, page: PageRequest): Promise<Page<Order>> {
    return this.repos.orders.queryIndex('userId-index', 'userId', actor.id, {
      ...page,
      descending: true,
    });
  }

  /** The owner cancels a `PENDING` order; stock comes back in the same transaction, once. */
  cancel(actor: Actor, id: string): Promise<Order> {
    return retryOnConflict(async () => {
      const order = await this.row(id);
      if (!order || order.userId !== actor.id) throw new NotFoundError('Order not found');
      if (order.status !== 'PENDING') {
        throw new ConflictError(
          order.status === 'CANCELLED'
            ? 'Order is already cancelled'
            : `Only pending orders can be cancelled; this one is ${order.status}`,
        );
      }
      return this.move(order, 'CANCELLED');
    });
  }

  /** Admin status moves, only along the contract's transitions. */
  updateStatus(id: string, status: OrderStatus): Promise<Order> {
    return retryOnConflict(async () => {
      const order = await this.row(id);
      if (!order) throw new NotFoundError('Order not found');
      if (!allowedTransitions[order.status].includes(status)) {
        throw new ConflictError(`An order cannot move from ${order.status} to ${status}`);
      }
      return this.move(order, status);
    });
  }

  private async itemsOf(orderId: string): Promise<OrderItem[]> {
    const page = await this.repos.items.queryIndex('orderId-index', 'orderId', orderId, {
      limit: 100,
    });
    return page.items;
  }

  private async row(id: string): Promise<OrderRow | undefined> {
    return (await this.repos.orders.getRow(id, { consistent: true })) as OrderRow | undefined;
  }

  /**
   * Changes status on the condition that it is still what we read, so a concurrent change (or a
   * second cancel) fails instead of restoring stock twice. Cancelling restores every line's stock
   * in the same transaction; products deleted since are skipped.
   */
  private async move(
    order: OrderRow,
    status: OrderStatus,
    skip = new Set<string>(),
  ): Promise<Order> {
    const now = nowIso();
    const statusUpdate: TransactItem = {
      Update: {
        TableName: this.repos.orders.tableName,
        Key: { id: order.id },
        UpdateExpression: 'SET #status = :to, updatedAt = :now',
        ConditionExpression: '#status = :from',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':to': status, ':from': order.status, ':now': now },
      },
    };
    const restores =
      status === 'CANCELLED' ? order.lines.filter((l) => !skip.has(l.productId)) : [];
    const writes: TransactItem[] = [
      statusUpdate,
      ...restores.map((line): TransactItem => ({
        Update: {
          TableName: this.repos.products.tableName,
          Key: { id: line.productId },
          UpdateExpression: 'SET stock = stock + :quantity, updatedAt = :now',
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeValues: { ':quantity': line.quantity, ':now': now },
        },
      })),
    ];
    try {
      await transactWrite(this.doc, writes);
    } catch (error) {
      if (!(error instanceof TransactionCancelled) || error.isConflict) throw error;
      if (error.failedAt(0)) {
        throw new ConflictError('The order changed meanwhile, please reload it', { cause: error });
      }
      const gone = restores.filter((_, i) => error.failedAt(1 + i)).map((l) => l.productId);
      if (gone.length === 0) throw error;
      return this.move(order, status, new Set([...skip, ...gone]));
    }
    return this.repos.orders.parse({ ...order, status, updatedAt: now });
  }

  /** A repeated idempotent request: same user and same payload get the first order back. */
  private async replay(actor: Actor, existing: OrderRow, requestHash: string | undefined) {
    if (existing.userId !== actor.id) throw new ConflictError('Idempotency key already used');
    if (existing.requestHash !== requestHash) {
      throw new ConflictError('This idempotency key was used for a different order');
    }
    const items = await this.itemsOf(existing.id);
    return { ...this.repos.orders.parse(existing), items };
  }

  private async readForCreate(input: CreateOrderInput, orderId: string, keyed: boolean) {
    const { orders, products, addresses } = this.repos;
    let request: Record<string, { Keys: Record<string, string>[]; ConsistentRead: boolean }> = {
      [products.tableName]: {
        Keys: input.items.map((l) => ({ id: l.productId })),
        ConsistentRead: true,
      },
      [addresses.tableName]: { Keys: [{ id: input.shippingAddressId }], ConsistentRead: true },
      ...(keyed ? { [orders.tableName]: { Keys: [{ id: orderId }], ConsistentRead: true } } : {}),
    };
    const found: Record<string, Record<string, unknown>[]> = {};
    // BatchGetItem may leave keys unprocessed under load; ask again for just those.
    for (let attempt = 0; Object.keys(request).length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(500, 25 * 2 ** attempt)));
      const result = await this.doc
        .send(new BatchGetCommand({ RequestItems: request }))
        .catch(mapStoreError);
      for (const [table, rows] of Object.entries(result.Responses ?? {})) {
        (found[table] ??= []).push(...rows);
      }
      request = (result.UnprocessedKeys ?? {}) as typeof request;
    }
    const existing = found[orders.tableName]?.[0];
    const addressRow = found[addresses.tableName]?.[0];
    return {
      existing: existing ? ({ ...orders.parse(existing), ...existing } as OrderRow) : undefined,
      address: addressRow ? addresses.parse(addressRow) : undefined,
      products: new Map(
        (found[products.tableName] ?? []).map((row) => {
          const product = products.parse(row);
          return [product.id, product] as const;
        }),
      ),
    };
  }
}

function notEnoughStock(productName: string, cause?: unknown) {
  return new ConflictError(`Not enough stock for "${productName}"`, { cause });
}

/** Canonical form of the request, independent of line order. */
function hashRequest(input: CreateOrderInput): string {
  const lines = [...input.items].sort((a, b) => a.productId.localeCompare(b.productId));
  return createHash('sha256')
    .update(JSON.stringify({ lines, shippingAddressId: input.shippingAddressId }))
    .digest('base64url');
}

/** A stable UUID-shaped id from a string (SHA-256 based), so retries name the same order. */
function deriveId(value: string): string {
  const hex = createHash('sha256').update(value).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
