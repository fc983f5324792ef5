import { z } from 'zod';
import { idSchema } from '../common.ts';
import { countryCodes } from './countries.ts';

export const countrySchema = z
  .string()
  .trim()
  .toUpperCase()
  .refine((code) => countryCodes.has(code), 'Must be an ISO 3166-1 alpha-2 country code');

const addressFields = {
  street: z.string().trim().min(1).max(200),
  city: z.string().trim().min(1).max(100),
  // Not every country has states or postal codes, so these may be empty.
  state: z.string().trim().max(100),
  zipCode: z.string().trim().max(20),
  country: countrySchema,
};

export const addressSchema = z.object({
  id: idSchema,
  userId: idSchema,
  ...addressFields,
  isDefault: z.boolean(),
});
export type Address = z.infer<typeof addressSchema>;

export const createAddressInputSchema = z.object({
  ...addressFields,
  isDefault: z.boolean().optional(),
});
export type CreateAddressInput = z.infer<typeof createAddressInputSchema>;

export const updateAddressInputSchema = createAddressInputSchema.partial().extend({ id: idSchema });
export type UpdateAddressInput = z.infer<typeof updateAddressInputSchema>;

/** A user may keep this many addresses; `addresses.list` returns them all in one response. */
export const MAX_ADDRESSES_PER_USER = 50;
