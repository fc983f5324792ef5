/**
 * Cost per call: every procedure runs through the real handler (`createHandler` over `createDeps`,
 * cognito-local tokens verified for real) in this process against DynamoDB Local, with the
 * bench-only capacity middleware on its DocumentClient. Per procedure: items read/written against
 * what the data model needs, RRU/WRU, billed Lambda duration, and the on-demand price of a
 * million calls.
 */
import { randomUUID } from 'node:crypto';
import {
  BatchWriteCommand,
  GetCommand,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import {
  allServices,
  createDocumentClient,
  tableDefinitions,
  type TableDefinition,
} from '@shop/core';
import { createDeps, createHandler, createWebhookHandler, loadConfig } from '@shop/api';
import { jsonEvent, signPayload, TEST_CARDS } from '@shop/testing';
import { median, PREFIX, round, step } from '../common.ts';
import { recordCapacity } from '../capacity.ts';
import { createAccounts, data, inProcessRpc, type Account, type RpcAnswer } from '../rpc.ts';
import { startLocalPayments } from './payments.ts';

/** us-east-1, on-demand; prices as of 2024-11 (AWS pricing pages). */
export const PRICES = {
  asOf: '2024-11 (AWS pricing pages)',
  region: 'us-east-1',
  perMillionRru: 0.125,
  perMillionWru: 0.625,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  lambdaMemoryGb: 1, // the stack's 1024 MB arm64 function
} as const;

export interface CostRow {
  procedure: string;
  scenario: string;
  dynamoCalls: number;
  itemsRead: number;
  itemsWritten: number;
  /** What the data model needs at least, and why. */
  needed: { reads: number; writes: number; note: string };
  rru: number;
  wru: number;
  /** Part of `wru` spent keeping global secondary indexes up to date. */
  gsiWru: number;
  /**
   * `wru` with index upkeep billed once, not doubled in transactions (see capacity.ts): the
   * reading the prices use (bench/README.md, "Write cost of an order").
   */
  wruIndexOnce: number;
  /** Write units of the same calls had the product indexes kept v3's `ALL` projection (`V3_INDEXES`). */
  v3Indexes: { wru: number; wruIndexOnce: number };
  /** What DynamoDB Local itself reports (wrong for transactions: see capacity.ts). */
  reported: { rru: number; wru: number };
  medianMs: number;
  /** Lambda bills per 1 ms, rounded up. */
  billedMs: number;
  /** Priced with `wruIndexOnce`. */
  perMillion: { dynamoDb: number; lambda: number; total: number };
  /** The same with index upkeep doubled in transactions (`wru`): the upper bound. */
  perMillionUpper: { dynamoDb: number; lambda: number; total: number };
  flags: string[];
}

export interface CostResult {
  prices: typeof PRICES;
  method: string;
  samples: number;
  rows: CostRow[];
  /** One million 3-line orders placed (orders.create only). */
  millionOrders: CostRow['perMillion'];
  /** One million 3-line orders placed and paid: orders.create + orders.pay + the webhook's update. */
  millionPaidOrders: CostRow['perMillion'] & { wru: number; rru: number };
  /** The same with index upkeep doubled in transactions. */
  millionPaidOrdersUpper: CostRow['perMillion'] & { wru: number };
}

interface Scenario {
  procedure: string;
  scenario: string;
  needed: CostRow['needed'];
  /** Runs before each timed call, untimed (e.g. an order to cancel). */
  prepare?: () => Promise<unknown>;
  call: (prepared: unknown) => Promise<RpcAnswer>;
}

/**
 * The design before contract v3.1, measured on the same calls: both product indexes projecting
 * every attribute, `stock` and `updatedAt` included, so that every order line rewrote them.
 */
const V3_INDEXES: Record<string, TableDefinition> = Object.fromEntries(
  tableDefinitions.map((t) => [
    `${PREFIX}${t.name}`,
    t.name !== 'Products'
      ? t
      : { ...t, indexes: t.indexes.map((i) => ({ ...i, projection: { type: 'ALL' as const } })) },
  ]),
);

export async function measureCost(env: NodeJS.ProcessEnv, samples: number): Promise<CostResult> {
  const config = loadConfig(env);
  const doc = createDocumentClient({
    region: config.region,
    endpoint: config.dynamoEndpoint,
    maxAttempts: 3,
  });
  const recorder = recordCapacity(
    doc,
    Object.fromEntries(tableDefinitions.map((t) => [`${PREFIX}${t.name}`, t])),
    createDocumentClient({
      region: config.region,
      endpoint: config.dynamoEndpoint,
      maxAttempts: 3,
    }),
    { v3Indexes: V3_INDEXES },
  );
  // The shipped wiring (verifier, identity provider) with the instrumented DocumentClient.
  // Payments through the Stripe adapter and the Stripe-compatible local server (as the API tests
  // use them): only the shop's own DynamoDB calls are counted; the provider's fee is not a
  // DynamoDB cost.
  const { stripe, provider } = await startLocalPayments();
  const deps = createDeps(config, doc, { secrets: undefined, factory: undefined, provider });
  const webhook = createWebhookHandler(deps, { error: () => undefined, info: () => undefined });
  const services = allServices(deps.services);
  const rpc = inProcessRpc(createHandler(deps, { error: () => undefined, info: () => undefined }));

  step('  cost: 120 products, 4 accounts, order histories of 10/100/1,000…');
  const products: string[] = [];
  for (let i = 0; i < 120; i++) {
    const id = `cost-${String(i).padStart(3, '0')}`;
    await services.products.create(
      {
        name: `Bench product ${i}`,
        description:
          'A product of ordinary size for the cost figures: a name, a description of a few ' +
          'sentences like a real catalogue has, a price, a category and the stock level.',
        price: 1000 + i,
        category: `cost-${i % 5}`,
        stock: 900_000,
        imageUrl: `https://images.example.com/products/${id}.jpg`,
      },
      id,
    );
    products.push(id);
  }
  const [buyer, ...historyUsers] = await createAccounts(rpc, 4, `cost-${Date.now()}`, 2);
  const lines = (n: number) =>
    products.slice(0, n).map((productId) => ({ productId, quantity: 1 }));
  const order = (account: Account, n: number) =>
    rpc(
      'mutation',
      'orders.create',
      { items: lines(n), shippingAddressId: account.addressId },
      account.token,
    );
  const histories = [10, 100, 1000] as const;
  for (const [i, size] of histories.entries()) await seedHistory(historyUsers[i]!, size);
  const threeLine = await data<{ id: string }>(order(buyer!, 3));

  async function seedHistory(account: Account, size: number) {
    const first = await data<{ id: string }>(order(account, 1));
    const { Item } = await doc.send(
      new GetCommand({ TableName: `${PREFIX}Orders`, Key: { id: first.id } }),
    );
    const rows = Array.from({ length: size - 1 }, (_, i) => ({
      ...Item,
      id: randomUUID(),
      orderDate: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
    }));
    for (let i = 0; i < rows.length; i += 25) {
      type Request = NonNullable<BatchWriteCommandInput['RequestItems']>;
      let request: Request | undefined = {
        [`${PREFIX}Orders`]: rows.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
      };
      while (request && Object.keys(request).length > 0) {
        const result: BatchWriteCommandOutput = await doc.send(
          new BatchWriteCommand({ RequestItems: request }),
        );
        request = result.UnprocessedItems;
      }
    }
  }

  const scenarios: Scenario[] = [
    ...[10, 20, 100].map((limit): Scenario => ({
      procedure: 'products.list',
      scenario: `limit ${limit}`,
      needed: { reads: limit, writes: 0, note: 'the `limit` products of the page' },
      call: () => rpc('query', 'products.list', { limit }),
    })),
    {
      procedure: 'products.search',
      scenario: 'limit 20',
      needed: { reads: 20, writes: 0, note: 'the `limit` products of the page' },
      call: () => rpc('query', 'products.search', { query: 'bench product', limit: 20 }),
    },
    {
      // Called on the service (the bench has no admin account): the same DynamoDB calls.
      procedure: 'products.adminList',
      scenario: 'limit 20 (service call)',
      needed: {
        reads: 40,
        writes: 0,
        note: 'the page from the index, then its products by key for their exact stock',
      },
      call: async () => ({ status: 200, body: await services.products.adminList({ limit: 20 }) }),
    },
    {
      procedure: 'products.byId',
      scenario: '',
      needed: { reads: 1, writes: 0, note: 'the product' },
      call: () => rpc('query', 'products.byId', { id: products[0] }),
    },
    {
      procedure: 'users.me',
      scenario: '',
      needed: { reads: 1, writes: 0, note: 'the user row' },
      call: () => rpc('query', 'users.me', undefined, buyer!.token),
    },
    {
      procedure: 'addresses.list',
      scenario: '1 address',
      needed: { reads: 1, writes: 0, note: 'the addresses' },
      call: () => rpc('query', 'addresses.list', undefined, buyer!.token),
    },
    {
      procedure: 'orders.byId',
      scenario: '3 lines',
      needed: {
        reads: 4,
        writes: 0,
        note: 'order + 3 item rows (1 if the order row carried name and price per line)',
      },
      call: () => rpc('query', 'orders.byId', { id: threeLine.id }, buyer!.token),
    },
    ...histories.map((size, i): Scenario => ({
      procedure: 'orders.list',
      scenario: `history ${size.toLocaleString('en-US')}, first page of 20`,
      needed: { reads: Math.min(20, size), writes: 0, note: 'one page of orders' },
      call: () => rpc('query', 'orders.list', { limit: 20 }, historyUsers[i]!.token),
    })),
    ...[1, 3, 5, 25].map((n): Scenario => ({
      procedure: 'orders.create',
      scenario: `${n} line${n > 1 ? 's' : ''}`,
      needed: {
        reads: n + 1,
        writes: 2 * n + 2,
        note: 'reads the n products and the address; writes, in one transaction as the contract says, the order, its n `OrderItems` rows, n stock decrements and the account guard',
      },
      call: () => order(buyer!, n),
    })),
    {
      procedure: 'orders.create',
      scenario: '3 lines, one sells the last unit',
      needed: {
        reads: 4,
        writes: 8,
        note: 'as above; the line that sells out sets `soldOut`, rewriting that product’s two index entries',
      },
      prepare: async () => {
        const id = `cost-last-${randomUUID()}`;
        await services.products.create(
          {
            name: `Bench last unit ${id}`,
            description: 'The last unit of a product.',
            price: 999,
            category: 'cost-0',
            stock: 1,
            imageUrl: null,
          },
          id,
        );
        return id;
      },
      call: (prepared) =>
        rpc(
          'mutation',
          'orders.create',
          {
            items: [...lines(2), { productId: prepared as string, quantity: 1 }],
            shippingAddressId: buyer!.addressId,
          },
          buyer!.token,
        ),
    },
    {
      procedure: 'orders.cancel',
      scenario: '3 lines',
      needed: { reads: 1, writes: 4, note: 'order; status + 3 stock restores' },
      prepare: () => data<{ id: string }>(order(buyer!, 3)),
      call: (prepared) =>
        rpc('mutation', 'orders.cancel', { id: (prepared as { id: string }).id }, buyer!.token),
    },
    {
      procedure: 'orders.pay',
      scenario: '3 lines',
      needed: {
        reads: 1,
        writes: 1,
        note: 'the order; its checkout session recorded on the order row',
      },
      prepare: () => data<{ id: string }>(order(buyer!, 3)),
      call: (prepared) =>
        rpc('mutation', 'orders.pay', { id: (prepared as { id: string }).id }, buyer!.token),
    },
    {
      procedure: 'webhook',
      scenario: 'checkout.completed, 3 lines',
      needed: {
        reads: 1,
        writes: 1,
        note: 'the order; status PAID and the payment on the order row',
      },
      prepare: async () => {
        const placed = await data<{ id: string }>(order(buyer!, 3));
        const { url } = await data<{ url: string }>(
          rpc('mutation', 'orders.pay', { id: placed.id }, buyer!.token),
        );
        const sessionId = new URL(url).pathname.split('/').pop()!;
        await stripe.control.pay(sessionId, TEST_CARDS.success);
        const completed = (await stripe.control.events()).find(
          (e) =>
            e.event.type === 'checkout.session.completed' &&
            (e.event.data.object as { id?: string }).id === sessionId,
        )!.event;
        const body = JSON.stringify(completed);
        const signature = signPayload(body, stripe.webhookSecret, Math.floor(Date.now() / 1000));
        return { body, signature };
      },
      call: async (prepared) => {
        const { body, signature } = prepared as { body: string; signature: string };
        const answer = await webhook(
          jsonEvent({
            method: 'POST',
            path: '/webhooks/payments',
            body,
            headers: { 'stripe-signature': signature },
          }),
        );
        return { status: answer.statusCode ?? 0, body: answer.body };
      },
    },
  ];

  step(`  cost: ${scenarios.length} scenarios × ${samples} calls…`);
  const rows: CostRow[] = [];
  for (const s of scenarios) {
    const times: number[] = [];
    let calls = recorder.calls;
    let alternative = recorder.alternative;
    for (let i = 0; i <= samples; i++) {
      const prepared = await s.prepare?.();
      // The first call is untimed: it warms up and takes the item snapshots the units need.
      recorder.snapshots = i === 0;
      recorder.calls = [];
      recorder.alternative = [];
      const start = performance.now();
      const answer = await s.call(prepared);
      const ms = performance.now() - start;
      if (answer.status !== 200) {
        throw new Error(
          `${s.procedure} ${s.scenario}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`,
        );
      }
      if (i > 0) times.push(ms);
      else {
        calls = [...recorder.calls];
        alternative = [...recorder.alternative];
      }
    }
    const reads = calls.filter((c) => c.kind === 'read');
    const writes = calls.filter((c) => c.kind === 'write');
    const sum = (list: typeof calls, pick: (c: (typeof calls)[number]) => number) =>
      list.reduce((total, c) => total + pick(c), 0);
    const rru = sum(reads, (c) => c.units.table + c.units.indexes);
    const wru = sum(writes, (c) => c.units.table + c.units.indexes);
    const gsiWru = sum(writes, (c) => c.units.indexes);
    const wruIndexOnce = sum(writes, (c) => c.units.table + (c.units.indexesOnce ?? 0));
    const v3Units = alternative.map((a) => a.v3Indexes!);
    const v3Indexes = {
      wru: v3Units.reduce((t, u) => t + u.table + u.indexes, 0),
      wruIndexOnce: v3Units.reduce((t, u) => t + u.table + (u.indexesOnce ?? 0), 0),
    };
    const reported = {
      rru: sum(reads, (c) => c.reported.table + c.reported.indexes),
      wru: sum(writes, (c) => c.reported.table + c.reported.indexes),
    };
    const medianMs = median(times);
    const billedMs = Math.max(1, Math.ceil(medianMs));
    const itemsRead = sum(reads, (c) => c.items);
    const itemsWritten = sum(writes, (c) => c.items);
    const flags: string[] = [];
    if (itemsRead > s.needed.reads)
      flags.push(`reads ${itemsRead - s.needed.reads} item(s) more than needed`);
    if (itemsWritten > s.needed.writes)
      flags.push(`writes ${itemsWritten - s.needed.writes} item(s) more than needed`);
    if (gsiWru > 0) flags.push(`${round(gsiWru, 1)} of ${round(wru, 1)} WRU are index upkeep`);
    rows.push({
      procedure: s.procedure,
      scenario: s.scenario,
      dynamoCalls: calls.length,
      itemsRead,
      itemsWritten,
      needed: s.needed,
      rru,
      wru,
      gsiWru,
      wruIndexOnce,
      v3Indexes,
      reported,
      medianMs: round(medianMs, 2),
      billedMs,
      perMillion: priceOfMillion(rru, wruIndexOnce, billedMs),
      perMillionUpper: priceOfMillion(rru, wru, billedMs),
      flags,
    });
  }
  const placed = rows.find((r) => r.procedure === 'orders.create' && r.scenario === '3 lines')!;
  const sum = (list: CostRow[], pick: (r: CostRow) => CostRow['perMillion']) =>
    list.reduce(
      (total, r) => ({
        dynamoDb: round(total.dynamoDb + pick(r).dynamoDb, 3),
        lambda: round(total.lambda + pick(r).lambda, 3),
        total: round(total.total + pick(r).total, 3),
      }),
      { dynamoDb: 0, lambda: 0, total: 0 },
    );
  const paid = [
    placed,
    ...rows.filter((r) => r.procedure === 'orders.pay' || r.procedure === 'webhook'),
  ];
  const paidUnits = {
    rru: paid.reduce((total, r) => total + r.rru, 0),
    wru: paid.reduce((total, r) => total + r.wruIndexOnce, 0),
  };
  await stripe.stop();
  return {
    prices: PRICES,
    method:
      "computed from the sizes of the items each call touched, by DynamoDB's capacity rules (bench-only DocumentClient middleware; see bench/capacity.ts). DynamoDB Local's own ConsumedCapacity (ReturnConsumedCapacity: INDEXES) is shown in brackets: it matches for single-item calls but sizes a whole transaction's writes to one table as one item",
    samples,
    rows,
    millionOrders: placed.perMillion,
    millionPaidOrders: { ...sum(paid, (r) => r.perMillion), ...paidUnits },
    millionPaidOrdersUpper: {
      ...sum(paid, (r) => r.perMillionUpper),
      wru: paid.reduce((total, r) => total + r.wru, 0),
    },
  };
}

function priceOfMillion(rru: number, wru: number, billedMs: number): CostRow['perMillion'] {
  const dynamoDb = rru * PRICES.perMillionRru + wru * PRICES.perMillionWru;
  const lambda =
    1e6 * PRICES.lambdaMemoryGb * (billedMs / 1000) * PRICES.lambdaArmPerGbSecond +
    PRICES.lambdaPerMillionRequests;
  return {
    dynamoDb: round(dynamoDb, 3),
    lambda: round(lambda, 3),
    total: round(dynamoDb + lambda, 3),
  };
}

const usd = (n: number) => `$${n.toFixed(2)}`;

export function renderCost(cost: CostResult): string[] {
  const p = cost.prices;
  return [
    `## Cost per call (on-demand, us-east-1)`,
    ``,
    `Prices as of ${p.asOf}: DynamoDB on-demand $${p.perMillionRru} per million RRU, $${p.perMillionWru} per million WRU; Lambda arm64 $${p.lambdaArmPerGbSecond} per GB-s at ${p.lambdaMemoryGb * 1024} MB and $${p.lambdaPerMillionRequests} per million requests.`,
    `Units: ${cost.method}. Billed duration: median of ${cost.samples} calls, rounded up to 1 ms; network latency to real DynamoDB is NOT included (it would add a few ms per sequential round trip to every billed duration).`,
    ``,
    `Write units two ways (AWS documents the 2× of transactions for the items, not for index upkeep; see bench/README.md): **WRU** with index upkeep billed once, the figure priced, and **WRU, upkeep doubled**, the upper bound. The v3 column prices the same calls had the product indexes kept every attribute, \`stock\` included.`,
    ``,
    `| procedure | scenario | calls | items read (needed) | items written (needed) | RRU [Local] | WRU | WRU, upkeep doubled (of it index) [Local] | WRU with v3's product indexes (doubled) | median ms | billed ms | $ / 1M calls: DynamoDB | Lambda | total | total, upkeep doubled | flags |`,
    `| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |`,
    ...cost.rows.map(
      (r) =>
        `| ${r.procedure} | ${r.scenario || '—'} | ${r.dynamoCalls} | ${r.itemsRead} (${r.needed.reads}) | ${r.itemsWritten} (${r.needed.writes}) | ${round(r.rru, 1)} [${round(r.reported.rru, 1)}] | ${round(r.wruIndexOnce, 1)} | ${round(r.wru, 1)} (${round(r.gsiWru, 1)}) [${round(r.reported.wru, 1)}] | ${round(r.v3Indexes.wruIndexOnce, 1)} (${round(r.v3Indexes.wru, 1)}) | ${r.medianMs} | ${r.billedMs} | ${usd(r.perMillion.dynamoDb)} | ${usd(r.perMillion.lambda)} | ${usd(r.perMillion.total)} | ${usd(r.perMillionUpper.total)} | ${r.flags.join('; ') || '—'} |`,
    ),
    ``,
    `**One million placed orders (3 lines each, orders.create only): ${usd(cost.millionOrders.total)}** (DynamoDB ${usd(cost.millionOrders.dynamoDb)}, Lambda ${usd(cost.millionOrders.lambda)}).`,
    ``,
    `**One million 3-line orders placed and paid (orders.create + orders.pay + the webhook's checkout.completed): ${usd(cost.millionPaidOrders.total)}** (${round(cost.millionPaidOrders.wru, 1)} WRU and ${round(cost.millionPaidOrders.rru, 1)} RRU an order; DynamoDB ${usd(cost.millionPaidOrders.dynamoDb)}, Lambda ${usd(cost.millionPaidOrders.lambda)}; the payment provider's fee is not included). With index upkeep doubled in transactions: ${usd(cost.millionPaidOrdersUpper.total)} (${round(cost.millionPaidOrdersUpper.wru, 1)} WRU, DynamoDB ${usd(cost.millionPaidOrdersUpper.dynamoDb)}).`,
    ``,
    `What each procedure needs at least: ${cost.rows
      .filter((r, i, all) => all.findIndex((o) => o.procedure === r.procedure) === i)
      .map((r) => `${r.procedure}: ${r.needed.note}`)
      .join('; ')}.`,
    ``,
  ];
}
