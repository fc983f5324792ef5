import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { money, useAuth, useTRPC, type OrderStatus, cursorPaging } from '../api.ts';
import { Empty, FormError, Loading, QueryError } from '../ui.tsx';
import { formatAddress } from './Checkout.tsx';

export const CANCELLABLE: OrderStatus[] = ['PENDING', 'PAID'];
export const formatDate = (iso: string) =>
  new Date(iso).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });

export function StatusBadge({ status }: { status: OrderStatus }) {
  return <span className={`status status-${status.toLowerCase()}`}>{status}</span>;
}

export function OrdersPage() {
  const trpc = useTRPC();
  const orders = useInfiniteQuery(
    trpc.orders.list.infiniteQueryOptions({ limit: 10 }, cursorPaging),
  );
  const items = orders.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="orders-heading">
      <h1 id="orders-heading">Your orders</h1>
      {orders.isPending ? (
        <Loading label="Loading your orders…" />
      ) : orders.isError ? (
        <QueryError error={orders.error} retry={() => void orders.refetch()} />
      ) : items.length === 0 ? (
        <Empty>
          No orders yet. <Link to="/">Start shopping</Link>.
        </Empty>
      ) : (
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
      {orders.hasNextPage && (
        <button
          type="button"
          className="secondary load-more"
          onClick={() => void orders.fetchNextPage()}
          disabled={orders.isFetchingNextPage}
        >
          {orders.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      )}
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
  if (order.isError) return <QueryError error={order.error} />;
  const o = order.data;
  // Admins read any order (from the order queue); only its owner may cancel it.
  const own = o.userId === userId;
  return (
    <section aria-labelledby="order-heading">
      {params.get('placed') && (
        <p role="status" className="notice">
          Thank you! Your order is placed.
        </p>
      )}
      <h1 id="order-heading">Order of {formatDate(o.orderDate)}</h1>
      <p>
        Status: <StatusBadge status={o.status} />
      </p>
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
      <p className="total">
        Total: <strong>{money(o.totalAmount)}</strong>
      </p>
      <p>Ships to: {formatAddress(o.shippingAddress)}</p>
      <FormError error={cancel.error} />
      {own && CANCELLABLE.includes(o.status) && (
        <button
          type="button"
          className="danger"
          disabled={cancel.isPending}
          onClick={() => cancel.mutate({ id: o.id })}
        >
          {cancel.isPending ? 'Cancelling…' : 'Cancel order'}
        </button>
      )}
      <p>{own ? <Link to="/orders">All orders</Link> : <Link to="/admin">Order queue</Link>}</p>
    </section>
  );
}
