import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  createDeps,
  createHandler,
  createWebhookHandler,
  stripeProviderFactory,
  WEBHOOK_PATH,
  type Config,
  type PaymentWiring,
} from '@shop/api';
import {
  ADMIN_GROUP,
  allServices,
  ConflictError,
  createDocumentClient,
  DEFAULT_CURRENCY,
  DEFAULT_PAYMENT_TIMEOUT_MINUTES,
  LOCAL_CREDENTIALS,
  type CorsPolicy,
} from '@shop/core';
import {
  createLocalTables,
  ensureUserPool,
  IndexLag,
  startCognitoLocal,
  startDynamoDbLocal,
  startStripeLocal,
  TEST_CARDS,
  type StripeLocal,
} from '@shop/testing';
import { functionUrlListener } from './function-url.ts';
import { seedCatalogue } from './seed.ts';

export const LOCAL_TABLE_PREFIX = 'local-';

export interface LocalStack {
  listener: ReturnType<typeof functionUrlListener>;
  admin: { email: string };
  dynamoEndpoint: string;
  cognitoEndpoint: string;
  userPoolId: string;
  clientId: string;
  /** The Stripe-compatible local server, unless `payments` replaced the provider. */
  stripe: StripeLocal | undefined;
  stop(): Promise<void>;
}

/**
 * Brings up everything the handler needs, offline, and returns an HTTP listener serving the
 * real Lambda handler. With `dataDir`, data survives restarts and set-up steps reuse what exists.
 */
export async function startLocalStack(opts: {
  dataDir?: string | undefined;
  seed: boolean;
  admin: { email: string; password: string };
  region: string;
  /** Who may call the API from a browser (the stack's rule for the `local` stage). */
  cors: CorsPolicy;
  /** Lifetime of access tokens of a new app client; cognito-local's 24 h when undefined. */
  accessTokenTtlSeconds?: number | undefined;
  /** AWS-like GSI lag in ms (`IndexLag`); 0 for DynamoDB Local's immediate indexes. */
  indexLagMs: number;
  log: (message: string) => void;
  onChildExit?: (name: string) => void;
  /** The storefront's origin (return page of the payment page); default http://localhost:5173. */
  webUrl?: string | undefined;
  /** The payment provider and its secrets; default: the Stripe adapter on the local server. */
  payments?: PaymentWiring;
  /** How often unpaid orders are swept (ms); default one minute; 0: never. */
  sweepIntervalMs?: number;
}): Promise<LocalStack> {
  const { log } = opts;
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    await Promise.allSettled(stops.reverse().map((s) => s()));
  };
  try {
    log(`starting DynamoDB Local (${opts.dataDir ? 'persisted' : 'in memory'})…`);
    const dynamo = await startDynamoDbLocal(
      opts.dataDir ? { dbPath: join(opts.dataDir, 'dynamodb') } : {},
    );
    stops.push(() => dynamo.stop());
    void dynamo.process.exited.then(() => opts.onChildExit?.('DynamoDB Local'));
    log(`DynamoDB Local at ${dynamo.endpoint}`);

    log('starting cognito-local…');
    const cognito = await startCognitoLocal({
      ...(opts.dataDir ? { dataDir: join(opts.dataDir, 'cognito') } : {}),
      // No e-mail is sent locally: every code a user would receive is printed on a line of its own.
      onCode: ({ operation, destination, code }) =>
        log(
          operation === 'AdminCreateUser'
            ? `${operation} temporary password for ${destination}: ${code}`
            : `${operation} code for ${destination}: ${code}`,
        ),
    });
    stops.push(() => cognito.stop());
    void cognito.exited.then(() => opts.onChildExit?.('cognito-local'));
    log(`cognito-local at ${cognito.endpoint}`);

    // The Stripe-compatible local server: its own process group, stopped with the others. Its
    // webhooks go to the API's `POST /webhooks/payments` once the API listens (`stripe.control`).
    let stripe: StripeLocal | undefined;
    if (!opts.payments) {
      log('starting the Stripe-compatible local server…');
      stripe = await startStripeLocal();
      stops.push(() => stripe!.stop());
      void stripe.exited.then(() => opts.onChildExit?.('Stripe local server'));
      log(
        `Stripe local server at ${stripe.endpoint} (hosted test page at ${stripe.endpoint}/pay/…)`,
      );
      log(
        `test cards: ${TEST_CARDS.success} pays, ${TEST_CARDS.declined} is declined, ` +
          `${TEST_CARDS.authentication} asks for an extra confirmation step`,
      );
    }

    log('creating tables…');
    for (const change of await createLocalTables(dynamo.endpoint, LOCAL_TABLE_PREFIX)) {
      log(`upgraded ${change}`);
    }
    log('creating the user pool, app client and admin group…');
    const pool = await ensureUserPool(
      cognito.endpoint,
      { poolName: 'shop-local', clientName: 'shop-local-client' },
      { accessTokenTtlSeconds: opts.accessTokenTtlSeconds },
    );

    // The same handler as in Lambda, built from a config object instead of the environment.
    const config: Config = {
      stage: 'local',
      isLocal: true,
      region: opts.region,
      tablePrefix: LOCAL_TABLE_PREFIX,
      userPoolId: pool.userPoolId,
      clientId: pool.clientId,
      dynamoEndpoint: dynamo.endpoint,
      cognitoEndpoint: cognito.endpoint,
      cursorSecret: `shop-cursor:local:${pool.userPoolId}`,
      version: 'local',
      logLevel: 'INFO',
      currency: (process.env.SHOP_CURRENCY ?? DEFAULT_CURRENCY).toUpperCase(),
      paymentTimeoutMinutes:
        Number(process.env.SHOP_PAYMENT_TIMEOUT_MINUTES) || DEFAULT_PAYMENT_TIMEOUT_MINUTES,
      webUrl: opts.webUrl ?? 'http://localhost:5173',
      stripeApiBase: stripe?.endpoint,
    };
    // Like AWS, an index answers as it was a moment ago, so a screen that reads its own write
    // through a GSI shows the bug here rather than only once deployed.
    const doc = createDocumentClient({
      region: config.region,
      endpoint: config.dynamoEndpoint,
      maxAttempts: 3,
    });
    if (opts.indexLagMs > 0) log(`index lag ${opts.indexLagMs} ms (SHOP_TEST_INDEX_LAG_MS)`);
    const deps = createDeps(
      config,
      new IndexLag(opts.indexLagMs).attach(doc),
      opts.payments ?? {
        secrets: () =>
          Promise.resolve({ secretKey: stripe!.secretKey, webhookSecret: stripe!.webhookSecret }),
        factory: stripeProviderFactory,
      },
    );
    // The runtime's own set-up (sweep, migration, admin, seed) uses the handler's services.
    const services = allServices(deps.services);
    const api = createHandler(deps);
    // The payments webhook is served beside the procedures, as its own function is deployed.
    const webhook = createWebhookHandler(deps);
    const handler: typeof api = (event, context) =>
      event.rawPath === WEBHOOK_PATH ? webhook(event, context) : api(event, context);

    // Deployed, EventBridge runs the sweep every 5 minutes; here an interval does.
    const sweepMs = opts.sweepIntervalMs ?? 60_000;
    if (sweepMs > 0) {
      const timer = setInterval(() => {
        services.payments.sweep().then(
          ({ cancelled }) => {
            if (cancelled.length > 0) log(`sweep: cancelled ${cancelled.length} unpaid orders`);
          },
          (error: unknown) =>
            log(`sweep failed: ${error instanceof Error ? error.message : 'error'}`),
        );
      }, sweepMs);
      timer.unref();
      stops.push(() => Promise.resolve(clearInterval(timer)));
    }

    const migrated = await services.migrate();
    if (migrated.searchKeys > 0 || migrated.categories) {
      log(
        `upgraded data: search keys on ${migrated.searchKeys} products, category counts ${migrated.categories ? 'rebuilt' : 'kept'}`,
      );
    }

    const { email, password } = opts.admin;
    log(`ensuring the admin account ${email}…`);
    try {
      await services.users.signUp({
        email,
        password,
        firstName: 'Shop',
        lastName: 'Admin',
      });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
    const cognitoAdmin = new CognitoIdentityProviderClient({
      endpoint: cognito.endpoint,
      region: opts.region,
      credentials: LOCAL_CREDENTIALS,
    });
    await cognitoAdmin.send(
      new AdminAddUserToGroupCommand({
        UserPoolId: pool.userPoolId,
        Username: email,
        GroupName: ADMIN_GROUP,
      }),
    );
    cognitoAdmin.destroy();

    if (opts.seed) {
      log('seeding the demo catalogue…');
      const { created, total } = await seedCatalogue(services);
      log(`catalogue: ${created} of ${total} products created (the rest existed)`);
    }

    return {
      listener: functionUrlListener(handler, { cors: opts.cors }),
      admin: { email },
      dynamoEndpoint: dynamo.endpoint,
      cognitoEndpoint: cognito.endpoint,
      userPoolId: pool.userPoolId,
      clientId: pool.clientId,
      stripe,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
