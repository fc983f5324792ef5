/** Admin pages, loaded on demand (a separate chunk): shoppers never download them. */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
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
  useSearchParams,
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
import { useForm } from 'react-hook-form';
import {
  adjustStockInputSchema,
  createProductInputSchema,
  updateProductInputSchema,
} from '@shop/core/browser';
import { formatAddress } from '../components/address.tsx';
import { ConfirmButton } from '../components/Confirm.tsx';
import { showOrderChange } from '../components/order-cache.ts';
import { messageOf, parseMoney, schemaResolver, useSchemaForm } from '../components/forms.ts';
import { ListView } from '../components/ListView.tsx';
import { formatDate, StatusBadge } from '../components/orders.tsx';
import { PageHeading } from '../components/Page.tsx';
import { ProductImage } from '../components/ProductImage.tsx';
import { Field, FormError, Loading, MutationForm, QueryError } from '../ui.tsx';

/** Behind the route guard (App.tsx: signed in, and an administrator). */
export default function AdminRoutes() {
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

/** The admin lists' search box: `onSearch` gets the trimmed text ('' to list everything). */
function SearchForm({
  label,
  value,
  onSearch,
}: {
  label: string;
  value: string | undefined;
  onSearch: (text: string) => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState(value ?? '');
  return (
    <form
      role="search"
      className="search"
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(draft.trim());
      }}
    >
      <label htmlFor={id}>{label}</label>
      <div className="row nowrap">
        <input id={id} type="search" value={draft} onChange={(e) => setDraft(e.target.value)} />
        <button type="submit">Search</button>
      </div>
    </form>
  );
}

/** Products, listed or searched, with their stock (products.adminList), each linking to its editor. */
function AdminProducts() {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const q = params.get('q')?.trim() || undefined;
  const products = useInfiniteQuery(
    trpc.products.adminList.infiniteQueryOptions({ query: q, limit: 20 }, cursorPaging),
  );
  return (
    <section aria-labelledby="admin-products-heading">
      <div className="row spread">
        <PageHeading id="admin-products-heading" title="Products" />
        <Link className="button primary" to="/admin/products/new">
          New product
        </Link>
      </div>
      {params.get('deleted') && (
        <p role="status" className="notice success">
          Deleted {params.get('deleted')}.
        </p>
      )}
      <SearchForm
        label="Search products"
        value={q}
        onSearch={(text) => setParams(text ? { q: text } : {})}
      />
      <ListView query={products} empty={q ? `No product matches “${q}”.` : 'No products yet.'}>
        {(items) => (
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
      </ListView>
    </section>
  );
}

function ProductEditor() {
  const { id } = useParams();
  const trpc = useTRPC();
  const product = useQuery({
    ...trpc.products.byId.queryOptions({ id: id ?? '' }),
    enabled: Boolean(id),
  });
  if (id && product.isPending) return <Loading />;
  if (id && product.isError) {
    return (
      <section>
        <PageHeading title="Edit product" />
        <QueryError error={product.error} />
        <p>
          <Link to="/admin/products">All products</Link>
        </p>
      </section>
    );
  }
  return <ProductForm key={id ?? 'new'} product={id ? product.data : undefined} />;
}

interface ProductValues {
  name: string;
  description: string;
  category: string;
  price: string;
  imageUrl: string;
  stock: string;
}

const productFields = (v: ProductValues) => ({
  name: v.name,
  description: v.description,
  category: v.category.trim(),
  price: parseMoney(v.price),
  imageUrl: v.imageUrl.trim() ? v.imageUrl.trim() : null,
});
const PRICE_MESSAGE = { price: 'Enter a price such as 34.50 or $34.50.' };
const createResolver = schemaResolver<ProductValues>(
  createProductInputSchema,
  (v) => ({ ...productFields(v), stock: v.stock.trim() === '' ? Number.NaN : Number(v.stock) }),
  PRICE_MESSAGE,
);
// The id is checked by the API; here any placeholder passes its rule.
const updateResolver = schemaResolver<ProductValues>(
  updateProductInputSchema,
  (v) => ({ id: 'x', ...productFields(v) }),
  PRICE_MESSAGE,
);

/** Case and accents aside, as the API matches categories ("Kitchen" joins "kitchen"). */
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').trim().toLowerCase();

function ProductForm({ product }: { product?: Product }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const categories = useQuery(trpc.products.categories.queryOptions());
  const refresh = async (p: Product) => {
    queryClient.setQueryData(trpc.products.byId.queryKey({ id: p.id }), p);
    await queryClient.invalidateQueries({ queryKey: trpc.products.pathKey() });
  };
  const create = useMutation(
    trpc.products.create.mutationOptions({
      onSuccess: async (p) => {
        await refresh(p);
        await navigate(`/admin/products/${p.id}?created=1`);
      },
    }),
  );
  const update = useMutation(trpc.products.update.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(
    trpc.products.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.products.pathKey() });
        await navigate(`/admin/products?deleted=${encodeURIComponent(product?.name ?? '')}`);
      },
    }),
  );
  const save = product ? update : create;
  const { register, handleSubmit, formState, watch } = useForm<ProductValues>({
    resolver: product ? updateResolver : createResolver,
    defaultValues: {
      name: product?.name ?? '',
      description: product?.description ?? '',
      category: product?.category ?? '',
      price: product ? (product.price / 100).toFixed(2) : '',
      imageUrl: product?.imageUrl ?? '',
      stock: '0',
    },
  });
  const server = fieldErrors(save.error);
  const message = (name: keyof ProductValues) => messageOf(formState.errors, server, name);
  const typedCategory = watch('category');
  const existing = categories.data?.find(
    (c) => fold(c.category) === fold(typedCategory) && c.category !== typedCategory.trim(),
  );
  const imageUrl = watch('imageUrl').trim();

  const submit = (v: ProductValues) => {
    if (product) update.mutate({ id: product.id, ...productFields(v) });
    else create.mutate({ ...productFields(v), stock: Number(v.stock) });
  };

  return (
    <section aria-labelledby="product-form-heading" className="narrow">
      <PageHeading
        id="product-form-heading"
        title={product ? `Edit ${product.name}` : 'New product'}
      />
      {product && params.get('created') && !update.isSuccess && (
        <p role="status" className="notice success">
          Created {product.name}.
        </p>
      )}
      <form
        className="stack"
        noValidate
        aria-label={product ? 'Product' : 'New product'}
        onSubmit={(e) => void handleSubmit(submit)(e)}
      >
        <Field label="Name" error={message('name')} {...register('name')} />
        <div className="field">
          <label htmlFor="description">Description</label>
          <textarea
            id="description"
            rows={4}
            aria-invalid={message('description') ? true : undefined}
            aria-describedby={message('description') ? 'description-message' : undefined}
            {...register('description')}
          />
          {message('description') && (
            <small id="description-message" className="field-error">
              {message('description')}
            </small>
          )}
        </div>
        <Field
          label="Category"
          list="category-options"
          autoComplete="off"
          hint={
            existing
              ? `Files under the existing category “${existing.category}”.`
              : 'Pick an existing category or type a new one.'
          }
          error={message('category')}
          {...register('category')}
        />
        <datalist id="category-options">
          {categories.data?.map((c) => (
            <option key={c.category} value={c.category} />
          ))}
        </datalist>
        <Field
          label="Price (USD)"
          inputMode="decimal"
          hint="For example 34.50 or $34.50"
          error={message('price')}
          {...register('price')}
        />
        <Field
          label="Image URL"
          type="url"
          hint="An https address; leave empty for the placeholder."
          error={message('imageUrl')}
          {...register('imageUrl')}
        />
        <figure className="image-preview">
          <ProductImage
            name={watch('name') || 'New product'}
            imageUrl={imageUrl || null}
            size="card"
          />
          <figcaption>Preview</figcaption>
        </figure>
        {!product && (
          <Field
            label="Initial stock"
            type="number"
            min={0}
            error={message('stock')}
            {...register('stock')}
          />
        )}
        {Object.keys(formState.errors).length > 0 && (
          <p role="alert" className="form-error">
            Please correct the fields marked above.
          </p>
        )}
        <FormError error={save.error} />
        {update.isSuccess && (
          <p role="status" className="notice success">
            Saved.
          </p>
        )}
        <button type="submit" className="primary" disabled={save.isPending}>
          {product ? 'Save product' : 'Create product'}
        </button>
      </form>
      {product && <StockAdjuster product={product} onAdjusted={refresh} />}
      {product && (
        <div className="panel danger-zone">
          <FormError error={remove.error} />
          <ConfirmButton
            title={`Delete ${product.name}?`}
            description="The product leaves the catalogue. Orders already placed keep their lines."
            confirmLabel="Delete product"
            disabled={remove.isPending}
            onConfirm={() => remove.mutate({ id: product.id })}
          >
            Delete product
          </ConfirmButton>
        </div>
      )}
    </section>
  );
}

// The id is checked by the API; here any placeholder passes its rule. An empty field is no number.
const stockResolver = schemaResolver<{ delta: string }>(adjustStockInputSchema, (v) => ({
  id: 'x',
  delta: v.delta.trim() === '' ? Number.NaN : Number(v.delta),
}));

function StockAdjuster({
  product,
  onAdjusted,
}: {
  product: Product;
  onAdjusted: (p: Product) => Promise<void>;
}) {
  const trpc = useTRPC();
  const adjust = useMutation(trpc.products.adjustStock.mutationOptions({ onSuccess: onAdjusted }));
  const form = useSchemaForm(stockResolver, { delta: '' }, adjust.error);
  return (
    <MutationForm
      className="panel stack"
      aria-labelledby="stock-heading"
      invalid={form.invalid}
      onSubmit={form.handleSubmit((v) =>
        adjust.mutate(
          { id: product.id, delta: Number(v.delta) },
          { onSuccess: () => form.reset() },
        ),
      )}
      error={adjust.error}
      pending={adjust.isPending}
      success={adjust.isSuccess && `Stock updated: ${adjust.data.stock} in stock.`}
      submitLabel="Adjust stock"
    >
      <h2 id="stock-heading">Stock</h2>
      <p>
        In stock: <strong data-testid="stock">{product.stock}</strong>
      </p>
      <Field
        label="Adjust by"
        type="number"
        hint="Positive to receive goods, negative to write off."
        {...form.field('delta')}
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
const DONE: Record<OrderStatus, string> = {
  PENDING: 'marked pending',
  PAID: 'marked paid',
  SHIPPED: 'marked shipped',
  DELIVERED: 'marked delivered',
  CANCELLED: 'cancelled',
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
                <span className="row">
                  {NEXT[o.status].map((next) =>
                    next === 'CANCELLED' ? (
                      <ConfirmButton
                        key={next}
                        label={`${ACTION[next]}: order ${o.id.slice(0, 8)}`}
                        title="Cancel this order?"
                        description="Its items go back into stock. This cannot be undone."
                        confirmLabel="Cancel order"
                        disabled={move.isPending}
                        onConfirm={() => move.mutate({ id: o.id, status: next })}
                      >
                        {ACTION[next]}
                      </ConfirmButton>
                    ) : (
                      <button
                        key={next}
                        type="button"
                        disabled={move.isPending}
                        onClick={() => move.mutate({ id: o.id, status: next })}
                        aria-label={`${ACTION[next]}: order ${o.id.slice(0, 8)}`}
                      >
                        {ACTION[next]}
                      </button>
                    ),
                  )}
                </span>
              </li>
            ))}
          </ul>
        )}
      </ListView>
    </section>
  );
}

function AdminUsers() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // The signed-in admin's own id (display only): the API refuses changing one's own admin right.
  const myId = useAuth().userId;
  const [params, setParams] = useSearchParams();
  const prefix = params.get('email')?.trim() || undefined;
  const users = useInfiniteQuery(
    trpc.users.adminList.infiniteQueryOptions(
      prefix ? { limit: 20, emailPrefix: prefix } : { limit: 20 },
      cursorPaging,
    ),
  );
  const setAdmin = useMutation(
    trpc.users.setAdmin.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.users.adminList.pathKey() }),
    }),
  );
  const changed = setAdmin.variables;
  const changedEmail = users.data?.pages
    .flatMap((p) => p.items)
    .find((u) => u.id === changed?.id)?.email;
  return (
    <section aria-labelledby="users-heading">
      <PageHeading id="users-heading" title="Users" />
      <FormError error={setAdmin.error} />
      {setAdmin.isSuccess && changed && (
        <p role="status" className="notice success">
          {changedEmail ?? 'The user'}{' '}
          {changed.isAdmin ? 'is now an administrator' : 'is no longer an administrator'}.
        </p>
      )}
      <SearchForm
        label="Find users by e-mail (its beginning)"
        value={prefix}
        onSearch={(text) => setParams(text ? { email: text } : {})}
      />
      <ListView
        query={users}
        empty={prefix ? `No user's e-mail starts with “${prefix}”.` : 'No users.'}
      >
        {(items) => (
          <ul className="lines" aria-label="Users">
            {items.map((u) => {
              // Shown as it will be while the change is under way (the list refetches after).
              const isAdmin =
                setAdmin.isPending && changed?.id === u.id ? changed.isAdmin : u.isAdmin;
              return (
                <li key={u.id} className="line">
                  <span>
                    {u.firstName} {u.lastName} · {u.email}
                    {u.id === myId && ' (you)'}
                  </span>
                  <span className="row">
                    {isAdmin && <span className="badge">Administrator</span>}
                    {u.id !== myId && (
                      <ConfirmButton
                        className={isAdmin ? 'danger small' : 'secondary small'}
                        label={`${isAdmin ? 'Remove admin' : 'Make admin'}: ${u.email}`}
                        title={
                          isAdmin
                            ? 'Remove administrator rights?'
                            : 'Make this user an administrator?'
                        }
                        description={
                          isAdmin
                            ? `${u.email} will no longer manage products, orders or users.`
                            : `${u.email} will manage products, orders and users, from their next sign-in.`
                        }
                        confirmLabel={isAdmin ? 'Remove admin' : 'Make admin'}
                        disabled={setAdmin.isPending}
                        onConfirm={() => setAdmin.mutate({ id: u.id, isAdmin: !isAdmin })}
                      >
                        {isAdmin ? 'Remove admin' : 'Make admin'}
                      </ConfirmButton>
                    )}
                  </span>
                </li>
              );
            })}
          </ul>
        )}
      </ListView>
    </section>
  );
}
