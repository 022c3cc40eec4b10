// A streaming Summary for millions of samples (request latencies): exact count, mean, min and
// max; percentiles from a histogram of log-linear buckets with bounded relative error, mergeable
// (the histograms of many servers add up to the histogram of all their samples).
import { ValidationError } from '@strata/shared-types';
import type { Distribution } from './run-metrics.js';

/** Summary statistics of a sample set (NaN statistics when empty): the run metrics' `Distribution`. */
export type Summary = Distribution;

/** A Summary of no values: count 0, every statistic NaN (JSON shows it as `null`). */
export const EMPTY_SUMMARY: Summary = Object.freeze({ count: 0, mean: NaN, min: NaN, max: NaN, p50: NaN, p95: NaN, p99: NaN });

/**
 * 1-based nearest rank of the `p`-th percentile among `n` values: ⌈p·n/100⌉, at least 1.
 * Precondition: 0 < p ≤ 100, n ≥ 1.
 */
export function nearestRank(p: number, n: number): number {
  return Math.max(1, Math.ceil((p * n) / 100));
}

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
  /** Add every sample of another accumulator built with the same options (ValidationError otherwise, and nothing changes). */
  merge(other: SummaryAccumulator): void;
  /** Samples added so far. */
  readonly count: number;
  /** The `p`-th percentile (0 < p ≤ 100), nearest-rank over the histogram; NaN when empty. */
  percentile(p: number): number;
  /** Exact count / mean / min / max; p50 / p95 / p99 within the relative error (for values in the trackable range). */
  summary(): Summary;
  /** Most histogram buckets it can hold (the memory bound: 8 bytes each). */
  readonly buckets: number;
  /** Buckets held now: only the range between the smallest and largest bucket used is stored. */
  readonly allocatedBuckets: number;
  /** The options in force, defaults filled in. */
  readonly options: Required<SummaryAccumulatorOptions>;
  /** @internal the histogram counts and exact moments, for `merge`. */
  readonly state: AccumulatorState;
}

/** @internal `counts[i]` is the count of bucket `first + i`. */
export interface AccumulatorState {
  readonly counts: Float64Array;
  readonly first: number;
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
const NO_COUNTS = new Float64Array(0);

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
 * [min, max], which never adds error. With the defaults (1 %: m = 6; 1e-6 … 1e9) there are at most
 * 3,190 buckets (25 KB), whatever the sample count; only the span between the smallest and largest
 * bucket used is stored (it grows by doubling), so an accumulator of latencies within a few powers
 * of two holds a few hundred. Percentiles are nearest-rank: the bucket holding the ⌈p·n/100⌉-th
 * smallest value. `add` is O(1) amortized; `percentile` walks the stored buckets.
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
  return new Accumulator(relativeError, minTrackable, maxTrackable);
}

/** The accumulator: one class, so that every instance has the same shape (a server per process makes thousands). */
class Accumulator implements SummaryAccumulator {
  readonly options: Required<SummaryAccumulatorOptions>;
  readonly buckets: number;
  private readonly shift: number;
  private readonly lowest: number;
  private readonly highest: number;
  /** counts[i] counts bucket first + i (bucket b holds key lowest + b); empty until the first positive sample. */
  private counts: Float64Array = NO_COUNTS;
  private first = 0;
  private zeros = 0;
  private n = 0;
  private sum = 0;
  private compensation = 0;
  private min = Infinity;
  private max = -Infinity;
  /**
   * Samples of bucket `hotBucket` not yet counted in `counts` (a run of equal buckets, what a
   * server's latencies mostly are): `add` then touches this object only, not the count array, which
   * with thousands of accumulators is a cache miss or two per sample. Flushed before anything reads
   * the histogram, and when a sample falls in another bucket (so the stored span grows in the same
   * order as if every sample were counted at once).
   */
  private hotBucket = -1;
  private hotCount = 0;

  constructor(relativeError: number, minTrackable: number, maxTrackable: number) {
    const mantissaBits = Math.max(0, Math.ceil(Math.log2(1 / relativeError) - 1 - 1e-12));
    this.shift = 20 - mantissaBits;
    this.lowest = keyOf(minTrackable, this.shift);
    this.highest = keyOf(maxTrackable, this.shift);
    this.buckets = this.highest - this.lowest + 2;
    this.options = { relativeError, minTrackable, maxTrackable };
  }

  get count(): number {
    return this.n;
  }

  get allocatedBuckets(): number {
    if (this.hotCount > 0) this.flushHot();
    return this.counts.length;
  }

  get state(): AccumulatorState {
    if (this.hotCount > 0) this.flushHot();
    return { counts: this.counts, first: this.first, zeros: this.zeros, count: this.n, sum: this.sum, compensation: this.compensation, min: this.min, max: this.max };
  }

  add(value: number): void {
    if (!(value >= 0) || value === Infinity) {
      throw new ValidationError(`a summary sample must be a finite number ≥ 0, got ${value}`, { path: 'value', accepted: 'finite numbers ≥ 0' });
    }
    if (value === 0) this.zeros++;
    else {
      const key = keyOf(value, this.shift);
      const b = (key < this.lowest ? this.lowest : key > this.highest ? this.highest : key) - this.lowest;
      if (b === this.hotBucket) this.hotCount++;
      else {
        if (this.hotCount > 0) this.flushHot();
        this.hotBucket = b;
        this.hotCount = 1;
      }
    }
    this.n++;
    // Neumaier's compensated sum (as addToSum), inline on the hot path.
    const sum = this.sum;
    const t = sum + value;
    this.compensation += Math.abs(sum) >= Math.abs(value) ? sum - t + value : value - t + sum;
    this.sum = t;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  merge(other: SummaryAccumulator): void {
    const o = other.options;
    const mine = this.options;
    if (o.relativeError !== mine.relativeError || o.minTrackable !== mine.minTrackable || o.maxTrackable !== mine.maxTrackable) {
      throw new ValidationError('merge needs an accumulator built with the same relativeError, minTrackable and maxTrackable', { path: 'other', accepted: JSON.stringify(mine) });
    }
    const s = other.state;
    if (s.count === 0) return;
    if (this.hotCount > 0) this.flushHot();
    // The other's stored span, trimmed to its used buckets.
    let lo = 0;
    let hi = s.counts.length - 1;
    while (lo <= hi && s.counts[lo] === 0) lo++;
    while (hi >= lo && s.counts[hi] === 0) hi--;
    if (lo <= hi) {
      this.cover(s.first + lo, s.first + hi);
      const counts = this.counts;
      const at = s.first - this.first;
      for (let i = lo; i <= hi; i++) counts[at + i]! += s.counts[i]!;
    }
    this.zeros += s.zeros;
    this.n += s.count;
    this.addToSum(s.sum);
    this.addToSum(s.compensation);
    if (s.min < this.min) this.min = s.min;
    if (s.max > this.max) this.max = s.max;
  }

  percentile(p: number): number {
    if (!(p > 0 && p <= 100)) throw new ValidationError(`percentile must be in (0, 100], got ${p}`, { path: 'p', accepted: '(0, 100]' });
    if (this.n === 0) return NaN;
    if (this.hotCount > 0) this.flushHot();
    const rank = nearestRank(p, this.n);
    if (rank <= this.zeros) return 0;
    let seen = this.zeros;
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i]!;
      if (seen >= rank) {
        const key = this.first + i + this.lowest;
        const representative = (lowerBoundOf(key, this.shift) + lowerBoundOf(key + 1, this.shift)) / 2;
        return Math.min(this.max, Math.max(this.min, representative));
      }
    }
    return this.max;
  }

  summary(): Summary {
    if (this.n === 0) return EMPTY_SUMMARY;
    return { count: this.n, mean: (this.sum + this.compensation) / this.n, min: this.min, max: this.max, p50: this.percentile(50), p95: this.percentile(95), p99: this.percentile(99) };
  }

  private addToSum(v: number): void {
    const sum = this.sum;
    const t = sum + v;
    this.compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    this.sum = t;
  }

  /** Count the pending run of `hotBucket` (widening the stored span first when it is outside). */
  private flushHot(): void {
    const b = this.hotBucket;
    const i = b - this.first;
    // One unsigned comparison checks both ends of the stored span.
    if (i >>> 0 >= this.counts.length) this.cover(b, b);
    this.counts[b - this.first]! += this.hotCount;
    this.hotCount = 0;
  }

  /** Make buckets lo..hi stored (growing the stored span at least twofold, within the bucket range). */
  private cover(lo: number, hi: number): void {
    const counts = this.counts;
    const total = this.buckets - 1;
    if (counts.length > 0 && lo >= this.first && hi < this.first + counts.length) return;
    let from = counts.length === 0 ? lo : Math.min(lo, this.first);
    let to = counts.length === 0 ? hi : Math.max(hi, this.first + counts.length - 1);
    const want = Math.min(total, Math.max(to - from + 1, 2 * counts.length, 16));
    const spare = want - (to - from + 1);
    // Room on the side that grew (both halves when new), inside the bucket range.
    if (counts.length === 0 || lo < this.first) from = Math.max(0, from - (counts.length === 0 ? spare >> 1 : spare));
    to = Math.min(total - 1, from + want - 1);
    from = Math.max(0, to - want + 1);
    const next = new Float64Array(to - from + 1);
    next.set(counts, counts.length === 0 ? 0 : this.first - from);
    this.counts = next;
    this.first = from;
  }
}
