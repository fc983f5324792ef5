import type * as CognitoSdk from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationError, NotFoundError } from '../errors.ts';
import { budgetOptions, LOCAL_BUDGET, LOCAL_CREDENTIALS, type CallBudget } from '../db/client.ts';
import { LOGIN_FAILED, REFRESH_FAILED, lifetime, translate } from './cognito-errors.ts';
import type { IdentityProvider, UserContext } from './identity.ts';

/**
 * `UserContextData` for a call, when the caller's address is known. Real Cognito reads
 * `IpAddress` only from an app client with `EnablePropagateAdditionalUserContextData` (which needs
 * a client secret) and acts on it only with threat protection on; otherwise it is ignored.
 */
const contextData = (context: UserContext | undefined) =>
  context ? { UserContextData: { IpAddress: context.ipAddress } } : {};

/**
 * Cognito answers in a few hundred milliseconds (SignUp hashes the password): 750 ms per attempt,
 * 3 attempts within 2.5 s (3 × 750 + pauses ≤ 150), retries included (see `CallBudget`).
 */
export const COGNITO_BUDGET: CallBudget = {
  connectionTimeoutMs: 500,
  requestTimeoutMs: 750,
  callBudgetMs: 2_500,
  backoff: { baseMs: 50, capMs: 100 },
};
export const COGNITO_MAX_ATTEMPTS = 3;

export interface CognitoConfig {
  region: string;
  /** cognito-local only. */
  endpoint?: string | undefined;
  userPoolId: string;
  clientId: string;
  /** Confirm new users at once (the `local` stage has no email delivery). */
  autoConfirm: boolean;
}

/**
 * Cognito through the AWS SDK. The SDK module is imported on first use only, so procedures that
 * never touch Cognito do not pay for loading it on a cold start.
 */
export function createCognitoIdentityProvider(config: CognitoConfig): IdentityProvider {
  let sdk:
    | Promise<{
        client: CognitoSdk.CognitoIdentityProviderClient;
        mod: typeof CognitoSdk;
      }>
    | undefined;
  const load = () =>
    (sdk ??= import('@aws-sdk/client-cognito-identity-provider').then((mod) => ({
      mod,
      client: new mod.CognitoIdentityProviderClient({
        region: config.region,
        ...budgetOptions(COGNITO_MAX_ATTEMPTS, config.endpoint ? LOCAL_BUDGET : COGNITO_BUDGET),
        ...(config.endpoint
          ? {
              endpoint: config.endpoint,
              credentials: LOCAL_CREDENTIALS,
            }
          : {}),
      }),
    })));

  const tokens = (result: {
    AccessToken?: string | undefined;
    IdToken?: string | undefined;
    ExpiresIn?: number | undefined;
  }) => {
    if (!result.AccessToken || !result.IdToken) throw new Error('Cognito returned no tokens');
    return {
      accessToken: result.AccessToken,
      idToken: result.IdToken,
      // cognito-local sends no ExpiresIn (its tokens live 24 h); real Cognito always does.
      expiresIn: result.ExpiresIn ?? lifetime(result.AccessToken) ?? 3600,
      tokenType: 'Bearer' as const,
    };
  };

  /** `AdminConfirmSignUp` (auto-confirming stages only). */
  const autoConfirm = async (email: string) => {
    const { client, mod } = await load();
    await client
      .send(new mod.AdminConfirmSignUpCommand({ UserPoolId: config.userPoolId, Username: email }))
      .catch((error: unknown) => {
        // The SDK retried a confirmation whose answer was lost: confirmed is what we want.
        const confirmedAlready =
          error instanceof Error &&
          error.name === 'NotAuthorizedException' &&
          /status is CONFIRMED/i.test(error.message);
        if (!confirmedAlready) throw error;
      });
  };

  return {
    async signUp({ email, password, firstName, lastName }, context) {
      const { client, mod } = await load();
      try {
        const result = await client.send(
          new mod.SignUpCommand({
            ClientId: config.clientId,
            Username: email,
            Password: password,
            UserAttributes: [
              { Name: 'email', Value: email },
              { Name: 'given_name', Value: firstName },
              { Name: 'family_name', Value: lastName },
            ],
            ...contextData(context),
          }),
        );
        if (!result.UserSub) throw new Error('Cognito returned no user sub');
        let confirmed = result.UserConfirmed ?? false;
        if (!confirmed && config.autoConfirm) {
          // If this fails the account stays unconfirmed; a retried sign-up resumes it.
          await autoConfirm(email);
          confirmed = true;
        }
        return { sub: result.UserSub, confirmed };
      } catch (error) {
        translate(error, 'signUp');
      }
    },

    async resumeSignUp(email, password, context) {
      const { client, mod } = await load();
      let result: CognitoSdk.InitiateAuthCommandOutput;
      try {
        result = await client.send(
          new mod.InitiateAuthCommand({
            ClientId: config.clientId,
            AuthFlow: 'USER_PASSWORD_AUTH',
            AuthParameters: { USERNAME: email, PASSWORD: password },
            ...contextData(context),
          }),
        );
      } catch (error) {
        const name = error instanceof Error ? error.name : '';
        if (name !== 'UserNotConfirmedException') {
          if (
            [
              'NotAuthorizedException',
              'UserNotFoundException',
              'InvalidPasswordException',
              'PasswordResetRequiredException',
            ].includes(name)
          ) {
            return undefined;
          }
          translate(error, 'login');
        }
        // Reports differ on whether real Cognito checks the password before it says "not
        // confirmed", so this answer proves nothing there: outside auto-confirm the sign-up is not
        // resumed (409). The user confirms with the code Cognito sent, and the post-confirmation
        // trigger writes the profile. cognito-local checks the password first.
        if (!config.autoConfirm) return undefined;
        await autoConfirm(email).catch((confirmError: unknown) => translate(confirmError, 'admin'));
        return { confirmed: true };
      }
      const refreshToken = result.AuthenticationResult?.RefreshToken;
      // A challenge (temporary password, MFA): not an account a sign-up can finish.
      if (!refreshToken) return undefined;
      // The session only proved the password; nobody holds it, so it must not stay valid.
      await client
        .send(new mod.RevokeTokenCommand({ ClientId: config.clientId, Token: refreshToken }))
        .catch(() => undefined);
      return { confirmed: true };
    },

    async confirmSignUp(email, code, context) {
      const { client, mod } = await load();
      await client
        .send(
          new mod.ConfirmSignUpCommand({
            ClientId: config.clientId,
            Username: email,
            ConfirmationCode: code,
            ...contextData(context),
          }),
        )
        .catch((error: unknown) => translate(error, 'confirm'));
    },

    async login(email, password, context) {
      const { client, mod } = await load();
      const result = await client
        .send(
          new mod.InitiateAuthCommand({
            ClientId: config.clientId,
            AuthFlow: 'USER_PASSWORD_AUTH',
            AuthParameters: { USERNAME: email, PASSWORD: password },
            ...contextData(context),
          }),
        )
        .catch((error: unknown) => translate(error, 'login'));
      const auth = result.AuthenticationResult;
      // A challenge (new password, MFA) is not supported by this API: refuse like a wrong login.
      if (!auth?.RefreshToken) throw new AuthenticationError(LOGIN_FAILED);
      return { ...tokens(auth), refreshToken: auth.RefreshToken };
    },

    async refresh(refreshToken, context) {
      const { client, mod } = await load();
      const result = await client
        .send(
          new mod.InitiateAuthCommand({
            ClientId: config.clientId,
            AuthFlow: 'REFRESH_TOKEN_AUTH',
            AuthParameters: { REFRESH_TOKEN: refreshToken },
            ...contextData(context),
          }),
        )
        .catch((error: unknown) => translate(error, 'refresh'));
      if (!result.AuthenticationResult) throw new AuthenticationError(REFRESH_FAILED);
      return tokens(result.AuthenticationResult);
    },

    async logout(refreshToken) {
      const { client, mod } = await load();
      await client
        .send(new mod.RevokeTokenCommand({ ClientId: config.clientId, Token: refreshToken }))
        .catch((error: unknown) => translate(error, 'refresh'));
    },

    async deleteUser(username) {
      const { client, mod } = await load();
      await client
        .send(new mod.AdminDeleteUserCommand({ UserPoolId: config.userPoolId, Username: username }))
        .catch((error: unknown) => {
          // Already gone is what a rollback wants; failing here would hide the original error.
          if (!(error instanceof Error && error.name === 'UserNotFoundException')) throw error;
        });
    },

    async forgotPassword(email, context) {
      const { client, mod } = await load();
      await client
        .send(
          new mod.ForgotPasswordCommand({
            ClientId: config.clientId,
            Username: email,
            ...contextData(context),
          }),
        )
        .catch((error: unknown) => {
          const name = error instanceof Error ? error.name : '';
          // No account, or one without a verified address to send to: answer as if sent.
          if (
            [
              'UserNotFoundException',
              'NotAuthorizedException',
              'InvalidParameterException',
              'UserNotConfirmedException',
            ].includes(name)
          ) {
            return;
          }
          translate(error, 'reset');
        });
    },

    async confirmForgotPassword(email, code, newPassword, context) {
      const { client, mod } = await load();
      await client
        .send(
          new mod.ConfirmForgotPasswordCommand({
            ClientId: config.clientId,
            Username: email,
            ConfirmationCode: code,
            Password: newPassword,
            ...contextData(context),
          }),
        )
        .catch((error: unknown) => translate(error, 'reset'));
    },

    async changePassword(accessToken, currentPassword, newPassword) {
      const { client, mod } = await load();
      await client
        .send(
          new mod.ChangePasswordCommand({
            AccessToken: accessToken,
            PreviousPassword: currentPassword,
            ProposedPassword: newPassword,
          }),
        )
        .catch((error: unknown) => translate(error, 'change'));
    },

    async globalSignOut(username) {
      const { client, mod } = await load();
      await client
        .send(
          new mod.AdminUserGlobalSignOutCommand({
            UserPoolId: config.userPoolId,
            Username: username,
          }),
        )
        .catch((error: unknown) => {
          if (error instanceof Error && error.name === 'UserNotFoundException') return;
          // cognito-local answers an unknown API with an error of its own: nothing to revoke there.
          if (config.endpoint) return;
          translate(error, 'admin');
        });
    },

    async getUser(username) {
      const { client, mod } = await load();
      try {
        const user = await client.send(
          new mod.AdminGetUserCommand({ UserPoolId: config.userPoolId, Username: username }),
        );
        const attribute = (name: string) =>
          user.UserAttributes?.find((a) => a.Name === name)?.Value || undefined;
        const sub = attribute('sub') ?? user.Username;
        if (!sub || !user.Username) return undefined;
        return {
          sub,
          username: user.Username,
          email: attribute('email'),
          firstName: attribute('given_name'),
          lastName: attribute('family_name'),
          active:
            user.Enabled !== false &&
            (user.UserStatus === 'CONFIRMED' || user.UserStatus === 'RESET_REQUIRED'),
        };
      } catch (error) {
        if (error instanceof Error && error.name === 'UserNotFoundException') return undefined;
        return translate(error, 'admin');
      }
    },

    async setGroupMembership(username, group, member) {
      const { client, mod } = await load();
      const input = { UserPoolId: config.userPoolId, Username: username, GroupName: group };
      await client
        .send(
          member
            ? new mod.AdminAddUserToGroupCommand(input)
            : new mod.AdminRemoveUserFromGroupCommand(input),
        )
        .catch((error: unknown) => {
          if (error instanceof Error && error.name === 'UserNotFoundException') {
            throw new NotFoundError('User not found', { cause: error });
          }
          translate(error, 'admin');
        });
    },

    async groupMembers(group) {
      const { client, mod } = await load();
      const subs = new Set<string>();
      let token: string | undefined;
      do {
        const page = await client
          .send(
            new mod.ListUsersInGroupCommand({
              UserPoolId: config.userPoolId,
              GroupName: group,
              Limit: 60,
              NextToken: token,
            }),
          )
          .catch((error: unknown) => translate(error, 'admin'));
        for (const user of page.Users ?? []) {
          const sub = user.Attributes?.find((a) => a.Name === 'sub')?.Value ?? user.Username;
          if (sub) subs.add(sub);
        }
        token = page.NextToken;
      } while (token);
      return subs;
    },
  };
}
