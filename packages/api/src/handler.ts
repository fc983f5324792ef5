import { createHandler } from './app.ts';
import { createDeps } from './deps.ts';
import { loadConfig } from './config.ts';

// Module scope: config is validated and clients (with the JWKS cache) are built once per container.
const deps = createDeps(loadConfig());

/** The Lambda entry point behind the function URL. */
export const handler = createHandler(deps);
