import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The built package (dist/), as an app imports it.
import { createSession, createShopClient, TRPCClientError, type SignOutReason } from '@shop/client';
import { freePort } from '@shop/testing';
import { LOCAL_ADMIN, startLocal, type RunningLocal } from '@shop/testing';

/** `pnpm local` with 3-second access tokens, driven with real cognito-local tokens. */
const TTL = 3;
let local: RunningLocal;
let url: string;

beforeAll(async () => {
  local = await startLocal(['--port', String(await freePort()), '--no-seed'], {
    SHOP_LOCAL_ACCESS_TOKEN_TTL_SECONDS: String(TTL),
  });
  url = local.url;
}, 150_000);

afterAll(() => {
  if (local?.proc.exitCode === null && local.proc.pid) process.kill(-local.proc.pid, 'SIGKILL');
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fetch that records the procedures of every request (`a,b` for a batch). */
function recordingFetch(fail?: (procedures: string[]) => boolean) {
  const requests: string[][] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const href = input instanceof Request ? input.url : String(input);
    const procedures = decodeURIComponent(new URL(href).pathname.slice(1)).split(',');
    requests.push(procedures);
    const response = await globalThis.fetch(input, init);
    // The request reached the server (and ran); the answer is lost on the way back.
    if (fail?.(procedures)) throw new TypeError('network connection lost');
    return response;
  };
  const count = (procedure: string) => requests.filter((p) => p.includes(procedure)).length;
  return { fetch, requests, count };
}

async function newUser() {
  const email = `session-${randomUUID().slice(0, 8)}@example.com`;
  const password = 'Sess10n-pass!';
  const anonymous = createShopClient({ url });
  await anonymous.users.signUp.mutate({ email, password, firstName: 'Ses', lastName: 'Sion' });
  return anonymous.users.login.mutate({ email, password });
}

const ADDRESS = {
  street: '1 Main St',
  city: 'Springfield',
  state: 'IL',
  zipCode: '62701',
  country: 'US',
};

const codeOf = (error: unknown) =>
  error instanceof TRPCClientError
    ? (error.data as { code?: string } | undefined)?.code
    : String(error);

describe('session manager against pnpm local', () => {
  it('issues short-lived access tokens', async () => {
    const tokens = await newUser();
    expect(tokens.expiresIn).toBe(TTL);
  });

  it('refreshes a token that expires mid-session, before sending (skew)', async () => {
    const recorder = recordingFetch();
    const session = createSession({ refreshSkewSeconds: 1 });
    const client = createShopClient({ url, session, fetch: recorder.fetch });
    session.signIn(await newUser());
    const first = session.accessToken;
    expect((await client.users.me.query()).firstName).toBe('Ses');
    await sleep((TTL - 1) * 1000 + 200);
    expect((await client.users.me.query()).firstName).toBe('Ses');
    expect(recorder.count('users.refresh')).toBe(1);
    expect(recorder.count('users.me')).toBe(2); // no UNAUTHORIZED round trip
    expect(session.accessToken).not.toBe(first);
  });

  it('refreshes once after UNAUTHORIZED and retries the call transparently', async () => {
    const recorder = recordingFetch();
    const session = createSession({ refreshSkewSeconds: 0 });
    const client = createShopClient({ url, session, fetch: recorder.fetch });
    // The session believes the token lives an hour: only the server's answer tells otherwise.
    session.signIn({ ...(await newUser()), expiresAt: Date.now() + 3600_000 });
    await sleep(TTL * 1000 + 1200);
    expect((await client.users.me.query()).firstName).toBe('Ses');
    expect(recorder.count('users.refresh')).toBe(1);
    expect(recorder.count('users.me')).toBe(2);
  });

  it('makes exactly one users.refresh for 5 concurrent calls', async () => {
    for (const stale of ['known-expired', 'refused-by-server'] as const) {
      const recorder = recordingFetch();
      const session = createSession({ refreshSkewSeconds: 0 });
      const clients = [0, 1].map(() => createShopClient({ url, session, fetch: recorder.fetch }));
      const tokens = await newUser();
      await sleep(TTL * 1000 + 1200);
      session.signIn({
        ...tokens,
        expiresAt: stale === 'known-expired' ? Date.now() - 1 : Date.now() + 3600_000,
      });
      const results = await Promise.all([
        clients[0]!.users.me.query(),
        clients[1]!.users.me.query(),
        clients[0]!.addresses.list.query(),
        clients[1]!.orders.list.query({}),
        clients[0]!.orders.list.query({ limit: 1 }),
      ]);
      expect(results).toHaveLength(5);
      expect(recorder.count('users.refresh'), stale).toBe(1);
    }
  });

  it('signs out once, without a loop, when the refresh token is revoked', async () => {
    const recorder = recordingFetch();
    const signOuts: SignOutReason[] = [];
    const session = createSession({ refreshSkewSeconds: 0, onSignOut: (r) => signOuts.push(r) });
    const client = createShopClient({ url, session, fetch: recorder.fetch });
    const tokens = await newUser();
    session.signIn({ ...tokens, expiresAt: Date.now() + 3600_000 });
    await expect(
      client.users.logout.mutate({ refreshToken: tokens.refreshToken }),
    ).resolves.toEqual({ ok: true });
    await sleep(TTL * 1000 + 1200);

    const calls = await Promise.allSettled([
      client.users.me.query(),
      client.addresses.list.query(),
      client.users.me.query(),
    ]);
    expect(calls.map((c) => c.status === 'rejected' && codeOf(c.reason))).toEqual([
      'UNAUTHORIZED',
      'UNAUTHORIZED',
      'UNAUTHORIZED',
    ]);
    await expect(client.users.me.query()).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
    expect(signOuts).toEqual(['refreshRefused']);
    expect(session.signedIn).toBe(false);
    expect(recorder.count('users.refresh')).toBe(1);
  });

  it('never retries a mutation without idempotencyKey after a network error', async () => {
    const recorder = recordingFetch((procedures) => procedures.includes('addresses.create'));
    const session = createSession();
    const client = createShopClient({ url, session, fetch: recorder.fetch });
    session.signIn(await newUser());
    await expect(client.addresses.create.mutate(ADDRESS)).rejects.toBeInstanceOf(TRPCClientError);
    expect(recorder.count('addresses.create')).toBe(1);
    // It did run: a retry would have created a second address.
    expect(await client.addresses.list.query()).toHaveLength(1);
  });

  it('retries orders.create carrying an idempotencyKey after a network error: one order', async () => {
    const admin = createShopClient({ url });
    const { accessToken } = await admin.users.login.mutate(LOCAL_ADMIN);
    const product = await createShopClient({
      url,
      getToken: () => accessToken,
    }).products.create.mutate({
      name: 'Retry lamp',
      description: '',
      price: 100,
      category: 'retry',
      stock: 5,
    });
    let failures = 1;
    const recorder = recordingFetch((p) => p.includes('orders.create') && failures-- > 0);
    const session = createSession();
    const client = createShopClient({ url, session, fetch: recorder.fetch });
    session.signIn(await newUser());
    const address = await client.addresses.create.mutate(ADDRESS);
    const order = await client.orders.create.mutate({
      items: [{ productId: product.id, quantity: 2 }],
      shippingAddressId: address.id,
      idempotencyKey: randomUUID(),
    });
    // The first request ran and its answer was lost; the retry got the same order back.
    expect(recorder.count('orders.create')).toBe(2);
    // orders.list reads userId-index, which (like AWS's) catches up after a moment.
    await expect
      .poll(async () => (await client.orders.list.query({})).items.map((o) => o.id), {
        timeout: 10_000,
      })
      .toEqual([order.id]);
    expect((await client.products.byId.query({ id: product.id })).stock).toBe(3);
  });

  it('retries a query after a network error', async () => {
    let failures = 1;
    const recorder = recordingFetch((p) => p.includes('users.me') && failures-- > 0);
    const session = createSession();
    const client = createShopClient({ url, session, fetch: recorder.fetch });
    session.signIn(await newUser());
    expect((await client.users.me.query()).firstName).toBe('Ses');
    expect(recorder.count('users.me')).toBe(2);
  });

  it('works over the stream link (link: "stream")', async () => {
    const session = createSession();
    const client = createShopClient({ url, link: 'stream', session });
    session.signIn(await newUser());
    const [health, me] = await Promise.all([client.health.query(), client.users.me.query()]);
    expect(health.status).toBe('ok');
    expect(me.firstName).toBe('Ses');
  });
});
