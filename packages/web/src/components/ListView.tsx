/**
 * The one list every page uses: loading, a failure with a retry, empty, the items and "load more",
 * over a TanStack infinite query (or a plain one, through `pages`).
 */
import type { ReactNode } from 'react';
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
  if (query.isPending) return <Loading label={loading} />;
  if (query.isError) return <QueryError error={query.error} />;
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
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
