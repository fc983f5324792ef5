import { defineConfig } from 'vitest/config';

// The AWS SDK warns on every Node 20 process that its 2027 releases need Node 22; we know.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// One project per package. Only the root config has the global setup, so ONE DynamoDB Local (and
// cognito-local) serves the whole run; projects read their endpoints through `inject`.
const project = (name: string, dir: string, testTimeout = 30_000) => ({
  test: {
    name,
    root: import.meta.dirname,
    include: [`${dir}/**/*.test.ts`],
    testTimeout,
    hookTimeout: 120_000,
  },
});

export default defineConfig({
  test: {
    globalSetup: ['./packages/testing/src/global-setup.ts'],
    projects: [
      project('core', 'packages/core/test'),
      project('api', 'packages/api/test'),
      project('client', 'packages/client/test'),
      project('local', 'packages/local/test', 180_000),
      project('testing', 'packages/testing/test'),
      // Synthesizing CDK stacks is CPU-heavy; give it room.
      project('stacks', 'stacks', 180_000),
      // Chromium (Debian's) driving the web app against `pnpm local`.
      project('web', 'packages/web/test', 300_000),
    ],
  },
});
