import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { cursorPaging, money, useTRPC } from '../../api.ts';
import { ListView } from '../../components/ListView.tsx';
import { PageHeading } from '../../components/Page.tsx';
import { SearchForm } from '../../components/SearchForm.tsx';

/** Products, listed or searched, with their stock (products.adminList), each linking to its editor. */
export function AdminProducts() {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const q = params.get('q')?.trim() || undefined;
  const products = useInfiniteQuery(
    trpc.products.adminList.infiniteQueryOptions({ query: q, limit: 20 }, cursorPaging),
  );
  return (
    <section aria-labelledby="admin-products-heading">
      <div className="row spread">
        <PageHeading id="admin-products-heading" title="Products" />
        <Link className="button primary" to="/admin/products/new">
          New product
        </Link>
      </div>
      {params.get('deleted') && (
        <p role="status" className="notice success">
          Deleted {params.get('deleted')}.
        </p>
      )}
      <SearchForm
        label="Search products"
        value={q}
        onSearch={(text) => setParams(text ? { q: text } : {})}
      />
      <ListView query={products} empty={q ? `No product matches “${q}”.` : 'No products yet.'}>
        {(items) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Category</th>
                  <th scope="col">Price</th>
                  <th scope="col">Stock</th>
                </tr>
              </thead>
              <tbody>
                {items.map((p) => (
                  <tr key={p.id}>
                    <td>
                      <Link to={`/admin/products/${p.id}`}>{p.name}</Link>
                    </td>
                    <td>{p.category}</td>
                    <td>{money(p.price)}</td>
                    <td>{p.stock}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ListView>
    </section>
  );
}
