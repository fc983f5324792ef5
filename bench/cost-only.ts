/**
 * `pnpm bench:cost`: only the cost-per-call part of `pnpm bench` (`harness/cost.ts`), with the same
 * emulators, tables and wiring. Prints the markdown table; writes nothing to results/.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import {
  createLocalTables,
  ensureUserPool,
  startCognitoLocal,
  startDynamoDbLocal,
} from '@shop/testing';
import { PREFIX, step, variantEnv } from './common.ts';
import { measureCost, renderCost } from './harness/cost.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { values: args } = parseArgs({ options: { samples: { type: 'string', default: '5' } } });

step(
  `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, cost per call only`,
);
const [dynamo, cognito] = await Promise.all([startDynamoDbLocal(), startCognitoLocal()]);
try {
  await createLocalTables(dynamo.endpoint, PREFIX);
  const pool = await ensureUserPool(cognito.endpoint, { poolName: 'bench', clientName: 'bench' });
  const env = variantEnv(dynamo.endpoint, { endpoint: cognito.endpoint, ...pool });
  const cost = await measureCost(env, Number(args.samples));
  console.log(renderCost(cost).join('\n'));
} finally {
  await Promise.allSettled([dynamo.stop(), cognito.stop()]);
}
