import { idSchema, pageInputSchema, safeText, text, timestampSchema } from '../common.ts';
import * as z from 'zod/mini';
import { PASSWORD_POLICY, PASSWORD_RULES } from '../rules.ts';

/** RFC-valid address, stored and compared lower-cased. */
export const MAX_EMAIL_LENGTH = 254;
export const emailSchema = z.pipe(
  z.string().check(z.trim(), z.toLowerCase(), z.maxLength(MAX_EMAIL_LENGTH)),
  z.email(),
);

/** The user pool's policy; cognito-local does not enforce it, so this schema is the gate. */
export const MIN_PASSWORD_LENGTH = PASSWORD_POLICY.minLength;
export const MAX_PASSWORD_LENGTH = PASSWORD_POLICY.maxLength;
export const passwordSchema = z
  .string()
  .check(
    z.minLength(MIN_PASSWORD_LENGTH, `Password must be at least ${MIN_PASSWORD_LENGTH} characters`),
    z.maxLength(MAX_PASSWORD_LENGTH, `Password must be at most ${MAX_PASSWORD_LENGTH} characters`),
    ...PASSWORD_RULES.map((rule) => z.regex(rule.pattern, rule.message)),
  );

export const MAX_PERSON_NAME_LENGTH = 100;
export const personNameSchema = text(1, MAX_PERSON_NAME_LENGTH);

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
export const MAX_CONFIRMATION_CODE_LENGTH = 16;
export const confirmSignUpInputSchema = z.object({
  email: emailSchema,
  code: text(1, MAX_CONFIRMATION_CODE_LENGTH),
});
// Login checks no password rules: a wrong password must look like any other wrong password.
export const loginInputSchema = z.object({
  email: emailSchema,
  password: z.string().check(z.minLength(1), z.maxLength(MAX_PASSWORD_LENGTH)),
});
export const MAX_REFRESH_TOKEN_LENGTH = 8192;
export const refreshInputSchema = z.object({
  refreshToken: z.string().check(z.minLength(1), z.maxLength(MAX_REFRESH_TOKEN_LENGTH)),
});
export const updateMeInputSchema = z.object({
  firstName: z.optional(personNameSchema),
  lastName: z.optional(personNameSchema),
});
export type UpdateMeInput = z.infer<typeof updateMeInputSchema>;

export const forgotPasswordInputSchema = z.object({ email: emailSchema });
export const confirmForgotPasswordInputSchema = z.object({
  email: emailSchema,
  code: text(1, MAX_CONFIRMATION_CODE_LENGTH),
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
/** `limit` 1..100, 20 when absent; `emailPrefix` keeps accounts whose e-mail starts with it. */
export const adminListInputSchema = z.optional(
  z.extend(pageInputSchema, {
    emailPrefix: z.optional(
      z
        .string()
        .check(
          z.trim(),
          z.toLowerCase(),
          z.minLength(1),
          z.maxLength(MAX_EMAIL_LENGTH),
          safeText(),
        ),
    ),
  }),
);
export type AdminListInput = NonNullable<z.infer<typeof adminListInputSchema>>;
export const setAdminInputSchema = z.object({ id: idSchema, isAdmin: z.boolean() });
export type SetAdminInput = z.infer<typeof setAdminInputSchema>;
