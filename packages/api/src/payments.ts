import { NO_PAYMENT_PROVIDER, type PaymentProvider, type PaymentSettings } from '@shop/core';
import type { Config } from './config.ts';
import type { PaymentSecrets } from './secrets.ts';

/** Builds the provider from its secrets (the Stripe adapter in deployed stages and `pnpm local`). */
export type ProviderFactory = (
  secrets: PaymentSecrets,
  config: Config,
) => PaymentProvider | Promise<PaymentProvider>;

/**
 * A provider whose secrets are loaded on first use (so importing the handler makes no network
 * call). `ready()` loads them; `parseWebhook` is synchronous, so the webhook entry awaits
 * `ready()` first.
 */
export class LazyPaymentProvider implements PaymentProvider {
  readonly name = 'stripe';
  private provider: PaymentProvider | undefined;
  private loading: Promise<PaymentProvider> | undefined;

  constructor(private readonly load: () => Promise<PaymentProvider>) {}

  async ready(): Promise<PaymentProvider> {
    if (this.provider) return this.provider;
    this.loading ??= this.load().then(
      (p) => (this.provider = p),
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }

  async createCheckout(...args: Parameters<PaymentProvider['createCheckout']>) {
    return (await this.ready()).createCheckout(...args);
  }
  async getCheckout(sessionId: string) {
    return (await this.ready()).getCheckout(sessionId);
  }
  async expireCheckout(sessionId: string) {
    return (await this.ready()).expireCheckout(sessionId);
  }
  async refund(...args: Parameters<PaymentProvider['refund']>) {
    return (await this.ready()).refund(...args);
  }
  parseWebhook(rawBody: string, signatureHeader: string | undefined) {
    return (this.provider ?? NO_PAYMENT_PROVIDER).parseWebhook(rawBody, signatureHeader);
  }
}

/** The payment settings of a stage: its provider (or none), currency, timeout, return page. */
export function paymentSettingsFor(
  config: Config,
  secrets: (() => Promise<PaymentSecrets>) | undefined,
  factory: ProviderFactory | undefined,
): PaymentSettings {
  const webUrl = config.webUrl;
  const provider =
    secrets && factory && webUrl
      ? new LazyPaymentProvider(async () => factory(await secrets(), config))
      : NO_PAYMENT_PROVIDER;
  return {
    provider,
    currency: config.currency,
    timeoutMinutes: config.paymentTimeoutMinutes,
    orderPageUrl: (orderId) => `${webUrl ?? ''}/orders/${encodeURIComponent(orderId)}`,
  };
}
