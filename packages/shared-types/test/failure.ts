// Test support: run a call that must fail and hand back its ValidationError for inspection.
import { ValidationError } from '@strata/shared-types';
import { expect } from 'vitest';

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

/**
 * Assert that `parse` rejects every `[input, reason]` case with a ValidationError whose
 * `details.reason` is `reason`, whose `details.accepted` equals `accepted` and whose message
 * quotes a string input. Returns the errors, in case order, for further checks.
 */
export function expectRejections<T>(
  parse: (input: T) => unknown,
  cases: readonly (readonly [T, string])[],
  accepted: unknown,
): ValidationError[] {
  return cases.map(([input, reason]) => {
    const error = validationFailure(() => parse(input));
    expect({ input, reason: error.details.reason }).toEqual({ input, reason });
    expect(error.code).toBe('E_VALIDATION');
    expect(error.details.accepted).toEqual(accepted);
    if (typeof input === 'string') expect(error.message).toContain(JSON.stringify(input));
    return error;
  });
}
