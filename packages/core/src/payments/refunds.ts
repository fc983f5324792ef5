import type { OrderRow } from '../orders/schema.ts';
import type { OrderPaymentStore } from '../orders/store.ts';
import type { PaymentProvider } from './provider.ts';

/**
 * The provider's idempotency key for refunding a payment: one per payment, so however often a
 * refund is asked again (a retried webhook, a lost answer), the provider makes at most one.
 */
export const refundKey = (paymentId: string) => `refund-${paymentId}`;

/**
 * Asks the provider to refund the payment of an order already marked `REFUND_PENDING`, and keeps
 * the refund's id on the row. Safe to run again: same key, same refund.
 */
export async function refundRecorded(
  provider: PaymentProvider,
  store: OrderPaymentStore,
  row: OrderRow,
): Promise<void> {
  if (!row.paymentId) return;
  const { refundId } = await provider.refund({
    paymentId: row.paymentId,
    amount: row.totalAmount,
    idempotencyKey: refundKey(row.paymentId),
  });
  await store.update(
    row.id,
    { refundId },
    {
      expression: '#pid = :pid',
      names: { '#pid': 'paymentId' },
      values: { ':pid': row.paymentId },
    },
  );
}
