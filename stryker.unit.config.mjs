// @ts-check
import base from './stryker.config.mjs';

/**
 * The fast mutation run (`pnpm mutation:unit`): the pure rules of the mutation scope against the
 * tests that need no emulator (`vitest.mutation-unit.config.ts`). Line ranges (`file:from-to`)
 * keep functions that only real DynamoDB tests reach out of this run; `pnpm mutation` covers them.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  ...base,
  vitest: { configFile: 'vitest.mutation-unit.config.ts', related: false },
  mutate: [
    'packages/core/src/db/cursor.ts',
    // TransactionCancelled, CONFLICT_RETRY and retryOnConflict (transactWrite needs DynamoDB)
    'packages/core/src/db/transactions.ts:27-45',
    'packages/core/src/db/transactions.ts:79-109',
    'packages/api/src/errors.ts',
    'packages/core/src/payments/rules.ts',
    // refusalOf, isAdminNow; stateOf, sessionOfToken, sessionOfClaims (AccountStore needs DynamoDB)
    'packages/core/src/users/account.ts:37-54',
    'packages/core/src/users/account.ts:193-235',
  ],
  incrementalFile: 'reports/stryker-unit-incremental.json',
  jsonReporter: { fileName: 'reports/mutation-unit.json' },
  timeoutMS: 10_000,
};
