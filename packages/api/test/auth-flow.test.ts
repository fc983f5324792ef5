import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createCognitoIdentityProvider, createServices, type IdentityProvider } from '@shop/core';
import { TEST_CURSOR_SECRET } from '@shop/testing/vitest';
import { createHandler } from '../src/app.ts';
import { createTokenVerifier } from '../src/auth.ts';
import { createHarness, validProduct, type Harness } from './support/harness.ts';
import { jsonEvent, lambdaContext } from '@shop/testing';

let h: Harness;
let handler: ReturnType<typeof createHandler>;
let identity: IdentityProvider;

const cognitoConfig = () => ({
  region: 'us-east-1',
  endpoint: inject('cognitoEndpoint'),
  userPoolId: inject('userPoolId'),
  clientId: inject('clientId'),
});

beforeAll(async () => {
  identity = createCognitoIdentityProvider({ ...cognitoConfig(), autoConfirm: true });
  h = await createHarness({ identity });
  const { endpoint, ...rest } = cognitoConfig();
  const verifier = createTokenVerifier({
    ...rest,
    stage: 'local',
    isLocal: true,
    cognitoEndpoint: endpoint,
  });
  handler = createHandler(
    { ...h.deps, verifier },
    { error: () => undefined, info: () => undefined },
  );
});

interface Answer {
  status: number;
  data: unknown;
  error:
    { message: string; data: { code: string; validation?: { path: unknown[] }[] } } | undefined;
}

/** Calls a procedure over the Lambda handler, as a client would. */
async function call(path: string, input?: unknown, token?: string): Promise<Answer> {
  const query = path.endsWith('.me') || path.endsWith('.byId') || path.endsWith('.list');
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const event = query
    ? jsonEvent({
        method: 'GET',
        path: `/${path}`,
        headers,
        ...(input === undefined ? {} : { query: { input: JSON.stringify(input) } }),
      })
    : jsonEvent({
        method: 'POST',
        path: `/${path}`,
        headers,
        body: JSON.stringify(input ?? {}),
      });
  const result = await handler(event, lambdaContext());
  const body = JSON.parse(result.body ?? '{}') as {
    result?: { data: unknown };
    error?: Answer['error'];
  };
  return { status: result.statusCode ?? 0, data: body.result?.data, error: body.error };
}

const PASSWORD = 'Corr3ct-horse!';
const newEmail = () => `Shopper.${randomUUID().slice(0, 8)}@Example.com`;

async function signUpAndLogin(email = newEmail()) {
  const signUp = await call('users.signUp', {
    email,
    password: PASSWORD,
    firstName: 'Ada',
    lastName: 'Lovelace',
  });
  expect(signUp.status).toBe(200);
  const login = await call('users.login', { email, password: PASSWORD });
  expect(login.status).toBe(200);
  return {
    email,
    user: (signUp.data as { user: { id: string } }).user,
    tokens: login.data as { accessToken: string; refreshToken: string; idToken: string },
  };
}

describe('sign-up and login through Cognito', () => {
  it('signs up, logs in and reads the profile with the access token', async () => {
    const email = newEmail();
    const signUp = await call('users.signUp', {
      email,
      password: PASSWORD,
      firstName: 'Ada',
      lastName: 'Lovelace',
    });
    expect(signUp.data).toMatchObject({
      user: { email: email.toLowerCase(), firstName: 'Ada', lastName: 'Lovelace' },
      needsConfirmation: false,
    });
    const login = await call('users.login', { email, password: PASSWORD });
    expect(login.data).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: expect.any(Number) as number,
    });
    const { accessToken } = login.data as { accessToken: string };
    const me = await call('users.me', undefined, accessToken);
    expect(me.data).toEqual((signUp.data as { user: unknown }).user);
    expect(JSON.stringify(me.data)).not.toMatch(/password|token/i);
  });

  it('stores the profile under the Cognito sub', async () => {
    const { user, tokens } = await signUpAndLogin();
    const payload = JSON.parse(
      Buffer.from(tokens.accessToken.split('.')[1]!, 'base64url').toString(),
    ) as {
      sub: string;
    };
    expect(user.id).toBe(payload.sub);
  });

  it('refuses a second sign-up with the same email as CONFLICT, whatever its case', async () => {
    const { email } = await signUpAndLogin();
    const again = await call('users.signUp', {
      email: email.toUpperCase(),
      password: PASSWORD,
      firstName: 'Eve',
      lastName: 'Copy',
    });
    expect(again.error?.data.code).toBe('CONFLICT');
    expect(again.error?.message).toBe('Email already registered');
  });

  it('names the failed password rule as BAD_REQUEST and creates no account', async () => {
    const email = newEmail();
    const weak = await call('users.signUp', {
      email,
      password: 'alllowercase1!',
      firstName: 'A',
      lastName: 'B',
    });
    expect(weak.error?.data.code).toBe('BAD_REQUEST');
    expect(weak.error?.data.validation).toEqual([
      expect.objectContaining({
        path: ['password'],
        message: 'Password must contain an upper-case letter',
      }),
    ]);
    const login = await call('users.login', { email, password: 'alllowercase1!' });
    expect(login.error?.data.code).toBe('UNAUTHORIZED');
  });

  it('gives the same UNAUTHORIZED answer for a wrong password and an unknown email', async () => {
    const { email } = await signUpAndLogin();
    const wrongPassword = await call('users.login', { email, password: 'Wr0ng-password!' });
    const unknownEmail = await call('users.login', {
      email: newEmail(),
      password: 'Wr0ng-password!',
    });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(wrongPassword.error).toEqual(unknownEmail.error);
  });

  it('refreshes to a working access token', async () => {
    const { tokens } = await signUpAndLogin();
    const refreshed = await call('users.refresh', { refreshToken: tokens.refreshToken });
    expect(refreshed.data).not.toHaveProperty('refreshToken');
    const { accessToken } = refreshed.data as { accessToken: string };
    expect((await call('users.me', undefined, accessToken)).status).toBe(200);
  });

  it('makes the refresh token stop working after logout', async () => {
    const { tokens } = await signUpAndLogin();
    const logout = await call(
      'users.logout',
      { refreshToken: tokens.refreshToken },
      tokens.accessToken,
    );
    expect(logout.data).toEqual({ ok: true });
    const refreshed = await call('users.refresh', { refreshToken: tokens.refreshToken });
    expect(refreshed.error?.data.code).toBe('UNAUTHORIZED');
  });

  it('refuses a garbage refresh token as UNAUTHORIZED', async () => {
    const refreshed = await call('users.refresh', { refreshToken: 'not-a-token' });
    expect(refreshed.error?.data.code).toBe('UNAUTHORIZED');
  });

  it('needs a signed-in user to log out', async () => {
    const logout = await call('users.logout', { refreshToken: 'whatever' });
    expect(logout.error?.data.code).toBe('UNAUTHORIZED');
  });

  it('lets an admin-group user through admin procedures and refuses a plain user', async () => {
    const shopper = await signUpAndLogin();
    const admin = await signUpAndLogin();
    const cognito = new CognitoIdentityProviderClient({
      region: 'us-east-1',
      endpoint: inject('cognitoEndpoint'),
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await cognito.send(
      new AdminAddUserToGroupCommand({
        UserPoolId: inject('userPoolId'),
        Username: admin.email.toLowerCase(),
        GroupName: 'admin',
      }),
    );
    cognito.destroy();
    // Group membership is read from a token issued after joining.
    const adminTokens = (await call('users.login', { email: admin.email, password: PASSWORD }))
      .data as { accessToken: string };

    const product = validProduct();
    const refused = await call('products.create', product, shopper.tokens.accessToken);
    expect(refused.error?.data.code).toBe('FORBIDDEN');
    const created = await call('products.create', product, adminTokens.accessToken);
    expect(created.data).toMatchObject({ name: product.name });
    const otherProfile = await call('users.byId', { id: shopper.user.id }, adminTokens.accessToken);
    expect(otherProfile.data).toMatchObject({ id: shopper.user.id });
  });

  it('does not accept an ID token where an access token is required', async () => {
    const { tokens } = await signUpAndLogin();
    const me = await call('users.me', undefined, tokens.idToken);
    expect(me.error?.data.code).toBe('UNAUTHORIZED');
    expect(me.error?.message).toBe('Invalid or expired token');
  });
});

describe('a sign-up whose profile write fails', () => {
  it('removes the Cognito account again, so the same sign-up can be retried', async () => {
    const email = newEmail();
    const input = { email, password: PASSWORD, firstName: 'Retry', lastName: 'Me' };
    const users = h.deps.services.users;
    const create = users.store.create.bind(users.store);
    users.store.create = () => Promise.reject(new Error('DynamoDB is down'));
    try {
      await expect(users.signUp(input)).rejects.toThrow('DynamoDB is down');
    } finally {
      users.store.create = create;
    }
    const retried = await call('users.signUp', input);
    expect(retried.status).toBe(200);
    expect((await call('users.login', { email, password: PASSWORD })).status).toBe(200);
  });
});

describe('sign-up outside the local stage', () => {
  it('needs the emailed confirmation code before the first login', async () => {
    const confirming = createCognitoIdentityProvider({ ...cognitoConfig(), autoConfirm: false });
    const { endpoint, ...rest } = cognitoConfig();
    const staged = createHandler(
      {
        ...h.deps,
        // The same tables, with a pool client that does not auto-confirm.
        services: createServices({
          doc: h.db.doc,
          tables: h.db.tables,
          cursorSecret: TEST_CURSOR_SECRET,
          identity: confirming,
        }),
        verifier: createTokenVerifier({
          ...rest,
          stage: 'local',
          isLocal: true,
          cognitoEndpoint: endpoint,
        }),
      },
      { error: () => undefined, info: () => undefined },
    );
    const post = async (path: string, input: unknown) => {
      const result = await staged(
        jsonEvent({ method: 'POST', path: `/${path}`, body: JSON.stringify(input) }),
        lambdaContext(),
      );
      return JSON.parse(result.body ?? '{}') as {
        result?: { data: unknown };
        error?: Answer['error'];
      };
    };

    const email = newEmail().toLowerCase();
    const signUp = await post('users.signUp', {
      email,
      password: PASSWORD,
      firstName: 'C',
      lastName: 'F',
    });
    expect(signUp.result?.data).toMatchObject({ needsConfirmation: true });
    // Unconfirmed looks like any failed login: nothing tells an attacker the account exists.
    const early = await post('users.login', { email, password: PASSWORD });
    expect(early.error?.data.code).toBe('UNAUTHORIZED');
    expect(early.error?.message).toBe('Incorrect email or password');

    const wrong = await post('users.confirmSignUp', { email, code: '000000' });
    expect(wrong.error?.data.code).toBe('BAD_REQUEST');

    // cognito-local keeps the code it "emailed" in its data file.
    const db = JSON.parse(
      readFileSync(
        join(inject('cognitoDataDir'), '.cognito/db', `${inject('userPoolId')}.json`),
        'utf8',
      ),
    ) as {
      Users: Record<
        string,
        { Attributes: { Name: string; Value: string }[]; ConfirmationCode?: string }
      >;
    };
    const user = Object.values(db.Users).find((u) =>
      u.Attributes.some((a) => a.Name === 'email' && a.Value === email),
    );
    expect(user?.ConfirmationCode).toBeTruthy();
    const confirmed = await post('users.confirmSignUp', { email, code: user!.ConfirmationCode });
    expect(confirmed.result?.data).toEqual({ confirmed: true });
    expect((await post('users.login', { email, password: PASSWORD })).result?.data).toMatchObject({
      tokenType: 'Bearer',
    });
  });
});
