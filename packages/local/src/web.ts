/**
 * The web app's Vite dev server (hot reload) as a child of `pnpm local`, behind the local edge
 * (./edge.ts) that serves the web origin: the page calls `/api` on its own origin, as deployed.
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { DEV_CORS_ORIGINS } from '@shop/core';
import { freePort, portInUse, spawnTied, waitUntilReady, type TiedProcess } from '@shop/testing';

export const WEB_DIR = resolve(import.meta.dirname, '../../web');
/** `vite preview` and the web budget (`packages/web/scripts/budget.ts`) serve the build here. */
export const PREVIEW_PORT = 4173;

export const DEFAULT_WEB_PORT = 5173;

/**
 * Where the web app goes, or `null` for none. A port given with --web-port (or $WEB_PORT) must be
 * free; the default 5173, when taken, gives way to a free port (as Vite itself does). Under a
 * test runner ($VITEST), which starts many `pnpm local`s at once for the API alone, the web app
 * starts only when a --web-port is given.
 */
export async function chooseWebPort(
  given: string | undefined,
  underTestRunner: boolean,
): Promise<number | null> {
  if (given === undefined) {
    if (underTestRunner) return null;
    return (await portInUse(DEFAULT_WEB_PORT)) ? freePort() : DEFAULT_WEB_PORT;
  }
  const port = Number(given);
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new Error(`Invalid --web-port ${given}`);
  if (await portInUse(port)) {
    throw new Error(`Port ${port} is already in use. Pass --web-port <another> or --no-web.`);
  }
  return port;
}

/**
 * The API's allowed origins with the web app on `webPort`: the dev servers of the shared policy,
 * the web port and `vite preview`, by both local names (comma-separated, as SHOP_CORS_ORIGINS).
 */
export function webOrigins(webPort: number): string {
  const origins = new Set<string>(DEV_CORS_ORIGINS);
  for (const port of [webPort, PREVIEW_PORT]) {
    origins.add(`http://localhost:${port}`);
    origins.add(`http://127.0.0.1:${port}`);
  }
  return [...origins].join(',');
}

export interface WebServer {
  url: string;
  process: TiedProcess;
  stop(): Promise<void>;
}

/** Starts `vite` in packages/web on `port` and resolves once it serves the page. */
export async function startWeb(options: {
  /** Vite's own port (internal: the local edge serves the web origin in front of it). */
  port: number;
  /** The CSP nonce Vite puts on the script and styles it injects (`html.cspNonce`). */
  nonce: string;
  log: (message: string) => void;
  onExit: () => void;
}): Promise<WebServer> {
  // The package's own bin (not in its exports): node_modules/vite/bin/vite.js next to the package.
  const vite = resolve(
    createRequire(resolve(WEB_DIR, 'package.json')).resolve('vite/package.json'),
    '../bin/vite.js',
  );
  const url = `http://localhost:${options.port}`;
  options.log(`starting the web app (Vite) on ${url}, behind the local edge`);
  const proc = spawnTied(
    process.execPath,
    [vite, '--port', String(options.port), '--strictPort', '--host', 'localhost'],
    {
      cwd: WEB_DIR,
      env: {
        ...process.env,
        VITE_API_URL: '/api',
        SHOP_CSP_NONCE: options.nonce,
        FORCE_COLOR: '0',
      },
    },
  );
  let ready = false;
  void proc.exited.then(() => {
    if (ready) options.onExit();
  });
  await waitUntilReady('Vite', proc, async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
  });
  ready = true;
  // From now on, show what Vite says (hot updates, compile errors), one prefixed line each.
  proc.child.stdout?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n'))
      if (line.trim()) options.log(`web: ${line.trim()}`);
  });
  return { url, process: proc, stop: () => proc.stop() };
}
