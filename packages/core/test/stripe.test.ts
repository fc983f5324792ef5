import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startStripeLocal, TEST_CARDS, type StripeLocal } from '@shop/testing';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  WebhookSignatureError,
  type CheckoutRequest,
  type PaymentEvent,
  type PaymentProvider,
} from '../src/payments/provider.ts';
import { createStripeProvider } from '../src/payments/stripe.ts';

/** What the shop's webhook route would see: the raw body and its signature header. */
interface Delivery {
  body: string;
  signature: string | undefined;
}

const EVENT_ID: unknown = expect.stringMatching(/^evt_/);
const PAYMENT_ID: unknown = expect.stringMatching(/^pi_/);

let stripe: StripeLocal;
let provider: PaymentProvider;
let receiver: Server;
let deliveries: Delivery[] = [];
/** Answers the next N deliveries with 500, as a webhook route that is down would. */
let failNext = 0;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failNext > 0) {
        failNext--;
        res.writeHead(500).end();
        return;
      }
      const signature = req.headers['stripe-signature'];
      deliveries.push({
        body: Buffer.concat(chunks).toString('utf8'),
        signature: typeof signature === 'string' ? signature : undefined,
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', ok));
  const { port } = receiver.address() as AddressInfo;
  stripe = await startStripeLocal({
    webhookUrl: `http://127.0.0.1:${port}/webhooks/payments`,
    retryBaseMs: 20,
    maxAttempts: 4,
  });
  provider = providerFor(stripe.secretKey);
});

afterAll(async () => {
  await stripe?.stop();
  await new Promise((ok) => receiver?.close(ok));
});

beforeEach(async () => {
  await stripe.control.webhooksIdle();
  deliveries = [];
  failNext = 0;
  await stripe.control.clearFaults();
  await stripe.control.pendingRefunds(false);
});

const providerFor = (secretKey: string, extra: { now?: () => number } = {}) =>
  createStripeProvider({
    secretKey,
    webhookSecret: stripe.webhookSecret,
    host: stripe.host,
    port: stripe.port,
    protocol: stripe.protocol,
    timeoutMs: 2000,
    maxNetworkRetries: 2,
    ...extra,
  });

const request = (overrides: Partial<CheckoutRequest> = {}): CheckoutRequest => ({
  orderId: `order-${randomUUID()}`,
  userId: 'user-1',
  amount: 2 * 1250 + 999,
  currency: 'USD',
  lines: [
    { name: 'Lamp', unitAmount: 1250, quantity: 2 },
    { name: 'Bulb', unitAmount: 999, quantity: 1 },
  ],
  successUrl: 'http://localhost:5173/orders/o1?paid={CHECKOUT_SESSION_ID}',
  cancelUrl: 'http://localhost:5173/orders/o1',
  expiresAt: new Date(Date.now() + 45 * 60_000),
  idempotencyKey: `pay-${randomUUID()}`,
  ...overrides,
});

/** Every delivery so far, verified and translated by the adapter. */
async function events(): Promise<PaymentEvent[]> {
  await stripe.control.webhooksIdle();
  return deliveries.map((d) => provider.parseWebhook(d.body, d.signature));
}

const acted = (list: PaymentEvent[]) => list.filter((e) => e.type !== 'ignored');

async function paidCheckout() {
  const req = request();
  const session = await provider.createCheckout(req);
  const paid = await stripe.control.pay(session.sessionId, TEST_CARDS.success);
  expect(paid.status).toBe('succeeded');
  const completed = acted(await events()).find((e) => e.type === 'checkout.completed');
  if (completed?.type !== 'checkout.completed') throw new Error('no checkout.completed');
  deliveries = [];
  return { req, session, paymentId: completed.paymentId };
}

describe('the Stripe adapter against the local Stripe server', () => {
  it('creates a checkout session whose hosted page the shopper can open', async () => {
    const req = request();
    const session = await provider.createCheckout(req);
    expect(session.sessionId).toMatch(/^cs_test_/);
    expect(session.url).toBe(`${stripe.endpoint}/pay/${session.sessionId}`);
    expect(session.expiresAt).toBe(
      new Date(Math.floor(req.expiresAt.getTime() / 1000) * 1000).toISOString(),
    );
    const page = await fetch(session.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Pay $34.99');
    expect(await provider.getCheckout(session.sessionId)).toMatchObject({ status: 'open' });
  });

  it('marks a session paid with the success card and sends a signed checkout.completed', async () => {
    const req = request();
    const session = await provider.createCheckout(req);
    const paid = await stripe.control.pay(session.sessionId, '4242 4242 4242 4242');
    expect(paid).toEqual({
      status: 'succeeded',
      redirectUrl: `http://localhost:5173/orders/o1?paid=${session.sessionId}`,
    });
    const completed = acted(await events());
    expect(completed).toEqual([
      {
        type: 'checkout.completed',
        eventId: EVENT_ID,
        sessionId: session.sessionId,
        orderId: req.orderId,
        paymentId: PAYMENT_ID,
        amount: 3499,
        currency: 'USD',
      },
    ]);
    expect(await provider.getCheckout(session.sessionId)).toMatchObject({ status: 'complete' });
  });

  it('keeps a declined session open so that the shopper can pay again', async () => {
    const session = await provider.createCheckout(request());
    expect(await stripe.control.pay(session.sessionId, TEST_CARDS.declined)).toEqual({
      status: 'declined',
      message: 'Your card was declined.',
    });
    expect(await provider.getCheckout(session.sessionId)).toMatchObject({ status: 'open' });
    expect(acted(await events())).toEqual([]);
    await stripe.control.pay(session.sessionId, TEST_CARDS.success);
    expect(acted(await events()).map((e) => e.type)).toEqual(['checkout.completed']);
  });

  it('asks for authentication with the 3-D Secure card, and pays only once it is completed', async () => {
    const session = await provider.createCheckout(request());
    const id = session.sessionId;
    expect(await stripe.control.pay(id, TEST_CARDS.authentication)).toEqual({
      status: 'requires_action',
    });
    expect(await stripe.control.authenticate(id, 'fail')).toMatchObject({ status: 'declined' });
    expect(await provider.getCheckout(id)).toMatchObject({ status: 'open' });
    await stripe.control.pay(id, TEST_CARDS.authentication);
    expect(acted(await events())).toEqual([]);
    expect(await stripe.control.authenticate(id, 'complete')).toMatchObject({
      status: 'succeeded',
    });
    expect(acted(await events()).map((e) => e.type)).toEqual(['checkout.completed']);
  });

  it('expires a session on request, once, and says so by a checkout.expired event', async () => {
    const req = request();
    const session = await provider.createCheckout(req);
    await provider.expireCheckout(session.sessionId);
    await provider.expireCheckout(session.sessionId); // already expired: no error
    expect(await provider.getCheckout(session.sessionId)).toMatchObject({ status: 'expired' });
    expect(acted(await events())).toEqual([
      {
        type: 'checkout.expired',
        eventId: EVENT_ID,
        sessionId: session.sessionId,
        orderId: req.orderId,
      },
    ]);
    const page = await fetch(session.url);
    expect(page.status).toBe(410);
  });

  it('does not fail to expire a session that was paid meanwhile, and leaves it paid', async () => {
    const { session } = await paidCheckout();
    await provider.expireCheckout(session.sessionId);
    expect(await provider.getCheckout(session.sessionId)).toMatchObject({ status: 'complete' });
  });

  it('expires a session by itself at its expires_at', async () => {
    const session = await provider.createCheckout(request());
    const seconds = (new Date(session.expiresAt).getTime() - Date.now()) / 1000;
    const moved = Math.ceil(seconds) + 1;
    await stripe.control.advanceClock(moved);
    try {
      const mine = (await events()).filter(
        (e) => e.type === 'checkout.expired' && e.sessionId === session.sessionId,
      );
      expect(mine).toHaveLength(1);
      expect(await provider.getCheckout(session.sessionId)).toMatchObject({ status: 'expired' });
    } finally {
      await stripe.control.advanceClock(-moved);
    }
  });

  it('moves an expiry Stripe would refuse (under 30 minutes) inside its bounds', async () => {
    const session = await provider.createCheckout(
      request({ expiresAt: new Date(Date.now() + 5 * 60_000) }),
    );
    const minutes = (new Date(session.expiresAt).getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThanOrEqual(30);
    expect(minutes).toBeLessThan(32);
  });

  it('refuses lines that do not add up to the amount, and leaves no session open to pay', async () => {
    await expect(provider.createCheckout(request({ amount: 1 }))).rejects.toThrow(/differs/);
    expect(acted(await events()).map((e) => e.type)).toEqual(['checkout.expired']);
  });

  it('returns the same session for the same idempotency key, and refuses the key with other params', async () => {
    const req = request();
    const first = await provider.createCheckout(req);
    const again = await provider.createCheckout(req);
    expect(again.sessionId).toBe(first.sessionId);
    const changed = provider.createCheckout({ ...req, cancelUrl: 'http://localhost:5173/x' });
    await expect(changed).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it('refunds a payment once per idempotency key, with a refund.succeeded naming the order', async () => {
    const { req, paymentId } = await paidCheckout();
    const key = `refund-${randomUUID()}`;
    const refund = await provider.refund({ paymentId, amount: 3499, idempotencyKey: key });
    expect(refund.refundId).toMatch(/^re_/);
    const again = await provider.refund({ paymentId, amount: 3499, idempotencyKey: key });
    expect(again).toEqual(refund);
    expect(acted(await events())).toEqual([
      {
        type: 'refund.succeeded',
        eventId: EVENT_ID,
        paymentId,
        refundId: refund.refundId,
        orderId: req.orderId,
      },
    ]);
    // A second refund (another key) finds nothing left to refund.
    const more = provider.refund({
      paymentId,
      amount: 1,
      idempotencyKey: `refund-${randomUUID()}`,
    });
    await expect(more).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'charge_already_refunded',
    });
  });

  it('reports a pending refund only once it succeeds (refund.updated)', async () => {
    const { paymentId } = await paidCheckout();
    await stripe.control.pendingRefunds(true);
    const { refundId } = await provider.refund({
      paymentId,
      amount: 3499,
      idempotencyKey: `refund-${randomUUID()}`,
    });
    expect(acted(await events())).toEqual([]);
    await stripe.control.succeedRefund(refundId);
    expect(acted(await events())).toMatchObject([{ type: 'refund.succeeded', refundId }]);
  });

  it('delivers events again until the endpoint accepts them', async () => {
    failNext = 2;
    const session = await provider.createCheckout(request());
    await provider.expireCheckout(session.sessionId);
    expect(acted(await events()).map((e) => e.type)).toEqual(['checkout.expired']);
    const log = await stripe.control.events();
    const expired = log.find(
      (e) =>
        e.event.type === 'checkout.session.expired' && e.event.data.object.id === session.sessionId,
    );
    expect(expired?.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
  });

  it('can deliver events twice and in reverse order, each one verifiable', async () => {
    const session = await provider.createCheckout(request());
    await stripe.control.holdWebhooks();
    await stripe.control.pay(session.sessionId, TEST_CARDS.success);
    const released = await stripe.control.releaseWebhooks({ order: 'reverse', copies: 2 });
    const received = await events();
    expect(received).toHaveLength(released.length * 2);
    expect(new Set(received.map((e) => e.eventId))).toEqual(new Set(released));
    expect(acted(received).map((e) => e.type)).toEqual([
      'checkout.completed',
      'checkout.completed',
    ]);
  });

  it('refuses a forged, altered, unsigned or stale webhook', async () => {
    const session = await provider.createCheckout(request());
    await provider.expireCheckout(session.sessionId);
    await stripe.control.webhooksIdle();
    const { body, signature } = deliveries.at(-1)!;
    expect(() => provider.parseWebhook(body, signature)).not.toThrow();
    const forged = Stripe.webhooks.generateTestHeaderString({
      payload: body,
      secret: 'whsec_forged',
    });
    expect(() => provider.parseWebhook(body, forged)).toThrow(WebhookSignatureError);
    expect(() => provider.parseWebhook(body.replace('expired', 'complete'), signature)).toThrow(
      WebhookSignatureError,
    );
    expect(() => provider.parseWebhook(body, undefined)).toThrow(WebhookSignatureError);
    // Replayed six minutes later: outside Stripe's five-minute tolerance.
    const later = providerFor(stripe.secretKey, { now: () => Date.now() + 6 * 60_000 });
    expect(() => later.parseWebhook(body, signature)).toThrow(WebhookSignatureError);
  });

  it('signs webhooks exactly as the SDK computes a signature', async () => {
    const session = await provider.createCheckout(request());
    await provider.expireCheckout(session.sessionId);
    await stripe.control.webhooksIdle();
    const { body, signature } = deliveries.at(-1)!;
    const timestamp = Number(/t=(\d+)/.exec(signature!)![1]);
    const expected = Stripe.webhooks.generateTestHeaderString({
      payload: body,
      secret: stripe.webhookSecret,
      timestamp,
    });
    expect(signature).toBe(expected);
  });

  it("reaches the SDK as Stripe's error classes", async () => {
    const wrongKey = providerFor('sk_test_wrong');
    await expect(wrongKey.getCheckout('cs_test_x')).rejects.toBeInstanceOf(
      Stripe.errors.StripeAuthenticationError,
    );
    await expect(provider.getCheckout('cs_test_missing')).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'resource_missing',
      statusCode: 404,
    });
    const tooSmall = provider.createCheckout(
      request({ amount: 10, lines: [{ name: 'Pin', unitAmount: 10, quantity: 1 }] }),
    );
    await expect(tooSmall).rejects.toMatchObject({ code: 'amount_too_small' });
  });

  it('survives a 500 and a lost answer: the SDK retries with the same key, one refund results', async () => {
    const { paymentId } = await paidCheckout();
    await stripe.control.injectFault({ path: '/v1/checkout/sessions', kind: 'error', times: 1 });
    const session = await provider.createCheckout(request());
    expect(session.sessionId).toMatch(/^cs_test_/);
    await stripe.control.injectFault({ path: '/v1/refunds', kind: 'lose', times: 1 });
    const refund = await provider.refund({
      paymentId,
      amount: 3499,
      idempotencyKey: `refund-${randomUUID()}`,
    });
    const refunds = acted(await events()).filter((e) => e.type === 'refund.succeeded');
    expect(refunds).toMatchObject([{ refundId: refund.refundId }]);
  });
});
