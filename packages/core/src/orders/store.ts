import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ConflictError, ValidationError } from '../errors.ts';
import type { CursorCodec } from '../db/cursor.ts';
import {
  DEFAULT_PAGE_SIZE,
  mapStoreError,
  setExpression,
  type Page,
  type PageRequest,
  type Repository,
} from '../db/repository.ts';
import { transactWrite, TransactionCancelled, type TaggedWrite } from '../db/transactions.ts';
import { batchGet, type BatchRequest } from '../db/batch-get.ts';
import { stockMove } from '../products/stock.ts';
import type { Address } from '../addresses/schema.ts';
import { actionsFor, paymentOf } from '../payments/rules.ts';
import type { Product } from '../products/schema.ts';
import type { Actor } from '../actor.ts';
import type { AccountStore } from '../users/account.ts';
import type { PaymentStatus } from '../payments/schema.ts';
import {
  orderStatusSchema,
  type Order,
  type OrderItem,
  type OrderRow,
  type OrderStatus,
} from './schema.ts';

/** What a failed write of `place` or `move` was for. */
export type OrderWriteTag =
  'order' | 'account' | `stock:${string}` | `item:${string}` | 'status' | `restore:${string}`;

export interface OrderTables {
  orders: Repository<OrderRow>;
  items: Repository<OrderItem>;
  products: Repository<Product>;
  addresses: Repository<Address>;
}

const STATUSES = orderStatusSchema.options;

/**
 * The id of an order's n-th line (1-based): derived from the order, so the lines are read by key,
 * strongly consistent, right after the order is written (a GSI may not have them yet).
 */
export const orderItemId = (orderId: string, line: number) => `${orderId}_${line}`;

/** The public shape of an Orders row, with what `viewerId` may do with it. */
export function toOrder(row: OrderRow, viewerId: string | undefined): Order {
  return {
    id: row.id,
    userId: row.userId,
    orderDate: row.orderDate,
    status: row.status,
    totalAmount: row.totalAmount,
    currency: row.currency,
    shippingAddressId: row.shippingAddressId,
    shippingAddress: row.shippingAddress,
    payment: paymentOf(row),
    actions: actionsFor(row, viewerId),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Every DynamoDB read and write of orders: keys, expressions, transactions. */
export class OrderStore {
  constructor(
    private readonly tables: OrderTables,
    private readonly doc: DynamoDBDocumentClient,
    private readonly cursors: CursorCodec,
    /** Puts the account's state check into the transactions written for a user. */
    private readonly accounts?: Pick<AccountStore, 'guard'>,
  ) {}

  /** Strongly consistent: status moves must start from the latest status. */
  get(id: string): Promise<OrderRow | undefined> {
    return this.tables.orders.get(id, { consistent: true });
  }

  /**
   * The order's lines, by key (one consistent BatchGetItem). Orders placed before line ids were
   * derived from the order have other ids: their lines come from `orderId-index`, which has long
   * caught up with writes that old.
   */
  async itemsOf(order: OrderRow): Promise<OrderItem[]> {
    const { items } = this.tables;
    const ids = order.lines.map((_, i) => orderItemId(order.id, i + 1));
    if (ids.length === 0) return [];
    const found = await this.batchGet({
      [items.tableName]: { Keys: ids.map((id) => ({ id })), ConsistentRead: true },
    });
    const byId = new Map(
      (found[items.tableName] ?? []).map((row) => {
        const item = items.parse(row);
        return [item.id, item] as const;
      }),
    );
    if (byId.size === ids.length) return ids.map((id) => byId.get(id)!);
    const page = await items.queryIndex('orderId-index', 'orderId', order.id, { limit: 100 });
    return page.items;
  }

  async pageOfUser(userId: string, page: PageRequest): Promise<Page<Order>> {
    const result = await this.tables.orders.queryIndex('userId-index', 'userId', userId, {
      ...page,
      descending: true,
    });
    return { items: result.items.map((r) => toOrder(r, userId)), nextCursor: result.nextCursor };
  }

  /** Every user's orders newest first, from `status-index`: one status, or all five merged. */
  async adminPage(
    status: OrderStatus | undefined,
    page: PageRequest,
    viewerId: string,
  ): Promise<Page<Order>> {
    if (status) {
      const result = await this.tables.orders.queryIndex('status-index', 'status', status, {
        ...page,
        descending: true,
      });
      return {
        items: result.items.map((r) => toOrder(r, viewerId)),
        nextCursor: result.nextCursor,
      };
    }
    return this.mergedAdminPage(page, viewerId);
  }

  /**
   * Newest first across the five statuses: each status partition is read from where the last page
   * stopped (at most `limit` items each, in parallel: one round trip), the newest `limit` are
   * kept, and the cursor records, per status, the key of the last item handed out.
   */
  private async mergedAdminPage(page: PageRequest, viewerId: string): Promise<Page<Order>> {
    const limit = page.limit ?? DEFAULT_PAGE_SIZE;
    const scope = `${this.tables.orders.tableName}/status-index/*`;
    const positions = this.decodePositions(page.cursor, scope);
    const heads = await Promise.all(
      STATUSES.map(async (status) => {
        const position = positions[status];
        if (position === null) return { status, rows: [], more: false };
        const result = await this.tables.orders.queryIndex('status-index', 'status', status, {
          limit,
          descending: true,
          cursor: position
            ? this.cursors.encode(
                position,
                `${this.tables.orders.tableName}/status-index/${status}/`,
              )!
            : undefined,
        });
        return { status, rows: result.items, more: result.nextCursor !== null };
      }),
    );
    const merged = heads
      .flatMap(({ status, rows }) => rows.map((row) => ({ status, row })))
      .sort((a, b) =>
        a.row.orderDate === b.row.orderDate
          ? b.row.id.localeCompare(a.row.id)
          : b.row.orderDate.localeCompare(a.row.orderDate),
      );
    const taken = merged.slice(0, limit);
    const next: Record<string, Record<string, unknown> | null | undefined> = { ...positions };
    for (const { status, rows, more } of heads) {
      const last = taken.filter((t) => t.status === status).at(-1)?.row;
      if (last) {
        const exhausted = !more && last === rows.at(-1);
        next[status] = exhausted
          ? null
          : { id: last.id, status: last.status, orderDate: last.orderDate };
      } else if (!more && rows.length === 0) {
        next[status] = null;
      }
    }
    const done = STATUSES.every((s) => next[s] === null);
    return {
      items: taken.map((t) => toOrder(t.row, viewerId)),
      nextCursor: done ? null : this.cursors.encode({ positions: next }, scope),
    };
  }

  /** Per status: `undefined` not started, `null` exhausted, else the start key (shape checked). */
  private decodePositions(cursor: string | undefined, scope: string) {
    const invalid = () => new ValidationError('Invalid cursor', ['cursor']);
    const decoded = this.cursors.decode(cursor, scope);
    const positions: Record<string, Record<string, unknown> | null | undefined> = {};
    if (!decoded) return positions;
    const raw = decoded.positions;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid();
    for (const [status, key] of Object.entries(raw as Record<string, unknown>)) {
      if (!(STATUSES as readonly string[]).includes(status)) throw invalid();
      if (key === null) {
        positions[status] = null;
        continue;
      }
      const k = key as Record<string, unknown>;
      const fits =
        typeof k === 'object' &&
        Object.keys(k).length === 3 &&
        typeof k.id === 'string' &&
        k.status === status &&
        typeof k.orderDate === 'string';
      if (!fits) throw invalid();
      positions[status] = k;
    }
    return positions;
  }

  /**
   * One BatchGetItem for everything placing an order needs, strongly consistent: the products,
   * the address and, for an idempotent request, an order already placed under the same id
   * (unprocessed keys are asked again: see `db/batch-get.ts`).
   */
  async readForCreate(productIds: string[], addressId: string, orderId: string | undefined) {
    const { orders, products, addresses } = this.tables;
    const found = await this.batchGet({
      [products.tableName]: { Keys: productIds.map((id) => ({ id })), ConsistentRead: true },
      [addresses.tableName]: { Keys: [{ id: addressId }], ConsistentRead: true },
      ...(orderId ? { [orders.tableName]: { Keys: [{ id: orderId }], ConsistentRead: true } } : {}),
    });
    const existing = found[orders.tableName]?.[0];
    const address = found[addresses.tableName]?.[0];
    return {
      existing: existing ? orders.parse(existing) : undefined,
      address: address ? addresses.parse(address) : undefined,
      products: this.productMap(found[products.tableName]),
    };
  }

  /** The products of a quote: one BatchGetItem, strongly consistent (what `create` will see). */
  async products(productIds: string[]): Promise<Map<string, Product>> {
    const { products } = this.tables;
    const found = await this.batchGet({
      [products.tableName]: { Keys: productIds.map((id) => ({ id })), ConsistentRead: true },
    });
    return this.productMap(found[products.tableName]);
  }

  private productMap(rows: Record<string, unknown>[] = []): Map<string, Product> {
    return new Map(
      rows.map((row) => {
        const product = this.tables.products.parse(row);
        return [product.id, product] as const;
      }),
    );
  }

  private batchGet(request: BatchRequest) {
    return batchGet(this.doc, request);
  }

  /**
   * One transaction: the order, every stock decrement (from the stock read, at the price read:
   * see `products/stock.ts` for why the stock read matters), a check that the caller's account
   * still accepts their token (`account`: not deleted, session not ended), and the items.
   *
   * No check of the address: `placeOrder` read it by key, strongly consistent, just before, an
   * address never changes owner, and the order keeps its own copy. An address edited or deleted
   * between that read and this write is the same as one edited or deleted just after the order,
   * which the contract allows (the copy never changes); a deleted account is the guard's case.
   */
  async place(
    order: OrderRow,
    items: OrderItem[],
    /** Each line's product stock as read (productId → units). */
    seen: ReadonlyMap<string, number>,
    actor?: Actor,
  ): Promise<void> {
    const { orders, products, items: itemsTable } = this.tables;
    const writes: TaggedWrite<OrderWriteTag>[] = [
      {
        tag: 'order',
        write: {
          Put: {
            TableName: orders.tableName,
            Item: order,
            ConditionExpression: 'attribute_not_exists(id)',
          },
        },
      },
      ...items.map((item): TaggedWrite<OrderWriteTag> => {
        const move = stockMove(-item.quantity, seen.get(item.productId) ?? item.quantity);
        return {
          tag: `stock:${item.productId}`,
          write: {
            Update: {
              TableName: products.tableName,
              Key: { id: item.productId },
              UpdateExpression: `${move.update}, updatedAt = :now`,
              ConditionExpression: `${move.condition} AND price = :price`,
              ExpressionAttributeValues: {
                ...move.values,
                ':price': item.price,
                ':now': order.createdAt,
              },
            },
          },
        };
      }),
      ...((actor && this.accounts?.guard(actor)) ?? []),
      ...items.map((item): TaggedWrite<OrderWriteTag> => ({
        tag: `item:${item.id}`,
        write: {
          Put: {
            TableName: itemsTable.tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(id)',
          },
        },
      })),
    ];
    await transactWrite(this.doc, writes);
  }

  /**
   * Changes status on the condition that it is still what was read, so a concurrent change (or a
   * second cancel) fails instead of restoring stock twice; `restores` put stock back in the same
   * transaction (each from the stock the caller expects, see `products/stock.ts`). A move of the
   * order alone (no restores, no account to check: the webhook's `PAID`, an admin's move) is one
   * conditional UpdateItem, as atomic as a one-item transaction at half its price; its failed
   * condition is a `ConflictError`.
   */
  async move(
    order: OrderRow,
    status: OrderStatus,
    updatedAt: string,
    restores: { productId: string; quantity: number; seen: number }[],
    payment: PaymentChange = {},
    /** The owner moving their own order: their account must still accept their token. */
    actor?: Actor,
  ): Promise<void> {
    const { orders, products } = this.tables;
    const set = setExpression({ ...payment.set, status, updatedAt });
    const paymentIs = payment.from ? paymentCondition(payment.from) : undefined;
    const statusWrite = {
      TableName: orders.tableName,
      Key: { id: order.id },
      UpdateExpression: set.expression,
      ConditionExpression: ['#s0 = :s0', paymentIs?.expression].filter(Boolean).join(' AND '),
      ExpressionAttributeNames: { ...set.names, '#s0': 'status', ...paymentIs?.names },
      ExpressionAttributeValues: { ...set.values, ':s0': order.status, ...paymentIs?.values },
    };
    const guard = (actor && this.accounts?.guard(actor)) ?? [];
    if (restores.length === 0 && guard.length === 0) {
      return this.moveAlone(statusWrite, { ...payment.set, status, updatedAt });
    }
    await transactWrite<OrderWriteTag>(this.doc, [
      ...guard,
      { tag: 'status', write: { Update: statusWrite } },
      ...restores.map((line): TaggedWrite<OrderWriteTag> => {
        const move = stockMove(line.quantity, line.seen, false);
        return {
          tag: `restore:${line.productId}`,
          write: {
            Update: {
              TableName: products.tableName,
              Key: { id: line.productId },
              UpdateExpression: `${move.update}, updatedAt = :now`,
              ConditionExpression: move.condition,
              ExpressionAttributeValues: { ...move.values, ':now': updatedAt },
            },
          },
        };
      }),
    ]);
  }

  /** The move as one conditional UpdateItem; `written`: the attributes it sets. */
  private async moveAlone(
    statusWrite: NonNullable<ConstructorParameters<typeof UpdateCommand>[0]>,
    written: Record<string, unknown>,
  ): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({ ...statusWrite, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        // The SDK retried after a lost response (a transaction's token makes its retries
        // idempotent; an UpdateItem has none): the row already holds exactly this move.
        const row = error.Item ? unmarshall(error.Item) : undefined;
        if (row && Object.entries(written).every(([name, value]) => row[name] === value)) return;
        throw new ConflictError('The order changed meanwhile, please reload it', { cause: error });
      }
      // A transaction holds the order (a cancel, an order's placement): retried by the caller's
      // conflict loop, as a cancelled transaction would be.
      if (error instanceof Error && error.name === 'TransactionConflictException') {
        throw new TransactionCancelled([], true, { cause: error });
      }
      return mapStoreError(error);
    }
  }
}

/** Payment attributes a status move sets, and the payment status it requires. */
export interface PaymentChange {
  set?: Partial<OrderRow>;
  from?: PaymentStatus;
}

/** `paymentStatus = :from`, where a row without one counts as `UNPAID`. */
export function paymentCondition(from: PaymentStatus) {
  return {
    expression:
      from === 'UNPAID' ? '(attribute_not_exists(#ps) OR #ps = :psFrom)' : '#ps = :psFrom',
    names: { '#ps': 'paymentStatus' },
    values: { ':psFrom': from },
  };
}

const REFUNDS_DUE_ID = '#refunds-due';

/** The Orders row writes of payments: one conditional UpdateItem each (see `payments/`). */
export class OrderPaymentStore {
  constructor(
    private readonly orders: Repository<OrderRow>,
    private readonly doc: DynamoDBDocumentClient,
  ) {}

  /**
   * Sets `set` and removes `remove` on the order if `condition` holds; `false` if it does not (or
   * the order is gone): the caller reads the row again and decides anew.
   */
  async update(
    id: string,
    set: Partial<OrderRow>,
    condition: {
      expression: string;
      names?: Record<string, string>;
      values?: Record<string, unknown>;
    },
    remove: (keyof OrderRow)[] = [],
  ): Promise<boolean> {
    const s = setExpression(set);
    const removeNames = Object.fromEntries(remove.map((name) => [`#r_${name}`, name]));
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.orders.tableName,
          Key: { id },
          UpdateExpression: [
            s.expression,
            remove.length ? `REMOVE ${Object.keys(removeNames).join(', ')}` : '',
          ]
            .filter(Boolean)
            .join(' '),
          ConditionExpression: `attribute_exists(id) AND ${condition.expression}`,
          ExpressionAttributeNames: { ...s.names, ...removeNames, ...condition.names },
          ExpressionAttributeValues: { ...s.values, ...condition.values },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      return mapStoreError(error);
    }
  }

  /**
   * Orders whose refund the provider did not confirm asking for (it failed or timed out), kept in
   * one bookkeeping row of the Orders table (`#refunds-due`, a string set; `#` cannot start an
   * order id and the row has none of the indexes' keys), so the sweep asks again with one GetItem.
   * Written only on failure, so it is no hot spot.
   */
  async markRefundDue(orderId: string): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.orders.tableName,
          Key: { id: REFUNDS_DUE_ID },
          UpdateExpression: 'ADD orderIds :ids',
          ExpressionAttributeValues: { ':ids': new Set([orderId]) },
        }),
      )
      .catch(mapStoreError);
  }

  async refundsDue(): Promise<string[]> {
    const { Item } = await this.doc
      .send(
        new GetCommand({
          TableName: this.orders.tableName,
          Key: { id: REFUNDS_DUE_ID },
          ConsistentRead: true,
        }),
      )
      .catch(mapStoreError);
    const ids = Item?.orderIds as Set<string> | undefined;
    return ids ? [...ids] : [];
  }

  async clearRefundDue(orderId: string): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.orders.tableName,
          Key: { id: REFUNDS_DUE_ID },
          UpdateExpression: 'DELETE orderIds :ids',
          ExpressionAttributeValues: { ':ids': new Set([orderId]) },
        }),
      )
      .catch(mapStoreError);
  }

  /**
   * Pending orders placed before `cutoff`, oldest first, from the `status-index` PENDING partition
   * (an index read, never a scan). The index lags the table on AWS: callers re-read each row by
   * key before acting on it.
   */
  async pendingBefore(cutoff: string, limit: number): Promise<{ id: string }[]> {
    const { Items = [] } = await this.doc
      .send(
        new QueryCommand({
          TableName: this.orders.tableName,
          IndexName: 'status-index',
          KeyConditionExpression: '#status = :pending AND orderDate < :cutoff',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'PENDING', ':cutoff': cutoff },
          ProjectionExpression: 'id',
          Limit: limit,
        }),
      )
      .catch(mapStoreError);
    return Items.map((item) => ({ id: String(item.id) }));
  }
}
