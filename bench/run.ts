/**
 * `pnpm bench`: cold start, bundle size, warm overhead, DynamoDB round trips, HTTP load and memory
 * of the shop API, side by side with two baselines (`bare`, `hono`) measured in the same run.
 * Writes bench/results/latest.{md,json} and latest.svg. `--quick` does few runs (CI smoke test).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import {
  createDocumentClient,
  createServices,
  tableNamesFor,
  type Actor,
  type Product,
} from '@shop/core';
import { createCaller, createContextInner, createHandler, type Deps } from '@shop/api';
import { seedCatalogue } from '@shop/local';
import { createLocalTables, freePort, jsonEvent, startDynamoDbLocal } from '@shop/testing';
import { createBareHandler } from './baselines/bare.ts';
import { createHonoHandler } from './baselines/hono.ts';
import { bundleLikeSst } from './bundle.ts';
import { answerInProcess } from './fake-dynamo.ts';
import { renderChart } from './chart.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const quick = args.quick;
const ROOT = join(import.meta.dirname, '..');
const PREFIX = 'bench-';
const VARIANTS = ['shop', 'bare', 'hono'] as const;
type Variant = (typeof VARIANTS)[number];
const ENTRIES: Record<Variant, string> = {
  shop: join(ROOT, 'packages/api/src/handler.ts'),
  bare: join(ROOT, 'bench/baselines/bare.ts'),
  hono: join(ROOT, 'bench/baselines/hono.ts'),
};

const started = Date.now();
const step = (message: string) =>
  console.log(`[bench +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

async function main() {
  step(
    `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}${quick ? ', --quick' : ''}`,
  );
  step('starting DynamoDB Local…');
  const dynamo = await startDynamoDbLocal();
  try {
    await createLocalTables(dynamo.endpoint, PREFIX);
    const doc = createDocumentClient({
      region: 'us-east-1',
      endpoint: dynamo.endpoint,
      maxAttempts: 3,
    });
    const services = createServices({
      doc,
      tables: tableNamesFor(PREFIX),
      cursorSecret: 'bench-secret-0123456789',
    });
    await seedCatalogue(services);
    const product = await services.products.byId('seed-books-1');

    const env = {
      ...process.env,
      SHOP_STAGE: 'local',
      SHOP_TABLE_PREFIX: PREFIX,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      COGNITO_ENDPOINT: 'http://127.0.0.1:9', // never contacted by products.*
      COGNITO_USER_POOL_ID: 'local_bench',
      COGNITO_CLIENT_ID: 'bench',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    };

    step('bundling each variant as SST does (esbuild, ESM, minified)…');
    const bundles = {} as Record<Variant, Awaited<ReturnType<typeof bundleLikeSst>>>;
    for (const variant of VARIANTS) {
      bundles[variant] = await bundleLikeSst(ENTRIES[variant], join(ROOT, 'bench/.build', variant));
    }

    const coldRuns = quick ? 3 : 15;
    step(`cold starts: ${coldRuns} fresh node processes per variant, interleaved…`);
    const cold = Object.fromEntries(VARIANTS.map((v) => [v, [] as ColdSample[]])) as Record<
      Variant,
      ColdSample[]
    >;
    for (let run = 0; run < coldRuns; run++) {
      for (const variant of VARIANTS) cold[variant].push(coldStart(bundles[variant].main, env));
      if ((run + 1) % 5 === 0) step(`  ${run + 1}/${coldRuns}`);
    }

    step('warm overhead: in-process invocations with DynamoDB answered in-process…');
    const warm = await warmOverhead(product, quick ? 300 : 5000);

    step('DynamoDB round trips per procedure (SDK middleware counts)…');
    const roundTrips = await countRoundTrips(dynamo.endpoint, product);

    step('HTTP load with autocannon behind the local HTTP shim…');
    const load = await httpLoad(bundles, env, product.id, quick ? 1 : 5);

    const results = {
      when: new Date().toISOString(),
      quick,
      machine: {
        node: process.version,
        os: `${type()} ${process.arch}`,
        cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
        memoryGb: round(totalmem() / 1024 ** 3),
      },
      bundle: Object.fromEntries(
        VARIANTS.map((v) => {
          const { main: _main, ...rest } = bundles[v];
          return [v, rest];
        }),
      ),
      coldStart: Object.fromEntries(
        VARIANTS.map((v) => [
          v,
          {
            runs: cold[v].length,
            medianTotalMs: round(median(cold[v].map((s) => s.totalMs))),
            medianImportMs: round(median(cold[v].map((s) => s.importMs))),
            medianFirstRequestMs: round(median(cold[v].map((s) => s.firstRequestMs))),
            medianRssMb: round(median(cold[v].map((s) => s.rssMb))),
          },
        ]),
      ),
      warmOverheadUs: warm,
      roundTrips,
      httpLoad: load,
    };
    writeResults(results as unknown as Results);
    step(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await dynamo.stop();
  }
}

interface ColdSample {
  importMs: number;
  firstRequestMs: number;
  totalMs: number;
  rssMb: number;
}

function coldStart(bundle: string, env: NodeJS.ProcessEnv): ColdSample {
  const result = spawnSync(process.execPath, [join(ROOT, 'bench/cold-start.mjs'), bundle], {
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`cold start of ${bundle} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as ColdSample;
}

async function warmOverhead(product: Product, iterations: number) {
  const user: Actor & { username: string; groups: string[] } = {
    id: 'bench-user',
    username: 'bench-user',
    groups: [],
    isAdmin: false,
  };
  const address = {
    id: 'bench-address',
    userId: user.id,
    street: '1 Main St',
    city: 'X',
    state: '',
    zipCode: '1',
    country: 'US',
    isDefault: true,
  };
  const fakeDoc = () =>
    answerInProcess(createDocumentClient({ region: 'us-east-1', maxAttempts: 1 }), [
      product,
      address,
    ]);
  const services = createServices({
    doc: fakeDoc(),
    tables: tableNamesFor(PREFIX),
    cursorSecret: 'x'.repeat(32),
  });
  const deps: Deps = {
    config: { stage: 'bench', isLocal: false, version: 'bench' },
    services,
    // Token verification is measured by aws-jwt-verify's own benchmarks; here only the plumbing.
    verifier: { verify: () => Promise.resolve(user) },
    identity: {} as Deps['identity'],
  };
  const quiet = { error: () => undefined, info: () => undefined };
  const handlers = {
    shop: createHandler(deps, quiet),
    bare: createBareHandler(fakeDoc(), `${PREFIX}Products`),
    hono: createHonoHandler(fakeDoc(), `${PREFIX}Products`),
  };
  const context = { awsRequestId: 'warm' } as never;
  const time = async (invoke: () => Promise<unknown>) => {
    for (let i = 0; i < Math.min(500, iterations); i++) await invoke();
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) await invoke();
    return round(Number(process.hrtime.bigint() - start) / 1000 / iterations);
  };
  const byId = jsonEvent({
    method: 'GET',
    path: '/products.byId',
    query: { input: JSON.stringify({ id: product.id }) },
  });
  const order = jsonEvent({
    method: 'POST',
    path: '/orders.create',
    body: JSON.stringify({
      items: [{ productId: product.id, quantity: 1 }],
      shippingAddressId: address.id,
    }),
    headers: { authorization: 'Bearer bench-token' },
  });
  const result: Record<string, Record<Variant, number | null>> = {
    'products.byId': {
      shop: await time(() => handlers.shop(byId, context)),
      bare: await time(() => handlers.bare(byId)),
      hono: await time(() => handlers.hono(byId as never, context)),
    },
    'orders.create': {
      shop: await time(() => handlers.shop(order, context)),
      bare: null,
      hono: null,
    },
  };
  return result;
}

async function countRoundTrips(endpoint: string, product: Product) {
  const doc = createDocumentClient({ region: 'us-east-1', endpoint, maxAttempts: 1 });
  let calls: { name: string; start: number; end: number }[] = [];
  type Next = (args: unknown) => Promise<{ output: unknown; response: unknown }>;
  doc.middlewareStack.add(
    ((next: Next, context: { commandName?: string }) => async (args: unknown) => {
      const call = { name: String(context.commandName), start: performance.now(), end: 0 };
      calls.push(call);
      try {
        return await next(args);
      } finally {
        call.end = performance.now();
      }
    }) as never,
    { step: 'initialize', name: 'benchCountCalls' },
  );
  const services = createServices({
    doc,
    tables: tableNamesFor(PREFIX),
    cursorSecret: 'x'.repeat(32),
  });
  const deps: Deps = {
    config: { stage: 'bench', isLocal: false, version: 'bench' },
    services,
    verifier: { verify: () => Promise.reject(new Error('unused')) },
    identity: {} as Deps['identity'],
  };
  const user = { id: `rt-${Date.now()}`, username: 'rt', groups: [], isAdmin: false };
  const now = new Date().toISOString();
  await services.repos.users.create({
    id: user.id,
    email: 'rt@example.com',
    firstName: 'R',
    lastName: 'T',
    createdAt: now,
    updatedAt: now,
  });
  const caller = createCaller(createContextInner({ user, deps }));
  const anon = createCaller(createContextInner({ user: null, deps }));
  const address = await caller.addresses.create({
    street: '1 Main St',
    city: 'X',
    state: '',
    zipCode: '1',
    country: 'US',
  });
  const order = await caller.orders.create({
    items: [{ productId: product.id, quantity: 1 }],
    shippingAddressId: address.id,
  });

  /** Calls, and sequential round trips: calls that start after an earlier one ended add a level. */
  const measure = async (name: string, run: () => Promise<unknown>) => {
    calls = [];
    await run();
    let sequential = 0;
    let levelEnd = -Infinity;
    for (const call of [...calls].sort((a, b) => a.start - b.start)) {
      if (call.start >= levelEnd) {
        sequential++;
        levelEnd = call.end;
      } else levelEnd = Math.max(levelEnd, call.end);
    }
    return [name, { calls: calls.length, sequential, commands: calls.map((c) => c.name) }] as const;
  };
  const second = await caller.orders.create({
    items: [{ productId: product.id, quantity: 1 }],
    shippingAddressId: address.id,
  });
  return Object.fromEntries([
    await measure('products.list', () => anon.products.list({ limit: 20 })),
    await measure('products.byId', () => anon.products.byId({ id: product.id })),
    await measure('users.me', () => caller.users.me()),
    await measure('addresses.list', () => caller.addresses.list()),
    await measure('orders.byId', () => caller.orders.byId({ id: order.id })),
    await measure('orders.list', () => caller.orders.list({ limit: 20 })),
    await measure('orders.create', () =>
      caller.orders.create({
        items: [{ productId: product.id, quantity: 1 }],
        shippingAddressId: address.id,
      }),
    ),
    await measure('orders.cancel', () => caller.orders.cancel({ id: second.id })),
  ]);
}

async function httpLoad(
  bundles: Record<Variant, { main: string }>,
  env: NodeJS.ProcessEnv,
  productId: string,
  seconds: number,
) {
  const paths = {
    'products.list': `/products.list?input=${encodeURIComponent('{"limit":20}')}`,
    'products.byId': `/products.byId?input=${encodeURIComponent(JSON.stringify({ id: productId }))}`,
  };
  const out: Record<
    string,
    Record<Variant, { reqPerSec: number; p50Ms: number; p99Ms: number }>
  > = {};
  for (const variant of VARIANTS) {
    const port = await freePort();
    const server = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'bench/serve.ts'), bundles[variant].main, String(port)],
      {
        env,
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve, reject) => {
      server.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      server.on('exit', (code) => reject(new Error(`serve.ts exited with ${code}`)));
    });
    try {
      for (const [name, path] of Object.entries(paths)) {
        const result = await autocannon({
          url: `http://127.0.0.1:${port}${path}`,
          connections: 10,
          duration: seconds,
        });
        if (result.non2xx > 0)
          throw new Error(`${variant} ${name}: ${result.non2xx} non-2xx answers`);
        (out[name] ??= {} as (typeof out)[string])[variant] = {
          reqPerSec: round(result.requests.average, 0),
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
        };
        step(`  ${variant} ${name}: ${round(result.requests.average, 0)} req/s`);
      }
    } finally {
      server.stdin.end();
      server.kill();
    }
  }
  return out;
}

type Results = Record<string, unknown> & {
  machine: Record<string, unknown>;
  bundle: Record<
    Variant,
    {
      mainBytes: number;
      mainGzipBytes: number;
      startupBytes: number;
      totalBytes: number;
      chunks: number;
      topContributors: { name: string; bytes: number }[];
    }
  >;
  coldStart: Record<
    Variant,
    {
      runs: number;
      medianTotalMs: number;
      medianImportMs: number;
      medianFirstRequestMs: number;
      medianRssMb: number;
    }
  >;
  warmOverheadUs: Record<string, Record<Variant, number | null>>;
  roundTrips: Record<string, { calls: number; sequential: number; commands: string[] }>;
  httpLoad: Record<string, Record<Variant, { reqPerSec: number; p50Ms: number; p99Ms: number }>>;
};

function writeResults(results: Results) {
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(dir, 'latest.svg'), renderChart(results));
  const md = renderMarkdown(results);
  writeFileSync(join(dir, 'latest.md'), md);
  console.log(`\n${md}`);
}

const kb = (bytes: number) => `${round(bytes / 1024)} KB`;
const check = (ok: boolean) => (ok ? '✅' : '❌');

function renderMarkdown(r: Results): string {
  const c = r.coldStart;
  const b = r.bundle;
  const w = r.warmOverheadUs;
  const rt = r.roundTrips;
  const lines = [
    `# Benchmark results`,
    ``,
    `${String(r.when)}${r.quick ? ' (quick run: few samples, not for comparison)' : ''} · Node ${String(r.machine.node)} · ${String(r.machine.os)} · ${String(r.machine.cpus)} · ${String(r.machine.memoryGb)} GB`,
    ``,
    `## Cold start (fresh node: import bundle + first products.list on DynamoDB Local; median of ${c.shop.runs})`,
    ``,
    `| variant | total ms | import ms | first request ms | RSS MB |`,
    `| --- | ---: | ---: | ---: | ---: |`,
    ...VARIANTS.map(
      (v) =>
        `| ${v} | ${c[v].medianTotalMs} | ${c[v].medianImportMs} | ${c[v].medianFirstRequestMs} | ${c[v].medianRssMb} |`,
    ),
    ``,
    `## Bundle (esbuild as SST builds it: ESM, minified, splitting)`,
    ``,
    `| variant | main chunk | gzip | loaded at start (main + static chunks) | all chunks | chunks |`,
    `| --- | ---: | ---: | ---: | ---: | ---: |`,
    ...VARIANTS.map(
      (v) =>
        `| ${v} | ${kb(b[v].mainBytes)} | ${kb(b[v].mainGzipBytes)} | ${kb(b[v].startupBytes)} | ${kb(b[v].totalBytes)} | ${b[v].chunks} |`,
    ),
    ``,
    `Top contributors to the shop main chunk: ${b.shop.topContributors.map((t) => `${t.name} ${kb(t.bytes)}`).join(', ')}`,
    ``,
    `## Warm overhead (µs per in-process invocation, DynamoDB answered in-process)`,
    ``,
    `| procedure | shop | bare | hono |`,
    `| --- | ---: | ---: | ---: |`,
    ...Object.entries(w).map(
      ([p, v]) => `| ${p} | ${v.shop ?? '—'} | ${v.bare ?? '—'} | ${v.hono ?? '—'} |`,
    ),
    ``,
    `## DynamoDB round trips (calls; sequential)`,
    ``,
    `| procedure | calls | sequential | commands |`,
    `| --- | ---: | ---: | --- |`,
    ...Object.entries(rt).map(
      ([p, v]) => `| ${p} | ${v.calls} | ${v.sequential} | ${v.commands.join(', ')} |`,
    ),
    ``,
    `## HTTP load (autocannon, 10 connections, through the local HTTP shim and DynamoDB Local)`,
    ``,
    `| procedure | variant | req/s | p50 ms | p99 ms |`,
    `| --- | --- | ---: | ---: | ---: |`,
    ...Object.entries(r.httpLoad).flatMap(([p, byVariant]) =>
      VARIANTS.map(
        (v) =>
          `| ${p} | ${v} | ${byVariant[v].reqPerSec} | ${byVariant[v].p50Ms} | ${byVariant[v].p99Ms} |`,
      ),
    ),
    ``,
    `## Targets`,
    ``,
    `| target | result |`,
    `| --- | --- |`,
    `| cold start ≤ 1.25× bare | ${check(c.shop.medianTotalMs <= 1.25 * c.bare.medianTotalMs)} ${round(c.shop.medianTotalMs / c.bare.medianTotalMs, 2)}× |`,
    `| cold start below hono | ${check(c.shop.medianTotalMs < c.hono.medianTotalMs)} ${c.shop.medianTotalMs} vs ${c.hono.medianTotalMs} ms |`,
    `| main chunk ≤ 1.3× bare | ${check(b.shop.mainBytes <= 1.3 * b.bare.mainBytes)} ${round(b.shop.mainBytes / b.bare.mainBytes, 2)}× (loaded at start: ${round(b.shop.startupBytes / b.bare.startupBytes, 2)}×) |`,
    `| products.byId warm ≤ 50 µs | ${check((w['products.byId']?.shop ?? Infinity) <= 50)} ${w['products.byId']?.shop} µs |`,
    `| products.byId warm below hono (stretch) | ${check((w['products.byId']?.shop ?? Infinity) < (w['products.byId']?.hono ?? 0))} |`,
    `| reads: 1 sequential round trip | ${check(['products.list', 'products.byId', 'users.me', 'orders.byId', 'orders.list', 'addresses.list'].every((p) => rt[p]?.sequential === 1))} |`,
    `| orders.create ≤ 2, orders.cancel ≤ 2 | ${check((rt['orders.create']?.sequential ?? 9) <= 2 && (rt['orders.cancel']?.sequential ?? 9) <= 2)} ${rt['orders.create']?.sequential} / ${rt['orders.cancel']?.sequential} |`,
    `| RSS ≤ 1.2× bare | ${check(c.shop.medianRssMb <= 1.2 * c.bare.medianRssMb)} ${round(c.shop.medianRssMb / c.bare.medianRssMb, 2)}× |`,
    ``,
  ];
  return lines.join('\n');
}

await main();
