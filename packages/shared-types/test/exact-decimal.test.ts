import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decimalToRatio, divRatio, formatShortest, formatUnit, mulRatio, pow10, pow2, ratio, ratioToDecimal, type FormatUnit } from '../src/exact-decimal.js';

describe('exact decimals', () => {
  it('reads decimal literals exactly, in lowest terms', () => {
    expect(decimalToRatio('1.50')).toEqual({ num: 3n, den: 2n });
    expect(decimalToRatio('.5')).toEqual({ num: 1n, den: 2n });
    expect(decimalToRatio('5.')).toEqual({ num: 5n, den: 1n });
    expect(decimalToRatio('0.000')).toEqual({ num: 0n, den: 1n });
    expect(decimalToRatio('12', -3)).toEqual({ num: 3n, den: 250n });
    expect(decimalToRatio('1.2', 2)).toEqual({ num: 120n, den: 1n });
  });

  it('writes terminating ratios exactly and refuses the others', () => {
    expect(ratioToDecimal(ratio(3n, 2n))).toBe('1.5');
    expect(ratioToDecimal(ratio(1n, 1024n))).toBe('0.0009765625');
    expect(ratioToDecimal(ratio(7n, 1n))).toBe('7');
    expect(ratioToDecimal(ratio(0n, 8n))).toBe('0');
    expect(ratioToDecimal(ratio(1n, 3n))).toBeUndefined();
    expect(ratioToDecimal(ratio(1n, 60n))).toBeUndefined();
  });

  it('decimal text and ratio convert both ways without loss', () => {
    const terminating = fc
      .tuple(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.nat({ max: 30 }), fc.nat({ max: 30 }))
      .map(([num, twos, fives]) => ratio(num, 2n ** BigInt(twos) * 5n ** BigInt(fives)));
    fc.assert(
      fc.property(terminating, (r) => {
        const text = ratioToDecimal(r);
        expect(text).toMatch(/^(0|[1-9]\d*)(\.\d*[1-9])?$/);
        expect(decimalToRatio(text!)).toEqual(r);
      }),
      { numRuns: 1000 },
    );
  });

  it('formats the shortest spelling, preferring whole mantissas, then earlier units', () => {
    const units = [
      formatUnit('', pow10(0)),
      formatUnit('Ki', pow2(10)),
      formatUnit('k', pow10(3)),
    ];
    expect(formatShortest(1536n, units)).toBe('1536'); // "1.5Ki" is longer
    expect(formatShortest(1_536_000n, units)).toBe('1536k');
    expect(formatShortest(2_048_000n, units)).toBe('2048k'); // beats "2000Ki" on length
    expect(formatShortest(1_024_000n, units)).toBe('1024k');
    const twoThree = [formatUnit('x', ratio(2n)), formatUnit('y', ratio(3n))];
    expect(formatShortest(6n, twoThree)).toBe('3x'); // ties "2y": the earlier unit wins
    expect(formatShortest(6n, [...twoThree].reverse())).toBe('2y');
    // "1.5y" and "30zz" tie on length: the whole mantissa wins although its unit is listed later.
    expect(formatShortest(3n, [formatUnit('y', ratio(2n)), formatUnit('zz', ratio(1n, 10n))])).toBe('30zz');
    expect(formatShortest(512n, units.slice(1), false)).toBe('0.5Ki');
    expect(() => formatShortest(512n, units.slice(1), true)).toThrow(/no unit can spell/);
  });

  it('agrees with a plain BigInt search over every unit (no shortcuts)', () => {
    const tables: FormatUnit[][] = [
      [formatUnit('', pow10(0)), ...[10, 20, 30, 40, 50, 60].map((e) => formatUnit(`i${e}`, pow2(e))), ...[3, 6, 9, 12, 15, 18].map((e) => formatUnit(`d${e}`, pow10(e)))],
      [formatUnit('s', pow10(6)), formatUnit('ms', pow10(3)), formatUnit('us', pow10(0)), formatUnit('m', ratio(60_000_000n)), formatUnit('h', ratio(3_600_000_000n))],
      [0, 3, 6, 9, 12].map((e) => formatUnit(`b${e}`, mulRatio(pow10(e), ratio(1n, 8n)))).concat([formatUnit('B', pow10(0)), formatUnit('KiB', pow2(10))]),
    ];
    const reference = (value: bigint, units: readonly FormatUnit[], wholeOnly: boolean): string => {
      const candidates = units.flatMap((unit, index) => {
        const mantissa = ratioToDecimal(divRatio(ratio(value), unit.factor));
        if (mantissa === undefined || (wholeOnly && mantissa.includes('.'))) return [];
        return [{ text: mantissa + unit.suffix, fractional: mantissa.includes('.') ? 1 : 0, index }];
      });
      candidates.sort((a, b) => a.text.length - b.text.length || a.fractional - b.fractional || a.index - b.index);
      return candidates[0]!.text;
    };
    const value = fc.oneof(
      fc.bigInt({ min: 0n, max: BigInt(Number.MAX_SAFE_INTEGER) }),
      fc.bigInt({ min: 0n, max: 10n ** 24n }),
      fc.tuple(fc.bigInt({ min: 0n, max: 10_000n }), fc.nat({ max: 18 }), fc.nat({ max: 40 })).map(([n, e10, e2]) => n * 10n ** BigInt(e10) * 2n ** BigInt(e2)),
    );
    fc.assert(
      fc.property(value, fc.constantFrom(...tables), fc.boolean(), (v, units, wholeOnly) => {
        expect(formatShortest(v, units, wholeOnly)).toBe(reference(v, units, wholeOnly));
      }),
      { numRuns: 1000 },
    );
  });
});
