// Exact summary statistics of a finite sample set: count, mean, min, max and nearest-rank
// percentiles (the definition numpy calls `method='inverted_cdf'`).
import { ValidationError } from '@strata/shared-types';
import { EMPTY_SUMMARY, nearestRank } from '@strata/core-scheduler';
import type { Summary } from '../types.js';

// EMPTY_SUMMARY and nearestRank are core-scheduler's (its streaming summary uses the same definitions).
export { EMPTY_SUMMARY, nearestRank } from '@strata/core-scheduler';

/**
 * The `p`-th percentile of already sorted values, nearest-rank: the smallest value such that
 * at least p % of the values are ≤ it (`sorted[⌈p·n/100⌉ − 1]`). Precondition: sorted ascending, non-empty.
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (!(p > 0 && p <= 100)) throw new ValidationError(`percentile must be in (0, 100], got ${p}`, { path: 'p', accepted: '(0, 100]' });
  if (sorted.length === 0) return NaN;
  return sorted[nearestRank(p, sorted.length) - 1]!;
}

/**
 * Summary statistics of `values` (any order; not modified). Percentiles are nearest-rank
 * (numpy `inverted_cdf`): p50 of [1, 2, 3, 4] is 2, p95 of 1..20 is 19, p99 of 1..100 is 99.
 * Sorts a Float64Array copy: O(n log n) time, 8 bytes per value. The mean is a compensated
 * (Neumaier) sum divided by n. Empty input gives `EMPTY_SUMMARY`. Throws ValidationError on a
 * non-finite value (NaN or ±Infinity), naming its index.
 */
export function summarize(values: ArrayLike<number>): Summary {
  const n = values.length;
  if (n === 0) return EMPTY_SUMMARY;
  const sorted = new Float64Array(n);
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      throw new ValidationError(`summarize: values[${i}] is ${v}; only finite numbers are accepted`, { path: `values[${i}]`, accepted: 'finite numbers' });
    }
    sorted[i] = v;
    const t = sum + v;
    compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  sorted.sort();
  return {
    count: n,
    mean: (sum + compensation) / n,
    min: sorted[0]!,
    max: sorted[n - 1]!,
    p50: sorted[nearestRank(50, n) - 1]!,
    p95: sorted[nearestRank(95, n) - 1]!,
    p99: sorted[nearestRank(99, n) - 1]!,
  };
}
