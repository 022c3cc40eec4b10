// A streaming Summary for millions of samples (request latencies): exact count, mean, min and
// max; percentiles from a fixed-size histogram of log-linear buckets with bounded relative error.
import { ValidationError } from '@strata/shared-types';
import type { Summary } from '../types.js';
import { EMPTY_SUMMARY, nearestRank } from './summarize.js';

/** Options of `createSummaryAccumulator`. */
export interface SummaryAccumulatorOptions {
  /** Most relative error of a reported percentile, in [2^−21, 0.5] (default 0.01 = 1 %). */
  readonly relativeError?: number;
  /** Smallest positive value resolved with `relativeError` (default 1e-6); positive values below it count in the lowest bucket. */
  readonly minTrackable?: number;
  /** Largest value resolved with `relativeError` (default 1e9); larger values count in the highest bucket. */
  readonly maxTrackable?: number;
}

/** A streaming accumulator of non-negative samples. */
export interface SummaryAccumulator {
  /** Add one sample. Throws ValidationError for a negative or non-finite value (and adds nothing). */
  add(value: number): void;
  /** Add every sample of another accumulator built with the same options (ValidationError otherwise). */
  merge(other: SummaryAccumulator): void;
  /** Samples added so far. */
  readonly count: number;
  /** The `p`-th percentile (0 < p ≤ 100), nearest-rank over the histogram; NaN when empty. */
  percentile(p: number): number;
  /** Exact count / mean / min / max; p50 / p95 / p99 within the relative error (for values in the trackable range). */
  summary(): Summary;
  /** Number of histogram buckets (the memory bound: 8 bytes each). */
  readonly buckets: number;
  /** The options in force, defaults filled in. */
  readonly options: Required<SummaryAccumulatorOptions>;
  /** @internal the histogram counts and exact moments, for `merge`. */
  readonly state: AccumulatorState;
}

/** @internal */
export interface AccumulatorState {
  readonly counts: Float64Array;
  readonly zeros: number;
  readonly count: number;
  readonly sum: number;
  readonly compensation: number;
  readonly min: number;
  readonly max: number;
}

// Reading a double's bits: its high 32-bit word holds the sign, the 11 exponent bits and the top 20
// mantissa bits, so (high word >>> (20 − m)) is a key that grows with the value and splits every
// power of two into 2^m equal sub-buckets. One shared scratch buffer; endianness checked once.
const scratch = new Float64Array(1);
const words = new Uint32Array(scratch.buffer);
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

function keyOf(value: number, shift: number): number {
  scratch[0] = value;
  return words[HIGH]! >>> shift;
}

function lowerBoundOf(key: number, shift: number): number {
  words[HIGH] = key << shift;
  words[1 - HIGH] = 0;
  return scratch[0]!;
}

/**
 * A streaming summary, HdrHistogram's idea: every power of two is split into 2^m equal
 * sub-buckets (m mantissa bits, the smallest with 2^−(m+1) ≤ relativeError), found from the
 * value's bits without a logarithm. A bucket reports its midpoint, within 2^−(m+1) of any value
 * in it, relatively. Zero has its own bucket. A reported percentile is clamped to the exact
 * [min, max], which never adds error. With the defaults (1 %: m = 6; 1e-6 … 1e9) there are 3,190
 * buckets: about 25 KB, whatever the sample count. Percentiles are nearest-rank, as
 * `summarize`'s: the bucket holding the ⌈p·n/100⌉-th smallest value.
 */
export function createSummaryAccumulator(options: SummaryAccumulatorOptions = {}): SummaryAccumulator {
  const relativeError = options.relativeError ?? 0.01;
  const minTrackable = options.minTrackable ?? 1e-6;
  const maxTrackable = options.maxTrackable ?? 1e9;
  if (!(relativeError >= 2 ** -21 && relativeError <= 0.5)) {
    throw new ValidationError(`relativeError must be in [2^-21, 0.5], got ${relativeError}`, { path: 'relativeError', accepted: '[2^-21 (about 4.8e-7), 0.5]' });
  }
  if (!(minTrackable > 0 && Number.isFinite(maxTrackable) && maxTrackable > minTrackable)) {
    throw new ValidationError(`need 0 < minTrackable < maxTrackable < Infinity, got ${minTrackable} and ${maxTrackable}`, { path: 'minTrackable', accepted: '0 < minTrackable < maxTrackable < Infinity' });
  }
  const mantissaBits = Math.max(0, Math.ceil(Math.log2(1 / relativeError) - 1 - 1e-12));
  const shift = 20 - mantissaBits;
  const lowest = keyOf(minTrackable, shift);
  const highest = keyOf(maxTrackable, shift);
  const counts = new Float64Array(highest - lowest + 1);
  const resolved = { relativeError, minTrackable, maxTrackable };

  let zeros = 0;
  let count = 0;
  let sum = 0;
  let compensation = 0;
  let min = Infinity;
  let max = -Infinity;

  const bucketOf = (value: number): number => {
    const key = keyOf(value, shift);
    return (key < lowest ? lowest : key > highest ? highest : key) - lowest;
  };
  const addToSum = (v: number): void => {
    const t = sum + v;
    compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  };

  const percentile = (p: number): number => {
    if (!(p > 0 && p <= 100)) throw new ValidationError(`percentile must be in (0, 100], got ${p}`, { path: 'p', accepted: '(0, 100]' });
    if (count === 0) return NaN;
    const rank = nearestRank(p, count);
    if (rank <= zeros) return 0;
    let seen = zeros;
    for (let b = 0; b < counts.length; b++) {
      seen += counts[b]!;
      if (seen >= rank) {
        const key = b + lowest;
        const representative = (lowerBoundOf(key, shift) + lowerBoundOf(key + 1, shift)) / 2;
        return Math.min(max, Math.max(min, representative));
      }
    }
    return max;
  };

  const self: SummaryAccumulator = {
    add(value: number): void {
      if (!(value >= 0) || value === Infinity) {
        throw new ValidationError(`a summary sample must be a finite number ≥ 0, got ${value}`, { path: 'value', accepted: 'finite numbers ≥ 0' });
      }
      if (value === 0) zeros++;
      else counts[bucketOf(value)]!++;
      count++;
      addToSum(value);
      if (value < min) min = value;
      if (value > max) max = value;
    },
    merge(other: SummaryAccumulator): void {
      const o = other.options;
      if (o.relativeError !== relativeError || o.minTrackable !== minTrackable || o.maxTrackable !== maxTrackable) {
        throw new ValidationError('merge needs an accumulator built with the same relativeError, minTrackable and maxTrackable', { path: 'other', accepted: JSON.stringify(resolved) });
      }
      const s = other.state;
      for (let b = 0; b < counts.length; b++) counts[b]! += s.counts[b]!;
      zeros += s.zeros;
      count += s.count;
      addToSum(s.sum);
      addToSum(s.compensation);
      if (s.min < min) min = s.min;
      if (s.max > max) max = s.max;
    },
    get count() {
      return count;
    },
    percentile,
    summary(): Summary {
      if (count === 0) return EMPTY_SUMMARY;
      return { count, mean: (sum + compensation) / count, min, max, p50: percentile(50), p95: percentile(95), p99: percentile(99) };
    },
    buckets: counts.length + 1,
    options: resolved,
    get state(): AccumulatorState {
      return { counts, zeros, count, sum, compensation, min, max };
    },
  };
  return self;
}
