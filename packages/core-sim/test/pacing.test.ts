// The pacing arithmetic that apps use to run simulated time against the wall clock.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AS_FAST_AS_POSSIBLE, simTimeAt, wallDelayFor, wallTimeFor } from '@strata/core-sim';

describe('pacing', () => {
  it('waits simDelta / speed wall µs; nothing at full speed or for past times', () => {
    expect(wallDelayFor(1_000_000, 1)).toBe(1_000_000);
    expect(wallDelayFor(1_000_000, 10)).toBe(100_000);
    expect(wallDelayFor(500, 0.5)).toBe(1000);
    expect(wallDelayFor(1_000_000, AS_FAST_AS_POSSIBLE)).toBe(0);
    expect(wallDelayFor(-5, 1)).toBe(0);
  });

  it('maps between simulated and wall time from an anchor, and the two maps agree', () => {
    const anchor = { simTime: 1_000, wallTime: 50_000 };
    expect(wallTimeFor(anchor, 3_000, 2)).toBe(51_000);
    expect(simTimeAt(anchor, 51_000, 2)).toBe(3_000);
    expect(simTimeAt(anchor, 40_000, 2)).toBe(1_000); // before the anchor: nothing due yet
    expect(simTimeAt(anchor, 40_000, AS_FAST_AS_POSSIBLE)).toBe(Infinity);
    fc.assert(
      fc.property(fc.nat(1e9), fc.nat(1e9), fc.integer({ min: 1, max: 1e6 }), fc.constantFrom(0.25, 1, 10, 1000), (s0, w0, dt, speed) => {
        const a = { simTime: s0, wallTime: w0 };
        const due = simTimeAt(a, wallTimeFor(a, s0 + dt, speed), speed);
        // Floating division and flooring may lose at most one µs.
        expect(due).toBeGreaterThanOrEqual(s0 + dt - 1);
        expect(due).toBeLessThanOrEqual(s0 + dt);
      }),
    );
  });

  it('rejects a speed that is not positive and a NaN delta', () => {
    for (const speed of [0, -1, NaN]) expect(() => wallDelayFor(1, speed)).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }));
    expect(() => wallDelayFor(NaN, 1)).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }));
    expect(() => simTimeAt({ simTime: 0, wallTime: 0 }, 1, 0)).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }));
  });
});
