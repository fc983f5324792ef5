import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Function, use, type StackContext } from 'sst/constructs';
import { Auth } from './Auth.ts';
import { API_NODEJS_BUNDLING } from './bundling.ts';
import { Database } from './Database.ts';
import { CORS_ALLOW_METHODS, corsPolicy } from '@shop/core';

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
 * per stage. Nobody sets or sees it; rotating it (a new generated value) only invalidates open
 * cursors.
 */
function cursorSecret(stack: StackContext['stack']) {
  return new secretsmanager.Secret(stack, 'CursorSecret', {
    description: `Signs the shop API's page cursors (${stack.stage})`,
    generateSecretString: { passwordLength: 64, excludePunctuation: true },
  });
}

/** One Lambda behind its function URL; tokens are verified inside, so the URL has no authorizer. */
export function Api({ stack, app }: StackContext) {
  const { tables, tablePrefix } = use(Database);
  const { userPool, client } = use(Auth);
  const secret = cursorSecret(stack);
  const cors = corsPolicy(app.stage, process.env.SHOP_CORS_ORIGINS);

  const api = new Function(stack, 'ApiFunction', {
    handler: API_HANDLER,
    runtime: 'nodejs22.x',
    // No code sends traces (see README, "Operating it"): no X-Ray permissions, no tracing cost.
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
    url: {
      authorizer: 'none',
      // The same policy `pnpm local` applies (packages/core/src/cors.ts).
      cors: {
        allowOrigins: [...cors.allowOrigins],
        allowMethods: [...CORS_ALLOW_METHODS],
        allowHeaders: [...cors.allowHeaders],
        exposeHeaders: [...cors.exposeHeaders],
        maxAge: `${cors.maxAgeSeconds} seconds`,
      },
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
    ApiUrl: api.url ?? '',
    UserPoolId: userPool.userPoolId,
    UserPoolClientId: client.userPoolClientId,
  });
  // The Web stack adds the site's origin to this policy (see stacks/Web.ts).
  return { api, cors };
}
