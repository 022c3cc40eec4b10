// Sizes as the kernel reads them (memparse), for programs and machines of kernel experiments.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BYTE_RATE_FORMS,
  BYTE_RATE_PATTERN,
  bytes,
  bytesPerSecond,
  formatByteRate,
  formatKernelSize,
  KERNEL_SIZE_FORMS,
  KERNEL_SIZE_PATTERN,
  kernelSizeSchema,
  parseByteRate,
  parseKernelSize,
  parseWithSchema,
  ValidationError,
} from '@strata/shared-types';
import { expectRejections } from './failure.js';

describe('parseKernelSize', () => {
  it('reads 64M as 64 MiB, as memparse does, in any case and with the IEC spellings', () => {
    for (const text of ['64M', '64m', '64Mi', '64mi', '64MiB', '65536K', '65536k', '67108864', '67108864B', '0.0625G', '0.0625g']) {
      expect({ text, bytes: parseKernelSize(text) }).toEqual({ text, bytes: 64 * 2 ** 20 });
    }
    expect(parseKernelSize('4Gi')).toBe(4 * 2 ** 30);
    expect(parseKernelSize('1T')).toBe(2 ** 40);
    expect(parseKernelSize('7P')).toBe(7 * 2 ** 50);
    expect(parseKernelSize('0')).toBe(0);
    expect(parseKernelSize('0E')).toBe(0);
    expect(parseKernelSize('1.5K')).toBe(1536);
  });

  it('rejects what the kernel would read differently, and every other bad form, with its reason', () => {
    const cases: [string, string][] = [
      ['', 'empty'],
      ['-1M', 'negative'],
      ['064M', 'not-a-number'], // octal to the kernel
      ['00', 'not-a-number'],
      ['0x40M', 'not-a-number'],
      ['+1M', 'not-a-number'],
      ['M', 'not-a-number'],
      ['.5M', 'not-a-number'],
      ['64MB', 'unknown-suffix'], // decimal to most readers
      ['64 M', 'unknown-suffix'],
      ['64X', 'unknown-suffix'],
      ['0.5', 'fractional'],
      ['1.0001K', 'fractional'],
      ['8P', 'overflow'],
      ['9007199254740992', 'overflow'],
      ['1'.repeat(101), 'too-long'],
    ];
    const errors = expectRejections(parseKernelSize, cases, KERNEL_SIZE_FORMS);
    expect(errors[2]!.message).toContain('octal');
    expect(errors[8]!.message).toContain('write "64M" or "64Mi"');
  });

  it('reads rates as a size per second', () => {
    expect(parseByteRate('1G/s')).toBe(2 ** 30);
    expect(parseByteRate('1Gi/s')).toBe(2 ** 30);
    expect(parseByteRate('4096/s')).toBe(4096);
    expectRejections(parseByteRate, [['1G', 'missing-unit'], ['1GB/s', 'unknown-suffix'], ['/s', 'not-a-number'], ['-1G/s', 'negative']], BYTE_RATE_FORMS);
  });
});

describe('formatKernelSize', () => {
  it('writes the largest binary suffix with a whole mantissa, as a kernel file would accept', () => {
    expect(formatKernelSize(bytes(64 * 2 ** 20))).toBe('64M');
    expect(formatKernelSize(bytes(1536))).toBe('1536');
    expect(formatKernelSize(bytes(3 * 2 ** 29))).toBe('1536M');
    expect(formatKernelSize(bytes(0))).toBe('0');
    expect(formatByteRate(bytesPerSecond(2 ** 30))).toBe('1G/s');
  });

  it('round-trips every safe byte count', () => {
    fc.assert(
      fc.property(fc.oneof(fc.maxSafeNat(), fc.nat(64).map((n) => n * 2 ** 20), fc.integer({ min: 0, max: 2 ** 23 - 1 }).map((n) => n * 2 ** 30)), (n) => {
        expect(parseKernelSize(formatKernelSize(bytes(n)))).toBe(n);
        expect(parseByteRate(formatByteRate(bytesPerSecond(n)))).toBe(n);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the kernel size patterns are exactly the syntax the parsers read', () => {
  const cases = [
    { name: 'size', pattern: KERNEL_SIZE_PATTERN, parse: parseKernelSize, tail: '' },
    { name: 'rate', pattern: BYTE_RATE_PATTERN, parse: parseByteRate, tail: '/s' },
  ];
  for (const { name, pattern, parse, tail } of cases) {
    it(name, () => {
      const regex = new RegExp(pattern, 'u');
      const tokens = ['0', '1', '6', '.', '+', '-', ' ', 'x', 'b', 'B', 'k', 'K', 'm', 'M', 'g', 'E', 'i', 'I', '/s', '/'];
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 7 }), fc.boolean(), (parts, withTail) => {
          const text = parts.join('') + (withTail ? tail : '');
          let outcome: string;
          try {
            parse(text);
            outcome = 'ok';
          } catch (error) {
            if (!(error instanceof ValidationError)) throw error;
            outcome = String(error.details.reason);
          }
          const syntactic = outcome === 'ok' || outcome === 'fractional' || outcome === 'overflow';
          expect({ text, outcome, matches: regex.test(text) }).toEqual({ text, outcome, matches: syntactic });
        }),
        { numRuns: 1000 },
      );
    });
  }
});

describe('kernelSizeSchema', () => {
  it('takes a size or integer bytes, with bounds in kernel spelling', () => {
    const schema = kernelSizeSchema({ min: bytes(4096) });
    expect(parseWithSchema(schema, '1G', 'size')).toBe(2 ** 30);
    expect(parseWithSchema(schema, 8192, 'size')).toBe(8192);
    expect(() => parseWithSchema(schema, '1K', 'size')).toThrow('size: expected at least 4K, got 1K');
  });
});
