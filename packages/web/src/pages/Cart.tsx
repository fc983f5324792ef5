import { Link } from 'react-router';
import { money, useAuth } from '../api.ts';
import { cart, useCart } from '../cart.ts';
import { PageHeading } from '../components/Page.tsx';
import { ProductImage } from '../components/ProductImage.tsx';
import {
  LineNotice,
  quoteIndex,
  quoteIsClean,
  useQuote,
  type QuotedLine,
} from '../components/quote.tsx';
import { EmptyCart, QueryError } from '../ui.tsx';

const CHECKOUT = encodeURIComponent('/checkout');

export function CartPage() {
  const lines = useCart();
  const { signedIn } = useAuth();
  const quote = useQuote(lines);
  const index = quoteIndex(quote.data);
  const ready = quoteIsClean(quote.data, lines);
  return (
    <section aria-labelledby="cart-heading" className="cart">
      <PageHeading id="cart-heading" title="Your cart" />
      {lines.length === 0 ? (
        <EmptyCart />
      ) : (
        <div className="with-summary">
          <ul className="cart-lines" aria-label="Cart items">
            {lines.map((line) => (
              <CartRow
                key={line.productId}
                line={line}
                quoted={index.line(line.productId)}
                problem={index.problem(line.productId)}
              />
            ))}
          </ul>
          <aside className="summary panel" aria-labelledby="cart-summary-heading">
            <h2 id="cart-summary-heading">Summary</h2>
            {quote.isError && !quote.data ? (
              <QueryError error={quote.error} title="Today's prices did not load." />
            ) : (
              <p className="total">
                Total:{' '}
                <strong data-testid="cart-total">
                  {quote.data ? money(quote.data.total) : '…'}
                </strong>
              </p>
            )}
            <p className="muted">
              Today's prices. Shipping is free; you pay after placing the order.
            </p>
            {quote.data && !ready && (
              <p className="notice" role="status">
                Some items need your attention before checkout.
              </p>
            )}
            {signedIn ? (
              ready ? (
                <Link className="button primary block" to="/checkout">
                  Checkout
                </Link>
              ) : (
                <button type="button" className="primary block" disabled>
                  Checkout
                </button>
              )
            ) : (
              <div className="stack">
                <p>Sign in or create an account to check out: your cart stays here.</p>
                <Link className="button primary block" to={`/login?next=${CHECKOUT}`}>
                  Sign in to check out
                </Link>
                <Link className="button secondary block" to={`/signup?next=${CHECKOUT}`}>
                  Create an account
                </Link>
              </div>
            )}
          </aside>
        </div>
      )}
    </section>
  );
}

function CartRow({ line, quoted, problem }: QuotedLine) {
  const unit = quoted?.unitPrice ?? line.price;
  return (
    <li className="cart-line">
      <ProductImage name={line.name} imageUrl={line.imageUrl} size="thumb" />
      <div className="cart-line-name">
        <Link to={`/products/${line.productId}`}>{line.name}</Link>
        <span className="muted">{money(unit)} each</span>
      </div>
      <label className="quantity">
        <span className="visually-hidden">Quantity of {line.name}</span>
        <input
          type="number"
          min={1}
          max={quoted ? Math.max(1, quoted.available) : 100}
          value={line.quantity}
          onChange={(e) =>
            cart.setQuantity(line.productId, Math.max(1, Number(e.target.value) || 1))
          }
        />
      </label>
      <strong className="line-total" data-testid="line-total">
        {money(line.quantity * unit)}
      </strong>
      <button
        type="button"
        className="link small"
        onClick={() => cart.remove(line.productId)}
        aria-label={`Remove ${line.name}`}
      >
        Remove
      </button>
      <LineNotice line={line} quoted={quoted} problem={problem} />
    </li>
  );
}
