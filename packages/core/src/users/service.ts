import { systemClock, type Clock } from '../common.ts';
import type { Actor } from '../actor.ts';
import { ADMIN_GROUP } from '../rules.ts';
import { AuthenticationError, ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { Page, PageRequest } from '../db/repository.ts';
import type { IdentityProvider, IdentityUser, Tokens, UserContext } from './identity.ts';
import {
  MAX_PERSON_NAME_LENGTH,
  userSchema,
  type AdminUser,
  type ChangePasswordInput,
  type ConfirmForgotPasswordInput,
  type SignUpInput,
  type UpdateMeInput,
  type User,
} from './schema.ts';
import type { UserStore } from './store.ts';
import { accountCondition, sessionOfToken, type AccountStore } from './account.ts';

/** Epoch seconds on the clock Cognito's tokens use (real time, never a test's clock). */
const epochSeconds = () => Math.floor(Date.now() / 1000);

/** Resolves once real time reaches `epochSecond`: a sign-in after that has `auth_time >= it`. */
const reach = (epochSecond: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, epochSecond * 1000 - Date.now())));

/** The Cognito group whose members are admins (`api/src/auth.ts` reads it from the tokens). */

/** Only what account deletion needs from the addresses. */
interface AddressRemover {
  removeAllOf(userId: string): Promise<number>;
}

/** A name from the pool's attributes, cut to what the profile schema accepts. */
const cleanName = (name: string | undefined) =>
  name?.trim().slice(0, MAX_PERSON_NAME_LENGTH) || undefined;

/**
 * The profile of a pool account that has none yet (created in the console, by `AdminCreateUser`
 * or an import). Names Cognito does not have become the e-mail's local part and `-`; the user can
 * change them with `users.updateMe`.
 */
export function profileFromAccount(
  account: Pick<IdentityUser, 'sub' | 'email' | 'firstName' | 'lastName'>,
  clock: Clock = systemClock,
): User {
  if (!account.email) throw new Error(`Account ${account.sub} has no email`);
  const now = clock.now().toISOString();
  // Parsed before writing: a malformed profile must never reach the table.
  return userSchema.parse({
    id: account.sub,
    email: account.email,
    firstName: cleanName(account.firstName) ?? cleanName(account.email.split('@')[0]) ?? '-',
    lastName: cleanName(account.lastName) ?? '-',
    createdAt: now,
    updatedAt: now,
  });
}

/**
 * The post-confirmation trigger's work: the profile of a just-confirmed account, written once
 * (a conditional put; a second delivery of the event changes nothing). True when written now.
 */
export function recordConfirmedUser(
  store: Pick<UserStore, 'createIfAbsent'>,
  account: Pick<IdentityUser, 'sub' | 'email' | 'firstName' | 'lastName'>,
): Promise<boolean> {
  return store.createIfAbsent(profileFromAccount(account));
}

/**
 * The rules of accounts and profiles: Cognito through the `IdentityProvider`, every DynamoDB call
 * through the store.
 */
export class UserService {
  constructor(
    readonly store: UserStore,
    private readonly addresses: AddressRemover,
    private readonly identity: IdentityProvider,
    private readonly accounts: AccountStore,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Creates the Cognito account, then the profile row keyed by its `sub`. If the row cannot be
   * written, both are undone so that a retry of the same sign-up starts afresh. A sign-up that
   * finds its email taken may be this one, half done (a lost answer, a failed step or rollback):
   * it is finished instead of refused when the password matches (`resumeSignUp`).
   */
  async signUp(
    input: SignUpInput,
    context?: UserContext,
  ): Promise<{ user: User; needsConfirmation: boolean }> {
    let account: { sub: string; confirmed: boolean };
    try {
      account = await this.identity.signUp(input, context);
    } catch (error) {
      if (error instanceof ConflictError) return this.resumeSignUp(input, error, context);
      throw error;
    }
    const now = this.clock.now().toISOString();
    try {
      const user = await this.writeProfile({
        id: account.sub,
        email: input.email.toLowerCase(),
        firstName: input.firstName,
        lastName: input.lastName,
        createdAt: now,
        updatedAt: now,
      });
      return { user, needsConfirmation: !account.confirmed };
    } catch (error) {
      // A write whose answer was lost still wrote the row: it goes first, then the account, so
      // no row outlives its account (a retry gets a new sub, and a second row would share the
      // email). A failed undo leaves an account a retry resumes.
      try {
        await this.store.remove(account.sub);
        await this.identity.deleteUser(input.email);
      } catch (rollbackError) {
        throw new AggregateError([error, rollbackError], 'Sign-up failed and could not be undone');
      }
      throw error;
    }
  }

  /**
   * The email has an account. A finished one (active, with a profile) is "already registered",
   * whatever the password: nothing more is told. Otherwise, when the password opens it, the
   * sign-up is finished: confirmed where the stage auto-confirms, and its profile written once
   * (keyed by the account's `sub`, so never a second row), from the account's own attributes.
   */
  private async resumeSignUp(
    input: SignUpInput,
    conflict: ConflictError,
    context: UserContext | undefined,
  ): Promise<{ user: User; needsConfirmation: boolean }> {
    const account = await this.identity.getUser(input.email);
    if (!account?.email) throw conflict;
    const existing = await this.store.get(account.sub, { consistent: true });
    if (account.active && existing) throw conflict;
    const opened = await this.identity.resumeSignUp(input.email, input.password, context);
    if (!opened) throw conflict;
    const user = existing ?? (await this.writeProfile(profileFromAccount(account, this.clock)));
    return { user, needsConfirmation: !opened.confirmed };
  }

  async confirmSignUp(
    input: { email: string; code: string },
    context?: UserContext,
  ): Promise<{ confirmed: true }> {
    await this.identity.confirmSignUp(input.email, input.code, context);
    return { confirmed: true };
  }

  /** `context`: the caller as the edge saw them, for Cognito's own protections. */
  login(input: { email: string; password: string }, context?: UserContext): Promise<Tokens> {
    return this.identity.login(input.email, input.password, context);
  }

  /**
   * New tokens for a session the account still accepts. Cognito refuses revoked refresh tokens
   * itself; a session ended by a password change is refused here too (one more GetItem), also
   * where Cognito's global sign-out did not run (cognito-local has none).
   */
  async refresh(
    input: { refreshToken: string },
    context?: UserContext,
  ): Promise<Omit<Tokens, 'refreshToken'>> {
    const tokens = await this.identity.refresh(input.refreshToken, context);
    const session = sessionOfToken(tokens.accessToken);
    if (!session) throw new AuthenticationError('Invalid refresh token');
    // Real Cognito keeps `auth_time` (the sign-in) across refreshes; cognito-local resets it, but
    // its refresh token is a readable JWT whose `iat` is the sign-in. The earlier of the two.
    const signedInAt = Math.min(session.startedAt, sessionOfRefreshToken(input.refreshToken));
    try {
      await this.accounts.authorize({
        id: session.sub,
        isAdmin: false,
        session: { ...session, startedAt: signedInAt },
      });
    } catch (error) {
      throw new AuthenticationError('Invalid refresh token', { cause: error });
    }
    return tokens;
  }

  /**
   * Revokes the refresh token and ends the caller's session: its access tokens (every one
   * refreshed from the same sign-in, by `origin_jti`) are refused from now on.
   */
  async logout(actor: Actor, input: { refreshToken: string }): Promise<{ ok: true }> {
    await Promise.all([
      this.identity.logout(input.refreshToken),
      actor.session
        ? this.accounts.revokeSession(
            actor.id,
            actor.session.id,
            actor.session.expiresAt,
            epochSeconds(),
          )
        : undefined,
    ]);
    return { ok: true };
  }

  /**
   * After a password change or reset: every session that signed in before now ends. The cut-off
   * is the next whole second (tokens count in seconds, so a sign-in of this very second with the
   * old password ends too), and the call returns only once it is reached, so a sign-in made after
   * the answer always counts as new. Cognito's refresh tokens of the account are revoked too.
   */
  private async endSessions(id: string, username: string): Promise<void> {
    const after = epochSeconds() + 1;
    await Promise.all([
      this.accounts.endSessionsBefore(id, after),
      // The account state refuses those sessions for this API anyway; a failed global sign-out
      // must not turn a password change that happened into an error.
      this.identity.globalSignOut(username).catch(() => undefined),
      reach(after),
    ]);
  }

  /** The same answer whether or not the account exists. */
  async forgotPassword(input: { email: string }, context?: UserContext): Promise<{ ok: true }> {
    await this.identity.forgotPassword(input.email, context);
    return { ok: true };
  }

  /** The password is reset: every session of the account ends (see `endSessions`). */
  async confirmForgotPassword(
    input: ConfirmForgotPasswordInput,
    context?: UserContext,
  ): Promise<{ ok: true }> {
    await this.identity.confirmForgotPassword(input.email, input.code, input.newPassword, context);
    const account = await this.identity.getUser(input.email);
    if (account) await this.endSessions(account.sub, account.username);
    return { ok: true };
  }

  /**
   * `accessToken` is the caller's own, as verified for this request. Every session ends, the
   * caller's too; the caller gets the tokens of a new one.
   */
  async changePassword(
    actor: Actor & { username?: string },
    accessToken: string,
    input: ChangePasswordInput,
  ): Promise<Tokens> {
    const [profile] = await Promise.all([
      this.ensureProfile(actor.id),
      this.identity.changePassword(accessToken, input.currentPassword, input.newPassword),
    ]);
    await this.endSessions(actor.id, actor.username ?? actor.id);
    return this.identity.login(profile.email, input.newPassword);
  }

  /** The caller's profile, created from the pool account when no trigger wrote it. */
  me(actor: Actor): Promise<User> {
    return this.ensureProfile(actor.id);
  }

  /** Yourself, or anyone for an admin; everyone else is told the user does not exist. */
  async byId(actor: Actor, id: string): Promise<User> {
    if (id !== actor.id && !actor.isAdmin) throw new NotFoundError('User not found');
    const user = await this.store.get(id);
    if (!user) throw new NotFoundError('User not found');
    return user;
  }

  async updateMe(actor: Actor, changes: UpdateMeInput): Promise<User> {
    if (changes.firstName === undefined && changes.lastName === undefined) {
      return this.me(actor);
    }
    // Conditioned on the account's state: a deletion or sign-out racing this call wins.
    const guard = actor.session ? accountCondition(actor.session) : undefined;
    const update = () =>
      this.store.update(
        actor.id,
        { ...changes, updatedAt: this.clock.now().toISOString() },
        guard && {
          expression: guard.ConditionExpression,
          names: guard.ExpressionAttributeNames,
          values: guard.ExpressionAttributeValues,
        },
      );
    try {
      return await update();
    } catch (error) {
      if (error instanceof ConflictError) {
        // The row refused the guard (account state), or holds state but no profile yet.
        await this.accounts.authorize(actor);
      } else if (!(error instanceof NotFoundError)) throw error;
    }
    // No profile yet (an account made outside sign-up): create it, then change it.
    await this.ensureProfile(actor.id);
    try {
      return await update();
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new NotFoundError('User not found', { cause: error });
      }
      if (error instanceof ConflictError) await this.accounts.authorize(actor);
      throw error;
    }
  }

  /**
   * Deletes the caller's account: password first, then addresses and profile, the Cognito
   * account last, so that a failure half-way leaves someone who can still log in and retry.
   * Orders stay, as records of what was sold.
   */
  async deleteMe(actor: Actor, input: { password: string }): Promise<{ ok: true }> {
    const account = await this.identity.getUser(actor.id);
    // Gone already: a token from before the deletion is refused like any other.
    if (!account?.email || account.sub !== actor.id) {
      throw new AuthenticationError('Invalid or expired token');
    }
    let refreshToken: string;
    try {
      ({ refreshToken } = await this.identity.login(account.email, input.password));
    } catch (error) {
      if (error instanceof AuthenticationError) {
        throw new ValidationError('Incorrect password', ['password'], { cause: error });
      }
      throw error;
    }
    // The check's own session is not needed; the account is about to go anyway.
    await this.identity.logout(refreshToken).catch(() => undefined);
    // The tombstone first: from here on every token of the account is refused and every guarded
    // write (addresses, orders, profile) fails in its own transaction, so the sweep below is the
    // last word. A failure later leaves an account that can sign in and call `deleteMe` again
    // (the one procedure a deleted account's token may still call). Orders stay, as records.
    await this.accounts.markDeleted(actor.id, this.clock.now().toISOString());
    await this.addresses.removeAllOf(actor.id);
    await this.identity.deleteUser(account.username);
    return { ok: true };
  }

  /** One page of every profile, each with whether the account is in the admin group. */
  async adminList(
    page: PageRequest & { emailPrefix?: string | undefined } = {},
  ): Promise<Page<AdminUser>> {
    const [profiles, admins] = await Promise.all([
      this.store.page(page),
      this.identity.groupMembers(ADMIN_GROUP),
    ]);
    return {
      items: profiles.items.map((user) => ({ ...user, isAdmin: admins.has(user.id) })),
      nextCursor: profiles.nextCursor,
    };
  }

  /**
   * Puts the account into or out of the admin group; tokens issued afterwards carry the change.
   * Admins cannot drop their own right, so the last admin cannot lock everyone out by mistake.
   */
  async setAdmin(actor: Actor, input: { id: string; isAdmin: boolean }): Promise<AdminUser> {
    if (!actor.isAdmin) throw new NotFoundError('User not found');
    if (input.id === actor.id && !input.isAdmin) {
      throw new ConflictError('You cannot remove your own admin right');
    }
    const profile = await this.ensureProfile(input.id);
    // The row decides at once, for tokens issued before too; the group, for the next tokens.
    await this.accounts.setAdmin(input.id, input.isAdmin);
    await this.identity.setGroupMembership(input.id, ADMIN_GROUP, input.isAdmin);
    return { ...profile, isAdmin: input.isAdmin };
  }

  /** The profile, or one created now from an active pool account; otherwise `NotFoundError`. */
  private async ensureProfile(id: string): Promise<User> {
    const existing = await this.store.get(id);
    if (existing) return existing;
    const account = await this.identity.getUser(id);
    if (!account?.active || !account.email || account.sub !== id) {
      throw new NotFoundError('User not found');
    }
    return this.writeProfile(profileFromAccount(account, this.clock));
  }

  /**
   * Writes the profile once (a conditional put), or returns the one already there: written
   * meanwhile by the trigger or a parallel request, or by this very write when the SDK retried
   * it after a lost answer. Either way it belongs to the same `sub`.
   */
  private async writeProfile(profile: User): Promise<User> {
    // A row may exist without a profile (account state written first): then fill it in.
    if ((await this.store.createIfAbsent(profile)) || (await this.store.fill(profile))) {
      return profile;
    }
    const written = await this.store.get(profile.id, { consistent: true });
    if (!written) throw new NotFoundError('User not found');
    return written;
  }
}

/** The sign-in time a readable (cognito-local) refresh token carries; real ones are opaque. */
function sessionOfRefreshToken(refreshToken: string): number {
  try {
    const payload = JSON.parse(
      Buffer.from(refreshToken.split('.')[1] ?? '', 'base64url').toString(),
    ) as { iat?: unknown };
    return typeof payload.iat === 'number' ? payload.iat : Infinity;
  } catch {
    return Infinity;
  }
}
