import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { isNotFound, money, useTRPC } from '../api.ts';
import { cart } from '../cart.ts';
import { NotFound, PageHeading } from '../components/Page.tsx';
import { ProductImage } from '../components/ProductImage.tsx';
import { Loading, QueryError } from '../ui.tsx';

export function ProductPage() {
  const { id = '' } = useParams();
  const trpc = useTRPC();
  const product = useQuery(trpc.products.byId.queryOptions({ id }));
  const [quantity, setQuantity] = useState(1);
  const [added, setAdded] = useState(false);

  if (product.isPending) return <Loading label="Loading the product…" />;
  if (product.isError && isNotFound(product.error)) {
    return (
      <NotFound title="Product not found">
        This product is no longer in the catalogue, or the link is mistyped.
      </NotFound>
    );
  }
  if (product.isError) {
    return (
      <section>
        <PageHeading title="Product" />
        <QueryError error={product.error} />
      </section>
    );
  }
  const p = product.data;
  return (
    <article className="product">
      <ProductImage name={p.name} imageUrl={p.imageUrl} size="large" />
      <div className="stack">
        <p className="breadcrumb">
          <Link to={`/?category=${encodeURIComponent(p.category)}`}>{p.category}</Link>
        </p>
        <PageHeading title={p.name} />
        <p className="price large">{money(p.price)}</p>
        <p className="description">{p.description}</p>
        <p className="muted">{p.stock > 0 ? `${p.stock} in stock` : 'Out of stock'}</p>
        <form
          className="row add-to-cart"
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
          <button type="submit" className="primary" disabled={p.stock === 0}>
            Add to cart
          </button>
        </form>
        {added && (
          <p role="status" className="notice">
            Added to your cart. <Link to="/cart">View cart</Link>
          </p>
        )}
      </div>
    </article>
  );
}
