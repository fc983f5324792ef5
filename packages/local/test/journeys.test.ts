import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopClient, isShopClientError, type ShopClient } from '@shop/client';
import { freePort, LOCAL_ADMIN, startLocal, type RunningLocal } from '@shop/testing';

/**
 * The features a shop needs, as a shopper and an admin use them: over HTTP, with the typed client,
 * against `pnpm local` (DynamoDB Local and cognito-local behind the real handler).
 */
let local: RunningLocal;

beforeAll(async () => {
  local = await startLocal(['--port', String(await freePort()), '--no-web']);
}, 150_000);

afterAll(async () => {
  await local.interrupt();
});

const anonymous = () => createShopClient({ url: local.url });
async function signedIn(email: string, password: string): Promise<ShopClient> {
  const tokens = await anonymous().users.login.mutate({ email, password });
  return createShopClient({ url: local.url, getToken: () => tokens.accessToken });
}
async function newShopper(password = 'Sh0pper-pass!') {
  const email = `j-${randomUUID().slice(0, 8)}@example.com`;
  await anonymous().users.signUp.mutate({ email, password, firstName: 'Jo', lastName: 'Doe' });
  return { email, password, client: await signedIn(email, password) };
}
const codeOf = (error: unknown) => (isShopClientError(error) ? error.data?.code : error);

describe('a shopper', () => {
  it('searches, orders, edits the address, changes the password and closes the account', async () => {
    const { email, password, client } = await newShopper();

    // The seeded "Café Crème Espresso Beans" is found without the accent.
    // The seed was just written; search-index (like AWS's) catches up after a moment.
    await expect
      .poll(
        async () => (await client.products.search.query({ query: 'cafe creme' })).items.length,
        {
          timeout: 10_000,
        },
      )
      .toBeGreaterThan(0);
    const found = await client.products.search.query({ query: 'cafe creme' });
    const beans = found.items[0]!;
    expect(beans.name).toBe('Café Crème Espresso Beans');

    const address = await client.addresses.create.mutate({
      street: '12 Rue de la Paix',
      city: 'Paris',
      state: '',
      zipCode: '75002',
      country: 'FR',
    });
    const order = await client.orders.create.mutate({
      items: [{ productId: beans.id, quantity: 2 }],
      shippingAddressId: address.id,
      idempotencyKey: randomUUID(),
    });
    expect(order.shippingAddress.street).toBe('12 Rue de la Paix');

    await client.addresses.update.mutate({ id: address.id, street: '1 Avenue Foch' });
    await client.addresses.delete.mutate({ id: address.id });
    expect(await client.orders.byId.query({ id: order.id })).toEqual(order);

    const newPassword = 'N3w-passw0rd!';
    await client.users.changePassword.mutate({ currentPassword: password, newPassword });
    await expect(signedIn(email, password)).rejects.toSatisfy((e) => codeOf(e) === 'UNAUTHORIZED');
    const again = await signedIn(email, newPassword);

    await again.users.deleteMe.mutate({ password: newPassword });
    await expect(signedIn(email, newPassword)).rejects.toSatisfy(
      (e) => codeOf(e) === 'UNAUTHORIZED',
    );
    // The same e-mail can sign up again, as a new user.
    const { user } = await anonymous().users.signUp.mutate({
      email,
      password: newPassword,
      firstName: 'Jo',
      lastName: 'Again',
    });
    expect(user.id).not.toBe(order.userId);
  });
});

describe('an admin', () => {
  it('works the order queue, adjusts stock while orders race, and makes another user admin', async () => {
    const admin = await signedIn(LOCAL_ADMIN.email, LOCAL_ADMIN.password);
    const product = await admin.products.create.mutate({
      name: `Flash ${randomUUID().slice(0, 6)}`,
      description: 'Limited',
      price: 999,
      category: 'journeys',
      stock: 20,
    });
    const shoppers = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const { client } = await newShopper();
        const address = await client.addresses.create.mutate({
          street: '1 Main St',
          city: 'Springfield',
          state: 'IL',
          zipCode: '62701',
          country: 'US',
        });
        return { client, address };
      }),
    );

    // Orders and adjustments race; every change lands exactly once.
    const deltas = [5, -3, 4, -2];
    const results = await Promise.all([
      ...shoppers.map(({ client, address }) =>
        client.orders.create.mutate({
          items: [{ productId: product.id, quantity: 2 }],
          shippingAddressId: address.id,
        }),
      ),
      ...deltas.map((delta) => admin.products.adjustStock.mutate({ id: product.id, delta })),
    ]);
    const orders = results.slice(0, shoppers.length) as { id: string }[];
    const stock = (await anonymous().products.byId.query({ id: product.id })).stock;
    expect(stock).toBe(20 - 2 * shoppers.length + deltas.reduce((a, b) => a + b, 0));

    // The queue: newest first by status; move one order to SHIPPED.
    // status-index, like AWS's, catches up after a moment.
    await expect
      .poll(
        async () =>
          (await admin.orders.adminList.query({ status: 'PENDING', limit: 100 })).items.map(
            (o) => o.id,
          ),
        { timeout: 10_000 },
      )
      .toEqual(expect.arrayContaining(orders.map((o) => o.id)));
    const first = orders[0]!.id;
    await admin.orders.updateStatus.mutate({ id: first, status: 'PAID' });
    await admin.orders.updateStatus.mutate({ id: first, status: 'SHIPPED' });
    await expect
      .poll(
        async () =>
          (await admin.orders.adminList.query({ status: 'SHIPPED', limit: 100 })).items.map(
            (o) => o.id,
          ),
        { timeout: 10_000 },
      )
      .toContain(first);

    // Another user becomes admin: effective in the tokens issued afterwards.
    const other = await newShopper();
    const me = await other.client.users.me.query();
    await expect(other.client.orders.adminList.query({})).rejects.toSatisfy(
      (e) => codeOf(e) === 'FORBIDDEN',
    );
    const promoted = await admin.users.setAdmin.mutate({ id: me.id, isAdmin: true });
    expect(promoted.isAdmin).toBe(true);
    const relogged = await signedIn(other.email, other.password);
    expect((await relogged.orders.adminList.query({ limit: 1 })).items.length).toBe(1);
  });
});
