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
 * Which address is a user's default lives in one marker row per user (`default#<userId>`, no
 * `userId` attribute, so it never shows in `userId-index`). Every change of the default writes the
 * marker under a version condition in the same transaction as the addresses, so two concurrent
 * requests cannot both leave a default behind: at most one default per user, always.
 * Deleting the default address leaves the user without one (nothing is promoted).
 */
interface DefaultMarker {
  id: string;
  version: number;
  defaultAddressId?: string;
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
      const [existing, marker] = await Promise.all([this.list(actor), this.marker(actor.id)]);
      if (existing.length >= MAX_ADDRESSES_PER_USER) {
        throw new ConflictError(`You can keep at most ${MAX_ADDRESSES_PER_USER} addresses`);
      }
      const { isDefault: wantsDefault, ...fields } = input;
      // The first address is always the default; later ones only when asked, or when none is.
      const isDefault =
        existing.length === 0 || (wantsDefault ?? marker.defaultAddressId === undefined);
      const address: Address = { id: randomUUID(), userId: actor.id, ...fields, isDefault };
      const put: TransactItem = {
        Put: {
          TableName: this.table,
          Item: address,
          ConditionExpression: 'attribute_not_exists(id)',
        },
      };
      if (!isDefault) {
        await this.repo.create(address);
        return address;
      }
      await this.write([put, ...this.moveDefault(actor.id, marker, address.id)]);
      return address;
    });
  }

  update(actor: Actor, { id, isDefault, ...fields }: UpdateAddressInput): Promise<Address> {
    return retryOnConflict(async () => {
      const [address, marker] = await Promise.all([
        this.owned(actor, id, true),
        this.marker(actor.id),
      ]);
      const becomesDefault = isDefault === true && !address.isDefault;
      const stopsBeingDefault = isDefault === false && address.isDefault;
      const next: Address = { ...address, ...definedOnly(fields) };
      if (isDefault !== undefined) next.isDefault = isDefault;

      const set = setExpression({ ...definedOnly(fields), isDefault: next.isDefault });
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
      if (becomesDefault) {
        await this.write([update, ...this.moveDefault(actor.id, marker, id)]);
      } else if (stopsBeingDefault) {
        await this.write([update, this.putMarker(actor.id, marker, undefined)]);
      } else {
        await this.write([update]);
      }
      return next;
    });
  }

  delete(actor: Actor, id: string): Promise<{ id: string }> {
    return retryOnConflict(async () => {
      const [address, marker] = await Promise.all([
        this.owned(actor, id, true),
        this.marker(actor.id),
      ]);
      const del: TransactItem = {
        Delete: {
          TableName: this.table,
          Key: { id },
          ConditionExpression: '#userId = :userId',
          ExpressionAttributeNames: { '#userId': 'userId' },
          ExpressionAttributeValues: { ':userId': actor.id },
        },
      };
      const clearsDefault = address.isDefault || marker.defaultAddressId === id;
      await this.write(clearsDefault ? [del, this.putMarker(actor.id, marker, undefined)] : [del]);
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
    return (Item as DefaultMarker | undefined) ?? { id: markerId(userId), version: 0 };
  }

  /** The marker write, conditioned on the version we read (0 = not written yet). */
  private putMarker(
    userId: string,
    read: DefaultMarker,
    defaultAddressId: string | undefined,
  ): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: { id: markerId(userId), version: read.version + 1, defaultAddressId },
        ConditionExpression:
          read.version === 0 ? 'attribute_not_exists(id)' : '#version = :version',
        ...(read.version === 0
          ? {}
          : {
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':version': read.version },
            }),
      },
    };
  }

  /** Marker points at `newDefaultId`; the previous default (if any, and still there) is cleared. */
  private moveDefault(userId: string, marker: DefaultMarker, newDefaultId: string): TransactItem[] {
    const items = [this.putMarker(userId, marker, newDefaultId)];
    const previous = marker.defaultAddressId;
    if (previous && previous !== newDefaultId) {
      items.push({
        Update: {
          TableName: this.table,
          Key: { id: previous },
          UpdateExpression: 'SET isDefault = :false',
          // The previous default may have been deleted meanwhile; never recreate it.
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeValues: { ':false': false },
        },
      });
    }
    return items;
  }

  /** A failed marker condition means someone else changed the default: retried as a conflict. */
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
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
