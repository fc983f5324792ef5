import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ThrottledError } from '../errors.ts';
import { mapStoreError } from './repository.ts';

type TransactItems = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']
>;
export type TransactItem = TransactItems[number];

/** Why one item of a cancelled transaction failed, at the same index as the item. */
export interface CancellationReason {
  code: string;
  /** The item as it was, when its condition failed (we always ask for ALL_OLD). */
  item: Record<string, unknown> | undefined;
}

export class TransactionCancelled extends Error {
  constructor(
    readonly reasons: CancellationReason[],
    options: { cause: unknown },
  ) {
    super(`Transaction cancelled: ${reasons.map((r) => r.code).join(', ')}`, options);
  }

  /** Another transaction touched the same items: safe to retry the whole operation. */
  get isConflict() {
    return this.reasons.some((r) => r.code === 'TransactionConflict');
  }

  failedAt(index: number): CancellationReason | undefined {
    const reason = this.reasons[index];
    return reason?.code === 'ConditionalCheckFailed' ? reason : undefined;
  }
}

/** Runs one TransactWriteItems; a cancellation becomes a `TransactionCancelled` with its reasons. */
export async function transactWrite(
  doc: DynamoDBDocumentClient,
  items: TransactItem[],
): Promise<void> {
  // Ask for the old item on every failed condition, so callers can say why a line failed.
  const withOld = items.map((item): TransactItem => {
    const [kind, body] = Object.entries(item)[0] as [string, object];
    return { [kind]: { ...body, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } };
  });
  try {
    await doc.send(new TransactWriteCommand({ TransactItems: withOld }));
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const reasons = (error.CancellationReasons ?? []).map((r) => ({
        code: r.Code ?? 'None',
        item: r.Item ? unmarshall(r.Item) : undefined,
      }));
      throw new TransactionCancelled(reasons, { cause: error });
    }
    mapStoreError(error);
  }
}

/**
 * Retries `operation` while it fails with a transaction conflict (other writers on the same items),
 * with jittered backoff. DynamoDB does not retry these itself.
 */
export async function retryOnConflict<T>(operation: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const retryable = error instanceof TransactionCancelled && error.isConflict;
      if (!retryable) throw error;
      if (attempt >= attempts) {
        throw new ThrottledError('Too many concurrent changes, please retry', { cause: error });
      }
      const backoff = Math.min(400, 15 * 2 ** attempt) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, backoff));
    }
  }
}
