// sampleMany under random batches (the next instant, gaps, growth past the reserved capacity,
// duplicates, unknown series, non-finite values, instants already recorded, the sample limit): every
// batch either lands whole, as a plain per-series model says, or throws and changes nothing.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createMetricsRecorder } from '../../src/metrics/metrics-recorder.js';

const SERIES = 6;

const entryArb = fc.record({
  series: fc.integer({ min: 0, max: SERIES }), // SERIES is not defined: unknown
  value: fc.oneof({ weight: 12, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity) }),
});
const batchArb = fc.record({ step: fc.integer({ min: -1, max: 4 }), entries: fc.array(entryArb, { maxLength: SERIES + 1 }) });

describe('sampleMany', () => {
  it('lands a batch whole or not at all, as a per-series model says', () => {
    fc.assert(
      fc.property(fc.array(batchArb, { maxLength: 25 }), fc.integer({ min: 20, max: 80 }), (batches, maxSamples) => {
        const r = createMetricsRecorder({ interval: 10, capacity: 2, maxSamples });
        for (let s = 0; s < SERIES; s++) r.define(`s${s}`, 'u');
        const model: [number, number][][] = Array.from({ length: SERIES }, () => []);
        const stored = (): number => {
          let n = 0;
          for (const m of model) if (m.length > 0) n += (m[m.length - 1]![0] - m[0]![0]) / 10 + 1;
          return n;
        };
        let k = 0;
        for (const b of batches) {
          k = Math.max(0, k + b.step);
          const time = k * 10;
          const ids = b.entries.map((e) => e.series);
          const ok =
            ids.every((id) => id < SERIES) &&
            new Set(ids).size === ids.length &&
            b.entries.every((e) => Number.isFinite(e.value)) &&
            ids.every((id) => model[id]!.length === 0 || model[id]![model[id]!.length - 1]![0] < time);
          const grow = ok ? ids.reduce((sum, id) => sum + (model[id]!.length === 0 ? 1 : (time - model[id]![model[id]!.length - 1]![0]) / 10), 0) : 0;
          const fits = stored() + grow <= maxSamples;
          const before = JSON.stringify(r.series());
          if (ok && fits) {
            r.sampleMany(time, ids, b.entries.map((e) => e.value));
            for (const e of b.entries) model[e.series]!.push([time, e.value]);
          } else {
            expect(() => r.sampleMany(time, ids, b.entries.map((e) => e.value))).toThrow();
            expect(JSON.stringify(r.series())).toBe(before);
          }
          expect(r.sampleCount).toBe(stored());
        }
        const got = r.series();
        for (let s = 0; s < SERIES; s++) {
          expect(got[s]!.times).toEqual(model[s]!.map((x) => x[0]));
          expect(got[s]!.values).toEqual(model[s]!.map((x) => x[1]));
        }
      }),
      { numRuns: 300, seed: 20261127 },
    );
  });
});
