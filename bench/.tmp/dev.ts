import { createDocumentClient, createServices, tableNamesFor } from '@shop/core';
import { seedCatalogue } from '@shop/local';
import { createLocalTables, ensureUserPool, startCognitoLocal, startDynamoDbLocal } from '@shop/testing';
import { PREFIX, variantEnv } from '../common.ts';
import { measureCost, renderCost } from '../harness/cost.ts';
import { profileHttp, renderProfiles } from '../harness/profile.ts';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const [dynamo, cognito] = await Promise.all([startDynamoDbLocal(), startCognitoLocal()]);
try {
  await createLocalTables(dynamo.endpoint, PREFIX);
  const pool = await ensureUserPool(cognito.endpoint, { poolName: 'bench', clientName: 'bench' });
  const doc = createDocumentClient({ region: 'us-east-1', endpoint: dynamo.endpoint, maxAttempts: 3 });
  const services = createServices({ doc, tables: tableNamesFor(PREFIX), cursorSecret: 'bench-secret-0123456789' });
  await seedCatalogue(services);
  if (process.argv.includes('cost')) console.log(renderCost(await measureCost(variantEnv(dynamo.endpoint, { endpoint: cognito.endpoint, ...pool }), 3)).join('\n'));
  if (process.argv.includes('profile')) console.log(renderProfiles(await profileHttp(variantEnv(dynamo.endpoint), 'seed-books-1', 3)).join('\n'));
} finally { await Promise.all([dynamo.stop(), cognito.stop()]); }
