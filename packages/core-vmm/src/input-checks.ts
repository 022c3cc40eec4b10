// The checks every part makes of what a plain-JavaScript caller passes in (option objects, specs,
// request bodies, carried state): each refusal is a ValidationError `<path> must be <accepted>, got
// <value>` that names the field and what is accepted, thrown before anything changes. Checks that
// belong to one part (a Firecracker body, a memory snapshot, a VM spec) live in that part and use these.
import { ValidationError, shownValue } from '@strata/shared-types';

/** Throw the ValidationError for `path`: `<path> must be <accepted>, got <value>`. */
export function fail(path: string, accepted: string, value: unknown, details: Record<string, unknown> = {}): never {
  throw new ValidationError(`${path} must be ${accepted}, got ${shownValue(value)}`, { path, field: path, value, accepted, ...details });
}

/** Whether `value` is an object that is neither null nor an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` as an object (not null, not an array); `shape` says which fields it takes. */
export function requireObject(path: string, value: unknown, shape: string): Record<string, unknown> {
  if (!isPlainObject(value)) fail(path, `an object ${shape}`, value);
  return value;
}

/** `value` as an options object: absent → {}; null, an array or a primitive is refused. */
export function objectOrEmpty(path: string, value: unknown, shape: string): Readonly<Record<string, unknown>> {
  return value === undefined ? {} : requireObject(path, value, shape);
}

/** `value` as a boolean; `fallback` when absent (without one, absent is refused). */
export function requireBoolean(path: string, value: unknown, fallback?: boolean): boolean {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'boolean') fail(path, 'true or false', value);
  return value;
}

/** An optional boolean: absent or true or false. */
export function optionalBoolean(path: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') fail(path, 'true or false', value);
}

/** `value` as one of `accepted`. */
export function requireOneOf<T extends string>(path: string, value: unknown, accepted: readonly T[]): T {
  if (typeof value !== 'string' || !(accepted as readonly string[]).includes(value)) fail(path, `one of ${accepted.map((a) => `'${a}'`).join(', ')}`, value);
  return value as T;
}

/**
 * `value` as a safe integer from `min` to `max`: `<path> must be an integer >= <min>` (no upper bound
 * given), `… from <min> to <max>`, or `a safe integer` (neither), got <value>.
 */
export function requireInteger(path: string, value: unknown, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): asserts value is number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max) return;
  const range = max !== Number.MAX_SAFE_INTEGER ? `from ${min} to ${max}` : min !== Number.MIN_SAFE_INTEGER ? `>= ${min}` : '';
  throw new ValidationError(`${path} must be ${range === '' ? 'a safe integer' : `an integer ${range}`}, got ${shownValue(value)}`, {
    path,
    value,
    accepted: range === '' ? 'safe integer' : `safe integer ${range}`,
  });
}
