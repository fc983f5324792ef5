import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { SchemaError } from '@shop/core';
import {
  createHarness,
  expectTRPCError,
  validAddress,
  validProduct,
  type Caller,
  type Harness,
} from './support/harness.ts';

/**
 * Every input bound of API.md "Rules the data must keep": a value just outside it is a
 * BAD_REQUEST whose zod issues name the field, and nothing is written.
 */

let h: Harness;
let admin: Caller;
let shopper: Caller;
let product: { id: string; stock: number };
let address: { id: string };
let order: { id: string };

beforeAll(async () => {
  h = await createHarness();
  admin = (await h.adminCaller()).caller;
  shopper = (await h.userCaller()).caller;
  product = await admin.products.create(validProduct({ stock: 500 }));
  address = await shopper.addresses.create(validAddress());
  order = await shopper.orders.create({
    items: [{ productId: product.id, quantity: 1 }],
    shippingAddressId: address.id,
  });
});

const chars = (n: number) => 'x'.repeat(n);
const byId = <T extends { id: string }>(items: T[]) =>
  [...items].sort((a, b) => a.id.localeCompare(b.id));

async function allProducts() {
  const items = [];
  let cursor: string | undefined;
  do {
    const page = await h.anonymousCaller().products.list({ limit: 100, cursor });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return byId(items);
}

/** Everything a bad request could have touched: catalogue and stock, addresses, orders, profile. */
async function snapshot() {
  return {
    products: await allProducts(),
    addresses: byId(await shopper.addresses.list()),
    orders: byId((await shopper.orders.list({ limit: 100 })).items),
    profile: await shopper.users.me(),
  };
}

/** The call fails as BAD_REQUEST from zod, every issue names `path`, and nothing changed. */
async function expectRejected(call: () => Promise<unknown>, path: (string | number)[]) {
  const before = await snapshot();
  const error = await expectTRPCError(call(), 'BAD_REQUEST');
  expect(error.cause).toBeInstanceOf(SchemaError);
  const issues = (error.cause as SchemaError).issues;
  expect(issues.length).toBeGreaterThan(0);
  expect(issues.map((issue) => issue.path)).toEqual(issues.map(() => path));
  expect(await snapshot()).toEqual(before);
}

type Case = [label: string, call: () => Promise<unknown>, path: (string | number)[]];

const newProduct = (overrides: Record<string, unknown>) => () =>
  admin.products.create(validProduct(overrides));
const changeProduct = (overrides: Record<string, unknown>) => () =>
  admin.products.update({ id: product.id, ...overrides });

const productFields: [string, Record<string, unknown>, string][] = [
  ['an empty name', { name: '' }, 'name'],
  ['a blank name', { name: '   ' }, 'name'],
  ['a 201-character name', { name: chars(201) }, 'name'],
  ['a 5001-character description', { description: chars(5001) }, 'description'],
  ['an empty category', { category: '' }, 'category'],
  ['a 101-character category', { category: chars(101) }, 'category'],
  ['price -1', { price: -1 }, 'price'],
  ['price 1.5', { price: 1.5 }, 'price'],
  ['price 100,000,001', { price: 100_000_001 }, 'price'],
  ['price as a string', { price: '100' }, 'price'],
  ['stock -1', { stock: -1 }, 'stock'],
  ['stock 1,000,001', { stock: 1_000_001 }, 'stock'],
  ['stock 2.5', { stock: 2.5 }, 'stock'],
  ['an http imageUrl', { imageUrl: 'http://images.example.com/a.png' }, 'imageUrl'],
  ['an imageUrl that is not a URL', { imageUrl: 'not a url' }, 'imageUrl'],
];

describe('products', () => {
  it.each(productFields)('create refuses %s', async (_label, overrides, field) => {
    await expectRejected(newProduct(overrides), [field]);
  });

  it.each(productFields.filter(([, , field]) => field !== 'stock'))(
    'update refuses %s',
    async (_label, overrides, field) => {
      await expectRejected(changeProduct(overrides), [field]);
    },
  );

  it('update refuses stock: only adjustStock changes it', async () => {
    await expectRejected(changeProduct({ stock: 1 }), []);
  });

  it.each<Case>([
    ['limit 0', () => h.anonymousCaller().products.list({ limit: 0 }), ['limit']],
    ['limit 101', () => h.anonymousCaller().products.list({ limit: 101 }), ['limit']],
    ['limit 1.5', () => h.anonymousCaller().products.list({ limit: 1.5 }), ['limit']],
    ['an empty category', () => h.anonymousCaller().products.list({ category: '' }), ['category']],
    [
      'a 101-character category',
      () => h.anonymousCaller().products.list({ category: chars(101) }),
      ['category'],
    ],
    ['an empty cursor', () => h.anonymousCaller().products.list({ cursor: '' }), ['cursor']],
    [
      'a 2049-character cursor',
      () => h.anonymousCaller().products.list({ cursor: chars(2049) }),
      ['cursor'],
    ],
  ])('list refuses %s', async (_label, call, path) => {
    await expectRejected(call, path);
  });
});

describe('addresses', () => {
  const addressFields: [string, Record<string, unknown>, string][] = [
    ["country 'XX'", { country: 'XX' }, 'country'],
    ["country 'USA'", { country: 'USA' }, 'country'],
    ['an empty country', { country: '' }, 'country'],
    ['an empty street', { street: '' }, 'street'],
    ['a blank street', { street: '  ' }, 'street'],
    ['a 201-character street', { street: chars(201) }, 'street'],
    ['an empty city', { city: '' }, 'city'],
    ['a 21-character zip code', { zipCode: chars(21) }, 'zipCode'],
    ['isDefault as a string', { isDefault: 'yes' }, 'isDefault'],
  ];

  it.each(addressFields)('create refuses %s', async (_label, overrides, field) => {
    await expectRejected(() => shopper.addresses.create(validAddress(overrides)), [field]);
  });

  it.each(addressFields)('update refuses %s', async (_label, overrides, field) => {
    await expectRejected(() => shopper.addresses.update({ id: address.id, ...overrides }), [field]);
  });
});

describe('orders', () => {
  // Built when the test runs: `product` and `address` exist only after beforeAll.
  const line = (quantity = 1) => ({ productId: product.id, quantity });
  const place = (input: () => Record<string, unknown>) => () =>
    shopper.orders.create({ items: [line()], shippingAddressId: address.id, ...input() });

  it.each<Case>([
    ['no lines', place(() => ({ items: [] })), ['items']],
    [
      '26 lines',
      place(() => ({
        items: Array.from({ length: 26 }, () => ({ productId: randomUUID(), quantity: 1 })),
      })),
      ['items'],
    ],
    ['the same product twice', place(() => ({ items: [line(1), line(2)] })), ['items']],
    ['quantity 0', place(() => ({ items: [line(0)] })), ['items', 0, 'quantity']],
    ['quantity 101', place(() => ({ items: [line(101)] })), ['items', 0, 'quantity']],
    ['quantity 1.5', place(() => ({ items: [line(1.5)] })), ['items', 0, 'quantity']],
    [
      'a bad quantity on the second line',
      place(() => ({ items: [line(1), { productId: randomUUID(), quantity: -1 }] })),
      ['items', 1, 'quantity'],
    ],
    [
      'a productId with illegal characters',
      place(() => ({ items: [{ productId: 'no spaces allowed', quantity: 1 }] })),
      ['items', 0, 'productId'],
    ],
    [
      'a shippingAddressId with illegal characters',
      place(() => ({ shippingAddressId: '../addresses' })),
      ['shippingAddressId'],
    ],
    [
      'a 7-character idempotencyKey',
      place(() => ({ idempotencyKey: chars(7) })),
      ['idempotencyKey'],
    ],
    [
      'a 65-character idempotencyKey',
      place(() => ({ idempotencyKey: chars(65) })),
      ['idempotencyKey'],
    ],
  ])('create refuses %s', async (_label, call, path) => {
    await expectRejected(call, path);
  });

  it.each<Case>([
    ['limit 0', () => shopper.orders.list({ limit: 0 }), ['limit']],
    ['limit 101', () => shopper.orders.list({ limit: 101 }), ['limit']],
    [
      'an unknown status',
      () => admin.orders.updateStatus({ id: order.id, status: 'LOST' as never }),
      ['status'],
    ],
  ])('refuses %s', async (_label, call, path) => {
    await expectRejected(call, path);
  });
});

describe('users', () => {
  it.each<Case>([
    ['an empty firstName', () => shopper.users.updateMe({ firstName: '' }), ['firstName']],
    ['a blank firstName', () => shopper.users.updateMe({ firstName: '   ' }), ['firstName']],
    [
      'a 101-character firstName',
      () => shopper.users.updateMe({ firstName: chars(101) }),
      ['firstName'],
    ],
    ['an empty lastName', () => shopper.users.updateMe({ lastName: '' }), ['lastName']],
    [
      'a 101-character lastName',
      () => shopper.users.updateMe({ lastName: chars(101) }),
      ['lastName'],
    ],
  ])('updateMe refuses %s', async (_label, call, path) => {
    await expectRejected(call, path);
  });

  const signUp = (overrides: Record<string, unknown>) => () =>
    h.anonymousCaller().users.signUp({
      email: 'new.user@example.com',
      password: 'Sup3r-secret!',
      firstName: 'New',
      lastName: 'User',
      ...overrides,
    });

  // The harness's identity provider fails every call: only validation can answer BAD_REQUEST.
  it.each<Case>([
    ['signUp with an invalid email', signUp({ email: 'not-an-email' }), ['email']],
    ['signUp with a 7-character password', signUp({ password: 'Sh0rt!x' }), ['password']],
    ['signUp with a password without a symbol', signUp({ password: 'NoSymbol123' }), ['password']],
    ['signUp with an empty firstName', signUp({ firstName: '' }), ['firstName']],
    ['signUp with a 101-character lastName', signUp({ lastName: chars(101) }), ['lastName']],
    [
      'login with an empty password',
      () => h.anonymousCaller().users.login({ email: 'a@example.com', password: '' }),
      ['password'],
    ],
    [
      'confirmSignUp with an empty code',
      () => h.anonymousCaller().users.confirmSignUp({ email: 'a@example.com', code: '' }),
      ['code'],
    ],
    [
      'refresh with an empty token',
      () => h.anonymousCaller().users.refresh({ refreshToken: '' }),
      ['refreshToken'],
    ],
    [
      'logout with an empty token',
      () => shopper.users.logout({ refreshToken: '' }),
      ['refreshToken'],
    ],
  ])('%s is refused', async (_label, call, path) => {
    await expectRejected(call, path);
  });
});

describe('ids', () => {
  const badIds: [string, string][] = [
    ['an empty id', ''],
    ['an id with a space', 'has space'],
    ['an id with a slash', 'a/b'],
    ['an id with a hash', `default#${randomUUID()}`],
    ['an id with a dot', '..'],
    ['a 129-character id', chars(129)],
  ];
  const procedures: [string, (id: string) => Promise<unknown>][] = [
    ['products.byId', (id) => h.anonymousCaller().products.byId({ id })],
    ['products.update', (id) => admin.products.update({ id, name: 'Renamed' })],
    ['products.delete', (id) => admin.products.delete({ id })],
    ['users.byId', (id) => shopper.users.byId({ id })],
    ['addresses.update', (id) => shopper.addresses.update({ id, city: 'Elsewhere' })],
    ['addresses.delete', (id) => shopper.addresses.delete({ id })],
    ['orders.byId', (id) => shopper.orders.byId({ id })],
    ['orders.cancel', (id) => shopper.orders.cancel({ id })],
    ['orders.updateStatus', (id) => admin.orders.updateStatus({ id, status: 'PAID' })],
  ];
  const cases = procedures.flatMap(([procedure, call]) =>
    badIds.map(([label, id]) => [procedure, label, call, id] as const),
  );

  it.each(cases)('%s refuses %s', async (_procedure, _label, call, id) => {
    await expectRejected(() => call(id), ['id']);
  });
});

describe('the values at the bounds', () => {
  it('are accepted for a product', async () => {
    const low = await admin.products.create(
      validProduct({ name: 'x', description: '', category: 'c', price: 0, stock: 0 }),
    );
    expect(low).toMatchObject({ name: 'x', description: '', price: 0, stock: 0 });
    const high = await admin.products.create(
      validProduct({
        name: chars(200),
        description: chars(5000),
        category: chars(100),
        price: 100_000_000,
        stock: 1_000_000,
        imageUrl: 'https://images.example.com/a.png',
      }),
    );
    expect(high).toMatchObject({ price: 100_000_000, stock: 1_000_000 });
    expect(await h.anonymousCaller().products.byId({ id: high.id })).toEqual(high);
  });

  it('are accepted for an address, a profile and a list', async () => {
    const created = await shopper.addresses.create(
      validAddress({ country: 'gb', state: '', zipCode: chars(20), street: chars(200) }),
    );
    expect(created.country).toBe('GB');
    const me = await shopper.users.updateMe({ firstName: 'A', lastName: chars(100) });
    expect(me).toMatchObject({ firstName: 'A', lastName: chars(100) });
    expect((await shopper.orders.list({ limit: 100 })).items.length).toBeGreaterThan(0);
    expect((await h.anonymousCaller().products.list({ limit: 1 })).items).toHaveLength(1);
  });

  it('are accepted for an order of 25 lines, quantity 100 and 8- and 64-character keys', async () => {
    const products = await Promise.all(
      Array.from({ length: 25 }, () => admin.products.create(validProduct({ stock: 100 }))),
    );
    const big = await shopper.orders.create({
      items: products.map((p, n) => ({ productId: p.id, quantity: n === 0 ? 100 : 1 })),
      shippingAddressId: address.id,
      idempotencyKey: chars(8),
    });
    expect(big.items).toHaveLength(25);
    expect((await h.anonymousCaller().products.byId({ id: products[0]?.id ?? '' })).stock).toBe(0);
    const keyed = await shopper.orders.create({
      items: [{ productId: product.id, quantity: 1 }],
      shippingAddressId: address.id,
      idempotencyKey: chars(64),
    });
    expect(keyed.items).toHaveLength(1);
  });
});
