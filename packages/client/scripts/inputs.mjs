/**
 * The build's inputs, as one content hash stored beside its output (`dist/.inputs.sha256`): the
 * build is skipped when nothing it reads changed. Inputs: the sources of the router and what it
 * imports (`@shop/api`, `@shop/core`), the type printer (`@shop/api/router-types`), the client's
 * own sources and scripts, the root tsconfig and the lockfile (a dependency's types can change
 * the router's). `--force` rebuilds regardless.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');
const PKG = resolve(import.meta.dirname, '..');
const STAMP = join(PKG, 'dist/.inputs.sha256');
const INPUTS = [
  'packages/api/src',
  'packages/api/scripts/router-types.mjs',
  'packages/api/package.json',
  'packages/core/src',
  'packages/core/package.json',
  'packages/client/src',
  'packages/client/scripts',
  'packages/client/package.json',
  'tsconfig.json',
  'pnpm-lock.yaml',
];
const SKIP = new Set([join(PKG, 'src/generated')]);

function* files(path) {
  if (SKIP.has(path) || !existsSync(path)) return;
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) yield* files(join(path, name));
  } else yield path;
}

export function inputsHash() {
  const hash = createHash('sha256');
  for (const input of INPUTS) {
    for (const file of files(join(ROOT, input))) {
      hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  }
  return hash.digest('hex');
}

/** True when `dist/` was built from exactly these inputs. */
export function upToDate(hash) {
  const built = ['index.js', 'index.d.ts'].every((f) => existsSync(join(PKG, 'dist', f)));
  return built && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === hash;
}

export function stamp(hash) {
  writeFileSync(STAMP, hash);
}
