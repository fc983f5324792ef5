import type { InfiniteData, QueryClient, QueryKey } from '@tanstack/react-query';

interface Listed {
  id: string;
  status: string;
}
interface Page {
  items: Listed[];
  nextCursor: string | null;
}

/** tRPC's key of `orders.list` or `orders.adminList` (any input). */
function isOrderList(key: QueryKey): boolean {
  const path = key[0];
  return (
    Array.isArray(path) && path[0] === 'orders' && (path[1] === 'list' || path[1] === 'adminList')
  );
}

/**
 * Shows an order the API just changed in every cached order list. The lists are read through
 * indexes that, on AWS, lag a moment behind a write: refetched at once they would show the old
 * status again. So the lists take the order the API answered (and a status-filtered queue drops
 * it), and are only marked stale, to be read again on the next visit; `orders.byId` reads by key
 * and is refetched.
 */
export async function showOrderChange(queryClient: QueryClient, order: Listed): Promise<void> {
  for (const [key, data] of queryClient.getQueriesData<InfiniteData<Page>>({
    predicate: (query) => isOrderList(query.queryKey),
  })) {
    if (!data?.pages) continue;
    const status = (key[1] as { input?: { status?: string } } | undefined)?.input?.status;
    const pages = data.pages.map((page) => ({
      ...page,
      items: page.items.flatMap((item) => {
        if (item.id !== order.id) return [item];
        return status && status !== order.status ? [] : [{ ...item, ...order }];
      }),
    }));
    queryClient.setQueryData(key, { ...data, pages });
  }
  await queryClient.invalidateQueries({
    predicate: (query) => isOrderList(query.queryKey),
    refetchType: 'none',
  });
  await queryClient.invalidateQueries({
    predicate: (query) => {
      const path = query.queryKey[0];
      return Array.isArray(path) && path[0] === 'orders' && path[1] === 'byId';
    },
  });
}
