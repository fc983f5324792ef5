/**
 * The one list every page uses: loading, a failure with a retry, empty, the items and "load more",
 * over a TanStack infinite query (or a plain one, through `pages`).
 */
import { useDeferredValue, type ReactNode } from 'react';
import { Empty, Loading, QueryError } from '../ui.tsx';

interface ListQuery<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data?: { pages: { items: T[] }[] };
  hasNextPage?: boolean;
  isFetchingNextPage?: boolean;
  fetchNextPage?: () => Promise<unknown>;
}

export function ListView<T>({
  query,
  loading = 'Loading…',
  empty,
  children,
}: {
  query: ListQuery<T>;
  loading?: string;
  empty: ReactNode;
  /** Renders the items (a `<ul>`, a table). */
  children: (items: T[]) => ReactNode;
}) {
  // A page of results is built in the background: React yields to the browser every few ms while
  // it renders them, where a plain render of a dozen cards is one long task (the catalogue's
  // total blocking time on a phone). Until then the list shows as loading.
  const data = useDeferredValue(query.data);
  if (query.isError) return <QueryError error={query.error} />;
  if (query.isPending || !data) return <Loading label={loading} />;
  const items = data.pages.flatMap((p) => p.items);
  if (items.length === 0) return <Empty>{empty}</Empty>;
  return (
    <>
      {children(items)}
      {query.hasNextPage && query.fetchNextPage && (
        <button
          type="button"
          className="secondary load-more"
          onClick={() => void query.fetchNextPage?.()}
          disabled={query.isFetchingNextPage}
        >
          {query.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      )}
    </>
  );
}
