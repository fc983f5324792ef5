import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// The handler test loads the AWS SDK, which warns on Node 20 about its 2027 releases; we know.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Run alone with `npx vitest run --config stacks/vitest.config.ts`: no emulators, just synthesis.
export default defineConfig({
  test: {
    name: 'stacks',
    // `include` and `setupFiles` resolve from the repository root, not from this folder.
    root: join(import.meta.dirname, '..'),
    include: ['stacks/**/*.test.ts'],
    setupFiles: ['stacks/vitest.setup.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
