import { z } from 'zod';
import { idSchema, timestampSchema } from '../common.ts';

/** RFC-valid address, stored and compared lower-cased. */
export const emailSchema = z.string().trim().toLowerCase().max(254).pipe(z.email());

/** The user pool's policy; cognito-local does not enforce it, so this schema is the gate. */
export const passwordSchema = z
  .string()
  .min(8, 'Password must be at least 8 characters')
  .max(256, 'Password must be at most 256 characters')
  .regex(/[A-Z]/, 'Password must contain an upper-case letter')
  .regex(/[a-z]/, 'Password must contain a lower-case letter')
  .regex(/[0-9]/, 'Password must contain a digit')
  .regex(/[^A-Za-z0-9]/, 'Password must contain a symbol');

export const personNameSchema = z.string().trim().min(1).max(100);

export const userSchema = z.object({
  id: idSchema,
  email: emailSchema,
  firstName: personNameSchema,
  lastName: personNameSchema,
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type User = z.infer<typeof userSchema>;

export const signUpInputSchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  firstName: personNameSchema,
  lastName: personNameSchema,
});
export const confirmSignUpInputSchema = z.object({
  email: emailSchema,
  code: z.string().trim().min(1).max(16),
});
// Login checks no password rules: a wrong password must look like any other wrong password.
export const loginInputSchema = z.object({
  email: emailSchema,
  password: z.string().min(1).max(256),
});
export const refreshInputSchema = z.object({ refreshToken: z.string().min(1).max(8192) });
export const updateMeInputSchema = z.object({
  firstName: personNameSchema.optional(),
  lastName: personNameSchema.optional(),
});
export type UpdateMeInput = z.infer<typeof updateMeInputSchema>;
