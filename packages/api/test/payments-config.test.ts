import { describe, expect, it } from 'vitest';
import { startStripeLocal } from '@shop/testing';
import { loadConfig } from '../src/config.ts';
import { stripeProviderFactory } from '../src/environment.ts';
import { paymentSecretsFrom } from '../src/secrets.ts';

const base = {
  SHOP_STAGE: 'local',
  SHOP_TABLE_PREFIX: 'x-',
  COGNITO_USER_POOL_ID: 'pool',
  COGNITO_CLIENT_ID: 'client',
  AWS_REGION: 'us-east-1',
};

describe('payment configuration', () => {
  it('defaults to USD and a 30-minute payment timeout', () => {
    const config = loadConfig(base);
    expect(config.currency).toBe('USD');
    expect(config.paymentTimeoutMinutes).toBe(30);
  });

  it('takes a currency and a timeout, and names a bad one', () => {
    const config = loadConfig({
      ...base,
      SHOP_CURRENCY: 'eur',
      SHOP_PAYMENT_TIMEOUT_MINUTES: '45',
    });
    expect(config.currency).toBe('EUR');
    expect(config.paymentTimeoutMinutes).toBe(45);
    expect(() => loadConfig({ ...base, SHOP_PAYMENT_TIMEOUT_MINUTES: '0' })).toThrow(
      /SHOP_PAYMENT_TIMEOUT_MINUTES/,
    );
    expect(() => loadConfig({ ...base, SHOP_CURRENCY: 'dollars' })).toThrow(/SHOP_CURRENCY/);
  });

  it('keeps the provider secrets out of the configuration', () => {
    const config = loadConfig({ ...base, STRIPE_SECRET_KEY: 'sk_test_secret' });
    expect(JSON.stringify(config)).not.toContain('sk_test_secret');
  });

  it('reads the secrets from the environment, and has none without a secret key', async () => {
    expect(paymentSecretsFrom({ STRIPE_WEBHOOK_SECRET: 'whsec_x' })).toBeUndefined();
    const load = paymentSecretsFrom({
      STRIPE_SECRET_KEY: 'sk_x',
      STRIPE_WEBHOOK_SECRET: 'whsec_x',
    });
    expect(await load!()).toEqual({ secretKey: 'sk_x', webhookSecret: 'whsec_x' });
    const keyOnly = paymentSecretsFrom({ STRIPE_SECRET_KEY: 'sk_x' });
    expect(await keyOnly!()).toEqual({ secretKey: 'sk_x', webhookSecret: undefined });
  });

  it('recognizes a secret bound by SST without fetching it at once', () => {
    const load = paymentSecretsFrom({
      SST_Secret_value_STRIPE_SECRET_KEY: '__FETCH_FROM_SSM__',
      SST_SSM_PREFIX: '/sst/shop/test/',
      AWS_REGION: 'us-east-1',
    });
    expect(load).toBeDefined();
  });

  it('points the Stripe adapter at the local server only in the local stage', async () => {
    const local = 'http://127.0.0.1:12111';
    expect(loadConfig({ ...base, STRIPE_API_BASE: local }).stripeApiBase).toBe(local);
    expect(() =>
      loadConfig({
        ...base,
        SHOP_STAGE: 'prod',
        SHOP_CURSOR_SECRET: 'a-long-enough-cursor-secret',
        STRIPE_API_BASE: local,
      }),
    ).toThrow(/STRIPE_API_BASE: is only allowed when SHOP_STAGE is local/);
    // A config built by hand (not through loadConfig) is refused as well.
    const prod = { ...loadConfig(base), stage: 'prod', isLocal: false, stripeApiBase: local };
    await expect(
      stripeProviderFactory({ secretKey: 'sk_test_x', webhookSecret: undefined }, prod),
    ).rejects.toThrow(/only allowed when SHOP_STAGE is local/);
  });

  it('builds the Stripe adapter that opens a hosted page on the local server', async () => {
    const stripe = await startStripeLocal();
    try {
      const provider = await stripeProviderFactory(
        { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret },
        loadConfig({ ...base, STRIPE_API_BASE: stripe.endpoint }),
      );
      const session = await provider.createCheckout({
        orderId: 'order-1',
        userId: 'user-1',
        currency: 'USD',
        amount: 2500,
        lines: [{ name: 'Headlamp', quantity: 1, unitAmount: 2500 }],
        expiresAt: new Date(Date.now() + 60 * 60 * 1000),
        successUrl: 'http://localhost:5173/orders/order-1',
        cancelUrl: 'http://localhost:5173/orders/order-1',
        idempotencyKey: 'pay-order-1-attempt-1',
      });
      expect(session.url.startsWith(`${stripe.endpoint}/pay/`)).toBe(true);
      expect((await provider.getCheckout(session.sessionId)).status).toBe('open');
    } finally {
      await stripe.stop();
    }
  }, 60_000);
});
