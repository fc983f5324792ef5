/**
 * `pnpm bench:cold [--runs 31] [--profile-runs 9]`: only the cold-start part of `pnpm bench`, with
 * the same bundles, environment, seed data and harnesses, and more samples: the median of `runs`
 * interleaved fresh processes per variant, then the cold-start CPU profile of shop and bare.
 * Prints markdown; writes nothing to results/ (the full run keeps the figures of record).
 * `--also label=path/to/handler.mjs` (repeatable) adds a bundle built earlier (say, before a change)
 * to the same interleaved rounds, so a before/after comparison shares the machine's load.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startDynamoDbLocal } from '@shop/testing';
import { round, step, variantEnv, VARIANTS } from './common.ts';
import { measureColdStarts } from './harness/cold-start.ts';
import { buildProfileBundles, profileColdStart, renderColdProfile } from './harness/profile.ts';
import { bundleVariants, seedTables } from './setup.ts';

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
  await seedTables(dynamo.endpoint);
  const env = variantEnv(dynamo.endpoint);
  const bundles = await bundleVariants();
  const runs = Number(args.runs);
  step(`cold starts: ${runs} fresh node processes per variant, interleaved…`);
  const mains: Record<string, string> = Object.fromEntries(
    VARIANTS.map((v) => [v, bundles[v].main]),
  );
  Object.assign(mains, labelled(args.also));
  const c = measureColdStarts(mains, env, runs);
  const names = Object.keys(mains);
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
