import {
  createCognitoIdentityProvider,
  createDocumentClient,
  createServices,
  tableNamesFor,
} from '@shop/core';
import { createTokenVerifier } from './auth.ts';
import type { Config } from './config.ts';
import type { Deps } from './context.ts';

/**
 * Wires the real dependencies from config. Makes no network call. `doc` replaces the
 * DocumentClient built from config (the bench passes one that records capacity units).
 */
export function createDeps(
  config: Config,
  doc = createDocumentClient({
    region: config.region,
    endpoint: config.dynamoEndpoint,
    // The SDK's default (3) with backoff; a request gives up well inside the Lambda timeout.
    maxAttempts: 3,
  }),
): Deps {
  return {
    config,
    services: createServices({
      doc,
      tables: tableNamesFor(config.tablePrefix),
      cursorSecret: config.cursorSecret,
      identity: createCognitoIdentityProvider({
        region: config.region,
        endpoint: config.cognitoEndpoint,
        userPoolId: config.userPoolId,
        clientId: config.clientId,
        autoConfirm: config.isLocal,
      }),
    }),
    verifier: createTokenVerifier(config),
  };
}
