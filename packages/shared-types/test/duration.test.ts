import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DURATION_FORMS, formatDuration, micros, parseDuration, type Micros } from '@strata/shared-types';
import { failureReason, expectRejections, validationFailure } from './failure.js';

const FACTORS: Record<string, number> = { us: 1, ms: 1_000, s: 1_000_000, m: 60_000_000, h: 3_600_000_000 };

/** Durations users actually write (whole or half units) mixed with arbitrary safe integers. */
const durationValue = fc.oneof(
  fc.maxSafeNat(),
  fc.nat({ max: 10_000_000_000 }),
  fc.tuple(fc.nat({ max: 100_000 }), fc.constantFrom(...Object.values(FACTORS))).map(([n, f]) => n * f),
  fc.tuple(fc.nat({ max: 100_000 }), fc.constantFrom(500, 500_000, 30_000_000, 1_800_000_000)).map(([n, f]) => n * f),
);

describe('parseDuration', () => {
  it('reads the forms from the issue exactly', () => {
    expect(parseDuration('250ms')).toBe(250_000);
    expect(parseDuration('1.5s')).toBe(1_500_000);
    expect(parseDuration('100us')).toBe(100);
    expect(parseDuration('2m')).toBe(120_000_000);
    expect(parseDuration('1h')).toBe(3_600_000_000);
  });

  it('is exact where floats are not', () => {
    // 8.2 * 1e6 is 8199999.999999999 in floating point.
    expect(Number('8.2') * 1e6).not.toBe(8_200_000);
    expect(parseDuration('8.2s')).toBe(8_200_000);
    expect(parseDuration('1.1s')).toBe(1_100_000);
    expect(parseDuration('0.3s')).toBe(300_000);
    expect(parseDuration('2.675ms')).toBe(2_675);
    expect(parseDuration('0.000001s')).toBe(1);
  });

  it('reads compound, micro-sign, nanosecond, signed and loose decimal forms', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000_000);
    expect(parseDuration('1m0.5s')).toBe(60_500_000);
    expect(parseDuration('2s500ms')).toBe(2_500_000);
    expect(parseDuration('5µs')).toBe(5);
    expect(parseDuration('5μs')).toBe(5);
    expect(parseDuration('3000ns')).toBe(3);
    expect(parseDuration('+5s')).toBe(5_000_000);
    expect(parseDuration('.5s')).toBe(500_000);
    expect(parseDuration('5.s')).toBe(5_000_000);
  });

  it('accepts a bare zero, and a bare number only with an explicit default unit', () => {
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('0.0')).toBe(0);
    expect(parseDuration('250', { defaultUnit: 'ms' })).toBe(250_000);
    expect(parseDuration('250', { defaultUnit: 'us' })).toBe(250);
    expect(parseDuration('1.5', { defaultUnit: 's' })).toBe(1_500_000);
    expect(validationFailure(() => parseDuration('250', { defaultUnit: 'sec' as 's' })).details.defaultUnit).toBe('sec');
    const error = validationFailure(() => parseDuration('250'));
    expect(error.details.reason).toBe('missing-unit');
    expect(error.message).toContain('"250ms"');
    expect(error.message).toContain('"250us"');
  });

  it('rejects every bad form with a reason, the input and the accepted forms', () => {
    const cases: [string, string][] = [
      ['', 'empty'],
      ['-5ms', 'negative'],
      ['-0s', 'negative'],
      ['NaN', 'not-a-number'],
      ['Infinity', 'not-a-number'],
      ['ms', 'not-a-number'],
      ['+', 'not-a-number'],
      [' 5s', 'not-a-number'],
      ['5s ', 'unknown-suffix'],
      ['1h30', 'not-a-number'],
      ['1.5.3s', 'not-a-number'],
      ['5x', 'unknown-suffix'],
      ['5S', 'unknown-suffix'],
      ['5sec', 'unknown-suffix'],
      ['1d', 'unknown-suffix'],
      ['1e3ms', 'unknown-suffix'],
      ['5constructor', 'unknown-suffix'],
      ['5__proto__', 'unknown-suffix'],
      ['5toString', 'unknown-suffix'],
      ['1500ns', 'fractional'],
      ['0.5us', 'fractional'],
      ['9007199254740992us', 'overflow'],
      ['2502000h', 'overflow'],
      ['1'.repeat(101) + 's', 'too-long'],
    ];
    for (const error of expectRejections((text: string) => parseDuration(text), cases, DURATION_FORMS)) {
      expect(error.message).toContain('250ms');
    }
  });

  it('rejects non-strings from untyped callers', () => {
    expect(failureReason(() => parseDuration(5 as unknown as string))).toBe('not-a-string');
    expect(failureReason(() => parseDuration(undefined as unknown as string))).toBe('not-a-string');
  });

  it('accepts the largest safe value and nothing beyond', () => {
    expect(parseDuration(`${Number.MAX_SAFE_INTEGER}us`)).toBe(Number.MAX_SAFE_INTEGER);
    expect(failureReason(() => parseDuration(`${Number.MAX_SAFE_INTEGER + 1}us`))).toBe('overflow');
  });

  it('agrees with a floating-point estimate of the same text', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.nat({ max: 999 }), fc.constantFrom('ms', 's', 'm', 'h'), (whole, frac, unit) => {
        const digits = `${whole}.${String(frac).padStart(3, '0')}`;
        const exact = parseDuration(`${digits}${unit}`);
        const estimate = Number(digits) * (FACTORS[unit] ?? Number.NaN);
        expect(Math.abs(exact - estimate)).toBeLessThanOrEqual(Math.max(1e-6, estimate * 1e-12));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('formatDuration', () => {
  it('writes the shortest exact form', () => {
    expect(formatDuration(micros(1_500_000))).toBe('1.5s');
    expect(formatDuration(micros(250))).toBe('250us');
    expect(formatDuration(micros(250_000))).toBe('250ms');
    expect(formatDuration(micros(0))).toBe('0s');
    expect(formatDuration(micros(60_000_000))).toBe('1m');
    expect(formatDuration(micros(90_000_000))).toBe('90s');
    expect(formatDuration(micros(3_600_000_000))).toBe('1h');
    expect(formatDuration(micros(5_400_000_000))).toBe('90m');
    expect(formatDuration(micros(1_100_000))).toBe('1.1s');
    expect(formatDuration(micros(1_001))).toBe('1001us');
  });

  it('round-trips exactly through parseDuration', () => {
    fc.assert(
      fc.property(durationValue, (value) => {
        expect(parseDuration(formatDuration(value as Micros))).toBe(value);
      }),
      { numRuns: 1000 },
    );
  });

  it('is never longer than the plain-microsecond or any whole-unit spelling', () => {
    fc.assert(
      fc.property(durationValue, (value) => {
        const text = formatDuration(value as Micros);
        for (const [unit, factor] of Object.entries(FACTORS)) {
          if (value % factor === 0) expect(text.length).toBeLessThanOrEqual(`${value / factor}${unit}`.length);
        }
        expect(text).not.toMatch(/\.\d*0[a-z]/); // no trailing zeros after a point
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects values that are not Micros', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
      expect(validationFailure(() => formatDuration(bad as Micros)).code).toBe('E_VALIDATION');
    }
  });
});
