import { randomUUID } from 'node:crypto';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@shop/testing/vitest';
import { createPostConfirmationHandler } from '../src/post-confirmation.ts';

let db: TestDb;
const logged: { level: string; line: string }[] = [];
const log = {
  info: (line: string) => logged.push({ level: 'info', line }),
  error: (line: string) => logged.push({ level: 'error', line }),
};

beforeAll(async () => {
  db = await createTestDb();
});

/** The event Cognito sends after ConfirmSignUp, as documented (version 1). */
function confirmSignUpEvent(attributes: Record<string, string>): PostConfirmationTriggerEvent {
  return {
    version: '1',
    region: 'us-east-1',
    userPoolId: 'us-east-1_TestPool',
    userName: attributes.sub ?? 'unknown',
    callerContext: {
      awsSdkVersion: 'aws-sdk-unknown-unknown',
      clientId: 'test-client-id',
    },
    triggerSource: 'PostConfirmation_ConfirmSignUp',
    request: {
      userAttributes: {
        'cognito:user_status': 'CONFIRMED',
        email_verified: 'true',
        ...attributes,
      },
    },
    response: {},
  };
}

describe('the post-confirmation trigger', () => {
  it('writes the profile under the sub and returns the event unchanged', async () => {
    const handler = createPostConfirmationHandler(db.services.users.store, log);
    const sub = randomUUID();
    const event = confirmSignUpEvent({
      sub,
      email: `Trigger.${sub.slice(0, 8)}@Example.com`,
      given_name: 'Ada',
      family_name: 'Lovelace',
    });
    const answer = await handler(structuredClone(event));
    expect(answer).toEqual(event);
    expect(await db.services.users.store.get(sub, { consistent: true })).toEqual({
      id: sub,
      email: `trigger.${sub.slice(0, 8)}@example.com`,
      firstName: 'Ada',
      lastName: 'Lovelace',
      createdAt: expect.any(String) as string,
      updatedAt: expect.any(String) as string,
    });
  });

  it('is idempotent: a second delivery keeps the profile as it is', async () => {
    const handler = createPostConfirmationHandler(db.services.users.store, log);
    const sub = randomUUID();
    const event = confirmSignUpEvent({ sub, email: `${sub}@example.com`, given_name: 'A' });
    await handler(event);
    const changed = await db.services.users.store.update(sub, { firstName: 'Changed' });
    await handler({ ...event, triggerSource: 'PostConfirmation_ConfirmForgotPassword' });
    expect(await db.services.users.store.get(sub, { consistent: true })).toEqual(changed);
  });

  it('makes up names Cognito does not have (console or AdminCreateUser accounts)', async () => {
    const handler = createPostConfirmationHandler(db.services.users.store, log);
    const sub = randomUUID();
    await handler(confirmSignUpEvent({ sub, email: 'grace@example.com' }));
    expect(await db.services.users.store.get(sub, { consistent: true })).toMatchObject({
      firstName: 'grace',
      lastName: '-',
    });
  });

  it('logs a failed write and still lets the confirmation succeed', async () => {
    const failing = {
      createIfAbsent: () => Promise.reject(new Error('DynamoDB is down')),
    };
    logged.length = 0;
    const handler = createPostConfirmationHandler(failing, log);
    const event = confirmSignUpEvent({ sub: randomUUID(), email: 'x@example.com' });
    await expect(handler(event)).resolves.toEqual(event);
    expect(logged).toEqual([
      { level: 'error', line: expect.stringContaining('DynamoDB is down') as string },
    ]);
  });
});
