import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context as LambdaContext,
} from 'aws-lambda';
import { paymentService, WebhookSignatureError, type PaymentEvent } from '@shop/core';
import { powertoolsLog, type Log } from './app.ts';
import type { Deps } from './context.ts';
import { LazyPaymentProvider } from './payments.ts';

export const WEBHOOK_PATH = '/webhooks/payments';

const json = (statusCode: number, body: object): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

/**
 * `POST /webhooks/payments`: the provider's signed events, outside tRPC. The signature is checked
 * first, on the raw body; a bad one is a 400 and nothing is read or written. A verified event is
 * applied (`PaymentService.handleEvent`, idempotent) and answered 200; a failure is a 500, so the
 * provider delivers it again. Answers carry no detail.
 */
export function createWebhookHandler(
  deps: Deps,
  logger: Log = powertoolsLog(deps.config.logLevel),
) {
  return async (
    event: APIGatewayProxyEventV2,
    context?: LambdaContext,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    if (context) logger.invocation?.(context);
    try {
      return await handle(event, deps, logger, context?.awsRequestId);
    } finally {
      await logger.flush?.();
    }
  };
}

async function handle(
  event: APIGatewayProxyEventV2,
  deps: Deps,
  logger: Log,
  requestId: string | undefined,
): Promise<APIGatewayProxyStructuredResultV2> {
  if (event.rawPath !== WEBHOOK_PATH) return json(404, { message: 'Not found' });
  if (event.requestContext?.http?.method !== 'POST') {
    return { ...json(405, { message: 'Method not allowed' }), headers: { allow: 'POST' } };
  }
  const provider = deps.paymentProvider;
  if (!provider) return json(400, { message: 'Invalid signature' });
  try {
    if (provider instanceof LazyPaymentProvider) await provider.ready();
  } catch (error) {
    logger.error('payment provider unavailable', { requestId, error });
    return json(500, { message: 'Internal server error' });
  }
  const rawBody = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  const signature = event.headers?.['stripe-signature'];
  let parsed: PaymentEvent;
  try {
    parsed = provider.parseWebhook(rawBody, signature);
  } catch (error) {
    const reason = error instanceof WebhookSignatureError ? 'bad signature' : 'unreadable event';
    logger.info('webhook refused', { requestId, reason });
    return json(400, { message: 'Invalid signature' });
  }
  try {
    const outcome = await deps.services.get(paymentService).handleEvent(parsed);
    logger.info('webhook applied', {
      requestId,
      eventId: parsed.eventId,
      type: parsed.type,
      outcome,
    });
    return json(200, { received: true });
  } catch (error) {
    logger.error('webhook failed', {
      requestId,
      eventId: parsed.eventId,
      type: parsed.type,
      error,
    });
    return json(500, { message: 'Internal server error' });
  }
}
