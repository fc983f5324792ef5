import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import {
  type CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtInvalidTokenUseError, JwtExpiredError } from 'aws-jwt-verify/error';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Tokens } from '@shop/core';
import {
  alterPayload,
  b64url,
  COGNITO_LOCAL_KID,
  cognitoLocalKey,
  decodeJwt,
  ensureUserPool,
  jsonEvent,
  lambdaContext,
  signJwt,
  type Claims,
} from '@shop/testing';
import { createHandler } from '../src/app.ts';
import { createTokenVerifier, type TokenVerifier } from '../src/auth.ts';
import {
  cognitoAdmin,
  localVerifierConfig,
  login,
  now,
  REFUSED,
  refusal,
  userTokens,
} from './support/cognito.ts';
import { createHarness, validAddress, type Harness } from './support/harness.ts';

/**
 * Attacks on the bearer token, against the local stage's verifier and cognito-local's genuine
 * tokens. cognito-local signs with a key that ships in its package, so a test can change any claim
 * of a genuine token and sign it again: each check of the verifier is shown to be enforced on its
 * own. Every refusal answers the same generic message; the real reason stays for the logs.
 */

const key = cognitoLocalKey();
const { privateKey: strangerKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

let admin: CognitoIdentityProviderClient;
let verifier: TokenVerifier;
let genuine: { sub: string; email: string; tokens: Tokens };
let otherClientToken: string;
let otherPoolToken: string;
let otherPoolIssuer: string;

/** A genuine access token's claims, changed as given (undefined removes a claim), signed again. */
const forge = (changes: Claims, { signWith = key, kid = COGNITO_LOCAL_KID } = {}) => {
  const payload: Claims = { ...decodeJwt(genuine.tokens.accessToken).payload, ...changes };
  for (const [claim, value] of Object.entries(changes))
    if (value === undefined) delete payload[claim];
  return signJwt(payload, signWith, { kid });
};
const expired = (changes: Claims = {}) =>
  forge({ ...changes, iat: now() - 7200, exp: now() - 3600 });

beforeAll(async () => {
  admin = cognitoAdmin();
  verifier = createTokenVerifier(localVerifierConfig());
  genuine = await userTokens();
  // A second app client of the same pool: its tokens are real, signed by the same key.
  const other = await admin.send(
    new CreateUserPoolClientCommand({
      UserPoolId: inject('userPoolId'),
      ClientName: `other-${randomUUID().slice(0, 8)}`,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  );
  const otherClientId = other.UserPoolClient?.ClientId;
  if (!otherClientId) throw new Error('cognito-local returned no client id');
  otherClientToken = (await login(genuine.email, otherClientId)).accessToken;
  // Another pool on the same emulator: same signing key, different issuer.
  const pool = await ensureUserPool(inject('cognitoEndpoint'), {
    poolName: 'auth-test-other-pool',
    clientName: 'auth-test-other-client',
  });
  otherPoolToken = (await userTokens(pool)).tokens.accessToken;
  otherPoolIssuer = decodeJwt(otherPoolToken).payload.iss as string;
});

afterAll(() => {
  admin.destroy();
});

describe('the token verifier', () => {
  it('accepts a token forged with the emulator key and unchanged claims (so forging works)', async () => {
    await expect(verifier.verify(forge({}))).resolves.toMatchObject({ id: genuine.sub });
  });

  const attacks: [string, () => string][] = [
    [
      'alg: none',
      () => `${b64url({ alg: 'none', typ: 'JWT' })}.${genuine.tokens.accessToken.split('.')[1]}.`,
    ],
    [
      'HS256 keyed with the public JWK (algorithm confusion)',
      () => {
        const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid: COGNITO_LOCAL_KID })}.${genuine.tokens.accessToken.split('.')[1]}`;
        const publicPem = key.export({ type: 'pkcs1', format: 'pem' });
        return `${input}.${createHmac('sha256', publicPem).update(input).digest('base64url')}`;
      },
    ],
    [
      'a payload altered after signing (admin added to cognito:groups)',
      () => alterPayload(genuine.tokens.accessToken, { 'cognito:groups': ['admin'] }),
    ],
    ['an ID token where an access token is required', () => genuine.tokens.idToken],
    ['a genuine access token of another app client', () => otherClientToken],
    ['a genuine access token of another user pool', () => otherPoolToken],
    ['a token naming another issuer', () => forge({ iss: otherPoolIssuer })],
    [
      'a token with the right claims but client_id of another client',
      () => forge({ client_id: 'someone-else' }),
    ],
    ['an expired token', () => expired()],
    ['a token without exp', () => forge({ exp: undefined })],
    ['a token without sub', () => forge({ sub: undefined })],
    ['a token with an empty sub', () => forge({ sub: '' })],
    [
      'a token without a session id (no jti)',
      () => forge({ jti: undefined, origin_jti: undefined }),
    ],
    [
      'a token signed by another key under the emulator kid',
      () => forge({}, { signWith: strangerKey }),
    ],
    ['a token naming a kid the JWKS does not have', () => forge({}, { kid: 'other-key' })],
    ['garbage', () => 'garbage'],
    ['three garbage segments', () => 'a.b.c'],
    ['an empty string', () => ''],
  ];

  it.each(attacks)('refuses %s with the one generic message', async (_name, token) => {
    const error = await refusal(verifier, token());
    expect(error.message).toBe(REFUSED);
    expect(error.cause).toBeDefined();
  });

  it('keeps the real reason as the cause for the logs', async () => {
    const late = await refusal(verifier, expired());
    const idToken = await refusal(verifier, genuine.tokens.idToken);
    expect(late.cause).toBeInstanceOf(JwtExpiredError);
    expect(idToken.cause).toBeInstanceOf(CognitoJwtInvalidTokenUseError);
    expect(late.message).toBe(idToken.message);
    expect(late.name).toBe('InvalidTokenError');
  });

  // aws-jwt-verify takes these tokens; the verifier's own check refuses them and says why.
  it.each([
    ['without sub', { sub: undefined }],
    ['with an empty sub', { sub: '' }],
    ['without exp', { exp: undefined }],
    ['without a session id', { jti: undefined, origin_jti: undefined }],
    ['without auth_time or iat', { auth_time: undefined, iat: undefined }],
  ])('names the missing claims as the cause of a token %s', async (_name, changes: Claims) => {
    const error = await refusal(verifier, forge(changes));
    expect((error.cause as Error).message).toBe(
      'Token has no sub or no session claims (jti, auth_time, exp)',
    );
  });

  it('keeps only the string entries of cognito:groups', async () => {
    const token = forge({ 'cognito:groups': ['admin', 7, null, { name: 'x' }, 'staff'] });
    await expect(verifier.verify(token)).resolves.toMatchObject({
      groups: ['admin', 'staff'],
      isAdmin: true,
    });
  });

  it('names a caller without a string username by sub', async () => {
    await expect(verifier.verify(forge({ username: undefined }))).resolves.toMatchObject({
      id: genuine.sub,
      username: genuine.sub,
    });
    await expect(verifier.verify(forge({ username: 42 }))).resolves.toMatchObject({
      username: genuine.sub,
    });
  });
});

describe('attacks through the handler', () => {
  let h: Harness;
  let handler: ReturnType<typeof createHandler>;
  beforeAll(async () => {
    h = await createHarness();
    handler = createHandler(
      { ...h.deps, verifier },
      { error: () => undefined, info: () => undefined },
    );
  });

  /** Creates an address with the given Authorization header; answers the status and the writes. */
  async function createAddressAs(sub: string, authorization: string) {
    const result = await handler(
      jsonEvent({
        method: 'POST',
        path: '/addresses.create',
        // A recipient given: a forged sub has no profile to take a name from.
        body: JSON.stringify(validAddress({ recipientName: 'Pat Shopper' })),
        headers: { authorization },
      }),
      lambdaContext(),
    );
    const body = JSON.parse(result.body!) as { error?: { message: string } };
    const written = await h.deps.services.addresses.list({ id: sub, isAdmin: false });
    return { status: result.statusCode, message: body.error?.message, written };
  }

  it('lets a request through with a valid token (so the refusals below can fail)', async () => {
    const sub = randomUUID();
    const { status, written } = await createAddressAs(sub, `Bearer ${forge({ sub })}`);
    expect(status).toBe(200);
    expect(written).toHaveLength(1);
  });

  it.each([
    ['a token the verifier refuses', (sub: string) => `Bearer ${expired({ sub })}`],
    ['a missing Bearer prefix', (sub: string) => forge({ sub })],
    ['a malformed header (two spaces)', (sub: string) => `Bearer  ${forge({ sub })}`],
  ])('refuses %s with UNAUTHORIZED and writes nothing', async (_name, authorization) => {
    const sub = randomUUID();
    const { status, message, written } = await createAddressAs(sub, authorization(sub));
    expect(status).toBe(401);
    expect(message).toBe(REFUSED);
    expect(written).toEqual([]);
  });
});
