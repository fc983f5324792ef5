import type * as CognitoSdk from '@aws-sdk/client-cognito-identity-provider';
import {
  AuthenticationError,
  ConflictError,
  NotFoundError,
  ThrottledError,
  ValidationError,
} from '../errors.ts';
import {
  budgetOptions,
  LOCAL_BUDGET,
  LOCAL_CREDENTIALS,
  RETRY_TOKENS,
  type CallBudget,
} from '../db/client.ts';

/**
 * Cognito answers in a few hundred milliseconds (SignUp hashes the password): 1.5 s per attempt,
 * 2.5 s per call, retries included (see `CallBudget` and `docs/reliability.md`).
 */
export const COGNITO_BUDGET: CallBudget = {
  connectionTimeoutMs: 500,
  requestTimeoutMs: 1_500,
  callBudgetMs: 2_500,
  backoff: { baseMs: 50, capMs: 200 },
  throttlingBackoff: { baseMs: 100, capMs: 400 },
  retryTokens: RETRY_TOKENS,
};
export const COGNITO_MAX_ATTEMPTS = 3;

export interface Tokens {
  accessToken: string;
  idToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

/** Sign-up and sessions, as the `users` procedures need them. */
export interface IdentityProvider {
  signUp(input: {
    email: string;
    password: string;
    firstName: string;
    lastName: string;
  }): Promise<{ sub: string; confirmed: boolean }>;
  confirmSignUp(email: string, code: string): Promise<void>;
  login(email: string, password: string): Promise<Tokens>;
  refresh(refreshToken: string): Promise<Omit<Tokens, 'refreshToken'>>;
  logout(refreshToken: string): Promise<void>;
  /**
   * For a sign-up that found its email taken: whether `password` opens that account, checked with
   * a login (whose session is revoked at once). `undefined` when it does not (wrong password,
   * disabled, a challenge), which the caller answers like any taken email. An unconfirmed account
   * is confirmed here on stages that auto-confirm, as its own sign-up would have done.
   */
  resumeSignUp(email: string, password: string): Promise<{ confirmed: boolean } | undefined>;
  /** Deletes the account (by email or Cognito username); already gone is fine. */
  deleteUser(username: string): Promise<void>;
  /** Sends a reset code; an unknown or unusable account is answered the same (nothing happens). */
  forgotPassword(email: string): Promise<void>;
  confirmForgotPassword(email: string, code: string, newPassword: string): Promise<void>;
  /** Changes the password of the user the access token belongs to. */
  changePassword(accessToken: string, currentPassword: string, newPassword: string): Promise<void>;
  /**
   * Revokes every refresh token of the account (`AdminUserGlobalSignOut`). cognito-local does not
   * implement it: there this resolves without effect (see `docs/accounts.md`).
   */
  globalSignOut(username: string): Promise<void>;
  /** The account by Cognito username (= `sub` in an email-username pool), or `undefined`. */
  getUser(username: string): Promise<IdentityUser | undefined>;
  /** Adds the user to or removes them from `group`; an unknown user is a `NotFoundError`. */
  setGroupMembership(username: string, group: string, member: boolean): Promise<void>;
  /** The `sub` of every member of `group`. */
  groupMembers(group: string): Promise<Set<string>>;
}

/**
 * For a process built without Cognito (see `ServicesConfig.identity`): every call fails, naming
 * the call. (`then` stays undefined, so the object is never mistaken for a promise.)
 */
export const NO_IDENTITY_PROVIDER: IdentityProvider = new Proxy({} as IdentityProvider, {
  get: (_, method) =>
    method === 'then'
      ? undefined
      : () =>
          Promise.reject(
            new Error(`${String(method)} needs Cognito, and these services were built without it`),
          ),
});

/** What the pool knows about an account. */
export interface IdentityUser {
  sub: string;
  username: string;
  email: string | undefined;
  firstName: string | undefined;
  lastName: string | undefined;
  /** Confirmed (or reset-required) and enabled: someone who can hold a valid token. */
  active: boolean;
}

export interface CognitoConfig {
  region: string;
  /** cognito-local only. */
  endpoint?: string | undefined;
  userPoolId: string;
  clientId: string;
  /** Confirm new users at once (the `local` stage has no email delivery). */
  autoConfirm: boolean;
}

const LOGIN_FAILED = 'Incorrect email or password';
const CODE_FAILED = 'Invalid or expired code';
const THROTTLING = [
  'TooManyRequestsException',
  'LimitExceededException',
  'TooManyFailedAttemptsException',
];
const REFRESH_FAILED = 'Invalid refresh token';

/** Seconds the access token lives, read from its own claims when Cognito does not say. */
function lifetime(accessToken: string): number | undefined {
  try {
    const payload = JSON.parse(
      Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString(),
    ) as { exp?: unknown; iat?: unknown };
    const { exp, iat } = payload;
    return typeof exp === 'number' && typeof iat === 'number' && exp > iat ? exp - iat : undefined;
  } catch {
    return undefined;
  }
}

/** Cognito's own messages never reach clients: each known failure becomes a domain error. */
function translate(
  error: unknown,
  context: 'signUp' | 'confirm' | 'login' | 'refresh' | 'reset' | 'change' | 'admin',
): never {
  const name = error instanceof Error ? error.name : '';
  const cause = { cause: error };
  // An admin API failing is our problem, not the caller's: only throttling has a meaning.
  if (context === 'admin' && !THROTTLING.includes(name)) throw error;
  if (
    context === 'change' &&
    (name === 'NotAuthorizedException' || name === 'InvalidPasswordException')
  ) {
    // Real Cognito says NotAuthorized for a wrong current password; cognito-local says
    // InvalidPassword. The new password already passed the pool's policy in our schema.
    throw new ValidationError('Incorrect current password', ['currentPassword'], cause);
  }
  if (context === 'reset') {
    if (name === 'InvalidPasswordException') {
      throw new ValidationError('Password does not meet the policy', ['newPassword'], cause);
    }
    // Unknown email, unconfirmed account and a wrong code look the same: no enumeration.
    if (
      [
        'CodeMismatchException',
        'ExpiredCodeException',
        'UserNotFoundException',
        'NotAuthorizedException',
        'UserNotConfirmedException',
      ].includes(name)
    ) {
      throw new ValidationError(CODE_FAILED, ['code'], cause);
    }
  }
  switch (name) {
    case 'UsernameExistsException':
    case 'AliasExistsException':
      throw new ConflictError('Email already registered', cause);
    case 'InvalidPasswordException':
      // cognito-local answers a wrong login password with this too; only sign-up means policy.
      if (context === 'signUp') {
        throw new ValidationError('Password does not meet the policy', ['password'], cause);
      }
      if (context === 'refresh') throw new AuthenticationError(REFRESH_FAILED, cause);
      throw new AuthenticationError(LOGIN_FAILED, cause);
    case 'CodeMismatchException':
    case 'ExpiredCodeException':
      throw new ValidationError('Invalid or expired confirmation code', ['code'], cause);
    case 'TooManyRequestsException':
    case 'ThrottlingException':
    case 'LimitExceededException':
    case 'TooManyFailedAttemptsException':
      throw new ThrottledError('Too many attempts, please wait and retry', cause);
    case 'UnsupportedTokenTypeException':
      // RevokeToken given something that is not a refresh token.
      if (context === 'refresh') throw new AuthenticationError(REFRESH_FAILED, cause);
      throw error;
    case 'NotAuthorizedException':
    case 'UserNotFoundException':
    case 'UserNotConfirmedException':
    case 'PasswordResetRequiredException':
      if (context === 'refresh') throw new AuthenticationError(REFRESH_FAILED, cause);
      if (context === 'confirm') {
        throw new ValidationError('Invalid or expired confirmation code', ['code'], cause);
      }
      // Unknown email, wrong password and unconfirmed account look the same: no enumeration.
      throw new AuthenticationError(LOGIN_FAILED, cause);
    default:
      throw error;
  }
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
    async signUp({ email, password, firstName, lastName }) {
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

    async resumeSignUp(email, password) {
      const { client, mod } = await load();
      let result: CognitoSdk.InitiateAuthCommandOutput;
      try {
        result = await client.send(
          new mod.InitiateAuthCommand({
            ClientId: config.clientId,
            AuthFlow: 'USER_PASSWORD_AUTH',
            AuthParameters: { USERNAME: email, PASSWORD: password },
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

    async confirmSignUp(email, code) {
      const { client, mod } = await load();
      await client
        .send(
          new mod.ConfirmSignUpCommand({
            ClientId: config.clientId,
            Username: email,
            ConfirmationCode: code,
          }),
        )
        .catch((error: unknown) => translate(error, 'confirm'));
    },

    async login(email, password) {
      const { client, mod } = await load();
      const result = await client
        .send(
          new mod.InitiateAuthCommand({
            ClientId: config.clientId,
            AuthFlow: 'USER_PASSWORD_AUTH',
            AuthParameters: { USERNAME: email, PASSWORD: password },
          }),
        )
        .catch((error: unknown) => translate(error, 'login'));
      const auth = result.AuthenticationResult;
      // A challenge (new password, MFA) is not supported by this API: refuse like a wrong login.
      if (!auth?.RefreshToken) throw new AuthenticationError(LOGIN_FAILED);
      return { ...tokens(auth), refreshToken: auth.RefreshToken };
    },

    async refresh(refreshToken) {
      const { client, mod } = await load();
      const result = await client
        .send(
          new mod.InitiateAuthCommand({
            ClientId: config.clientId,
            AuthFlow: 'REFRESH_TOKEN_AUTH',
            AuthParameters: { REFRESH_TOKEN: refreshToken },
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

    async forgotPassword(email) {
      const { client, mod } = await load();
      await client
        .send(new mod.ForgotPasswordCommand({ ClientId: config.clientId, Username: email }))
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

    async confirmForgotPassword(email, code, newPassword) {
      const { client, mod } = await load();
      await client
        .send(
          new mod.ConfirmForgotPasswordCommand({
            ClientId: config.clientId,
            Username: email,
            ConfirmationCode: code,
            Password: newPassword,
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
