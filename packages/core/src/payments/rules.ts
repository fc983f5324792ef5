import type { OrderRow } from '../orders/schema.ts';
import type { OrderAction, Payment } from './schema.ts';

/** The public payment of a row; a row written before payments existed reads as unpaid. */
export function paymentOf(row: OrderRow): Payment {
  const status = row.paymentStatus ?? 'UNPAID';
  return {
    status,
    provider: row.paymentProvider ?? null,
    paidAt: row.paidAt ?? null,
    refundedAt: row.refundedAt ?? null,
    // A checkout reserved but not yet created at the provider is not open.
    expiresAt:
      status === 'UNPAID' && row.status === 'PENDING' && row.checkoutSessionId
        ? (row.checkoutExpiresAt ?? null)
        : null,
  };
}

/**
 * What `viewerId` may do with the order now: the owner pays a pending unpaid order, and cancels a
 * pending or paid one (before shipping). Nobody else (an admin included) gets an action here.
 */
export function actionsFor(row: OrderRow, viewerId: string | undefined): OrderAction[] {
  if (viewerId !== row.userId) return [];
  const actions: OrderAction[] = [];
  if (row.status === 'PENDING' && (row.paymentStatus ?? 'UNPAID') === 'UNPAID') actions.push('pay');
  if (row.status === 'PENDING' || row.status === 'PAID') actions.push('cancel');
  return actions;
}
