import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopClient, TRPCClientError, type ShopClient } from '@shop/client';
import { freePort, stripeLocalControl, TEST_CARDS } from '@shop/testing';
import { LOCAL_ADMIN, startLocal, type RunningLocal } from '@shop/testing';

/**
 * The product as a newcomer runs it: `pnpm local` in its own process group (as a terminal runs
 * it), driven over HTTP with @shop/client, then stopped with Ctrl-C (SIGINT to the group).
 */
let local: RunningLocal;
let url: string;

beforeAll(async () => {
  local = await startLocal(['--port', String(await freePort())], {
    SHOP_ADMIN_EMAIL: LOCAL_ADMIN.email,
    SHOP_ADMIN_PASSWORD: LOCAL_ADMIN.password,
  });
  url = local.url;
}, 150_000);

afterAll(() => {
  // In case a test failed before the Ctrl-C test ran.
  if (local.proc.exitCode === null && local.proc.pid) process.kill(-local.proc.pid, 'SIGKILL');
});

const anonymous = () => createShopClient({ url });
async function signedIn(email: string, password: string): Promise<ShopClient> {
  const tokens = await anonymous().users.login.mutate({ email, password });
  return createShopClient({ url, getToken: () => tokens.accessToken });
}

describe('pnpm local', () => {
  it('prints progress, the URL and the admin email', () => {
    expect(local.output()).toContain('[local] starting DynamoDB Local');
    expect(local.output()).toContain(`API ready at ${url}`);
    expect(local.output()).toContain(LOCAL_ADMIN.email);
  });

  it('answers health and the seeded catalogue', async () => {
    const client = anonymous();
    expect(await client.health.query()).toMatchObject({ status: 'ok' });
    // The catalogue is listed from category-index, which (like AWS's) catches up after a moment.
    await expect
      .poll(async () => (await client.products.list.query({ limit: 100 })).items.length, {
        timeout: 10_000,
      })
      .toBeGreaterThanOrEqual(20);
    const page = await client.products.list.query({ limit: 100 });
    expect(new Set(page.items.map((p) => p.category)).size).toBeGreaterThanOrEqual(4);
  });

  it('serves the shopper journey end to end', async () => {
    const email = `shopper-${randomUUID().slice(0, 8)}@example.com`;
    const password = 'Sh0pper-pass!';
    const signUp = await anonymous().users.signUp.mutate({
      email,
      password,
      firstName: 'Sam',
      lastName: 'Shopper',
    });
    expect(signUp.needsConfirmation).toBe(false);
    const shopper = await signedIn(email, password);
    expect((await shopper.users.me.query()).email).toBe(email);

    const address = await shopper.addresses.create.mutate({
      street: '221B Baker Street',
      city: 'London',
      state: '',
      zipCode: 'NW1 6XE',
      country: 'GB',
    });
    expect(address.isDefault).toBe(true);

    // Browse a category two items at a time.
    const books = [];
    let cursor: string | undefined;
    do {
      const page = await shopper.products.list.query({ category: 'books', limit: 2, cursor });
      books.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(books.length).toBe(5);
    const book = books[0]!;
    // Listings show availability, not the count (contract v3.1): the stock is read by key.
    expect(book).not.toHaveProperty('stock');
    const stock = (await shopper.products.byId.query({ id: book.id })).stock;

    const order = await shopper.orders.create.mutate({
      items: [{ productId: book.id, quantity: 2 }],
      shippingAddressId: address.id,
      idempotencyKey: randomUUID(),
    });
    expect(order.totalAmount).toBe(book.price * 2);
    expect((await shopper.products.byId.query({ id: book.id })).stock).toBe(stock - 2);
    // orders.list reads userId-index, which (like AWS's) catches up after a moment.
    await expect
      .poll(async () => (await shopper.orders.list.query()).items.map((o) => o.id), {
        timeout: 10_000,
      })
      .toEqual([order.id]);

    const cancelled = await shopper.orders.cancel.mutate({ id: order.id });
    expect(cancelled.status).toBe('CANCELLED');
    expect((await shopper.products.byId.query({ id: book.id })).stock).toBe(stock);
  });

  it('takes a payment through the Stripe-compatible local server and its signed webhook', async () => {
    const stripeUrl = /Stripe local server at (\S+)/.exec(local.output())?.[1];
    expect(stripeUrl, local.output()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(local.output()).toContain(`test cards ${TEST_CARDS.success}`);
    const email = `payer-${randomUUID().slice(0, 8)}@example.com`;
    const password = 'Sh0pper-pass!';
    await anonymous().users.signUp.mutate({ email, password, firstName: 'Pat', lastName: 'Payer' });
    const shopper = await signedIn(email, password);
    const address = await shopper.addresses.create.mutate({
      street: '1 Pay Street',
      city: 'Paris',
      state: '',
      zipCode: '75001',
      country: 'FR',
    });
    const [product] = (await shopper.products.list.query({ limit: 1 })).items;
    const quote = await shopper.orders.quote.query({
      items: [{ productId: product!.id, quantity: 1 }],
    });
    const order = await shopper.orders.create.mutate({
      items: [{ productId: product!.id, quantity: 1 }],
      shippingAddressId: address.id,
      expectedTotal: quote.total,
    });
    expect(order.actions).toEqual(['pay', 'cancel']);
    const { url: payUrl } = await shopper.orders.pay.mutate({ id: order.id });
    expect(payUrl.startsWith(`${stripeUrl}/pay/`)).toBe(true);
    const sessionId = new URL(payUrl).pathname.split('/').at(-1)!;
    const stripe = stripeLocalControl(stripeUrl!);
    expect(await stripe.pay(sessionId, TEST_CARDS.success)).toMatchObject({ status: 'succeeded' });
    await stripe.webhooksIdle(20_000);
    const paid = await shopper.orders.byId.query({ id: order.id });
    expect(paid).toMatchObject({ status: 'PAID', payment: { status: 'PAID', provider: 'stripe' } });
    expect(paid.actions).toEqual(['cancel']);
  });

  it('serves the admin journey end to end', async () => {
    const admin = await signedIn(LOCAL_ADMIN.email, LOCAL_ADMIN.password);
    const product = await admin.products.create.mutate({
      name: 'E2E Lamp',
      description: 'Bright',
      price: 4500,
      category: 'lighting',
      stock: 3,
      imageUrl: 'https://example.com/lamp.png',
    });
    const updated = await admin.products.update.mutate({ id: product.id, price: 3900 });
    expect(updated.price).toBe(3900);

    const email = `buyer-${randomUUID().slice(0, 8)}@example.com`;
    await anonymous().users.signUp.mutate({
      email,
      password: 'Buy3r-pass!',
      firstName: 'B',
      lastName: 'Uyer',
    });
    const buyer = await signedIn(email, 'Buy3r-pass!');
    const address = await buyer.addresses.create.mutate({
      street: '1 Main St',
      city: 'Springfield',
      state: 'IL',
      zipCode: '62701',
      country: 'US',
    });
    const order = await buyer.orders.create.mutate({
      items: [{ productId: product.id, quantity: 1 }],
      shippingAddressId: address.id,
    });
    await admin.orders.updateStatus.mutate({ id: order.id, status: 'PAID' });
    const shipped = await admin.orders.updateStatus.mutate({ id: order.id, status: 'SHIPPED' });
    expect(shipped.status).toBe('SHIPPED');
    expect((await buyer.orders.byId.query({ id: order.id })).status).toBe('SHIPPED');

    await expect(buyer.products.delete.mutate({ id: product.id })).rejects.toBeInstanceOf(
      TRPCClientError,
    );
    expect(await admin.products.delete.mutate({ id: product.id })).toEqual({ id: product.id });
    const gone = await anonymous()
      .products.byId.query({ id: product.id })
      .catch((e: unknown) => e);
    expect((gone as { data?: { code?: string } }).data?.code).toBe('NOT_FOUND');
  });

  it('sends calls made in the same tick in one HTTP request', async () => {
    const requests: URL[] = [];
    const client = createShopClient({
      url,
      fetch: (input, init) => {
        requests.push(new URL(input instanceof Request ? input.url : input));
        return fetch(input, init);
      },
    });
    const [health, page, categories] = await Promise.all([
      client.health.query(),
      client.products.list.query({ limit: 1 }),
      client.products.categories.query(),
    ]);
    expect(health.status).toBe('ok');
    expect(page.items).toHaveLength(1);
    expect(categories.length).toBeGreaterThan(0);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.pathname).toMatch(/\/health,products\.list,products\.categories$/);
    expect(requests[0]?.searchParams.get('batch')).toBe('1');
  });

  it('stops every child process on Ctrl-C and exits 0', async () => {
    // The emulators run in process groups of their own (so Ctrl-C reaches only `pnpm local`,
    // which stops them in order): follow the process tree, not the group.
    const before = descendants(local.proc.pid!);
    expect(before.length).toBeGreaterThanOrEqual(4); // node, java, cognito-local and their shells
    expect(await local.interrupt(), local.output()).toBe(0);
    let left = before;
    for (let i = 0; i < 40 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 250));
      left = left.filter(isAlive);
    }
    expect(left).toEqual([]);
  });
});

/** Every process below `root`, from `ps`. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  const table = spawnSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' }).stdout;
  for (const line of table.trim().split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    children.set(ppid!, [...(children.get(ppid!) ?? []), pid!]);
  }
  const found: number[] = [];
  const visit = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(root);
  return found;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
