import { TRPCError } from '@trpc/server';
import {
  AuthenticationError,
  ConflictError,
  DomainError,
  NotFoundError,
  PreconditionFailedError,
  ThrottledError,
  ValidationError,
} from '@shop/core';

type Code = TRPCError['code'];

/** The one mapping from domain errors to tRPC codes. */
const codes: [new (...args: never[]) => DomainError, Code][] = [
  [NotFoundError, 'NOT_FOUND'],
  [ConflictError, 'CONFLICT'],
  [ValidationError, 'BAD_REQUEST'],
  [AuthenticationError, 'UNAUTHORIZED'],
  [ThrottledError, 'TOO_MANY_REQUESTS'],
  [PreconditionFailedError, 'PRECONDITION_FAILED'],
];

/** A `TRPCError` for a domain error, or `undefined` for anything unexpected (it stays a 500). */
export function toTRPCError(error: unknown): TRPCError | undefined {
  if (!(error instanceof DomainError)) return undefined;
  const code = codes.find(([type]) => error instanceof type)?.[1];
  return code ? new TRPCError({ code, message: error.message, cause: error }) : undefined;
}
