/**
 * The user pool's post-confirmation trigger (a Lambda of its own, see `stacks/Auth.ts`): writes the
 * profile of every account the moment it is confirmed, however it was created (sign-up, the AWS
 * console, `AdminCreateUser`, an import). One conditional PutItem, so the function is granted
 * nothing else, and a second delivery of the same event changes nothing. `users.me` and
 * `users.updateMe` create a missing profile too, so a failure here is logged, not fatal.
 */
import { randomUUID } from 'node:crypto';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import {
  createCursorCodec,
  createDocumentClient,
  recordConfirmedUser,
  Repository,
  tableNamesFor,
  tables,
  userSchema,
  UserStore,
} from '@shop/core';

type Log = Pick<Console, 'error' | 'info'>;

export function createPostConfirmationHandler(store: Pick<UserStore, 'createIfAbsent'>, log: Log) {
  return async (event: PostConfirmationTriggerEvent): Promise<PostConfirmationTriggerEvent> => {
    const attributes = event.request.userAttributes;
    try {
      const created = await recordConfirmedUser(store, {
        sub: attributes.sub ?? '',
        email: attributes.email,
        firstName: attributes.given_name,
        lastName: attributes.family_name,
      });
      log.info(
        JSON.stringify({
          message: 'profile',
          source: event.triggerSource,
          sub: attributes.sub,
          created,
        }),
      );
    } catch (error) {
      // Throwing would fail the user's confirmation although Cognito already confirmed them.
      log.error(
        JSON.stringify({
          message: 'profile write failed; it is created on first use instead',
          sub: attributes.sub,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        }),
      );
    }
    return event;
  };
}

/** Reads only SHOP_TABLE_PREFIX and AWS_REGION, on the first event of a container. */
function fromEnvironment() {
  const prefix = process.env.SHOP_TABLE_PREFIX;
  const region = process.env.AWS_REGION;
  if (prefix === undefined || !region) {
    throw new Error('Invalid configuration: SHOP_TABLE_PREFIX and AWS_REGION are required');
  }
  const doc = createDocumentClient({ region, maxAttempts: 3 });
  // The store never pages here, so its cursor key is never used.
  const repo = new Repository(
    doc,
    tableNamesFor(prefix).Users,
    tables.Users,
    userSchema,
    createCursorCodec(randomUUID()),
  );
  return createPostConfirmationHandler(new UserStore(repo), console);
}

let instance: ReturnType<typeof createPostConfirmationHandler> | undefined;

export const handler = (event: PostConfirmationTriggerEvent) =>
  (instance ??= fromEnvironment())(event);
