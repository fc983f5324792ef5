import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  AdminAddUserToGroupCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
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
