import { randomUUID } from 'node:crypto';
import { BatchGetCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { idSchema } from '../common.ts';
import { AuthenticationError, CorruptDataError, ThrottledError } from '../errors.ts';
import type { Actor } from '../actor.ts';
import type { AccountStore } from '../users/account.ts';
import { mapStoreError, setExpression, type Repository } from '../db/repository.ts';
import {
  transactWrite,
  TransactionCancelled,
  type TaggedWrite,
  type TransactItem,
} from '../db/transactions.ts';
import { MAX_ADDRESSES_PER_USER, type Address } from './schema.ts';

/**
 * Each user has one marker row (`default#<userId>`, no `userId` attribute, so it never shows in
 * `userId-index`) holding which address is the default and how many addresses exist. Every create
 * and delete, and every change of the default, rewrites the marker under a version condition in
 * the same transaction as the addresses, so concurrent requests serialize per user: at most one
 * default, always, and a count that the address limit can trust. The marker also lists the
 * user's address ids, so the address book is read by key, strongly consistent, right after a
 * change (`userId-index`, a GSI, may not have it yet); markers written before that list existed
 * fall back to the index.
 */
const markerSchema = z.object({
  id: z.string(),
  version: z.int().check(z.gte(0)),
  count: z.int().check(z.gte(0)),
  defaultAddressId: z.optional(idSchema),
  addressIds: z.optional(z.array(idSchema)),
});
export type DefaultMarker = z.infer<typeof markerSchema>;

const markerId = (userId: string) => `default#${userId}`;

type Tag = 'address' | 'marker' | 'previous-default' | 'account';

/** Every DynamoDB read and write of addresses and their per-user marker. */
export class AddressStore {
  constructor(
    private readonly repo: Repository<Address>,
    private readonly doc: DynamoDBDocumentClient,
    /** Puts the account's state check into every address transaction. */
    private readonly accounts?: Pick<AccountStore, 'guard'>,
  ) {}

  private get table() {
    return this.repo.tableName;
  }

  /** The user's addresses in the order they were added. */
  async ofUser(userId: string): Promise<Address[]> {
    const marker = await this.marker(userId);
    if (!marker.addressIds) return marker.count === 0 ? [] : this.fromIndex(userId);
    const byId = new Map((await this.byKeys(marker.addressIds)).map((a) => [a.id, a] as const));
    return marker.addressIds.flatMap((id) => byId.get(id) ?? []);
  }

  /** The ids the marker's next state starts from (a marker without the list: from the index). */
  async idsOf(userId: string, marker: DefaultMarker): Promise<string[]> {
    if (marker.addressIds) return marker.addressIds;
    if (marker.count === 0) return [];
    return (await this.fromIndex(userId)).map((a) => a.id);
  }

  private async fromIndex(userId: string): Promise<Address[]> {
    const page = await this.repo.queryIndex('userId-index', 'userId', userId, {
      limit: MAX_ADDRESSES_PER_USER,
    });
    return page.items;
  }

  /** One consistent BatchGetItem (at most 50 keys), unprocessed keys asked again up to 4 times. */
  private async byKeys(ids: string[]): Promise<Address[]> {
    const found: Address[] = [];
    let keys = ids.map((id) => ({ id }));
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt >= 4) throw new ThrottledError('The data store is busy, please retry');
      if (attempt > 0) await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
      const result = await this.doc
        .send(
          new BatchGetCommand({
            RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } },
          }),
        )
        .catch(mapStoreError);
      found.push(...(result.Responses?.[this.table] ?? []).map((row) => this.repo.parse(row)));
      keys = (result.UnprocessedKeys?.[this.table]?.Keys ?? []) as { id: string }[];
    }
    return found;
  }

  get(id: string, consistent = false): Promise<Address | undefined> {
    return this.repo.get(id, { consistent });
  }

  /** The user's marker, parsed; a user who never had an address gets version 0. */
  async marker(userId: string): Promise<DefaultMarker> {
    const { Item: row } = await this.doc
      .send(
        new GetCommand({
          TableName: this.table,
          Key: { id: markerId(userId) },
          ConsistentRead: true,
        }),
      )
      .catch(mapStoreError);
    if (!row) return { id: markerId(userId), version: 0, count: 0 };
    const parsed = markerSchema.safeParse(row);
    if (!parsed.success) {
      throw new CorruptDataError(`Malformed address marker in ${this.table} for ${userId}`, {
        cause: parsed.error,
      });
    }
    return parsed.data;
  }

  newId(): string {
    return randomUUID();
  }

  /** The new address and the marker's next state, in one transaction. */
  create(actor: Actor, address: Address, marker: DefaultMarker, next: MarkerState): Promise<void> {
    return this.write(actor, [
      {
        tag: 'address',
        write: {
          Put: {
            TableName: this.table,
            Item: address,
            ConditionExpression: 'attribute_not_exists(id)',
          },
        },
      },
      ...this.changeMarker(address.userId, marker, next, address.id),
    ]);
  }

  /** Changed fields of an own address, and the marker when the default moves. */
  update(
    actor: Actor,
    id: string,
    changes: Partial<Address>,
    marker: DefaultMarker,
    next: MarkerState | undefined,
  ): Promise<void> {
    const userId = actor.id;
    const set = setExpression(changes);
    return this.write(actor, [
      {
        tag: 'address',
        write: {
          Update: {
            TableName: this.table,
            Key: { id },
            UpdateExpression: set.expression,
            ConditionExpression: '#userId = :userId',
            ExpressionAttributeNames: { ...set.names, '#userId': 'userId' },
            ExpressionAttributeValues: { ...set.values, ':userId': userId },
          },
        },
      },
      ...(next ? this.changeMarker(userId, marker, next, id) : []),
    ]);
  }

  delete(actor: Actor, id: string, marker: DefaultMarker, next: MarkerState): Promise<void> {
    const userId = actor.id;
    return this.write(actor, [
      {
        tag: 'address',
        write: {
          Delete: {
            TableName: this.table,
            Key: { id },
            ConditionExpression: '#userId = :userId',
            ExpressionAttributeNames: { '#userId': 'userId' },
            ExpressionAttributeValues: { ':userId': userId },
          },
        },
      },
      ...this.changeMarker(userId, marker, next, id),
    ]);
  }

  /**
   * Deletes every address of `userId` and the marker row (account deletion); returns how many
   * addresses went. Unconditional deletes, no marker versioning: the account is going away, and
   * running it again after a partial failure is safe.
   */
  async removeAllOf(userId: string): Promise<number> {
    // The marker's count is exact (strongly consistent, moved in every address transaction);
    // `userId-index` may lag behind it on real DynamoDB, so it is asked again until it shows them
    // all (a few hundred milliseconds at most), never trusted on its own.
    const { count } = await this.marker(userId);
    let ids: string[] = [];
    for (let attempt = 0; ; attempt++) {
      ids = (await this.ofUser(userId)).map((address) => address.id);
      if (ids.length >= count) break;
      if (attempt >= 8) throw new ThrottledError('The data store is busy, please retry');
      await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** Math.min(attempt, 4)));
    }
    const keys = [...ids, markerId(userId)];
    // A transaction takes at most 100 items; MAX_ADDRESSES_PER_USER keeps this to one.
    for (let start = 0; start < keys.length; start += 100) {
      await transactWrite(
        this.doc,
        keys.slice(start, start + 100).map((id) => ({
          tag: `delete:${id}`,
          write: { Delete: { TableName: this.table, Key: { id } } },
        })),
      );
    }
    return ids.length;
  }

  /**
   * The marker's next version, conditioned on the version read (0 = not written yet), plus
   * clearing `isDefault` on the previous default when the default moves away from it.
   */
  private changeMarker(
    userId: string,
    read: DefaultMarker,
    next: MarkerState,
    /** The address the caller's transaction already writes: never a second item for it. */
    touching: string,
  ): TaggedWrite<Tag>[] {
    const marker: TransactItem = {
      Put: {
        TableName: this.table,
        Item: { id: markerId(userId), version: read.version + 1, ...next },
        ...(read.version === 0
          ? { ConditionExpression: 'attribute_not_exists(id)' }
          : {
              ConditionExpression: '#version = :version',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':version': read.version },
            }),
      },
    };
    const writes: TaggedWrite<Tag>[] = [{ tag: 'marker', write: marker }];
    const previous = read.defaultAddressId;
    if (previous && previous !== next.defaultAddressId && previous !== touching) {
      writes.push({
        tag: 'previous-default',
        write: {
          Update: {
            TableName: this.table,
            Key: { id: previous },
            UpdateExpression: 'SET isDefault = :false',
            // Deleting it in this same transaction is fine; never recreate a deleted address.
            ConditionExpression: 'attribute_exists(id)',
            ExpressionAttributeValues: { ':false': false },
          },
        },
      });
    }
    return writes;
  }

  /**
   * Any failed condition means someone else changed this user's addresses since we read them:
   * reported as a conflict, so the service retries from a fresh read.
   */
  private async write(actor: Actor, writes: TaggedWrite<Tag>[]): Promise<void> {
    try {
      await transactWrite(this.doc, [...(this.accounts?.guard(actor) ?? []), ...writes]);
    } catch (error) {
      if (
        error instanceof TransactionCancelled &&
        (error as TransactionCancelled<Tag>).failure('account')
      ) {
        // The account was deleted or this session ended meanwhile: nothing was written.
        throw new AuthenticationError('Invalid or expired token', { cause: error });
      }
      if (error instanceof TransactionCancelled && !error.isConflict) {
        throw new TransactionCancelled(error.failed, true, { cause: error });
      }
      throw error;
    }
  }
}

export interface MarkerState {
  count: number;
  defaultAddressId: string | undefined;
  addressIds: string[];
}
