export type { AppRouter } from './root.ts';
export { appRouter, createCaller } from './root.ts';
export { createContextInner, type Context, type Deps } from './context.ts';
export { createHandler, MAX_BATCH_SIZE } from './app.ts';
export { createDeps } from './deps.ts';
export { loadConfig, type Config } from './config.ts';
