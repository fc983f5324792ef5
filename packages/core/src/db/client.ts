import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The emulators (DynamoDB Local, cognito-local) accept any credentials; fixed ones keep clients off
 * the credential chain, so nothing local ever looks for a real AWS account.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * How long one SDK call may take, retries included. Every request of a client is bounded by:
 * - `connectionTimeoutMs`: the socket must connect within this;
 * - `requestTimeoutMs`: each attempt must have its whole answer within this (from its start;
 *   `throwOnRequestTimeout`, or the SDK only logs a warning);
 * - `callBudgetMs`: the SDK starts another attempt only if it can end (pause + a full attempt)
 *   within this from the call's start, so a call NEVER takes longer, whatever `maxAttempts` says;
 * - pauses between attempts: full jitter, `random × min(cap, base × 2^retry)`;
 * - a retry budget (token bucket, as the SDK's standard strategy): each retry costs tokens, each
 *   success gives some back; an empty bucket means no retries, so a struggling store is not
 *   hammered with retries of retries.
 * The arithmetic per procedure is in `docs/reliability.md`.
 */
export interface CallBudget {
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  callBudgetMs: number;
  backoff: { baseMs: number; capMs: number };
  throttlingBackoff: { baseMs: number; capMs: number };
  retryTokens: { capacity: number; cost: number; timeoutCost: number };
}

/** The retry budget every client gets: the SDK's standard token bucket. */
export const RETRY_TOKENS: CallBudget['retryTokens'] = { capacity: 500, cost: 5, timeoutCost: 10 };

/**
 * DynamoDB in the region answers in milliseconds (p99 of a 25-item transaction ≪ 100 ms): 600 ms
 * per attempt is generous, and a call ends within 1.2 s: attempt (≤ 600) + pause (≤ 100) + attempt
 * (≤ 600) at worst when attempts hang; up to 3 attempts when they fail fast (throttling).
 */
export const DYNAMODB_BUDGET: CallBudget = {
  connectionTimeoutMs: 300,
  requestTimeoutMs: 600,
  callBudgetMs: 1_200,
  backoff: { baseMs: 25, capMs: 100 },
  throttlingBackoff: { baseMs: 50, capMs: 200 },
  retryTokens: RETRY_TOKENS,
};

/**
 * The emulators on a developer's (or CI's) shared machine: a JVM that pauses, a Node process
 * that hashes passwords. Same shape, more room, so tests never fail on a slow machine.
 */
export const LOCAL_BUDGET: CallBudget = {
  ...DYNAMODB_BUDGET,
  connectionTimeoutMs: 2_000,
  requestTimeoutMs: 5_000,
  callBudgetMs: 8_000,
};

type RetryErrorType = 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR';

interface BoundedRetryToken {
  startedAt: number;
  count: number;
  delay: number;
  cost: number;
  getRetryCount(): number;
  getRetryDelay(): number;
  getRetryCost(): number;
}

const token = (startedAt: number, count: number, delay: number, cost: number) => ({
  startedAt,
  count,
  delay,
  cost,
  getRetryCount: () => count,
  getRetryDelay: () => delay,
  getRetryCost: () => cost,
});

/**
 * The SDK's retry strategy interface (v2), bounded by time as well as by attempts: see
 * `CallBudget`. Only throttling, transient (timeouts, resets) and 5xx errors are retried.
 */
export function boundedRetryStrategy(maxAttempts: number, budget: CallBudget) {
  let capacity = budget.retryTokens.capacity;
  return {
    mode: 'standard',
    acquireInitialRetryToken(): Promise<BoundedRetryToken> {
      return Promise.resolve(token(Date.now(), 0, 0, 0));
    },
    refreshRetryTokenForRetry(
      previous: BoundedRetryToken,
      info: { errorType: RetryErrorType; error?: unknown },
    ): Promise<BoundedRetryToken> {
      const throttled = info.errorType === 'THROTTLING';
      const cost =
        info.errorType === 'TRANSIENT' ? budget.retryTokens.timeoutCost : budget.retryTokens.cost;
      const { baseMs, capMs } = throttled ? budget.throttlingBackoff : budget.backoff;
      const delay = Math.floor(Math.random() * Math.min(capMs, baseMs * 2 ** previous.count));
      const endsBy = Date.now() - previous.startedAt + delay + budget.requestTimeoutMs;
      const retry =
        info.errorType !== 'CLIENT_ERROR' &&
        previous.count + 1 < maxAttempts &&
        endsBy <= budget.callBudgetMs &&
        capacity >= cost;
      if (!retry) return Promise.reject(new Error('No retry token available'));
      capacity -= cost;
      return Promise.resolve(token(previous.startedAt, previous.count + 1, delay, cost));
    },
    recordSuccess(used: BoundedRetryToken): void {
      capacity = Math.min(budget.retryTokens.capacity, capacity + (used.cost || 1));
    },
  };
}

/** The client options that enforce a `CallBudget`. */
export function budgetOptions(maxAttempts: number, budget: CallBudget) {
  return {
    maxAttempts,
    retryStrategy: boundedRetryStrategy(maxAttempts, budget),
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
