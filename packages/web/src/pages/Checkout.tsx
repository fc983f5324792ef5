import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { money, useTRPC } from '../api.ts';
import { cart, cartTotal, useCart } from '../cart.ts';
import { AddressForm, formatAddress } from '../components/address.tsx';
import { PageHeading } from '../components/Page.tsx';
import { ProductImage } from '../components/ProductImage.tsx';
import { Empty, FormError, Loading, QueryError } from '../ui.tsx';

export function CheckoutPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const lines = useCart();
  // ONE key per checkout: made when the page opens, kept until the order succeeds, so a double
  // click or a retried request places one order (the API deduplicates by this key).
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const placing = useRef(false);
  const addresses = useQuery(trpc.addresses.list.queryOptions());
  const [chosen, setChosen] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);

  const createOrder = useMutation(
    trpc.orders.create.mutationOptions({
      onSuccess: async (order) => {
        cart.clear();
        await queryClient.invalidateQueries({ queryKey: trpc.orders.list.pathKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.products.pathKey() });
        await navigate(`/orders/${order.id}?placed=1`);
      },
      onSettled: () => {
        placing.current = false;
      },
    }),
  );

  if (addresses.isPending) return <Loading label="Loading your addresses…" />;
  if (addresses.isError) {
    return (
      <section>
        <PageHeading title="Checkout" />
        <QueryError error={addresses.error} title="Your addresses did not load." />
      </section>
    );
  }
  if (lines.length === 0 && !createOrder.isSuccess) {
    return (
      <section>
        <PageHeading title="Checkout" />
        <Empty>
          <p className="empty-title">Your cart is empty.</p>
          <p>
            <Link className="button" to="/">
              Browse the catalogue
            </Link>
          </p>
        </Empty>
      </section>
    );
  }
  const list = addresses.data;
  const selected = chosen ?? list.find((a) => a.isDefault)?.id ?? list[0]?.id ?? null;
  const showForm = adding || list.length === 0;

  const place = () => {
    if (!selected || placing.current) return;
    placing.current = true;
    createOrder.mutate({
      items: lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
      shippingAddressId: selected,
      idempotencyKey,
    });
  };

  return (
    <section aria-labelledby="checkout-heading" className="checkout">
      <PageHeading id="checkout-heading" title="Checkout" />
      <div className="with-summary">
        <div className="stack">
          <h2>Shipping address</h2>
          {list.length > 0 && (
            <fieldset>
              <legend>Choose an address</legend>
              {list.map((a) => (
                <label key={a.id} className="choice">
                  <input
                    type="radio"
                    name="address"
                    value={a.id}
                    checked={selected === a.id}
                    onChange={() => setChosen(a.id)}
                  />
                  {formatAddress(a)}
                </label>
              ))}
            </fieldset>
          )}
          {showForm ? (
            <AddressForm
              onCreated={(a) => {
                setChosen(a.id);
                setAdding(false);
              }}
              onCancel={list.length > 0 ? () => setAdding(false) : undefined}
            />
          ) : (
            <button type="button" className="secondary" onClick={() => setAdding(true)}>
              Add a new address
            </button>
          )}
        </div>
        {/* Round 2 slots the API's quote (orders.quote) and the pay step into this summary. */}
        <aside className="summary panel" aria-labelledby="summary-heading">
          <h2 id="summary-heading">Order summary</h2>
          <ul className="summary-lines" aria-label="Order items">
            {lines.map((l) => (
              <li key={l.productId} className="summary-line">
                <ProductImage name={l.name} imageUrl={l.imageUrl} size="thumb" />
                <span>
                  {l.quantity} × {l.name}
                </span>
                <span>{money(l.quantity * l.price)}</span>
              </li>
            ))}
          </ul>
          <p className="total">
            Total: <strong>{money(cartTotal(lines))}</strong>
          </p>
          <FormError error={createOrder.error} />
          <button
            type="button"
            className="primary block"
            onClick={place}
            disabled={!selected || createOrder.isPending || showForm}
            aria-disabled={!selected || createOrder.isPending || showForm}
          >
            {createOrder.isPending ? 'Placing order…' : 'Place order'}
          </button>
          {showForm && <p className="muted">Save the address first.</p>}
        </aside>
      </div>
    </section>
  );
}
