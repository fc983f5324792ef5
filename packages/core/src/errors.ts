/** Domain errors. The API maps each class to one tRPC code in `api/src/errors.ts`. */
export class DomainError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The thing does not exist, or belongs to someone else (we never say which). */
export class NotFoundError extends DomainError {}

/** The request is valid but clashes with the current state (stock, status, duplicates). */
export class ConflictError extends DomainError {}

/** Input that passed the schema but is still unusable (e.g. a malformed or altered cursor). */
export class ValidationError extends DomainError {
  constructor(
    message: string,
    readonly path: (string | number)[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The data store keeps throttling after the SDK's own retries. */
export class ThrottledError extends DomainError {}

/** A row read back from a table does not match its schema: a bug or a hand-edited item. */
export class CorruptDataError extends DomainError {}

/** Credentials or tokens were refused. One message for every cause, so nothing is revealed. */
export class AuthenticationError extends DomainError {}

/** The caller's view of the data is stale (an `expectedTotal` that no longer matches). */
export class PreconditionFailedError extends DomainError {}
