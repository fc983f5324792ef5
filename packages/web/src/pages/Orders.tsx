import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { isNotFound, money, useAuth, useTRPC, type OrderStatus, cursorPaging } from '../api.ts';
import { formatAddress } from '../components/address.tsx';
import { ConfirmButton } from '../components/Confirm.tsx';
import { ListView } from '../components/ListView.tsx';
import { formatDate, StatusBadge } from '../components/orders.tsx';
import { PageHeading } from '../components/Page.tsx';
import { FormError, Loading, QueryError } from '../ui.tsx';

// Round 2: the API's `Order.actions` replaces this copy of the rule (pay, cancel).
const CANCELLABLE: OrderStatus[] = ['PENDING', 'PAID'];

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
  const order = useQuery(trpc.orders.byId.queryOptions({ id }));
  const cancel = useMutation(
    trpc.orders.cancel.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.orders.pathKey() });
      },
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
  // Admins read any order (from the order queue); only its owner may cancel it.
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
        Status: <StatusBadge status={o.status} />
      </p>
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
        {/* Round 2: the pay step (orders.pay, "Pay now") joins the actions here. */}
        <aside className="summary panel" aria-label="Order total and actions">
          <p className="total">
            Total: <strong>{money(o.totalAmount)}</strong>
          </p>
          <p>Ships to: {formatAddress(o.shippingAddress)}</p>
          <FormError error={cancel.error} />
          {own && CANCELLABLE.includes(o.status) && (
            <ConfirmButton
              title="Cancel this order?"
              description="The order is cancelled and its items go back into stock. This cannot be undone."
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
