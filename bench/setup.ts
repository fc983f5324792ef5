/**
 * What `pnpm bench` (run.ts) and `pnpm bench:cold` (cold.ts) set up alike: the bench's tables on
 * DynamoDB Local seeded with the demo catalogue, and every variant bundled as SST bundles it.
 */
import { join } from 'node:path';
import { createDocumentClient, createServices, tableNamesFor } from '@shop/core';
import { seedCatalogue } from '@shop/local';
import { createLocalTables } from '@shop/testing';
import { bundleLikeSst, type BundleSizes } from './bundle.ts';
import { CURSOR_SECRET, ENTRIES, PREFIX, ROOT, VARIANTS, type PerVariant } from './common.ts';

/** Creates the bench's tables at `endpoint` and seeds the catalogue (`seed-books-1`, …). */
export async function seedTables(endpoint: string) {
  await createLocalTables(endpoint, PREFIX);
  const doc = createDocumentClient({ region: 'us-east-1', endpoint, maxAttempts: 3 });
  const services = createServices({
    doc,
    tables: tableNamesFor(PREFIX),
    cursorSecret: CURSOR_SECRET,
  });
  await seedCatalogue(services);
  return { doc, services };
}

/** Each variant's entry bundled as SST does (esbuild, ESM, minified) into bench/.build/<variant>. */
export async function bundleVariants(): Promise<PerVariant<BundleSizes & { main: string }>> {
  const bundles = {} as PerVariant<BundleSizes & { main: string }>;
  for (const v of VARIANTS) {
    bundles[v] = await bundleLikeSst(ENTRIES[v], join(ROOT, 'bench/.build', v));
  }
  return bundles;
}
