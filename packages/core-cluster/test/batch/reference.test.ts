// The engine against the independent exact calculator (BigInt rationals, per-job remaining work):
// random VMs, lengths, pes and submit times, both schedulers, every job within 10 µs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBatchModel, type BatchJobs, type GuestScheduler } from '../../src/batch/index.ts';
import { referenceSchedule } from './reference-calculator.ts';

interface Case {
  vms: { vcpus: number; mips: number }[];
  rows: { length: number; pes: number; vm: number; submitUs: number }[];
}

function toJobs(rows: Case['rows'], idOf: (i: number) => number = (i) => i): BatchJobs {
  return {
    count: rows.length,
    id: Float64Array.from(rows, (_, i) => idOf(i)),
    lengthMi: Float64Array.from(rows, (r) => r.length),
    pes: Int32Array.from(rows, (r) => r.pes),
    vm: Int32Array.from(rows, (r) => r.vm),
    submitUs: Float64Array.from(rows, (r) => r.submitUs),
  };
}

const caseArb = (scheduler: GuestScheduler) =>
  fc
    .array(fc.record({ vcpus: fc.integer({ min: 1, max: 4 }), mips: fc.oneof(fc.constantFrom(250, 1000, 2500), fc.integer({ min: 100, max: 4000 })) }), { minLength: 1, maxLength: 4 })
    .chain((vms) =>
      fc.record({
        vms: fc.constant(vms),
        rows: fc.array(
          fc.integer({ min: 0, max: vms.length - 1 }).chain((vm) =>
            fc.record({
              length: fc.oneof(fc.integer({ min: 1, max: 99_999 }), fc.constantFrom(10_000, 50_000)),
              pes: fc.integer({ min: 1, max: scheduler === 'space-shared' ? vms[vm]!.vcpus : 5 }),
              vm: fc.constant(vm),
              // Whole, tenth and µs-resolution seconds, so arrivals coincide with completions sometimes.
              submitUs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 300 }).map((s) => s * 1_000_000), fc.integer({ min: 0, max: 3000 }).map((d) => d * 100_000), fc.integer({ min: 0, max: 300_000_000 })),
            }),
          ),
          { minLength: 1, maxLength: 40 },
        ),
      }),
    );

function check(scheduler: GuestScheduler, k: Case): void {
  // Shuffled ids: the queue order is (submit, id), not row order.
  const jobs = toJobs(k.rows, (i) => (i * 7919) % 10007);
  const model = createBatchModel({ vms: k.vms, jobs, scheduler });
  let guard = 0;
  while (model.nextEventTime() < Infinity) {
    model.advanceTo(model.nextEventTime());
    if (++guard > 10_000) throw new Error('no progress');
  }
  const ref = referenceSchedule(jobs, k.vms.map((v) => v.vcpus), k.vms.map((v) => v.mips), scheduler);
  expect(model.completed()).toBe(jobs.count);
  for (let j = 0; j < jobs.count; j++) {
    expect(Math.abs(model.finishUs(j) / 1e6 - ref.finish_s[j]!)).toBeLessThanOrEqual(10e-6);
    expect(Math.abs(model.startUs(j) / 1e6 - ref.start_s[j]!)).toBeLessThanOrEqual(10e-6);
  }
}

describe('engine = exact calculator (10 µs per job)', () => {
  for (const scheduler of ['time-shared', 'space-shared'] as const) {
    it(`${scheduler}: random VMs, lengths, pes and submit times, stepped event by event`, () => {
      fc.assert(fc.property(caseArb(scheduler), (k) => check(scheduler, k)), { numRuns: 300 });
    });
  }

  it('space-shared scan rule: a one-PE job passes a waiting two-PE job when one vCPU is free', () => {
    // VM of 2 vCPUs: A (1 PE, 10 s) and B (1 PE, 20 s) at 0; C (2 PE) at 1 s waits; D (1 PE) at 2 s starts when A ends at 10 s.
    const rows = [
      { length: 10_000, pes: 1, vm: 0, submitUs: 0 },
      { length: 20_000, pes: 1, vm: 0, submitUs: 0 },
      { length: 5_000, pes: 2, vm: 0, submitUs: 1_000_000 },
      { length: 1_000, pes: 1, vm: 0, submitUs: 2_000_000 },
    ];
    const model = createBatchModel({ vms: [{ vcpus: 2, mips: 1000 }], jobs: toJobs(rows), scheduler: 'space-shared' });
    model.advanceTo(100_000_000);
    expect([0, 1, 2, 3].map((j) => [model.startUs(j), model.finishUs(j)])).toEqual([
      [0, 10e6],
      [0, 20e6],
      [20e6, 25e6],
      [10e6, 11e6],
    ]);
  });

  it('time-shared: three one-PE jobs on two vCPUs share at 2/3 each (hand-computed)', () => {
    // Lengths 1000, 2000, 2000 MI at 1000 MIPS: all at 2/3 → first done at 1.5 s; then two threads
    // on two vCPUs at full speed with 1000 MI left → 2.5 s.
    const rows = [1000, 2000, 2000].map((length) => ({ length, pes: 1, vm: 0, submitUs: 0 }));
    const model = createBatchModel({ vms: [{ vcpus: 2, mips: 1000 }], jobs: toJobs(rows), scheduler: 'time-shared' });
    model.advanceTo(10_000_000);
    expect([model.finishUs(0), model.finishUs(1), model.finishUs(2)]).toEqual([1.5e6, 2.5e6, 2.5e6]);
  });
});
