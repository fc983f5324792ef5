import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  AdminAddUserToGroupCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtInvalidTokenUseError, JwtExpiredError } from 'aws-jwt-verify/error';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createCognitoIdentityProvider, type Tokens } from '@shop/core';
import { ensureUserPool } from '@shop/testing';
import { createTokenVerifier, InvalidTokenError, type TokenVerifier } from '../src/auth.ts';
import {
  alterPayload,
  b64url,
  COGNITO_LOCAL_KID,
  cognitoLocalKey,
  decodeJwt,
  signJwt,
  type Claims,
} from '@shop/testing';

const MESSAGE = 'Invalid or expired token';
const PASSWORD = 'Corr3ct-horse!';
const now = () => Math.floor(Date.now() / 1000);

let admin: CognitoIdentityProviderClient;
let verifier: TokenVerifier;
const localConfig = () => ({
  stage: 'local',
  isLocal: true,
  region: 'us-east-1',
  userPoolId: inject('userPoolId'),
  clientId: inject('clientId'),
  cognitoEndpoint: inject('cognitoEndpoint'),
});

/** Signs up a user in a pool through the real identity provider and logs them in. */
async function userTokens(
  pool: { userPoolId: string; clientId: string } = {
    userPoolId: inject('userPoolId'),
    clientId: inject('clientId'),
  },
  email = `auth-${randomUUID().slice(0, 12)}@example.com`,
): Promise<{ sub: string; email: string; tokens: Tokens }> {
  const identity = createCognitoIdentityProvider({
    region: 'us-east-1',
    endpoint: inject('cognitoEndpoint'),
    ...pool,
    autoConfirm: true,
  });
  const { sub } = await identity.signUp({
    email,
    password: PASSWORD,
    firstName: 'A',
    lastName: 'B',
  });
  return { sub, email, tokens: await identity.login(email, PASSWORD) };
}

/** Logs an existing user in again, e.g. to get a token that lists new groups. */
async function login(email: string, clientId = inject('clientId')): Promise<Tokens> {
  return createCognitoIdentityProvider({
    region: 'us-east-1',
    endpoint: inject('cognitoEndpoint'),
    userPoolId: inject('userPoolId'),
    clientId,
    autoConfirm: true,
  }).login(email, PASSWORD);
}

async function joinGroup(email: string, group: string): Promise<void> {
  const UserPoolId = inject('userPoolId');
  await admin
    .send(new CreateGroupCommand({ UserPoolId, GroupName: group }))
    .catch((error: unknown) => {
      if (!(error instanceof Error && error.name === 'GroupExistsException')) throw error;
    });
  await admin.send(
    new AdminAddUserToGroupCommand({ UserPoolId, Username: email, GroupName: group }),
  );
}

/** The error `verify` rejects with; fails the test if the token is accepted. */
async function refusal(check: TokenVerifier, token: string): Promise<InvalidTokenError> {
  const error: unknown = await check.verify(token).then(
    () => new Error('the token was accepted'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidTokenError);
  return error as InvalidTokenError;
}

beforeAll(() => {
  admin = new CognitoIdentityProviderClient({
    region: 'us-east-1',
    endpoint: inject('cognitoEndpoint'),
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  verifier = createTokenVerifier(localConfig());
});

afterAll(() => {
  admin.destroy();
});

describe('the local token verifier with genuine cognito-local tokens', () => {
  it('verifies a plain user as that user and not an admin', async () => {
    const { sub, tokens } = await userTokens();
    await expect(verifier.verify(tokens.accessToken)).resolves.toEqual({
      id: sub,
      username: decodeJwt(tokens.accessToken).payload.username,
      groups: [],
      isAdmin: false,
    });
  });

  it('verifies a member of the admin group as an admin', async () => {
    const { sub, email } = await userTokens();
    await joinGroup(email, 'admin');
    // Groups are written into tokens issued after joining.
    const { accessToken } = await login(email);
    await expect(verifier.verify(accessToken)).resolves.toMatchObject({
      id: sub,
      groups: ['admin'],
      isAdmin: true,
    });
  });

  it('does not count a group that merely resembles admin', async () => {
    const { email } = await userTokens();
    await joinGroup(email, 'administrators');
    const { accessToken } = await login(email);
    await expect(verifier.verify(accessToken)).resolves.toMatchObject({
      groups: ['administrators'],
      isAdmin: false,
    });
  });
});

describe('token attacks on the local verifier', () => {
  const key = cognitoLocalKey();
  const { privateKey: strangerKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let genuine: { sub: string; email: string; tokens: Tokens };
  let otherClientToken: string;
  let otherPoolToken: string;
  let otherPoolIssuer: string;
  /** A genuine access token's claims, changed as given and signed with cognito-local's key. */
  const forge = (changes: Claims, signWith = key) => {
    const payload: Claims = { ...decodeJwt(genuine.tokens.accessToken).payload, ...changes };
    for (const [claim, value] of Object.entries(changes))
      if (value === undefined) delete payload[claim];
    return signJwt(payload, signWith, { kid: COGNITO_LOCAL_KID });
  };

  beforeAll(async () => {
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
    ['an expired token', () => forge({ iat: now() - 7200, exp: now() - 3600 })],
    ['a token without exp', () => forge({ exp: undefined })],
    ['a token signed by another key under the emulator kid', () => forge({}, strangerKey)],
    ['garbage', () => 'garbage'],
    ['three garbage segments', () => 'a.b.c'],
    ['an empty string', () => ''],
  ];

  it.each(attacks)('refuses %s with the one generic message', async (_name, token) => {
    const error = await refusal(verifier, token());
    expect(error.message).toBe(MESSAGE);
    expect(error.cause).toBeDefined();
  });

  it('keeps the real reason as the cause for the logs', async () => {
    const expired = await refusal(verifier, forge({ iat: now() - 7200, exp: now() - 3600 }));
    const idToken = await refusal(verifier, genuine.tokens.idToken);
    expect(expired.cause).toBeInstanceOf(JwtExpiredError);
    expect(idToken.cause).toBeInstanceOf(CognitoJwtInvalidTokenUseError);
    expect(expired.message).toBe(idToken.message);
  });
});

describe('fetching the emulator JWKS', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('happens not at creation but once, on the first token', async () => {
    const { tokens } = await userTokens();
    const fetches = vi.spyOn(globalThis, 'fetch');
    const jwksFetches = () =>
      fetches.mock.calls
        .map(([url]) => (url instanceof Request ? url.url : url.toString()))
        .filter((url) => url.endsWith('/.well-known/jwks.json')).length;

    const fresh = createTokenVerifier(localConfig());
    expect(jwksFetches()).toBe(0);
    await fresh.verify(tokens.accessToken);
    await fresh.verify(tokens.accessToken);
    await refusal(fresh, tokens.idToken);
    expect(jwksFetches()).toBe(1);
  });

  it('is tried again on the next token after the emulator could not be reached', async () => {
    // A stand-in endpoint that fails once, then serves cognito-local's JWKS.
    const poolId = inject('userPoolId');
    let requests = 0;
    const server: Server = createServer((req, res) => {
      requests += 1;
      if (requests === 1) return void res.writeHead(503).end();
      void fetch(`${inject('cognitoEndpoint')}${req.url}`)
        .then((r) => r.text())
        .then((body) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const token = signJwt(
        {
          sub: randomUUID(),
          iss: `${endpoint}/${poolId}`,
          client_id: inject('clientId'),
          token_use: 'access',
          username: 'u',
          iat: now(),
          exp: now() + 600,
        },
        cognitoLocalKey(),
        { kid: COGNITO_LOCAL_KID },
      );
      const check = createTokenVerifier({ ...localConfig(), cognitoEndpoint: endpoint });
      expect((await refusal(check, token)).message).toBe(MESSAGE);
      await expect(check.verify(token)).resolves.toMatchObject({ username: 'u' });
      expect(requests).toBe(2);
    } finally {
      server.close();
    }
  });
});

describe('a verifier for a deployed stage', () => {
  const deployed = () =>
    createTokenVerifier({
      stage: 'prod',
      isLocal: false,
      region: 'us-east-1',
      userPoolId: 'us-east-1_abc',
      clientId: inject('clientId'),
      cognitoEndpoint: undefined,
    });

  afterEach(() => {
    vi.restoreAllMocks();
    syncBuiltinESMExports();
  });

  /** aws-jwt-verify downloads JWKS with node:https; any attempt is recorded and fails at once. */
  const blockHttps = () => {
    const spy = vi.spyOn(https, 'request').mockImplementation(() => {
      throw new Error('no network in this test');
    });
    syncBuiltinESMExports();
    return spy;
  };

  it('refuses a cognito-local token on its issuer, without any network request', async () => {
    const { tokens } = await userTokens();
    const requests = blockHttps();
    const error = await refusal(deployed(), tokens.accessToken);
    expect(error.message).toBe(MESSAGE);
    expect((error.cause as Error).message).toMatch(/issuer/);
    expect(requests).not.toHaveBeenCalled();
  });

  it('would fetch the AWS JWKS for a token naming the AWS issuer (the spy above can see it)', async () => {
    const requests = blockHttps();
    const awsIssued = signJwt(
      {
        sub: randomUUID(),
        iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc',
        client_id: inject('clientId'),
        token_use: 'access',
        iat: now(),
        exp: now() + 600,
      },
      cognitoLocalKey(),
      { kid: COGNITO_LOCAL_KID },
    );
    expect((await refusal(deployed(), awsIssued)).message).toBe(MESSAGE);
    expect(requests).toHaveBeenCalled();
  });

  it('cannot be created with the emulator endpoint', () => {
    expect(() =>
      createTokenVerifier({
        stage: 'prod',
        isLocal: false,
        region: 'us-east-1',
        userPoolId: 'us-east-1_abc',
        clientId: 'x',
        cognitoEndpoint: inject('cognitoEndpoint'),
      }),
    ).toThrow(/only allowed in the local stage/);
  });
});

describe('a verifier for the local stage', () => {
  it('cannot be created without the emulator endpoint', () => {
    expect(() => createTokenVerifier({ ...localConfig(), cognitoEndpoint: undefined })).toThrow(
      /COGNITO_ENDPOINT/,
    );
  });
});
