import type { Actor } from '../actor.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { retryOnConflict } from '../db/transactions.ts';
import {
  MAX_ADDRESSES_PER_USER,
  MAX_RECIPIENT_NAME_LENGTH,
  type Address,
  type CreateAddressInput,
  type UpdateAddressInput,
} from './schema.ts';
import type { AddressStore } from './store.ts';

/**
 * The address book. The first address is the default; a new address also becomes the default when
 * the user has none. Deleting the default leaves the user without one (nothing is promoted).
 * Edits that leave the default alone never write `isDefault`. Concurrency: see `store.ts`.
 * `recipientName` defaults to the account's name, on input and for rows stored before it existed.
 */
export class AddressService {
  constructor(
    private readonly store: AddressStore,
    /** The account's `firstName lastName`, or undefined when there is no profile. */
    private readonly accountName: (userId: string) => Promise<string | undefined>,
  ) {}

  async list(actor: Actor): Promise<Address[]> {
    const addresses = await this.store.ofUser(actor.id);
    if (addresses.every((a) => a.recipientName !== '')) return addresses;
    const name = await this.defaultRecipient(actor.id);
    return addresses.map((a) => (a.recipientName === '' ? { ...a, recipientName: name } : a));
  }

  /** The caller's address, or `NotFoundError` when it is missing or someone else's. */
  async owned(actor: Actor, id: string, consistent = false): Promise<Address> {
    const address = await this.store.get(id, consistent);
    if (!address || address.userId !== actor.id) throw new NotFoundError('Address not found');
    if (address.recipientName !== '') return address;
    return { ...address, recipientName: await this.defaultRecipient(actor.id) };
  }

  /** The account's name, cut to the recipient bound (first and last name may be 100 each). */
  private async defaultRecipient(userId: string): Promise<string> {
    const full = await this.accountName(userId);
    if (!full) {
      throw new ValidationError('recipientName is required: the account has no name', [
        'recipientName',
      ]);
    }
    // Cut by code points so a surrogate pair is never split.
    let name = '';
    for (const ch of full) {
      if (name.length + ch.length > MAX_RECIPIENT_NAME_LENGTH) break;
      name += ch;
    }
    return name.trim();
  }

  async create(actor: Actor, input: CreateAddressInput): Promise<Address> {
    // Read once, before the retried section: the race window stays what it was.
    const recipientName = input.recipientName ?? (await this.defaultRecipient(actor.id));
    return retryOnConflict(async () => {
      const marker = await this.store.marker(actor.id);
      if (marker.count >= MAX_ADDRESSES_PER_USER) {
        throw new ConflictError(`You can keep at most ${MAX_ADDRESSES_PER_USER} addresses`);
      }
      const { isDefault: wantsDefault, recipientName: _given, ...fields } = input;
      const isDefault =
        marker.count === 0 || (wantsDefault ?? marker.defaultAddressId === undefined);
      const address: Address = {
        id: this.store.newId(),
        userId: actor.id,
        recipientName,
        ...fields,
        isDefault,
      };
      await this.store.create(actor, address, marker, {
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
        actor,
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
      await this.store.delete(actor, id, marker, {
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
