import { accountStore, clockOf, type Wire } from '../wiring.ts';
import { addressService } from '../addresses/wiring.ts';
import { createCognitoIdentityProvider } from './cognito.ts';
import { NO_IDENTITY_PROVIDER, type IdentityProvider } from './identity.ts';
import { userStore } from './profile-wiring.ts';
import { UserService } from './service.ts';

/** The test's provider, else Cognito from its settings (its SDK loads on first use), else none. */
export const identityProvider: Wire<IdentityProvider> = ({ config }) =>
  config.identity ??
  (config.cognito ? createCognitoIdentityProvider(config.cognito) : NO_IDENTITY_PROVIDER);

export const userService: Wire<UserService> = (s) =>
  new UserService(
    s.get(userStore),
    s.get(addressService),
    s.get(identityProvider),
    s.get(accountStore),
    clockOf(s),
  );
