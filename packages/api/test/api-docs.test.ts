import { existsSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { API_DOCS_PATH, renderApiDocs } from '../scripts/api-docs.ts';

// Building the TypeScript program for the output types takes a few seconds on a busy machine.
it('docs/API.md is generated from the current router', { timeout: 60_000 }, async () => {
  const expected = await renderApiDocs();
  const actual = existsSync(API_DOCS_PATH) ? readFileSync(API_DOCS_PATH, 'utf8') : '';
  if (actual !== expected) expect.fail('docs/API.md is stale: run pnpm run docs');
});
