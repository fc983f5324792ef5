import { defineConfig } from 'vitest/config';

/**
 * What `pnpm mutation:unit` (StrykerJS) runs: the pure tests of the mutated rules, no emulator
 * and no global setup, so a mutant is tested in seconds on a small machine.
 */
export default defineConfig({
  test: {
    name: 'mutation-unit',
    include: [
      'packages/core/test/cursor.test.ts',
      'packages/core/test/retry.test.ts',
      'packages/core/test/transaction-cancelled.test.ts',
      'packages/core/test/account-rules.test.ts',
      'packages/core/test/payment-rules.test.ts',
      'packages/api/test/errors.test.ts',
      'packages/api/test/error-codes.test.ts',
    ],
  },
});
