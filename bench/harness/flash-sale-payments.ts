/**
 * The flash sale's second half: its orders are paid. Every buyer who got an order opens its
 * payment page (`PaymentService.pay`, the Stripe adapter against the Stripe-compatible local
 * server); 8 in 10 pay with Stripe's test cards (6 at once, 1 after a declined card, 1 through the
 * extra confirmation step) and 2 in 10 walk away. The local server delivers its signed webhooks
 * over HTTP to the shop's real webhook handler (`POST /webhooks/payments`, behind the same HTTP
 * shim as `pnpm local`), with Stripe's retries. Then the clock moves past the payment timeout (the
 * shop's and the provider's): the provider expires the open pages, the sweep cancels the unpaid
 * orders and their stock returns.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createWebhookHandler, type Deps } from '@shop/api';
import { createServices, type Clock, type Services, type TableNames } from '@shop/core';
import { functionUrlListener } from '@shop/local';
import { TEST_CARDS } from '@shop/testing';
import { percentile, round, step } from '../common.ts';
import { startLocalPayments } from './payments.ts';

export interface FlashSalePaymentsResult {
  orders: number;
  /** Buyers who paid: at once, after a declined card, through the confirmation step. */
  paid: { total: number; atOnce: number; afterDecline: number; afterConfirmation: number };
  /** Buyers who opened the page and never paid. */
  abandoned: number;
  /** Orders found PAID in the table after the webhooks. */
  paidInTable: number;
  /** Orders the sweep cancelled after the timeout; its runs. */
  expired: number;
  sweepRuns: number;
  /** Stock of the product after the sale, and after the sweep (should be `abandoned`). */
  stockAfterSale: number;
  stockAfterSweep: number;
  /** Refunds asked of the provider (none should be). */
  refunds: number;
  webhooks: { events: number; deliveries: number; failed: number };
  /** `orders.pay` (reservation, provider call, record), per buyer. */
  payLatencyMs: { p50: number; p95: number; p99: number };
  seconds: number;
  ok: boolean;
}

const quietLog = { error: () => undefined, info: () => undefined };

export async function runFlashSalePayments(opts: {
  doc: DynamoDBDocumentClient;
  tables: TableNames;
  cursorSecret: string;
  productId: string;
  placed: { id: string; userId: string }[];
  /** Pages opened and paid at a time. */
  inFlight: number;
}): Promise<FlashSalePaymentsResult> {
  const started = performance.now();
  // One clock for the shop and the provider: real time, moved past the timeout at the end.
  let offsetMs = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
  const { stripe, provider, settings } = await startLocalPayments({
    server: { retryBaseMs: 200, maxAttempts: 6 },
    now: () => clock.now().getTime(),
  });
  const services: Services = createServices({
    doc: opts.doc,
    tables: opts.tables,
    cursorSecret: opts.cursorSecret,
    clock,
    payments: settings,
  });
  const deps = {
    config: { stage: 'local', isLocal: true, version: 'bench' },
    services,
    verifier: undefined as unknown as Deps['verifier'],
    paymentProvider: provider,
  } satisfies Deps;
  const receiver = createServer(functionUrlListener(createWebhookHandler(deps, quietLog)));
  await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', ok));
  const { port } = receiver.address() as AddressInfo;
  await stripe.control.setWebhookUrl(`http://127.0.0.1:${port}/webhooks/payments`);
  try {
    const stockAfterSale = (await services.products.byId(opts.productId)).stock;
    const payLatency: number[] = [];
    const paid = { total: 0, atOnce: 0, afterDecline: 0, afterConfirmation: 0 };
    let abandoned = 0;
    const buyer = async (n: number) => {
      const order = opts.placed[n]!;
      const sent = performance.now();
      const page = await services.payments.pay({ id: order.userId, isAdmin: false }, order.id);
      payLatency.push(performance.now() - sent);
      const sessionId = new URL(page.url).pathname.split('/').pop()!;
      const kind = n % 10;
      if (kind >= 8) {
        abandoned++;
        return;
      }
      if (kind === 6) {
        const declined = await stripe.control.pay(sessionId, TEST_CARDS.declined);
        if (declined.status !== 'declined') throw new Error(`declined card: ${declined.status}`);
      }
      let outcome;
      if (kind === 7) {
        await stripe.control.pay(sessionId, TEST_CARDS.authentication);
        outcome = await stripe.control.authenticate(sessionId, 'complete');
      } else {
        outcome = await stripe.control.pay(sessionId, TEST_CARDS.success);
      }
      if (outcome.status !== 'succeeded') throw new Error(`payment: ${outcome.status}`);
      paid.total++;
      if (kind === 6) paid.afterDecline++;
      else if (kind === 7) paid.afterConfirmation++;
      else paid.atOnce++;
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: opts.inFlight }, async () => {
        for (let n = next++; n < opts.placed.length; n = next++) await buyer(n);
      }),
    );
    await stripe.control.webhooksIdle(120_000);
    const statusOf = async (id: string) =>
      (
        await opts.doc.send(
          new GetCommand({ TableName: opts.tables.Orders, Key: { id }, ConsistentRead: true }),
        )
      ).Item?.status as string | undefined;
    const statuses = await Promise.all(opts.placed.map((o) => statusOf(o.id)));
    const paidInTable = statuses.filter((s) => s === 'PAID').length;
    step(
      `  payments: ${paid.total} paid, ${abandoned} abandoned, ${paidInTable} PAID in the table`,
    );

    // Past the timeout, for the shop and the provider (which expires the open pages and says so).
    offsetMs += 32 * 60_000;
    await stripe.control.advanceClock(32 * 60);
    await stripe.control.webhooksIdle(120_000);
    const ours = new Set(opts.placed.map((o) => o.id));
    let expired = 0;
    let sweepRuns = 0;
    for (;;) {
      sweepRuns++;
      const result = await services.payments.sweep();
      expired += result.cancelled.filter((id) => ours.has(id)).length;
      if (result.cancelled.length === 0 || sweepRuns > 20) break;
    }
    const stockAfterSweep = (await services.products.byId(opts.productId)).stock;
    const events = (await stripe.control.events()).map((e) => e);
    const refunds = events.filter((e) => e.event.type === 'refund.created').length;
    const deliveries = events.flatMap((e) => e.attempts);
    const failed = deliveries.filter((a) => a.status === null || a.status >= 300).length;
    const ms = (n: number) => round(n, 1);
    const orders = opts.placed.length;
    return {
      orders,
      paid,
      abandoned,
      paidInTable,
      expired,
      sweepRuns,
      stockAfterSale,
      stockAfterSweep,
      refunds,
      webhooks: { events: events.length, deliveries: deliveries.length, failed },
      payLatencyMs: {
        p50: ms(percentile(payLatency, 50)),
        p95: ms(percentile(payLatency, 95)),
        p99: ms(percentile(payLatency, 99)),
      },
      seconds: round((performance.now() - started) / 1000, 2),
      ok:
        paidInTable === paid.total &&
        expired === abandoned &&
        stockAfterSweep === stockAfterSale + abandoned &&
        paid.total + abandoned === orders &&
        refunds === 0,
    };
  } finally {
    receiver.closeAllConnections();
    await new Promise((ok) => receiver.close(ok));
    await stripe.stop();
  }
}

export function renderFlashSalePayments(p: FlashSalePaymentsResult): string[] {
  return [
    `## Flash sale, paid (${p.orders} orders; Stripe adapter → Stripe-compatible local server → signed webhooks over HTTP)`,
    ``,
    `| figure | value |`,
    `| --- | --- |`,
    `| paid (at once / after a declined card / through the confirmation step) | ${p.paid.total} (${p.paid.atOnce} / ${p.paid.afterDecline} / ${p.paid.afterConfirmation}) |`,
    `| orders PAID in the table after the webhooks | ${p.paidInTable} of ${p.paid.total} ${p.ok ? '✅' : '❌'} |`,
    `| abandoned, cancelled by the sweep after the timeout | ${p.abandoned}, ${p.expired} (${p.sweepRuns} sweep runs) |`,
    `| stock after the sale → after the sweep | ${p.stockAfterSale} → ${p.stockAfterSweep} |`,
    `| refunds asked | ${p.refunds} |`,
    `| provider events / webhook deliveries / failed deliveries | ${p.webhooks.events} / ${p.webhooks.deliveries} / ${p.webhooks.failed} |`,
    `| orders.pay latency p50 / p95 / p99 | ${p.payLatencyMs.p50} / ${p.payLatencyMs.p95} / ${p.payLatencyMs.p99} ms |`,
    `| phase over in | ${p.seconds} s |`,
    ``,
  ];
}
