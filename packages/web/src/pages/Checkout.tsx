import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { fieldErrors, money, useTRPC, type Address } from '../api.ts';
import { cart, cartTotal, useCart } from '../cart.ts';
import { Empty, Field, FormError, Loading, MutationForm, QueryError } from '../ui.tsx';

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
  if (addresses.isError) return <QueryError error={addresses.error} />;
  if (lines.length === 0 && !createOrder.isSuccess) {
    return (
      <section>
        <h1>Checkout</h1>
        <Empty>
          Your cart is empty. <Link to="/">Browse the catalogue</Link>.
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
      <h1 id="checkout-heading">Checkout</h1>
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
      <h2>Order summary</h2>
      <ul className="lines" aria-label="Order items">
        {lines.map((l) => (
          <li key={l.productId} className="line">
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
        onClick={place}
        disabled={!selected || createOrder.isPending || showForm}
        aria-disabled={!selected || createOrder.isPending || showForm}
      >
        {createOrder.isPending ? 'Placing order…' : 'Place order'}
      </button>
    </section>
  );
}

export const formatAddress = (a: Omit<Address, 'id' | 'userId' | 'isDefault'>) =>
  [a.street, a.city, a.state, a.zipCode, a.country].filter(Boolean).join(', ');

export function AddressForm({
  onCreated,
  onCancel,
}: {
  onCreated: (address: Address) => void;
  onCancel?: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const create = useMutation(
    trpc.addresses.create.mutationOptions({
      onSuccess: async (address) => {
        await queryClient.invalidateQueries({ queryKey: trpc.addresses.list.queryKey() });
        onCreated(address);
      },
    }),
  );
  const errors = fieldErrors(create.error);
  const submit = (v: Record<string, string>) =>
    create.mutate({
      street: v.street ?? '',
      city: v.city ?? '',
      state: v.state ?? '',
      zipCode: v.zipCode ?? '',
      country: v.country ?? '',
      isDefault: v.isDefault === 'on',
    });
  return (
    <MutationForm
      aria-label="New address"
      onValues={submit}
      error={create.error}
      pending={create.isPending}
      submitLabel={create.isPending ? 'Saving…' : 'Save address'}
      actions={
        onCancel && (
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        )
      }
    >
      <Field label="Street" name="street" autoComplete="street-address" error={errors.street} />
      <Field label="City" name="city" autoComplete="address-level2" error={errors.city} />
      <Field
        label="State or region"
        name="state"
        autoComplete="address-level1"
        error={errors.state}
      />
      <Field label="Postal code" name="zipCode" autoComplete="postal-code" error={errors.zipCode} />
      <Field
        label="Country"
        name="country"
        autoComplete="country"
        hint="Two-letter code, e.g. US"
        error={errors.country}
      />
      <label className="choice">
        <input type="checkbox" name="isDefault" /> Make this my default address
      </label>
    </MutationForm>
  );
}
