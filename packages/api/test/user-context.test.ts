import { randomUUID } from 'node:crypto';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { jsonEvent, lambdaContext } from '@shop/testing';
import { viewerContext } from '../src/context.ts';
import { localCognitoHandler, localIdentity } from './support/cognito.ts';
import { createHarness } from './support/harness.ts';

/**
 * The caller's address, as the edge's `cloudfront-viewer-address` carries it, reaches Cognito as
 * `UserContextData` on the unauthenticated calls. The calls really go to cognito-local; `send` is
 * only watched, so each recorded command is one the SDK actually sent.
 */
const PASSWORD = 'Corr3ct-horse!';
const VIEWER = '203.0.113.7';

let handler: ReturnType<typeof localCognitoHandler>;
/** Calls through to cognito-local; only records what was sent. */
const send = vi.spyOn(CognitoIdentityProviderClient.prototype, 'send');

beforeAll(async () => {
  handler = localCognitoHandler((await createHarness({ identity: localIdentity() })).deps);
});

afterAll(() => {
  send.mockRestore();
});

async function call(path: string, input: unknown, viewer?: string) {
  const result = await handler(
    jsonEvent({
      method: 'POST',
      path: `/${path}`,
      headers: viewer ? { 'cloudfront-viewer-address': viewer } : {},
      body: JSON.stringify(input),
    }),
    lambdaContext(),
  );
  return result.statusCode;
}

/** The commands of one call, by name, with their `UserContextData`. */
async function recorded(run: () => Promise<unknown>) {
  send.mockClear();
  await run();
  return send.mock.calls.map(([command]) => {
    const { constructor, input } = command as unknown as {
      constructor: { name: string };
      input: { UserContextData?: unknown };
    };
    return [constructor.name, input.UserContextData] as const;
  });
}

describe("the caller's address reaches Cognito", () => {
  it('on sign-up, sign-in, refresh and both steps of a password reset', async () => {
    const email = `viewer-${randomUUID().slice(0, 8)}@example.com`;
    const context = { IpAddress: VIEWER };
    const address = `${VIEWER}:51234`;

    const signUp = await recorded(() =>
      call('users.signUp', { email, password: PASSWORD, firstName: 'Ada', lastName: 'L' }, address),
    );
    expect(signUp).toContainEqual(['SignUpCommand', context]);

    let refreshToken = '';
    const login = await recorded(async () => {
      const result = await handler(
        jsonEvent({
          method: 'POST',
          path: '/users.login',
          headers: { 'cloudfront-viewer-address': address },
          body: JSON.stringify({ email, password: PASSWORD }),
        }),
        lambdaContext(),
      );
      expect(result.statusCode).toBe(200);
      refreshToken = (
        JSON.parse(result.body ?? '{}') as { result: { data: { refreshToken: string } } }
      ).result.data.refreshToken;
    });
    expect(login).toEqual([['InitiateAuthCommand', context]]);

    const refresh = await recorded(() => call('users.refresh', { refreshToken }, address));
    expect(refresh).toContainEqual(['InitiateAuthCommand', context]);

    const forgot = await recorded(() => call('users.forgotPassword', { email }, address));
    expect(forgot).toContainEqual(['ForgotPasswordCommand', context]);

    // A wrong code: Cognito refuses it, but the command went out with the caller's address.
    const confirm = await recorded(() =>
      call(
        'users.confirmForgotPassword',
        { email, code: '000000', newPassword: 'N3w-horse-battery!' },
        address,
      ),
    );
    expect(confirm).toContainEqual(['ConfirmForgotPasswordCommand', context]);
  });

  it('not at all when the request did not come through the edge', async () => {
    const email = `direct-${randomUUID().slice(0, 8)}@example.com`;
    const commands = await recorded(async () => {
      await call('users.signUp', { email, password: PASSWORD, firstName: 'Ada', lastName: 'L' });
      expect(await call('users.login', { email, password: PASSWORD })).toBe(200);
    });
    expect(commands.map(([name]) => name)).toEqual(
      expect.arrayContaining(['SignUpCommand', 'InitiateAuthCommand']),
    );
    for (const [, context] of commands) expect(context).toBeUndefined();
  });
});

describe('viewerContext', () => {
  it("reads the IP of CloudFront's ip:port, IPv4 and IPv6", () => {
    expect(viewerContext({ 'cloudfront-viewer-address': '198.51.100.2:443' })).toEqual({
      ipAddress: '198.51.100.2',
    });
    expect(viewerContext({ 'cloudfront-viewer-address': '2001:db8::1:46532' })).toEqual({
      ipAddress: '2001:db8::1',
    });
  });

  it('gives nothing for a missing or malformed header', () => {
    expect(viewerContext({})).toBeUndefined();
    expect(viewerContext(undefined)).toBeUndefined();
    expect(viewerContext({ 'cloudfront-viewer-address': '' })).toBeUndefined();
    expect(viewerContext({ 'cloudfront-viewer-address': ':443' })).toBeUndefined();
  });
});
