import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CheckoutSessionObject, EventObject, LineItem } from './stripe/objects.ts';
import type { Fault } from './stripe/server.ts';
import type { DeliveryAttempt } from './stripe/webhooks.ts';
import { freePort, spawnTied, waitUntilReady } from './process.ts';

export { TEST_CARDS } from './stripe/checkout.ts';
export { signPayload } from './stripe/webhooks.ts';
export type { Fault as StripeFault } from './stripe/server.ts';
export type { CheckoutSessionObject, EventObject } from './stripe/objects.ts';
export type { DeliveryAttempt } from './stripe/webhooks.ts';

export interface StripeLocal {
  /** `http://127.0.0.1:<port>`: the API, the hosted pages (`/pay/:id`) and `/_test/`. */
  endpoint: string;
  /** What the `stripe` SDK's `host`/`port`/`protocol` options take. */
  host: string;
  port: number;
  protocol: 'http';
  secretKey: string;
  webhookSecret: string;
  control: StripeLocalControl;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Starts the Stripe-compatible local server in its own process group, tied to this process. Keys
 * are drawn at random unless given; webhooks go to `webhookUrl` (settable later through
 * `control.setWebhookUrl`).
 */
export async function startStripeLocal(
  options: {
    port?: number;
    secretKey?: string;
    webhookSecret?: string;
    webhookUrl?: string;
    /** First webhook retry delay in ms (doubling after); Stripe's is hours, ours 1 s. */
    retryBaseMs?: number;
    maxAttempts?: number;
  } = {},
): Promise<StripeLocal> {
  const port = options.port ?? (await freePort());
  const secretKey = options.secretKey ?? `sk_test_local${randomBytes(12).toString('hex')}`;
  const webhookSecret = options.webhookSecret ?? `whsec_local${randomBytes(16).toString('hex')}`;
  const main = fileURLToPath(new URL('stripe/main.ts', import.meta.url));
  // Not `import.meta.resolve`: vitest's module runner (its globalSetup) does not support it.
  const tsx = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const loader = pathToFileURL(join(tsx, 'dist', 'loader.mjs')).href;
  const proc = spawnTied(process.execPath, ['--import', loader, main], {
    env: {
      ...process.env,
      STRIPE_LOCAL_PORT: String(port),
      STRIPE_LOCAL_HOST: '127.0.0.1',
      STRIPE_LOCAL_SECRET_KEY: secretKey,
      STRIPE_LOCAL_WEBHOOK_SECRET: webhookSecret,
      STRIPE_LOCAL_WEBHOOK_URL: options.webhookUrl ?? '',
      STRIPE_LOCAL_RETRY_BASE_MS: String(options.retryBaseMs ?? 1000),
      STRIPE_LOCAL_MAX_ATTEMPTS: String(options.maxAttempts ?? 8),
    },
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const control = stripeLocalControl(endpoint);
  await waitUntilReady('Stripe local server', proc, () => control.health());
  return {
    endpoint,
    host: '127.0.0.1',
    port,
    protocol: 'http',
    secretKey,
    webhookSecret,
    control,
    exited: proc.exited,
    stop: () => proc.stop(),
  };
}

export type PayResult =
  | { status: 'succeeded'; redirectUrl: string }
  | { status: 'declined'; message: string }
  | { status: 'requires_action' };

export interface StripeLocalControl {
  health(): Promise<void>;
  pay(sessionId: string, card: string): Promise<PayResult>;
  authenticate(sessionId: string, outcome: 'complete' | 'fail'): Promise<PayResult>;
  advanceClock(seconds: number): Promise<{ now: number }>;
  /** Every Checkout Session (with its lines), as the server holds it now. */
  sessions(): Promise<(CheckoutSessionObject & { line_items: LineItem[] })[]>;
  events(): Promise<{ event: EventObject; attempts: DeliveryAttempt[] }[]>;
  resend(eventId: string): Promise<void>;
  holdWebhooks(): Promise<void>;
  releaseWebhooks(options?: { order?: 'sent' | 'reverse'; copies?: number }): Promise<string[]>;
  /** Resolves once no delivery is in flight or waiting for a retry. */
  webhooksIdle(timeoutMs?: number): Promise<void>;
  setWebhookUrl(url: string | undefined): Promise<void>;
  injectFault(fault: Fault): Promise<void>;
  clearFaults(): Promise<void>;
  pendingRefunds(enabled: boolean): Promise<void>;
  succeedRefund(refundId: string): Promise<void>;
}

/** A client of the `/_test/` control API. */
export function stripeLocalControl(endpoint: string): StripeLocalControl {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${endpoint}/_test${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as T & { error?: { message: string } };
    if (!response.ok) {
      throw new Error(`${method} /_test${path}: ${response.status} ${json.error?.message ?? ''}`);
    }
    return json;
  };
  return {
    health: () => call('GET', '/health'),
    pay: (id, card) => call('POST', `/sessions/${id}/pay`, { card }),
    authenticate: (id, outcome) => call('POST', `/sessions/${id}/authenticate`, { outcome }),
    advanceClock: (seconds) => call('POST', '/clock/advance', { seconds }),
    sessions: async () => (await call<{ data: never[] }>('GET', '/sessions')).data,
    events: async () => (await call<{ data: never[] }>('GET', '/events')).data,
    resend: async (id) => void (await call('POST', `/events/${id}/resend`)),
    holdWebhooks: async () => void (await call('POST', '/webhooks/hold')),
    releaseWebhooks: async (options = {}) =>
      (await call<{ released: string[] }>('POST', '/webhooks/release', options)).released,
    async webhooksIdle(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!(await call<{ idle: boolean }>('GET', '/webhooks/idle')).idle) {
        if (Date.now() > deadline) throw new Error('Webhook deliveries still pending');
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    setWebhookUrl: async (url) => void (await call('POST', '/webhooks/endpoint', { url })),
    injectFault: async (fault) => void (await call('POST', '/faults', fault)),
    clearFaults: async () => void (await call('DELETE', '/faults')),
    pendingRefunds: async (enabled) => void (await call('POST', '/refunds/pending', { enabled })),
    succeedRefund: async (id) => void (await call('POST', `/refunds/${id}/succeed`)),
  };
}
