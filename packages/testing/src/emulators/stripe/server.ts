import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StripeAccount } from './checkout.ts';
import { controlRoutes } from './control.ts';
import { decodeForm, FormError } from './form.ts';
import {
  invalid,
  stripeId,
  StripeHttpError,
  type EventObject,
  type StripeObject,
} from './objects.ts';
import { authenticationPage, closedPage, payPage, STYLE } from './page.ts';
import { WebhookSender } from './webhooks.ts';

export interface StripeServerOptions {
  secretKey: string;
  webhookSecret: string;
  webhookUrl?: string | undefined;
  /** Base of the hosted page URLs; default `http://127.0.0.1:<port>`. */
  publicUrl?: string | undefined;
  retryBaseMs?: number;
  maxAttempts?: number;
  /** The API version events carry when no request told one (Stripe: the account's). */
  apiVersion?: string;
}

export interface Fault {
  method?: string;
  /** Path prefix, e.g. `/v1/refunds`. */
  path?: string;
  /** `error`: 500 before anything happens; `lose`: done, but the connection drops unanswered. */
  kind: 'error' | 'lose' | 'delay';
  delayMs?: number;
  times: number;
}

interface Saved {
  route: string;
  fingerprint: string;
  status: number;
  body: string;
}

/** A Stripe-compatible server for the subset of the API the shop's adapter uses. */
export class StripeServer {
  readonly http: Server;
  readonly account: StripeAccount;
  readonly webhooks: WebhookSender;
  readonly events: EventObject[] = [];
  readonly faults: Fault[] = [];
  /** Seconds the test moved the clock forward. */
  offsetSeconds = 0;
  private readonly idempotency = new Map<string, Saved>();
  private request: { id: string | null; idempotency_key: string | null } = {
    id: null,
    idempotency_key: null,
  };
  private apiVersion: string;
  private publicUrl = '';
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(readonly options: StripeServerOptions) {
    this.apiVersion = options.apiVersion ?? '2026-11-18.endive';
    this.account = new StripeAccount(
      { now: () => this.now() },
      // Read late: the port is known only once listening.
      () => this.publicUrl,
      (type, object) => this.emit(type, object),
    );
    this.webhooks = new WebhookSender({
      secret: options.webhookSecret,
      url: options.webhookUrl,
      retryBaseMs: options.retryBaseMs ?? 1000,
      maxAttempts: options.maxAttempts ?? 8,
      now: () => this.now(),
    });
    this.http = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        console.error(error);
        if (!res.headersSent) this.json(res, 500, errorBody('api_error', 'Internal error'));
        else res.destroy();
      });
    });
  }

  now(): number {
    return Math.floor(Date.now() / 1000) + this.offsetSeconds;
  }

  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve) => this.http.listen(port, host, resolve));
    const address = this.http.address() as AddressInfo;
    const url = `http://${host}:${address.port}`;
    this.publicUrl = this.options.publicUrl ?? url;
    // Sessions also expire on their own, as Stripe's do, not only when someone looks.
    this.expiryTimer = setInterval(() => this.account.expireDue(), 1000);
    this.expiryTimer.unref();
    return url;
  }

  async close(): Promise<void> {
    clearInterval(this.expiryTimer);
    this.webhooks.stop();
    this.http.closeAllConnections();
    await new Promise((resolve) => this.http.close(resolve));
  }

  emit(type: string, object: StripeObject): void {
    const event: EventObject = {
      id: stripeId('evt_'),
      object: 'event',
      api_version: this.apiVersion,
      created: this.now(),
      data: { object },
      livemode: false,
      pending_webhooks: this.webhooks.options.url ? 1 : 0,
      request: { ...this.request },
      type,
    };
    this.events.push(event);
    this.webhooks.send(event);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const body = await readBody(req);
    if (url.pathname.startsWith('/_test/')) return controlRoutes(this, req, res, url, body);
    if (url.pathname.startsWith('/pay')) return this.page(req, res, url, body);
    if (url.pathname.startsWith('/v1/')) return this.api(req, res, url, body);
    this.json(
      res,
      404,
      errorBody(
        'invalid_request_error',
        `Unrecognized request URL (${req.method}: ${url.pathname}).`,
      ),
    );
  }

  private async api(req: IncomingMessage, res: ServerResponse, url: URL, body: string) {
    const requestId = stripeId('req_', 14);
    res.setHeader('request-id', requestId);
    const version = req.headers['stripe-version'];
    if (typeof version === 'string') {
      this.apiVersion = version;
      res.setHeader('stripe-version', version);
    }
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (key !== this.options.secretKey) {
      const shown = key
        ? `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`
        : '';
      return this.json(
        res,
        401,
        errorBody(
          'invalid_request_error',
          key
            ? `Invalid API Key provided: ${shown}`
            : "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        ),
      );
    }
    const fault = this.takeFault(req.method ?? 'GET', url.pathname);
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.delayMs ?? 1000));
    if (fault?.kind === 'error') {
      return this.json(res, 500, errorBody('api_error', 'An unknown error occurred (injected).'));
    }
    const header = req.method === 'POST' ? req.headers['idempotency-key'] : undefined;
    const idempotencyKey = typeof header === 'string' ? header : undefined;
    const route = `${req.method} ${url.pathname}`;
    const fingerprint = createHash('sha256').update(body).digest('hex');
    if (typeof idempotencyKey === 'string') {
      res.setHeader('idempotency-key', idempotencyKey);
      const saved = this.idempotency.get(idempotencyKey);
      if (saved) {
        if (saved.route !== route || saved.fingerprint !== fingerprint) {
          return this.json(
            res,
            400,
            errorBody(
              'idempotency_error',
              `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            ),
          );
        }
        res.setHeader('idempotent-replayed', 'true');
        return this.send(res, saved.status, saved.body, fault);
      }
    }
    this.request = { id: requestId, idempotency_key: idempotencyKey ?? null };
    let status = 200;
    let result: unknown;
    let validated = false;
    try {
      const params = decodeForm(req.method === 'POST' ? body : url.search.slice(1));
      validated = true;
      result = this.route(req.method ?? 'GET', url.pathname, params);
    } catch (error) {
      const stripeError =
        error instanceof FormError
          ? invalid(error.message, error.param, 'parameter_invalid')
          : error instanceof StripeHttpError
            ? error
            : undefined;
      if (!stripeError) throw error;
      status = stripeError.status;
      result = { error: stripeError.body };
      // Stripe saves no result for a request that failed validation; a 404 did execute.
      validated = validated && !(error instanceof FormError);
    } finally {
      this.request = { id: null, idempotency_key: null };
    }
    const text = JSON.stringify(result, null, 2);
    if (typeof idempotencyKey === 'string' && validated) {
      this.idempotency.set(idempotencyKey, { route, fingerprint, status, body: text });
    }
    this.send(res, status, text, fault);
  }

  private route(method: string, path: string, params: ReturnType<typeof decodeForm>): unknown {
    const account = this.account;
    const session = /^\/v1\/checkout\/sessions\/([^/]+)(\/expire)?$/.exec(path);
    if (method === 'POST' && path === '/v1/checkout/sessions') return account.createSession(params);
    if (session && method === 'GET' && !session[2]) return account.session(session[1]!);
    if (session && method === 'POST' && session[2]) return account.expireSession(session[1]!);
    const intent = /^\/v1\/payment_intents\/([^/]+)$/.exec(path);
    if (intent && method === 'GET') return account.paymentIntent(intent[1]!);
    if (method === 'POST' && path === '/v1/refunds') return account.createRefund(params);
    const refund = /^\/v1\/refunds\/([^/]+)$/.exec(path);
    if (refund && method === 'GET') {
      const found = account.refunds.get(refund[1]!);
      if (!found) throw invalid(`No such refund: '${refund[1]}'`, 'id', 'resource_missing');
      return found;
    }
    throw new StripeHttpError(404, {
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${method}: ${path}). The local Stripe server models only the shop's subset of the API.`,
    });
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const index = this.faults.findIndex(
      (f) => (!f.method || f.method === method) && (!f.path || path.startsWith(f.path)),
    );
    if (index === -1) return undefined;
    const fault = this.faults[index]!;
    if (--fault.times <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private send(res: ServerResponse, status: number, text: string, fault?: Fault) {
    // The work is done and saved under its idempotency key, but the answer never arrives.
    if (fault?.kind === 'lose') return void res.socket?.destroy();
    res.writeHead(status, { 'content-type': 'application/json' }).end(text);
  }

  json(res: ServerResponse, status: number, value: unknown): void {
    res
      .writeHead(status, { 'content-type': 'application/json' })
      .end(JSON.stringify(value, null, 2));
  }

  private page(req: IncomingMessage, res: ServerResponse, url: URL, body: string) {
    if (url.pathname === '/pay/style.css') {
      return void res.writeHead(200, { 'content-type': 'text/css' }).end(STYLE);
    }
    const match = /^\/pay\/([^/]+)(\/authenticate)?$/.exec(url.pathname);
    const id = match?.[1] ?? '';
    const known = this.account.sessions.has(id);
    const session = known ? this.account.session(id) : undefined;
    const html = (status: number, text: string) => {
      const targets = [session?.success_url, session?.cancel_url]
        .filter((u): u is string => !!u && URL.canParse(u))
        .map((u) => new URL(u).origin);
      res
        .writeHead(status, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': `default-src 'none'; style-src 'self'; form-action 'self' ${targets.join(' ')}; base-uri 'none'; frame-ancestors 'none'`,
          'cache-control': 'no-store',
        })
        .end(text);
    };
    if (!session || session.status !== 'open')
      return html(session ? 410 : 404, closedPage(session));
    const lines = this.account.lines.get(id) ?? [];
    const form = new URLSearchParams(body);
    if (match?.[2]) {
      if (req.method !== 'POST' || !this.account.awaitingAuthentication.has(id)) {
        return this.account.awaitingAuthentication.has(id)
          ? html(200, authenticationPage(session))
          : void res.writeHead(303, { location: `/pay/${id}` }).end();
      }
      const outcome = this.account.authenticate(
        id,
        form.get('outcome') === 'complete' ? 'complete' : 'fail',
      );
      if (outcome.status === 'succeeded') {
        return void res.writeHead(303, { location: outcome.redirectUrl }).end();
      }
      return html(
        402,
        payPage(session, lines, { text: outcome.status === 'declined' ? outcome.message : '' }),
      );
    }
    if (req.method !== 'POST') return html(200, payPage(session, lines));
    const card = form.get('card') ?? '';
    const outcome = this.account.pay(id, card);
    if (outcome.status === 'succeeded')
      return void res.writeHead(303, { location: outcome.redirectUrl }).end();
    if (outcome.status === 'requires_action') {
      return void res.writeHead(303, { location: `/pay/${id}/authenticate` }).end();
    }
    html(402, payPage(session, lines, { text: outcome.message, card }));
  }
}

export function errorBody(type: string, message: string) {
  return { error: { type, message } };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
