import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BANDWIDTH_FORMS, bytesPerSecond, formatBandwidth, parseBandwidth, type BytesPerSecond } from '@strata/shared-types';
import { expectRejections, validationFailure } from './failure.js';

describe('parseBandwidth', () => {
  it('reads the forms from the issue', () => {
    expect(parseBandwidth('100Mbit')).toBe(12_500_000);
    expect(parseBandwidth('1Gbps')).toBe(125_000_000);
    expect(parseBandwidth('10MB/s')).toBe(10_000_000);
  });

  it('tells bits (b) from bytes (B) and reads every listed spelling', () => {
    const cases: [string, number][] = [
      ['8bit', 1], ['8bps', 1], ['8b/s', 1], ['8bit/s', 1],
      ['1B/s', 1], ['1Bps', 1],
      ['64kbit', 8000], ['64Kbit', 8000], ['100mbit', 12_500_000], ['1gbit/s', 125_000_000], ['1Tbps', 125_000_000_000],
      ['1Mb/s', 125_000], ['1MB/s', 1_000_000], ['1MBps', 1_000_000],
      ['1KiB/s', 1024], ['1MiB/s', 1_048_576], ['1GiB/s', 2 ** 30], ['1Mibit', 131_072],
      ['1.5Gbit', 187_500_000], ['100 Mbit', 12_500_000], ['0', 0], ['0bit', 0],
    ];
    for (const [text, value] of cases) expect({ text, value: parseBandwidth(text) }).toEqual({ text, value });
  });

  it('rejects every bad form with its reason', () => {
    const cases: [string, string][] = [
      ['', 'empty'],
      ['-1Mbit', 'negative'],
      ['NaN', 'not-a-number'],
      ['Mbit', 'not-a-number'],
      ['100 ', 'not-a-number'],
      ['100', 'missing-unit'],
      ['10MB', 'unknown-suffix'],
      ['10Mbits', 'unknown-suffix'],
      ['10constructor', 'unknown-suffix'],
      ['10 Mbit/sec', 'unknown-suffix'],
      ['1bit', 'fractional'],
      ['12bps', 'fractional'],
      ['100000Tbit', 'overflow'],
      ['9007199254740992B/s', 'overflow'],
    ];
    expectRejections(parseBandwidth, cases, BANDWIDTH_FORMS);
    expect(validationFailure(() => parseBandwidth('100')).message).toContain('"100Mbit"');
    expect(validationFailure(() => parseBandwidth('10MB')).message).toContain('"10MB/s"');
  });

  it('agrees with a floating-point estimate of the same text', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.constantFrom(['kbit', 125], ['Mbit', 125_000], ['MB/s', 1e6], ['KiB/s', 1024]), (n, [unit, factor]) => {
        expect(parseBandwidth(`${n}${unit}`)).toBe(n * factor);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('formatBandwidth', () => {
  it('writes the shortest exact form, bits on ties', () => {
    expect(formatBandwidth(bytesPerSecond(12_500_000))).toBe('100Mbit');
    expect(formatBandwidth(bytesPerSecond(125_000_000))).toBe('1Gbit');
    expect(formatBandwidth(bytesPerSecond(10_000_000))).toBe('80Mbit');
    expect(formatBandwidth(bytesPerSecond(1_048_576))).toBe('1MiB/s');
    expect(formatBandwidth(bytesPerSecond(1))).toBe('8bit');
    expect(formatBandwidth(bytesPerSecond(0))).toBe('0bit');
  });

  it('round-trips exactly through parseBandwidth', () => {
    const value = fc.oneof(
      fc.maxSafeNat(),
      fc.tuple(fc.nat({ max: 100_000 }), fc.constantFrom(1, 125, 125_000, 1e6, 1024, 2 ** 20)).map(([n, f]) => n * f),
    );
    fc.assert(
      fc.property(value, (v) => {
        expect(parseBandwidth(formatBandwidth(v as BytesPerSecond))).toBe(v);
      }),
      { numRuns: 1000 },
    );
  });
});
