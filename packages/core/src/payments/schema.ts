import * as z from 'zod/mini';
import { timestampSchema } from '../common.ts';

export const paymentStatusSchema = z.enum(['UNPAID', 'PAID', 'REFUND_PENDING', 'REFUNDED']);
export type PaymentStatus = z.infer<typeof paymentStatusSchema>;
export const paymentProviderSchema = z.enum(['stripe', 'manual']);

/** The public payment of an order (contract v3, `Payment`). */
export const paymentSchema = z.object({
  status: paymentStatusSchema,
  provider: z.nullable(paymentProviderSchema),
  paidAt: z.nullable(timestampSchema),
  refundedAt: z.nullable(timestampSchema),
  /** When the open payment page stops taking payment; null when none is open. */
  expiresAt: z.nullable(timestampSchema),
});
export type Payment = z.infer<typeof paymentSchema>;

/** What the caller may do with an order now; the API decides, UIs never copy the rules. */
export const orderActionSchema = z.enum(['pay', 'cancel']);
export type OrderAction = z.infer<typeof orderActionSchema>;

/**
 * The payment attributes of an Orders row. Top-level attributes (not one map) so that conditional
 * writes can test each one, also on rows written before payments existed, which have none of them
 * and read as unpaid.
 */
export const paymentRowShape = {
  paymentStatus: z.optional(paymentStatusSchema),
  paymentProvider: z.optional(paymentProviderSchema),
  paidAt: z.optional(timestampSchema),
  refundedAt: z.optional(timestampSchema),
  /** The provider's id of the payment taken (what a refund names). */
  paymentId: z.optional(z.string()),
  refundId: z.optional(z.string()),
  /** The open checkout: kept on the row so asking to pay twice gives the same page. */
  checkoutSessionId: z.optional(z.string()),
  checkoutUrl: z.optional(z.string()),
  checkoutExpiresAt: z.optional(timestampSchema),
  /** Checkouts created so far; numbers the provider idempotency key of the next one. */
  checkoutCount: z.optional(z.int()),
};
