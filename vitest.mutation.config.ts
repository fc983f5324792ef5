import { defineConfig } from 'vitest/config';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** What `pnpm mutation` (StrykerJS) runs: the core and api suites only, one emulator pair. */
const project = (name: string, dir: string) => ({
  test: {
    name,
    root: import.meta.dirname,
    include: [`${dir}/**/*.test.ts`],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

export default defineConfig({
  test: {
    globalSetup: ['./packages/testing/src/global-setup.ts'],
    projects: [project('core', 'packages/core/test'), project('api', 'packages/api/test')],
  },
});
