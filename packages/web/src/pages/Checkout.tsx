import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { isPreconditionFailed, money, useTRPC } from '../api.ts';
import { cart, useCart } from '../cart.ts';
import { AddressForm, formatAddress } from '../components/address.tsx';
import { goToPayment } from '../components/orders.tsx';
import { PageHeading } from '../components/Page.tsx';
import { ProductImage } from '../components/ProductImage.tsx';
import {
  LineNotice,
  priceChanges,
  quoteIndex,
  quoteIsClean,
  useQuote,
} from '../components/quote.tsx';
import { EmptyCart, FormError, Loading, QueryError } from '../ui.tsx';

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
  const quote = useQuote(lines);
  const index = quoteIndex(quote.data);
  /** The total the API refused (a price changed meanwhile), to say what changed. */
  const [staleTotal, setStaleTotal] = useState<number | null>(null);

  const pay = useMutation(trpc.orders.pay.mutationOptions());
  const createOrder = useMutation(
    trpc.orders.create.mutationOptions({
      onSuccess: async (order) => {
        cart.clear();
        await queryClient.invalidateQueries({ queryKey: trpc.orders.list.pathKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.products.pathKey() });
        // Straight on to the provider's hosted page; if that cannot start, the order page
        // offers "Pay now".
        try {
          const { url } = await pay.mutateAsync({ id: order.id });
          goToPayment(order.id, url);
        } catch {
          await navigate(`/orders/${order.id}?placed=1`);
        }
      },
      onError: async (error, input) => {
        if (!isPreconditionFailed(error)) return;
        // A price changed since the summary was shown: fetch today's, show it, ask again.
        setStaleTotal(input.expectedTotal ?? null);
        await quote.refetch();
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
        <EmptyCart />
      </section>
    );
  }
  const list = addresses.data;
  const selected = chosen ?? list.find((a) => a.isDefault)?.id ?? list[0]?.id ?? null;
  const showForm = adding || list.length === 0;

  const ready = quoteIsClean(quote.data, lines) && !quote.isFetching;
  const changes = priceChanges(quote.data, lines);
  const place = () => {
    if (!selected || placing.current || !ready || !quote.data) return;
    placing.current = true;
    setStaleTotal(null);
    // The shopper has now seen today's prices: they become the cart's.
    cart.reprice(quote.data.lines);
    createOrder.mutate({
      items: lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
      shippingAddressId: selected,
      idempotencyKey,
      // The total on screen: if a price changed meanwhile, nothing is placed (PRECONDITION_FAILED).
      expectedTotal: quote.data.total,
    });
  };
  const busy = createOrder.isPending || pay.isPending || createOrder.isSuccess;

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
        <aside className="summary panel" aria-labelledby="summary-heading">
          <h2 id="summary-heading">Order summary</h2>
          {quote.isError && !quote.data && (
            <QueryError error={quote.error} title="Today's prices did not load." />
          )}
          <ul className="summary-lines" aria-label="Order items">
            {lines.map((l) => {
              const q = index.line(l.productId);
              return (
                <li key={l.productId} className="summary-line">
                  <ProductImage name={l.name} imageUrl={l.imageUrl} size="thumb" />
                  <span>
                    {l.quantity} × {q?.productName ?? l.name}
                  </span>
                  <span>{q ? money(q.lineTotal) : '…'}</span>
                  <LineNotice line={l} quoted={q} problem={index.problem(l.productId)} />
                </li>
              );
            })}
          </ul>
          {staleTotal !== null && quote.data && (
            <p className="notice danger" role="alert">
              The total changed from {money(staleTotal)} to {money(quote.data.total)} since you
              looked: a price changed. Check the summary, then place the order again.
            </p>
          )}
          {staleTotal === null && changes.length > 0 && (
            <p className="notice" role="status">
              Prices changed since you added{' '}
              {changes.map((c) => `${c.name} (${money(c.was)} → ${money(c.now)})`).join(', ')}.
            </p>
          )}
          <p className="total">
            Total:{' '}
            <strong data-testid="checkout-total">
              {quote.data ? money(quote.data.total) : '…'}
            </strong>
          </p>
          {!isPreconditionFailed(createOrder.error) && <FormError error={createOrder.error} />}
          <button
            type="button"
            className="primary block"
            onClick={place}
            disabled={!selected || busy || showForm || !ready}
            aria-disabled={!selected || busy || showForm || !ready}
          >
            {createOrder.isPending
              ? 'Placing order…'
              : pay.isPending || createOrder.isSuccess
                ? 'Going to payment…'
                : 'Place order'}
          </button>
          <p className="muted">You pay on the next page (our payment provider's secure page).</p>
          {showForm && <p className="muted">Save the address first.</p>}
        </aside>
      </div>
    </section>
  );
}
