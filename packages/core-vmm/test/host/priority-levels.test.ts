import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { servableDemand, type PinnedDemand } from '../../src/host/priority-levels.ts';

describe('servableDemand (strict priority levels with pins)', () => {
  it('known answers', () => {
    // Without pins: min(Σ demand, pCPUs).
    expect(servableDemand([{ demand: 1, cpus: null }, { demand: 0.5, cpus: null }], 1)).toBeCloseTo(1, 12);
    // Two busy vCPUs pinned to pCPU 0 of 2: one pCPU.
    expect(servableDemand([{ demand: 1, cpus: [0] }, { demand: 1, cpus: [0] }], 2)).toBeCloseTo(1, 12);
    // A free vCPU goes where the pinned ones leave room: 1 on pCPU 0 (pinned), the free one on pCPU 1.
    expect(servableDemand([{ demand: 1, cpus: [0] }, { demand: 1, cpus: null }], 2)).toBeCloseTo(2, 12);
    // A flow that must reroute: 0.75 free first, then 1 pinned to pCPU 0, 0.5 pinned to pCPU 1.
    expect(servableDemand([{ demand: 0.75, cpus: null }, { demand: 1, cpus: [0] }, { demand: 0.5, cpus: [1] }], 2)).toBeCloseTo(2, 12);
    expect(servableDemand([{ demand: 0.5, cpus: [1, 2] }, { demand: 1, cpus: [2] }, { demand: 1, cpus: [0] }], 3)).toBeCloseTo(2.5, 12);
    expect(servableDemand([], 3)).toBe(0);
  });

  it('never more than Σ demand, nor than the pCPUs, nor than the pCPUs the pinned items may use; no pins: min(Σ, pCPUs)', () => {
    const item = (cpus: number): fc.Arbitrary<PinnedDemand> =>
      fc.record({
        demand: fc.constantFrom(0.25, 0.5, 1),
        cpus: fc.option(fc.uniqueArray(fc.integer({ min: 0, max: cpus - 1 }), { minLength: 1, maxLength: cpus }), { freq: 2 }),
      });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((cpus) => fc.tuple(fc.constant(cpus), fc.array(item(cpus), { maxLength: 8 }))),
        ([cpus, items]) => {
          const got = servableDemand(items, cpus);
          const sum = items.reduce((a, it) => a + it.demand, 0);
          expect(got).toBeLessThanOrEqual(Math.min(sum, cpus) + 1e-9);
          // Each pCPU set alone: its items can get at most min(their demand, its size).
          const free = items.filter((it) => it.cpus === null);
          expect(got).toBeGreaterThanOrEqual(Math.min(free.reduce((a, it) => a + it.demand, 0), cpus) - 1e-9);
          expect(servableDemand(items.map((it) => ({ demand: it.demand, cpus: null })), cpus)).toBeCloseTo(Math.min(sum, cpus), 9);
          // Adding an item never lowers it (augmenting paths only add flow).
          expect(servableDemand([...items, { demand: 1, cpus: [0] }], cpus)).toBeGreaterThanOrEqual(got - 1e-9);
        },
      ),
      { numRuns: 200, seed: 41 },
    );
  });
});
