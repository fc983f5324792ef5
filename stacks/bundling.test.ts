import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { API_NODEJS_BUNDLING } from './bundling.ts';

const ROOT = join(import.meta.dirname, '..');

/** The output files a chunk loads before it runs: itself and its static imports, transitively. */
function loadedWith(metafile: Metafile, chunk: string): Set<string> {
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const dep of metafile.outputs[path]?.imports ?? []) {
      if (dep.kind === 'import-statement' && !dep.external) visit(dep.path);
    }
  };
  visit(chunk);
  return seen;
}

describe('the API bundle', () => {
  it("loads no other entity's store, service or schema for a cold products.list", async () => {
    // As SST builds the function (see bench/bundle.ts), in memory.
    const { metafile } = await build({
      absWorkingDir: ROOT,
      entryPoints: ['packages/api/src/handler.ts'],
      bundle: true,
      platform: 'node',
      target: 'esnext',
      mainFields: ['module', 'main'],
      keepNames: true,
      format: API_NODEJS_BUNDLING.format,
      splitting: API_NODEJS_BUNDLING.splitting,
      minify: API_NODEJS_BUNDLING.minify,
      outdir: 'out',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const chunkOf = (entry: string) =>
      Object.keys(metafile.outputs).find((p) => metafile.outputs[p]!.entryPoint === entry)!;
    // Import, then the lazy products router on the first call.
    const files = new Set([
      ...loadedWith(metafile, chunkOf('packages/api/src/handler.ts')),
      ...loadedWith(metafile, chunkOf('packages/api/src/routers/products.ts')),
    ]);
    const modules = [...files].flatMap((f) => Object.keys(metafile.outputs[f]!.inputs));
    const entityModules = modules
      .filter((m) => /^packages\/core\/src\/(users|orders|addresses|payments)\//.test(m))
      .sort();
    // The account check every user call makes, and the payment defaults the config reads.
    expect(entityModules).toEqual([
      'packages/core/src/payments/config.ts',
      'packages/core/src/payments/provider.ts',
      'packages/core/src/users/account.ts',
    ]);
    expect(modules).toEqual(
      expect.arrayContaining([
        'packages/core/src/products/schema.ts',
        'packages/core/src/products/store.ts',
      ]),
    );
  });
});
