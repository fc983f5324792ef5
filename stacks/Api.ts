import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Function, use, type StackContext } from 'sst/constructs';
import { Auth } from './Auth.ts';
import { API_NODEJS_BUNDLING } from './bundling.ts';
import { Database } from './Database.ts';
import { CORS_ALLOW_METHODS, corsPolicy } from '@shop/core';
import { apiReservedConcurrency, cursorSecretGeneration } from './settings.ts';

export { corsOrigins } from '@shop/core';

/** The Lambda entry point, relative to the repository root. */
export const API_HANDLER = 'packages/api/src/handler.handler';

/** Exactly the DynamoDB actions the repositories use (a transaction is authorised per item). */
export const DYNAMODB_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
];

/**
 * SignUp, ConfirmSignUp, InitiateAuth, RevokeToken, ForgotPassword, ConfirmForgotPassword and
 * ChangePassword are public Cognito APIs that need no IAM. The admin APIs the code calls: the
 * sign-up rollback and `users.deleteMe` (AdminDeleteUser), profiles made on first use, `setAdmin`
 * and `deleteMe` (AdminGetUser), `users.setAdmin` (AdminAddUserToGroup,
 * AdminRemoveUserFromGroup) and `users.adminList` (ListUsersInGroup).
 */
export const COGNITO_ACTIONS = [
  'cognito-idp:AdminDeleteUser',
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminRemoveUserFromGroup',
  'cognito-idp:ListUsersInGroup',
  // Password change and reset end every other session (their refresh tokens).
  'cognito-idp:AdminUserGlobalSignOut',
];

/**
 * The key that signs page cursors: a random string Secrets Manager generates at deploy time, one
 * per stage. Nobody sets or sees it. The function reads it through a dynamic reference, which
 * CloudFormation resolves only when it updates the function, so rotating the value in Secrets
 * Manager alone would change nothing. Rotation is therefore a deploy: bump
 * `SHOP_CURSOR_SECRET_GENERATION` and a NEW secret (new logical id, new generated value) replaces
 * the old one, and the function, whose reference changed, is updated with it. It only invalidates
 * open cursors (clients start again from the first page).
 */
function cursorSecret(stack: StackContext['stack']) {
  const generation = cursorSecretGeneration();
  return new secretsmanager.Secret(
    stack,
    generation === 1 ? 'CursorSecret' : `CursorSecret${generation}`,
    {
      description: `Signs the shop API's page cursors (${stack.stage}, generation ${generation})`,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    },
  );
}

/**
 * One Lambda behind its function URL; tokens are verified inside, so the URL has no authorizer of
 * its own. Deployed, the URL requires IAM auth (`AWS_IAM`): only the Edge stack's CloudFront
 * distribution, signing with origin access control, may invoke it. Under `sst dev` (no
 * distribution is deployed) the URL stays public so that the local web app can call it.
 */
export function Api({ stack, app }: StackContext) {
  const { tables, tablePrefix } = use(Database);
  const { userPool, client } = use(Auth);
  const secret = cursorSecret(stack);
  const cors = corsPolicy(app.stage, process.env.SHOP_CORS_ORIGINS);
  const reserved = apiReservedConcurrency();

  const api = new Function(stack, 'ApiFunction', {
    handler: API_HANDLER,
    runtime: 'nodejs22.x',
    // No code sends traces (README.md, "What a stage is made of"): no X-Ray rights or cost.
    tracing: 'disabled',
    architecture: 'arm_64',
    memorySize: 1024,
    timeout: 10,
    nodejs: API_NODEJS_BUNDLING,
    environment: {
      SHOP_STAGE: app.stage,
      SHOP_TABLE_PREFIX: tablePrefix,
      COGNITO_USER_POOL_ID: userPool.userPoolId,
      COGNITO_CLIENT_ID: client.userPoolClientId,
      // A CloudFormation dynamic reference ({{resolve:secretsmanager:…}}): resolved at deploy
      // time, so the template holds no value and the function needs no Secrets Manager grant.
      SHOP_CURSOR_SECRET: secret.secretValue.unsafeUnwrap(),
      // The Lambda runtime is Node 22: no warning about the AWS SDK's Node 20 deprecation needed.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    ...(reserved === undefined ? {} : { reservedConcurrentExecutions: reserved }),
  });
  // Plain CDK rather than SST's `url` prop, so that the Edge stack gets a typed `IFunctionUrl`.
  const url = api.addFunctionUrl({
    authType:
      app.mode === 'dev' ? lambda.FunctionUrlAuthType.NONE : lambda.FunctionUrlAuthType.AWS_IAM,
    // For other browser origins (SHOP_CORS_ORIGINS): the site itself calls `/api` on its own
    // origin and needs none. The same policy `pnpm local` applies (packages/core/src/cors.ts).
    cors: {
      allowedOrigins: [...cors.allowOrigins],
      allowedMethods: CORS_ALLOW_METHODS.map((m) => lambda.HttpMethod[m]),
      allowedHeaders: [...cors.allowHeaders],
      exposedHeaders: [...cors.exposeHeaders],
      maxAge: Duration.seconds(cors.maxAgeSeconds),
    },
  });

  // Not `bind`/`permissions: [table]`, which grant dynamodb:*.
  api.attachPermissions([
    new iam.PolicyStatement({
      actions: DYNAMODB_ACTIONS,
      resources: tables.flatMap((table) => [table.tableArn, `${table.tableArn}/index/*`]),
    }),
    new iam.PolicyStatement({ actions: COGNITO_ACTIONS, resources: [userPool.userPoolArn] }),
  ]);

  stack.addOutputs({
    // Deployed, only the distribution may call it: use the site's `/api` (the Edge stack's SiteUrl).
    ApiUrl: url.url,
    UserPoolId: userPool.userPoolId,
    UserPoolClientId: client.userPoolClientId,
  });
  return { api, url, cors, reservedConcurrency: reserved };
}
