import { centsSchema, idSchema, integer, pageInputSchema, timestampSchema } from '../common.ts';
import * as z from 'zod/mini';
import {
  MAX_IDEMPOTENCY_KEY_LENGTH,
  MAX_ORDER_LINES,
  MAX_QUANTITY,
  MIN_IDEMPOTENCY_KEY_LENGTH,
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
} from '../rules.ts';
import { orderActionSchema, paymentRowShape, paymentSchema } from '../payments/schema.ts';

export { MAX_IDEMPOTENCY_KEY_LENGTH, MAX_ORDER_LINES, MAX_QUANTITY, MIN_IDEMPOTENCY_KEY_LENGTH };

export const orderStatusSchema = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof orderStatusSchema>;

/** The only status moves the contract allows. */
export const allowedTransitions: Readonly<Record<OrderStatus, readonly OrderStatus[]>> =
  ORDER_TRANSITIONS;

export const quantitySchema = integer(1, MAX_QUANTITY);

export const orderItemSchema = z.object({
  id: idSchema,
  orderId: idSchema,
  productId: idSchema,
  productName: z.string().check(z.minLength(1), z.maxLength(200)),
  quantity: quantitySchema,
  /** Unit price in cents at the time of purchase. */
  price: centsSchema,
});
export type OrderItem = z.infer<typeof orderItemSchema>;

/** The address as it was when the order was placed; later edits never change it. */
export const shippingAddressSchema = z.object({
  /** Orders placed before v3 have none: they read with an empty one. */
  recipientName: z._default(z.string(), ''),
  street: z.string(),
  city: z.string(),
  state: z.string(),
  zipCode: z.string(),
  country: z.string(),
});
export type ShippingAddress = z.infer<typeof shippingAddressSchema>;

export const orderSchema = z.object({
  id: idSchema,
  userId: idSchema,
  orderDate: timestampSchema,
  status: orderStatusSchema,
  totalAmount: z.int().check(z.gte(0)),
  currency: z.string(),
  shippingAddressId: idSchema,
  shippingAddress: shippingAddressSchema,
  payment: paymentSchema,
  actions: z.array(orderActionSchema),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type Order = z.infer<typeof orderSchema>;

/**
 * The Orders row: the public fields, the lines (so cancelling restores stock from a strongly
 * consistent read, never from the eventually consistent `orderId-index`) and, for idempotent
 * requests, a hash of the request. Rows written before snapshots existed have no
 * `shippingAddress`; they read with an empty one (see docs/data.md, "Orders").
 */
export const orderRowSchema = z.extend(z.omit(orderSchema, { payment: true, actions: true }), {
  /** Rows written before payments (v3) have no currency: they were placed in the default one. */
  currency: z._default(z.string(), 'USD'),
  ...paymentRowShape,
  shippingAddress: z._default(shippingAddressSchema, {
    recipientName: '',
    street: '',
    city: '',
    state: '',
    zipCode: '',
    country: '',
  }),
  lines: z.array(z.object({ productId: idSchema, quantity: quantitySchema })),
  requestHash: z.optional(z.string()),
});
export type OrderRow = z.infer<typeof orderRowSchema>;
export type OrderWithItems = Order & { items: OrderItem[] };

/** The most an order can total: 25 lines of 100 units at the highest price. */
const centsTotalSchema = z
  .int()
  .check(z.gte(0), z.lte(MAX_ORDER_LINES * MAX_QUANTITY * 100_000_000));

/** 1–25 lines of distinct products: what `orders.create` and `orders.quote` take. */
export const orderLinesSchema = z
  .array(z.object({ productId: idSchema, quantity: quantitySchema }))
  .check(
    z.minLength(1),
    z.maxLength(MAX_ORDER_LINES),
    z.refine(
      (lines) => new Set(lines.map((l) => l.productId)).size === lines.length,
      'Each product may appear only once',
    ),
  );

export const createOrderInputSchema = z.object({
  items: orderLinesSchema,
  shippingAddressId: idSchema,
  /** The total (cents) the shopper was shown; a different one refuses the order. */
  expectedTotal: z.optional(centsTotalSchema),
  idempotencyKey: z.optional(
    z
      .string()
      .check(z.minLength(MIN_IDEMPOTENCY_KEY_LENGTH), z.maxLength(MAX_IDEMPOTENCY_KEY_LENGTH)),
  ),
});
export const quoteInputSchema = z.object({ items: orderLinesSchema });
export type QuoteInput = z.infer<typeof quoteInputSchema>;

export type CreateOrderInput = z.infer<typeof createOrderInputSchema>;

export const listOrdersInputSchema = pageInputSchema;
export const adminListOrdersInputSchema = z.extend(pageInputSchema, {
  status: z.optional(orderStatusSchema),
});
export type AdminListOrdersInput = z.infer<typeof adminListOrdersInputSchema>;
export const updateOrderStatusInputSchema = z.object({ id: idSchema, status: orderStatusSchema });
