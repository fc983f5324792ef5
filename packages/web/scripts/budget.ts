/**
 * The web app's performance budgets, measured: the initial JavaScript (gzip bytes of every script
 * the built index.html loads: its module entry and modulepreloads, not the lazy admin chunk) and
 * the time from navigation to the first product list in headless Chromium against a running
 * `pnpm local`. `pnpm bench` calls `measureWebBudget({ apiUrl })`.
 *
 * The build is served by a tiny static server on `port` (default 4173) that answers as the deployed
 * edge does: the site's files, and `/api/*` passed to the API with the prefix stripped, so the page
 * calls the API on its own origin (one connection, no CORS), as a visitor's browser does.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.ts';

export { CHROMIUM };

export const WEB_DIR = resolve(import.meta.dirname, '..');

/** What comparable storefronts ship and show (see README): generous for a local API. */
export const BUDGETS = {
  /** Initial JS, gzip: React + router + TanStack Query + tRPC leave ~40 KB for the app. */
  initialJsGzipBytes: 150 * 1024,
  /** Navigation to the first product list, median of cold loads, local API. */
  firstProductListMs: 1500,
  /** Lighthouse (mobile preset) scores on the catalogue and a product page, production build. */
  lighthouse: { performance: 95, accessibility: 100, 'best-practices': 100, seo: 100 },
} as const;

export type LighthouseCategory = keyof typeof BUDGETS.lighthouse;
export interface LighthouseRun {
  scores: Record<LighthouseCategory, number>;
  /** Lighthouse's measure of the host's CPU (its simulated throttling is relative to it). */
  benchmarkIndex: number;
  /** The host's 1-minute load average when the run ended. */
  loadAverage: number;
}
export interface LighthouseResult {
  url: string;
  /** The run with the median performance score (Lighthouse's own advice for variable hosts). */
  scores: Record<LighthouseCategory, number>;
  runs: LighthouseRun[];
  lighthouseVersion: string;
  userAgent: string;
}

/** Records when the first product of the list is in the page (`window.__firstList`, ms). */
const FIRST_LIST_OBSERVER = `
  new MutationObserver(() => {
    if (window.__firstList === undefined && document.querySelector('[data-testid="product-list"] li')) {
      window.__firstList = performance.now();
    }
  }).observe(document, { childList: true, subtree: true });
`;

export interface WebBudgetResult {
  initialJs: { file: string; bytes: number; gzipBytes: number }[];
  initialJsGzipBytes: number;
  firstProductListMs: { median: number; runs: number[] };
  /** When asked for (`lighthouse: true`): one Lighthouse run per page, or why it was skipped. */
  lighthouse?: LighthouseResult[] | { skipped: string };
  budgets: typeof BUDGETS;
  withinBudget: boolean;
}

export interface WebBudgetOptions {
  /** The running API (`pnpm local` prints it), served as the site's own `/api`. */
  apiUrl: string;
  /** Where the build is served. */
  port?: number;
  /** A server the caller already holds; `port` is then unused. */
  server?: StaticServer;
  /** Cold page loads to time (default 5). */
  runs?: number;
  /** Also run Lighthouse (mobile) on the catalogue and a product page (`pnpm bench`). */
  lighthouse?: boolean;
  /** Lighthouse runs per page, the median reported (default 3). */
  lighthouseRuns?: number;
  executablePath?: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.webp': 'image/webp',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** The scripts index.html loads up front: module entries and modulepreloads. */
export function initialScripts(html: string): string[] {
  const scripts = [...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)].map(
    (m) => m[1]!,
  );
  const preloads = [...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map(
    (m) => m[1]!,
  );
  return [...new Set([...scripts, ...preloads])];
}

/** Gzip sizes of the initial scripts of a built `dist`. */
export function initialJsSize(dist: string) {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const files = initialScripts(html).map((src) => {
    const body = readFileSync(join(dist, src.replace(/^\//, '')));
    return { file: src, bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length };
  });
  return { files, gzipBytes: files.reduce((n, f) => n + f.gzipBytes, 0) };
}

/** The production build as deployed: it calls `/api` on its own origin (VITE_API_URL unset). */
async function build(outDir: string) {
  const { build } = await import('vite');
  const saved = { node: process.env.NODE_ENV, api: process.env.VITE_API_URL };
  process.env.NODE_ENV = 'production';
  delete process.env.VITE_API_URL;
  try {
    await build({ root: WEB_DIR, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  } finally {
    for (const [key, value] of [
      ['NODE_ENV', saved.node],
      ['VITE_API_URL', saved.api],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** A static server for a build; it answers 503 until `serve(dist, api)` names the build. */
export interface StaticServer {
  port: number;
  /** Serves `dist`, and `/api/*` from the API at `api` (as the deployed edge does). */
  serve(dist: string, api?: string): void;
  close(): Promise<void>;
}

/** Compressed as CloudFront's default behaviour does it (`compress: true`) for these types. */
const COMPRESSED = new Set(['.html', '.js', '.css', '.svg', '.txt', '.webmanifest']);

/**
 * The headers the deployed site answers with (SST's `StaticSite` uploads hashed assets as
 * `max-age=31536000,public,immutable` and the rest as `no-cache`; CloudFront compresses), so the
 * bench and Lighthouse measure what a visitor gets.
 */
function answer(file: string, body: Buffer, acceptEncoding: string) {
  const ext = extname(file);
  const headers: Record<string, string> = {
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    'cache-control': file.includes('/assets/')
      ? 'max-age=31536000,public,immutable'
      : 'max-age=0,no-cache,no-store,must-revalidate',
    vary: 'accept-encoding',
  };
  if (!COMPRESSED.has(ext)) return { headers, body };
  if (/\bbr\b/.test(acceptEncoding))
    return { headers: { ...headers, 'content-encoding': 'br' }, body: brotliCompressSync(body) };
  if (/\bgzip\b/.test(acceptEncoding))
    return { headers: { ...headers, 'content-encoding': 'gzip' }, body: gzipSync(body) };
  return { headers, body };
}

/** `/api/…` → `<api>/…`, as the edge's `/api/*` behaviour forwards it (prefix stripped). */
function proxy(req: IncomingMessage, res: ServerResponse, api: string) {
  const { host: _host, ...headers } = req.headers;
  const forwarded = httpRequest(
    `${api}${(req.url ?? '').slice('/api'.length) || '/'}`,
    { method: req.method, headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  forwarded.on('error', () => res.headersSent || res.writeHead(502).end());
  req.pipe(forwarded);
}

/**
 * Listens at once (port 0: any free port), so a caller can hold the port, and name its origin to
 * the API, long before the build exists: a port only looked up early can be taken in between.
 */
export function startStaticServer(port = 0): Promise<StaticServer> {
  let dist: string | undefined;
  let api: string | undefined;
  const cache = new Map<string, ReturnType<typeof answer>>();
  const server: Server = createServer((req, res) => {
    if (!dist) return void res.writeHead(503).end();
    if (api && /^\/api[/?]/.test(req.url ?? '')) return void proxy(req, res, api);
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = join(dist, path);
    if (!file.startsWith(dist) || !extname(path)) file = join(dist, 'index.html'); // SPA routes
    const encoding = String(req.headers['accept-encoding'] ?? '');
    const key = `${file} ${/\bbr\b/.test(encoding) ? 'br' : /\bgzip\b/.test(encoding) ? 'gzip' : ''}`;
    try {
      const { headers, body } = cache.get(key) ?? answer(file, readFileSync(file), encoding);
      cache.set(key, { headers, body });
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, 'localhost', () =>
      ok({
        port: (server.address() as AddressInfo).port,
        serve: (d, a) => {
          dist = d;
          api = a?.replace(/\/$/, '');
          cache.clear();
        },
        close: () => new Promise((r) => server.close(() => r())),
      }),
    );
  });
}

export async function measureWebBudget(options: WebBudgetOptions): Promise<WebBudgetResult> {
  const runs = options.runs ?? 5;
  const dist = mkdtempSync(join(tmpdir(), 'shop-web-budget-'));
  let started: StaticServer | undefined;
  const browser = await chromium.launch({
    executablePath: options.executablePath ?? CHROMIUM,
    args: CHROMIUM_ARGS,
  });
  try {
    await build(dist);
    const size = initialJsSize(dist);
    const server = options.server ?? (started = await startStaticServer(options.port ?? 4173));
    server.serve(dist, options.apiUrl);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext(); // cold: no cache, no storage
      // Product images are not part of "the list is visible" (and the machine may be offline).
      await context.route(/^https?:\/\/(?!localhost|127\.0\.0\.1)/, (route) => route.abort());
      const page = await context.newPage();
      // Strings, not functions: a function would be serialized as transpiled, and tsx (which
      // runs `pnpm bench`) wraps functions in an `__name` helper the page does not have.
      await page.addInitScript(FIRST_LIST_OBSERVER);
      await page.goto(`http://localhost:${server.port}/`);
      await page.waitForFunction('window.__firstList !== undefined');
      times.push(Math.round(Number(await page.evaluate('window.__firstList'))));
      await context.close();
    }
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const origin = `http://localhost:${server.port}`;
    const lighthouse = options.lighthouse
      ? await runLighthouse(
          [`${origin}/`, `${origin}/products/seed-books-1`],
          options.executablePath ?? CHROMIUM,
          options.lighthouseRuns ?? 3,
        ).catch((error: unknown) => ({
          skipped: `Lighthouse failed: ${error instanceof Error ? error.message : String(error)}`,
        }))
      : undefined;
    const lighthouseOk =
      !lighthouse ||
      ('skipped' in lighthouse
        ? true
        : lighthouse.every((r) =>
            (Object.keys(BUDGETS.lighthouse) as LighthouseCategory[]).every(
              (c) => r.scores[c] >= BUDGETS.lighthouse[c],
            ),
          ));
    return {
      initialJs: size.files,
      initialJsGzipBytes: size.gzipBytes,
      firstProductListMs: { median, runs: times },
      ...(lighthouse ? { lighthouse } : {}),
      budgets: BUDGETS,
      withinBudget:
        size.gzipBytes <= BUDGETS.initialJsGzipBytes &&
        median <= BUDGETS.firstProductListMs &&
        lighthouseOk,
    };
  } finally {
    await browser.close();
    await started?.close();
    rmSync(dist, { recursive: true, force: true });
  }
}

/**
 * Lighthouse's default (mobile, simulated throttling) on each URL, driving Debian's Chromium over
 * its DevTools port: no browser download, no network beyond the local servers.
 */
export async function runLighthouse(
  urls: string[],
  executablePath: string,
  runs = 3,
): Promise<LighthouseResult[]> {
  const { spawn } = await import('node:child_process');
  const { default: lighthouse } = await import('lighthouse');
  const profile = mkdtempSync(join(tmpdir(), 'shop-lighthouse-'));
  const chrome = spawn(
    executablePath,
    [...CHROMIUM_ARGS, '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  try {
    const port = await new Promise<number>((ok, fail) => {
      let seen = '';
      const timer = setTimeout(
        () => fail(new Error('Chromium did not open a DevTools port')),
        30_000,
      );
      chrome.stderr.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        const match = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(seen);
        if (match) {
          clearTimeout(timer);
          ok(Number(match[1]));
        }
      });
      chrome.once('exit', () => fail(new Error(`Chromium exited: ${seen.slice(-500)}`)));
    });
    const results: LighthouseResult[] = [];
    for (const url of urls) {
      const done: LighthouseRun[] = [];
      let about = { lighthouseVersion: '', userAgent: '' };
      for (let i = 0; i < runs; i++) {
        const run = await lighthouse(url, {
          port,
          output: 'json',
          logLevel: 'error',
          onlyCategories: Object.keys(BUDGETS.lighthouse),
        });
        if (!run) throw new Error(`Lighthouse gave no result for ${url}`);
        const { categories, environment, lighthouseVersion } = run.lhr;
        const score = (c: LighthouseCategory) => Math.round((categories[c]?.score ?? 0) * 100);
        about = { lighthouseVersion, userAgent: environment.hostUserAgent };
        done.push({
          scores: {
            performance: score('performance'),
            accessibility: score('accessibility'),
            'best-practices': score('best-practices'),
            seo: score('seo'),
          },
          benchmarkIndex: Math.round(environment.benchmarkIndex),
          loadAverage: Number(loadavg()[0]!.toFixed(2)),
        });
      }
      const median = [...done].sort((a, b) => a.scores.performance - b.scores.performance)[
        Math.floor(done.length / 2)
      ]!;
      results.push({ url, scores: median.scores, runs: done, ...about });
    }
    return results;
  } finally {
    // Chromium writes its profile until it has exited: remove the folder after that. Its helper
    // processes may still write a moment longer (ENOTEMPTY): a folder left in the temp directory
    // must not take the scores with it.
    const exited = new Promise((r) => chrome.once('exit', r));
    if (chrome.exitCode === null && chrome.signalCode === null) chrome.kill();
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    } catch (error) {
      console.warn(`Lighthouse's Chromium profile ${profile} left behind: ${String(error)}`);
    }
  }
}
