import { idSchema, text } from '../common.ts';
import * as z from 'zod/mini';
import { countryCodes } from './countries.ts';

export const countrySchema = z.string().check(
  z.trim(),
  z.toUpperCase(),
  z.refine((code) => countryCodes.has(code), 'Must be an ISO 3166-1 alpha-2 country code'),
);

export const MAX_STREET_LENGTH = 200;
export const MAX_CITY_LENGTH = 100;
export const MAX_STATE_LENGTH = 100;
export const MAX_ZIP_CODE_LENGTH = 20;
export const MAX_RECIPIENT_NAME_LENGTH = 100;
export const recipientNameSchema = text(1, MAX_RECIPIENT_NAME_LENGTH);

const addressFields = {
  street: text(1, MAX_STREET_LENGTH),
  city: text(1, MAX_CITY_LENGTH),
  // Not every country has states or postal codes, so these may be empty.
  state: text(0, MAX_STATE_LENGTH),
  zipCode: text(0, MAX_ZIP_CODE_LENGTH),
  country: countrySchema,
};

export const addressSchema = z.object({
  id: idSchema,
  userId: idSchema,
  recipientName: recipientNameSchema,
  ...addressFields,
  isDefault: z.boolean(),
});
export type Address = z.infer<typeof addressSchema>;

/**
 * An Addresses row as stored. Rows written before v3 have no `recipientName`: they read with an
 * empty one, which the service replaces with the account's name (see `AddressService`).
 */
export const addressRowSchema = z.extend(addressSchema, {
  recipientName: z._default(z.union([recipientNameSchema, z.literal('')]), ''),
});

export const createAddressInputSchema = z.object({
  /** Who the parcel is for; the account's name (`firstName lastName`) when absent. */
  recipientName: z.optional(recipientNameSchema),
  ...addressFields,
  isDefault: z.optional(z.boolean()),
});
export type CreateAddressInput = z.infer<typeof createAddressInputSchema>;

export const updateAddressInputSchema = z.extend(z.partial(createAddressInputSchema), {
  id: idSchema,
});
export type UpdateAddressInput = z.infer<typeof updateAddressInputSchema>;

/** A user may keep this many addresses; `addresses.list` returns them all in one response. */
export const MAX_ADDRESSES_PER_USER = 50;
