import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeForm } from '../src/emulators/stripe/form.ts';
import { signPayload, startStripeLocal, type StripeLocal } from '../src/index.ts';

let stripe: StripeLocal;

beforeAll(async () => {
  stripe = await startStripeLocal();
});

afterAll(async () => {
  await stripe?.stop();
});

const SESSION_FORM = {
  mode: 'payment',
  'line_items[0][quantity]': '2',
  'line_items[0][price_data][currency]': 'usd',
  'line_items[0][price_data][unit_amount]': '1250',
  'line_items[0][price_data][product_data][name]': 'Lamp <b>',
  'metadata[orderId]': 'order-1',
  success_url: 'http://localhost:5173/orders/order-1?session={CHECKOUT_SESSION_ID}',
  cancel_url: 'http://localhost:5173/orders/order-1',
};

/** The fields these tests read from Stripe objects and errors. */
interface Answer {
  id: string;
  url: string;
  created: number;
  expires_at: number;
  payment_intent: string;
  error: { type: string; code?: string; param?: string; message: string };
}

async function api(
  path: string,
  form?: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Answer; headers: Headers }> {
  const response = await fetch(`${stripe.endpoint}${path}`, {
    method: form ? 'POST' : 'GET',
    headers: {
      authorization: `Bearer ${stripe.secretKey}`,
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...headers,
    },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  return {
    status: response.status,
    body: (await response.json()) as Answer,
    headers: response.headers,
  };
}

/** Submits the hosted page's form as a browser would, without following the redirect. */
const submit = (path: string, fields: Record<string, string>) =>
  fetch(`${stripe.endpoint}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });

describe("Stripe's request encoding", () => {
  it('reads bracketed keys into nested objects and arrays', () => {
    expect(
      decodeForm(
        'line_items[0][price_data][unit_amount]=5&line_items[1][quantity]=2&expand[]=a&expand[]=b&metadata[k]=v',
      ),
    ).toEqual({
      line_items: [{ price_data: { unit_amount: '5' } }, { quantity: '2' }],
      expand: ['a', 'b'],
      metadata: { k: 'v' },
    });
  });
});

describe('the local Stripe server', () => {
  it('answers a wrong or missing API key with 401 in Stripe’s error format', async () => {
    const wrong = await api('/v1/checkout/sessions/cs_test_x', undefined, {
      authorization: 'Bearer sk_test_wrongwrongwrong',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({
      error: {
        type: 'invalid_request_error',
        message: 'Invalid API Key provided: sk_test_***********rong',
      },
    });
    const missing = await api('/v1/checkout/sessions/cs_test_x', undefined, { authorization: '' });
    expect(missing.status).toBe(401);
  });

  it('creates a session shaped like Stripe’s, from form-encoded parameters', async () => {
    const { status, body, headers } = await api('/v1/checkout/sessions', SESSION_FORM);
    expect(status).toBe(200);
    expect(headers.get('request-id')).toMatch(/^req_/);
    expect(body).toMatchObject({
      object: 'checkout.session',
      livemode: false,
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      payment_intent: null,
      amount_total: 2500,
      currency: 'usd',
      metadata: { orderId: 'order-1' },
      url: `${stripe.endpoint}/pay/${body.id}`,
    });
    expect(body.id).toMatch(/^cs_test_/);
    expect(body.expires_at - body.created).toBe(24 * 60 * 60);
  });

  it('refuses unknown parameters and missing ones with the parameter named', async () => {
    const unknown = await api('/v1/checkout/sessions', { ...SESSION_FORM, payment_methods: 'x' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({
      type: 'invalid_request_error',
      param: 'payment_methods',
      message: 'Received unknown parameter: payment_methods',
    });
    const { success_url: _, ...withoutSuccess } = SESSION_FORM;
    const missing = await api('/v1/checkout/sessions', withoutSuccess);
    expect(missing.body.error).toMatchObject({ code: 'parameter_missing', param: 'success_url' });
  });

  it('replays the first answer for a repeated Idempotency-Key and refuses it with other params', async () => {
    const key = { 'idempotency-key': `key-${Date.now()}` };
    const first = await api('/v1/checkout/sessions', SESSION_FORM, key);
    const again = await api('/v1/checkout/sessions', SESSION_FORM, key);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await api('/v1/checkout/sessions', { ...SESSION_FORM, mode: 'payment ' }, key);
    expect(other.status).toBe(400);
    expect(other.body.error.type).toBe('idempotency_error');
  });

  it('serves a hosted page with no script, escaped names and a strict CSP, and pays by form', async () => {
    const { body: session } = await api('/v1/checkout/sessions', SESSION_FORM);
    const page = await fetch(session.url);
    const html = await page.text();
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html).not.toContain('<script');
    expect(html).not.toContain('style=');
    expect(html).toContain('Lamp &lt;b&gt; × 2');
    expect(html).toContain('<label for="card">Card number</label>');
    expect(html).toContain('href="http://localhost:5173/orders/order-1"');

    const declined = await submit(`/pay/${session.id}`, { card: '4000 0000 0000 0002' });
    expect(declined.status).toBe(402);
    expect(await declined.text()).toContain('role="alert" class="error">Your card was declined.');

    const challenge = await submit(`/pay/${session.id}`, { card: '4000002500003155' });
    expect(challenge.status).toBe(303);
    expect(challenge.headers.get('location')).toBe(`/pay/${session.id}/authenticate`);
    const authPage = await (
      await fetch(`${stripe.endpoint}/pay/${session.id}/authenticate`)
    ).text();
    expect(authPage).toContain('Complete authentication');
    expect(authPage).toContain('Fail authentication');

    const done = await submit(`/pay/${session.id}/authenticate`, { outcome: 'complete' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(
      `http://localhost:5173/orders/order-1?session=${session.id}`,
    );
    const after = await api(`/v1/checkout/sessions/${session.id}`);
    expect(after.body).toMatchObject({ status: 'complete', payment_status: 'paid', url: null });
    const intent = await api(`/v1/payment_intents/${after.body.payment_intent}`);
    expect(intent.body).toMatchObject({
      object: 'payment_intent',
      status: 'succeeded',
      amount_received: 2500,
    });
    expect((await fetch(session.url)).status).toBe(410);
  });

  it("signs as Stripe documents: HMAC-SHA256 of 't.payload', hex", () => {
    // Computed independently: printf '%s' '1700000000.{"id":"evt_1"}' | openssl dgst -sha256 -hmac whsec_test
    expect(signPayload('{"id":"evt_1"}', 'whsec_test', 1700000000)).toBe(
      't=1700000000,v1=c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925',
    );
  });
});
