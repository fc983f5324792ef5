/**
 * `pnpm local`: the whole product offline. Starts DynamoDB Local and cognito-local, creates the
 * tables, the user pool and the admin account, seeds a demo catalogue and serves the SAME Lambda
 * handler over HTTP. Ctrl-C stops everything.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { corsPolicy } from '@shop/core';
import {
  freePort,
  indexLagMsFrom,
  LOCAL_ADMIN,
  parseAccessTokenTtl,
  portInUse,
  TEST_CARDS,
} from '@shop/testing';
import { createLocalEdge } from './edge.ts';
import { startLocalStack, type LocalStack } from './stack.ts';
import { hardenServer } from './server.ts';
import { chooseWebPort, startWeb, webOrigins, type WebServer } from './web.ts';

const { values: args } = parseArgs({
  options: {
    persist: { type: 'boolean', default: false },
    'no-seed': { type: 'boolean', default: false },
    port: { type: 'string', default: process.env.PORT ?? '3000' },
    'no-web': { type: 'boolean', default: false },
    'web-port': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log(`Usage: pnpm local [--persist] [--no-seed] [--port 3000] [--no-web] [--web-port 5173]

  --persist   keep data in .local-data/ (or $SHOP_LOCAL_DATA_DIR) across restarts
              (default: in memory)
  --no-seed   do not create the demo catalogue
  --port      HTTP port of the API (default 3000, or $PORT)
  --no-web    do not serve the web app (packages/web, Vite with hot reload)
  --web-port  port of the web app (default 5173, or a free one if taken; or $WEB_PORT)

  Admin account: $SHOP_ADMIN_EMAIL / $SHOP_ADMIN_PASSWORD
  (defaults admin@shop.local / Admin123!)
  Access tokens live $SHOP_LOCAL_ACCESS_TOKEN_TTL_SECONDS seconds (default 24 h; a new
  app client only, so not a --persist data folder made before)
  Indexes answer as they were $SHOP_TEST_INDEX_LAG_MS ms ago, as on AWS (default 1000; 0: off)

  No e-mail is sent: codes (e.g. a password reset) are printed as
  [local] <Operation> code for <email>: <code>`);
  process.exit(0);
}

const port = Number(args.port);
// The AWS SDK warns on Node 20 that its 2027 releases need Node 22; once is enough (README).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const log = (message: string) => console.log(`[local] ${message}`);

async function main() {
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new Error(`Invalid --port ${args.port}`);
  const webPort = args['no-web']
    ? null
    : await chooseWebPort(args['web-port'] ?? process.env.WEB_PORT, Boolean(process.env.VITEST));
  // An explicit SHOP_CORS_ORIGINS always wins; otherwise the dev origins and the web app's port.
  const cors = corsPolicy(
    'local',
    process.env.SHOP_CORS_ORIGINS ?? (webPort === null ? undefined : webOrigins(webPort)),
  );
  const ttl = parseAccessTokenTtl(process.env.SHOP_LOCAL_ACCESS_TOKEN_TTL_SECONDS);
  if (ttl) log(`access tokens live ${ttl} s (SHOP_LOCAL_ACCESS_TOKEN_TTL_SECONDS)`);
  if (await portInUse(port)) {
    throw new Error(`Port ${port} is already in use. Stop what uses it or pass --port <another>.`);
  }
  const dataDir = args.persist
    ? resolve(
        process.env.SHOP_LOCAL_DATA_DIR ?? resolve(import.meta.dirname, '../../../.local-data'),
      )
    : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });

  let stack: LocalStack | undefined = undefined;
  let web: WebServer | undefined = undefined;
  let edge: Server | undefined = undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    server.close();
    edge?.close();
    await web?.stop();
    await stack?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  // pnpm does not forward SIGTERM to scripts: if whoever started us goes away, so do we.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void shutdown(0);
  }, 500).unref();

  const server = hardenServer(createServer());
  stack = await startLocalStack({
    dataDir,
    seed: !args['no-seed'],
    admin: {
      email: (process.env.SHOP_ADMIN_EMAIL ?? LOCAL_ADMIN.email).toLowerCase(),
      password: process.env.SHOP_ADMIN_PASSWORD ?? LOCAL_ADMIN.password,
    },
    region: process.env.AWS_REGION ?? 'us-east-1',
    cors,
    accessTokenTtlSeconds: ttl,
    indexLagMs: indexLagMsFrom(),
    webUrl: webPort === null ? undefined : `http://localhost:${webPort}`,
    log,
    onChildExit: (name) => {
      if (stopping) return;
      console.error(`[local] ${name} exited unexpectedly; stopping.`);
      void shutdown(1);
    },
  });
  server.on('request', stack.listener);
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolveListen);
  });
  const url = `http://127.0.0.1:${port}`;
  await stack.stripe?.control.setWebhookUrl(`${url}/webhooks/payments`);
  console.log(`API ready at ${url}`);
  console.log(`Admin: ${stack.admin.email} (password from SHOP_ADMIN_PASSWORD, default Admin123!)`);
  if (stack.stripe) {
    console.log(
      `Pay:   test cards ${TEST_CARDS.success} (pays), ${TEST_CARDS.declined} (declined), ` +
        `${TEST_CARDS.authentication} (extra step); any future date, any CVC`,
    );
  }
  console.log(`Try:   curl '${url}/products.list?input=${encodeURIComponent('{"limit":3}')}'`);
  if (webPort === null) return;
  // Vite on a port of its own; the web origin is the local edge's (see ./edge.ts).
  const nonce = randomBytes(16).toString('base64url');
  web = await startWeb({
    port: await freePort(),
    nonce,
    log,
    onExit: () => {
      if (stopping) return;
      console.error('[local] the web app (Vite) exited unexpectedly; stopping.');
      void shutdown(1);
    },
  });
  const vitePort = Number(new URL(web.url).port);
  edge = createLocalEdge({ apiPort: port, webPort: vitePort, nonce });
  await new Promise<void>((resolveListen, reject) => {
    edge.once('error', reject);
    edge.listen(webPort, 'localhost', resolveListen);
  });
  console.log(`Web ready at http://localhost:${webPort} (the API under /api, as deployed)`);
}

main().catch((error: unknown) => {
  console.error(`[local] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
