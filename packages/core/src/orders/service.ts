import type { Actor } from '../actor.ts';
import type { Clock } from '../common.ts';
import { AuthenticationError, ConflictError, NotFoundError, ThrottledError } from '../errors.ts';
import type { Page, PageRequest } from '../db/repository.ts';
import { retryOnConflict, TransactionCancelled } from '../db/transactions.ts';
import type { PaymentSettings } from '../payments/config.ts';
import { refundRecorded } from '../payments/refunds.ts';
import { stockOf } from '../products/stock.ts';
import { placeOrder } from './place.ts';
import { quote, type Quote } from './quote.ts';
import {
  allowedTransitions,
  type AdminListOrdersInput,
  type CreateOrderInput,
  type Order,
  type OrderRow,
  type OrderStatus,
  type OrderWithItems,
  type QuoteInput,
} from './schema.ts';
import {
  toOrder,
  type OrderPaymentStore,
  type OrderStore,
  type OrderWriteTag,
  type PaymentChange,
} from './store.ts';

/** How often a cancel is asked again because a product's stock crossed 0 meanwhile. */
const RESTORE_ATTEMPTS = 4;

export class OrderService {
  constructor(
    private readonly store: OrderStore,
    private readonly clock: Clock,
    private readonly payments: PaymentSettings,
    private readonly paymentStore: OrderPaymentStore,
  ) {}

  /** Today's prices and stock for a cart: one BatchGetItem. */
  quote(input: QuoteInput): Promise<Quote> {
    return quote(this.store, this.payments.currency, input);
  }

  /** See `place.ts`: two round trips, one transaction, idempotent with a key. */
  create(actor: Actor, input: CreateOrderInput): Promise<OrderWithItems> {
    return placeOrder(this.store, this.clock, actor, input, this.payments.currency);
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
    return { ...toOrder(row, actor.id), items: await this.store.itemsOf(row) };
  }

  /** The caller's orders, newest first. */
  list(actor: Actor, page: PageRequest): Promise<Page<Order>> {
    return this.store.pageOfUser(actor.id, page);
  }

  /** Every user's orders newest first, optionally one status (admins only: see the router). */
  adminList(actor: Actor, { status, ...page }: AdminListOrdersInput): Promise<Page<Order>> {
    return this.store.adminPage(status, page, actor.id);
  }

  /**
   * The owner cancels a `PENDING` or `PAID` order (before shipping); stock comes back in the same
   * transaction, once; a paid order is refunded through its provider (see `cancelRow`).
   */
  async cancel(actor: Actor, id: string): Promise<Order> {
    const row = await retryOnConflict(async () => {
      const order = await this.store.get(id);
      if (!order || order.userId !== actor.id) throw new NotFoundError('Order not found');
      if (order.status !== 'PENDING' && order.status !== 'PAID') {
        throw new ConflictError(
          order.status === 'CANCELLED'
            ? 'Order is already cancelled'
            : `Only pending or paid orders can be cancelled; this one is ${order.status}`,
        );
      }
      return this.cancelRow(order, actor);
    });
    return toOrder(await this.closePayment(row), actor.id);
  }

  /** Admin status moves, only along the contract's transitions; `PAID` here is a manual payment. */
  async updateStatus(actor: Actor, id: string, status: OrderStatus): Promise<Order> {
    const row = await retryOnConflict(async () => {
      const order = await this.store.get(id);
      if (!order) throw new NotFoundError('Order not found');
      if (!allowedTransitions[order.status].includes(status)) {
        throw new ConflictError(`An order cannot move from ${order.status} to ${status}`);
      }
      if (status === 'CANCELLED') return this.cancelRow(order);
      if (status === 'PAID') {
        const paidAt = this.clock.now().toISOString();
        return this.transition(order, 'PAID', {
          set: { paymentStatus: 'PAID', paymentProvider: 'manual', paidAt },
          from: 'UNPAID',
        });
      }
      return this.transition(order, status);
    });
    // A manual payment also closes the order's open checkout: the shopper cannot pay twice.
    const closes = status === 'CANCELLED' || status === 'PAID';
    return toOrder(closes ? await this.closePayment(row) : row, actor.id);
  }

  /**
   * Cancels in one transaction with the stock restores. A payment taken through the provider moves
   * to `REFUND_PENDING` in that same write, so however often cancel runs, one refund is asked for
   * (`closePayment`); a manual payment is refunded outside the shop and stays as it is.
   */
  cancelRow(order: OrderRow, owner?: Actor): Promise<OrderRow> {
    const paidHere = order.paymentStatus === 'PAID' && order.paymentProvider === 'stripe';
    return this.transition(
      order,
      'CANCELLED',
      paidHere
        ? { set: { paymentStatus: 'REFUND_PENDING' }, from: 'PAID' }
        : { from: order.paymentStatus ?? 'UNPAID' },
      owner,
    );
  }

  /**
   * After a cancel or an admin's manual `PAID`: refund a provider payment (cancel only), or expire
   * an open checkout so it can no longer be paid. A failed refund leaves the order `REFUND_PENDING`
   * and is asked again by the sweep; a failed expiry is harmless (the move stands, and a payment
   * that still arrives is refunded by the webhook).
   */
  private async closePayment(row: OrderRow): Promise<OrderRow> {
    const { provider } = this.payments;
    if (row.paymentStatus === 'REFUND_PENDING' && row.paymentId) {
      try {
        await refundRecorded(provider, this.paymentStore, row);
      } catch {
        await this.paymentStore.markRefundDue(row.id).catch(() => undefined);
      }
    } else if (row.checkoutSessionId) {
      await provider.expireCheckout(row.checkoutSessionId).catch(() => undefined);
    }
    return row;
  }

  /**
   * Moves the order's status on the condition that status (and payment) are still as read;
   * cancelling restores every line's stock in the same transaction. A restore assumes the product
   * has stock left (so its `soldOut` flag is not written); when the product turns out sold out,
   * the move is asked again with that line bringing it back (see `products/stock.ts`). Lines of
   * products deleted since are skipped (their restore's condition fails with no row).
   */
  async transition(
    order: OrderRow,
    status: OrderStatus,
    payment: PaymentChange = {},
    owner?: Actor,
  ): Promise<OrderRow> {
    const updatedAt = this.clock.now().toISOString();
    let restores = (status === 'CANCELLED' ? order.lines : []).map((l) => ({ ...l, seen: 1 }));
    for (let attempt = 1; ; attempt++) {
      try {
        await this.store.move(order, status, updatedAt, restores, payment, owner);
        return { ...order, ...payment.set, status, updatedAt };
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
        const found = new Map(failed.failed.map((f) => [f.tag, stockOf(f.item)]));
        const next = restores.flatMap((line) => {
          const tag = `restore:${line.productId}` as const;
          if (!found.has(tag)) return [line];
          const stock = found.get(tag);
          return stock === undefined ? [] : [{ ...line, seen: stock }];
        });
        if (found.size === 0) throw error;
        // The stock keeps crossing 0 under us: the caller may retry later.
        if (attempt >= RESTORE_ATTEMPTS) {
          throw new ThrottledError('Too many concurrent changes, please retry', { cause: error });
        }
        restores = next;
      }
    }
  }
}
