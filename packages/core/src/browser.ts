/**
 * `@shop/core/browser`: what a browser may import from core: the rules (`rules.ts`) and the zod
 * schemas, never the services or the AWS SDK. The schemas import `rules.ts`, not this module, so
 * there is no import cycle. A plain list of exports; keep it that way.
 */
export * from './rules.ts';

// The zod schemas a form checks before sending (the same ones the API parses).
export { createAddressInputSchema, updateAddressInputSchema } from './addresses/schema.ts';
export { countryCodes } from './addresses/countries.ts';
export { centsSchema, MAX_CENTS } from './common.ts';
export { createOrderInputSchema, orderStatusSchema } from './orders/schema.ts';
export {
  adjustStockInputSchema,
  categorySchema,
  createProductInputSchema,
  imageUrlSchema,
  updateProductInputSchema,
} from './products/schema.ts';
export {
  changePasswordInputSchema,
  confirmForgotPasswordInputSchema,
  confirmSignUpInputSchema,
  deleteMeInputSchema,
  emailSchema,
  forgotPasswordInputSchema,
  loginInputSchema,
  passwordSchema,
  signUpInputSchema,
  updateMeInputSchema,
} from './users/schema.ts';
