import { createHandler } from './app.ts';
import { createDeps } from './deps.ts';
import { loadConfig } from './config.ts';

// The only module that reads `process.env`. Module scope: config is validated and clients (with the JWKS cache) are built once per container.
const deps = createDeps(loadConfig(process.env));

/** The Lambda entry point behind the function URL. */
export const handler = createHandler(deps);
