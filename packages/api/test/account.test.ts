import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '@shop/core';
import {
  cognitoLocalKey,
  decodeJwt,
  jsonEvent,
  lambdaContext,
  signJwt,
  storedCognitoCode,
} from '@shop/testing';
import { createTokenVerifier } from '../src/auth.ts';
import { localCognitoHandler, localIdentity } from './support/cognito.ts';
import { createHarness, validAddress, validProduct, type Harness } from './support/harness.ts';

/**
 * The account procedures over the Lambda handler, with real cognito-local tokens and a fresh set
 * of DynamoDB Local tables (so `users.adminList` sees only this file's profiles).
 */
let h: Harness;
let handler: ReturnType<typeof localCognitoHandler>;
let cognito: CognitoIdentityProviderClient;
/** Runs inside `users.deleteMe`, just before the pool account is deleted (a racing request). */
let inDeletionWindow: (() => Promise<unknown>) | undefined;

beforeAll(async () => {
  const identity = localIdentity();
  h = await createHarness({
    identity: {
      ...identity,
      deleteUser: async (username) => {
        await inDeletionWindow?.();
        return identity.deleteUser(username);
      },
    },
  });
  handler = localCognitoHandler(h.deps);
  cognito = new CognitoIdentityProviderClient({
    region: 'us-east-1',
    endpoint: inject('cognitoEndpoint'),
    credentials: LOCAL_CREDENTIALS,
  });
});

afterAll(() => {
  cognito.destroy();
});

interface Answer<T = unknown> {
  status: number;
  data: T;
  error: { message: string; data: { code: string } } | undefined;
}

const QUERIES = new Set([
  'users.me',
  'users.adminList',
  'users.byId',
  'addresses.list',
  'orders.list',
  'orders.byId',
  'orders.adminList',
  'products.byId',
]);

async function call<T = unknown>(path: string, input?: unknown, token?: string) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const event = QUERIES.has(path)
    ? jsonEvent({
        method: 'GET',
        path: `/${path}`,
        headers,
        ...(input === undefined ? {} : { query: { input: JSON.stringify(input) } }),
      })
    : jsonEvent({ method: 'POST', path: `/${path}`, headers, body: JSON.stringify(input ?? {}) });
  const result = await handler(event, lambdaContext());
  const body = JSON.parse(result.body ?? '{}') as {
    result?: { data: T };
    error?: Answer['error'];
  };
  return { status: result.statusCode ?? 0, data: body.result?.data as T, error: body.error };
}

const PASSWORD = 'Corr3ct-horse!';
const NEW_PASSWORD = 'N3w-horse-battery!';
const newEmail = () => `acct-${randomUUID().slice(0, 8)}@example.com`;

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

async function login(email: string, password = PASSWORD): Promise<Answer<Tokens>> {
  return call<Tokens>('users.login', { email, password });
}

async function signUpAndLogin(email = newEmail()) {
  const signUp = await call<{ user: { id: string } }>('users.signUp', {
    email,
    password: PASSWORD,
    firstName: 'Ada',
    lastName: 'Lovelace',
  });
  expect(signUp.status).toBe(200);
  const tokens = await login(email);
  expect(tokens.status).toBe(200);
  return { email, id: signUp.data.user.id, token: tokens.data.accessToken };
}

async function makeAdmin(email: string): Promise<string> {
  await cognito.send(
    new AdminAddUserToGroupCommand({
      UserPoolId: inject('userPoolId'),
      Username: email,
      GroupName: 'admin',
    }),
  );
  return (await login(email)).data.accessToken;
}

/**
 * An account made in the pool directly (AdminCreateUser: no trigger ran, no profile), signing in
 * with PASSWORD, with Cognito names when given; its sub.
 */
async function poolOnlyAccount(email: string, names?: { given: string; family: string }) {
  const created = await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: inject('userPoolId'),
      Username: email,
      UserAttributes: [
        { Name: 'email', Value: email },
        ...(names
          ? [
              { Name: 'given_name', Value: names.given },
              { Name: 'family_name', Value: names.family },
            ]
          : []),
      ],
      MessageAction: 'SUPPRESS',
    }),
  );
  await cognito.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: inject('userPoolId'),
      Username: email,
      Password: PASSWORD,
      Permanent: true,
    }),
  );
  return created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
}

const sentCode = (email: string) =>
  storedCognitoCode(inject('cognitoDataDir'), inject('userPoolId'), email);

const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;

describe('users.forgotPassword and users.confirmForgotPassword', () => {
  it('resets the password with the e-mailed code: the old one stops working', async () => {
    const { email } = await signUpAndLogin();
    const sent = await call('users.forgotPassword', { email });
    expect(sent.data).toEqual({ ok: true });

    const code = sentCode(email);
    const wrong = await call('users.confirmForgotPassword', {
      email,
      code: code === '000000' ? '111111' : '000000',
      newPassword: NEW_PASSWORD,
    });
    expect(wrong.error?.data.code).toBe('BAD_REQUEST');
    expect((await login(email)).status).toBe(200); // nothing changed yet

    const reset = await call('users.confirmForgotPassword', {
      email,
      code,
      newPassword: NEW_PASSWORD,
    });
    expect(reset.data).toEqual({ ok: true });
    expect((await login(email)).error?.data.code).toBe('UNAUTHORIZED');
    expect((await login(email, NEW_PASSWORD)).status).toBe(200);
  });

  it('answers an unknown e-mail exactly like a known one', async () => {
    const { email } = await signUpAndLogin();
    const known = await call('users.forgotPassword', { email });
    const unknown = await call('users.forgotPassword', { email: newEmail() });
    expect(unknown).toEqual(known);
    const noAccount = await call('users.confirmForgotPassword', {
      email: newEmail(),
      code: '123456',
      newPassword: NEW_PASSWORD,
    });
    expect(noAccount.error?.data.code).toBe('BAD_REQUEST');
    expect(noAccount.error?.message).toBe('Invalid or expired code');
  });

  it('holds the new password to the sign-up policy', async () => {
    const weak = await call('users.confirmForgotPassword', {
      email: newEmail(),
      code: '123456',
      newPassword: 'alllowercase1!',
    });
    expect(weak.error?.data.code).toBe('BAD_REQUEST');
    expect(weak.error?.message).toContain('upper-case');
  });
});

describe('users.changePassword', () => {
  it('changes the password: the old one stops working, the new one works', async () => {
    const { email, token } = await signUpAndLogin();
    const changed = await call(
      'users.changePassword',
      { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
      token,
    );
    // The caller gets a new session; the token that asked belongs to a session that ended.
    const fresh = changed.data as Tokens & { idToken: string; tokenType: string };
    expect(fresh.tokenType).toBe('Bearer');
    expect(claims(fresh.idToken).token_use).toBe('id');
    expect((await call('users.me', undefined, fresh.accessToken)).status).toBe(200);
    expect((await call('users.me', undefined, token)).error?.data.code).toBe('UNAUTHORIZED');
    expect((await call('users.refresh', { refreshToken: fresh.refreshToken })).status).toBe(200);
    expect((await login(email)).error?.data.code).toBe('UNAUTHORIZED');
    expect((await login(email, NEW_PASSWORD)).status).toBe(200);
  });

  it('refuses a wrong current password as BAD_REQUEST and changes nothing', async () => {
    const { email, token } = await signUpAndLogin();
    const refused = await call(
      'users.changePassword',
      { currentPassword: 'Wr0ng-horse!', newPassword: NEW_PASSWORD },
      token,
    );
    expect(refused.error?.data.code).toBe('BAD_REQUEST');
    expect(refused.error?.message).toBe('Incorrect current password');
    expect((await login(email)).status).toBe(200);
    expect((await login(email, NEW_PASSWORD)).status).toBe(401);
  });

  it('needs a signed-in caller and a policy-conforming new password', async () => {
    const anonymous = await call('users.changePassword', {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(anonymous.error?.data.code).toBe('UNAUTHORIZED');
    const { token } = await signUpAndLogin();
    const weak = await call(
      'users.changePassword',
      { currentPassword: PASSWORD, newPassword: 'short' },
      token,
    );
    expect(weak.error?.data.code).toBe('BAD_REQUEST');
  });
});

describe('users.deleteMe', () => {
  it('removes the sign-in, the profile and the addresses, keeps the orders', async () => {
    const { email, id, token } = await signUpAndLogin();
    const address = await call<{ id: string }>('addresses.create', validAddress(), token);
    await call('addresses.create', validAddress({ city: 'Paris', country: 'FR' }), token);
    const admin = await h.adminCaller();
    const product = await admin.caller.products.create(validProduct());
    const order = await call<{ id: string }>(
      'orders.create',
      { items: [{ productId: product.id, quantity: 1 }], shippingAddressId: address.data.id },
      token,
    );
    expect(order.status).toBe(200);

    const deleted = await call('users.deleteMe', { password: PASSWORD }, token);
    expect(deleted.data).toEqual({ ok: true });

    expect((await login(email)).error?.data.code).toBe('UNAUTHORIZED');
    expect(await h.deps.services.users.store.get(id, { consistent: true })).toBeUndefined();
    const addresses = await h.db.services.repos.addresses.scan({ limit: 100 });
    expect(addresses.items.filter((a) => a.userId === id)).toEqual([]);
    const marker = await h.db.doc.send(
      new GetCommand({ TableName: h.db.tables.Addresses, Key: { id: `default#${id}` } }),
    );
    expect(marker.Item).toBeUndefined();
    expect(await h.db.services.repos.orders.get(order.data.id)).toMatchObject({ userId: id });
    // The still-unexpired token is refused, and brings no profile back.
    expect((await call('users.me', undefined, token)).error?.data.code).toBe('UNAUTHORIZED');
    expect(await h.deps.services.users.store.get(id, { consistent: true })).toBeUndefined();

    const again = await signUpAndLogin(email);
    expect(again.id).not.toBe(id);
    expect((await call<{ id: string }>('users.me', undefined, again.token)).data.id).toBe(again.id);
  });

  it('leaves no profile behind when the same account calls users.me while it is being deleted', async () => {
    const { id, token } = await signUpAndLogin();
    let racing: Answer | undefined;
    inDeletionWindow = async () => (racing = await call('users.me', undefined, token));
    try {
      expect((await call('users.deleteMe', { password: PASSWORD }, token)).data).toEqual({
        ok: true,
      });
    } finally {
      inDeletionWindow = undefined;
    }
    // Inside the window (profile gone, pool account not yet) the racing call is refused already.
    expect(racing?.error?.data.code).toBe('UNAUTHORIZED');
    expect(await h.deps.services.users.store.get(id, { consistent: true })).toBeUndefined();
  });

  it('refuses a wrong password as BAD_REQUEST and deletes nothing', async () => {
    const { email, id, token } = await signUpAndLogin();
    await call('addresses.create', validAddress(), token);
    const refused = await call('users.deleteMe', { password: 'Wr0ng-horse!' }, token);
    expect(refused.error?.data.code).toBe('BAD_REQUEST');
    expect((await login(email)).status).toBe(200);
    expect(await h.deps.services.users.store.get(id)).toBeDefined();
    expect((await call<unknown[]>('addresses.list', undefined, token)).data).toHaveLength(1);
  });
});

describe('users.adminList and users.setAdmin', () => {
  it('pages through every profile with the right isAdmin, for admins only', async () => {
    const admin = await signUpAndLogin();
    const adminToken = await makeAdmin(admin.email);
    const shopper = await signUpAndLogin();
    expect((await call('users.adminList', {}, shopper.token)).error?.data.code).toBe('FORBIDDEN');

    const seen: { id: string; isAdmin: boolean }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await call<{
        items: { id: string; isAdmin: boolean; email: string }[];
        nextCursor: string | null;
      }>('users.adminList', { limit: 2, cursor }, adminToken);
      expect(page.status).toBe(200);
      expect(page.data.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.items);
      cursor = page.data.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(new Set(seen.map((u) => u.id)).size).toBe(seen.length);
    expect(seen.find((u) => u.id === admin.id)?.isAdmin).toBe(true);
    expect(seen.find((u) => u.id === shopper.id)?.isAdmin).toBe(false);

    const defaults = await call<{ items: unknown[] }>('users.adminList', undefined, adminToken);
    expect(defaults.data.items.length).toBe(Math.min(seen.length, 20));
    const tooMany = await call('users.adminList', { limit: 101 }, adminToken);
    expect(tooMany.error?.data.code).toBe('BAD_REQUEST');
  });

  it('promotes a user: tokens issued afterwards carry the group; demotes again', async () => {
    const admin = await signUpAndLogin();
    const adminToken = await makeAdmin(admin.email);
    const other = await signUpAndLogin();

    const promoted = await call<{ id: string; isAdmin: boolean }>(
      'users.setAdmin',
      { id: other.id, isAdmin: true },
      adminToken,
    );
    expect(promoted.data).toMatchObject({ id: other.id, isAdmin: true, email: other.email });
    expect(claims(other.token)['cognito:groups']).toBeUndefined(); // the old token is unchanged
    const fresh = (await login(other.email)).data.accessToken;
    expect(claims(fresh)['cognito:groups']).toEqual(['admin']);
    expect((await call('users.adminList', {}, fresh)).status).toBe(200);

    const demoted = await call('users.setAdmin', { id: other.id, isAdmin: false }, adminToken);
    expect(demoted.data).toMatchObject({ isAdmin: false });
    const after = (await login(other.email)).data.accessToken;
    expect(claims(after)['cognito:groups'] ?? []).toEqual([]);
  });

  it('refuses self-demotion (CONFLICT), unknown ids (NOT_FOUND) and non-admins (FORBIDDEN)', async () => {
    const admin = await signUpAndLogin();
    const adminToken = await makeAdmin(admin.email);
    const self = await call('users.setAdmin', { id: admin.id, isAdmin: false }, adminToken);
    expect(self.error?.data.code).toBe('CONFLICT');
    expect(claims((await login(admin.email)).data.accessToken)['cognito:groups']).toEqual([
      'admin',
    ]);
    const unknown = await call('users.setAdmin', { id: randomUUID(), isAdmin: true }, adminToken);
    expect(unknown.error?.data.code).toBe('NOT_FOUND');
    const shopper = await signUpAndLogin();
    const forbidden = await call(
      'users.setAdmin',
      { id: shopper.id, isAdmin: true },
      shopper.token,
    );
    expect(forbidden.error?.data.code).toBe('FORBIDDEN');
  });
});

describe('an account created outside users.signUp', () => {
  it('gets its profile on the first users.me (AdminCreateUser, no trigger ran)', async () => {
    const email = newEmail();
    const sub = await poolOnlyAccount(email, { given: 'Grace', family: 'Hopper' });
    const { accessToken } = (await login(email)).data;
    expect(await h.deps.services.users.store.get(sub!)).toBeUndefined();

    const me = await call('users.me', undefined, accessToken);
    expect(me.data).toMatchObject({ id: sub, email, firstName: 'Grace', lastName: 'Hopper' });
    expect(await call('users.me', undefined, accessToken)).toEqual(me);
    const updated = await call('users.updateMe', { lastName: 'Murray Hopper' }, accessToken);
    expect(updated.data).toMatchObject({ id: sub, lastName: 'Murray Hopper' });
  });

  it('also on a first users.updateMe, with names made up when Cognito has none', async () => {
    const email = newEmail();
    await poolOnlyAccount(email);
    const { accessToken } = (await login(email)).data;
    const updated = await call('users.updateMe', { firstName: 'Katherine' }, accessToken);
    expect(updated.data).toMatchObject({ email, firstName: 'Katherine', lastName: '-' });
  });
});

describe('a sign-up that finds its email taken', () => {
  const signUp = (email: string, password = PASSWORD) =>
    call<{ user: { id: string; firstName: string }; needsConfirmation: boolean }>('users.signUp', {
      email,
      password,
      firstName: 'Eve',
      lastName: 'Copy',
    });

  it('finishes an account without a profile when the password opens it, once', async () => {
    const email = newEmail();
    const sub = await poolOnlyAccount(email, { given: 'Grace', family: 'Hopper' });

    // A wrong password learns only what any taken email tells, and writes nothing.
    const wrong = await signUp(email, NEW_PASSWORD);
    expect(wrong.error).toMatchObject({
      message: 'Email already registered',
      data: { code: 'CONFLICT' },
    });
    expect(await h.deps.services.users.store.get(sub!)).toBeUndefined();

    // The account's own names, not the ones presented now.
    const finished = await signUp(email);
    expect(finished.status).toBe(200);
    expect(finished.data).toMatchObject({
      user: { id: sub, email, firstName: 'Grace' },
      needsConfirmation: false,
    });
    expect(await h.deps.services.users.store.get(sub!)).toEqual(finished.data.user);

    // Now it is a finished sign-up: taken, whatever the password.
    const again = await signUp(email);
    expect(again.error).toMatchObject({
      message: 'Email already registered',
      data: { code: 'CONFLICT' },
    });
  });

  it('confirms an unconfirmed account on an auto-confirming stage only with its password', async () => {
    const email = newEmail();
    const unconfirmed = localIdentity(false);
    const { sub } = await unconfirmed.signUp({
      email,
      password: PASSWORD,
      firstName: 'Ada',
      lastName: 'Lovelace',
    });

    expect((await signUp(email, NEW_PASSWORD)).error?.data.code).toBe('CONFLICT');
    expect((await login(email)).status).toBe(401);

    const finished = await signUp(email);
    expect(finished.data).toMatchObject({
      user: { id: sub, firstName: 'Ada' },
      needsConfirmation: false,
    });
    expect((await login(email)).status).toBe(200);
  });
});

/**
 * Issue 18: authority follows the account, not the token. Each case asserts the refusal and that
 * nothing was written. cognito-local differs from Cognito in three ways, covered as noted:
 * - it has no `AdminUserGlobalSignOut`: refresh tokens of ended sessions are refused by
 *   `users.refresh` itself (the account state), which is what these tests check;
 * - its access tokens carry no `origin_jti` and reset `auth_time` on every refresh: tokens shaped
 *   like Cognito's (the same token re-signed with cognito-local's published key, with
 *   `origin_jti` and the sign-in's `auth_time`) check that a session's refreshed tokens end too.
 */
describe('authority follows the account', () => {
  /** `token` with some claims changed, validly signed (cognito-local's key is public). */
  const reshaped = (token: string, changes: Record<string, unknown>) => {
    const { header, payload } = decodeJwt(token);
    return signJwt({ ...payload, ...changes }, cognitoLocalKey(), header);
  };
  /** Every row of a table (bookkeeping rows included), read straight, strongly consistent. */
  const rows = async (table: string) => {
    const all: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await h.db.doc.send(
        new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }),
      );
      all.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return all;
  };
  const productsNamed = async (name: string) =>
    (await rows(h.db.tables.Products)).filter((p) => p.name === name);
  const addressesOf = async (userId: string) =>
    (await rows(h.db.tables.Addresses)).filter((a) => a.userId === userId);
  const ordersOf = async (userId: string) =>
    (await rows(h.db.tables.Orders)).filter((o) => o.userId === userId);

  it('case 1: a demoted admin is refused every admin call at once, and writes nothing', async () => {
    const admin = await signUpAndLogin();
    const adminToken = await makeAdmin(admin.email);
    const eve = await signUpAndLogin();
    await call('users.setAdmin', { id: eve.id, isAdmin: true }, adminToken);
    const e = (await login(eve.email)).data.accessToken;
    expect(claims(e)['cognito:groups']).toEqual(['admin']);
    expect((await call('orders.adminList', {}, e)).status).toBe(200);

    const demoted = await call('users.setAdmin', { id: eve.id, isAdmin: false }, adminToken);
    expect(demoted.status).toBe(200);
    const name = `Eve's ${randomUUID()}`;
    const attempts = [
      await call('users.setAdmin', { id: eve.id, isAdmin: true }, e),
      await call('users.adminList', {}, e),
      await call('orders.adminList', {}, e),
      await call('products.create', validProduct({ name }), e),
    ];
    expect(attempts.map((a) => a.error?.data.code)).toEqual(Array(4).fill('FORBIDDEN'));
    expect(await productsNamed(name)).toEqual([]);
    // Still demoted, in the row and in the group; the admin's own session is untouched.
    expect(claims((await login(eve.email)).data.accessToken)['cognito:groups'] ?? []).toEqual([]);
    expect((await call('orders.adminList', {}, e)).error?.data.code).toBe('FORBIDDEN');
    expect((await call('orders.adminList', {}, adminToken)).status).toBe(200);
    // Eve is still a shopper.
    expect((await call('users.me', undefined, e)).status).toBe(200);
  });

  it('case 1: a promotion works at once for a token issued before it', async () => {
    const admin = await signUpAndLogin();
    const adminToken = await makeAdmin(admin.email);
    const bob = await signUpAndLogin();
    expect((await call('orders.adminList', {}, bob.token)).error?.data.code).toBe('FORBIDDEN');
    await call('users.setAdmin', { id: bob.id, isAdmin: true }, adminToken);
    expect((await call('orders.adminList', {}, bob.token)).status).toBe(200);
    const created = await call<{ id: string }>('products.create', validProduct(), bob.token);
    expect(created.status).toBe(200);
    expect((await call('users.adminList', {}, adminToken)).status).toBe(200);
  });

  it('case 2: after users.deleteMe the old token reads nothing and writes nothing', async () => {
    const admin = await h.adminCaller();
    const product = await admin.caller.products.create(validProduct({ stock: 999 }));
    const { id, token } = await signUpAndLogin();
    const address = await call<{ id: string }>('addresses.create', validAddress(), token);
    const order = await call<{ id: string }>(
      'orders.create',
      { items: [{ productId: product.id, quantity: 1 }], shippingAddressId: address.data.id },
      token,
    );
    expect(order.status).toBe(200);
    expect((await call('users.deleteMe', { password: PASSWORD }, token)).status).toBe(200);

    const attempts = [
      await call('addresses.create', validAddress(), token),
      await call('addresses.update', { id: address.data.id, city: 'Oslo' }, token),
      await call(
        'orders.create',
        { items: [{ productId: product.id, quantity: 1 }], shippingAddressId: address.data.id },
        token,
      ),
      await call('orders.cancel', { id: order.data.id }, token),
      await call('users.updateMe', { firstName: 'Ghost' }, token),
      await call('addresses.list', undefined, token),
      await call('orders.list', {}, token),
      await call('orders.byId', { id: order.data.id }, token),
      await call('users.me', undefined, token),
      await call('users.deleteMe', { password: PASSWORD }, token),
    ];
    expect(attempts.map((a) => a.error?.data.code)).toEqual(Array(10).fill('UNAUTHORIZED'));
    expect(await addressesOf(id)).toEqual([]);
    expect(await ordersOf(id)).toMatchObject([{ id: order.data.id, status: 'PENDING' }]);
    expect((await admin.caller.products.byId({ id: product.id })).stock).toBe(998);
    expect(await h.deps.services.users.store.get(id, { consistent: true })).toBeUndefined();
  });

  it('case 2: a write racing the deletion fails inside its own transaction', async () => {
    const admin = await h.adminCaller();
    const product = await admin.caller.products.create(validProduct({ stock: 999 }));
    const { id, token } = await signUpAndLogin();
    const address = await call<{ id: string }>('addresses.create', validAddress(), token);
    const verified = await createTokenVerifier({
      region: 'us-east-1',
      userPoolId: inject('userPoolId'),
      clientId: inject('clientId'),
      stage: 'local',
      isLocal: true,
      cognitoEndpoint: inject('cognitoEndpoint'),
    }).verify(token);
    // The deletion lands between the call's account check and its write: the services are called
    // straight, past the API's check, so only the transaction's own condition can stop them.
    await h.deps.services.accounts.markDeleted(id, new Date().toISOString());
    const racer = { id, isAdmin: false, session: verified.session };
    await expect(
      h.deps.services.orders.create(racer, {
        items: [{ productId: product.id, quantity: 2 }],
        shippingAddressId: address.data.id,
      }),
    ).rejects.toThrow('Invalid or expired token');
    // A recipient given, so nothing stops the write before its transaction's account condition.
    const named = validAddress({ recipientName: 'Ghost' });
    await expect(h.deps.services.addresses.create(racer, named)).rejects.toThrow(
      'Invalid or expired token',
    );
    await expect(h.deps.services.users.updateMe(racer, { firstName: 'Ghost' })).rejects.toThrow();
    expect((await admin.caller.products.byId({ id: product.id })).stock).toBe(999);
    expect(await ordersOf(id)).toEqual([]);
    expect((await addressesOf(id)).map((a) => a.id)).toEqual([address.data.id]);
  });

  it('case 3: a password change ends every other session, refresh and access tokens', async () => {
    const { email, token } = await signUpAndLogin();
    const other = (await login(email)).data;
    const changed = await call<Tokens>(
      'users.changePassword',
      { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
      token,
    );
    expect(changed.status).toBe(200);
    expect((await call('users.me', undefined, other.accessToken)).error?.data.code).toBe(
      'UNAUTHORIZED',
    );
    const refreshed = await call('users.refresh', { refreshToken: other.refreshToken });
    expect(refreshed.error?.data.code).toBe('UNAUTHORIZED');
    expect((await call('addresses.create', validAddress(), other.accessToken)).status).toBe(401);
    // Cognito's shape: a token refreshed from that old sign-in (new iat, old auth_time) ends too.
    const signedInAt = claims(other.accessToken).auth_time as number;
    const refreshedLikeCognito = reshaped(other.accessToken, {
      origin_jti: randomUUID(),
      iat: signedInAt + 5,
      auth_time: signedInAt,
    });
    expect((await call('users.me', undefined, refreshedLikeCognito)).status).toBe(401);
    // The caller's new session works, and so does a new sign-in.
    expect((await call('users.me', undefined, changed.data.accessToken)).status).toBe(200);
    expect(
      (await call('users.me', undefined, (await login(email, NEW_PASSWORD)).data.accessToken))
        .status,
    ).toBe(200);
  });

  it('case 3: a password reset ends every session; a sign-in right after it works', async () => {
    const { email, id, token } = await signUpAndLogin();
    const other = (await login(email)).data;
    await call('users.forgotPassword', { email });
    const reset = await call('users.confirmForgotPassword', {
      email,
      code: sentCode(email),
      newPassword: NEW_PASSWORD,
    });
    expect(reset.data).toEqual({ ok: true });
    for (const old of [token, other.accessToken]) {
      expect((await call('users.me', undefined, old)).error?.data.code).toBe('UNAUTHORIZED');
      expect((await call('addresses.create', validAddress(), old)).status).toBe(401);
    }
    expect((await call('users.refresh', { refreshToken: other.refreshToken })).status).toBe(401);
    expect(await addressesOf(id)).toEqual([]);
    const fresh = (await login(email, NEW_PASSWORD)).data;
    expect((await call('users.me', undefined, fresh.accessToken)).status).toBe(200);
    expect((await call('users.refresh', { refreshToken: fresh.refreshToken })).status).toBe(200);
  });

  it('case 3: logout ends that session: its access tokens are refused too, others stay', async () => {
    const { email, id } = await signUpAndLogin();
    const session = (await login(email)).data;
    const other = (await login(email)).data;
    const out = await call(
      'users.logout',
      { refreshToken: session.refreshToken },
      session.accessToken,
    );
    expect(out.data).toEqual({ ok: true });
    expect((await call('users.me', undefined, session.accessToken)).status).toBe(401);
    expect((await call('addresses.create', validAddress(), session.accessToken)).status).toBe(401);
    expect((await call('users.refresh', { refreshToken: session.refreshToken })).status).toBe(401);
    expect(await addressesOf(id)).toEqual([]);
    expect((await call('users.me', undefined, other.accessToken)).status).toBe(200);

    // Cognito's shape: every access token of a session shares its `origin_jti`; logging out with
    // one ends the others (refreshed earlier) as well.
    const origin = randomUUID();
    const first = reshaped(other.accessToken, { origin_jti: origin });
    const second = reshaped(other.accessToken, { origin_jti: origin, jti: randomUUID() });
    expect((await call('users.me', undefined, second)).status).toBe(200);
    await call('users.logout', { refreshToken: other.refreshToken }, first);
    expect((await call('users.me', undefined, second)).status).toBe(401);
  });
});
