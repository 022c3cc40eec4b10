import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytes, cpuMillis, CPU_FORMS, formatCpu, formatMemory, MEMORY_FORMS, parseCpu, parseMemory, type Bytes, type CpuMillis } from '@strata/shared-types';
import { failureReason, expectRejections, validationFailure } from './failure.js';

const MEMORY_FACTORS: Record<string, number> = {
  '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50,
};

const memoryValue = fc.oneof(
  fc.maxSafeNat(),
  fc.nat({ max: 1_000_000 }),
  fc.tuple(fc.nat({ max: 8000 }), fc.constantFrom(...Object.values(MEMORY_FACTORS))).map(([n, f]) => n * f),
  fc.tuple(fc.nat({ max: 8000 }), fc.constantFrom(512, 2 ** 19, 2 ** 29, 500_000)).map(([n, f]) => n * f),
).filter(Number.isSafeInteger);

describe('parseMemory (Kubernetes)', () => {
  it('reads decimal and binary suffixes as Kubernetes does', () => {
    expect(parseMemory('256M')).toBe(256_000_000);
    expect(parseMemory('256Mi')).toBe(268_435_456);
    expect(parseMemory('512Mi')).toBe(536_870_912);
    expect(parseMemory('2Gi')).toBe(2_147_483_648);
    expect(parseMemory('1G')).toBe(1_000_000_000);
    expect(parseMemory('128k')).toBe(128_000);
    expect(parseMemory('1Ki')).toBe(1024);
    expect(parseMemory('3Ti')).toBe(3 * 2 ** 40);
    expect(parseMemory('1T')).toBe(1e12);
    expect(parseMemory('1073741824')).toBe(1_073_741_824);
    expect(parseMemory('0')).toBe(0);
  });

  it('reads fractions, exponents and sub-unit suffixes when the result is whole bytes', () => {
    expect(parseMemory('1.5Gi')).toBe(1_610_612_736);
    expect(parseMemory('0.5Ki')).toBe(512);
    expect(parseMemory('1e3')).toBe(1000);
    expect(parseMemory('1E3')).toBe(1000);
  });

  it('rejects every bad form with its reason', () => {
    const cases: [string, string][] = [
      ['', 'empty'],
      ['-1Gi', 'negative'],
      ['NaN', 'not-a-number'],
      ['Gi', 'not-a-number'],
      ['1..5Gi', 'not-a-number'],
      ['1 Gi', 'not-a-number'],
      ['1Gi ', 'not-a-number'],
      ['1GB', 'unknown-suffix'],
      ['1gi', 'unknown-suffix'],
      ['1K', 'unknown-suffix'],
      ['1KiB', 'unknown-suffix'],
      ['1e', 'unknown-suffix'],
      ['5e3Mi', 'unknown-suffix'],
      ['5constructor', 'unknown-suffix'],
      ['256m', 'fractional'],
      ['0.1', 'fractional'],
      ['1.0000001Ki', 'fractional'],
      ['1e-999', 'fractional'],
      ['8Pi', 'overflow'],
      ['1E', 'overflow'],
      ['1e999', 'overflow'],
      ['9007199254740992', 'overflow'],
    ];
    expectRejections(parseMemory, cases, MEMORY_FORMS);
  });

  it('explains the milli trap and the missing-B habit', () => {
    const milli = validationFailure(() => parseMemory('256m')).message;
    expect(milli).toContain('0.256 bytes');
    expect(milli).toContain('"256Mi"');
    expect(milli).toContain('"256M"');
    expect(validationFailure(() => parseMemory('5GB')).message).toContain('"Gi"');
    expect(parseMemory('2000m')).toBe(2);
  });

  it('answers an absurd exponent without computing it, and zero with any exponent is zero', () => {
    expect(failureReason(() => parseMemory('1e99999999'))).toBe('overflow');
    expect(parseMemory('0e99999999')).toBe(0);
  });

  it('agrees with a floating-point estimate of the same text', () => {
    fc.assert(
      fc.property(fc.nat({ max: 100_000 }), fc.constantFrom('Ki', 'Mi', 'Gi', 'k', 'M', 'G'), (n, suffix) => {
        const factor = MEMORY_FACTORS[suffix] ?? Number.NaN;
        expect(parseMemory(`${n}${suffix}`)).toBe(n * factor); // exact in doubles at this size
        expect(parseMemory(`${n}.5${suffix}`)).toBe(n * factor + factor / 2);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('formatMemory', () => {
  it('writes the shortest exact Kubernetes form, preferring binary on ties', () => {
    expect(formatMemory(bytes(268_435_456))).toBe('256Mi');
    expect(formatMemory(bytes(256_000_000))).toBe('256M');
    expect(formatMemory(bytes(1_610_612_736))).toBe('1.5Gi');
    expect(formatMemory(bytes(1536))).toBe('1536');
    expect(formatMemory(bytes(1024))).toBe('1Ki');
    expect(formatMemory(bytes(1000))).toBe('1k');
    expect(formatMemory(bytes(0))).toBe('0');
  });

  it('round-trips exactly through parseMemory', () => {
    fc.assert(
      fc.property(memoryValue, (value) => {
        expect(parseMemory(formatMemory(value as Bytes))).toBe(value);
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects values that are not Bytes', () => {
    expect(validationFailure(() => formatMemory(-1 as Bytes)).code).toBe('E_VALIDATION');
  });
});

describe('parseCpu (Kubernetes)', () => {
  it('reads millicores, decimals, exponents and numbers', () => {
    expect(parseCpu('500m')).toBe(500);
    expect(parseCpu('0.5')).toBe(500);
    expect(parseCpu('2')).toBe(2000);
    expect(parseCpu('1.25')).toBe(1250);
    expect(parseCpu('5e-1')).toBe(500);
    expect(parseCpu('250000u')).toBe(250);
    expect(parseCpu('1k')).toBe(1_000_000);
    expect(parseCpu(0.5)).toBe(500);
    expect(parseCpu(0.1)).toBe(100);
    expect(parseCpu(3)).toBe(3000);
  });

  it('rejects every bad form with its reason', () => {
    const cases: [string | number, string][] = [
      ['', 'empty'],
      ['-1', 'negative'],
      [-0.5, 'negative'],
      [Number.NaN, 'not-a-number'],
      [Number.POSITIVE_INFINITY, 'not-a-number'],
      ['abc', 'not-a-number'],
      ['1Ki', 'unknown-suffix'],
      ['500M1', 'not-a-number'],
      ['2 cores', 'not-a-number'],
      ['2cores', 'unknown-suffix'],
      ['0.0005', 'fractional'],
      ['1500u', 'fractional'],
      [0.0001, 'fractional'],
      ['10P', 'overflow'],
    ];
    expectRejections(parseCpu, cases, CPU_FORMS);
    expect(validationFailure(() => parseCpu('1Ki')).message).toContain('for memory');
  });
});

describe('formatCpu', () => {
  it('writes whole CPUs plain and the rest in millicores, as kubectl does', () => {
    expect(formatCpu(cpuMillis(2000))).toBe('2');
    expect(formatCpu(cpuMillis(500))).toBe('500m');
    expect(formatCpu(cpuMillis(1500))).toBe('1500m');
    expect(formatCpu(cpuMillis(0))).toBe('0');
  });

  it('round-trips exactly through parseCpu', () => {
    const millis = fc.oneof(fc.maxSafeNat(), fc.nat({ max: 100_000 }), fc.nat({ max: 1000 }).map((n) => n * 1000));
    fc.assert(
      fc.property(millis, (value) => {
        expect(parseCpu(formatCpu(value as CpuMillis))).toBe(value);
      }),
      { numRuns: 1000 },
    );
  });
});
