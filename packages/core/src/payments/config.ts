import { NO_PAYMENT_PROVIDER, type PaymentProvider } from './provider.ts';

export const DEFAULT_CURRENCY = 'USD';
export const DEFAULT_PAYMENT_TIMEOUT_MINUTES = 30;

/** How the shop takes payment; the API builds it from its configuration. */
export interface PaymentSettings {
  provider: PaymentProvider;
  /** ISO 4217 code of every order (`SHOP_CURRENCY`). */
  currency: string;
  /** An order still unpaid this long after it was placed is cancelled (`SHOP_PAYMENT_TIMEOUT_MINUTES`). */
  timeoutMinutes: number;
  /** The order page the provider's hosted page sends the shopper back to. */
  orderPageUrl(orderId: string): string;
}

export const NO_PAYMENTS: PaymentSettings = {
  provider: NO_PAYMENT_PROVIDER,
  currency: DEFAULT_CURRENCY,
  timeoutMinutes: DEFAULT_PAYMENT_TIMEOUT_MINUTES,
  orderPageUrl: (orderId) => `http://localhost:5173/orders/${orderId}`,
};
