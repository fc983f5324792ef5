import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Actor } from '../actor.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { mapStoreError, setExpression, type Repository } from '../db/repository.ts';
import {
  retryOnConflict,
  transactWrite,
  TransactionCancelled,
  type TransactItem,
} from '../db/transactions.ts';
import {
  MAX_ADDRESSES_PER_USER,
  type Address,
  type CreateAddressInput,
  type UpdateAddressInput,
} from './schema.ts';

/**
 * Each user has one marker row (`default#<userId>`, no `userId` attribute, so it never shows in
 * `userId-index`) holding which address is the default and how many addresses exist. Every create
 * and delete, and every change of the default, rewrites the marker under a version condition in
 * the same transaction as the addresses, so concurrent requests serialize per user: at most one
 * default, always, and a count that the 50-address limit can trust. Edits that leave the default
 * alone never write `isDefault`.
 * The first address is the default; a new address also becomes the default when the user has
 * none. Deleting the default leaves the user without one (nothing is promoted).
 */
interface DefaultMarker {
  id: string;
  version: number;
  count: number;
  defaultAddressId?: string | undefined;
}

const markerId = (userId: string) => `default#${userId}`;

export class AddressService {
  constructor(readonly repo: Repository<Address>) {}

  private get table() {
    return this.repo.tableName;
  }

  async list(actor: Actor): Promise<Address[]> {
    const page = await this.repo.queryIndex('userId-index', 'userId', actor.id, {
      limit: MAX_ADDRESSES_PER_USER,
    });
    return page.items;
  }

  /** The caller's address, or `NotFoundError` when it is missing or someone else's. */
  async owned(actor: Actor, id: string, consistent = false): Promise<Address> {
    const address = await this.repo.get(id, { consistent });
    if (!address || address.userId !== actor.id) throw new NotFoundError('Address not found');
    return address;
  }

  create(actor: Actor, input: CreateAddressInput): Promise<Address> {
    return retryOnConflict(async () => {
      const marker = await this.marker(actor.id);
      if (marker.count >= MAX_ADDRESSES_PER_USER) {
        throw new ConflictError(`You can keep at most ${MAX_ADDRESSES_PER_USER} addresses`);
      }
      const { isDefault: wantsDefault, ...fields } = input;
      const isDefault =
        marker.count === 0 || (wantsDefault ?? marker.defaultAddressId === undefined);
      const address: Address = { id: randomUUID(), userId: actor.id, ...fields, isDefault };
      await this.write([
        {
          Put: {
            TableName: this.table,
            Item: address,
            ConditionExpression: 'attribute_not_exists(id)',
          },
        },
        ...this.changeMarker(
          actor.id,
          marker,
          {
            count: marker.count + 1,
            defaultAddressId: isDefault ? address.id : marker.defaultAddressId,
          },
          address.id,
        ),
      ]);
      return address;
    });
  }

  update(actor: Actor, { id, isDefault, ...fields }: UpdateAddressInput): Promise<Address> {
    return retryOnConflict(async () => {
      const [address, marker] = await Promise.all([
        this.owned(actor, id, true),
        this.marker(actor.id),
      ]);
      const isCurrentDefault = marker.defaultAddressId === id;
      const becomesDefault = isDefault === true && !isCurrentDefault;
      const stopsBeingDefault = isDefault === false && isCurrentDefault;
      const changes: Partial<Address> = definedOnly(fields);
      if (becomesDefault || stopsBeingDefault) changes.isDefault = becomesDefault;
      const next: Address = { ...address, ...changes, isDefault: isCurrentDefault };
      if (becomesDefault || stopsBeingDefault) next.isDefault = becomesDefault;
      if (Object.keys(changes).length === 0) return next;

      const set = setExpression(changes);
      const update: TransactItem = {
        Update: {
          TableName: this.table,
          Key: { id },
          UpdateExpression: set.expression,
          ConditionExpression: '#userId = :userId',
          ExpressionAttributeNames: { ...set.names, '#userId': 'userId' },
          ExpressionAttributeValues: { ...set.values, ':userId': actor.id },
        },
      };
      const markerWrites =
        becomesDefault || stopsBeingDefault
          ? this.changeMarker(
              actor.id,
              marker,
              {
                count: marker.count,
                defaultAddressId: becomesDefault ? id : undefined,
              },
              id,
            )
          : [];
      await this.write([update, ...markerWrites]);
      return next;
    });
  }

  delete(actor: Actor, id: string): Promise<{ id: string }> {
    return retryOnConflict(async () => {
      const [, marker] = await Promise.all([this.owned(actor, id, true), this.marker(actor.id)]);
      await this.write([
        {
          Delete: {
            TableName: this.table,
            Key: { id },
            ConditionExpression: '#userId = :userId',
            ExpressionAttributeNames: { '#userId': 'userId' },
            ExpressionAttributeValues: { ':userId': actor.id },
          },
        },
        ...this.changeMarker(
          actor.id,
          marker,
          {
            count: Math.max(0, marker.count - 1),
            defaultAddressId: marker.defaultAddressId === id ? undefined : marker.defaultAddressId,
          },
          id,
        ),
      ]);
      return { id };
    });
  }

  private async marker(userId: string): Promise<DefaultMarker> {
    const { Item } = await this.repo.doc
      .send(
        new GetCommand({
          TableName: this.table,
          Key: { id: markerId(userId) },
          ConsistentRead: true,
        }),
      )
      .catch(mapStoreError);
    return (Item as DefaultMarker | undefined) ?? { id: markerId(userId), version: 0, count: 0 };
  }

  /**
   * The marker's next version, conditioned on the version we read (0 = not written yet), plus
   * clearing `isDefault` on the previous default when the default moves away from it.
   */
  private changeMarker(
    userId: string,
    read: DefaultMarker,
    next: { count: number; defaultAddressId: string | undefined },
    /** The address the caller's transaction already writes: never a second item for it. */
    touching: string,
  ): TransactItem[] {
    const items: TransactItem[] = [
      {
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
      },
    ];
    const previous = read.defaultAddressId;
    if (previous && previous !== next.defaultAddressId && previous !== touching) {
      items.push({
        Update: {
          TableName: this.table,
          Key: { id: previous },
          UpdateExpression: 'SET isDefault = :false',
          // Deleting it in this same transaction is fine; never recreate a deleted address.
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeValues: { ':false': false },
        },
      });
    }
    return items;
  }

  /** A failed condition means someone else changed this user's addresses: retried as a conflict. */
  private async write(items: TransactItem[]): Promise<void> {
    try {
      await transactWrite(this.repo.doc, items);
    } catch (error) {
      if (error instanceof TransactionCancelled && !error.isConflict) {
        throw new TransactionCancelled(
          error.reasons.map((r) => ({
            ...r,
            code: r.code === 'ConditionalCheckFailed' ? 'TransactionConflict' : r.code,
          })),
          { cause: error },
        );
      }
      throw error;
    }
  }

  /**
   * Deletes every address of `userId` and their marker row (account deletion); returns how many
   * addresses went. Self-contained on purpose: unconditional deletes, no marker versioning, as
   * the account is going away. Running it again after a partial failure is safe.
   */
  async removeAllOf(userId: string): Promise<number> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.repo.queryIndex('userId-index', 'userId', userId, {
        limit: MAX_ADDRESSES_PER_USER,
        cursor,
      });
      ids.push(...page.items.map((address) => address.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const keys = [...ids, markerId(userId)];
    // A transaction takes at most 100 items; the marker goes with the last addresses.
    for (let start = 0; start < keys.length; start += 100) {
      await transactWrite(
        this.repo.doc,
        keys
          .slice(start, start + 100)
          .map((id): TransactItem => ({ Delete: { TableName: this.table, Key: { id } } })),
      );
    }
    return ids.length;
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
