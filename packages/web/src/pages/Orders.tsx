import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { isNotFound, money, useAuth, useTRPC, cursorPaging, type Order } from '../api.ts';
import { formatAddress } from '../components/address.tsx';
import { ConfirmButton } from '../components/Confirm.tsx';
import { ListView } from '../components/ListView.tsx';
import { showOrderChange } from '../components/order-cache.ts';
import {
  formatDate,
  goToPayment,
  PaymentBadge,
  returnedFromPayment,
  StatusBadge,
} from '../components/orders.tsx';
import { PageHeading } from '../components/Page.tsx';
import { FormError, Loading, QueryError } from '../ui.tsx';

/** How long the order page waits for the provider's webhook after the shopper comes back. */
const AWAIT_PAYMENT_MS = 60_000;

/** What the shopper sees of the payment, in words (the API says what may be done: `actions`). */
function paymentSentence(o: Order): string | null {
  if (o.status === 'CANCELLED' && o.payment.status === 'UNPAID') {
    return o.payment.expiresAt && Date.parse(o.payment.expiresAt) <= Date.now()
      ? 'The time to pay ran out, so the order was cancelled and its items went back into stock.'
      : null;
  }
  if (o.payment.status === 'UNPAID' && o.actions.includes('pay')) {
    return o.payment.expiresAt
      ? `Not paid yet. Pay by ${formatDate(o.payment.expiresAt)} or the order is cancelled.`
      : 'Not paid yet.';
  }
  if (o.payment.status === 'PAID') {
    return o.payment.paidAt ? `Paid on ${formatDate(o.payment.paidAt)}.` : 'Paid.';
  }
  if (o.payment.status === 'REFUND_PENDING') return 'Your refund is on its way.';
  if (o.payment.status === 'REFUNDED') return 'Refunded.';
  return null;
}

export function OrdersPage() {
  const trpc = useTRPC();
  const orders = useInfiniteQuery(
    trpc.orders.list.infiniteQueryOptions({ limit: 10 }, cursorPaging),
  );
  return (
    <section aria-labelledby="orders-heading">
      <PageHeading id="orders-heading" title="Your orders" />
      <ListView
        query={orders}
        loading="Loading your orders…"
        empty={
          <>
            <p className="empty-title">No orders yet.</p>
            <p>
              <Link className="button" to="/">
                Start shopping
              </Link>
            </p>
          </>
        }
      >
        {(items) => (
          <ul className="lines" aria-label="Orders">
            {items.map((o) => (
              <li key={o.id} className="line">
                <Link to={`/orders/${o.id}`}>Order of {formatDate(o.orderDate)}</Link>
                <StatusBadge status={o.status} />
                <PaymentBadge status={o.payment.status} />
                <span>{money(o.totalAmount)}</span>
              </li>
            ))}
          </ul>
        )}
      </ListView>
    </section>
  );
}

export function OrderPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { userId } = useAuth();
  // Back from the provider's page, the payment is confirmed by its webhook a moment later: the
  // page asks again every two seconds for a while, until the order is paid.
  const [returnedAt] = useState(() => (returnedFromPayment(id) ? Date.now() : null));
  const order = useQuery({
    ...trpc.orders.byId.queryOptions({ id }),
    refetchInterval: (query) => {
      const o = query.state.data;
      const waiting = returnedAt !== null && Date.now() - returnedAt < AWAIT_PAYMENT_MS;
      return waiting && o?.status === 'PENDING' ? 2000 : false;
    },
  });
  const pay = useMutation(
    trpc.orders.pay.mutationOptions({
      onSuccess: ({ url }) => goToPayment(id, url),
    }),
  );
  const cancel = useMutation(
    trpc.orders.cancel.mutationOptions({
      onSuccess: (cancelled) => showOrderChange(queryClient, cancelled),
    }),
  );
  if (order.isPending) return <Loading label="Loading the order…" />;
  if (order.isError) {
    return (
      <section className="not-found">
        <PageHeading title={isNotFound(order.error) ? 'Order not found' : 'Order'} />
        {isNotFound(order.error) ? (
          <p>There is no order of yours at this address.</p>
        ) : (
          <QueryError error={order.error} />
        )}
        <p>
          <Link to="/orders">All your orders</Link>
        </p>
      </section>
    );
  }
  const o = order.data;
  // Admins read any order (from the order queue); `actions` says what this caller may do.
  const own = o.userId === userId;
  return (
    <section aria-labelledby="order-heading" className="order">
      {params.get('placed') && (
        <p role="status" className="notice success">
          Thank you! Your order is placed.
        </p>
      )}
      <PageHeading id="order-heading" title={`Order of ${formatDate(o.orderDate)}`} />
      <p>
        Status: <StatusBadge status={o.status} /> · Payment:{' '}
        <PaymentBadge status={o.payment.status} />
      </p>
      {paymentSentence(o) && (
        <p
          className={o.payment.status === 'PAID' ? 'notice success' : 'notice'}
          role="status"
          data-testid="payment-status"
        >
          {paymentSentence(o)}
        </p>
      )}
      <div className="with-summary">
        <ul className="lines" aria-label="Order items">
          {o.items.map((item) => (
            <li key={item.id} className="line">
              <Link to={`/products/${item.productId}`}>
                {item.quantity} × {item.productName}
              </Link>
              <span>{money(item.quantity * item.price)}</span>
            </li>
          ))}
        </ul>
        <aside className="summary panel" aria-label="Order total and actions">
          <p className="total">
            Total: <strong>{money(o.totalAmount)}</strong>
          </p>
          <p>Ships to: {formatAddress(o.shippingAddress)}</p>
          <FormError error={pay.error} />
          <FormError error={cancel.error} />
          {o.actions.includes('pay') && (
            <button
              type="button"
              className="primary block"
              disabled={pay.isPending || pay.isSuccess}
              onClick={() => pay.mutate({ id: o.id })}
            >
              {pay.isPending || pay.isSuccess ? 'Going to payment…' : 'Pay now'}
            </button>
          )}
          {o.actions.includes('cancel') && (
            <ConfirmButton
              title="Cancel this order?"
              description={
                o.payment.status === 'PAID'
                  ? 'The order is cancelled, your payment is refunded and its items go back into stock. This cannot be undone.'
                  : 'The order is cancelled and its items go back into stock. This cannot be undone.'
              }
              confirmLabel="Cancel order"
              disabled={cancel.isPending}
              onConfirm={() => cancel.mutate({ id: o.id })}
            >
              {cancel.isPending ? 'Cancelling…' : 'Cancel order'}
            </ConfirmButton>
          )}
        </aside>
      </div>
      <p>{own ? <Link to="/orders">All orders</Link> : <Link to="/admin">Order queue</Link>}</p>
    </section>
  );
}
