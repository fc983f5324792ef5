import type { Page, PageRequest, Repository } from '../db/repository.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { User } from './schema.ts';

/**
 * Every DynamoDB call for user profiles (the Users table, keyed by the Cognito `sub`). The service
 * holds the rules; this module holds the keys and expressions.
 */
export class UserStore {
  constructor(readonly repo: Repository<User>) {}

  get(id: string, options: { consistent?: boolean } = {}): Promise<User | undefined> {
    return this.repo.get(id, options);
  }

  /** A new profile; an existing one with the same id is a `ConflictError`. */
  create(user: User): Promise<User> {
    return this.repo.create(user);
  }

  /**
   * Writes the profile unless one exists (one conditional PutItem, nothing else, so the
   * post-confirmation trigger needs no other permission). True when this call wrote it.
   */
  async createIfAbsent(user: User): Promise<boolean> {
    try {
      await this.create(user);
      return true;
    } catch (error) {
      if (error instanceof ConflictError) return false;
      throw error;
    }
  }

  /** Sets the defined fields; a missing profile is a `NotFoundError`. */
  update(id: string, changes: Partial<User>): Promise<User> {
    return this.repo.update(id, changes);
  }

  /** Deletes the profile; already gone is fine. */
  async remove(id: string): Promise<void> {
    try {
      await this.repo.delete(id);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }

  /** One page of every profile, in the table's (unspecified but stable) order. */
  page(request: PageRequest): Promise<Page<User>> {
    return this.repo.scan(request);
  }
}
