// Durations at the edge: "250ms", "1.5s", "1h30m" to integer microseconds and back, exactly.
// A bare number is ambiguous (ms? us?) and is rejected unless the caller names a default unit.
import { ratio, addRatio, mulRatio, formatShortest, ratioToDecimal, type Ratio, type FormatUnit, formatUnit } from './exact-decimal.js';
import { literalValue, quantityError, quantityText, rejectNegative, safeWhole, type QuantityKind } from './quantity-error.js';
import { ValidationError } from './errors.js';
import { micros, type Micros } from './units.js';

/** A unit a duration may be written in. `us` is microseconds (`µs` and `μs` are read as well). */
export type DurationUnit = 'ns' | 'us' | 'ms' | 's' | 'm' | 'h';

/** Options of `parseDuration`. */
export interface ParseDurationOptions {
  /** Unit of a bare number such as `"250"`; without it a bare non-zero number is rejected as ambiguous. */
  readonly defaultUnit?: DurationUnit;
}

/** Microseconds in one of each unit, exactly (a nanosecond is 1/1000 µs). */
const DURATION_UNITS: ReadonlyMap<string, Ratio> = new Map([
  ['ns', ratio(1n, 1000n)],
  ['us', ratio(1n)],
  ['µs', ratio(1n)],
  ['μs', ratio(1n)],
  ['ms', ratio(1_000n)],
  ['s', ratio(1_000_000n)],
  ['m', ratio(60_000_000n)],
  ['h', ratio(3_600_000_000n)],
]);

/** The units `ParseDurationOptions.defaultUnit` may name. */
const DEFAULT_UNITS: readonly DurationUnit[] = ['ns', 'us', 'ms', 's', 'm', 'h'];

/** Formatter units in tie-break order: on equal length `0s` beats `0us`, `0m`, `0h`. */
const FORMAT_UNITS: readonly FormatUnit[] = [
  formatUnit('s', ratio(1_000_000n)),
  formatUnit('ms', ratio(1_000n)),
  formatUnit('us', ratio(1n)),
  formatUnit('m', ratio(60_000_000n)),
  formatUnit('h', ratio(3_600_000_000n)),
];

const DURATION: QuantityKind = {
  name: 'duration',
  accepted: ['100us', '250ms', '1.5s', '2m', '1h', '1h30m', '1500ns (whole microseconds)', '0'],
};

/** The syntax of a duration string (JSON Schema `pattern`); the parser also checks range and whole microseconds. */
export const DURATION_PATTERN = '^\\+?(0+(\\.0*)?|\\.0+|((\\d+(\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h))+)$';

const SIGNED = /^([+-]?)(.*)$/s;
const BARE_NUMBER = /^(\d+(?:\.\d*)?|\.\d+)$/;
const SEGMENT = /(\d+(?:\.\d*)?|\.\d+)([^\d.+-]*)/y;

/**
 * Parse a duration such as `"250ms"`, `"1.5s"`, `"100us"`, `"2m"`, `"1h30m"` into integer microseconds.
 * Exact: `"1.1s"` is 1 100 000. Throws `ValidationError` (with `details.reason` and `details.accepted`)
 * on empty, negative, non-numeric, unit-less (unless `opts.defaultUnit`), unknown-unit, sub-microsecond
 * or beyond-`Number.MAX_SAFE_INTEGER` input.
 */
export function parseDuration(text: string, opts: ParseDurationOptions = {}): Micros {
  const input = quantityText(DURATION, text);
  const [, sign, body = ''] = SIGNED.exec(input) ?? [];
  rejectNegative(DURATION, input, sign);

  let total: Ratio;
  const bare = BARE_NUMBER.exec(body);
  if (bare) {
    const value = literalValue(DURATION, input, bare[1] ?? '');
    if (value.num === 0n) return micros(0);
    if (opts.defaultUnit === undefined) {
      throw quantityError(DURATION, input, 'missing-unit', `a bare number is ambiguous: add a unit, as in "${body}ms" or "${body}us"`);
    }
    const factor = DEFAULT_UNITS.includes(opts.defaultUnit) ? DURATION_UNITS.get(opts.defaultUnit) : undefined;
    if (factor === undefined) {
      throw new ValidationError(`invalid defaultUnit ${JSON.stringify(opts.defaultUnit)}: expected one of ns, us, ms, s, m, h`, {
        defaultUnit: opts.defaultUnit,
        accepted: DEFAULT_UNITS,
      });
    }
    total = mulRatio(value, factor);
  } else {
    total = ratio(0n);
    SEGMENT.lastIndex = 0;
    let consumed = 0;
    while (consumed < body.length) {
      const match = SEGMENT.exec(body);
      if (!match) throw quantityError(DURATION, input, 'not-a-number', 'expected a number followed by a unit');
      const [whole, digits = '', unit = ''] = match;
      if (unit === '') throw quantityError(DURATION, input, 'not-a-number', `"${whole}" is not a number followed by a unit`);
      const factor = DURATION_UNITS.get(unit);
      if (factor === undefined) throw quantityError(DURATION, input, 'unknown-suffix', `unknown unit "${unit}"`);
      total = addRatio(total, mulRatio(literalValue(DURATION, input, digits), factor));
      consumed = SEGMENT.lastIndex;
    }
    if (body === '') throw quantityError(DURATION, input, 'not-a-number', 'expected a number followed by a unit');
  }
  return safeWhole(DURATION, input, total, 'us', () => {
    const exact = ratioToDecimal(total);
    return `${exact === undefined ? 'the value' : `${exact}us`} is finer than one microsecond, the resolution of simulated time`;
  }) as Micros;
}

/**
 * The shortest exact spelling of a duration (`1500000` → `"1.5s"`, `250` → `"250us"`, `0` → `"0s"`);
 * `parseDuration(formatDuration(x)) === x` for every valid `x`. Throws `ValidationError` unless `value`
 * is a non-negative safe integer.
 */
export function formatDuration(value: Micros): string {
  return formatShortest(BigInt(micros(value)), FORMAT_UNITS);
}

/** Accepted duration forms, as listed in error messages and `details.accepted`. */
export const DURATION_FORMS: readonly string[] = DURATION.accepted;
