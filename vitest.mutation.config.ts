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
const project = (name: string, files: string[]) => ({
  resolve: { alias: workspaceSources },
  test: {
    name,
    root: import.meta.dirname,
    include: files,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

export default defineConfig({
  test: {
    globalSetup: ['./packages/testing/src/global-setup.ts'],
    projects: [
      project(
        'core',
        [
          'cursor',
          'repository',
          'retry',
          'transaction-cancelled',
          'account-rules',
          'payment-rules',
          'order-races',
        ].map((f) => `packages/core/test/${f}.test.ts`),
      ),
      project(
        'api',
        [
          'orders',
          'admin-orders',
          'cursors',
          'faults',
          'products',
          'payments',
          'auth',
          'user-context',
          'token-attacks',
          'edge',
          'handler',
          'account',
          'admin-users',
          'errors',
          'error-codes',
        ].map((f) => `packages/api/test/${f}.test.ts`),
      ),
    ],
  },
});
