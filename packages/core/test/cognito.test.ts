import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { storedCognitoCode } from '@shop/testing';
import { localIdentity } from '@shop/testing/vitest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  AuthenticationError,
  ConflictError,
  NotFoundError,
  ThrottledError,
  ValidationError,
} from '../src/errors.ts';
import type { IdentityProvider } from '../src/users/identity.ts';

const PASSWORD = 'Corr3ct-horse!';
const newEmail = () => `core-${randomUUID().slice(0, 12)}@example.com`;
const person = (email: string) => ({ email, password: PASSWORD, firstName: 'Ada', lastName: 'L' });

const provider = localIdentity;

const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;

/** The error a promise rejects with; fails the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection, but it resolved');
}

const confirmationCode = (email: string) =>
  storedCognitoCode(inject('cognitoDataDir'), inject('userPoolId'), email);

describe('the Cognito identity provider against cognito-local', () => {
  let identity: IdentityProvider;
  beforeAll(() => {
    identity = provider(true);
  });

  it('signs up a confirmed user who logs in at once and gets Bearer tokens', async () => {
    const email = newEmail();
    const { sub, confirmed } = await identity.signUp(person(email));
    expect(confirmed).toBe(true);

    const tokens = await identity.login(email, PASSWORD);
    expect(tokens.tokenType).toBe('Bearer');
    expect(claims(tokens.accessToken)).toMatchObject({ sub, token_use: 'access' });
    expect(claims(tokens.idToken)).toMatchObject({ sub, token_use: 'id', email });
    expect(tokens.refreshToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it("reports the access token's real lifetime as expiresIn", async () => {
    const email = newEmail();
    await identity.signUp(person(email));
    const tokens = await identity.login(email, PASSWORD);
    const { exp, iat } = claims(tokens.accessToken) as { exp: number; iat: number };
    // cognito-local sends no ExpiresIn; its tokens live 24 h, not the 1 h a guess would say.
    expect(tokens.expiresIn).toBe(exp - iat);
  });

  it('refreshes to a new access token for the same user, without a new refresh token', async () => {
    const email = newEmail();
    const { sub } = await identity.signUp(person(email));
    const tokens = await identity.login(email, PASSWORD);

    const refreshed = await identity.refresh(tokens.refreshToken);
    expect(refreshed).not.toHaveProperty('refreshToken');
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(claims(refreshed.accessToken)).toMatchObject({ sub, token_use: 'access' });
  });

  it('makes the refresh token fail after logout, and only that session', async () => {
    const email = newEmail();
    await identity.signUp(person(email));
    const first = await identity.login(email, PASSWORD);
    const second = await identity.login(email, PASSWORD);
    await identity.refresh(first.refreshToken);

    await identity.logout(first.refreshToken);

    const error = await rejection(identity.refresh(first.refreshToken));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toBe('Invalid refresh token');
    await expect(identity.refresh(second.refreshToken)).resolves.toHaveProperty('accessToken');
  });

  it('refuses a refresh token that was never issued, for refresh and for logout', async () => {
    for (const attempt of [identity.refresh('not-a-token'), identity.logout('not-a-token')]) {
      const error = await rejection(attempt);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error.message).toBe('Invalid refresh token');
    }
  });

  it('refuses a second sign-up with the same email as a conflict', async () => {
    const email = newEmail();
    await identity.signUp(person(email));
    const error = await rejection(identity.signUp({ ...person(email), firstName: 'Eve' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe('Email already registered');
  });

  it('answers an unknown email and a wrong password with the same error', async () => {
    const email = newEmail();
    await identity.signUp(person(email));
    const wrongPassword = await rejection(identity.login(email, 'Wr0ng-horse!'));
    const unknownEmail = await rejection(identity.login(newEmail(), 'Wr0ng-horse!'));

    expect(wrongPassword).toBeInstanceOf(AuthenticationError);
    expect(unknownEmail.constructor).toBe(wrongPassword.constructor);
    expect(unknownEmail.message).toBe(wrongPassword.message);
    expect(wrongPassword.message).toBe('Incorrect email or password');
    // The right password still works, so the refusals above were about the password.
    await expect(identity.login(email, PASSWORD)).resolves.toHaveProperty('accessToken');
  });

  it('deletes the account so that its login fails, and deleting again is harmless', async () => {
    const email = newEmail();
    await identity.signUp(person(email));
    await identity.login(email, PASSWORD);

    await identity.deleteUser(email);

    const error = await rejection(identity.login(email, PASSWORD));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toBe('Incorrect email or password');
    // A rollback that finds nothing to undo must not mask the error it is rolling back.
    await expect(identity.deleteUser(email)).resolves.toBeUndefined();
    // The email is free again.
    await expect(identity.signUp(person(email))).resolves.toHaveProperty('confirmed', true);
  });

  it('refuses a login that ends in a challenge, like a wrong password', async () => {
    // An admin-created user must set a new password first: a challenge this API does not offer.
    const email = newEmail();
    const admin = new CognitoIdentityProviderClient({
      region: 'us-east-1',
      endpoint: inject('cognitoEndpoint'),
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      await admin.send(
        new AdminCreateUserCommand({
          UserPoolId: inject('userPoolId'),
          Username: email,
          TemporaryPassword: PASSWORD,
          MessageAction: 'SUPPRESS',
        }),
      );
    } finally {
      admin.destroy();
    }
    const error = await rejection(identity.login(email, PASSWORD));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toBe('Incorrect email or password');
  });
});

describe('sign-up without automatic confirmation', () => {
  it('leaves the user unconfirmed and refuses login until the emailed code is given', async () => {
    const identity = provider(false);
    const email = newEmail();
    const { confirmed } = await identity.signUp(person(email));
    expect(confirmed).toBe(false);

    // Unconfirmed looks exactly like a wrong password: nothing says the account exists.
    const early = await rejection(identity.login(email, PASSWORD));
    const wrongPassword = await rejection(identity.login(email, 'Wr0ng-horse!'));
    expect(early).toBeInstanceOf(AuthenticationError);
    expect(early.message).toBe(wrongPassword.message);

    const wrongCode = await rejection(identity.confirmSignUp(email, '000000'));
    expect(wrongCode).toBeInstanceOf(ValidationError);
    expect((wrongCode as ValidationError).path).toEqual(['code']);

    await identity.confirmSignUp(email, confirmationCode(email));
    await expect(identity.login(email, PASSWORD)).resolves.toHaveProperty('tokenType', 'Bearer');
  });

  it('answers a code for an unknown email like a wrong code', async () => {
    const error = await rejection(provider(false).confirmSignUp(newEmail(), '123456'));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).path).toEqual(['code']);
    expect(error.message).toBe('Invalid or expired confirmation code');
  });
});

describe('resuming a sign-up whose email is taken', () => {
  it('opens an unconfirmed account only on auto-confirm and only with its password', async () => {
    const email = newEmail();
    await provider(false).signUp(person(email));

    await expect(provider(false).resumeSignUp(email, 'Wr0ng-horse!')).resolves.toBeUndefined();
    await expect(provider(true).resumeSignUp(email, 'Wr0ng-horse!')).resolves.toBeUndefined();
    // Without auto-confirmation it is not resumed (the emailed code confirms it, and the
    // post-confirmation trigger writes the profile), and it stays unconfirmed.
    await expect(provider(false).resumeSignUp(email, PASSWORD)).resolves.toBeUndefined();
    await expect(provider(false).login(email, PASSWORD)).rejects.toBeInstanceOf(
      AuthenticationError,
    );

    await expect(provider(true).resumeSignUp(email, PASSWORD)).resolves.toEqual({
      confirmed: true,
    });
    await expect(provider(true).login(email, PASSWORD)).resolves.toHaveProperty('tokenType');
  });

  it('opens a confirmed account only with its password, and refuses unknown emails', async () => {
    const identity = provider(true);
    const email = newEmail();
    await identity.signUp(person(email));
    await expect(identity.resumeSignUp(email, 'Wr0ng-horse!')).resolves.toBeUndefined();
    await expect(identity.resumeSignUp(email, PASSWORD)).resolves.toEqual({ confirmed: true });
    await expect(identity.resumeSignUp(newEmail(), PASSWORD)).resolves.toBeUndefined();
  });
});

/**
 * Failures cognito-local never produces (it has no password policy and no throttling), served by
 * a stand-in that speaks Cognito's JSON protocol, so the real SDK parses them.
 */
describe('Cognito failures cognito-local cannot produce', () => {
  let server: Server;
  let endpoint: string;
  const replies = new Map<string, { status: number; type: string }>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const operation = String(req.headers['x-amz-target']).split('.').pop() ?? '';
      const reply = replies.get(operation) ?? { status: 400, type: 'UnexpectedOperation' };
      req.resume();
      res
        .writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.1' })
        .end(JSON.stringify({ __type: reply.type, message: `COGNITO-INTERNAL ${reply.type}` }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
  });

  it("reports a password the pool refuses on the password field, without Cognito's wording", async () => {
    replies.set('SignUp', { status: 400, type: 'InvalidPasswordException' });
    const error = await rejection(provider(true, { endpoint }).signUp(person(newEmail())));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).path).toEqual(['password']);
    expect(error.message).not.toContain('COGNITO-INTERNAL');
  });

  it.each(['TooManyRequestsException', 'LimitExceededException'])(
    'turns %s into a throttling error',
    async (type) => {
      replies.set('InitiateAuth', { status: 400, type });
      const error = await rejection(provider(true, { endpoint }).login(newEmail(), PASSWORD));
      expect(error).toBeInstanceOf(ThrottledError);
      expect(error.message).not.toContain('COGNITO-INTERNAL');
    },
  );

  it.each([
    ['ConfirmForgotPassword', 'ExpiredCodeException', ValidationError, ['code']],
    ['ConfirmForgotPassword', 'CodeMismatchException', ValidationError, ['code']],
    ['ConfirmForgotPassword', 'UserNotFoundException', ValidationError, ['code']],
    ['ConfirmForgotPassword', 'InvalidPasswordException', ValidationError, ['newPassword']],
    ['ConfirmForgotPassword', 'LimitExceededException', ThrottledError, undefined],
    ['ChangePassword', 'NotAuthorizedException', ValidationError, ['currentPassword']],
    ['ChangePassword', 'TooManyRequestsException', ThrottledError, undefined],
    ['ForgotPassword', 'LimitExceededException', ThrottledError, undefined],
  ] as const)(
    'turns %s failing with %s into a domain error',
    async (operation, type, kind, path) => {
      replies.set(operation, { status: 400, type });
      const identity = provider(true, { endpoint });
      const error = await rejection(
        operation === 'ForgotPassword'
          ? identity.forgotPassword(newEmail())
          : operation === 'ChangePassword'
            ? identity.changePassword('token', PASSWORD, 'N3w-horse!')
            : identity.confirmForgotPassword(newEmail(), '123456', 'N3w-horse!'),
      );
      expect(error).toBeInstanceOf(kind);
      if (path) expect((error as ValidationError).path).toEqual(path);
      expect(error.message).not.toContain('COGNITO-INTERNAL');
    },
  );

  it.each(['UserNotFoundException', 'InvalidParameterException', 'NotAuthorizedException'])(
    'answers ForgotPassword failing with %s as if the code was sent',
    async (type) => {
      replies.set('ForgotPassword', { status: 400, type });
      await expect(provider(true, { endpoint }).forgotPassword(newEmail())).resolves.toBe(
        undefined,
      );
    },
  );

  it('reports an unknown user of a group change as not found, and keeps admin failures', async () => {
    replies.set('AdminAddUserToGroup', { status: 400, type: 'UserNotFoundException' });
    const identity = provider(true, { endpoint });
    expect(await rejection(identity.setGroupMembership('x', 'admin', true))).toBeInstanceOf(
      NotFoundError,
    );
    replies.set('AdminGetUser', { status: 400, type: 'NotAuthorizedException' });
    const denied = await rejection(identity.getUser('x'));
    expect(denied.name).toBe('NotAuthorizedException');
    expect(denied).not.toBeInstanceOf(AuthenticationError);
  });

  it('rethrows a failure it has no meaning for, such as a missing user pool', async () => {
    replies.set('InitiateAuth', { status: 400, type: 'ResourceNotFoundException' });
    const error = await rejection(provider(true, { endpoint }).login(newEmail(), PASSWORD));
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error).not.toBeInstanceOf(AuthenticationError);
  });
});
