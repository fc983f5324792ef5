import type { Actor } from '../actor.ts';
import type { Clock } from '../common.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { TransactionCancelled } from '../db/transactions.ts';
import type { OrderRow } from '../orders/schema.ts';
import type { OrderService } from '../orders/service.ts';
import { paymentCondition, type OrderPaymentStore, type OrderStore } from '../orders/store.ts';
import type { PaymentSettings } from './config.ts';
import type { CheckoutRequest, PaymentEvent } from './provider.ts';
import { refundKey, refundRecorded } from './refunds.ts';

/** Stripe keeps a Checkout Session open 30 minutes at least (a minute of margin), 24 hours at most. */
const MIN_CHECKOUT_MS = 31 * 60_000;
const MAX_CHECKOUT_MS = 23 * 60 * 60_000;
/** A reservation is reused while its expiry is still Stripe's minimum (30 minutes) ahead. */
const REUSE_MIN_MS = 30 * 60_000 + 10_000;
/** How often `pay` and the webhook read again after losing a race on the order row. */
const ATTEMPTS = 4;
/** Orders one sweep run handles at most (a run every 5 minutes; the next one takes the rest). */
export const SWEEP_BATCH = 100;

/** What the webhook did with an event (for the log and the tests; the provider gets a 200). */
export type EventOutcome =
  | 'paid'
  | 'duplicate'
  | 'mismatch'
  | 'unknown-order'
  | 'refunded'
  | 'refund-recorded'
  | 'expired'
  | 'ignored';

const PENDING_UNPAID = (() => {
  const unpaid = paymentCondition('UNPAID');
  return {
    expression: `#st = :pending AND ${unpaid.expression}`,
    names: { '#st': 'status', ...unpaid.names },
    values: { ':pending': 'PENDING', ...unpaid.values },
  };
})();

/** The payment rules: what may be paid, when a payment counts, what is refunded or expired. */
export class PaymentService {
  constructor(
    private readonly orders: OrderStore,
    private readonly store: OrderPaymentStore,
    private readonly orderService: OrderService,
    private readonly settings: PaymentSettings,
    private readonly clock: Clock,
  ) {}

  /**
   * Where the owner of a pending unpaid order pays it. The checkout is first reserved on the row
   * (its number and expiry), then created at the provider under a key made of that number, then
   * recorded: a retry after a lost answer, or a concurrent second call, names the same key and so
   * gets the same session; asking again while it is open returns it without calling the provider.
   */
  async pay(actor: Actor, id: string): Promise<{ url: string; expiresAt: string }> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const row = await this.orders.get(id);
      if (!row || row.userId !== actor.id) throw new NotFoundError('Order not found');
      if (row.status !== 'PENDING' || (row.paymentStatus ?? 'UNPAID') !== 'UNPAID') {
        throw new ConflictError(
          `Only pending unpaid orders can be paid; this one is ${row.status}`,
        );
      }
      const now = this.clock.now().getTime();
      const open = row.checkoutExpiresAt && Date.parse(row.checkoutExpiresAt) > now;
      if (open && row.checkoutSessionId && row.checkoutUrl) {
        return { url: row.checkoutUrl, expiresAt: row.checkoutExpiresAt! };
      }
      let count = row.checkoutCount ?? 0;
      let expiresAt = row.checkoutExpiresAt;
      // A reservation without a session, made moments ago (a concurrent call, a lost answer
      // retried): create (or find) its session under the same key. Its expiry must still be one
      // the provider accepts as it is, since a retry under a key must repeat the same parameters;
      // an older one is replaced (the session it may have made at the provider was never shown).
      const reserved =
        !row.checkoutSessionId && expiresAt && Date.parse(expiresAt) > now + REUSE_MIN_MS;
      if (!reserved) {
        expiresAt = this.checkoutExpiry(row, now);
        const taken = await this.store.update(
          id,
          {
            checkoutCount: count + 1,
            checkoutExpiresAt: expiresAt,
            updatedAt: new Date(now).toISOString(),
          },
          countIs(count),
          ['checkoutSessionId', 'checkoutUrl'],
        );
        if (!taken) continue;
        count += 1;
      }
      const session = await this.settings.provider.createCheckout(
        await this.checkoutRequest(row, new Date(expiresAt!), count),
      );
      const recorded = await this.store.update(
        id,
        { checkoutSessionId: session.sessionId, checkoutUrl: session.url },
        countIs(count),
      );
      if (recorded) return { url: session.url, expiresAt: expiresAt! };
    }
    throw new ConflictError('The order changed meanwhile, please reload it');
  }

  /** The order's lines for the hosted page, read by key (consistent); one summary line if any is missing. */
  private async checkoutRequest(
    row: OrderRow,
    expiresAt: Date,
    count: number,
  ): Promise<CheckoutRequest> {
    const items = await this.orders.itemsOf(row);
    const complete = items.length === row.lines.length;
    return {
      orderId: row.id,
      userId: row.userId,
      amount: row.totalAmount,
      currency: row.currency,
      lines: complete
        ? items.map((i) => ({ name: i.productName, unitAmount: i.price, quantity: i.quantity }))
        : [{ name: `Order ${row.id.slice(0, 8)}`, unitAmount: row.totalAmount, quantity: 1 }],
      successUrl: this.settings.orderPageUrl(row.id),
      cancelUrl: this.settings.orderPageUrl(row.id),
      expiresAt,
      idempotencyKey: `checkout-${row.id}-${count}`,
    };
  }

  /** The order's own deadline, but never shorter than the provider allows. */
  private checkoutExpiry(row: OrderRow, now: number): string {
    const deadline = Date.parse(row.orderDate) + this.settings.timeoutMinutes * 60_000;
    const at = Math.min(now + MAX_CHECKOUT_MS, Math.max(deadline, now + MIN_CHECKOUT_MS));
    return new Date(at).toISOString();
  }

  /**
   * One verified provider event. Idempotent through conditional writes: however often or late an
   * event comes, the order moves at most once and one refund per payment is asked for.
   */
  async handleEvent(event: PaymentEvent): Promise<EventOutcome> {
    switch (event.type) {
      case 'checkout.completed':
        return this.completed(event);
      case 'checkout.expired': {
        const done = await this.store.update(
          event.orderId,
          { checkoutExpiresAt: this.clock.now().toISOString() },
          {
            expression: '#sid = :sid',
            names: { '#sid': 'checkoutSessionId' },
            values: { ':sid': event.sessionId },
          },
        );
        return done ? 'expired' : 'ignored';
      }
      case 'refund.succeeded': {
        if (!event.orderId) return 'ignored';
        const done = await this.store.update(
          event.orderId,
          {
            paymentStatus: 'REFUNDED',
            refundedAt: this.clock.now().toISOString(),
            refundId: event.refundId,
          },
          {
            expression: '#ps = :pending AND #pid = :pid',
            names: { '#ps': 'paymentStatus', '#pid': 'paymentId' },
            values: { ':pending': 'REFUND_PENDING', ':pid': event.paymentId },
          },
        );
        if (done) await this.store.clearRefundDue(event.orderId);
        return done ? 'refund-recorded' : 'ignored';
      }
      default:
        return 'ignored';
    }
  }

  private async completed(
    event: Extract<PaymentEvent, { type: 'checkout.completed' }>,
  ): Promise<EventOutcome> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const row = await this.orders.get(event.orderId);
      if (!row) return 'unknown-order';
      const matches =
        event.amount === row.totalAmount &&
        event.currency.toLowerCase() === row.currency.toLowerCase();
      if (!matches) return 'mismatch';
      if (row.paymentId === event.paymentId) {
        // Delivered again: finish a refund whose answer was lost, else nothing to do.
        if (row.paymentStatus === 'REFUND_PENDING' && !row.refundId) {
          await this.refund(row);
          return 'refunded';
        }
        return 'duplicate';
      }
      const now = this.clock.now().toISOString();
      const unpaid = (row.paymentStatus ?? 'UNPAID') === 'UNPAID';
      if (row.status === 'PENDING' && unpaid) {
        try {
          await this.orderService.transition(row, 'PAID', {
            set: {
              paymentStatus: 'PAID',
              paymentProvider: 'stripe',
              paidAt: now,
              paymentId: event.paymentId,
            },
            from: 'UNPAID',
          });
          return 'paid';
        } catch (error) {
          if (error instanceof ConflictError || error instanceof TransactionCancelled) continue;
          throw error;
        }
      }
      if (row.status === 'CANCELLED' && unpaid) {
        // Paid after the order was cancelled (the sweep, the shopper): record it, then refund it.
        const claimed = await this.store.update(
          row.id,
          {
            paymentStatus: 'REFUND_PENDING',
            paymentProvider: 'stripe',
            paidAt: now,
            paymentId: event.paymentId,
          },
          {
            expression: `#st = :cancelled AND ${paymentCondition('UNPAID').expression}`,
            names: { '#st': 'status', ...paymentCondition('UNPAID').names },
            values: { ':cancelled': 'CANCELLED', ...paymentCondition('UNPAID').values },
          },
        );
        if (!claimed) continue;
        await this.refund({
          ...row,
          paymentStatus: 'REFUND_PENDING',
          paymentId: event.paymentId,
        });
        return 'refunded';
      }
      // The order was paid already (another checkout, or by hand): this payment is one too many.
      await this.settings.provider.refund({
        paymentId: event.paymentId,
        amount: event.amount,
        idempotencyKey: refundKey(event.paymentId),
      });
      return 'refunded';
    }
    throw new ConflictError('The order kept changing; the provider will deliver the event again');
  }

  private async refund(row: OrderRow): Promise<void> {
    try {
      await refundRecorded(this.settings.provider, this.store, row);
    } catch (error) {
      await this.store.markRefundDue(row.id).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Cancels orders still unpaid `timeoutMinutes` after they were placed and restores their stock
   * (in the cancel's transaction), expiring their checkout at the provider first; then asks again
   * for refunds whose request failed. Reads the `status-index` PENDING partition up to the cutoff
   * (an index read, never a scan) and re-reads each order by key, strongly consistent, before
   * acting: the index lags the table on AWS. An order whose checkout is still open is left until
   * it expires; a failed provider call leaves the order for the next run.
   */
  async sweep(
    limit = SWEEP_BATCH,
  ): Promise<{ cancelled: string[]; skipped: string[]; refunded: string[] }> {
    const now = this.clock.now();
    const cutoff = new Date(now.getTime() - this.settings.timeoutMinutes * 60_000).toISOString();
    const candidates = await this.store.pendingBefore(cutoff, limit);
    const cancelled: string[] = [];
    const skipped: string[] = [];
    for (const { id } of candidates) {
      const done = await this.expireOne(id, cutoff, now.getTime()).catch(() => false);
      (done ? cancelled : skipped).push(id);
    }
    const refunded: string[] = [];
    for (const id of await this.store.refundsDue()) {
      const row = await this.orders.get(id);
      if (row?.paymentStatus !== 'REFUND_PENDING' || row.refundId) {
        await this.store.clearRefundDue(id);
        continue;
      }
      const ok = await refundRecorded(this.settings.provider, this.store, row).then(
        () => true,
        () => false,
      );
      if (ok) {
        await this.store.clearRefundDue(id);
        refunded.push(id);
      }
    }
    return { cancelled, skipped, refunded };
  }

  private async expireOne(id: string, cutoff: string, now: number): Promise<boolean> {
    const row = await this.orders.get(id);
    if (!row || row.status !== 'PENDING' || (row.paymentStatus ?? 'UNPAID') !== 'UNPAID')
      return false;
    if (row.orderDate >= cutoff) return false;
    if (row.checkoutExpiresAt && Date.parse(row.checkoutExpiresAt) > now) return false;
    if (row.checkoutSessionId) await this.settings.provider.expireCheckout(row.checkoutSessionId);
    await this.orderService.transition(row, 'CANCELLED', { from: 'UNPAID' });
    return true;
  }
}

/** The order is pending, unpaid, and its checkouts number `count` (none yet: no attribute). */
function countIs(count: number) {
  const names = { ...PENDING_UNPAID.names, '#cc': 'checkoutCount' };
  const counted = count === 0 ? 'attribute_not_exists(#cc)' : '#cc = :cc';
  return {
    expression: `${PENDING_UNPAID.expression} AND ${counted}`,
    names,
    values: { ...PENDING_UNPAID.values, ...(count === 0 ? {} : { ':cc': count }) },
  };
}
