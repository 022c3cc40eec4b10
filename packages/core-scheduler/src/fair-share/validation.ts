// Input checks shared by the fair-share solvers: every number that sizes a share must be a
// real, non-negative quantity, and a bad one is reported by its field path.
import { ValidationError } from '@strata/shared-types';

/** Throws ValidationError unless `value` is a finite number ≥ 0; `path` names the field. */
export function requireFiniteNonNegative(value: number, path: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValidationError(`${path} must be a finite number >= 0, got ${String(value)}`, {
      path,
      value,
      accepted: 'finite number >= 0',
    });
  }
}

/** Throws ValidationError unless `value` is a number ≥ 0 or Infinity (no NaN); `path` names the field. */
export function requireCap(value: number, path: string): void {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new ValidationError(`${path} must be a number >= 0 or Infinity (uncapped), got ${String(value)}`, {
      path,
      value,
      accepted: 'number >= 0, or Infinity for no cap',
    });
  }
}
