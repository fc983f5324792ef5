import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCognitoIdentityProvider, LOCAL_CREDENTIALS } from '@shop/core';
import { jsonEvent, lambdaContext, storedCognitoCode } from '@shop/testing';
import { createHandler } from '../src/app.ts';
import { createTokenVerifier } from '../src/auth.ts';
import { createHarness, validAddress, validProduct, type Harness } from './support/harness.ts';

/**
 * The account procedures over the Lambda handler, with real cognito-local tokens and a fresh set
 * of DynamoDB Local tables (so `users.adminList` sees only this file's profiles).
 */
let h: Harness;
let handler: ReturnType<typeof createHandler>;
let cognito: CognitoIdentityProviderClient;
/** Runs inside `users.deleteMe`, just before the pool account is deleted (a racing request). */
let inDeletionWindow: (() => Promise<unknown>) | undefined;

beforeAll(async () => {
  const pool = {
    region: 'us-east-1',
    userPoolId: inject('userPoolId'),
    clientId: inject('clientId'),
  };
  const identity = createCognitoIdentityProvider({
    ...pool,
    endpoint: inject('cognitoEndpoint'),
    autoConfirm: true,
  });
  h = await createHarness({
    identity: {
      ...identity,
      deleteUser: async (username) => {
        await inDeletionWindow?.();
        return identity.deleteUser(username);
      },
    },
  });
  const verifier = createTokenVerifier({
    ...pool,
    stage: 'local',
    isLocal: true,
    cognitoEndpoint: inject('cognitoEndpoint'),
  });
  handler = createHandler(
    { ...h.deps, verifier },
    { error: () => undefined, info: () => undefined },
  );
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

const QUERIES = new Set(['users.me', 'users.adminList', 'users.byId', 'addresses.list']);

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
    expect(changed.data).toEqual({ ok: true });
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
    // The still-unexpired token finds no profile, and does not bring one back.
    expect((await call('users.me', undefined, token)).error?.data.code).toBe('NOT_FOUND');

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
    expect(racing?.status).toBe(200); // inside the window the racing call recreated the profile
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
    const created = await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: inject('userPoolId'),
        Username: email,
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'given_name', Value: 'Grace' },
          { Name: 'family_name', Value: 'Hopper' },
        ],
        MessageAction: 'SUPPRESS',
      }),
    );
    const sub = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: inject('userPoolId'),
        Username: email,
        Password: PASSWORD,
        Permanent: true,
      }),
    );
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
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: inject('userPoolId'),
        Username: email,
        UserAttributes: [{ Name: 'email', Value: email }],
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
    const created = await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: inject('userPoolId'),
        Username: email,
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'given_name', Value: 'Grace' },
          { Name: 'family_name', Value: 'Hopper' },
        ],
        MessageAction: 'SUPPRESS',
      }),
    );
    const sub = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: inject('userPoolId'),
        Username: email,
        Password: PASSWORD,
        Permanent: true,
      }),
    );

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
    const unconfirmed = createCognitoIdentityProvider({
      region: 'us-east-1',
      endpoint: inject('cognitoEndpoint'),
      userPoolId: inject('userPoolId'),
      clientId: inject('clientId'),
      autoConfirm: false,
    });
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
