/**
 * The web app's budgets (`@shop/web/budget`): initial JavaScript (gzip) of the production build and
 * the time from navigation to the first product list in headless Chromium, against the shipped
 * API bundle served like `pnpm local` (seeded catalogue), as the site's own `/api`.
 */
import { existsSync } from 'node:fs';
import { CHROMIUM, measureWebBudget, type WebBudgetResult } from '@shop/web/budget';
import { serveBundle } from './serve.ts';

export type WebResult = WebBudgetResult | { skipped: string };

export async function measureWeb(
  bundle: string,
  env: NodeJS.ProcessEnv,
  runs: number,
  lighthouseRuns = 3,
): Promise<WebResult> {
  if (!existsSync(CHROMIUM)) return { skipped: `no Chromium at ${CHROMIUM}` };
  const served = await serveBundle(bundle, env);
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
