import { AuthenticationError, ConflictError, ThrottledError, ValidationError } from '../errors.ts';

/** How Cognito's answers become the shop's: domain errors, token lifetimes. */
export const LOGIN_FAILED = 'Incorrect email or password';
export const CODE_FAILED = 'Invalid or expired code';
const THROTTLING = [
  'TooManyRequestsException',
  'LimitExceededException',
  'TooManyFailedAttemptsException',
];
export const REFRESH_FAILED = 'Invalid refresh token';

/** Seconds the access token lives, read from its own claims when Cognito does not say. */
export function lifetime(accessToken: string): number | undefined {
  try {
    const payload = JSON.parse(
      Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString(),
    ) as { exp?: unknown; iat?: unknown };
    const { exp, iat } = payload;
    return typeof exp === 'number' && typeof iat === 'number' && exp > iat ? exp - iat : undefined;
  } catch {
    return undefined;
  }
}

/** Cognito's own messages never reach clients: each known failure becomes a domain error. */
export function translate(
  error: unknown,
  context: 'signUp' | 'confirm' | 'login' | 'refresh' | 'reset' | 'change' | 'admin',
): never {
  const name = error instanceof Error ? error.name : '';
  const cause = { cause: error };
  // An admin API failing is our problem, not the caller's: only throttling has a meaning.
  if (context === 'admin' && !THROTTLING.includes(name)) throw error;
  if (
    context === 'change' &&
    (name === 'NotAuthorizedException' || name === 'InvalidPasswordException')
  ) {
    // Real Cognito says NotAuthorized for a wrong current password; cognito-local says
    // InvalidPassword. The new password already passed the pool's policy in our schema.
    throw new ValidationError('Incorrect current password', ['currentPassword'], cause);
  }
  if (context === 'reset') {
    if (name === 'InvalidPasswordException') {
      throw new ValidationError('Password does not meet the policy', ['newPassword'], cause);
    }
    // Unknown email, unconfirmed account and a wrong code look the same: no enumeration.
    if (
      [
        'CodeMismatchException',
        'ExpiredCodeException',
        'UserNotFoundException',
        'NotAuthorizedException',
        'UserNotConfirmedException',
      ].includes(name)
    ) {
      throw new ValidationError(CODE_FAILED, ['code'], cause);
    }
  }
  switch (name) {
    case 'UsernameExistsException':
    case 'AliasExistsException':
      throw new ConflictError('Email already registered', cause);
    case 'InvalidPasswordException':
      // cognito-local answers a wrong login password with this too; only sign-up means policy.
      if (context === 'signUp') {
        throw new ValidationError('Password does not meet the policy', ['password'], cause);
      }
      if (context === 'refresh') throw new AuthenticationError(REFRESH_FAILED, cause);
      throw new AuthenticationError(LOGIN_FAILED, cause);
    case 'CodeMismatchException':
    case 'ExpiredCodeException':
      throw new ValidationError('Invalid or expired confirmation code', ['code'], cause);
    case 'TooManyRequestsException':
    case 'ThrottlingException':
    case 'LimitExceededException':
    case 'TooManyFailedAttemptsException':
      throw new ThrottledError('Too many attempts, please wait and retry', cause);
    case 'UnsupportedTokenTypeException':
      // RevokeToken given something that is not a refresh token.
      if (context === 'refresh') throw new AuthenticationError(REFRESH_FAILED, cause);
      throw error;
    case 'NotAuthorizedException':
    case 'UserNotFoundException':
    case 'UserNotConfirmedException':
    case 'PasswordResetRequiredException':
      if (context === 'refresh') throw new AuthenticationError(REFRESH_FAILED, cause);
      if (context === 'confirm') {
        throw new ValidationError('Invalid or expired confirmation code', ['code'], cause);
      }
      // Unknown email, wrong password and unconfirmed account look the same: no enumeration.
      throw new AuthenticationError(LOGIN_FAILED, cause);
    default:
      throw error;
  }
}
