/**
 * The rules a UI (and the stacks) need, stated once (exported to browsers by `browser.ts`). Plain values only: no
 * AWS SDK, no Node built-in, nothing that pulls the domain's server code into a browser bundle.
 * The core's schemas are built from these, so a UI that imports them cannot drift from the API.
 * A plain list of exports; keep it that way.
 */

/** Every order status, in the order an order moves through them. */
export const ORDER_STATUSES = ['PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'] as const;
export type OrderStatusName = (typeof ORDER_STATUSES)[number];

/** The only status moves the contract allows (an admin's `orders.updateStatus`). */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatusName, readonly OrderStatusName[]>> = {
  PENDING: ['PAID', 'CANCELLED'],
  PAID: ['SHIPPED', 'CANCELLED'],
  SHIPPED: ['DELIVERED'],
  DELIVERED: [],
  CANCELLED: [],
};

/** The Cognito group whose members are admins (the pool's group, the token's `cognito:groups`). */
export const ADMIN_GROUP = 'admin';

/** The user pool's password policy; the core's `passwordSchema` checks the same rules. */
export const PASSWORD_POLICY = {
  minLength: 8,
  maxLength: 256,
  requireLowercase: true,
  requireUppercase: true,
  requireDigits: true,
  requireSymbols: true,
} as const;

/** The policy as checks with the message a person reads (what a form shows before submitting). */
export const PASSWORD_RULES: readonly { pattern: RegExp; message: string }[] = [
  { pattern: /[A-Z]/, message: 'Password must contain an upper-case letter' },
  { pattern: /[a-z]/, message: 'Password must contain a lower-case letter' },
  { pattern: /[0-9]/, message: 'Password must contain a digit' },
  { pattern: /[^A-Za-z0-9]/, message: 'Password must contain a symbol' },
];

/** Every rule `password` breaks, empty when it meets the policy. */
export function passwordProblems(password: string): string[] {
  const { minLength, maxLength } = PASSWORD_POLICY;
  return [
    ...(password.length < minLength ? [`Password must be at least ${minLength} characters`] : []),
    ...(password.length > maxLength ? [`Password must be at most ${maxLength} characters`] : []),
    ...PASSWORD_RULES.filter((r) => !r.pattern.test(password)).map((r) => r.message),
  ];
}

/** List procedures: `limit` 1..MAX_PAGE_LIMIT, DEFAULT_PAGE_SIZE when absent. */
export const MAX_PAGE_LIMIT = 100;
export const DEFAULT_PAGE_SIZE = 20;
/** An order: 1..MAX_ORDER_LINES lines of distinct products, each 1..MAX_QUANTITY. */
export const MAX_ORDER_LINES = 25;
export const MAX_QUANTITY = 100;
export const MIN_IDEMPOTENCY_KEY_LENGTH = 8;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 64;
