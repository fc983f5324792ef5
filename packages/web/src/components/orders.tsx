import type { OrderStatus, PaymentStatus } from '../api.ts';

// One formatter: `toLocaleString` with options builds one per call.
const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });
export const formatDate = (iso: string) => dateTime.format(new Date(iso));

const LABEL: Record<OrderStatus, string> = {
  PENDING: 'Pending',
  PAID: 'Paid',
  SHIPPED: 'Shipped',
  DELIVERED: 'Delivered',
  CANCELLED: 'Cancelled',
};

export function StatusBadge({ status }: { status: OrderStatus }) {
  return (
    <span className={`status status-${status.toLowerCase()}`} data-status={status}>
      {LABEL[status]}
    </span>
  );
}

const PAYMENT_LABEL: Record<PaymentStatus, string> = {
  UNPAID: 'Not paid yet',
  PAID: 'Paid',
  REFUND_PENDING: 'Refund on its way',
  REFUNDED: 'Refunded',
};

export function PaymentBadge({ status }: { status: PaymentStatus }) {
  return (
    <span className={`payment payment-${status.toLowerCase()}`} data-payment={status}>
      {PAYMENT_LABEL[status]}
    </span>
  );
}

const PAYING_KEY = 'shop.paying';

/** Sends the shopper to the provider's hosted page, remembering which order is being paid. */
export function goToPayment(orderId: string, url: string) {
  sessionStorage.setItem(PAYING_KEY, orderId);
  window.location.assign(url);
}

/** True once after the shopper comes back from paying this order. */
export function returnedFromPayment(orderId: string): boolean {
  const paying = sessionStorage.getItem(PAYING_KEY) === orderId;
  if (paying) sessionStorage.removeItem(PAYING_KEY);
  return paying;
}
