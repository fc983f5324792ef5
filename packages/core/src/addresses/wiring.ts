import type { Repository } from '../db/repository.ts';
import { accountName } from '../users/profile-wiring.ts';
import type * as z from 'zod/mini';
import { accountStore, repositoryOf, type Wire } from '../wiring.ts';
import { addressRowSchema } from './schema.ts';
import { AddressService } from './service.ts';
import { AddressStore } from './store.ts';

export const addressRepository: Wire<Repository<z.infer<typeof addressRowSchema>>> = (s) =>
  repositoryOf(s, 'Addresses', addressRowSchema);
export const addressService: Wire<AddressService> = (s) =>
  new AddressService(
    new AddressStore(s.get(addressRepository), s.config.doc, s.get(accountStore)),
    s.get(accountName),
  );
