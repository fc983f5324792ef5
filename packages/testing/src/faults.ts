import {
  ProvisionedThroughputExceededException,
  ThrottlingException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import {
  CognitoIdentityProviderClient,
  TooManyRequestsException,
} from '@aws-sdk/client-cognito-identity-provider';

/**
 * Fault injection for AWS SDK clients, for tests only.
 *
 * A `FaultInjector` is one middleware added to a client's stack at the `deserialize` step: inside
 * the SDK's retry middleware (`finalizeRequest` step), so every ATTEMPT passes through it and the
 * SDK's own retry strategy sees the injected error exactly as it would see a real one (a client with
 * `maxAttempts: 1` lets the fault reach the service code untouched). A fault fires on the N-th
 * attempt (counted over every command, or only over one command name) and either
 * - `before`: the request never reaches the service (nothing written), or
 * - `after`: the request reached the service and succeeded, but the client sees an error (the
 *   response was lost): the dangerous case for writes.
 */
export type FaultKind =
  /** `ThrottlingException` (Cognito: `TooManyRequestsException`). */
  | 'throttling'
  /** `ProvisionedThroughputExceededException` (DynamoDB only). */
  | 'provisioned'
  /**
   * TransactWriteItems: `TransactionCanceledException` with a `TransactionConflict` reason; a
   * single-item write: `TransactionConflictException` (a transaction holds the item).
   */
  | 'conflict'
  /** `TimeoutError`, as the HTTP handler reports a request or connection timeout. */
  | 'timeout'
  /** An aborted request (`AbortError`). */
  | 'abort'
  /** A connection reset (`ECONNRESET`). */
  | 'reset'
  /**
   * Not an error: BatchGetItem answers with every key unprocessed (as under load). Only `before`
   * (nothing is read).
   */
  | 'unprocessed';

export type FaultWhen = 'before' | 'after';

export interface Fault {
  kind: FaultKind;
  when: FaultWhen;
  /** 1-based: the N-th attempt (of `command`, when given) fails. */
  nth: number;
  /** Command name without the `Command` suffix (`TransactWriteItems`, `SignUp`, `PutItem`, …). */
  command?: string;
  /** How many matching attempts in a row fail, from the N-th on (default 1). */
  times?: number;
}

export const FAULT_KINDS: readonly FaultKind[] = [
  'throttling',
  'provisioned',
  'conflict',
  'timeout',
  'abort',
  'reset',
];

/** Whether `kind` is an error the service itself can answer `command` with. */
export function faultApplies(kind: FaultKind, command: string, service: 'dynamodb' | 'cognito') {
  if (kind === 'provisioned') return service === 'dynamodb';
  if (kind === 'conflict') {
    return ['TransactWriteItems', 'PutItem', 'UpdateItem', 'DeleteItem'].includes(command);
  }
  if (kind === 'unprocessed') return command === 'BatchGetItem';
  return true;
}

const $metadata = { httpStatusCode: 400, requestId: 'injected-fault' };

/** The error a real client would raise for `kind` (the SDK's own exception classes). */
export function faultError(
  kind: FaultKind,
  service: 'dynamodb' | 'cognito',
  input?: unknown,
  command?: string,
): Error {
  const message = `Injected ${kind} fault (AWS internals: arn:aws:dynamodb:secret)`;
  switch (kind) {
    case 'throttling':
      return service === 'cognito'
        ? new TooManyRequestsException({ message, $metadata })
        : new ThrottlingException({ message, $metadata });
    case 'provisioned':
      return new ProvisionedThroughputExceededException({ message, $metadata });
    case 'conflict': {
      if (command !== 'TransactWriteItems') {
        return new TransactionConflictException({ message, $metadata });
      }
      const count =
        (input as { TransactItems?: unknown[] } | undefined)?.TransactItems?.length ?? 1;
      const reasons = Array.from({ length: Math.max(1, count) }, (_, i) =>
        i === 0
          ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
          : { Code: 'None' },
      );
      return new TransactionCanceledException({
        message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
        $metadata,
        CancellationReasons: reasons,
      });
    }
    case 'timeout':
      return Object.assign(new Error('Request timed out after 1000 ms (injected)'), {
        name: 'TimeoutError',
        code: 'ETIMEDOUT',
      });
    case 'abort':
      return Object.assign(new Error('Request aborted (injected)'), { name: 'AbortError' });
    case 'reset':
      return Object.assign(new Error('socket hang up (injected)'), {
        name: 'NetworkingError',
        code: 'ECONNRESET',
      });
    case 'unprocessed':
      throw new Error('"unprocessed" is an answer, not an error');
  }
}

interface MiddlewareStackLike {
  add(
    middleware: (
      next: (args: { input: unknown }) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: { input: unknown }) => Promise<unknown>,
    options: { step: 'deserialize'; name: string; priority: 'high'; override: boolean },
  ): void;
}

/** A marshalled key (`{ id: { S: 'x' } }`) as plain values (string and number keys only). */
function plainKey(key: object): Record<string, string | number> {
  return Object.fromEntries(
    Object.entries(key as Record<string, { S?: string; N?: string }>).map(([name, value]) => [
      name,
      value.S ?? Number(value.N),
    ]),
  );
}

const strip = (name: string | undefined) => (name ?? '?').replace(/Command$/, '');

export class FaultInjector {
  /** Every attempt seen since the last `arm`/`reset`, by command name. */
  readonly calls: string[] = [];
  /** How many faults fired, ever. */
  injected = 0;
  private fault: Fault | undefined;
  private matched = 0;
  private fired = 0;

  constructor(readonly service: 'dynamodb' | 'cognito') {}

  /** Adds the middleware to a client (a DocumentClient shares its client's stack). */
  attach(client: { middlewareStack: unknown }): this {
    (client.middlewareStack as MiddlewareStackLike).add(
      (next, context) => async (args) => {
        const command = strip(context.commandName);
        this.calls.push(command);
        const fault = this.fault;
        if (!fault || (fault.command !== undefined && fault.command !== command)) {
          return next(args);
        }
        const n = ++this.matched;
        if (n < fault.nth || n >= fault.nth + (fault.times ?? 1)) return next(args);
        this.fired++;
        this.injected++;
        if (fault.kind === 'unprocessed') {
          // The input here is already marshalled; the DocumentClient unmarshalls between us and
          // the deserializer, so the keys handed back must be plain again.
          const input = args.input as { RequestItems?: Record<string, { Keys: object[] }> };
          const unprocessed = Object.fromEntries(
            Object.entries(input.RequestItems ?? {}).map(([table, request]) => [
              table,
              { ...request, Keys: request.Keys.map(plainKey) },
            ]),
          );
          return {
            response: { statusCode: 200, headers: {}, body: undefined },
            output: { $metadata: {}, Responses: {}, UnprocessedKeys: unprocessed },
          };
        }
        if (fault.when === 'after') await next(args);
        throw faultError(fault.kind, this.service, args.input, command);
      },
      {
        step: 'deserialize',
        name: `faultInjection-${this.service}`,
        priority: 'high',
        override: true,
      },
    );
    return this;
  }

  /** The next fault; `undefined` lets every call through. Clears the call log. */
  arm(fault: Fault | undefined): void {
    this.fault = fault;
    this.matched = 0;
    this.fired = 0;
    this.calls.length = 0;
  }

  /** How many times the armed fault fired. */
  get firedCount(): number {
    return this.fired;
  }

  /** Whether the armed fault fired. */
  get hasFired(): boolean {
    return this.fired > 0;
  }
}

/**
 * Attaches `injector` to every Cognito client that sends a command from now on (the app builds its
 * client lazily inside `createCognitoIdentityProvider`), until the returned function is called.
 */
export function injectIntoCognitoClients(injector: FaultInjector): () => void {
  const proto = CognitoIdentityProviderClient.prototype as unknown as {
    send: (...args: unknown[]) => unknown;
  };
  const hadOwn = Object.prototype.hasOwnProperty.call(proto, 'send');
  const original = proto.send;
  const attached = new WeakSet<object>();
  proto.send = function (this: { middlewareStack: unknown }, ...args: unknown[]) {
    if (!attached.has(this)) {
      attached.add(this);
      injector.attach(this);
    }
    return original.apply(this, args);
  };
  return () => {
    if (hadOwn) proto.send = original;
    else delete (proto as { send?: unknown }).send;
  };
}
