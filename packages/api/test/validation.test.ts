import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_CENTS, MAX_ID_LENGTH, MAX_PAGE_LIMIT } from '@shop/core';
import { jsonEvent, lambdaContext } from '@shop/testing';
import { createHandler } from '../src/app.ts';
import type { AuthUser, TokenVerifier } from '../src/auth.ts';
import { loadAllRouters } from '../scripts/all-routers.ts';
import {
  createHarness,
  validAddress,
  validProduct,
  type Caller,
  type Harness,
} from './support/harness.ts';

/**
 * The wiring of input validation, procedure by procedure, over the Lambda handler as a client
 * sees it: one invalid input is a BAD_REQUEST whose `error.data.validation` names the field, with a
 * one-line readable `message`, and nothing is written. Which inputs are invalid is tested once, at
 * the schemas (packages/core/test/schemas.test.ts).
 */

let h: Harness;
let handler: ReturnType<typeof createHandler>;
let shopper: Caller;
let product: { id: string };
let address: { id: string };
let order: { id: string };

/** Bearer tokens are the users' names; the verifier is not what this file tests. */
const users = new Map<string, AuthUser>();
const verifier: TokenVerifier = {
  verify: (token) => {
    const user = users.get(token);
    return user ? Promise.resolve(user) : Promise.reject(new Error(`unknown test token ${token}`));
  },
};

beforeAll(async () => {
  h = await createHarness();
  const admin = await h.adminCaller();
  const signedIn = await h.userCaller();
  users.set('admin', admin.user);
  users.set('shopper', signedIn.user);
  shopper = signedIn.caller;
  handler = createHandler(
    { ...h.deps, verifier },
    { error: () => undefined, info: () => undefined },
  );
  product = await admin.caller.products.create(validProduct());
  address = await shopper.addresses.create(validAddress());
  order = await shopper.orders.create({
    items: [{ productId: product.id, quantity: 1 }],
    shippingAddressId: address.id,
  });
});

interface ErrorAnswer {
  message: string;
  data: { code: string; validation?: { path: (string | number)[]; message: string }[] };
}

/** The router's procedures by path ('users.signUp'), as tRPC keeps them at run time. */
const procedures = (await loadAllRouters())._def.procedures as unknown as Record<
  string,
  { _def: { type: 'query' | 'mutation' | 'subscription'; inputs: unknown[] } }
>;

/** Calls a procedure over the handler, as the user named by `token`. */
async function call(path: string, input: unknown, token?: 'admin' | 'shopper') {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const event =
    procedures[path]?._def.type === 'query'
      ? jsonEvent({
          method: 'GET',
          path: `/${path}`,
          headers,
          query: { input: JSON.stringify(input) },
        })
      : jsonEvent({ method: 'POST', path: `/${path}`, headers, body: JSON.stringify(input) });
  const result = await handler(event, lambdaContext());
  const body = JSON.parse(result.body ?? '{}') as { error?: ErrorAnswer };
  return { status: result.statusCode, error: body.error };
}

/** Everything a bad request could have touched: catalogue and stock, addresses, orders, profile. */
async function snapshot() {
  // Listings read GSIs, eventually consistent as on AWS: compare what the indexes catch up to.
  h.db.lag.settle();
  return {
    products: await h.anonymousCaller().products.list({ limit: 100 }),
    addresses: await shopper.addresses.list(),
    orders: await shopper.orders.list({ limit: 100 }),
    profile: await shopper.users.me(),
  };
}

const signUp = {
  email: 'new.user@example.com',
  password: 'Sup3r-secret!',
  firstName: 'New',
  lastName: 'User',
};
const tooLongId = 'x'.repeat(MAX_ID_LENGTH + 1);
const statuses = '"PENDING", "PAID", "SHIPPED", "DELIVERED", "CANCELLED"';

type Case = [
  procedure: string,
  token: 'admin' | 'shopper' | undefined,
  input: () => unknown,
  field: (string | number)[],
  message: string,
];

// One case per procedure that takes input. `input` runs when the test does: the ids exist then.
const cases: Case[] = [
  [
    'users.signUp',
    undefined,
    () => ({ ...signUp, email: 'not-an-email' }),
    ['email'],
    'must be a valid email',
  ],
  [
    'users.confirmSignUp',
    undefined,
    () => ({ email: signUp.email, code: '' }),
    ['code'],
    'must have at least 1 character',
  ],
  [
    'users.login',
    undefined,
    () => ({ email: signUp.email, password: '' }),
    ['password'],
    'must have at least 1 character',
  ],
  [
    'users.refresh',
    undefined,
    () => ({ refreshToken: '' }),
    ['refreshToken'],
    'must have at least 1 character',
  ],
  [
    'users.logout',
    'shopper',
    () => ({ refreshToken: '' }),
    ['refreshToken'],
    'must have at least 1 character',
  ],
  [
    'users.updateMe',
    'shopper',
    () => ({ firstName: '   ' }),
    ['firstName'],
    'must have at least 1 character',
  ],
  ['users.byId', 'shopper', () => ({ id: 'a/b' }), ['id'], 'Invalid id'],
  [
    'users.forgotPassword',
    undefined,
    () => ({ email: 'nobody' }),
    ['email'],
    'must be a valid email',
  ],
  [
    'users.confirmForgotPassword',
    undefined,
    () => ({ email: signUp.email, code: '', newPassword: signUp.password }),
    ['code'],
    'must have at least 1 character',
  ],
  [
    'users.changePassword',
    'shopper',
    () => ({ currentPassword: '', newPassword: signUp.password }),
    ['currentPassword'],
    'must have at least 1 character',
  ],
  [
    'users.deleteMe',
    'shopper',
    () => ({ password: '' }),
    ['password'],
    'must have at least 1 character',
  ],
  ['users.adminList', 'admin', () => ({ limit: 0 }), ['limit'], 'must be at least 1'],
  ['users.setAdmin', 'admin', () => ({ id: 'a/b', isAdmin: true }), ['id'], 'Invalid id'],
  [
    'products.list',
    undefined,
    () => ({ limit: MAX_PAGE_LIMIT + 1 }),
    ['limit'],
    `must be at most ${MAX_PAGE_LIMIT}`,
  ],
  [
    'products.search',
    undefined,
    () => ({ query: '' }),
    ['query'],
    'must have at least 1 character',
  ],
  [
    'products.adminList',
    'admin',
    () => ({ query: '' }),
    ['query'],
    'must have at least 1 character',
  ],
  [
    'products.byId',
    undefined,
    () => ({ id: tooLongId }),
    ['id'],
    `must have at most ${MAX_ID_LENGTH} characters`,
  ],
  [
    'products.create',
    'admin',
    () => validProduct({ price: MAX_CENTS + 1 }),
    ['price'],
    `must be at most ${MAX_CENTS}`,
  ],
  [
    'products.update',
    'admin',
    () => ({ id: product.id, imageUrl: 'http://example.com/a.png' }),
    ['imageUrl'],
    'Must be an https URL',
  ],
  [
    'products.adjustStock',
    'admin',
    () => ({ id: product.id, delta: 0 }),
    ['delta'],
    'Must not be 0',
  ],
  ['products.delete', 'admin', () => ({ id: 'a b' }), ['id'], 'Invalid id'],
  [
    'addresses.create',
    'shopper',
    () => validAddress({ street: '' }),
    ['street'],
    'must have at least 1 character',
  ],
  [
    'addresses.update',
    'shopper',
    () => ({ id: address.id, country: 'XX' }),
    ['country'],
    'Must be an ISO 3166-1 alpha-2 country code',
  ],
  ['addresses.delete', 'shopper', () => ({ id: '..' }), ['id'], 'Invalid id'],
  [
    'orders.create',
    'shopper',
    () => ({ items: [{ productId: product.id, quantity: 0 }], shippingAddressId: address.id }),
    ['items', 0, 'quantity'],
    'must be at least 1',
  ],
  ['orders.byId', 'shopper', () => ({ id: 'a#b' }), ['id'], 'Invalid id'],
  ['orders.pay', 'shopper', () => ({ id: 'a#b' }), ['id'], 'Invalid id'],
  [
    'orders.quote',
    undefined,
    () => ({ items: [{ productId: product.id, quantity: 0 }] }),
    ['items', 0, 'quantity'],
    'must be at least 1',
  ],
  ['orders.list', 'shopper', () => ({ limit: 0 }), ['limit'], 'must be at least 1'],
  [
    'orders.cancel',
    'shopper',
    () => ({ id: tooLongId }),
    ['id'],
    `must have at most ${MAX_ID_LENGTH} characters`,
  ],
  [
    'orders.updateStatus',
    'admin',
    () => ({ id: order.id, status: 'LOST' }),
    ['status'],
    `must be one of ${statuses}`,
  ],
  [
    'orders.adminList',
    'admin',
    () => ({ status: 'pending' }),
    ['status'],
    `must be one of ${statuses}`,
  ],
];

describe('invalid input', () => {
  it('is checked by every procedure that takes input (this list is complete)', () => {
    const withInput = Object.entries(procedures)
      .filter(([, procedure]) => procedure._def.inputs.length > 0)
      .map(([path]) => path);
    expect(cases.map(([procedure]) => procedure).sort()).toEqual(withInput.sort());
  });

  it.each(cases)(
    '%s answers BAD_REQUEST naming the field, in one readable line, and writes nothing',
    async (procedure, token, input, field, message) => {
      const before = await snapshot();
      const { status, error } = await call(procedure, input(), token);
      expect(status).toBe(400);
      expect(error?.data.code).toBe('BAD_REQUEST');
      expect(error?.data.validation).toEqual([{ path: field, message }]);
      expect(error?.message).toBe(`${field.join('.')}: ${message}`);
      expect(await snapshot()).toEqual(before);
    },
  );
});
