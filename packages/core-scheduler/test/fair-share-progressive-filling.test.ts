import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValidationError } from '@strata/shared-types';
import { progressiveFill, type FillFlow } from '../src/fair-share/progressive-filling.js';
import { waterFill } from '../src/fair-share/water-filling.js';

const TOL = 1e-9;
const close = (a: number, b: number, scale = 1): boolean => Math.abs(a - b) <= 1e-7 * (1 + scale);

const capArb = fc.oneof(fc.constant(Infinity), fc.constant(Infinity), fc.constant(0), fc.double({ min: 0, max: 50, noNaN: true }));
const networkArb = (minWeight: number) =>
  fc.integer({ min: 1, max: 6 }).chain((R) =>
    fc.tuple(
      fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 100, noNaN: true })), { minLength: R, maxLength: R }),
      fc.array(
        fc.record({
          weight: minWeight > 0 ? fc.double({ min: minWeight, max: 10, noNaN: true }) : fc.oneof(fc.constant(0), fc.double({ min: 0.1, max: 10, noNaN: true })),
          cap: capArb,
          resources: fc.uniqueArray(fc.integer({ min: 0, max: R - 1 }), { minLength: 1, maxLength: R }),
        }),
        { maxLength: 25 },
      ),
    ),
  );

function checkFeasible(capacities: number[], flows: FillFlow[], rates: number[], used: number[]): void {
  const sums = capacities.map(() => 0);
  flows.forEach((f, i) => {
    expect(rates[i]).toBeGreaterThanOrEqual(0);
    expect(rates[i]).toBeLessThanOrEqual(f.cap ?? Infinity);
    for (const r of f.resources) sums[r] = sums[r]! + rates[i]!;
  });
  capacities.forEach((c, r) => {
    expect(sums[r]).toBeLessThanOrEqual(c * (1 + TOL) + TOL);
    expect(close(sums[r]!, used[r]!, c)).toBe(true);
  });
}

describe('progressiveFill — hand-computed cases', () => {
  it('parking lot: a long flow and two short ones on two unit links get 1/2 each', () => {
    const r = progressiveFill([1, 1], [{ weight: 1, resources: [0, 1] }, { weight: 1, resources: [0] }, { weight: 1, resources: [1] }]);
    expect(r.rates).toEqual([0.5, 0.5, 0.5]);
  });
  it('the tight link freezes its flows; the loose link gives the rest to its other flow', () => {
    // A=10, B=4; f0 crosses A,B; f1 A; f2 B. B saturates at level 2 (f0=f2=2); f1 takes A's 8.
    const r = progressiveFill([10, 4], [{ weight: 1, resources: [0, 1] }, { weight: 1, resources: [0] }, { weight: 1, resources: [1] }]);
    expect(r.rates).toEqual([2, 8, 2]);
    expect(r.bottleneck).toEqual([1, 0, 1]);
    expect(r.used).toEqual([10, 4]);
  });
  it('weights and a multi-resource bottleneck', () => {
    // A=9, B=1; f0 weight 2 on A; f1 weight 1 on A,B. B saturates first (level 1): f1=1; then f0 takes 8.
    const r = progressiveFill([9, 1], [{ weight: 2, resources: [0] }, { weight: 1, resources: [0, 1] }]);
    expect(r.rates).toEqual([8, 1]);
    expect(r.bottleneck).toEqual([0, 1]);
  });
  it('caps freeze a flow before its resource saturates', () => {
    const r = progressiveFill([10], [{ weight: 1, cap: 1, resources: [0] }, { weight: 1, resources: [0] }]);
    expect(r.rates).toEqual([1, 9]);
    expect(r.bottleneck).toEqual([null, 0]);
  });
  it('a capped flow crossing no resource gets its cap', () => {
    expect(progressiveFill([], [{ weight: 1, cap: 3, resources: [] }]).rates).toEqual([3]);
  });
  it('weight-0 flows take only what weighted flows leave', () => {
    // A=10: weighted f0 capped at 4, weight-0 f1 gets the other 6. B=2: weighted f2 takes all; weight-0 f3 gets 0.
    const r = progressiveFill([10, 2], [
      { weight: 1, cap: 4, resources: [0] },
      { weight: 0, resources: [0] },
      { weight: 1, resources: [1] },
      { weight: 0, resources: [1] },
    ]);
    expect(r.rates).toEqual([4, 6, 2, 0]);
    expect(r.bottleneck).toEqual([null, 0, 1, 1]);
  });
  it('zero-capacity resource freezes its flows at 0', () => {
    expect(progressiveFill([0, 5], [{ weight: 1, resources: [0, 1] }, { weight: 1, resources: [1] }]).rates).toEqual([0, 5]);
  });
});

describe('progressiveFill — validation', () => {
  const bad: [number[], FillFlow[], string][] = [
    [[-1], [], 'capacities[0]'],
    [[1, Infinity], [], 'capacities[1]'],
    [[1], [{ weight: NaN, resources: [0] }], 'flows[0].weight'],
    [[1], [{ weight: 1, cap: -1, resources: [0] }], 'flows[0].cap'],
    [[1], [{ weight: 1, resources: [1] }], 'flows[0].resources[0]'],
    [[1], [{ weight: 1, resources: [0, 0] }], 'flows[0].resources[1]'],
    [[1], [{ weight: 1, resources: [0.5] }], 'flows[0].resources[0]'],
    [[1], [{ weight: 1, resources: [] }], 'flows[0].resources'],
  ];
  it.each(bad)('rejects %j / %j naming %s', (caps, flows, path) => {
    let caught: unknown;
    try {
      progressiveFill(caps, flows);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).details.path).toBe(path);
  });
});

describe('progressiveFill — properties', () => {
  it('never puts a resource over capacity, never exceeds a cap, reports use consistently', () => {
    fc.assert(
      fc.property(networkArb(0), ([caps, flows]) => {
        const { rates, used } = progressiveFill(caps, flows);
        checkFeasible(caps, flows, rates, used);
      }),
    );
  });

  it('is max-min fair: every flow is capped or crosses a saturated resource where its normalized share is maximal', () => {
    fc.assert(
      fc.property(networkArb(0.1), ([caps, flows]) => {
        const { rates, bottleneck, used } = progressiveFill(caps, flows);
        flows.forEach((f, i) => {
          const norm = rates[i]! / f.weight;
          const capped = rates[i]! >= (f.cap ?? Infinity) - TOL * (1 + rates[i]!);
          const b = bottleneck[i];
          if (b === null || b === undefined) {
            expect(capped).toBe(true);
            return;
          }
          // The reported bottleneck is crossed, saturated, and no flow on it has a larger normalized share.
          expect(f.resources).toContain(b);
          expect(used[b]).toBeGreaterThanOrEqual(caps[b]! * (1 - 1e-9) - 1e-9);
          flows.forEach((g, j) => {
            if (g.resources.includes(b)) expect(rates[j]! / g.weight).toBeLessThanOrEqual(norm * (1 + 1e-9) + 1e-9);
          });
        });
      }),
    );
  });

  it('is Pareto-efficient: no flow could be raised without overfilling a resource or its cap', () => {
    fc.assert(
      fc.property(networkArb(0), ([caps, flows]) => {
        const { rates, used } = progressiveFill(caps, flows);
        flows.forEach((f, i) => {
          const atCap = rates[i]! >= (f.cap ?? Infinity) - TOL * (1 + rates[i]!);
          const blocked = f.resources.some((r) => used[r]! >= caps[r]! * (1 - 1e-9) - 1e-9);
          expect(atCap || blocked).toBe(true);
        });
      }),
    );
  });

  it('on a single resource equals waterFill', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1000, noNaN: true }),
        fc.array(fc.record({ weight: fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 10, noNaN: true })), cap: capArb }), { maxLength: 20 }),
        (capacity, demands) => {
          const pf = progressiveFill([capacity], demands.map((d) => ({ ...d, resources: [0] }))).rates;
          const wf = waterFill(capacity, demands);
          pf.forEach((x, i) => expect(close(x, wf[i]!, capacity)).toBe(true));
        },
      ),
    );
  });

  it('is deterministic and independent of flow order', () => {
    fc.assert(
      fc.property(networkArb(0), ([caps, flows]) => {
        const a = progressiveFill(caps, flows);
        expect(progressiveFill(caps, flows)).toEqual(a);
        const reversed = progressiveFill(caps, [...flows].reverse()).rates.reverse();
        reversed.forEach((x, i) => expect(close(x, a.rates[i]!, 100)).toBe(true));
      }),
    );
  });
});
