import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  readFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A frontend team's app, OUTSIDE the workspace: create-vite's react-ts `tsconfig.app.json`
 * unchanged, `@shop/client` installed from its packed tarball (not a symlink) next to
 * `@trpc/tanstack-react-query`, React and TypeScript from the registry.
 */
const PKG = resolve(import.meta.dirname, '..');
const ROOT = resolve(PKG, '../..');
// npm's cache and create-vite's template survive between runs (and CI caches node_modules).
const CACHE = join(ROOT, 'node_modules/.cache/shop-client-consumer');
const FIXTURE = join(import.meta.dirname, 'fixtures/consumer/main.tsx.txt');
const DEPENDENCIES = [
  '@trpc/tanstack-react-query@^11',
  '@tanstack/react-query@^5',
  'react@^19',
  'react-dom@^19',
  '@types/react@^19',
  '@types/react-dom@^19',
  'vite', // create-vite's tsconfig.app.json has `types: ["vite/client"]`
  'typescript',
];

let app: string;
const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** create-vite's react-ts tsconfig.app.json, exactly as `npm create vite` writes it. */
function viteTsconfig(): string {
  const file = join(CACHE, 'create-vite/package/template-react-ts/tsconfig.app.json');
  if (!existsSync(file)) {
    mkdirSync(join(CACHE, 'create-vite'), { recursive: true });
    const name = run(
      'npm',
      ['pack', 'create-vite', '--silent', '--cache', join(CACHE, 'npm')],
      join(CACHE, 'create-vite'),
    )
      .trim()
      .split('\n')
      .pop()!;
    run('tar', ['xzf', name], join(CACHE, 'create-vite'));
  }
  return file;
}

/**
 * `@trpc/tanstack-react-query` pins `@trpc/client` and `@trpc/server` to its own version: the app
 * installs those, and `@shop/client` (a peer, not a dependency) uses the app's copy.
 */
function trpcPeers(): string[] {
  const file = join(CACHE, 'trpc-peers.json');
  if (!existsSync(file)) {
    const json = run(
      'npm',
      ['view', '@trpc/tanstack-react-query@^11', 'peerDependencies', '--json'],
      CACHE,
    );
    const parsed = JSON.parse(json) as Record<string, string> | Record<string, string>[];
    const peers = Array.isArray(parsed) ? parsed[parsed.length - 1]! : parsed;
    writeFileSync(file, JSON.stringify(peers));
  }
  const peers = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  return ['@trpc/client', '@trpc/server'].map((name) => `${name}@${peers[name] ?? '^11'}`);
}

beforeAll(() => {
  mkdirSync(CACHE, { recursive: true });
  app = mkdtempSync(join(tmpdir(), 'shop-consumer-'));
  const packed = run('pnpm', ['pack', '--pack-destination', app], PKG).trim().split('\n').pop()!;
  const tarball = readdirSync(app).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`pnpm pack made no tarball: ${packed}`);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  copyFileSync(viteTsconfig(), join(app, 'tsconfig.app.json'));
  mkdirSync(join(app, 'src'));
  copyFileSync(FIXTURE, join(app, 'src/main.tsx'));
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--cache',
      join(CACHE, 'npm'),
      `./${tarball}`,
      ...trpcPeers(),
      ...DEPENDENCIES,
    ],
    app,
  );
}, 170_000);

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

describe('@shop/client in a Vite + React app', () => {
  it('is a real copy with built files, not the workspace source', () => {
    const installed = join(app, 'node_modules/@shop/client');
    expect(readdirSync(installed).sort()).toEqual(['README.md', 'dist', 'package.json']);
    expect(existsSync(join(app, 'node_modules/@shop/client/node_modules'))).toBe(false);
  });

  it('type-checks with create-vite tsconfig.app.json: TRPCProvider takes the client, outputs pinned', () => {
    let output = '';
    try {
      output = run(
        join(app, 'node_modules/.bin/tsc'),
        ['--noEmit', '-p', 'tsconfig.app.json'],
        app,
      );
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      output = `${e.stdout ?? ''}${e.stderr ?? ''}`;
    }
    expect(output).toBe('');
  });

  it('bundles with one copy of @trpc/client and no server code', async () => {
    const result = await build({
      entryPoints: [join(app, 'src/main.tsx')],
      absWorkingDir: app,
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      jsx: 'automatic',
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    const trpcClientCopies = new Set(
      inputs.map((p) => /^(.*node_modules\/@trpc\/client)\//.exec(p)?.[1]).filter(Boolean),
    );
    expect([...trpcClientCopies]).toEqual(['node_modules/@trpc/client']);
    expect(inputs.some((p) => p.includes('node_modules/@shop/client/dist/index.js'))).toBe(true);
    expect(
      inputs.filter((p) => /@aws-sdk|zod|aws-jwt-verify|@trpc\/server\/dist\/adapters/.test(p)),
    ).toEqual([]);
    const code = result.outputFiles[0]?.text ?? '';
    expect(code).not.toMatch(
      /DynamoDB|awsLambdaRequestHandler|TransactWriteItems|CognitoIdentityProvider|\bzod\b/,
    );
  });
});
