/**
 * Write units of the payment path: a 3-line `orders.create`, `orders.pay` and the
 * `checkout.completed` webhook, each call asked for `ReturnConsumedCapacity: 'INDEXES'` (bench/
 * capacity.ts), on DynamoDB Local, with the Stripe adapter against the Stripe-compatible local
 * server. Prints a Markdown table (docs/payments.md, "Write units").
 *
 *   pnpm exec tsx bench/payment-units.ts
 */
import {
  createDocumentClient,
  createServices,
  tableDefinitions,
  tableNamesFor,
  type Product,
} from '@shop/core';
import { createLocalTables, DEMO_ADDRESS, startDynamoDbLocal, TEST_CARDS } from '@shop/testing';
import { recordCapacity, type CallCapacity } from './capacity.ts';
import { startLocalPayments } from './harness/payments.ts';

const PREFIX = 'units-';
const [dynamo, { stripe, provider, settings }] = await Promise.all([
  startDynamoDbLocal(),
  startLocalPayments(),
]);
try {
  await createLocalTables(dynamo.endpoint, PREFIX);
  const client = () =>
    createDocumentClient({ region: 'us-east-1', endpoint: dynamo.endpoint, maxAttempts: 3 });
  const doc = client();
  const recorder = recordCapacity(
    doc,
    Object.fromEntries(tableDefinitions.map((t) => [`${PREFIX}${t.name}`, t])),
    client(),
  );
  recorder.snapshots = true;
  const services = createServices({
    doc,
    tables: tableNamesFor(PREFIX),
    cursorSecret: 'units-secret-0123456789',
    payments: settings,
  });
  const actor = { id: 'units-user', isAdmin: false };
  const products: Product[] = [];
  for (const [n, price] of [1250, 990, 4500].entries()) {
    products.push(
      await services.products.create({
        name: `Units product ${n}`,
        description: 'Measured.',
        price,
        category: 'units',
        stock: 50,
      }),
    );
  }
  const address = await services.addresses.create(actor, DEMO_ADDRESS);

  const measure = async (name: string, run: () => Promise<unknown>) => {
    recorder.calls.length = 0;
    await run();
    const calls: CallCapacity[] = [...recorder.calls];
    const writes = calls.filter((c) => c.kind === 'write');
    const sum = (pick: (c: CallCapacity) => number, list = calls) =>
      list.reduce((total, c) => total + pick(c), 0);
    return {
      name,
      calls: calls.map((c) => c.command.replace('Command', '')).join(', '),
      wru: sum((c) => c.units.table + c.units.indexes, writes),
      gsiWru: sum((c) => c.units.indexes, writes),
      reportedWru: sum((c) => c.reported.table + c.reported.indexes, writes),
      rru: sum(
        (c) => c.units.table + c.units.indexes,
        calls.filter((c) => c.kind === 'read'),
      ),
    };
  };

  let orderId = '';
  const rows = [];
  rows.push(
    await measure('orders.create (3 lines)', async () => {
      const order = await services.orders.create(actor, {
        items: products.map((p) => ({ productId: p.id, quantity: 2 })),
        shippingAddressId: address.id,
        expectedTotal: 2 * (1250 + 990 + 4500),
      });
      orderId = order.id;
    }),
  );
  let url = '';
  rows.push(
    await measure('orders.pay', async () => {
      url = (await services.payments.pay(actor, orderId)).url;
    }),
  );
  const sessionId = new URL(url).pathname.split('/').pop()!;
  await stripe.control.pay(sessionId, TEST_CARDS.success);
  const completed = (await stripe.control.events()).find(
    (e) => e.event.type === 'checkout.session.completed',
  )!.event;
  const event = provider.parseWebhook(
    JSON.stringify(completed),
    // Signed as the server signs, now.
    (await import('@shop/testing')).signPayload(
      JSON.stringify(completed),
      stripe.webhookSecret,
      Math.floor(Date.now() / 1000),
    ),
  );
  rows.push(
    await measure('webhook checkout.completed', async () => {
      const outcome = await services.payments.handleEvent(event);
      if (outcome !== 'paid') throw new Error(`webhook: ${outcome}`);
    }),
  );
  rows.push(
    await measure('webhook checkout.completed, delivered again', async () => {
      const outcome = await services.payments.handleEvent(event);
      if (outcome !== 'duplicate') throw new Error(`webhook again: ${outcome}`);
    }),
  );
  console.log('| call | DynamoDB calls | WRU (of which GSI) | DynamoDB Local reports | RRU |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${r.calls} | ${r.wru} (${r.gsiWru}) | ${r.reportedWru} | ${r.rru} |`,
    );
  }
} finally {
  await Promise.all([dynamo.stop(), stripe.stop()]);
}
