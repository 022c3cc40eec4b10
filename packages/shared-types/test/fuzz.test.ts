import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  parseBandwidth,
  parseCpu,
  parseDockerCpus,
  parseDockerMemory,
  parseDuration,
  parseMemory,
  ValidationError,
  type QuantityErrorReason,
} from '@strata/shared-types';

const REASONS: readonly QuantityErrorReason[] = [
  'not-a-string', 'empty', 'too-long', 'not-a-number', 'negative', 'missing-unit', 'unknown-suffix', 'fractional', 'overflow',
];

const PARSERS: Record<string, (text: string) => number> = {
  parseDuration: (t) => parseDuration(t),
  parseMemory,
  parseCpu: (t) => parseCpu(t),
  parseDockerMemory,
  parseDockerCpus: (t) => parseDockerCpus(t),
  parseBandwidth,
};

/** Text that looks almost like a quantity, with prototype-key traps and odd characters mixed in. */
const nearMiss = fc
  .array(
    fc.oneof(
      fc.constantFrom('0', '1', '9', '.', '+', '-', 'e', 'E', ' ', '/', 's', 'm', 'M', 'i', 'b', 'B', 'k', 'G', 'h', 'us', 'µs'),
      fc.constantFrom('constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'Infinity', 'NaN', '\u0000', '٣', '\n'),
    ),
    { maxLength: 10 },
  )
  .map((parts) => parts.join(''));

describe('every parser, on any text, returns a safe non-negative integer or a ValidationError', () => {
  for (const [name, parse] of Object.entries(PARSERS)) {
    it(name, () => {
      fc.assert(
        fc.property(fc.oneof(nearMiss, fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ maxLength: 120 })), (text) => {
          let value: number;
          try {
            value = parse(text);
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationError);
            const { reason, accepted, input } = (error as ValidationError).details;
            expect(REASONS).toContain(reason);
            expect((accepted as string[]).length).toBeGreaterThan(0);
            expect(input).toBe(text);
            return;
          }
          expect(Number.isSafeInteger(value) && value >= 0).toBe(true);
        }),
        { numRuns: 1000 },
      );
    });
  }
});
