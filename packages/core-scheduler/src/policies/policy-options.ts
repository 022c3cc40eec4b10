// Validation of policy options: every bad option is a ValidationError naming the option and
// the accepted forms, raised before anything is built.
import { ValidationError } from '@strata/shared-types';

/** `value` (or `fallback` when undefined) as a positive safe integer; throws naming `path`. */
export function positiveInteger(path: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1) throw optionError(path, v, 'a positive integer');
  return v;
}

/** `value` (or `fallback`) as a non-negative safe integer; throws naming `path`. */
export function nonNegativeInteger(path: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 0) throw optionError(path, v, 'an integer ≥ 0');
  return v;
}

/** `value` (or `fallback`) as a finite number > 0; throws naming `path`. */
export function positiveNumber(path: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0) throw optionError(path, v, 'a finite number > 0');
  return v;
}

/** A ValidationError for option `path` with offending `value` and the `accepted` forms. */
export function optionError(path: string, value: unknown, accepted: string): ValidationError {
  return new ValidationError(`invalid ${path} ${JSON.stringify(value)}: expected ${accepted}`, { path, value, accepted });
}

/** True when `value` is an array. Unlike Array.isArray it does not narrow a typed list to any[]. */
export function isList(value: unknown): boolean {
  return Array.isArray(value);
}
