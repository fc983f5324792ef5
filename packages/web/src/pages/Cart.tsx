import { Link } from 'react-router';
import { money, useAuth } from '../api.ts';
import { cart, cartTotal, useCart } from '../cart.ts';
import { Empty } from '../ui.tsx';

export function CartPage() {
  const lines = useCart();
  const { signedIn } = useAuth();
  return (
    <section aria-labelledby="cart-heading">
      <h1 id="cart-heading">Your cart</h1>
      {lines.length === 0 ? (
        <Empty>
          Your cart is empty. <Link to="/">Browse the catalogue</Link>.
        </Empty>
      ) : (
        <>
          <ul className="lines" aria-label="Cart items">
            {lines.map((line) => (
              <li key={line.productId} className="line">
                <Link to={`/products/${line.productId}`}>{line.name}</Link>
                <span>{money(line.price)}</span>
                <label className="inline">
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
                <button
                  type="button"
                  className="link"
                  onClick={() => cart.remove(line.productId)}
                  aria-label={`Remove ${line.name}`}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
          <p className="total">
            Total: <strong>{money(cartTotal(lines))}</strong>
          </p>
          {signedIn ? (
            <Link className="button" to="/checkout">
              Checkout
            </Link>
          ) : (
            <p>
              <Link to="/login?next=/checkout">Sign in</Link> to check out.
            </p>
          )}
        </>
      )}
    </section>
  );
}
