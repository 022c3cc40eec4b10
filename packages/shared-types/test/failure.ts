// Test support: run a call that must fail and hand back its ValidationError for inspection.
import { ValidationError } from '@strata/shared-types';

/** The ValidationError `fn` throws; fails the test if it returns or throws anything else. */
export function validationFailure(fn: () => unknown): ValidationError {
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error(`expected a ValidationError, but the call returned ${JSON.stringify(result)}`);
}

/** The `details.reason` of the ValidationError `fn` throws. */
export function failureReason(fn: () => unknown): unknown {
  return validationFailure(fn).details.reason;
}
