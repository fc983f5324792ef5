import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  systemClock,
  WebhookSignatureError,
  type CheckoutRequest,
  type CheckoutSession,
  type Clock,
  type PaymentEvent,
  type PaymentProvider,
} from '@shop/core';

/**
 * A payment provider for tests that keeps the port's promises as Stripe keeps them, in memory:
 * idempotency keys (same key and parameters → the same answer; other parameters → an error),
 * Checkout Sessions open for 30 minutes to 24 hours, at most one payment per session, at most the
 * amount paid refunded, `expireCheckout` silent on a finished session. Tests drive the shopper's
 * side (`complete`, `expire`), receive the events a webhook would carry (`signed`), and inject
 * faults on the shop's calls. It does not sign as Stripe does (an HMAC of the body in
 * `x-test-signature` form), which is what the real adapter and the local server are for.
 */
export type ProviderFaultKind = 'timeout' | '5xx' | 'lost';
type Method = 'createCheckout' | 'getCheckout' | 'expireCheckout' | 'refund';

export interface RecordedSession {
  request: CheckoutRequest;
  session: CheckoutSession;
  status: 'open' | 'complete' | 'expired';
  paymentId: string | undefined;
}

export interface RecordedRefund {
  refundId: string;
  paymentId: string;
  amount: number;
}

/** What a provider call failed with; `applied` tells whether the provider did it anyway. */
export class ProviderFault extends Error {
  constructor(
    readonly fault: ProviderFaultKind,
    readonly applied: boolean,
  ) {
    super(
      fault === '5xx'
        ? 'Provider answered 500'
        : fault === 'timeout'
          ? 'Provider call timed out'
          : 'Connection reset before the answer arrived',
    );
  }
}

const MIN_EXPIRY_MS = 30 * 60_000;
const MAX_EXPIRY_MS = 24 * 60 * 60_000;

export class RecordingProvider implements PaymentProvider {
  readonly name = 'stripe';
  /** Every call the shop made, in order (failed ones too). */
  readonly calls: { method: Method; args: unknown[]; fault?: ProviderFaultKind }[] = [];
  readonly sessions = new Map<string, RecordedSession>();
  /** Refunds made, by id; one per idempotency key. */
  readonly refunds = new Map<string, RecordedRefund>();
  private readonly byKey = new Map<string, { params: string; answer: unknown }>();
  private readonly faults: { method: Method; fault: ProviderFaultKind }[] = [];
  private readonly secret = randomUUID();

  constructor(private readonly clock: Clock = systemClock) {}

  /** The next call(s) of `method` fail with `fault` (`lost`: done at the provider, answer lost). */
  failNext(method: Method, fault: ProviderFaultKind, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push({ method, fault });
  }

  /** Payments taken (one per completed session). */
  get payments(): { paymentId: string; orderId: string; amount: number }[] {
    return [...this.sessions.values()].flatMap((s) =>
      s.paymentId
        ? [{ paymentId: s.paymentId, orderId: s.request.orderId, amount: s.request.amount }]
        : [],
    );
  }

  /** Sessions created for an order. */
  sessionsOf(orderId: string): RecordedSession[] {
    return [...this.sessions.values()].filter((s) => s.request.orderId === orderId);
  }

  refundsOf(paymentId: string): RecordedRefund[] {
    return [...this.refunds.values()].filter((r) => r.paymentId === paymentId);
  }

  // ---- the port ----

  createCheckout(request: CheckoutRequest): Promise<CheckoutSession> {
    return this.call('createCheckout', [request], () =>
      this.idempotent(request.idempotencyKey, request, () => {
        const now = this.clock.now().getTime();
        const ttl = request.expiresAt.getTime() - now;
        if (ttl < MIN_EXPIRY_MS - 1000 || ttl > MAX_EXPIRY_MS) {
          throw new Error('expires_at must be 30 minutes to 24 hours after creation');
        }
        if (!Number.isInteger(request.amount) || request.amount < 0) throw new Error('bad amount');
        const sessionId = `cs_test_${randomUUID().replaceAll('-', '')}`;
        const session: CheckoutSession = {
          sessionId,
          url: `https://checkout.test/pay/${sessionId}`,
          expiresAt: request.expiresAt.toISOString(),
        };
        this.sessions.set(sessionId, { request, session, status: 'open', paymentId: undefined });
        return session;
      }),
    );
  }

  getCheckout(sessionId: string) {
    return this.call('getCheckout', [sessionId], () => {
      const s = this.session(sessionId);
      return { ...s.session, status: s.status };
    });
  }

  expireCheckout(sessionId: string): Promise<void> {
    return this.call('expireCheckout', [sessionId], () => {
      const s = this.session(sessionId);
      if (s.status === 'open') s.status = 'expired';
    });
  }

  refund(input: { paymentId: string; amount: number; idempotencyKey: string }) {
    return this.call('refund', [input], () =>
      this.idempotent(input.idempotencyKey, input, () => {
        const paid = this.payments.find((p) => p.paymentId === input.paymentId);
        if (!paid) throw new Error(`No such payment: ${input.paymentId}`);
        const refunded = this.refundsOf(input.paymentId).reduce((sum, r) => sum + r.amount, 0);
        if (refunded + input.amount > paid.amount) throw new Error('charge_already_refunded');
        const refund = { refundId: `re_test_${randomUUID().slice(0, 12)}`, ...input };
        this.refunds.set(refund.refundId, {
          refundId: refund.refundId,
          paymentId: input.paymentId,
          amount: input.amount,
        });
        return { refundId: refund.refundId };
      }),
    );
  }

  parseWebhook(rawBody: string, signatureHeader: string | undefined): PaymentEvent {
    const expected = Buffer.from(this.signatureOf(rawBody));
    const given = Buffer.from(signatureHeader ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new WebhookSignatureError('Signature does not match the body');
    }
    return JSON.parse(rawBody) as PaymentEvent;
  }

  // ---- the shopper and the provider's side ----

  /** The shopper pays the session; returns the event the provider sends (amount/currency overridable). */
  complete(
    sessionId: string,
    override: { amount?: number; currency?: string } = {},
  ): Extract<PaymentEvent, { type: 'checkout.completed' }> {
    const s = this.session(sessionId);
    if (s.status !== 'open') throw new Error(`Session ${sessionId} is ${s.status}`);
    if (Date.parse(s.session.expiresAt) <= this.clock.now().getTime()) {
      s.status = 'expired';
      throw new Error(`Session ${sessionId} has expired`);
    }
    s.status = 'complete';
    s.paymentId = `pi_test_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
    return {
      type: 'checkout.completed',
      eventId: `evt_${randomUUID()}`,
      sessionId,
      orderId: s.request.orderId,
      paymentId: s.paymentId,
      amount: override.amount ?? s.request.amount,
      currency: (override.currency ?? s.request.currency).toLowerCase(),
    };
  }

  /** The session's expiry passes (or it was expired): the event the provider sends. */
  expire(sessionId: string): Extract<PaymentEvent, { type: 'checkout.expired' }> {
    const s = this.session(sessionId);
    if (s.status === 'open') s.status = 'expired';
    return {
      type: 'checkout.expired',
      eventId: `evt_${randomUUID()}`,
      sessionId,
      orderId: s.request.orderId,
    };
  }

  /** The refund went through: the event the provider sends. */
  refundSucceeded(refundId: string): Extract<PaymentEvent, { type: 'refund.succeeded' }> {
    const refund = this.refunds.get(refundId);
    if (!refund) throw new Error(`No such refund: ${refundId}`);
    const orderId = this.payments.find((p) => p.paymentId === refund.paymentId)?.orderId ?? null;
    return {
      type: 'refund.succeeded',
      eventId: `evt_${randomUUID()}`,
      paymentId: refund.paymentId,
      refundId,
      orderId,
    };
  }

  /** An event as the webhook receives it: the raw body and its signature header. */
  signed(event: PaymentEvent): { body: string; signature: string } {
    const body = JSON.stringify(event);
    return { body, signature: this.signatureOf(body) };
  }

  private signatureOf(body: string): string {
    return `v1=${createHmac('sha256', this.secret).update(body).digest('hex')}`;
  }

  private session(sessionId: string): RecordedSession {
    const s = this.sessions.get(sessionId);
    if (!s) throw new Error(`No such checkout session: ${sessionId}`);
    return s;
  }

  /** Same key, same parameters: the first answer again. Same key, other parameters: an error. */
  private idempotent<T>(key: string, params: object, run: () => T): T {
    const serialized = JSON.stringify(params);
    const seen = this.byKey.get(key);
    if (seen) {
      if (seen.params !== serialized) {
        throw new Error('Keys for idempotent requests can only be used with the same parameters');
      }
      return seen.answer as T;
    }
    const answer = run();
    this.byKey.set(key, { params: serialized, answer });
    return answer;
  }

  private async call<T>(method: Method, args: unknown[], run: () => T): Promise<T> {
    const index = this.faults.findIndex((f) => f.method === method);
    const fault = index >= 0 ? this.faults.splice(index, 1)[0]!.fault : undefined;
    this.calls.push({ method, args, ...(fault ? { fault } : {}) });
    await Promise.resolve();
    if (fault === 'timeout' || fault === '5xx') throw new ProviderFault(fault, false);
    const result = run();
    if (fault === 'lost') throw new ProviderFault(fault, true);
    return result;
  }
}
