import type { Actor } from '../actor.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { retryOnConflict } from '../db/transactions.ts';
import {
  MAX_ADDRESSES_PER_USER,
  type Address,
  type CreateAddressInput,
  type UpdateAddressInput,
} from './schema.ts';
import type { AddressStore } from './store.ts';

/**
 * The address book. The first address is the default; a new address also becomes the default when
 * the user has none. Deleting the default leaves the user without one (nothing is promoted).
 * Edits that leave the default alone never write `isDefault`. Concurrency: see `store.ts`.
 */
export class AddressService {
  constructor(private readonly store: AddressStore) {}

  list(actor: Actor): Promise<Address[]> {
    return this.store.ofUser(actor.id);
  }

  /** The caller's address, or `NotFoundError` when it is missing or someone else's. */
  async owned(actor: Actor, id: string, consistent = false): Promise<Address> {
    const address = await this.store.get(id, consistent);
    if (!address || address.userId !== actor.id) throw new NotFoundError('Address not found');
    return address;
  }

  create(actor: Actor, input: CreateAddressInput): Promise<Address> {
    return retryOnConflict(async () => {
      const marker = await this.store.marker(actor.id);
      if (marker.count >= MAX_ADDRESSES_PER_USER) {
        throw new ConflictError(`You can keep at most ${MAX_ADDRESSES_PER_USER} addresses`);
      }
      const { isDefault: wantsDefault, ...fields } = input;
      const isDefault =
        marker.count === 0 || (wantsDefault ?? marker.defaultAddressId === undefined);
      const address: Address = { id: this.store.newId(), userId: actor.id, ...fields, isDefault };
      await this.store.create(address, marker, {
        count: marker.count + 1,
        defaultAddressId: isDefault ? address.id : marker.defaultAddressId,
        addressIds: [...(await this.store.idsOf(actor.id, marker)), address.id],
      });
      return address;
    });
  }

  update(actor: Actor, { id, isDefault, ...fields }: UpdateAddressInput): Promise<Address> {
    return retryOnConflict(async () => {
      const [address, marker] = await Promise.all([
        this.owned(actor, id, true),
        this.store.marker(actor.id),
      ]);
      const isCurrentDefault = marker.defaultAddressId === id;
      const becomesDefault = isDefault === true && !isCurrentDefault;
      const stopsBeingDefault = isDefault === false && isCurrentDefault;
      const movesDefault = becomesDefault || stopsBeingDefault;
      const changes: Partial<Address> = Object.fromEntries(
        Object.entries(fields).filter(([, v]) => v !== undefined),
      );
      if (movesDefault) changes.isDefault = becomesDefault;
      const next: Address = {
        ...address,
        ...changes,
        isDefault: movesDefault ? becomesDefault : isCurrentDefault,
      };
      if (Object.keys(changes).length === 0) return next;
      await this.store.update(
        actor.id,
        id,
        changes,
        marker,
        movesDefault
          ? {
              count: marker.count,
              defaultAddressId: becomesDefault ? id : undefined,
              addressIds: await this.store.idsOf(actor.id, marker),
            }
          : undefined,
      );
      return next;
    });
  }

  delete(actor: Actor, id: string): Promise<{ id: string }> {
    return retryOnConflict(async () => {
      const [, marker] = await Promise.all([
        this.owned(actor, id, true),
        this.store.marker(actor.id),
      ]);
      await this.store.delete(actor.id, id, marker, {
        count: Math.max(0, marker.count - 1),
        defaultAddressId: marker.defaultAddressId === id ? undefined : marker.defaultAddressId,
        addressIds: (await this.store.idsOf(actor.id, marker)).filter((other) => other !== id),
      });
      return { id };
    });
  }

  /** Account deletion: every address of the user and the marker go; returns how many addresses. */
  removeAllOf(userId: string): Promise<number> {
    return this.store.removeAllOf(userId);
  }
}
