/** Helpers that need the Vitest run (the emulators started by `./global-setup`). */
export * from './db.ts';
export * from './identity.ts';
