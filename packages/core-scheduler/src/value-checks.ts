// The package's one form of bad-input error (what was wrong, where, and what is accepted) and
// the small shape checks shared by policy options, task specs and exercises.
import { ValidationError } from '@strata/shared-types';

/** A ValidationError `invalid <path> <value as JSON>: expected <accepted>`, with those three in `details`. */
export function invalidValue(path: string, value: unknown, accepted: string): ValidationError {
  return new ValidationError(`invalid ${path} ${JSON.stringify(value) ?? 'undefined'}: expected ${accepted}`, { path, value, accepted });
}

/** True when `value` is an array. Unlike Array.isArray it does not narrow a typed list to any[]. */
export function isList(value: unknown): boolean {
  return Array.isArray(value);
}
