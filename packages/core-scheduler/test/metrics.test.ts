import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeRunMetrics, createRoundRobinPolicy, jainIndex, percentile, runExercise, simulateCpu, summarize } from '../src/index.js';

describe('percentiles, summaries and Jain', () => {
  it('nearest-rank percentiles', () => {
    const s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(s, 50)).toBe(5);
    expect(percentile(s, 95)).toBe(10);
    expect(percentile(s, 10)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarize gives count, mean, min, max and percentiles', () => {
    expect(summarize([3, 1, 2])).toEqual({ count: 3, mean: 2, min: 1, max: 3, p50: 2, p95: 3, p99: 3 });
    expect(summarize([]).mean).toBeNaN();
  });

  it("Jain's index is 1 for equal shares, 1/n when one takes all, and always in [1/n, 1]", () => {
    expect(jainIndex([2, 2, 2])).toBe(1);
    expect(jainIndex([1, 0, 0, 0])).toBe(0.25);
    expect(jainIndex([])).toBe(1);
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 20 }), (xs) => {
        const j = jainIndex(xs);
        expect(j).toBeLessThanOrEqual(1 + 1e-12);
        expect(j).toBeGreaterThanOrEqual(1 / xs.length - 1e-12);
      }),
    );
  });
});

describe('run metrics', () => {
  it('aggregates a run: utilization, throughput, distributions, fairness', () => {
    const r = simulateCpu({ tasks: [{ length: 4 }, { length: 4 }, { arrival: 10, length: 2 }], policy: createRoundRobinPolicy({ quantum: 2 }), cpus: 2 });
    const m = computeRunMetrics(r);
    expect(m.utilization).toEqual([6 / 12, 4 / 12]);
    expect(m.throughput).toBe(3 / 12);
    expect(m.turnaround).toMatchObject({ count: 3, mean: (4 + 4 + 2) / 3, p50: 4 });
    expect(m.fairness).toBe(1);
  });

  it('exercise averages are the per-job sums over n, and percentiles come with them', () => {
    const r = runExercise({ policy: 'fifo', jobs: [{ length: 10 }, { length: 20 }, { length: 30 }] });
    expect(r.avg).toEqual({ response: 40 / 3, turnaround: 100 / 3, wait: 40 / 3 });
    expect(r.percentiles?.turnaround).toEqual({ p50: 30, p95: 60, p99: 60 });
    expect(r.fairness).toBeCloseTo(jainIndex([1, 20 / 30, 30 / 60]), 12);
    expect(r.throughput).toBe(3 / 60);
  });
});
