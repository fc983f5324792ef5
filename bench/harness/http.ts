/** HTTP load: autocannon against each bundle served by the same HTTP shim as `pnpm local`. */
import autocannon from 'autocannon';
import { round, step, VARIANTS, type PerVariant } from '../common.ts';
import { serveBundle } from './serve.ts';

export interface HttpFigures {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
}
export type HttpResult = Record<string, PerVariant<HttpFigures>>;

export const httpPaths = (productId: string) => ({
  'products.list': `/products.list?input=${encodeURIComponent('{"limit":20}')}`,
  'products.byId': `/products.byId?input=${encodeURIComponent(JSON.stringify({ id: productId }))}`,
});

export async function load(url: string, seconds: number) {
  const result = await autocannon({ url, connections: 10, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  return result;
}

/**
 * All variants are served at once; each (procedure, round) loads them one after the other, so
 * the variants take turns over the whole run. Figures: the round with the best throughput. A
 * warm-up load of each variant comes first and is not counted: DynamoDB Local's JVM takes several
 * seconds of load to compile its hot paths, and without it whichever variant ran first lost.
 */
export async function measureHttp(
  bundles: PerVariant<{ main: string }>,
  env: NodeJS.ProcessEnv,
  productId: string,
  seconds: number,
  rounds: number,
  warmupSeconds = seconds,
): Promise<HttpResult> {
  const servers = [];
  try {
    for (const v of VARIANTS) servers.push(await serveBundle(bundles[v].main, env));
    const out: HttpResult = {};
    for (const [name, path] of Object.entries(httpPaths(productId))) {
      const best = {} as PerVariant<HttpFigures>;
      for (const [i] of VARIANTS.entries()) await load(`${servers[i]!.url}${path}`, warmupSeconds);
      for (let r = 0; r < rounds; r++) {
        for (const [i, v] of VARIANTS.entries()) {
          const result = await load(`${servers[i]!.url}${path}`, seconds);
          const figures = {
            reqPerSec: round(result.requests.average, 0),
            p50Ms: result.latency.p50,
            p99Ms: result.latency.p99,
          };
          if (!best[v] || figures.reqPerSec > best[v].reqPerSec) best[v] = figures;
        }
      }
      out[name] = best;
      step(`  ${name}: ${VARIANTS.map((v) => `${v} ${best[v].reqPerSec}`).join(', ')} req/s`);
    }
    return out;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}
