import { defineConfig } from 'vitest/config';

// The fast loop: tests that need no emulator (no global setup, so nothing to start). `pnpm test`
// still runs everything; this is for `pnpm test:unit` / `pnpm test:unit --watch` while editing.
export default defineConfig({
  test: {
    name: 'unit',
    include: ['packages/core/test/schemas.test.ts', 'packages/core/test/client.test.ts'],
  },
});
