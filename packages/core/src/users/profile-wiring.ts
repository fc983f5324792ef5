import { repositoryOf, type Wire } from '../wiring.ts';
import type { Repository } from '../db/repository.ts';
import { userSchema, type User } from './schema.ts';
import { UserStore } from './store.ts';

/** The profile rows: read by the users service and, for recipient names, by addresses. */
export const userRepository: Wire<Repository<User>> = (s) => repositoryOf(s, 'Users', userSchema);
export const userStore: Wire<UserStore> = (s) => new UserStore(s.get(userRepository));

/** The account's `firstName lastName`; a deleted account's tombstone reads as no profile. */
export const accountName: Wire<(userId: string) => Promise<string | undefined>> = (s) => {
  const users = s.get(userStore);
  return async (userId) => {
    const user = await users.get(userId);
    return user && `${user.firstName} ${user.lastName}`;
  };
};
