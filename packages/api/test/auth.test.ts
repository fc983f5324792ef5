import { randomUUID } from 'node:crypto';
import http, { createServer, type Server } from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  AdminAddUserToGroupCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtInvalidTokenUseError } from 'aws-jwt-verify/error';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { COGNITO_LOCAL_KID, cognitoLocalKey, decodeJwt, signJwt } from '@shop/testing';
import { createTokenVerifier, type TokenVerifier } from '../src/auth.ts';
import {
  cognitoAdmin,
  localVerifierConfig as localConfig,
  login,
  now,
  REFUSED as MESSAGE,
  refusal,
  userTokens,
} from './support/cognito.ts';

/**
 * The token verifier with genuine tokens, how it fetches the JWKS, and which stage may trust which
 * issuer. Attacks on tokens are in token-attacks.test.ts.
 */

let admin: CognitoIdentityProviderClient;
let verifier: TokenVerifier;

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

beforeAll(() => {
  admin = cognitoAdmin();
  verifier = createTokenVerifier(localConfig());
});

afterAll(() => {
  admin.destroy();
});

describe('the local token verifier with genuine cognito-local tokens', () => {
  it('verifies a plain user as that user and not an admin', async () => {
    const { sub, tokens } = await userTokens();
    const { payload } = decodeJwt(tokens.accessToken);
    await expect(verifier.verify(tokens.accessToken)).resolves.toEqual({
      id: sub,
      username: payload.username,
      groups: [],
      isAdmin: false,
      // cognito-local has no origin_jti: the session is the token's own jti.
      session: { id: payload.jti, startedAt: payload.auth_time, expiresAt: payload.exp },
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
          jti: randomUUID(),
          iat: now(),
          exp: now() + 600,
        },
        cognitoLocalKey(),
        { kid: COGNITO_LOCAL_KID },
      );
      const check = createTokenVerifier({ ...localConfig(), cognitoEndpoint: endpoint });
      const failed = await refusal(check, token);
      expect(failed.message).toBe(MESSAGE);
      expect((failed.cause as Error).message).toBe('JWKS fetch failed: 503');
      await expect(check.verify(token)).resolves.toMatchObject({ username: 'u' });
      expect(requests).toBe(2);
    } finally {
      server.close();
    }
  });

  it('takes an emulator endpoint given with a trailing slash', async () => {
    const { sub, tokens } = await userTokens();
    const check = createTokenVerifier({
      ...localConfig(),
      cognitoEndpoint: `${inject('cognitoEndpoint')}/`,
    });
    await expect(check.verify(tokens.accessToken)).resolves.toMatchObject({ id: sub });
  });

  it('gives up on an emulator that does not answer after 5 s, and tries again next token', async () => {
    // A stand-in endpoint that accepts the request and never answers.
    const server: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const timeout = AbortSignal.timeout.bind(AbortSignal);
    // The 5 s limit is asked for; the test waits 50 ms instead.
    const limits = vi.spyOn(AbortSignal, 'timeout').mockImplementation(() => timeout(50));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const check = createTokenVerifier({ ...localConfig(), cognitoEndpoint: endpoint });
      const token = (await userTokens()).tokens.accessToken;
      const failed = await refusal(check, token);
      expect(failed.message).toBe(MESSAGE);
      expect((failed.cause as Error).name).toBe('TimeoutError');
      expect(limits).toHaveBeenCalledWith(5000);
      await refusal(check, token);
      expect(limits).toHaveBeenCalledTimes(2);
    } finally {
      server.closeAllConnections();
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

  it('accepts an access token of its pool and refuses an ID token, given the JWKS', async () => {
    // The AWS JWKS request goes to cognito-local's JWKS (the key the tokens below are signed with).
    const jwks = `${inject('cognitoEndpoint')}/${inject('userPoolId')}/.well-known/jwks.json`;
    const requests = vi
      .spyOn(https, 'request')
      .mockImplementation(((_uri: unknown, _options: unknown, callback: never) =>
        http.request(jwks, { method: 'GET' }, callback)) as unknown as typeof https.request);
    syncBuiltinESMExports();
    const sub = randomUUID();
    const claims = {
      sub,
      iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc',
      client_id: inject('clientId'),
      token_use: 'access',
      username: 'aws-user',
      jti: randomUUID(),
      auth_time: now(),
      iat: now(),
      exp: now() + 600,
    };
    const sign = (changes: Record<string, unknown>) =>
      signJwt({ ...claims, ...changes }, cognitoLocalKey(), { kid: COGNITO_LOCAL_KID });
    const check = deployed();
    await expect(check.verify(sign({}))).resolves.toMatchObject({ id: sub, username: 'aws-user' });
    expect(requests.mock.calls[0]?.[0]?.toString()).toBe(
      'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc/.well-known/jwks.json',
    );
    const idToken = await refusal(check, sign({ token_use: 'id', aud: inject('clientId') }));
    expect(idToken.cause).toBeInstanceOf(CognitoJwtInvalidTokenUseError);
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
