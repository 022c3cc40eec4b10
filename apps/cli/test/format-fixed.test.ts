import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFixed, formatFixed2 } from '../src/format-fixed.js';

describe('formatFixed2 (Python %.2f on the exact binary value)', () => {
  it.each([
    [787.625, '787.62'], // exact tie, 2 is even: down (toFixed says 787.63)
    [18.125, '18.12'],
    [0.375, '0.38'], // exact tie, 7 is odd: up
    [0.125, '0.12'],
    [0.625, '0.62'],
    [2.5, '2.50'],
    [1.005, '1.00'], // the double is 1.00499999999999989...
    [2.675, '2.67'], // 2.67499999999999982...
    [0.045, '0.04'], // 0.0449999999999999983...
    [1.015, '1.01'], // 1.01499999999999990...
    [0, '0.00'],
    [5, '5.00'],
    [1e22, '10000000000000000000000.00'],
    [5e-324, '0.00'],
    [-2.675, '-2.67'],
    [-0.375, '-0.38'],
    [-0, '-0.00'], // as printf and Python print it
  ])('formats %s as %s', (value, expected) => {
    expect(formatFixed2(value)).toBe(expected);
  });

  it('prints non-finite values as Python does', () => {
    expect(formatFixed2(Number.NaN)).toBe('nan');
    expect(formatFixed2(Infinity)).toBe('inf');
    expect(formatFixed2(-Infinity)).toBe('-inf');
  });

  it('handles other digit counts', () => {
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(3.5, 0)).toBe('4');
    expect(formatFixed(0.1, 20)).toBe('0.10000000000000000555');
    expect(formatFixed(66.66666666666667, 1)).toBe('66.7');
    expect(() => formatFixed(1, -1)).toThrow(RangeError);
    expect(() => formatFixed(1, 1.5)).toThrow(RangeError);
  });

  it('agrees with toFixed whenever the value is not an exact tie', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e15, max: 1e15, noNaN: true }), fc.integer({ min: 0, max: 6 }), (x, d) => {
        fc.pre(!Object.is(x, -0)); // toFixed drops the sign of -0; Python and ours keep it (checked above)
        const ours = formatFixed(x, d);
        const js = x.toFixed(d);
        if (ours !== js) {
          // Only an exact tie may differ. toFixed(100) spells out the exact expansion of any double
          // close enough to a tie (their ulp is far above 1e-100): a tie reads "5000..." after digit d.
          const exact = Math.abs(x).toFixed(100);
          const rest = exact.slice(exact.indexOf('.') + 1 + d);
          expect(rest).toMatch(/^50*$/);
          const lastDigit = Number(ours.replace('.', '').at(-1));
          expect(lastDigit % 2).toBe(0);
        }
      }),
    );
  });

  it('rounds every n/8 (all the ties a mean over 8 jobs produces) half to even, by integer arithmetic', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (n) => {
        // n/8 * 100 = n * 25 / 2: exact units when n*25 is even, else a tie between two integers.
        const twice = n * 25;
        let units = Math.floor(twice / 2);
        if (twice % 2 === 1 && units % 2 === 1) units += 1;
        const expected = `${Math.floor(units / 100)}.${String(units % 100).padStart(2, '0')}`;
        expect(formatFixed2(n / 8)).toBe(expected);
      }),
    );
  });

  it('stays within half a unit of the last place', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), (x) => {
        expect(Math.abs(Number(formatFixed2(x)) - x)).toBeLessThanOrEqual(0.005 + Math.abs(x) * 1e-15);
      }),
    );
  });
});
