import { randomUUID } from 'node:crypto';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { expect, inject } from 'vitest';
import { createCognitoIdentityProvider, type Tokens } from '@shop/core';
import { createHandler } from '../../src/app.ts';
import { createTokenVerifier, InvalidTokenError, type TokenVerifier } from '../../src/auth.ts';
import type { Deps } from '../../src/context.ts';

/** Tests of the token verifier against the run's cognito-local. */

/** What every refused token answers, whatever the reason. */
export const REFUSED = 'Invalid or expired token';
export const PASSWORD = 'Corr3ct-horse!';
/** Now, in JWT seconds. */
export const now = () => Math.floor(Date.now() / 1000);

/** The verifier configuration of the local stage, on the run's cognito-local. */
export const localVerifierConfig = () => ({
  stage: 'local',
  isLocal: true,
  region: 'us-east-1',
  userPoolId: inject('userPoolId'),
  clientId: inject('clientId'),
  cognitoEndpoint: inject('cognitoEndpoint'),
});

export { localIdentity } from '@shop/testing/vitest';

/** The Lambda handler over `deps`, verifying tokens of the run's cognito-local; logs nothing. */
export const localCognitoHandler = (deps: Deps) =>
  createHandler(
    { ...deps, verifier: createTokenVerifier(localVerifierConfig()) },
    { error: () => undefined, info: () => undefined },
  );

/** An admin client of cognito-local (groups, app clients); destroy it after the file. */
export const cognitoAdmin = () =>
  new CognitoIdentityProviderClient({
    region: 'us-east-1',
    endpoint: inject('cognitoEndpoint'),
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

/** Signs up a user in a pool through the real identity provider and logs them in. */
export async function userTokens(
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
export async function login(email: string, clientId = inject('clientId')): Promise<Tokens> {
  return createCognitoIdentityProvider({
    region: 'us-east-1',
    endpoint: inject('cognitoEndpoint'),
    userPoolId: inject('userPoolId'),
    clientId,
    autoConfirm: true,
  }).login(email, PASSWORD);
}

/** The error `verify` rejects with; fails the test if the token is accepted. */
export async function refusal(check: TokenVerifier, token: string): Promise<InvalidTokenError> {
  const error: unknown = await check.verify(token).then(
    () => new Error('the token was accepted'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidTokenError);
  return error as InvalidTokenError;
}
