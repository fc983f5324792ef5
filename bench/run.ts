/**
 * `pnpm bench`: cold start, bundle size, warm overhead, DynamoDB round trips, HTTP load, memory,
 * cost per call and a flash sale of the shop API, side by side with three baselines (`bare`,
 * `hono`, `typical-trpc`) measured in the same run. Writes bench/results/latest.{md,json,svg} (`--quick`: quick.*, not committed).
 *
 *   --quick    few samples (CI smoke test, ~2 min)
 *   --profile  also CPU-profile shop and bare under HTTP load (always on in full runs)
 *
 * The parts: `harness/*.ts` measure, `report.ts` writes; `common.ts` holds the variants.
 */
import { cpus, totalmem, type } from 'node:os';
import { parseArgs } from 'node:util';
import { tableNamesFor } from '@shop/core';
import { ensureUserPool, startCognitoLocal, startDynamoDbLocal } from '@shop/testing';
import {
  CURSOR_SECRET,
  elapsedSeconds,
  perVariant,
  PREFIX,
  round,
  step,
  variantEnv,
} from './common.ts';
import { measureColdStarts } from './harness/cold-start.ts';
import { measureWarmOverhead } from './harness/warm.ts';
import { countRoundTrips } from './harness/round-trips.ts';
import { measureHttp } from './harness/http.ts';
import { measureCost } from './harness/cost.ts';
import { runFlashSale } from './harness/flash-sale.ts';
import { runFlashSalePayments } from './harness/flash-sale-payments.ts';
import { buildProfileBundles, profileColdStart, profileHttp } from './harness/profile.ts';
import { serveBundle } from './harness/serve.ts';
import { measureWeb } from './harness/web.ts';
import { writeResults } from './report.ts';
import { bundleVariants, seedTables } from './setup.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
  },
});
const quick = args.quick;

async function main() {
  step(
    `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}${quick ? ', --quick' : ''}`,
  );
  step('starting DynamoDB Local and cognito-local…');
  const [dynamo, cognito] = await Promise.all([startDynamoDbLocal(), startCognitoLocal()]);
  try {
    const pool = await ensureUserPool(cognito.endpoint, {
      poolName: 'bench',
      clientName: 'bench',
    });
    const { doc, services } = await seedTables(dynamo.endpoint);
    const product = await services.products.byId('seed-books-1');
    // Public procedures only: no variant contacts Cognito.
    const env = variantEnv(dynamo.endpoint);
    // The shop with real tokens: cognito-local issues them, the shop's verifier checks them.
    const authEnv = variantEnv(dynamo.endpoint, { endpoint: cognito.endpoint, ...pool });

    step('bundling each variant as SST does (esbuild, ESM, minified)…');
    const bundles = await bundleVariants();

    const coldRuns = quick ? 3 : 15;
    step(`cold starts: ${coldRuns} fresh node processes per variant, interleaved…`);
    const coldStart = measureColdStarts(
      perVariant((v) => bundles[v].main),
      env,
      coldRuns,
    );

    step('warm overhead: in-process invocations with DynamoDB answered in-process…');
    const warmOverheadUs = await measureWarmOverhead(product, quick ? 300 : 3000);

    step('DynamoDB round trips per procedure (SDK middleware counts)…');
    const roundTrips = await countRoundTrips(dynamo.endpoint, product);

    step('HTTP load with autocannon behind the local HTTP shim, variants taking turns…');
    const httpLoad = await measureHttp(bundles, env, product.id, quick ? 1 : 5, quick ? 1 : 3);

    // Before the cost and flash-sale steps add their products (whose pictures are not shipped):
    // the storefront is measured on the seeded catalogue, as `pnpm local` shows it.
    step('web app budgets: initial JavaScript and time to the first product list in Chromium…');
    const web = await measureWeb(bundles.shop.main, env, quick ? 1 : 5, quick ? 1 : 3);

    step('cost per call: consumed capacity and billed duration per procedure…');
    const cost = await measureCost(authEnv, quick ? 3 : 15);

    step('flash sale over HTTP…');
    const served = await serveBundle(bundles.shop.main, authEnv);
    let flashSale;
    const placed: { id: string; userId: string }[] = [];
    try {
      flashSale = await runFlashSale({
        url: served.url,
        services,
        doc,
        buyers: 1000,
        accounts: quick ? 50 : 1000,
        inFlight: 100,
        stock: 100,
        onPlaced: (order) => placed.push(order),
      });
    } finally {
      await served.stop();
    }
    step(
      `  ${flashSale.orders} orders, stock left ${flashSale.stockLeft}, answers ${JSON.stringify(flashSale.status)}, p99 ${flashSale.latencyMs.p99} ms`,
    );
    step('flash sale, paid: Stripe-compatible local server, signed webhooks, sweep…');
    const flashSalePayments = await runFlashSalePayments({
      doc,
      tables: tableNamesFor(PREFIX),
      cursorSecret: CURSOR_SECRET,
      productId: flashSale.productId,
      placed,
      inFlight: 20,
    });
    step(
      `  ${flashSalePayments.paidInTable} paid, ${flashSalePayments.expired} expired, stock ${flashSalePayments.stockAfterSale} → ${flashSalePayments.stockAfterSweep}`,
    );

    let profiles = null;
    let coldProfile = null;
    if (!quick || args.profile) {
      const profileBundles = await buildProfileBundles();
      step('CPU profiles of shop and bare cold starts…');
      coldProfile = profileColdStart(profileBundles, env, quick ? 3 : 9);
      step('CPU profiles of shop and bare under HTTP load…');
      profiles = await profileHttp(profileBundles, env, product.id, quick ? 2 : 5);
    }

    const md = writeResults({
      when: new Date().toISOString(),
      quick,
      machine: {
        node: process.version,
        os: `${type()} ${process.arch}`,
        cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
        memoryGb: round(totalmem() / 1024 ** 3),
      },
      bundle: perVariant((v) => {
        const { main: _main, ...sizes } = bundles[v];
        return sizes;
      }),
      coldStart,
      warmOverheadUs,
      roundTrips,
      httpLoad,
      cost,
      flashSale,
      flashSalePayments,
      web,
      profiles,
      coldProfile,
    });
    console.log(`\n${md}`);
    if (!flashSale.ok) {
      console.error('flash sale: the stock sold does not match the orders placed (see above)');
      process.exitCode = 1;
    }
    if (!flashSalePayments.ok) {
      console.error('flash sale, paid: payments, expiries or stock do not add up (see above)');
      process.exitCode = 1;
    }
    step(`done in ${elapsedSeconds().toFixed(0)} s`);
  } finally {
    await Promise.all([dynamo.stop(), cognito.stop()]);
  }
}

await main();
