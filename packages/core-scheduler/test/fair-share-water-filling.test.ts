import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValidationError } from '@strata/shared-types';
import { waterFill } from '../src/fair-share/water-filling.js';

const EPS = 1e-9;

/** Naive reference: repeatedly split what is left by weight among unfrozen entries, freezing any that overshoot its cap. */
function naiveWaterFill(capacity: number, demands: { weight: number; cap: number }[]): number[] {
  const out = demands.map(() => 0);
  const frozen = demands.map((d) => d.weight === 0);
  let left = capacity;
  for (;;) {
    const active = demands.map((_, i) => i).filter((i) => !frozen[i]);
    if (active.length === 0) break;
    const w = active.reduce((s, i) => s + demands[i]!.weight, 0);
    const over = active.filter((i) => demands[i]!.cap <= (demands[i]!.weight * left) / w);
    if (over.length === 0) {
      for (const i of active) out[i] = (demands[i]!.weight * left) / w;
      left = 0;
      break;
    }
    for (const i of over) {
      out[i] = demands[i]!.cap;
      left -= demands[i]!.cap;
      frozen[i] = true;
    }
  }
  const zero = demands.map((d, i) => (d.weight === 0 ? i : -1)).filter((i) => i >= 0);
  if (left > 0 && zero.length > 0) {
    const sub = naiveWaterFill(left, zero.map((i) => ({ weight: 1, cap: demands[i]!.cap })));
    zero.forEach((i, k) => (out[i] = sub[k]!));
  }
  return out;
}

const demandArb = fc.record({
  weight: fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 100, noNaN: true })),
  cap: fc.oneof(fc.constant(Infinity), fc.constant(0), fc.double({ min: 0, max: 1000, noNaN: true })),
});
const inputArb = fc.tuple(fc.double({ min: 0, max: 5000, noNaN: true }), fc.array(demandArb, { maxLength: 30 }));

describe('waterFill — hand-computed cases', () => {
  it('splits equally among equal uncapped weights', () => {
    expect(waterFill(9, [{ weight: 1, cap: Infinity }, { weight: 1, cap: Infinity }, { weight: 1, cap: Infinity }])).toEqual([3, 3, 3]);
  });
  it('splits in proportion to weight', () => {
    expect(waterFill(10, [{ weight: 1, cap: Infinity }, { weight: 4, cap: Infinity }])).toEqual([2, 8]);
  });
  it('redistributes the leftover of a capped entry', () => {
    // 12 among weights 1,1,1 with caps 2,∞,∞: first gets 2, the other two share 10 → 5 each.
    expect(waterFill(12, [{ weight: 1, cap: 2 }, { weight: 1, cap: Infinity }, { weight: 1, cap: Infinity }])).toEqual([2, 5, 5]);
  });
  it('cascades caps: classic max-min example', () => {
    // Capacity 10, demands 2, 2.6, 4, 5 (equal weights): 2, 2.6, then 5.4 split → 2.7 each.
    const r = waterFill(10, [2, 2.6, 4, 5].map((cap) => ({ weight: 1, cap })));
    expect(r[0]).toBe(2);
    expect(r[1]).toBe(2.6);
    expect(r[2]).toBeCloseTo(2.7, 12);
    expect(r[3]).toBeCloseTo(2.7, 12);
  });
  it('weighted with caps', () => {
    // Capacity 16, weights 1,2,3 caps ∞,2,∞: level for all = 16/6 → entry 1 wants 5.33 > 2, capped;
    // remaining 14 over weights 1+3 → level 3.5 → 3.5 and 10.5.
    expect(waterFill(16, [{ weight: 1, cap: Infinity }, { weight: 2, cap: 2 }, { weight: 3, cap: Infinity }])).toEqual([3.5, 2, 10.5]);
  });
  it('gives every entry its cap when capacity is ample', () => {
    expect(waterFill(100, [{ weight: 1, cap: 3 }, { weight: 5, cap: 4 }])).toEqual([3, 4]);
  });
  it('weight-0 entries get nothing while a weighted entry can still grow', () => {
    expect(waterFill(10, [{ weight: 0, cap: Infinity }, { weight: 1, cap: Infinity }])).toEqual([0, 10]);
  });
  it('weight-0 entries share the leftover equally, up to their caps', () => {
    // Weighted entry capped at 4, leftover 6 among two weight-0 entries with caps 1 and ∞ → 1 and 5.
    expect(waterFill(10, [{ weight: 0, cap: 1 }, { weight: 2, cap: 4 }, { weight: 0, cap: Infinity }])).toEqual([1, 4, 5]);
  });
  it('handles zero capacity, empty input, zero caps', () => {
    expect(waterFill(0, [{ weight: 1, cap: Infinity }, { weight: 0, cap: 5 }])).toEqual([0, 0]);
    expect(waterFill(5, [])).toEqual([]);
    expect(waterFill(5, [{ weight: 1, cap: 0 }, { weight: 1, cap: Infinity }])).toEqual([0, 5]);
  });
  it('leaves capacity unused only when all entries are capped', () => {
    expect(waterFill(10, [{ weight: 0, cap: 2 }, { weight: 3, cap: 1 }])).toEqual([2, 1]);
  });
});

describe('waterFill — validation', () => {
  const cases: [number, { weight: number; cap: number }[], string][] = [
    [-1, [], 'capacity'],
    [Infinity, [], 'capacity'],
    [NaN, [], 'capacity'],
    [1, [{ weight: -1, cap: 1 }], 'demands[0].weight'],
    [1, [{ weight: 1, cap: 1 }, { weight: Infinity, cap: 1 }], 'demands[1].weight'],
    [1, [{ weight: 1, cap: NaN }], 'demands[0].cap'],
    [1, [{ weight: 1, cap: -0.5 }], 'demands[0].cap'],
  ];
  it.each(cases)('rejects capacity=%s demands=%j naming %s', (capacity, demands, path) => {
    let caught: unknown;
    try {
      waterFill(capacity, demands);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).details.path).toBe(path);
  });
});

describe('waterFill — properties', () => {
  it('is feasible, respects caps, and is work-conserving', () => {
    fc.assert(
      fc.property(inputArb, ([capacity, demands]) => {
        const r = waterFill(capacity, demands);
        expect(r).toHaveLength(demands.length);
        const sum = r.reduce((s, x) => s + x, 0);
        expect(sum).toBeLessThanOrEqual(capacity * (1 + EPS) + EPS);
        r.forEach((x, i) => {
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThanOrEqual(demands[i]!.cap);
        });
        const allCapped = r.every((x, i) => x >= demands[i]!.cap - EPS * (1 + demands[i]!.cap));
        if (!allCapped) expect(sum).toBeGreaterThanOrEqual(capacity * (1 - EPS) - EPS);
      }),
    );
  });

  it('is max-min fair: uncapped weighted entries share one level; capped ones sit at or below it', () => {
    fc.assert(
      fc.property(inputArb, ([capacity, demands]) => {
        const r = waterFill(capacity, demands);
        const weighted = demands.map((d, i) => ({ ...d, a: r[i]! })).filter((d) => d.weight > 0);
        const free = weighted.filter((d) => d.a < d.cap - EPS * (1 + d.a));
        if (free.length === 0) return;
        const level = free[0]!.a / free[0]!.weight;
        for (const d of free) expect(d.a / d.weight).toBeCloseTo(level, 6);
        for (const d of weighted) expect(d.a / d.weight).toBeLessThanOrEqual(level * (1 + 1e-9) + 1e-9);
        // Weight-0 entries get nothing while any weighted entry is below its cap.
        demands.forEach((d, i) => {
          if (d.weight === 0) expect(r[i]).toBe(0);
        });
      }),
    );
  });

  it('agrees with the naive iterative reference', () => {
    fc.assert(
      fc.property(inputArb, ([capacity, demands]) => {
        const fast = waterFill(capacity, demands);
        const slow = naiveWaterFill(capacity, demands);
        fast.forEach((x, i) => expect(Math.abs(x - slow[i]!)).toBeLessThanOrEqual(1e-7 * (1 + capacity)));
      }),
    );
  });

  it('does not depend on input order', () => {
    fc.assert(
      fc.property(inputArb, fc.integer(), ([capacity, demands], seed) => {
        const perm = demands.map((_, i) => i).sort((a, b) => ((a * 7919 + seed) % 31) - ((b * 7919 + seed) % 31) || a - b);
        const direct = waterFill(capacity, demands);
        const permuted = waterFill(capacity, perm.map((i) => demands[i]!));
        perm.forEach((i, k) => expect(Math.abs(permuted[k]! - direct[i]!)).toBeLessThanOrEqual(1e-9 * (1 + capacity)));
      }),
    );
  });
});
