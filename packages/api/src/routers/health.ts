import { publicProcedure } from '../trpc.ts';

export const healthProcedure = publicProcedure.query(({ ctx }) => ({
  status: 'ok' as const,
  version: ctx.deps.config.version,
  time: new Date().toISOString(),
}));
