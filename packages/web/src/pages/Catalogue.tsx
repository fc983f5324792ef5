import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { money, useTRPC, type ListedProduct, cursorPaging } from '../api.ts';
import { ListView } from '../components/ListView.tsx';
import { PageHeading } from '../components/Page.tsx';
import { ProductImage } from '../components/ProductImage.tsx';

const PAGE = 12;

export function Catalogue() {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const category = params.get('category') ?? undefined;
  const q = params.get('q')?.trim() || undefined;
  const [draft, setDraft] = useState(q ?? '');

  const categories = useQuery(trpc.products.categories.queryOptions());
  // One query at a time: a disabled second one would still be built and watched.
  const active = useInfiniteQuery(
    q
      ? trpc.products.search.infiniteQueryOptions({ query: q, limit: PAGE, category }, cursorPaging)
      : trpc.products.list.infiniteQueryOptions({ limit: PAGE, category }, cursorPaging),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams(params);
    if (draft.trim()) next.set('q', draft.trim());
    else next.delete('q');
    setParams(next);
  };
  const href = (change: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(change)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    const s = next.toString();
    return s ? `/?${s}` : '/';
  };
  const title = q ? `Results for “${q}”` : (category ?? 'All products');

  return (
    <div className="catalogue">
      <form role="search" onSubmit={submit} className="search">
        <label htmlFor="search">{category ? `Search in ${category}` : 'Search products'}</label>
        <div className="row nowrap">
          <input
            id="search"
            type="search"
            name="q"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="Name of a product"
          />
          <button type="submit">Search</button>
        </div>
      </form>
      <nav aria-label="Categories" className="categories">
        <ul>
          <li>
            <Link to={href({ category: undefined })} aria-current={!category ? 'page' : undefined}>
              All
            </Link>
          </li>
          {categories.data?.map((c) => (
            <li key={c.category}>
              <Link
                to={href({ category: c.category })}
                aria-current={category === c.category ? 'page' : undefined}
              >
                {c.category} <span className="count">({c.productCount})</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <section className="results" aria-labelledby="results-heading">
        <PageHeading id="results-heading" title={title} />
        {q && category && (
          <p className="scope" data-testid="search-scope">
            Only products in <strong>{category}</strong> are searched.{' '}
            <Link to={href({ category: undefined })}>Search all products for “{q}”</Link>
          </p>
        )}
        <ListView
          query={active}
          loading="Loading products…"
          empty={
            <>
              <p className="empty-title">No products found.</p>
              {q ? (
                <p>
                  Try a shorter word, or <Link to={href({ q: undefined })}>clear the search</Link>.
                </p>
              ) : (
                <p>
                  <Link to="/">See all products</Link>
                </p>
              )}
            </>
          }
        >
          {(items) => (
            <ul className="grid" aria-label="Products" data-testid="product-list">
              {items.map((p, i) => (
                <ProductCard key={p.id} product={p} eager={i < 4} />
              ))}
            </ul>
          )}
        </ListView>
      </section>
    </div>
  );
}

function ProductCard({ product, eager }: { product: ListedProduct; eager: boolean }) {
  return (
    <li className="card">
      <Link to={`/products/${product.id}`} className="card-link">
        <ProductImage name={product.name} imageUrl={product.imageUrl} eager={eager} />
        <span className="name">{product.name}</span>
      </Link>
      <span className="price">{money(product.price)}</span>
      {product.soldOut && <span className="badge">Out of stock</span>}
    </li>
  );
}
