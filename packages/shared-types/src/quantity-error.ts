// The failure vocabulary shared by the quantity parsers: every rejection is a ValidationError that
// quotes the input, says what was wrong (`details.reason`) and lists the accepted forms.
import { ValidationError } from './errors.js';
import { decimalToRatio, MAX_DECIMAL_EXPONENT, type Ratio } from './exact-decimal.js';

/** Why a quantity was rejected; stable, for machines (`details.reason`). */
export type QuantityErrorReason =
  | 'not-a-string'
  | 'empty'
  | 'too-long'
  | 'not-a-number'
  | 'negative'
  | 'missing-unit'
  | 'unknown-suffix'
  | 'fractional'
  | 'overflow';

/** A kind of quantity as named in messages (`duration`, `Kubernetes memory quantity`) with its accepted forms. */
export interface QuantityKind {
  readonly name: string;
  readonly accepted: readonly string[];
}

/** The longest text a quantity parser reads; longer input is rejected before any arithmetic. */
export const MAX_QUANTITY_LENGTH = 100;

function shown(input: unknown): string {
  if (typeof input === 'string') return JSON.stringify(input);
  if (typeof input === 'number' || typeof input === 'bigint' || typeof input === 'boolean') return String(input);
  if (input === null) return 'null';
  return `(${typeof input})`;
}

/** The ValidationError for a rejected quantity: `invalid <kind> "<input>": <problem>; accepted: <forms>`. */
export function quantityError(kind: QuantityKind, input: unknown, reason: QuantityErrorReason, problem: string): ValidationError {
  return new ValidationError(`invalid ${kind.name} ${shown(input)}: ${problem}; accepted: ${kind.accepted.join(', ')}`, {
    kind: kind.name,
    input: typeof input === 'string' || typeof input === 'number' ? input : shown(input),
    reason,
    accepted: kind.accepted,
  });
}

/** The input as text after the checks every parser shares: a string, not empty, not absurdly long. */
export function quantityText(kind: QuantityKind, input: unknown): string {
  if (typeof input !== 'string') throw quantityError(kind, input, 'not-a-string', `expected a string, got ${input === null ? 'null' : typeof input}`);
  if (input === '') throw quantityError(kind, input, 'empty', 'the text is empty');
  if (input.length > MAX_QUANTITY_LENGTH) {
    throw quantityError(kind, input, 'too-long', `the text is longer than ${MAX_QUANTITY_LENGTH} characters`);
  }
  return input;
}

/** A number input as the text a parser reads: finite and non-negative, else the matching rejection. */
export function numberText(kind: QuantityKind, input: number): string {
  if (!Number.isFinite(input)) throw quantityError(kind, input, 'not-a-number', `${input} is not a finite number`);
  rejectNegative(kind, input, input < 0 ? '-' : '');
  return String(input);
}

/**
 * The exact value of a matched decimal literal with an optional exponent. An exponent beyond
 * ±MAX_DECIMAL_EXPONENT is answered without computing 10^exponent: overflow or too fine.
 */
export function literalValue(kind: QuantityKind, input: string, digits: string, exponentText?: string): Ratio {
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  if (Math.abs(exponent) <= MAX_DECIMAL_EXPONENT) return decimalToRatio(digits, exponent);
  if (!/[1-9]/.test(digits)) return { num: 0n, den: 1n };
  if (exponent > 0) throw quantityError(kind, input, 'overflow', `the exponent ${exponentText} is far too large`);
  throw quantityError(kind, input, 'fractional', `the exponent ${exponentText} makes the value far too small to be whole`);
}

/**
 * `value` (in base units) as a safe integer; `fractional` explains a non-whole value and `unit` names
 * the base unit in the overflow message.
 */
export function safeWhole(kind: QuantityKind, input: unknown, value: Ratio, unit: string, fractional: () => string): number {
  if (value.den !== 1n) throw quantityError(kind, input, 'fractional', fractional());
  if (value.num > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw quantityError(kind, input, 'overflow', `the value exceeds the largest exact integer, ${Number.MAX_SAFE_INTEGER} ${unit}`);
  }
  return Number(value.num);
}

/** Reject a leading minus sign with the same message everywhere. */
export function rejectNegative(kind: QuantityKind, input: unknown, sign: string | undefined): void {
  if (sign === '-') throw quantityError(kind, input, 'negative', 'negative values are not allowed');
}
