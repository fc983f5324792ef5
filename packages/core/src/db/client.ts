import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';

/**
 * The emulators (DynamoDB Local, cognito-local) accept any credentials; fixed ones keep clients off
 * the credential chain, so nothing local ever looks for a real AWS account.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * How long one SDK call may take, retries included. The SDK's standard retry strategy (its token
 * bucket: 500 tokens, 5 per retry, 10 per timeout retry, refilled by successes; only throttling,
 * transient and 5xx errors retried) with our attempts, pauses and timeouts:
 * - `connectionTimeoutMs`: the socket must connect within this;
 * - `requestTimeoutMs`: each attempt must have its whole answer within this (from its start;
 *   `throwOnRequestTimeout`, or the SDK only logs a warning);
 * - pauses between attempts: full jitter, `random × min(cap, base × 2^retry)`;
 * - `callBudgetMs`: what a call may take at worst, `attempts × request timeout + pauses`. Checked
 *   when a client is built, so a budget whose numbers do not add up cannot ship.
 * The arithmetic per procedure is in `docs/reliability.md`.
 */
export interface CallBudget {
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  callBudgetMs: number;
  backoff: { baseMs: number; capMs: number };
}

/**
 * DynamoDB in the region answers in milliseconds (p99 of a 25-item transaction ≪ 100 ms): 350 ms
 * per attempt is generous, and 3 attempts end within 1.2 s: 3 × 350 + 2 pauses of ≤ 75 ms.
 */
export const DYNAMODB_BUDGET: CallBudget = {
  connectionTimeoutMs: 300,
  requestTimeoutMs: 350,
  callBudgetMs: 1_200,
  backoff: { baseMs: 25, capMs: 75 },
};

/**
 * The emulators on a developer's (or CI's) shared machine: a JVM that pauses, a Node process
 * that hashes passwords. Same shape, more room, so tests never fail on a slow machine.
 */
export const LOCAL_BUDGET: CallBudget = {
  ...DYNAMODB_BUDGET,
  connectionTimeoutMs: 2_000,
  requestTimeoutMs: 5_000,
  callBudgetMs: 15_200,
  backoff: { baseMs: 25, capMs: 100 },
};

/** The worst time of a call: every attempt times out and every pause is the longest. */
export function worstCallMs(maxAttempts: number, budget: CallBudget): number {
  let pauses = 0;
  for (let retry = 0; retry < maxAttempts - 1; retry++) {
    pauses += Math.min(budget.backoff.capMs, budget.backoff.baseMs * 2 ** retry);
  }
  return maxAttempts * budget.requestTimeoutMs + pauses;
}

/** The client options that enforce a `CallBudget` with the SDK's standard retry strategy. */
export function budgetOptions(maxAttempts: number, budget: CallBudget) {
  const worst = worstCallMs(maxAttempts, budget);
  if (worst > budget.callBudgetMs) {
    throw new Error(
      `${maxAttempts} attempts can take ${worst} ms, over the call budget of ${budget.callBudgetMs} ms`,
    );
  }
  const { baseMs, capMs } = budget.backoff;
  return {
    maxAttempts,
    retryStrategy: new ConfiguredRetryStrategy(maxAttempts, (retry: number) =>
      Math.floor(Math.random() * Math.min(capMs, baseMs * 2 ** Math.max(0, retry - 1))),
    ),
    requestHandler: {
      connectionTimeout: budget.connectionTimeoutMs,
      requestTimeout: budget.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
}

export interface DynamoConfig {
  region: string;
  /** Only for DynamoDB Local; deployed stages use the regional endpoint. */
  endpoint?: string | undefined;
  /** SDK attempts per call, including the first. Explicit so throttling behaviour is a decision. */
  maxAttempts: number;
  /** Default: `DYNAMODB_BUDGET`, or `LOCAL_BUDGET` with an `endpoint`. */
  budget?: CallBudget | undefined;
}

/** Builds the one DocumentClient a process uses. */
export function createDocumentClient(config: DynamoConfig): DynamoDBDocumentClient {
  const budget = config.budget ?? (config.endpoint ? LOCAL_BUDGET : DYNAMODB_BUDGET);
  const client = new DynamoDBClient({
    region: config.region,
    ...budgetOptions(config.maxAttempts, budget),
    ...(config.endpoint ? { endpoint: config.endpoint, credentials: LOCAL_CREDENTIALS } : {}),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}
