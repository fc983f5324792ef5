/** Admin pages, loaded on demand (a separate chunk): shoppers never download them. */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ORDER_TRANSITIONS } from '@shop/core/browser';
import {
  Link,
  NavLink,
  Navigate,
  Outlet,
  Route,
  Routes,
  useNavigate,
  useParams,
} from 'react-router';
import {
  fieldErrors,
  money,
  ORDER_STATUSES,
  useAuth,
  useTRPC,
  type OrderStatus,
  type Product,
  cursorPaging,
} from '../api.ts';
import { Empty, Field, FormError, Loading, MutationForm, QueryError } from '../ui.tsx';
import { formatAddress } from './Checkout.tsx';
import { StatusBadge, formatDate } from './Orders.tsx';

export default function AdminRoutes() {
  const { signedIn, isAdmin } = useAuth();
  if (!signedIn) return <Navigate to="/login?next=/admin" replace />;
  if (!isAdmin) return <p role="alert">This area is for administrators.</p>;
  return (
    <Routes>
      <Route element={<AdminLayout />}>
        <Route index element={<Navigate to="orders" replace />} />
        <Route path="products" element={<AdminProducts />} />
        <Route path="products/new" element={<ProductEditor />} />
        <Route path="products/:id" element={<ProductEditor />} />
        <Route path="orders" element={<OrderQueue />} />
        <Route path="users" element={<AdminUsers />} />
      </Route>
    </Routes>
  );
}

function AdminLayout() {
  return (
    <div className="admin">
      <nav aria-label="Administration" className="tabs">
        <NavLink to="/admin/orders">Orders</NavLink>
        <NavLink to="/admin/products">Products</NavLink>
        <NavLink to="/admin/users">Users</NavLink>
      </nav>
      <Outlet />
    </div>
  );
}

function AdminProducts() {
  const trpc = useTRPC();
  const products = useInfiniteQuery(
    trpc.products.list.infiniteQueryOptions({ limit: 20 }, cursorPaging),
  );
  const items = products.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="admin-products-heading">
      <div className="row spread">
        <h1 id="admin-products-heading">Products</h1>
        <Link className="button" to="/admin/products/new">
          New product
        </Link>
      </div>
      {products.isPending ? (
        <Loading />
      ) : products.isError ? (
        <QueryError error={products.error} />
      ) : items.length === 0 ? (
        <Empty>No products yet.</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Category</th>
                <th scope="col">Price</th>
                <th scope="col">Stock</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link to={`/admin/products/${p.id}`}>{p.name}</Link>
                  </td>
                  <td>{p.category}</td>
                  <td>{money(p.price)}</td>
                  <td>{p.stock}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {products.hasNextPage && (
        <button
          type="button"
          className="secondary load-more"
          onClick={() => void products.fetchNextPage()}
          disabled={products.isFetchingNextPage}
        >
          Load more
        </button>
      )}
    </section>
  );
}

/** Dollars typed by a person ("19.99") to cents (1999); NaN when not a price. */
const toCents = (text: string) =>
  /^\d+(\.\d{1,2})?$/.test(text.trim()) ? Math.round(Number(text) * 100) : NaN;

function ProductEditor() {
  const { id } = useParams();
  const trpc = useTRPC();
  const product = useQuery({
    ...trpc.products.byId.queryOptions({ id: id ?? '' }),
    enabled: Boolean(id),
  });
  if (id && product.isPending) return <Loading />;
  if (id && product.isError) return <QueryError error={product.error} />;
  return <ProductForm key={id ?? 'new'} product={id ? product.data : undefined} />;
}

function ProductForm({ product }: { product?: Product }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [priceError, setPriceError] = useState<string>();
  const refresh = async (p: Product) => {
    queryClient.setQueryData(trpc.products.byId.queryKey({ id: p.id }), p);
    await queryClient.invalidateQueries({ queryKey: trpc.products.pathKey() });
  };
  const create = useMutation(
    trpc.products.create.mutationOptions({
      onSuccess: async (p) => {
        await refresh(p);
        await navigate(`/admin/products/${p.id}`);
      },
    }),
  );
  const update = useMutation(trpc.products.update.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(
    trpc.products.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.products.pathKey() });
        await navigate('/admin/products');
      },
    }),
  );
  const save = product ? update : create;
  const errors = fieldErrors(save.error);

  const submit = (v: Record<string, string>) => {
    const price = toCents(v.price ?? '');
    setPriceError(Number.isNaN(price) ? 'Enter a price such as 19.99' : undefined);
    if (Number.isNaN(price)) return;
    const fields = {
      name: v.name ?? '',
      description: v.description ?? '',
      category: v.category ?? '',
      price,
      imageUrl: v.imageUrl?.trim() ? v.imageUrl.trim() : null,
    };
    if (product) update.mutate({ id: product.id, ...fields });
    else create.mutate({ ...fields, stock: Number(v.stock ?? 0) });
  };

  return (
    <section aria-labelledby="product-form-heading" className="narrow">
      <h1 id="product-form-heading">{product ? `Edit ${product.name}` : 'New product'}</h1>
      <MutationForm
        onValues={submit}
        error={save.error}
        pending={save.isPending}
        success={update.isSuccess && 'Saved.'}
        submitLabel={product ? 'Save product' : 'Create product'}
      >
        <Field label="Name" name="name" defaultValue={product?.name} error={errors.name} />
        <div className="field">
          <label htmlFor="description">Description</label>
          <textarea
            id="description"
            name="description"
            rows={4}
            defaultValue={product?.description}
            aria-invalid={errors.description ? true : undefined}
            aria-describedby={errors.description ? 'description-message' : undefined}
          />
          {errors.description && (
            <small id="description-message" className="field-error">
              {errors.description}
            </small>
          )}
        </div>
        <Field
          label="Category"
          name="category"
          defaultValue={product?.category}
          error={errors.category}
        />
        <Field
          label="Price (USD)"
          name="price"
          inputMode="decimal"
          defaultValue={product ? (product.price / 100).toFixed(2) : ''}
          error={priceError ?? errors.price}
        />
        <Field
          label="Image URL"
          name="imageUrl"
          type="url"
          defaultValue={product?.imageUrl ?? ''}
          error={errors.imageUrl}
        />
        {!product && (
          <Field
            label="Initial stock"
            name="stock"
            type="number"
            min={0}
            defaultValue="0"
            error={errors.stock}
          />
        )}
      </MutationForm>
      {product && <StockAdjuster product={product} onAdjusted={refresh} />}
      {product && (
        <div className="panel danger-zone">
          <FormError error={remove.error} />
          <button
            type="button"
            className="danger"
            onClick={() => {
              if (window.confirm(`Delete ${product.name}?`)) remove.mutate({ id: product.id });
            }}
          >
            Delete product
          </button>
        </div>
      )}
    </section>
  );
}

function StockAdjuster({
  product,
  onAdjusted,
}: {
  product: Product;
  onAdjusted: (p: Product) => Promise<void>;
}) {
  const trpc = useTRPC();
  const adjust = useMutation(trpc.products.adjustStock.mutationOptions({ onSuccess: onAdjusted }));
  const errors = fieldErrors(adjust.error);
  return (
    <MutationForm
      className="panel stack"
      aria-labelledby="stock-heading"
      onValues={(v, form) =>
        adjust.mutate(
          { id: product.id, delta: Math.trunc(Number(v.delta)) },
          { onSuccess: () => form.reset() },
        )
      }
      error={adjust.error}
      pending={adjust.isPending}
      submitLabel="Adjust stock"
    >
      <h2 id="stock-heading">Stock</h2>
      <p>
        In stock: <strong data-testid="stock">{product.stock}</strong>
      </p>
      <Field
        label="Adjust by"
        name="delta"
        type="number"
        hint="Positive to receive goods, negative to write off."
        error={errors.delta}
      />
    </MutationForm>
  );
}

/** The moves the queue offers from each status (the API refuses any other). */
const NEXT: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = ORDER_TRANSITIONS;
const ACTION: Record<OrderStatus, string> = {
  PENDING: 'Mark pending',
  PAID: 'Mark paid',
  SHIPPED: 'Mark shipped',
  DELIVERED: 'Mark delivered',
  CANCELLED: 'Cancel',
};

function OrderQueue() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<OrderStatus>('PENDING');
  const orders = useInfiniteQuery(
    trpc.orders.adminList.infiniteQueryOptions({ status, limit: 20 }, cursorPaging),
  );
  const move = useMutation(
    trpc.orders.updateStatus.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.orders.pathKey() }),
    }),
  );
  const items = orders.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="queue-heading">
      <h1 id="queue-heading">Order queue</h1>
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
      {orders.isPending ? (
        <Loading label="Loading orders…" />
      ) : orders.isError ? (
        <QueryError error={orders.error} />
      ) : items.length === 0 ? (
        <Empty>No {status.toLowerCase()} orders.</Empty>
      ) : (
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
              <span className="row">
                {NEXT[o.status].map((next) => (
                  <button
                    key={next}
                    type="button"
                    className={next === 'CANCELLED' ? 'danger' : ''}
                    disabled={move.isPending}
                    onClick={() => move.mutate({ id: o.id, status: next })}
                    aria-label={`${ACTION[next]}: order ${o.id.slice(0, 8)}`}
                  >
                    {ACTION[next]}
                  </button>
                ))}
              </span>
            </li>
          ))}
        </ul>
      )}
      {orders.hasNextPage && (
        <button
          type="button"
          className="secondary load-more"
          onClick={() => void orders.fetchNextPage()}
        >
          Load more
        </button>
      )}
    </section>
  );
}

function AdminUsers() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // The signed-in admin's own id (display only): the API refuses changing one's own admin right.
  const myId = useAuth().userId;
  const users = useInfiniteQuery(
    trpc.users.adminList.infiniteQueryOptions({ limit: 20 }, cursorPaging),
  );
  const setAdmin = useMutation(
    trpc.users.setAdmin.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.users.adminList.pathKey() }),
    }),
  );
  const items = users.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="users-heading">
      <h1 id="users-heading">Users</h1>
      <FormError error={setAdmin.error} />
      {users.isPending ? (
        <Loading />
      ) : users.isError ? (
        <QueryError error={users.error} />
      ) : items.length === 0 ? (
        <Empty>No users.</Empty>
      ) : (
        <ul className="lines" aria-label="Users">
          {items.map((u) => (
            <li key={u.id} className="line">
              <span>
                {u.firstName} {u.lastName} · {u.email}
                {u.id === myId && ' (you)'}
              </span>
              <label className="choice">
                <input
                  type="checkbox"
                  role="switch"
                  checked={u.isAdmin}
                  disabled={setAdmin.isPending || u.id === myId}
                  aria-label={`Administrator: ${u.email}`}
                  onChange={(e) => setAdmin.mutate({ id: u.id, isAdmin: e.target.checked })}
                />
                Administrator
              </label>
            </li>
          ))}
        </ul>
      )}
      {users.hasNextPage && (
        <button
          type="button"
          className="secondary load-more"
          onClick={() => void users.fetchNextPage()}
        >
          Load more
        </button>
      )}
    </section>
  );
}
