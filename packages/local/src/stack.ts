import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { ConflictError } from '@shop/core';
import { createLocalTables, startDynamoDbLocal } from './emulators/dynamodb.ts';
import { ensureUserPool, startCognitoLocal } from './emulators/cognito.ts';
import { functionUrlListener } from './function-url.ts';
import { seedCatalogue } from './seed.ts';

export const LOCAL_TABLE_PREFIX = 'local-';
export const DEFAULT_ADMIN_EMAIL = 'admin@shop.local';
export const DEFAULT_ADMIN_PASSWORD = 'Admin123!';

export interface LocalStack {
  listener: ReturnType<typeof functionUrlListener>;
  admin: { email: string };
  dynamoEndpoint: string;
  cognitoEndpoint: string;
  userPoolId: string;
  clientId: string;
  stop(): Promise<void>;
}

/**
 * Brings up everything the handler needs, offline, and returns an HTTP listener serving the
 * real Lambda handler. With `dataDir`, data survives restarts and set-up steps reuse what exists.
 */
export async function startLocalStack(opts: {
  dataDir?: string | undefined;
  seed: boolean;
  log: (message: string) => void;
  onChildExit?: (name: string) => void;
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
    const cognito = await startCognitoLocal(
      opts.dataDir ? { dataDir: join(opts.dataDir, 'cognito') } : {},
    );
    stops.push(() => cognito.stop());
    void cognito.exited.then(() => opts.onChildExit?.('cognito-local'));
    log(`cognito-local at ${cognito.endpoint}`);

    log('creating tables…');
    await createLocalTables(dynamo.endpoint, LOCAL_TABLE_PREFIX);
    log('creating the user pool, app client and admin group…');
    const pool = await ensureUserPool(cognito.endpoint, {
      poolName: 'shop-local',
      clientName: 'shop-local-client',
    });

    // The handler reads its configuration from the environment at import, as in Lambda.
    Object.assign(process.env, {
      SHOP_STAGE: 'local',
      SHOP_TABLE_PREFIX: LOCAL_TABLE_PREFIX,
      COGNITO_USER_POOL_ID: pool.userPoolId,
      COGNITO_CLIENT_ID: pool.clientId,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      COGNITO_ENDPOINT: cognito.endpoint,
      AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    });
    const api = await import('@shop/api');
    const { handler } = await import('@shop/api/handler');
    const deps = api.createDeps(api.loadConfig());

    const email = (process.env.SHOP_ADMIN_EMAIL ?? DEFAULT_ADMIN_EMAIL).toLowerCase();
    const password = process.env.SHOP_ADMIN_PASSWORD ?? DEFAULT_ADMIN_PASSWORD;
    log(`ensuring the admin account ${email}…`);
    try {
      await deps.services.users.signUp(deps.identity, {
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
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await cognitoAdmin.send(
      new AdminAddUserToGroupCommand({
        UserPoolId: pool.userPoolId,
        Username: email,
        GroupName: 'admin',
      }),
    );
    cognitoAdmin.destroy();

    if (opts.seed) {
      log('seeding the demo catalogue…');
      const { created, total } = await seedCatalogue(deps.services);
      log(`catalogue: ${created} of ${total} products created (the rest existed)`);
    }

    return {
      listener: functionUrlListener(handler),
      admin: { email },
      dynamoEndpoint: dynamo.endpoint,
      cognitoEndpoint: cognito.endpoint,
      userPoolId: pool.userPoolId,
      clientId: pool.clientId,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
