import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ThrottledError } from '../errors.ts';
import { mapStoreError } from './repository.ts';

/** BatchGetItem may leave keys unprocessed under load; we ask again this many times at most. */
export const BATCH_GET_ATTEMPTS = 4;
/** ...and never start a new round this long after the first (see `docs/reliability.md`). */
export const BATCH_GET_BUDGET_MS = 750;

export type BatchRequest = Record<
  string,
  { Keys: Record<string, string>[]; ConsistentRead: boolean }
>;

/**
 * One BatchGetItem (up to 100 keys), the rows found per table. Unprocessed keys are asked again
 * with backoff (50, 100, 200 ms), at most `BATCH_GET_ATTEMPTS` times in all and never after
 * `BATCH_GET_BUDGET_MS`; then it is a `ThrottledError`.
 */
export async function batchGet(
  doc: DynamoDBDocumentClient,
  request: BatchRequest,
): Promise<Record<string, Record<string, unknown>[]>> {
  const found: Record<string, Record<string, unknown>[]> = {};
  const started = Date.now();
  for (let attempt = 0; Object.keys(request).length > 0; attempt++) {
    const pause = attempt > 0 ? 25 * 2 ** attempt : 0;
    if (attempt >= BATCH_GET_ATTEMPTS || Date.now() + pause - started >= BATCH_GET_BUDGET_MS) {
      throw new ThrottledError('The data store is busy, please retry');
    }
    if (pause > 0) await new Promise((r) => setTimeout(r, pause));
    const result = await doc
      .send(new BatchGetCommand({ RequestItems: request }))
      .catch(mapStoreError);
    for (const [table, rows] of Object.entries(result.Responses ?? {})) {
      (found[table] ??= []).push(...rows);
    }
    request = (result.UnprocessedKeys ?? {}) as BatchRequest;
  }
  return found;
}
