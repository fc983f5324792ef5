import { inject } from 'vitest';
import { createCognitoIdentityProvider, type IdentityProvider } from '@shop/core';

/**
 * The Cognito identity provider on the run's cognito-local (pool and app client of the global
 * setup). `endpoint` points it elsewhere (a fault-injecting proxy, a dead port).
 */
export function localIdentity(
  autoConfirm = true,
  overrides: { endpoint?: string } = {},
): IdentityProvider {
  return createCognitoIdentityProvider({
    region: 'us-east-1',
    endpoint: inject('cognitoEndpoint'),
    userPoolId: inject('userPoolId'),
    clientId: inject('clientId'),
    autoConfirm,
    ...overrides,
  });
}
