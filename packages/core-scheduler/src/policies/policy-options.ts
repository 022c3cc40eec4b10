// Validation of policy options: every bad option is a ValidationError naming the option and
// the accepted forms, raised before anything is built.
import { invalidValue } from '../value-checks.js';

/** `value` (or `fallback` when undefined) as a positive safe integer; throws naming `path`. */
export function positiveInteger(path: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1) throw invalidValue(path, v, 'a positive integer');
  return v;
}

/** `value` (or `fallback`) as a non-negative safe integer; throws naming `path`. */
export function nonNegativeInteger(path: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 0) throw invalidValue(path, v, 'an integer ≥ 0');
  return v;
}

/** `value` (or `fallback`) as a finite number > 0; throws naming `path`. */
export function positiveNumber(path: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0) throw invalidValue(path, v, 'a finite number > 0');
  return v;
}
