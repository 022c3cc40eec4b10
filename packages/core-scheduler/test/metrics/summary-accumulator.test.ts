// The streaming summary: exact moments, percentiles within the stated relative error of the
// exact nearest-rank answer, bounded memory (only the used span stored), merge, and bad input refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSummaryAccumulator, EMPTY_SUMMARY, nearestRank } from '../../src/index.js';
import type { Summary } from '../../src/index.js';

/** The exact nearest-rank summary (sorting every value): what the accumulator approximates. */
function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return EMPTY_SUMMARY;
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const at = (p: number): number => sorted[nearestRank(p, n) - 1]!;
  return { count: n, mean: values.reduce((a, b) => a + b, 0) / n, min: sorted[0]!, max: sorted[n - 1]!, p50: at(50), p95: at(95), p99: at(99) };
}

const within = (approx: number, exact: number, rel: number) => Math.abs(approx - exact) <= rel * Math.abs(exact) + 1e-12;

describe('createSummaryAccumulator', () => {
  it('is exact in count, mean, min and max and within 1 % in percentiles', () => {
    const acc = createSummaryAccumulator();
    const values: number[] = [];
    // A deterministic long-tailed latency-like set (ms): LCG, no Math.random.
    let x = 12345;
    for (let i = 0; i < 100_000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const u = (x + 1) / 2147483649;
      const v = -Math.log(u) * 20 + 0.5;
      values.push(v);
      acc.add(v);
    }
    const exact = summarize(values);
    const approx = acc.summary();
    expect(approx.count).toBe(exact.count);
    expect(approx.min).toBe(exact.min);
    expect(approx.max).toBe(exact.max);
    expect(approx.mean).toBeCloseTo(exact.mean, 9);
    for (const key of ['p50', 'p95', 'p99'] as const) expect(within(approx[key], exact[key], 0.01), `${key}: ${approx[key]} vs ${exact[key]}`).toBe(true);
  });

  it('holds the relative error bound for any sample set in the trackable range', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1e-6, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(2 ** -21, 0.001, 0.01, 0.05, 0.25, 0.5),
        fc.integer({ min: 1, max: 100 }),
        (values, relativeError, p) => {
          const acc = createSummaryAccumulator({ relativeError });
          for (const v of values) acc.add(v);
          const sorted = [...values].sort((a, b) => a - b);
          const exact = sorted[Math.max(1, Math.ceil((p * values.length) / 100)) - 1]!;
          expect(within(acc.percentile(p), exact, relativeError * (1 + 1e-9))).toBe(true);
        },
      ),
    );
  });

  it('holds the bound at powers of two and bucket edges', () => {
    const values = [1, 2, 4, 0.5, 1 + 2 ** -6, 1 + 2 ** -6 - 1e-15, 2 - 1e-15, 3, 1e9, 1e-6];
    for (const v of values) {
      const acc = createSummaryAccumulator();
      acc.add(v);
      acc.add(1e9);
      acc.add(1e-6);
      const exact = [v, 1e9, 1e-6].sort((a, b) => a - b)[1]!;
      expect(within(acc.percentile(50), exact, 0.01), `${v}`).toBe(true);
    }
  });

  it('counts zeros exactly and uses a bounded number of buckets', () => {
    const acc = createSummaryAccumulator();
    for (let i = 0; i < 60; i++) acc.add(0);
    for (let i = 0; i < 40; i++) acc.add(10);
    expect(acc.percentile(60)).toBe(0);
    expect(acc.percentile(61)).toBe(10); // clamped to the exact max
    expect(acc.buckets).toBe(3190);
    // Only the used span is stored: one value holds 16 buckets, not 3,190.
    expect(acc.allocatedBuckets).toBe(16);
    for (let i = 0; i < 100_000; i++) acc.add(i);
    expect(acc.buckets).toBe(3190);
    expect(acc.allocatedBuckets).toBeLessThanOrEqual(3190);
    acc.add(1e-6);
    acc.add(1e12);
    expect(acc.allocatedBuckets).toBe(3189);
  });

  it('merges accumulators with the same options as if they were one', () => {
    const a = createSummaryAccumulator();
    const b = createSummaryAccumulator();
    const whole = createSummaryAccumulator();
    for (let i = 1; i <= 1000; i++) {
      (i % 3 === 0 ? a : b).add(i * 0.37);
      whole.add(i * 0.37);
    }
    a.merge(b);
    expect(a.summary()).toEqual(whole.summary());
    expect(a.count).toBe(1000);
    expect(() => a.merge(createSummaryAccumulator({ relativeError: 0.02 }))).toThrow(/same relativeError/);
  });

  it('refuses negative and non-finite samples and bad options, changing nothing', () => {
    const acc = createSummaryAccumulator();
    acc.add(1);
    expect(() => acc.add(-1)).toThrow(/finite number ≥ 0, got -1/);
    expect(() => acc.add(NaN)).toThrow(/got NaN/);
    expect(() => acc.add(Infinity)).toThrow(/got Infinity/);
    expect(acc.count).toBe(1);
    expect(() => createSummaryAccumulator({ relativeError: 0 })).toThrow(/relativeError/);
    expect(() => createSummaryAccumulator({ minTrackable: 10, maxTrackable: 1 })).toThrow(/minTrackable/);
    expect(createSummaryAccumulator().summary().count).toBe(0);
    expect(Number.isNaN(createSummaryAccumulator().percentile(50))).toBe(true);
  });
});

describe('createSummaryAccumulator merge, as stored spans grow', () => {
  it('gives the same histogram whichever way samples are split and merged', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 1e7, noNaN: true })), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 1, max: 100 }),
        (samples, p) => {
          const parts = [0, 1, 2, 3].map(() => createSummaryAccumulator());
          const whole = createSummaryAccumulator();
          for (const [v, k] of samples) {
            parts[k]!.add(v);
            whole.add(v);
          }
          const merged = createSummaryAccumulator();
          for (const part of parts) merged.merge(part);
          expect(merged.count).toBe(whole.count);
          expect(merged.percentile(p)).toBe(whole.percentile(p));
          const exact = summarize(samples.map(([v]) => v));
          expect(merged.summary().min).toBe(exact.min);
          expect(merged.summary().max).toBe(exact.max);
          expect(within(merged.percentile(p), [...samples.map(([v]) => v)].sort((a, b) => a - b)[nearestRank(p, samples.length) - 1]!, 0.01)).toBe(true);
        },
      ),
    );
  });

  it('integer latencies whose span grows at both ends: every percentile within 1 % of the sorted array, mean exact, merge identical', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.oneof(fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 1, max: 1e12 })), fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 500 }),
        fc.boolean(),
        (samples, descending) => {
          // Ascending or descending order: the stored span must grow on the low side as well as the high.
          const values = samples.map(([v]) => v).sort((a, b) => (descending ? b - a : a - b));
          const opts = { relativeError: 0.01, minTrackable: 1, maxTrackable: 1e12 };
          const whole = createSummaryAccumulator(opts);
          const parts = [0, 1, 2].map(() => createSummaryAccumulator(opts));
          values.forEach((v, i) => {
            whole.add(v);
            parts[samples[i]![1]]!.add(v);
          });
          const merged = createSummaryAccumulator(opts);
          for (const part of parts) merged.merge(part);
          const sorted = [...values].sort((a, b) => a - b);
          for (let p = 1; p <= 100; p++) {
            const exact = sorted[nearestRank(p, sorted.length) - 1]!;
            expect(within(whole.percentile(p), exact, 0.01), `p${p}: ${whole.percentile(p)} vs ${exact}`).toBe(true);
            expect(merged.percentile(p)).toBe(whole.percentile(p));
          }
          // Integers (at most 500 × 1e12 in all, below 2^53): the exact mean from a BigInt sum.
          const exactMean = Number(values.reduce((a, v) => a + BigInt(v), 0n)) / values.length;
          expect(Math.abs(whole.summary().mean - exactMean)).toBeLessThanOrEqual(exactMean * 2 ** -50);
          expect(merged.summary()).toEqual(whole.summary());
        },
      ),
    );
  });

  it('a run of samples in one bucket, counted lazily, is unobservable: read after every sample or never, the same histogram', () => {
    fc.assert(
      fc.property(
        // Runs of equal and near values (one bucket), zeros, and jumps to far buckets on either side.
        fc.array(fc.tuple(fc.oneof(fc.constant(0), fc.integer({ min: 4_990, max: 5_010 }), fc.integer({ min: 1, max: 1e9 })), fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 80 }),
        (runs) => {
          const opts = { relativeError: 0.01, minTrackable: 1, maxTrackable: 1e12 };
          const watched = createSummaryAccumulator(opts);
          const quiet = createSummaryAccumulator(opts);
          const other = createSummaryAccumulator(opts);
          for (const [v, times] of runs) {
            for (let i = 0; i < times; i++) {
              watched.add(v);
              quiet.add(v);
              // Every read of the watched one (a percentile, its storage, a merge into another) counts its run at once.
              expect(watched.percentile(50)).toBeGreaterThanOrEqual(0);
              expect(watched.allocatedBuckets).toBeGreaterThan(-1);
            }
            other.merge(watched);
          }
          const a = watched.state;
          const b = quiet.state;
          expect({ ...a, counts: [...a.counts] }).toEqual({ ...b, counts: [...b.counts] });
          expect(quiet.summary()).toEqual(watched.summary());
        },
      ),
    );
  });

  it('merging an empty accumulator or into an empty one changes nothing else', () => {
    const a = createSummaryAccumulator();
    a.add(5);
    a.add(0);
    const before = a.summary();
    a.merge(createSummaryAccumulator());
    expect(a.summary()).toEqual(before);
    const e = createSummaryAccumulator();
    e.merge(a);
    expect(e.summary()).toEqual(before);
  });
});
