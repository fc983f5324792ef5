import { systemClock, type Clock } from '../common.ts';
import type { Actor } from '../actor.ts';
import { ADMIN_GROUP } from '../browser.ts';
import { AuthenticationError, ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { Page, PageRequest } from '../db/repository.ts';
import type { IdentityProvider, IdentityUser, Tokens } from './cognito.ts';
import {
  userSchema,
  type AdminUser,
  type ChangePasswordInput,
  type ConfirmForgotPasswordInput,
  type SignUpInput,
  type UpdateMeInput,
  type User,
} from './schema.ts';
import type { UserStore } from './store.ts';

/** The Cognito group whose members are admins (`api/src/auth.ts` reads it from the tokens). */

/** Only what account deletion needs from the addresses. */
interface AddressRemover {
  removeAllOf(userId: string): Promise<number>;
}

const NAME_MAX = 100;
const cleanName = (name: string | undefined) => name?.trim().slice(0, NAME_MAX) || undefined;

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
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Creates the Cognito account, then the profile row keyed by its `sub`. If the row cannot be
   * written, both are undone so that a retry of the same sign-up starts afresh. A sign-up that
   * finds its email taken may be this one, half done (a lost answer, a failed step or rollback):
   * it is finished instead of refused when the password matches (`resumeSignUp`).
   */
  async signUp(input: SignUpInput): Promise<{ user: User; needsConfirmation: boolean }> {
    let account: { sub: string; confirmed: boolean };
    try {
      account = await this.identity.signUp(input);
    } catch (error) {
      if (error instanceof ConflictError) return this.resumeSignUp(input, error);
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
  ): Promise<{ user: User; needsConfirmation: boolean }> {
    const account = await this.identity.getUser(input.email);
    if (!account?.email) throw conflict;
    const existing = await this.store.get(account.sub, { consistent: true });
    if (account.active && existing) throw conflict;
    const opened = await this.identity.resumeSignUp(input.email, input.password);
    if (!opened) throw conflict;
    const user = existing ?? (await this.writeProfile(profileFromAccount(account, this.clock)));
    return { user, needsConfirmation: !opened.confirmed };
  }

  async confirmSignUp(input: { email: string; code: string }): Promise<{ confirmed: true }> {
    await this.identity.confirmSignUp(input.email, input.code);
    return { confirmed: true };
  }

  login(input: { email: string; password: string }): Promise<Tokens> {
    return this.identity.login(input.email, input.password);
  }

  refresh(input: { refreshToken: string }): Promise<Omit<Tokens, 'refreshToken'>> {
    return this.identity.refresh(input.refreshToken);
  }

  async logout(input: { refreshToken: string }): Promise<{ ok: true }> {
    await this.identity.logout(input.refreshToken);
    return { ok: true };
  }

  /** The same answer whether or not the account exists. */
  async forgotPassword(input: { email: string }): Promise<{ ok: true }> {
    await this.identity.forgotPassword(input.email);
    return { ok: true };
  }

  async confirmForgotPassword(input: ConfirmForgotPasswordInput): Promise<{ ok: true }> {
    await this.identity.confirmForgotPassword(input.email, input.code, input.newPassword);
    return { ok: true };
  }

  /** `accessToken` is the caller's own, as verified for this request. */
  async changePassword(accessToken: string, input: ChangePasswordInput): Promise<{ ok: true }> {
    await this.identity.changePassword(accessToken, input.currentPassword, input.newPassword);
    return { ok: true };
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
    const update = () =>
      this.store.update(actor.id, { ...changes, updatedAt: this.clock.now().toISOString() });
    try {
      return await update();
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    // No profile yet (an account made outside sign-up): create it, then change it.
    await this.ensureProfile(actor.id);
    try {
      return await update();
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new NotFoundError('User not found', { cause: error });
      }
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
    if (!account?.email || account.sub !== actor.id) throw new NotFoundError('User not found');
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
    // Data first, so a failure here leaves an account that can sign in and try again.
    await this.removeDataOf(actor.id);
    await this.identity.deleteUser(account.username);
    // A request of this account running meanwhile (its access token still verifies) may have
    // written again: `users.me` recreates a missing profile while the pool account exists. Now
    // it does not, so one more sweep leaves nothing behind.
    await this.removeDataOf(actor.id);
    return { ok: true };
  }

  /** The addresses and the profile; orders stay, as records of what was sold. */
  private async removeDataOf(userId: string): Promise<void> {
    await this.addresses.removeAllOf(userId);
    await this.store.remove(userId);
  }

  /** One page of every profile, each with whether the account is in the admin group. */
  async adminList(page: PageRequest = {}): Promise<Page<AdminUser>> {
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
    if (await this.store.createIfAbsent(profile)) return profile;
    const written = await this.store.get(profile.id, { consistent: true });
    if (!written) throw new NotFoundError('User not found');
    return written;
  }
}
