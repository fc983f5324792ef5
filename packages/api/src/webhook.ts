import { depsFromEnvironment } from './environment.ts';
import { createWebhookHandler } from './webhook-handler.ts';

// Reads `process.env` once per container, like `handler.ts`; no network call at import.
const deps = depsFromEnvironment(process.env, { signsCursors: false });

/** The Lambda entry of the payments webhook (its own function URL; the signature is its auth). */
export const handler = createWebhookHandler(deps);
