import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { money, useTRPC, type Product, cursorPaging } from '../api.ts';
import { Empty, Loading, QueryError } from '../ui.tsx';

const PAGE = 12;

export function Catalogue() {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const category = params.get('category') ?? undefined;
  const q = params.get('q')?.trim() || undefined;
  const [draft, setDraft] = useState(q ?? '');

  const categories = useQuery(trpc.products.categories.queryOptions());
  const list = useInfiniteQuery({
    ...trpc.products.list.infiniteQueryOptions({ limit: PAGE, category }, cursorPaging),
    enabled: !q,
  });
  const search = useInfiniteQuery({
    ...trpc.products.search.infiniteQueryOptions(
      { query: q ?? '', limit: PAGE, category },
      cursorPaging,
    ),
    enabled: Boolean(q),
  });
  const active = q ? search : list;
  const items = active.data?.pages.flatMap((p) => p.items) ?? [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams(params);
    if (draft.trim()) next.set('q', draft.trim());
    else next.delete('q');
    setParams(next);
  };
  const categoryHref = (c?: string) => {
    const next = new URLSearchParams(params);
    if (c) next.set('category', c);
    else next.delete('category');
    const s = next.toString();
    return s ? `/?${s}` : '/';
  };

  return (
    <div className="catalogue">
      <nav aria-label="Categories" className="categories">
        <h2 className="visually-hidden">Categories</h2>
        <ul>
          <li>
            <Link to={categoryHref()} aria-current={!category ? 'page' : undefined}>
              All
            </Link>
          </li>
          {categories.data?.map((c) => (
            <li key={c.category}>
              <Link
                to={categoryHref(c.category)}
                aria-current={category === c.category ? 'page' : undefined}
              >
                {c.category} <span className="count">({c.productCount})</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <section className="results" aria-labelledby="results-heading">
        <form role="search" onSubmit={submit} className="search">
          <label htmlFor="search">Search products</label>
          <div className="row">
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
        <h1 id="results-heading">
          {q ? `Results for “${q}”` : category ? category : 'All products'}
        </h1>
        {active.isPending ? (
          <Loading label="Loading products…" />
        ) : active.isError ? (
          <QueryError error={active.error} retry={() => void active.refetch()} />
        ) : items.length === 0 ? (
          <Empty>No products found.</Empty>
        ) : (
          <ul className="grid" aria-label="Products" data-testid="product-list">
            {items.map((p) => (
              <ProductCard key={p.id} product={p} />
            ))}
          </ul>
        )}
        {active.hasNextPage && (
          <button
            type="button"
            className="secondary load-more"
            onClick={() => void active.fetchNextPage()}
            disabled={active.isFetchingNextPage}
          >
            {active.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        )}
      </section>
    </div>
  );
}

function ProductCard({ product }: { product: Product }) {
  return (
    <li className="card">
      <Link to={`/products/${product.id}`}>
        <ProductImage product={product} />
        <span className="name">{product.name}</span>
      </Link>
      <span className="price">{money(product.price)}</span>
      {product.stock === 0 && <span className="badge">Out of stock</span>}
    </li>
  );
}

export function ProductImage({ product, large }: { product: Product; large?: boolean }) {
  const [width, height] = large ? [480, 360] : [240, 180];
  return product.imageUrl ? (
    <img
      src={product.imageUrl}
      // In a card the name follows the image: the image is decoration there.
      alt={large ? product.name : ''}
      width={width}
      height={height}
      loading={large ? 'eager' : 'lazy'}
      className="product-image"
    />
  ) : (
    <div className="product-image placeholder" aria-hidden="true">
      {product.name.slice(0, 1)}
    </div>
  );
}
