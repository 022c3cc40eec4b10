// One assertion for the bad-input tests of every part: the call throws an error of the given class
// (ValidationError unless said) whose message matches, rather than returning or throwing something else.
import { expect } from 'vitest';
import { ValidationError } from '@strata/shared-types';

/** A class of the project's errors (ValidationError, ConflictError, NotFoundError, ...). */
export type ErrorClass = abstract new (...args: never[]) => Error;

/** `call()` throws an instance of `type` whose message matches `message`. */
export function expectRefused(call: () => unknown, message: RegExp, type: ErrorClass = ValidationError): void {
  let error: unknown;
  try {
    call();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(type);
  expect((error as Error).message).toMatch(message);
}
