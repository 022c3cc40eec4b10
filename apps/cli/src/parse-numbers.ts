// Strict number parsing for flags and file fields: every failure is a ValidationError whose
// one-line message names the flag (or JSON path), what is accepted, and what was given.

import { ValidationError } from '@strata/shared-types';

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Render a given value for an error message: strings quoted, everything else as JSON. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value) ?? typeof value; // undefined only for functions and symbols
}

/** A ValidationError `${name}: expected ${expected}, got ${given}`, with `details.path` = name. */
export function invalid(name: string, expected: string, given: unknown, extra = ''): ValidationError {
  return new ValidationError(`${name}: expected ${expected}, got ${showValue(given)}${extra}`, { path: name, accepted: expected, value: given });
}

/** Bounds an integer must satisfy, with the phrase used in messages ("a positive integer"). */
export interface IntegerRule {
  readonly min: number;
  readonly max?: number;
  readonly phrase: string;
  /** The plural form used for lists ("positive integers"). */
  readonly plural: string;
}

/** The largest integer a flag or field takes: 2^53 − 1, beyond which numbers stop being exact. */
export const MAX_INT = Number.MAX_SAFE_INTEGER;

/** Integers 1..2^53 − 1. */
export const POSITIVE_INT: IntegerRule = { min: 1, max: MAX_INT, phrase: 'a positive integer', plural: 'positive integers' };
/** Integers 0..2^53 − 1. */
export const NON_NEGATIVE_INT: IntegerRule = { min: 0, max: MAX_INT, phrase: 'a non-negative integer', plural: 'non-negative integers' };
/** CPU counts of an exercise (the core's EXERCISE_LIMITS.maxCpus; a test keeps them equal). */
export const CPU_COUNT: IntegerRule = { min: 1, max: 1024, phrase: 'an integer from 1 to 1024', plural: 'integers from 1 to 1024' };
/** The most MLFQ levels (EXERCISE_LIMITS.maxLevels). */
export const MAX_LEVELS = 64;
/** MLFQ levels. */
export const LEVEL_COUNT: IntegerRule = { min: 1, max: MAX_LEVELS, phrase: 'an integer from 1 to 64', plural: 'integers from 1 to 64' };
/** Lottery and stride tickets (EXERCISE_LIMITS.maxTickets). */
export const TICKETS: IntegerRule = { min: 1, max: 1_000_000, phrase: 'an integer from 1 to 1000000', plural: 'integers from 1 to 1000000' };
/** Any safe integer. */
export const ANY_INT: IntegerRule = { min: Number.MIN_SAFE_INTEGER, phrase: 'an integer', plural: 'integers' };
/** Xen credit weights. */
export const CREDIT_WEIGHT: IntegerRule = { min: 1, max: 65535, phrase: 'an integer from 1 to 65535', plural: 'integers from 1 to 65535' };
/** Linux nice values. */
export const NICE_INT: IntegerRule = { min: -20, max: 19, phrase: 'an integer from -20 to 19', plural: 'integers from -20 to 19' };

/** Parse `text` (a flag value) as an integer obeying `rule`; throws a ValidationError naming `name`. */
export function parseIntegerText(name: string, text: string, rule: IntegerRule): number {
  const trimmed = text.trim();
  const value = INTEGER.test(trimmed) ? Number(trimmed) : Number.NaN;
  return checkInteger(name, value, rule, text);
}

/** Check that `value` (from a file) is an integer obeying `rule`; `shown` is what the message quotes. */
export function checkInteger(name: string, value: unknown, rule: IntegerRule, shown: unknown = value): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < rule.min || (rule.max !== undefined && value > rule.max)) {
    throw invalid(name, rule.phrase, shown, tooLarge(value, rule));
  }
  return value;
}

/** The note for a value past a rule's maximum (or past 2^53 − 1, where integers stop being exact). */
function tooLarge(value: unknown, rule: IntegerRule): string {
  // Rules with their own maximum state it in their phrase already.
  if (typeof value !== 'number' || !(value > MAX_INT) || (rule.max !== undefined && rule.max < MAX_INT)) return '';
  return ` (at most ${MAX_INT}, 2^53 - 1: larger integers are not exact)`;
}

/** Parse `text` as a finite number > 0 (decimals and exponents allowed, as Python's float()). */
export function parsePositiveDecimalText(name: string, text: string): number {
  const trimmed = text.trim();
  const value = DECIMAL.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isFinite(value) || value <= 0) throw invalid(name, 'a positive number', text);
  return value;
}

/**
 * Parse a comma-separated list of integers obeying `rule`; with `count`, the list must have
 * exactly that many entries (`countWhy` says why, e.g. "one per job").
 */
export function parseIntegerListText(name: string, text: string, rule: IntegerRule, count?: { n: number; why: string }, maxEntries = Infinity): number[] {
  const fields = text.split(',');
  const listPhrase = `comma-separated ${rule.plural}`;
  if (fields.length > maxEntries) throw invalid(name, `at most ${maxEntries} ${listPhrase}`, text, ` (${fields.length} entries)`);
  const values = fields.map((field, i) => {
    if (field.trim() === '') throw invalid(name, listPhrase, text, ` (entry ${i + 1} is empty)`);
    const trimmed = field.trim();
    const value = INTEGER.test(trimmed) ? Number(trimmed) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < rule.min || (rule.max !== undefined && value > rule.max)) {
      throw invalid(name, listPhrase, text, ` (entry ${i + 1} ${showValue(trimmed)} is not ${rule.phrase}${tooLarge(value, rule).replace(/^ \(/, ', ').replace(/\)$/, '')})`);
    }
    return value;
  });
  if (count !== undefined && values.length !== count.n) {
    throw invalid(name, `${count.n} ${listPhrase} (${count.why})`, text, ` (${values.length} entr${values.length === 1 ? 'y' : 'ies'})`);
  }
  return values;
}
