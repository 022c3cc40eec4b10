// Error does not build up: one VM through hundreds of events (arrivals and completions that change
// every thread's rate) still matches the exact calculator within 10 µs per job.
import { describe, expect, it } from 'vitest';
import { createRandomStream } from '@strata/core-sim';
import { createBatchModel, type BatchJobs } from '../../src/batch/index.ts';
import { referenceSchedule } from './reference-calculator.ts';

describe('a long-running VM', () => {
  for (const scheduler of ['time-shared', 'space-shared'] as const) {
    it(`${scheduler}: 120 overlapping jobs on one 3-vCPU VM at 1,700 MIPS, random lengths, pes and submit times`, () => {
      const rng = createRandomStream(7, 'long-vm');
      const n = 120;
      const jobs: BatchJobs = {
        count: n,
        id: Float64Array.from({ length: n }, (_, i) => i),
        lengthMi: Float64Array.from({ length: n }, () => rng.int(1, 99_999)),
        pes: Int32Array.from({ length: n }, () => rng.int(1, 3)),
        vm: new Int32Array(n),
        submitUs: Float64Array.from({ length: n }, () => rng.int(0, 600_000_000)),
      };
      const model = createBatchModel({ vms: [{ vcpus: 3, mips: 1700 }], jobs, scheduler });
      model.advanceTo(Number.MAX_SAFE_INTEGER);
      const ref = referenceSchedule(jobs, [3], [1700], scheduler);
      let worst = 0;
      for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(model.finishUs(j) / 1e6 - ref.finish_s[j]!));
      expect(worst).toBeLessThanOrEqual(10e-6);
      console.log(`${scheduler}: worst finish error over ${n} jobs ${(worst * 1e6).toFixed(4)} µs, makespan ${model.summary().makespan_s} s`);
    });
  }
});
