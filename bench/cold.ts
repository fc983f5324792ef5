/**
 * `pnpm bench:cold [--runs 31] [--profile-runs 9]`: only the cold-start part of `pnpm bench`, with
 * the same bundles, environment, seed data and harnesses, and more samples: the median of `runs`
 * interleaved fresh processes per variant, then the cold-start CPU profile of shop and bare.
 * Prints markdown; writes nothing to results/ (the full run keeps the figures of record).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createDocumentClient, createServices, tableNamesFor } from '@shop/core';
import { seedCatalogue } from '@shop/local';
import { createLocalTables, startDynamoDbLocal } from '@shop/testing';
import { bundleLikeSst, type BundleSizes } from './bundle.ts';
import {
  ENTRIES,
  PREFIX,
  round,
  ROOT,
  step,
  variantEnv,
  VARIANTS,
  type PerVariant,
} from './common.ts';
import { measureColdStarts } from './harness/cold-start.ts';
import { buildProfileBundles, profileColdStart, renderColdProfile } from './harness/profile.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '31' },
    'profile-runs': { type: 'string', default: '9' },
  },
});

step(`node ${process.version}, cold starts only`);
const dynamo = await startDynamoDbLocal();
try {
  await createLocalTables(dynamo.endpoint, PREFIX);
  const doc = createDocumentClient({
    region: 'us-east-1',
    endpoint: dynamo.endpoint,
    maxAttempts: 3,
  });
  await seedCatalogue(
    createServices({ doc, tables: tableNamesFor(PREFIX), cursorSecret: 'bench-secret-0123456789' }),
  );
  const env = variantEnv(dynamo.endpoint);
  const bundles = {} as PerVariant<BundleSizes & { main: string }>;
  for (const v of VARIANTS)
    bundles[v] = await bundleLikeSst(ENTRIES[v], join(ROOT, 'bench/.build', v));
  const runs = Number(args.runs);
  step(`cold starts: ${runs} fresh node processes per variant, interleaved…`);
  const c = measureColdStarts(bundles, env, runs);
  const lines = [
    `Node ${process.version}, median of ${runs} interleaved fresh processes (import + first products.list)`,
    ``,
    `| variant | total ms | import ms | first request ms | RSS MB | loaded at start |`,
    `| --- | ---: | ---: | ---: | ---: | ---: |`,
    ...VARIANTS.map(
      (v) =>
        `| ${v} | ${c[v].medianTotalMs} | ${c[v].medianImportMs} | ${c[v].medianFirstRequestMs} | ${c[v].medianRssMb} | ${round(bundles[v].startupBytes / 1024)} KB |`,
    ),
    ``,
    `shop / bare ${round(c.shop.medianTotalMs / c.bare.medianTotalMs, 2)}×, shop / typical-trpc ${round(c.shop.medianTotalMs / c['typical-trpc'].medianTotalMs, 2)}×`,
    ``,
  ];
  const profileRuns = Number(args['profile-runs']);
  if (profileRuns > 0) {
    step(`CPU profiles of shop and bare cold starts (${profileRuns} each)…`);
    lines.push(
      ...renderColdProfile(profileColdStart(await buildProfileBundles(), env, profileRuns)),
    );
  }
  console.log(`\n${lines.join('\n')}`);
} finally {
  await dynamo.stop();
}
