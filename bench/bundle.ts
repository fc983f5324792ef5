import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { API_NODEJS_BUNDLING } from '../stacks/bundling.ts';

/**
 * Bundles an entry exactly as SST v2 builds a `Function` with `nodejs: API_NODEJS_BUNDLING`
 * (options copied from sst/runtime/handlers/node.js for ESM: platform node, target esnext, main
 * fields module/main, keepNames, the createRequire banner), so the bench measures what ships.
 */
export interface BundleSizes {
  mainBytes: number;
  mainGzipBytes: number;
  startupBytes: number;
  totalBytes: number;
  chunks: number;
  topContributors: { name: string; bytes: number }[];
}

/**
 * `forProfile`: the same build unminified and with a source map, so a CPU profile names functions
 * and modules (`harness/profile.ts`); never used for the size or speed figures.
 */
export async function bundleLikeSst(
  entry: string,
  outdir: string,
  options: { forProfile?: boolean } = {},
): Promise<BundleSizes & { main: string }> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: [entry],
    platform: 'node',
    bundle: true,
    keepNames: true,
    logLevel: 'silent',
    metafile: true,
    format: 'esm',
    target: 'esnext',
    mainFields: ['module', 'main'],
    banner: {
      js: [
        `import { createRequire as topLevelCreateRequire } from 'module';`,
        `const require = topLevelCreateRequire(import.meta.url);`,
        `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
        `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
      ].join('\n'),
    },
    minify: options.forProfile ? false : API_NODEJS_BUNDLING.minify,
    splitting: API_NODEJS_BUNDLING.splitting,
    outdir,
    outExtension: { '.js': '.mjs' },
    sourcemap: options.forProfile ? 'linked' : false,
  });
  const main = join(outdir, `${basename(entry).replace(/\.ts$/, '')}.mjs`);
  return { main, ...sizes(result.metafile, main) };
}

function sizes(metafile: Metafile, main: string): BundleSizes {
  const outputs = Object.entries(metafile.outputs).filter(([path]) => !path.endsWith('.map'));
  const mainOutput = outputs.find(([path]) => main.endsWith(path) || path.endsWith(basename(main)));
  const mainCode = readFileSync(main);
  const contributors = new Map<string, number>();
  for (const [, output] of mainOutput ? [mainOutput] : []) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = packageOf(input);
      contributors.set(pkg, (contributors.get(pkg) ?? 0) + bytesInOutput);
    }
  }
  // Chunks the main chunk imports statically are loaded at cold start too.
  const startup = new Set<string>();
  const visit = (path: string) => {
    if (startup.has(path)) return;
    startup.add(path);
    for (const dep of metafile.outputs[path]?.imports ?? []) {
      if (dep.kind === 'import-statement' && !dep.external) visit(dep.path);
    }
  };
  if (mainOutput) visit(mainOutput[0]);
  return {
    mainBytes: mainCode.length,
    startupBytes: [...startup].reduce((sum, path) => sum + (metafile.outputs[path]?.bytes ?? 0), 0),
    mainGzipBytes: gzipSync(mainCode).length,
    totalBytes: outputs.reduce((sum, [, o]) => sum + o.bytes, 0),
    chunks: outputs.length,
    topContributors: [...contributors.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([name, bytes]) => ({ name, bytes })),
  };
}

/** `node_modules/.pnpm/x/node_modules/@aws-sdk/client-dynamodb/dist/…` → `@aws-sdk/client-dynamodb`. */
export function packageOf(path: string): string {
  const parts = path.split('node_modules/');
  const last = parts[parts.length - 1] ?? path;
  if (parts.length === 1)
    return path.startsWith('packages/') ? path.split('/').slice(0, 2).join('/') : path;
  const segments = last.split('/');
  return segments[0]?.startsWith('@') ? `${segments[0]}/${segments[1]}` : (segments[0] ?? last);
}
