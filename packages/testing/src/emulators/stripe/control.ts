import type { IncomingMessage, ServerResponse } from 'node:http';
import { StripeHttpError } from './objects.ts';
import type { Fault, StripeServer } from './server.ts';

/**
 * The test-control API, under `/_test/`, apart from Stripe's surface (`/v1/`). JSON in and out;
 * no API key (it only exists on a local server).
 *
 * - `GET  /_test/health`
 * - `POST /_test/sessions/:id/pay` `{ card }` → `{ status, redirectUrl? | message? }`
 * - `POST /_test/sessions/:id/authenticate` `{ outcome: 'complete' | 'fail' }`
 * - `POST /_test/clock/advance` `{ seconds }` → `{ now }`: sessions due expire at once
 * - `GET  /_test/sessions` → `{ data: [session & { line_items }] }`: every Checkout Session, as now
 * - `GET  /_test/events` → `{ data: [{ event, attempts }] }`
 * - `POST /_test/events/:id/resend`: deliver an event once more (a duplicate)
 * - `POST /_test/webhooks/hold`, `POST /_test/webhooks/release` `{ order?: 'sent'|'reverse', copies? }`
 * - `GET  /_test/webhooks/idle` → `{ idle }`: no delivery in flight or waiting for a retry
 * - `POST /_test/webhooks/endpoint` `{ url }`
 * - `POST /_test/faults` `Fault` (`{ method?, path?, kind: 'error'|'lose'|'delay', delayMs?, times }`),
 *   `DELETE /_test/faults`
 * - `POST /_test/refunds/pending` `{ enabled }`, `POST /_test/refunds/:id/succeed`
 */
export function controlRoutes(
  server: StripeServer,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: string,
): void {
  const input = (body ? JSON.parse(body) : {}) as Record<string, unknown>;
  const path = url.pathname.slice('/_test'.length);
  const method = req.method ?? 'GET';
  const account = server.account;
  const reply = (value: unknown, status = 200) => server.json(res, status, value);
  try {
    if (path === '/health') return reply({ ok: true });
    const session = /^\/sessions\/([^/]+)\/(pay|authenticate)$/.exec(path);
    if (session && method === 'POST') {
      const [, id, action] = session;
      if (action === 'pay')
        return reply(account.pay(id!, typeof input.card === 'string' ? input.card : ''));
      return reply(account.authenticate(id!, input.outcome === 'complete' ? 'complete' : 'fail'));
    }
    if (path === '/clock/advance' && method === 'POST') {
      server.offsetSeconds += Number(input.seconds ?? 0);
      account.expireDue();
      return reply({ now: server.now() });
    }
    if (path === '/sessions' && method === 'GET') {
      return reply({
        data: [...account.sessions.keys()].map((id) => ({
          ...account.session(id),
          line_items: account.lines.get(id) ?? [],
        })),
      });
    }
    if (path === '/events' && method === 'GET') {
      return reply({
        data: server.events.map((event) => ({
          event,
          attempts: server.webhooks.attempts.get(event.id) ?? [],
        })),
      });
    }
    const resend = /^\/events\/([^/]+)\/resend$/.exec(path);
    if (resend && method === 'POST') {
      const event = server.events.find((e) => e.id === resend[1]);
      if (!event) return reply({ error: { message: 'No such event' } }, 404);
      server.webhooks.resend(event);
      return reply({ id: event.id });
    }
    if (path === '/webhooks/hold' && method === 'POST') {
      server.webhooks.hold();
      return reply({ holding: true });
    }
    if (path === '/webhooks/release' && method === 'POST') {
      const order = input.order === 'reverse' ? 'reverse' : 'sent';
      return reply({ released: server.webhooks.release(order, Number(input.copies ?? 1)) });
    }
    if (path === '/webhooks/idle' && method === 'GET')
      return reply({ idle: server.webhooks.idle() });
    if (path === '/webhooks/endpoint' && method === 'POST') {
      server.webhooks.options.url = typeof input.url === 'string' ? input.url : undefined;
      return reply({ url: server.webhooks.options.url ?? null });
    }
    if (path === '/faults' && method === 'POST') {
      server.faults.push({ ...(input as unknown as Fault), times: Number(input.times ?? 1) });
      return reply({ faults: server.faults });
    }
    if (path === '/faults' && method === 'DELETE') {
      server.faults.length = 0;
      return reply({ faults: [] });
    }
    if (path === '/refunds/pending' && method === 'POST') {
      account.pendingRefunds = input.enabled === true;
      return reply({ pending: account.pendingRefunds });
    }
    const refund = /^\/refunds\/([^/]+)\/succeed$/.exec(path);
    if (refund && method === 'POST') return reply(account.succeedRefund(refund[1]!));
    return reply({ error: { message: `No control route ${method} ${url.pathname}` } }, 404);
  } catch (error) {
    if (error instanceof StripeHttpError) return reply({ error: error.body }, error.status);
    throw error;
  }
}
