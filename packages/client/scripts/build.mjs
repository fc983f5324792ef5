/**
 * Builds `dist/`: `index.js` (ESM, `@trpc/*` left as imports) and ONE `index.d.ts` whose router
 * types are flattened (see generate-router.mjs). Fails if the declarations import anything but
 * `@trpc/client` / `@trpc/server`, or mention the server's packages, zod, the AWS SDK or Node.
 * Skipped when its inputs did not change since the last build (see inputs.mjs); `--force` builds.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { inputsHash, stamp, upToDate } from './inputs.mjs';

const hash = inputsHash();
if (!process.argv.includes('--force') && upToDate(hash)) {
  console.log('[client] dist/ is up to date (inputs unchanged); `--force` rebuilds');
  process.exit(0);
}
// Loaded only when building: importing the compiler and bundlers alone takes seconds.
const { build } = await import('esbuild');
const { rollup } = await import('rollup');
const { dts } = await import('rollup-plugin-dts');
const { default: ts } = await import('typescript');
const { writeGeneratedRouter } = await import('./generate-router.mjs');

const PKG = resolve(import.meta.dirname, '..');
const DIST = join(PKG, 'dist');
// Not under node_modules: rollup-plugin-dts would take its files for external packages.
const TMP = mkdtempSync(join(tmpdir(), 'shop-client-dts-'));
const EXTERNAL = ['@trpc/client', '@trpc/server'];
const started = performance.now();

const { procedures } = await writeGeneratedRouter();
rmSync(DIST, { recursive: true, force: true });
mkdirSync(DIST, { recursive: true });

await build({
  entryPoints: [join(PKG, 'src/index.ts')],
  outfile: join(DIST, 'index.js'),
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  external: EXTERNAL.flatMap((name) => [name, `${name}/*`]),
  logLevel: 'warning',
});

// Declarations, as a browser app compiles them: no Node types.
const program = ts.createProgram([join(PKG, 'src/index.ts')], {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
  types: [],
  strict: true,
  skipLibCheck: true,
  allowImportingTsExtensions: true,
  rewriteRelativeImportExtensions: true,
  declaration: true,
  emitDeclarationOnly: true,
  rootDir: join(PKG, 'src'),
  outDir: TMP,
});
// Declarations keep the sources' `./x.ts` specifiers; point them at the emitted `./x.js`.
const emitted = program.emit(undefined, (file, text) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text.replace(/(['"])(\.{1,2}\/[^'"]+)\.ts\1/g, '$1$2.js$1'));
});
const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
if (diagnostics.length) {
  throw new Error(
    ts.formatDiagnostics(diagnostics, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => PKG,
      getNewLine: () => '\n',
    }),
  );
}

const bundle = await rollup({
  input: join(TMP, 'index.d.ts'),
  plugins: [
    {
      // Our own declarations, by path: no tsconfig lookup can take them for a package's.
      name: 'local-declarations',
      resolveId: (source, importer) =>
        importer && source.startsWith('.')
          ? resolve(dirname(importer), source.replace(/\.js$/, '.d.ts'))
          : null,
    },
    dts({ respectExternal: false }),
  ],
  external: (id) => EXTERNAL.some((name) => id === name || id.startsWith(`${name}/`)),
});
await bundle.write({ file: join(DIST, 'index.d.ts'), format: 'es' });
await bundle.close();
rmSync(TMP, { recursive: true, force: true });

const declarations = readFileSync(join(DIST, 'index.d.ts'), 'utf8');
const imports = [...declarations.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map(
  (m) => m[1],
);
const foreign = imports.filter(
  (id) => !EXTERNAL.some((name) => id === name || id.startsWith(`${name}/`)),
);
const leaked = declarations.match(/@shop\/|zod|@aws-sdk|aws-lambda|node:|NodeJS|Buffer\b/g);
if (foreign.length || leaked) {
  throw new Error(
    `dist/index.d.ts is not self-contained: imports ${JSON.stringify(foreign)}, mentions ${JSON.stringify(leaked)}`,
  );
}
stamp(hash);
console.log(
  `[client] built dist/ (${procedures.length} procedures) in ${Math.round(performance.now() - started)} ms`,
);
