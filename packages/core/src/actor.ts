/** Who is asking: the verified user behind a request. */
export interface Actor {
  id: string;
  isAdmin: boolean;
  /** The sign-in the token belongs to; absent for in-process callers (scripts, router tests). */
  session?: Session | undefined;
}

/** One sign-in, as its access tokens describe it (see `users/account.ts`). */
export interface Session {
  /** `origin_jti` (or the token's `jti` where the issuer has none). */
  id: string;
  /** Epoch seconds of the sign-in (`auth_time`). */
  startedAt: number;
  /** Epoch seconds at which this access token expires. */
  expiresAt: number;
}
