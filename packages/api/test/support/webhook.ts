import { jsonEvent, type EventObject } from '@shop/testing';
import type { Log } from '../../src/app.ts';
import type { Deps } from '../../src/context.ts';
import { createWebhookHandler } from '../../src/webhook-handler.ts';
import type { TestPayments } from './payments.ts';

export const quietLog = (): Log & { lines: { message: string; entry: object }[] } => {
  const lines: { message: string; entry: object }[] = [];
  return {
    lines,
    error: (message, entry) => lines.push({ message, entry }),
    info: (message, entry) => lines.push({ message, entry }),
  };
};

/** Posts to `POST /webhooks/payments` as the provider does: raw body, signature header. */
export function webhookPoster(deps: Deps, payments: TestPayments) {
  const handler = createWebhookHandler(deps, quietLog());
  const post = (body: string, signature: string | undefined) =>
    handler(
      jsonEvent({
        method: 'POST',
        path: '/webhooks/payments',
        body,
        ...(signature === undefined ? {} : { headers: { 'stripe-signature': signature } }),
      }),
    );
  return {
    post,
    /** Delivers one of the provider's events, signed with the webhook secret as it signs them. */
    deliver: (event: EventObject) => {
      const { body, signature } = payments.signed(event);
      return post(body, signature);
    },
  };
}
