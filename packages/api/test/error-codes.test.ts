import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ConflictError,
  CorruptDataError,
  NotFoundError,
  PreconditionFailedError,
  ThrottledError,
  ValidationError,
} from '@shop/core';
import { toTRPCError } from '../src/errors.ts';

// Pure (no emulator): the contract's table of error codes, one domain error at a time.
describe('toTRPCError', () => {
  it.each([
    [new NotFoundError('No order o1'), 'NOT_FOUND'],
    [new ConflictError('Not enough stock for Mug'), 'CONFLICT'],
    [new ValidationError('Invalid cursor', ['cursor']), 'BAD_REQUEST'],
    [new AuthenticationError('Invalid or expired token'), 'UNAUTHORIZED'],
    [new ThrottledError('Too many concurrent changes, please retry'), 'TOO_MANY_REQUESTS'],
    [new PreconditionFailedError('The total changed'), 'PRECONDITION_FAILED'],
  ])('maps %s to its code with its message', (error, code) => {
    const mapped = toTRPCError(error);
    expect(mapped?.code).toBe(code);
    expect(mapped?.message).toBe(error.message);
    expect(mapped?.cause).toBe(error);
  });

  it('leaves corrupt data and anything unexpected a 500 (no mapping)', () => {
    expect(toTRPCError(new CorruptDataError('bad row'))).toBeUndefined();
    expect(toTRPCError(new RangeError('internal detail'))).toBeUndefined();
    expect(toTRPCError('a string')).toBeUndefined();
  });
});
