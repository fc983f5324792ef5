import {
  DEFAULT_PAGE_SIZE,
  type Page,
  type PageRequest,
  type Repository,
} from '../db/repository.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { User } from './schema.ts';

/** How many items a prefix-filtered page may read per item it returns (its read bound). */
export const PREFIX_SCAN_READS_PER_ITEM = 10;

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

  /**
   * One page of every profile, in the table's (unspecified but stable) order. With `emailPrefix`,
   * a filtered Scan: `email-index` is keyed by the whole e-mail, so a prefix cannot be a key
   * condition. Each page reads at most `PREFIX_SCAN_READS_PER_ITEM` × `limit` items and may come
   * back short with a cursor; a full pass costs one read of the table, like the unfiltered list.
   */
  page(request: PageRequest & { emailPrefix?: string | undefined }): Promise<Page<User>> {
    const { emailPrefix, ...page } = request;
    if (emailPrefix === undefined) return this.repo.scan(page);
    const limit = page.limit ?? DEFAULT_PAGE_SIZE;
    return this.repo.scanWhere(
      {
        expression: 'begins_with(#email, :prefix)',
        names: { '#email': 'email' },
        values: { ':prefix': emailPrefix },
      },
      `email^${emailPrefix}`,
      { ...page, maxRead: limit * PREFIX_SCAN_READS_PER_ITEM },
    );
  }
}
