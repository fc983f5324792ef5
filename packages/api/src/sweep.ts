import { paymentService } from '@shop/core';
import { depsFromEnvironment } from './environment.ts';
import { powertoolsLog } from './app.ts';

// Reads `process.env` once per container, like `handler.ts`; no network call at import.
const deps = depsFromEnvironment(process.env, { signsCursors: false });
const logger = powertoolsLog(deps.config.logLevel);

/**
 * The scheduled sweep (EventBridge, every 5 minutes): cancels orders left unpaid past
 * `SHOP_PAYMENT_TIMEOUT_MINUTES`, restores their stock, expires their checkout; asks again for
 * refunds that failed. Logs counts and order ids only.
 */
export async function handler(): Promise<{ cancelled: number; skipped: number; refunded: number }> {
  const result = await deps.services.get(paymentService).sweep();
  const counts = {
    cancelled: result.cancelled.length,
    skipped: result.skipped.length,
    refunded: result.refunded.length,
  };
  logger.info('payment sweep', { ...counts, cancelledIds: result.cancelled });
  await logger.flush?.();
  return counts;
}
