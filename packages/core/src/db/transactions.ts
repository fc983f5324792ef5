import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ThrottledError } from '../errors.ts';
import { mapStoreError } from './repository.ts';

type TransactItems = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']
>;
export type TransactItem = TransactItems[number];

/**
 * One write of a transaction with what it means (`order`, `stock:<productId>`, `address`, …), so a
 * failed condition is explained by its tag, never by its position in the list.
 */
export interface TaggedWrite<Tag extends string = string> {
  tag: Tag;
  write: TransactItem;
}

/** A write whose condition failed: its tag, and the item as it was (absent: it did not exist). */
export interface FailedWrite<Tag extends string = string> {
  tag: Tag;
  item: Record<string, unknown> | undefined;
}

export class TransactionCancelled<Tag extends string = string> extends Error {
  constructor(
    /** Every write whose condition failed. */
    readonly failed: FailedWrite<Tag>[],
    /** Another transaction touched the same items: safe to retry the whole operation. */
    readonly isConflict: boolean,
    options: { cause: unknown },
  ) {
    super(
      `Transaction cancelled: ${isConflict ? 'conflict' : failed.map((f) => f.tag).join(', ')}`,
      options,
    );
  }

  /** The failed write with this tag, if its condition failed. */
  failure(tag: Tag): FailedWrite<Tag> | undefined {
    return this.failed.find((f) => f.tag === tag);
  }
}

/** Runs one TransactWriteItems; a cancellation becomes a `TransactionCancelled` naming its tags. */
export async function transactWrite<Tag extends string>(
  doc: DynamoDBDocumentClient,
  writes: TaggedWrite<Tag>[],
): Promise<void> {
  // Ask for the old item on every failed condition, so callers can say why a write failed.
  const items = writes.map(({ write }): TransactItem => {
    const [kind, body] = Object.entries(write)[0] as [string, object];
    return { [kind]: { ...body, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } };
  });
  try {
    await doc.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.flatMap((reason, index): FailedWrite<Tag>[] => {
        const tag = writes[index]?.tag;
        if (reason.Code !== 'ConditionalCheckFailed' || tag === undefined) return [];
        return [{ tag, item: reason.Item ? unmarshall(reason.Item) : undefined }];
      });
      const isConflict = reasons.some((r) => r.Code === 'TransactionConflict');
      throw new TransactionCancelled(failed, isConflict, { cause: error });
    }
    mapStoreError(error);
  }
}

/**
 * How often an operation is retried after transaction conflicts, the longest pause, and the time
 * after which no new attempt starts (so the loop's worst case is `budgetMs` plus one attempt, see
 * `docs/reliability.md`).
 */
export const CONFLICT_RETRY = { attempts: 8, maxBackoffMs: 150, budgetMs: 1_500 } as const;

/**
 * Retries `operation` while it fails with a transaction conflict (other writers on the same items),
 * with jittered backoff; DynamoDB does not retry these itself. Bounded: at most 8 attempts (enough
 * for ten requests of one user racing on the per-user address marker), pauses of at most 150 ms,
 * and none started 1.5 s after the first; then `ThrottledError` (TOO_MANY_REQUESTS), well inside
 * the Lambda timeout.
 */
export async function retryOnConflict<T>(
  operation: () => Promise<T>,
  attempts: number = CONFLICT_RETRY.attempts,
): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const retryable = error instanceof TransactionCancelled && error.isConflict;
      if (!retryable) throw error;
      const backoff = Math.min(
        CONFLICT_RETRY.maxBackoffMs,
        15 * 2 ** attempt * (0.5 + Math.random()),
      );
      if (attempt >= attempts || Date.now() + backoff - started >= CONFLICT_RETRY.budgetMs) {
        throw new ThrottledError('Too many concurrent changes, please retry', { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, backoff));
    }
  }
}
