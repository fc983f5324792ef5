import { Link } from 'react-router';
import { money, useAuth } from '../api.ts';
import { cart, cartTotal, useCart, type CartLine } from '../cart.ts';
import { PageHeading } from '../components/Page.tsx';
import { ProductImage } from '../components/ProductImage.tsx';
import { Empty } from '../ui.tsx';

const CHECKOUT = encodeURIComponent('/checkout');

export function CartPage() {
  const lines = useCart();
  const { signedIn } = useAuth();
  return (
    <section aria-labelledby="cart-heading" className="cart">
      <PageHeading id="cart-heading" title="Your cart" />
      {lines.length === 0 ? (
        <Empty>
          <p className="empty-title">Your cart is empty.</p>
          <p>
            <Link className="button" to="/">
              Browse the catalogue
            </Link>
          </p>
        </Empty>
      ) : (
        <div className="with-summary">
          <ul className="cart-lines" aria-label="Cart items">
            {lines.map((line) => (
              <CartRow key={line.productId} line={line} />
            ))}
          </ul>
          <aside className="summary panel" aria-labelledby="cart-summary-heading">
            <h2 id="cart-summary-heading">Summary</h2>
            <p className="total">
              Total: <strong data-testid="cart-total">{money(cartTotal(lines))}</strong>
            </p>
            <p className="muted">Shipping is free. Payment follows on the order page.</p>
            {signedIn ? (
              <Link className="button primary block" to="/checkout">
                Checkout
              </Link>
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

function CartRow({ line }: { line: CartLine }) {
  return (
    <li className="cart-line">
      <ProductImage name={line.name} imageUrl={line.imageUrl} size="thumb" />
      <div className="cart-line-name">
        <Link to={`/products/${line.productId}`}>{line.name}</Link>
        <span className="muted">{money(line.price)} each</span>
      </div>
      <label className="quantity">
        <span className="visually-hidden">Quantity of {line.name}</span>
        <input
          type="number"
          min={1}
          value={line.quantity}
          onChange={(e) =>
            cart.setQuantity(line.productId, Math.max(1, Number(e.target.value) || 1))
          }
        />
      </label>
      <strong className="line-total" data-testid="line-total">
        {money(line.quantity * line.price)}
      </strong>
      <button
        type="button"
        className="link small"
        onClick={() => cart.remove(line.productId)}
        aria-label={`Remove ${line.name}`}
      >
        Remove
      </button>
    </li>
  );
}
