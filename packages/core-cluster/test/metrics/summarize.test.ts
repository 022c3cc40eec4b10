// summarize: nearest-rank percentiles (numpy inverted_cdf) on known answers, against a naive
// reference on random inputs, and refusing non-finite values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_SUMMARY, nearestRank, percentileOfSorted, summarize } from '../../src/metrics/index.js';

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** The definition, written as plainly as possible: the smallest x with #{v ≤ x} ≥ p·n/100. */
function naivePercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  for (const x of sorted) {
    if (sorted.filter((v) => v <= x).length * 100 >= p * values.length) return x;
  }
  return sorted[sorted.length - 1]!;
}

describe('summarize', () => {
  it('gives the known nearest-rank answers', () => {
    // numpy.percentile(range(1, 21), 95, method='inverted_cdf') == 19
    expect(summarize(range(1, 20))).toEqual({ count: 20, mean: 10.5, min: 1, max: 20, p50: 10, p95: 19, p99: 20 });
    expect(summarize(range(1, 100))).toMatchObject({ p50: 50, p95: 95, p99: 99, mean: 50.5 });
    expect(summarize([4, 1, 3, 2])).toMatchObject({ p50: 2, p95: 4, p99: 4, min: 1, max: 4, mean: 2.5 });
    expect(summarize([15, 20, 35, 40, 50])).toMatchObject({ p50: 35, p95: 50 }); // Wikipedia's nearest-rank example
    expect(summarize([7])).toEqual({ count: 1, mean: 7, min: 7, max: 7, p50: 7, p95: 7, p99: 7 });
    expect(summarize(range(1, 1000))).toMatchObject({ p50: 500, p95: 950, p99: 990 });
  });

  it('leaves its input unchanged and accepts typed arrays', () => {
    const input = [3, 1, 2];
    summarize(input);
    expect(input).toEqual([3, 1, 2]);
    expect(summarize(new Float64Array([3, 1, 2]))).toMatchObject({ p50: 2, mean: 2 });
  });

  it('returns the empty summary for no values', () => {
    expect(summarize([])).toBe(EMPTY_SUMMARY);
    expect(Number.isNaN(EMPTY_SUMMARY.p99)).toBe(true);
    expect(JSON.parse(JSON.stringify(summarize([])))).toMatchObject({ count: 0, mean: null });
  });

  it('refuses NaN and infinities, naming the index', () => {
    expect(() => summarize([1, NaN])).toThrow(/values\[1\] is NaN/);
    expect(() => summarize([Infinity])).toThrowError(expect.objectContaining({ code: 'E_VALIDATION' }) as Error);
  });

  it('agrees with the plain definition on random inputs', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 200 }), (values) => {
        const s = summarize(values);
        // `+ 0` makes −0 and 0 one number: they tie, and the two sorts may put either first.
        const same = (a: number, b: number): void => expect(a + 0).toBe(b + 0);
        same(s.p50, naivePercentile(values, 50));
        same(s.p95, naivePercentile(values, 95));
        same(s.p99, naivePercentile(values, 99));
        same(s.min, Math.min(...values));
        same(s.max, Math.max(...values));
        expect(s.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
        expect(s.min <= s.p50 && s.p50 <= s.p95 && s.p95 <= s.p99 && s.p99 <= s.max).toBe(true);
      }),
    );
  });

  it('keeps the mean exact where a plain sum drifts (compensated sum)', () => {
    const values = [1e16, 1, -1e16, 1];
    expect(summarize(values).mean).toBe(0.5);
  });

  it('defines rank and percentile of sorted values', () => {
    expect(nearestRank(95, 20)).toBe(19);
    expect(nearestRank(1, 3)).toBe(1);
    expect(nearestRank(100, 3)).toBe(3);
    expect(percentileOfSorted([1, 2, 3, 4], 25)).toBe(1);
    expect(percentileOfSorted([1, 2, 3, 4], 25.1)).toBe(2);
    expect(() => percentileOfSorted([1], 0)).toThrow(/\(0, 100\]/);
    expect(() => percentileOfSorted([1], 101)).toThrow(/\(0, 100\]/);
  });
});
