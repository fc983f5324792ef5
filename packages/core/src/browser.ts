/**
 * What a browser may import from core: the zod schemas and rules, never the services or the AWS
 * SDK (`pnpm --filter @shop/web build` would bundle it). A plain list of exports.
 */
export { createAddressInputSchema, updateAddressInputSchema } from './addresses/schema.ts';
export { countryCodes } from './addresses/countries.ts';
export { centsSchema, MAX_CENTS } from './common.ts';
export { createOrderInputSchema, orderStatusSchema } from './orders/schema.ts';
export {
  categorySchema,
  createProductInputSchema,
  imageUrlSchema,
  updateProductInputSchema,
} from './products/schema.ts';
export {
  changePasswordInputSchema,
  confirmForgotPasswordInputSchema,
  confirmSignUpInputSchema,
  emailSchema,
  forgotPasswordInputSchema,
  loginInputSchema,
  passwordSchema,
  signUpInputSchema,
  updateMeInputSchema,
} from './users/schema.ts';
