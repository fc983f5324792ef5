import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type { StackContext } from 'sst/constructs';

/**
 * The user pool: email is the username, the contract's password policy, self sign-up with email
 * verification, and an `admin` group. Plain CDK rather than SST's `Cognito`, which cannot be
 * bound; the Lambda gets the ids as environment variables.
 */
export function Auth({ stack, app }: StackContext) {
  const isProd = app.stage === 'prod';
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
      minLength: 8,
      requireLowercase: true,
      requireUppercase: true,
      requireDigits: true,
      requireSymbols: true,
    },
    accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
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
  new cognito.CfnUserPoolGroup(stack, 'AdminGroup', {
    userPoolId: userPool.userPoolId,
    groupName: 'admin',
    description: 'May manage the catalogue and move orders through their lifecycle',
  });
  return { userPool, client };
}
