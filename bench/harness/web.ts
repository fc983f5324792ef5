/**
 * The web app's budgets (`@shop/web/budget`): initial JavaScript (gzip) of the production build and
 * the time from navigation to the first product list in headless Chromium, against the shipped
 * API bundle served like `pnpm local` (seeded catalogue, CORS for the build's origin).
 */
import { existsSync } from 'node:fs';
import { CHROMIUM, measureWebBudget, type WebBudgetResult } from '@shop/web/budget';
import { serveBundle } from './serve.ts';

export type WebResult = WebBudgetResult | { skipped: string };

const BUILD_ORIGINS = 'http://127.0.0.1:4173,http://localhost:4173';

export async function measureWeb(
  bundle: string,
  env: NodeJS.ProcessEnv,
  runs: number,
  lighthouseRuns = 3,
): Promise<WebResult> {
  if (!existsSync(CHROMIUM)) return { skipped: `no Chromium at ${CHROMIUM}` };
  const served = await serveBundle(bundle, { ...env, SHOP_CORS_ORIGINS: BUILD_ORIGINS });
  try {
    return await measureWebBudget({
      apiUrl: served.url,
      runs,
      executablePath: CHROMIUM,
      lighthouse: true,
      lighthouseRuns,
    });
  } catch (error) {
    // Reported, not fatal: the web tests in `pnpm test` assert the same budgets.
    return {
      skipped: `measurement failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  } finally {
    await served.stop();
  }
}
