// @ts-check
/**
 * Mutation testing of the code where a bug costs money or trust (`pnpm mutation`, not in CI: a run
 * takes long on a small machine). Incremental: `reports/stryker-incremental.json` keeps the
 * results of unchanged code and tests, so a second run only tests what changed.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  // pnpm keeps plugins out of core's reach: name it, the `@stryker-mutator/*` glob finds none.
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  coverageAnalysis: 'perTest',
  // The whole scope; run one module at a time with `--mutate file` or `--mutate file:from-to`
  // (see docs/mutation.md): a full cold run does not fit a small machine's afternoon.
  mutate: [
    'packages/core/src/orders/place.ts',
    'packages/core/src/orders/service.ts',
    'packages/core/src/db/transactions.ts',
    'packages/core/src/db/cursor.ts',
    'packages/core/src/db/repository.ts',
    'packages/core/src/users/account.ts',
    'packages/core/src/payments/rules.ts',
    // adjustStock (the admin's stock moves) and the sold-out flag every stock write keeps
    'packages/core/src/products/store.ts:222-259',
    'packages/core/src/products/stock.ts',
    'packages/api/src/context.ts',
    'packages/api/src/auth.ts',
    'packages/api/src/trpc.ts',
    'packages/api/src/errors.ts',
  ],
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  concurrency: 1,
  timeoutMS: 60_000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation.json' },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
