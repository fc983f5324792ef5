import { describe, expect, it } from 'vitest';
import { actionsFor, paymentOf, type OrderRow } from '@shop/core';

// Pure (no emulator): what an order shows of its payment, and what its owner may do with it now
// (contract v3: `Order.payment`, `Order.actions`; the web offers exactly these actions).
const row = (over: Partial<OrderRow> = {}): OrderRow => ({
  id: 'o1',
  userId: 'u1',
  orderDate: '2026-12-05T00:00:00.000Z',
  status: 'PENDING',
  totalAmount: 1_000,
  currency: 'USD',
  shippingAddressId: 'a1',
  shippingAddress: {
    recipientName: '',
    street: '',
    city: '',
    state: '',
    zipCode: '',
    country: '',
  },
  lines: [{ productId: 'p1', quantity: 1 }],
  createdAt: '2026-12-05T00:00:00.000Z',
  updatedAt: '2026-12-05T00:00:00.000Z',
  ...over,
});

describe('actionsFor', () => {
  it('lets the owner pay and cancel a pending unpaid order', () => {
    expect(actionsFor(row(), 'u1')).toEqual(['pay', 'cancel']);
    expect(actionsFor(row({ paymentStatus: 'UNPAID' }), 'u1')).toEqual(['pay', 'cancel']);
  });

  it('lets the owner cancel a paid order, never pay it again', () => {
    expect(actionsFor(row({ status: 'PAID', paymentStatus: 'PAID' }), 'u1')).toEqual(['cancel']);
    expect(actionsFor(row({ status: 'PENDING', paymentStatus: 'PAID' }), 'u1')).toEqual(['cancel']);
  });

  it('offers nothing once shipped, delivered or cancelled', () => {
    for (const status of ['SHIPPED', 'DELIVERED', 'CANCELLED'] as const) {
      expect(actionsFor(row({ status }), 'u1')).toEqual([]);
    }
  });

  it('offers nothing to anyone but the owner (an admin included), nor to an anonymous viewer', () => {
    expect(actionsFor(row(), 'u2')).toEqual([]);
    expect(actionsFor(row(), undefined)).toEqual([]);
  });
});

describe('paymentOf', () => {
  it('reads a row written before payments as unpaid, with nothing open', () => {
    expect(paymentOf(row())).toEqual({
      status: 'UNPAID',
      provider: null,
      paidAt: null,
      refundedAt: null,
      expiresAt: null,
    });
  });

  it('shows the open checkout of a pending unpaid order until when it can be paid', () => {
    const open = row({
      checkoutSessionId: 'cs_1',
      checkoutExpiresAt: '2026-12-05T01:00:00.000Z',
      paymentProvider: 'stripe',
    });
    expect(paymentOf(open)).toEqual({
      status: 'UNPAID',
      provider: 'stripe',
      paidAt: null,
      refundedAt: null,
      expiresAt: '2026-12-05T01:00:00.000Z',
    });
    expect(paymentOf(row({ checkoutSessionId: 'cs_1' })).expiresAt).toBeNull();
  });

  it('shows no open checkout once the order is paid, cancelled or not yet created at the provider', () => {
    const base = { checkoutSessionId: 'cs_1', checkoutExpiresAt: '2026-12-05T01:00:00.000Z' };
    expect(paymentOf(row(base)).expiresAt).toBe('2026-12-05T01:00:00.000Z');
    expect(paymentOf(row({ ...base, paymentStatus: 'PAID' })).expiresAt).toBeNull();
    expect(paymentOf(row({ ...base, status: 'CANCELLED' })).expiresAt).toBeNull();
    expect(paymentOf(row({ checkoutExpiresAt: '2026-12-05T01:00:00.000Z' })).expiresAt).toBeNull();
  });

  it('carries the paid and refunded times', () => {
    const refunded = row({
      status: 'CANCELLED',
      paymentStatus: 'REFUNDED',
      paymentProvider: 'stripe',
      paidAt: '2026-12-05T00:10:00.000Z',
      refundedAt: '2026-12-05T00:20:00.000Z',
    });
    expect(paymentOf(refunded)).toEqual({
      status: 'REFUNDED',
      provider: 'stripe',
      paidAt: '2026-12-05T00:10:00.000Z',
      refundedAt: '2026-12-05T00:20:00.000Z',
      expiresAt: null,
    });
  });
});
