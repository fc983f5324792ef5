import { createHmac } from 'node:crypto';
import type { EventObject } from './objects.ts';

/**
 * Stripe's signature: `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "t.payload")>`,
 * computed over the exact bytes sent.
 */
export function signPayload(payload: string, secret: string, timestamp: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

export interface DeliveryAttempt {
  at: number;
  status: number | null;
  error?: string;
}

export interface WebhookOptions {
  secret: string;
  /** Where events are POSTed; none: events are recorded, not sent. */
  url?: string | undefined;
  /** First retry delay; each later one doubles (Stripe: up to 3 days; here: `maxAttempts`). */
  retryBaseMs: number;
  maxAttempts: number;
  /** Unix seconds, the server's (movable) clock: the signature's timestamp. */
  now(): number;
}

/**
 * Delivers events as Stripe does: one POST per event, signed, retried with exponential backoff
 * while the endpoint answers non-2xx or not at all. Tests can hold events and release them in
 * reverse order or several times over, as Stripe may (it guarantees neither order nor once).
 */
export class WebhookSender {
  readonly attempts = new Map<string, DeliveryAttempt[]>();
  private held: EventObject[] | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;

  constructor(readonly options: WebhookOptions) {}

  send(event: EventObject): void {
    if (this.held) this.held.push(event);
    else this.deliver(event, 1);
  }

  hold(): void {
    this.held ??= [];
  }

  /** Sends every held event, in `order`, each `copies` times; stops holding. */
  release(order: 'sent' | 'reverse' = 'sent', copies = 1): string[] {
    const events = this.held ?? [];
    this.held = null;
    const ordered = order === 'reverse' ? [...events].reverse() : events;
    for (const event of ordered) for (let i = 0; i < copies; i++) this.deliver(event, 1);
    return ordered.map((event) => event.id);
  }

  resend(event: EventObject): void {
    this.deliver(event, 1);
  }

  /** Nothing in flight or waiting for a retry. */
  idle(): boolean {
    return this.inFlight === 0 && this.timers.size === 0;
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private deliver(event: EventObject, attempt: number): void {
    const url = this.options.url;
    if (!url) return;
    this.inFlight++;
    const payload = JSON.stringify(event, null, 2);
    const signature = signPayload(payload, this.options.secret, this.options.now());
    const record = (status: number | null, error?: string) => {
      const list = this.attempts.get(event.id) ?? [];
      list.push({ at: this.options.now(), status, ...(error ? { error } : {}) });
      this.attempts.set(event.id, list);
    };
    fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature': signature,
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      },
      body: payload,
      signal: AbortSignal.timeout(10_000),
    })
      .then(async (response) => {
        await response.arrayBuffer().catch(() => undefined);
        record(response.status);
        if (!response.ok) this.retry(event, attempt);
      })
      .catch((error: unknown) => {
        record(null, error instanceof Error ? error.message : String(error));
        this.retry(event, attempt);
      })
      .finally(() => this.inFlight--);
  }

  private retry(event: EventObject, attempt: number): void {
    if (attempt >= this.options.maxAttempts) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.deliver(event, attempt + 1);
      },
      this.options.retryBaseMs * 2 ** (attempt - 1),
    );
    this.timers.add(timer);
  }
}
