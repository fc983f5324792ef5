/**
 * `pnpm bench:cold [--runs 31] [--profile-runs 9]`: only the cold-start part of `pnpm bench`, with
 * the same bundles, environment, seed data and harnesses, and more samples: the median of `runs`
 * interleaved fresh processes per variant, then the cold-start CPU profile of shop and bare.
 * Prints markdown; writes nothing to results/ (the full run keeps the figures of record).
 * `--also label=path/to/handler.mjs` (repeatable) adds a bundle built earlier (say, before a change)
 * to the same interleaved rounds, so a before/after comparison shares the machine's load.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createDocumentClient, createServices, tableNamesFor } from '@shop/core';
import { seedCatalogue } from '@shop/local';
import { createLocalTables, startDynamoDbLocal } from '@shop/testing';
import { bundleLikeSst, type BundleSizes } from './bundle.ts';
import {
  ENTRIES,
  median,
  PREFIX,
  round,
  ROOT,
  step,
  variantEnv,
  VARIANTS,
  type PerVariant,
} from './common.ts';
import { coldStart, type ColdStartResult } from './harness/cold-start.ts';
import { buildProfileBundles, profileColdStart, renderColdProfile } from './harness/profile.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '31' },
    'profile-runs': { type: 'string', default: '9' },
    also: { type: 'string', multiple: true, default: [] },
    'profile-also': { type: 'string', multiple: true, default: [] },
  },
});

/** `label=path` options: an absolute path (`import()` takes a bare relative one for a package). */
function labelled(options: string[]): Record<string, string> {
  return Object.fromEntries(
    options.map((option) => {
      const [label, path] = option.split('=');
      if (!label || !path) throw new Error(`wanted label=path, got ${option}`);
      return [label, resolve(path)];
    }),
  );
}

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
  const mains: Record<string, string> = Object.fromEntries(
    VARIANTS.map((v) => [v, bundles[v].main]),
  );
  Object.assign(mains, labelled(args.also));
  // As harness/cold-start.ts: rounds in rotating order, so noise hits every bundle alike.
  const names = Object.keys(mains);
  const samples = Object.fromEntries(names.map((n) => [n, [] as ReturnType<typeof coldStart>[]]));
  for (let run = 0; run < runs; run++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + run) % names.length]!;
      samples[name]!.push(coldStart(mains[name]!, env));
    }
    if ((run + 1) % 5 === 0) step(`  ${run + 1}/${runs}`);
  }
  const c: Record<string, ColdStartResult> = Object.fromEntries(
    names.map((n) => {
      const s = samples[n]!;
      const med = (f: (x: (typeof s)[number]) => number) => round(median(s.map(f)));
      return [
        n,
        {
          runs: s.length,
          medianTotalMs: med((x) => x.totalMs),
          medianCpuMs: med((x) => x.cpuMs),
          medianImportMs: med((x) => x.importMs),
          medianFirstRequestMs: med((x) => x.firstRequestMs),
          medianRssMb: med((x) => x.rssMb),
        },
      ];
    }),
  );
  const ratio = (a: string, b: string, key: 'medianTotalMs' | 'medianCpuMs') =>
    round(c[a]![key] / c[b]![key], 2);
  const lines = [
    `Node ${process.version}, median of ${runs} interleaved fresh processes (import + first products.list)`,
    ``,
    `| variant | total ms | CPU ms | import ms | first request ms | RSS MB | loaded at start |`,
    `| --- | ---: | ---: | ---: | ---: | ---: | ---: |`,
    ...names.map(
      (v) =>
        `| ${v} | ${c[v]!.medianTotalMs} | ${c[v]!.medianCpuMs} | ${c[v]!.medianImportMs} | ${c[v]!.medianFirstRequestMs} | ${c[v]!.medianRssMb} | ${v in bundles ? `${round(bundles[v as keyof typeof bundles].startupBytes / 1024)} KB` : ''} |`,
    ),
    ``,
    ...names
      .filter((n) => !['bare', 'hono', 'typical-trpc'].includes(n))
      .map(
        (n) =>
          `${n} / bare ${ratio(n, 'bare', 'medianTotalMs')}× (CPU ${ratio(n, 'bare', 'medianCpuMs')}×), ${n} / typical-trpc ${ratio(n, 'typical-trpc', 'medianTotalMs')}× (CPU ${ratio(n, 'typical-trpc', 'medianCpuMs')}×)`,
      ),
    ``,
  ];
  const profileRuns = Number(args['profile-runs']);
  if (profileRuns > 0) {
    step(`CPU profiles of shop and bare cold starts (${profileRuns} each)…`);
    lines.push(
      ...renderColdProfile(
        profileColdStart(
          await buildProfileBundles(),
          env,
          profileRuns,
          labelled(args['profile-also']),
        ),
      ),
    );
  }
  console.log(`\n${lines.join('\n')}`);
} finally {
  await dynamo.stop();
}
