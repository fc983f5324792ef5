import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { ORDER_TRANSITIONS } from '@shop/core/browser';
import { cursorPaging, money, ORDER_STATUSES, useTRPC, type OrderStatus } from '../../api.ts';
import { formatAddress } from '../../components/address.tsx';
import { ConfirmButton } from '../../components/Confirm.tsx';
import { ListView } from '../../components/ListView.tsx';
import { showOrderChange } from '../../components/order-cache.ts';
import { formatDate, StatusBadge } from '../../components/orders.tsx';
import { PageHeading } from '../../components/Page.tsx';
import { FormError } from '../../ui.tsx';

/** The moves the queue offers from each status (the API refuses any other). */
const NEXT: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = ORDER_TRANSITIONS;
const ACTION: Record<OrderStatus, string> = {
  PENDING: 'Mark pending',
  PAID: 'Mark paid',
  SHIPPED: 'Mark shipped',
  DELIVERED: 'Mark delivered',
  CANCELLED: 'Cancel',
};
const DONE: Record<OrderStatus, string> = {
  PENDING: 'marked pending',
  PAID: 'marked paid',
  SHIPPED: 'marked shipped',
  DELIVERED: 'marked delivered',
  CANCELLED: 'cancelled',
};

/** Orders by status, each with the moves its status allows. */
export function OrderQueue() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<OrderStatus>('PENDING');
  const orders = useInfiniteQuery(
    trpc.orders.adminList.infiniteQueryOptions({ status, limit: 20 }, cursorPaging),
  );
  const move = useMutation(
    trpc.orders.updateStatus.mutationOptions({
      onSuccess: (moved) => showOrderChange(queryClient, moved),
    }),
  );
  return (
    <section aria-labelledby="queue-heading">
      <PageHeading id="queue-heading" title="Order queue" />
      <div role="group" aria-label="Status" className="tabs">
        {ORDER_STATUSES.map((s) => (
          <button
            key={s}
            type="button"
            className={s === status ? '' : 'secondary'}
            aria-pressed={s === status}
            onClick={() => setStatus(s)}
          >
            {s}
          </button>
        ))}
      </div>
      <FormError error={move.error} />
      {move.isSuccess && (
        <p role="status" className="notice success">
          Order {move.data.id.slice(0, 8)} {DONE[move.data.status]}.
        </p>
      )}
      <ListView
        query={orders}
        loading="Loading orders…"
        empty={`No ${status.toLowerCase()} orders.`}
      >
        {(items) => (
          <ul className="lines" aria-label={`${status} orders`}>
            {items.map((o) => (
              <li key={o.id} className="line queue-item" data-order-id={o.id}>
                <span>
                  <Link to={`/orders/${o.id}`}>
                    <strong>{money(o.totalAmount)}</strong> · {formatDate(o.orderDate)}
                  </Link>
                  <br />
                  <small>{formatAddress(o.shippingAddress)}</small>
                </span>
                <StatusBadge status={o.status} />
                <OrderMoves
                  order={o}
                  pending={move.isPending}
                  onMove={(next) => move.mutate({ id: o.id, status: next })}
                />
              </li>
            ))}
          </ul>
        )}
      </ListView>
    </section>
  );
}

/** The buttons that move one order on; cancelling asks first (its stock goes back). */
function OrderMoves({
  order,
  pending,
  onMove,
}: {
  order: { id: string; status: OrderStatus };
  pending: boolean;
  onMove: (next: OrderStatus) => void;
}) {
  return (
    <span className="row">
      {NEXT[order.status].map((next) =>
        next === 'CANCELLED' ? (
          <ConfirmButton
            key={next}
            label={`${ACTION[next]}: order ${order.id.slice(0, 8)}`}
            title="Cancel this order?"
            description="Its items go back into stock. This cannot be undone."
            confirmLabel="Cancel order"
            disabled={pending}
            onConfirm={() => onMove(next)}
          >
            {ACTION[next]}
          </ConfirmButton>
        ) : (
          <button
            key={next}
            type="button"
            disabled={pending}
            onClick={() => onMove(next)}
            aria-label={`${ACTION[next]}: order ${order.id.slice(0, 8)}`}
          >
            {ACTION[next]}
          </button>
        ),
      )}
    </span>
  );
}
