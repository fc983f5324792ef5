import {
  createTRPCClient,
  httpBatchLink,
  httpBatchStreamLink,
  httpLink,
  TRPCClientError,
  type TRPCLink,
} from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '@shop/api';
import { freePort, startLocal, type RunningLocal } from '@shop/testing';

/**
 * Each of tRPC's HTTP links against `pnpm local`, end to end: `httpLink` (one request per call),
 * `httpBatchLink` (one JSON array per batch) and `httpBatchStreamLink` (`trpc-accept:
 * application/jsonl`, answered line by line). A counting `fetch` shows what really went out.
 */
let local: RunningLocal;

beforeAll(async () => {
  local = await startLocal(['--port', String(await freePort())]);
  // The seed was just written; category-index (like AWS's) catches up after a moment.
  const plain = createTRPCClient<AppRouter>({ links: [httpLink({ url: local.url })] });
  for (let waited = 0; waited < 10_000; waited += 200) {
    if ((await plain.products.list.query({ limit: 3 })).items.length === 3) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}, 150_000);

afterAll(async () => {
  if (local.proc.exitCode === null && local.proc.pid) {
    await local.interrupt();
  }
});

interface Sent {
  method: string;
  url: URL;
  headers: Headers;
}

function clientWith(make: (opts: { url: string; fetch: typeof fetch }) => TRPCLink<AppRouter>) {
  const sent: Sent[] = [];
  const counting: typeof fetch = (input, init) => {
    const request = new Request(input, init);
    sent.push({ method: request.method, url: new URL(request.url), headers: request.headers });
    return fetch(input, init);
  };
  const client = createTRPCClient<AppRouter>({
    links: [make({ url: local.url, fetch: counting })],
  });
  return { client, sent };
}

const LINKS = {
  httpLink: (opts: { url: string; fetch: typeof fetch }) => httpLink<AppRouter>(opts),
  httpBatchLink: (opts: { url: string; fetch: typeof fetch }) => httpBatchLink<AppRouter>(opts),
  httpBatchStreamLink: (opts: { url: string; fetch: typeof fetch }) =>
    httpBatchStreamLink<AppRouter>(opts),
};

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return (error as TRPCClientError<AppRouter>).data?.code;
}

describe.each(Object.entries(LINKS))('%s against pnpm local', (name, make) => {
  const batches = name !== 'httpLink';

  it('runs a query', async () => {
    const { client, sent } = clientWith(make);
    const page = await client.products.list.query({ limit: 3 });
    expect(page.items).toHaveLength(3);
    expect(page.items[0]).toMatchObject({ id: expect.any(String) as string });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.method).toBe('GET');
    expect(sent[0]?.url.pathname).toBe('/products.list');
    expect(sent[0]?.url.searchParams.get('batch')).toBe(batches ? '1' : null);
    if (name === 'httpBatchStreamLink') {
      expect(sent[0]?.headers.get('trpc-accept')).toBe('application/jsonl');
    }
  });

  it('reports the code of failed mutations', async () => {
    const { client, sent } = clientWith(make);
    // Concurrent: the batch links send both in one POST.
    const [unauthorized, invalid] = await Promise.all([
      codeOf(client.users.updateMe.mutate({ firstName: 'Nobody' })),
      codeOf(client.users.login.mutate({ email: 'not-an-email', password: '' })),
    ]);
    expect(unauthorized).toBe('UNAUTHORIZED');
    expect(invalid).toBe('BAD_REQUEST');
    expect(sent.map((s) => s.method)).toEqual(batches ? ['POST'] : ['POST', 'POST']);
    if (batches) expect(sent[0]?.url.pathname).toBe('/users.updateMe,users.login');
  });

  it(batches ? 'sends concurrent calls as one batch' : 'sends each call alone', async () => {
    const { client, sent } = clientWith(make);
    const [health, page, missing, me] = await Promise.allSettled([
      client.health.query(),
      client.products.list.query({ limit: 1 }),
      client.products.byId.query({ id: 'missing' }),
      client.users.me.query(),
    ]);
    expect(health).toMatchObject({ status: 'fulfilled', value: { status: 'ok' } });
    expect(page).toMatchObject({ status: 'fulfilled', value: { items: [expect.anything()] } });
    expect(missing.status).toBe('rejected');
    expect(me.status).toBe('rejected');
    if (missing.status === 'rejected' && me.status === 'rejected') {
      expect((missing.reason as TRPCClientError<AppRouter>).data?.code).toBe('NOT_FOUND');
      expect((me.reason as TRPCClientError<AppRouter>).data?.code).toBe('UNAUTHORIZED');
    }
    if (batches) {
      expect(sent).toHaveLength(1);
      expect(sent[0]?.url.pathname).toBe('/health,products.list,products.byId,users.me');
      expect(sent[0]?.url.searchParams.get('batch')).toBe('1');
    } else {
      expect(sent).toHaveLength(4);
    }
  });
});
