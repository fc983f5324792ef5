/** What the users service needs from an identity provider (Cognito: `cognito.ts`). */
export interface Tokens {
  accessToken: string;
  idToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

/**
 * Who is calling, as the edge saw them: passed to Cognito as `UserContextData` on the
 * unauthenticated calls (sign-up, sign-in, password reset), so that Cognito's own protections
 * (threat protection, its per-IP limits) judge the user's address, not the Lambda's.
 */
export interface UserContext {
  /** The viewer's IP address (from CloudFront's `cloudfront-viewer-address`, port removed). */
  ipAddress: string;
}

/** Sign-up and sessions, as the `users` procedures need them. */
export interface IdentityProvider {
  signUp(
    input: {
      email: string;
      password: string;
      firstName: string;
      lastName: string;
    },
    context?: UserContext,
  ): Promise<{ sub: string; confirmed: boolean }>;
  confirmSignUp(email: string, code: string, context?: UserContext): Promise<void>;
  login(email: string, password: string, context?: UserContext): Promise<Tokens>;
  refresh(refreshToken: string, context?: UserContext): Promise<Omit<Tokens, 'refreshToken'>>;
  logout(refreshToken: string): Promise<void>;
  /**
   * For a sign-up that found its email taken: whether `password` opens that account, checked with
   * a login (whose session is revoked at once). `undefined` when it does not (wrong password,
   * disabled, a challenge), which the caller answers like any taken email. An unconfirmed account
   * is confirmed here on stages that auto-confirm, as its own sign-up would have done.
   */
  resumeSignUp(
    email: string,
    password: string,
    context?: UserContext,
  ): Promise<{ confirmed: boolean } | undefined>;
  /** Deletes the account (by email or Cognito username); already gone is fine. */
  deleteUser(username: string): Promise<void>;
  /** Sends a reset code; an unknown or unusable account is answered the same (nothing happens). */
  forgotPassword(email: string, context?: UserContext): Promise<void>;
  confirmForgotPassword(
    email: string,
    code: string,
    newPassword: string,
    context?: UserContext,
  ): Promise<void>;
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
