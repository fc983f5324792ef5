import { idSchema, pageInputSchema, text, timestampSchema } from '../common.ts';
import * as z from 'zod/mini';

/** RFC-valid address, stored and compared lower-cased. */
export const emailSchema = z.pipe(
  z.string().check(z.trim(), z.toLowerCase(), z.maxLength(254)),
  z.email(),
);

/** The user pool's policy; cognito-local does not enforce it, so this schema is the gate. */
export const passwordSchema = z
  .string()
  .check(
    z.minLength(8, 'Password must be at least 8 characters'),
    z.maxLength(256, 'Password must be at most 256 characters'),
    z.regex(/[A-Z]/, 'Password must contain an upper-case letter'),
    z.regex(/[a-z]/, 'Password must contain a lower-case letter'),
    z.regex(/[0-9]/, 'Password must contain a digit'),
    z.regex(/[^A-Za-z0-9]/, 'Password must contain a symbol'),
  );

export const personNameSchema = text(1, 100);

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
export type SignUpInput = z.infer<typeof signUpInputSchema>;
export const confirmSignUpInputSchema = z.object({ email: emailSchema, code: text(1, 16) });
// Login checks no password rules: a wrong password must look like any other wrong password.
export const loginInputSchema = z.object({
  email: emailSchema,
  password: z.string().check(z.minLength(1), z.maxLength(256)),
});
export const refreshInputSchema = z.object({
  refreshToken: z.string().check(z.minLength(1), z.maxLength(8192)),
});
export const updateMeInputSchema = z.object({
  firstName: z.optional(personNameSchema),
  lastName: z.optional(personNameSchema),
});
export type UpdateMeInput = z.infer<typeof updateMeInputSchema>;

export const forgotPasswordInputSchema = z.object({ email: emailSchema });
export const confirmForgotPasswordInputSchema = z.object({
  email: emailSchema,
  code: text(1, 16),
  newPassword: passwordSchema,
});
export type ConfirmForgotPasswordInput = z.infer<typeof confirmForgotPasswordInputSchema>;
export const changePasswordInputSchema = z.object({
  // Like login: the current password is checked by Cognito, not by the policy.
  currentPassword: z.string().check(z.minLength(1), z.maxLength(256)),
  newPassword: passwordSchema,
});
export type ChangePasswordInput = z.infer<typeof changePasswordInputSchema>;
export const deleteMeInputSchema = z.object({
  password: z.string().check(z.minLength(1), z.maxLength(256)),
});

export const adminUserSchema = z.extend(userSchema, { isAdmin: z.boolean() });
export type AdminUser = z.infer<typeof adminUserSchema>;
/** `limit` 1..100, 20 when absent. */
export const adminListInputSchema = z.optional(pageInputSchema);
export const setAdminInputSchema = z.object({ id: idSchema, isAdmin: z.boolean() });
export type SetAdminInput = z.infer<typeof setAdminInputSchema>;
