import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Function, use, type StackContext } from 'sst/constructs';
import { tableDefinitions } from '@shop/core';
import { ADMIN_GROUP, PASSWORD_POLICY } from '@shop/core/browser';
import { API_NODEJS_BUNDLING } from './bundling.ts';
import { Database } from './Database.ts';
import { emailFrom } from './settings.ts';

/** The post-confirmation trigger, relative to the repository root. */
export const POST_CONFIRMATION_HANDLER = 'packages/api/src/post-confirmation.handler';

/** All the trigger may do: write a profile (one conditional PutItem) into the Users table. */
export const TRIGGER_DYNAMODB_ACTIONS = ['dynamodb:PutItem'];

/**
 * The user pool: email is the username, the contract's password policy, self sign-up with email
 * verification, and an `admin` group. Plain CDK rather than SST's `Cognito`, which cannot be
 * bound; the Lambda gets the ids as environment variables.
 */
export function Auth({ stack, app }: StackContext) {
  const isProd = app.stage === 'prod';
  // Cognito's own sender allows about 50 e-mails a day for the whole pool: deployed stages send
  // through SES from a verified identity (required on prod; see docs/deploy.md).
  const from = app.mode === 'dev' ? undefined : emailFrom(app.stage);
  const userPool = new cognito.UserPool(stack, 'UserPool', {
    userPoolName: app.logicalPrefixedName('users'),
    signInAliases: { email: true },
    signInCaseSensitive: false,
    selfSignUpEnabled: true,
    autoVerify: { email: true },
    standardAttributes: {
      email: { required: true, mutable: true },
      givenName: { required: false, mutable: true },
      familyName: { required: false, mutable: true },
    },
    passwordPolicy: {
      minLength: PASSWORD_POLICY.minLength,
      requireLowercase: PASSWORD_POLICY.requireLowercase,
      requireUppercase: PASSWORD_POLICY.requireUppercase,
      requireDigits: PASSWORD_POLICY.requireDigits,
      requireSymbols: PASSWORD_POLICY.requireSymbols,
    },
    accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
    ...(from
      ? {
          email: cognito.UserPoolEmail.withSES({
            fromEmail: from,
            fromName: 'Shop',
            sesRegion: stack.region,
          }),
        }
      : {}),
    deletionProtection: isProd,
    removalPolicy: isProd ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  const client = userPool.addClient('WebClient', {
    authFlows: { userPassword: true, userSrp: true }, // refresh-token auth is always allowed
    generateSecret: false,
    // The API signs in with InitiateAuth; CDK would otherwise enable the implicit and code OAuth
    // flows with a placeholder callback URL.
    disableOAuth: true,
    enableTokenRevocation: true,
    preventUserExistenceErrors: true,
    accessTokenValidity: Duration.minutes(15),
    idTokenValidity: Duration.minutes(15),
    refreshTokenValidity: Duration.days(30),
  });

  // Every confirmed account gets its profile, also one created outside `users.signUp`.
  const { tables, tablePrefix } = use(Database);
  const usersTable = tables[tableDefinitions.findIndex((d) => d.name === 'Users')];
  if (!usersTable) throw new Error('The Database stack has no Users table');
  const postConfirmation = new Function(stack, 'PostConfirmationFunction', {
    handler: POST_CONFIRMATION_HANDLER,
    runtime: 'nodejs22.x',
    // No code sends traces (README.md, "What a stage is made of"): no X-Ray rights or cost.
    tracing: 'disabled',
    architecture: 'arm_64',
    memorySize: 256,
    timeout: 5,
    nodejs: API_NODEJS_BUNDLING,
    environment: {
      SHOP_TABLE_PREFIX: tablePrefix,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  // Not `bind`/`permissions: [table]`, which grant dynamodb:*.
  postConfirmation.attachPermissions([
    new iam.PolicyStatement({
      actions: TRIGGER_DYNAMODB_ACTIONS,
      resources: [usersTable.tableArn],
    }),
  ]);
  userPool.addTrigger(cognito.UserPoolOperation.POST_CONFIRMATION, postConfirmation);

  new cognito.CfnUserPoolGroup(stack, 'AdminGroup', {
    userPoolId: userPool.userPoolId,
    groupName: ADMIN_GROUP,
    description: 'May manage the catalogue and move orders through their lifecycle',
  });
  return { userPool, client };
}
