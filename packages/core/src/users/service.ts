import { nowIso } from '../common.ts';
import type { Actor } from '../actor.ts';
import { NotFoundError } from '../errors.ts';
import type { Repository } from '../db/repository.ts';
import type { IdentityProvider } from './cognito.ts';
import type { UpdateMeInput, User } from './schema.ts';

export interface SignUpInput {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
}

export class UserService {
  constructor(readonly repo: Repository<User>) {}

  /**
   * Creates the Cognito account, then the profile row keyed by its `sub`. If the row cannot be
   * written, the Cognito account is deleted again so that a retry of the same sign-up succeeds.
   */
  async signUp(
    identity: IdentityProvider,
    input: SignUpInput,
  ): Promise<{ user: User; needsConfirmation: boolean }> {
    const { sub, confirmed } = await identity.signUp(input);
    const now = nowIso();
    try {
      const user = await this.repo.create({
        id: sub,
        email: input.email.toLowerCase(),
        firstName: input.firstName,
        lastName: input.lastName,
        createdAt: now,
        updatedAt: now,
      });
      return { user, needsConfirmation: !confirmed };
    } catch (error) {
      await identity.deleteUser(input.email).catch((rollbackError: unknown) => {
        throw new AggregateError([error, rollbackError], 'Sign-up failed and could not be undone');
      });
      throw error;
    }
  }

  async me(actor: Actor): Promise<User> {
    const user = await this.repo.get(actor.id);
    if (!user) throw new NotFoundError('User not found');
    return user;
  }

  /** Yourself, or anyone for an admin; everyone else is told the user does not exist. */
  async byId(actor: Actor, id: string): Promise<User> {
    if (id !== actor.id && !actor.isAdmin) throw new NotFoundError('User not found');
    const user = await this.repo.get(id);
    if (!user) throw new NotFoundError('User not found');
    return user;
  }

  async updateMe(actor: Actor, changes: UpdateMeInput): Promise<User> {
    if (changes.firstName === undefined && changes.lastName === undefined) return this.me(actor);
    try {
      return await this.repo.update(actor.id, { ...changes, updatedAt: nowIso() });
    } catch (error) {
      if (error instanceof NotFoundError)
        throw new NotFoundError('User not found', { cause: error });
      throw error;
    }
  }

  async byEmail(email: string): Promise<User | undefined> {
    const page = await this.repo.queryIndex('email-index', 'email', email.toLowerCase(), {
      limit: 1,
    });
    return page.items[0];
  }
}
