/**
 * Flash sale: `buyers` concurrent buyers (at most `inFlight` requests at a time, loopback only)
 * for `stock` units of one product, through the HTTP path of the local runtime: the shipped
 * bundle served by the same HTTP shim as `pnpm local`, on DynamoDB Local, with real cognito-local
 * accounts (signed up and logged in through the API). A buyer answered 429 retries like a client
 * would (same idempotency key, backoff with jitter, at most 5 attempts).
 */
import { randomUUID } from 'node:crypto';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Services } from '@shop/core';
import { percentile, PREFIX, round, step } from '../common.ts';
import { createAccounts, httpRpc, type Account } from '../rpc.ts';

export interface FlashSaleResult {
  /** The product sold (the payment phase reads its stock). */
  productId: string;
  buyers: number;
  accounts: number;
  inFlight: number;
  stock: number;
  /** Buyers whose order was placed (HTTP 200). */
  orders: number;
  /** Order item rows of the product found in the table afterwards. */
  orderRowsInTable: number;
  stockLeft: number;
  /** Final answers by HTTP status. */
  status: Record<string, number>;
  serverErrors: number;
  /** Extra attempts after a 429. */
  retries: number;
  /** Per buyer, first attempt to final answer (retries included). */
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Per HTTP request (each attempt). */
  requestLatencyMs: { p50: number; p95: number; p99: number };
  seconds: number;
  ok: boolean;
}

export async function runFlashSale(opts: {
  url: string;
  services: Services;
  doc: DynamoDBDocumentClient;
  buyers: number;
  accounts: number;
  inFlight: number;
  stock: number;
  /** Each order placed (its id and buyer), for the payment phase. */
  onPlaced?: (order: { id: string; userId: string }) => void;
}): Promise<FlashSaleResult> {
  const rpc = httpRpc(opts.url);
  const productId = `flash-${Date.now()}`;
  await opts.services.products.create(
    {
      name: 'Flash sale console',
      description: 'One hundred units, a thousand buyers.',
      price: 29900,
      category: 'flash-sale',
      stock: opts.stock,
    },
    productId,
  );
  const t0 = performance.now();
  const accounts: Account[] = await createAccounts(rpc, opts.accounts, `flash-${Date.now()}`, 8);
  step(
    `  flash sale: ${opts.accounts} accounts signed up and logged in (${round((performance.now() - t0) / 1000)} s)`,
  );

  const status: Record<string, number> = {};
  const buyerLatency: number[] = [];
  const requestLatency: number[] = [];
  let retries = 0;
  const buy = async (buyer: number) => {
    const account = accounts[buyer % accounts.length]!;
    const input = {
      items: [{ productId, quantity: 1 }],
      shippingAddressId: account.addressId,
      idempotencyKey: randomUUID(),
    };
    const start = performance.now();
    let code = 0;
    for (let attempt = 1; attempt <= 5; attempt++) {
      const sent = performance.now();
      const answer = await rpc('mutation', 'orders.create', input, account.token);
      code = answer.status;
      const placed = (answer.body as { result?: { data?: { id?: string } } }).result?.data?.id;
      if (code === 200 && placed) opts.onPlaced?.({ id: placed, userId: account.userId });
      requestLatency.push(performance.now() - sent);
      if (code !== 429 || attempt === 5) break;
      retries++;
      await new Promise((r) => setTimeout(r, 20 * 2 ** attempt * (0.5 + Math.random())));
    }
    buyerLatency.push(performance.now() - start);
    status[code] = (status[code] ?? 0) + 1;
  };

  const saleStart = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: opts.inFlight }, async () => {
      for (let b = next++; b < opts.buyers; b = next++) await buy(b);
    }),
  );
  const seconds = (performance.now() - saleStart) / 1000;

  const product = await opts.services.products.byId(productId);
  let orderRowsInTable = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await opts.doc.send(
      new ScanCommand({
        TableName: `${PREFIX}OrderItems`,
        FilterExpression: 'productId = :p',
        ExpressionAttributeValues: { ':p': productId },
        ExclusiveStartKey: start,
      }),
    );
    orderRowsInTable += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  const orders = status[200] ?? 0;
  const serverErrors = Object.entries(status)
    .filter(([code]) => Number(code) >= 500)
    .reduce((sum, [, n]) => sum + n, 0);
  const ms = (n: number) => round(n, 1);
  return {
    productId,
    buyers: opts.buyers,
    accounts: opts.accounts,
    inFlight: opts.inFlight,
    stock: opts.stock,
    orders,
    orderRowsInTable,
    stockLeft: product.stock,
    status,
    serverErrors,
    retries,
    latencyMs: {
      p50: ms(percentile(buyerLatency, 50)),
      p95: ms(percentile(buyerLatency, 95)),
      p99: ms(percentile(buyerLatency, 99)),
      max: ms(Math.max(...buyerLatency)),
    },
    requestLatencyMs: {
      p50: ms(percentile(requestLatency, 50)),
      p95: ms(percentile(requestLatency, 95)),
      p99: ms(percentile(requestLatency, 99)),
    },
    seconds: round(seconds, 2),
    ok:
      orders === opts.stock &&
      orderRowsInTable === opts.stock &&
      product.stock === 0 &&
      serverErrors === 0,
  };
}

export function renderFlashSale(f: FlashSaleResult): string[] {
  const answers = Object.entries(f.status)
    .map(([code, n]) => `${n}× ${code}`)
    .join(', ');
  return [
    `## Flash sale (${f.buyers.toLocaleString('en-US')} buyers, ${f.inFlight} in flight, ${f.stock} units; HTTP through the local runtime on DynamoDB Local)`,
    ``,
    `| figure | value |`,
    `| --- | --- |`,
    `| orders placed (HTTP 200) | ${f.orders} of ${f.stock} ${f.ok ? '✅' : '❌'} |`,
    `| order rows of the product in the table | ${f.orderRowsInTable} |`,
    `| stock left | ${f.stockLeft} |`,
    `| final answers | ${answers} (5xx: ${f.serverErrors}) |`,
    `| retries after 429 | ${f.retries} |`,
    `| buyer latency p50 / p95 / p99 / max (retries included) | ${f.latencyMs.p50} / ${f.latencyMs.p95} / ${f.latencyMs.p99} / ${f.latencyMs.max} ms |`,
    `| request latency p50 / p95 / p99 | ${f.requestLatencyMs.p50} / ${f.requestLatencyMs.p95} / ${f.requestLatencyMs.p99} ms |`,
    `| sale over in | ${f.seconds} s |`,
    ``,
    `Buyers are real accounts (${f.accounts}, signed up and logged in through the API against cognito-local; buyer i uses account i mod ${f.accounts}). DynamoDB Local serializes writes and has no per-partition limit: see bench/README.md for what real DynamoDB adds.`,
    ``,
  ];
}
