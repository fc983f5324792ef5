import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * StrykerJS copies the sources into a sandbox but links each package's `node_modules` back to the
 * project, so `@shop/core` imported from the api (or `@shop/testing`) would resolve to the
 * unmutated original: every mutant of core would survive. The workspace packages are read from
 * this config's own directory (the sandbox) instead.
 */
const source = (path: string) => resolve(import.meta.dirname, path);
const workspaceSources = [
  { find: /^@shop\/core$/, replacement: source('packages/core/src/index.ts') },
  { find: /^@shop\/core\/browser$/, replacement: source('packages/core/src/browser.ts') },
  {
    find: /^@shop\/core\/payments\/stripe$/,
    replacement: source('packages/core/src/payments/stripe.ts'),
  },
  { find: /^@shop\/testing$/, replacement: source('packages/testing/src/index.ts') },
  { find: /^@shop\/testing\/vitest$/, replacement: source('packages/testing/src/vitest.ts') },
];

/**
 * What `pnpm mutation` (StrykerJS) runs: only the core and api test files that exercise the
 * mutation scope (orders, cancellation, transactions, paging, stock, the auth context, accounts,
 * error mapping), against one DynamoDB Local and cognito-local. With `perTest` coverage each mutant
 * runs only the tests that reach it, so a short list keeps a run feasible on a small machine.
 */
/**
 * `SHOP_MUTATION_TESTS=orders,order-races` narrows the run to those files (names as below), for a
 * module whose mutants only some files reach: on 2 cores a surviving mutant of `place.ts` costs
 * about 25 s against the whole list, a few seconds against its own tests. A narrower set can only
 * lower the score (a mutant another file would kill counts as survived), never raise it.
 */
const only = process.env.SHOP_MUTATION_TESTS?.split(',').map((f) => f.trim());

const project = (name: string, files: string[]) => ({
  resolve: { alias: workspaceSources },
  test: {
    name,
    root: import.meta.dirname,
    include: files
      .filter((f) => !only || only.includes(f))
      .map((f) => `packages/${name}/test/${f}.test.ts`),
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

export default defineConfig({
  test: {
    globalSetup: ['./packages/testing/src/global-setup.ts'],
    projects: [
      project('core', [
        'cursor',
        'repository',
        'repository-crud',
        'retry',
        'transaction-cancelled',
        'account-rules',
        'account-store',
        'payment-rules',
        'order-races',
        'cancel',
        'stock',
        'transact-write',
      ]),
      project('api', [
        'orders',
        'admin-orders',
        'cursors',
        'faults',
        'products',
        'catalogue',
        'sold-out',
        'payments',
        'auth',
        'user-context',
        'context',
        'token-attacks',
        'edge',
        'handler',
        'account',
        'admin-users',
        'errors',
        'error-codes',
        'trpc',
      ]),
    ].filter((p) => p.test.include.length > 0),
  },
});
