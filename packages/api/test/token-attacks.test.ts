import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCognitoIdentityProvider } from '@shop/core';
import { createHandler } from '../src/app.ts';
import { createTokenVerifier, InvalidTokenError, type TokenVerifier } from '../src/auth.ts';
import { createHarness, type Harness } from './support/harness.ts';
import { jsonEvent, lambdaContext } from '@shop/testing';

/**
 * Attacks on the bearer token. A JWKS we control is served over http like cognito-local's, so we
 * can sign any token we like with a key the verifier trusts, and show each check is enforced.
 */
const POOL = 'local_attack';
const CLIENT = 'attack-client';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const { privateKey: strangerKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KID = 'test-key';

let server: Server;
let endpoint: string;
let issuer: string;
let verifier: TokenVerifier;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function sign(payload: Record<string, unknown>, opts: { key?: KeyObject; header?: object } = {}) {
  const header = b64({ alg: 'RS256', typ: 'JWT', kid: KID, ...opts.header });
  const body = b64(payload);
  const signature = createSign('RSA-SHA256')
    .update(`${header}.${body}`)
    .sign(opts.key ?? privateKey)
    .toString('base64url');
  return `${header}.${body}.${signature}`;
}

const now = () => Math.floor(Date.now() / 1000);
const claims = (overrides: Record<string, unknown> = {}) => ({
  sub: randomUUID(),
  iss: issuer,
  client_id: CLIENT,
  token_use: 'access',
  username: 'mallory',
  iat: now(),
  exp: now() + 600,
  ...overrides,
});

beforeAll(async () => {
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' };
  server = createServer((req, res) => {
    if (req.url === `/${POOL}/.well-known/jwks.json`) {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ keys: [jwk] }));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer = `${endpoint}/${POOL}`;
  verifier = createTokenVerifier({
    stage: 'local',
    isLocal: true,
    region: 'us-east-1',
    userPoolId: POOL,
    clientId: CLIENT,
    cognitoEndpoint: endpoint,
  });
});

afterAll(() => {
  server.close();
});

const refusal = async (token: string) => {
  const error = await verifier.verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidTokenError);
  return (error as Error).message;
};

describe('the token verifier', () => {
  it('accepts a well-formed access token signed by the trusted key', async () => {
    const user = await verifier.verify(sign(claims({ 'cognito:groups': ['admin'] })));
    expect(user.isAdmin).toBe(true);
  });

  const attacks: [string, () => string][] = [
    ['alg: none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`],
    [
      'a payload altered after signing (admin added)',
      () => {
        const [header, , signature] = sign(claims()).split('.');
        return `${header}.${b64(claims({ 'cognito:groups': ['admin'] }))}.${signature}`;
      },
    ],
    ['an ID token', () => sign(claims({ token_use: 'id', aud: CLIENT, client_id: undefined }))],
    ['a token for another client', () => sign(claims({ client_id: 'someone-else' }))],
    ['a token from another issuer', () => sign(claims({ iss: 'https://evil.example.com/pool' }))],
    ['an expired token', () => sign(claims({ exp: now() - 60, iat: now() - 3600 }))],
    ['a token without exp', () => sign(claims({ exp: undefined }))],
    ['a token signed by an unknown key', () => sign(claims(), { key: strangerKey })],
    ['a token with an unknown kid', () => sign(claims(), { header: { kid: 'other' } })],
    ['garbage', () => 'not.a.jwt'],
    ['an empty string', () => ''],
  ];

  it.each(attacks)('refuses %s with the one generic message', async (_name, token) => {
    expect(await refusal(token())).toBe('Invalid or expired token');
  });
});

describe('a verifier for a deployed stage', () => {
  it('refuses a cognito-local token, and the local issuer is not even configurable', async () => {
    const identity = createCognitoIdentityProvider({
      region: 'us-east-1',
      endpoint: inject('cognitoEndpoint'),
      userPoolId: inject('userPoolId'),
      clientId: inject('clientId'),
      autoConfirm: true,
    });
    const email = `deployed-${randomUUID().slice(0, 8)}@example.com`;
    await identity.signUp({ email, password: 'Passw0rd!x', firstName: 'D', lastName: 'S' });
    const { accessToken } = await identity.login(email, 'Passw0rd!x');

    const deployed = createTokenVerifier({
      stage: 'prod',
      isLocal: false,
      region: 'us-east-1',
      userPoolId: 'us-east-1_AbCdEfGhI',
      clientId: inject('clientId'),
      cognitoEndpoint: undefined,
    });
    // The issuer check fails before any JWKS would be fetched.
    await expect(deployed.verify(accessToken)).rejects.toBeInstanceOf(InvalidTokenError);
    expect(() =>
      createTokenVerifier({
        stage: 'prod',
        isLocal: false,
        region: 'us-east-1',
        userPoolId: 'us-east-1_AbCdEfGhI',
        clientId: 'x',
        cognitoEndpoint: inject('cognitoEndpoint'),
      }),
    ).toThrow(/only allowed in the local stage/);
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

  const address = JSON.stringify({
    street: '1 Main St',
    city: 'X',
    state: '',
    zipCode: '1',
    country: 'US',
  });

  it.each([
    ['alg: none', (sub: string) => `Bearer ${b64({ alg: 'none' })}.${b64(claims({ sub }))}.`],
    ['an expired token', (sub: string) => `Bearer ${sign(claims({ sub, exp: now() - 1 }))}`],
    ['a token without exp', (sub: string) => `Bearer ${sign(claims({ sub, exp: undefined }))}`],
    ['a missing Bearer prefix', (sub: string) => sign(claims({ sub }))],
    ['a malformed header (two spaces)', (sub: string) => `Bearer  ${sign(claims({ sub }))}`],
  ])('refuses %s with UNAUTHORIZED and writes nothing', async (_name, authorization) => {
    const sub = randomUUID();
    const result = await handler(
      jsonEvent({
        method: 'POST',
        path: '/addresses.create',
        body: address,
        headers: { authorization: authorization(sub) },
      }),
      lambdaContext(),
    );
    expect(result.statusCode).toBe(401);
    const body = JSON.parse(result.body!) as { error: { message: string } };
    expect(body.error.message).toBe('Invalid or expired token');
    const written = await h.deps.services.addresses.list({ id: sub, isAdmin: false });
    expect(written).toEqual([]);
  });

  it('lets the same request through with a valid token (the test can fail)', async () => {
    const sub = randomUUID();
    const result = await handler(
      jsonEvent({
        method: 'POST',
        path: '/addresses.create',
        body: address,
        headers: { authorization: `Bearer ${sign(claims({ sub }))}` },
      }),
      lambdaContext(),
    );
    expect(result.statusCode).toBe(200);
    expect(await h.deps.services.addresses.list({ id: sub, isAdmin: false })).toHaveLength(1);
  });
});
