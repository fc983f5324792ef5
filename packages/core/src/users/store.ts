import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Condition, Page, PageRequest, Repository } from '../db/repository.ts';
import { DEFAULT_PAGE_SIZE, mapStoreError, setExpression } from '../db/repository.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { User } from './schema.ts';

/** How many items a prefix-filtered page may read per item it returns (its read bound). */
export const PREFIX_SCAN_READS_PER_ITEM = 10;

/**
 * Every DynamoDB call for user profiles (the Users table, keyed by the Cognito `sub`). The service
 * holds the rules; this module holds the keys and expressions. A row may also hold the account's
 * state (`account.ts`), or be only that (a tombstone, or state written before any profile): such a
 * row has no `email`, and reads as no profile.
 */
export class UserStore {
  constructor(readonly repo: Repository<User>) {}

  async get(id: string, options: { consistent?: boolean } = {}): Promise<User | undefined> {
    const { Item } = await this.repo.doc
      .send(
        new GetCommand({
          TableName: this.repo.tableName,
          Key: { id },
          ConsistentRead: options.consistent ?? false,
        }),
      )
      .catch(mapStoreError);
    return Item && isProfile(Item) ? this.repo.parse(Item) : undefined;
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

  /**
   * Writes the profile into the account's row unless it has one already or the account was
   * deleted; keeps any account state the row holds. True when this call wrote it.
   */
  async fill(user: User): Promise<boolean> {
    const { id, ...fields } = user;
    const set = setExpression(fields);
    try {
      await this.repo.doc.send(
        new UpdateCommand({
          TableName: this.repo.tableName,
          Key: { id },
          UpdateExpression: set.expression,
          ConditionExpression: 'attribute_not_exists(email) AND attribute_not_exists(deletedAt)',
          ExpressionAttributeNames: set.names,
          ExpressionAttributeValues: set.values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      return mapStoreError(error);
    }
  }

  /**
   * Sets the defined fields; a missing profile is a `NotFoundError`, a row failing `condition` a
   * `ConflictError`.
   */
  update(id: string, changes: Partial<User>, condition?: Condition): Promise<User> {
    return this.repo.update(id, changes, {
      expression: ['attribute_exists(email)', condition?.expression].filter(Boolean).join(' AND '),
      names: condition?.names,
      values: condition?.values,
    });
  }

  /** Deletes the row; already gone is fine. */
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
    if (emailPrefix === undefined) {
      return this.repo.scan({ ...page, filter: { expression: 'attribute_exists(email)' } });
    }
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

function isProfile(row: Record<string, unknown>): boolean {
  return row.email !== undefined && row.deletedAt === undefined;
}
