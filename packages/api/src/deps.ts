import {
  type PaymentProvider,
  createDocumentClient,
  createServiceScope,
  tableNamesFor,
} from '@shop/core';
import { createTokenVerifier } from './auth.ts';
import type { Config } from './config.ts';
import type { Deps } from './context.ts';
import { paymentSettingsFor, type ProviderFactory } from './payments.ts';
import type { PaymentSecrets } from './secrets.ts';

/**
 * How the payment provider is built: its secrets (from `paymentSecretsFrom(env)`) and the adapter.
 * The Stripe adapter of `@shop/core` (`payments/stripe.ts`) is the one production factory; a stage
 * without secrets takes no payments (every payment call fails saying so).
 */
export interface PaymentWiring {
  secrets: (() => Promise<PaymentSecrets>) | undefined;
  factory: ProviderFactory | undefined;
  /** Replaces the provider outright (tests inject the adapter on the local Stripe server). */
  provider?: PaymentProvider;
}

/**
 * Wires the real dependencies from config. Makes no network call, and builds no service: each is
 * built on the first call that needs it (`createServiceScope`). `doc` replaces the DocumentClient
 * built from config (the bench passes one that records capacity units).
 */
export function createDeps(
  config: Config,
  doc = createDocumentClient({
    region: config.region,
    endpoint: config.dynamoEndpoint,
    // The SDK's default (3) with backoff; a request gives up well inside the Lambda timeout.
    maxAttempts: 3,
  }),
  payments: PaymentWiring = { secrets: undefined, factory: undefined },
): Deps {
  const settings = paymentSettingsFor(config, payments.secrets, payments.factory);
  return {
    config,
    services: createServiceScope({
      doc,
      tables: tableNamesFor(config.tablePrefix),
      cursorSecret: config.cursorSecret,
      cognito: {
        region: config.region,
        endpoint: config.cognitoEndpoint,
        userPoolId: config.userPoolId,
        clientId: config.clientId,
        autoConfirm: config.isLocal,
      },
      payments: payments.provider ? { ...settings, provider: payments.provider } : settings,
    }),
    paymentProvider: payments.provider ?? settings.provider,
    verifier: createTokenVerifier(config),
  };
}
