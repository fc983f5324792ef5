import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { money, useTRPC } from '../api.ts';
import { cart } from '../cart.ts';
import { Loading, QueryError } from '../ui.tsx';
import { ProductImage } from './Catalogue.tsx';

export function ProductPage() {
  const { id = '' } = useParams();
  const trpc = useTRPC();
  const product = useQuery(trpc.products.byId.queryOptions({ id }));
  const [quantity, setQuantity] = useState(1);
  const [added, setAdded] = useState(false);

  if (product.isPending) return <Loading />;
  if (product.isError) return <QueryError error={product.error} />;
  const p = product.data;
  return (
    <article className="product">
      <ProductImage product={p} large />
      <div>
        <h1>{p.name}</h1>
        <p className="price">{money(p.price)}</p>
        <p>{p.description}</p>
        <p className="muted">
          Category: <Link to={`/?category=${encodeURIComponent(p.category)}`}>{p.category}</Link>
          {' · '}
          {p.stock > 0 ? `${p.stock} in stock` : 'Out of stock'}
        </p>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            cart.add(
              { productId: p.id, name: p.name, price: p.price, imageUrl: p.imageUrl },
              quantity,
            );
            setAdded(true);
          }}
        >
          <div className="field small">
            <label htmlFor="quantity">Quantity</label>
            <input
              id="quantity"
              type="number"
              min={1}
              max={Math.max(1, p.stock)}
              value={quantity}
              onChange={(e) => setQuantity(Math.max(1, Number(e.target.value) || 1))}
            />
          </div>
          <button type="submit" disabled={p.stock === 0}>
            Add to cart
          </button>
        </form>
        {added && (
          <p role="status">
            Added to your cart. <Link to="/cart">View cart</Link>
          </p>
        )}
      </div>
    </article>
  );
}
