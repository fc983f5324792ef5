import type { Actor } from '../actor.ts';
import type { Clock } from '../common.ts';
import { AuthenticationError, ConflictError, NotFoundError } from '../errors.ts';
import type { Page, PageRequest } from '../db/repository.ts';
import { retryOnConflict, TransactionCancelled } from '../db/transactions.ts';
import { placeOrder } from './place.ts';
import {
  allowedTransitions,
  type AdminListOrdersInput,
  type CreateOrderInput,
  type Order,
  type OrderRow,
  type OrderStatus,
  type OrderWithItems,
} from './schema.ts';
import { toOrder, type OrderStore, type OrderWriteTag } from './store.ts';

export class OrderService {
  constructor(
    private readonly store: OrderStore,
    private readonly clock: Clock,
  ) {}

  /** See `place.ts`: two round trips, one transaction, idempotent with a key. */
  create(actor: Actor, input: CreateOrderInput): Promise<OrderWithItems> {
    return placeOrder(this.store, this.clock, actor, input);
  }

  /**
   * Own order, or any order for an admin; `NotFoundError` otherwise. Two round trips, both by key
   * and strongly consistent: the order, then its lines (never through a GSI, so a fresh order is
   * whole).
   */
  async byId(actor: Actor, id: string): Promise<OrderWithItems> {
    const row = await this.store.get(id);
    if (!row || (row.userId !== actor.id && !actor.isAdmin)) {
      throw new NotFoundError('Order not found');
    }
    return { ...toOrder(row), items: await this.store.itemsOf(row) };
  }

  /** The caller's orders, newest first. */
  list(actor: Actor, page: PageRequest): Promise<Page<Order>> {
    return this.store.pageOfUser(actor.id, page);
  }

  /** Every user's orders newest first, optionally one status (admins only: see the router). */
  adminList({ status, ...page }: AdminListOrdersInput): Promise<Page<Order>> {
    return this.store.adminPage(status, page);
  }

  /** The owner cancels a `PENDING` order; stock comes back in the same transaction, once. */
  cancel(actor: Actor, id: string): Promise<Order> {
    return retryOnConflict(async () => {
      const order = await this.store.get(id);
      if (!order || order.userId !== actor.id) throw new NotFoundError('Order not found');
      if (order.status !== 'PENDING') {
        throw new ConflictError(
          order.status === 'CANCELLED'
            ? 'Order is already cancelled'
            : `Only pending orders can be cancelled; this one is ${order.status}`,
        );
      }
      return this.move(order, 'CANCELLED', actor);
    });
  }

  /** Admin status moves, only along the contract's transitions. */
  updateStatus(id: string, status: OrderStatus): Promise<Order> {
    return retryOnConflict(async () => {
      const order = await this.store.get(id);
      if (!order) throw new NotFoundError('Order not found');
      if (!allowedTransitions[order.status].includes(status)) {
        throw new ConflictError(`An order cannot move from ${order.status} to ${status}`);
      }
      return this.move(order, status);
    });
  }

  /**
   * Cancelling restores every line's stock in the same transaction; lines of products deleted
   * since are skipped (a restore whose product is gone fails its condition: we drop it and retry).
   */
  private async move(order: OrderRow, status: OrderStatus, owner?: Actor): Promise<Order> {
    const updatedAt = this.clock.now().toISOString();
    let restores = status === 'CANCELLED' ? order.lines : [];
    for (;;) {
      try {
        await this.store.move(order, status, updatedAt, restores, owner);
        return toOrder({ ...order, status, updatedAt });
      } catch (error) {
        if (!(error instanceof TransactionCancelled) || error.isConflict) throw error;
        const failed = error as TransactionCancelled<OrderWriteTag>;
        if (failed.failure('account')) {
          throw new AuthenticationError('Invalid or expired token', { cause: error });
        }
        if (failed.failure('status')) {
          throw new ConflictError('The order changed meanwhile, please reload it', {
            cause: error,
          });
        }
        const gone = new Set(failed.failed.map((f) => f.tag));
        const remaining = restores.filter((l) => !gone.has(`restore:${l.productId}`));
        if (remaining.length === restores.length) throw error;
        restores = remaining;
      }
    }
  }
}
