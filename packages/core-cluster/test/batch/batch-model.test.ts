// createBatchModel: the same answers however it is driven, determinism, the capacity hooks against
// hand-computed answers, core-vmm's GuestCpus seam, and refusals that change nothing.
import { ConflictError, ValidationError } from '@strata/shared-types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBatchModel, type BatchJobs, type BatchModel } from '../../src/batch/index.ts';

function jobsOf(rows: readonly { length: number; pes?: number; vm?: number; submitUs?: number }[]): BatchJobs {
  return {
    count: rows.length,
    id: Float64Array.from(rows, (_, i) => i),
    lengthMi: Float64Array.from(rows, (r) => r.length),
    pes: Int32Array.from(rows, (r) => r.pes ?? 1),
    vm: Int32Array.from(rows, (r) => r.vm ?? 0),
    submitUs: Float64Array.from(rows, (r) => r.submitUs ?? 0),
  };
}

const times = (m: BatchModel) => Array.from({ length: m.jobCount }, (_, j) => [m.startUs(j), m.finishUs(j)]);

const caseArb = fc.record({
  scheduler: fc.constantFrom('time-shared' as const, 'space-shared' as const),
  vms: fc.array(fc.record({ vcpus: fc.integer({ min: 1, max: 3 }), mips: fc.integer({ min: 100, max: 3000 }) }), { minLength: 1, maxLength: 3 }),
  rows: fc.array(fc.record({ length: fc.integer({ min: 1, max: 50_000 }), pes: fc.integer({ min: 1, max: 3 }), vm: fc.nat(), submitUs: fc.integer({ min: 0, max: 50_000_000 }) }), { maxLength: 30 }),
  cuts: fc.array(fc.integer({ min: 1, max: 200_000_000 }), { maxLength: 10 }),
});

describe('createBatchModel', () => {
  it('gives the same times and events whether driven all at once, event by event, or in arbitrary steps', () => {
    fc.assert(
      fc.property(caseArb, ({ scheduler, vms, rows, cuts }) => {
        const fixed = rows.map((r) => ({ ...r, vm: r.vm % vms.length, pes: scheduler === 'space-shared' ? Math.min(r.pes, vms[r.vm % vms.length]!.vcpus) : r.pes }));
        const make = () => createBatchModel({ vms, jobs: jobsOf(fixed), scheduler });
        const once = make();
        once.advanceTo(Number.MAX_SAFE_INTEGER);
        const stepped = make();
        while (stepped.nextEventTime() < Infinity) stepped.advanceTo(stepped.nextEventTime());
        const chunked = make();
        for (const t of [...cuts].sort((a, b) => a - b)) chunked.advanceTo(t);
        chunked.advanceTo(Number.MAX_SAFE_INTEGER);
        expect(times(stepped)).toEqual(times(once));
        expect(times(chunked)).toEqual(times(once));
        expect(stepped.events()).toBe(2 * fixed.length);
        expect(once.completed()).toBe(fixed.length);
        // Work conservation: a VM never runs more threads at once than it has vCPUs' worth of speed.
        for (let j = 0; j < fixed.length; j++) {
          const vm = vms[fixed[j]!.vm]!;
          const ideal = (fixed[j]!.length / vm.mips) * 1e6;
          expect(once.finishUs(j) - once.startUs(j)).toBeGreaterThanOrEqual(ideal - 1e-3);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic: two runs give identical bits', () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({ length: 1000 + ((i * 7919) % 50_000), pes: 1 + (i % 3), vm: i % 7, submitUs: (i * 104_729) % 20_000_000 }));
    const run = () => {
      const m = createBatchModel({ vms: Array.from({ length: 7 }, (_, v) => ({ vcpus: 1 + (v % 3), mips: 500 + 250 * v })), jobs: jobsOf(rows), scheduler: 'time-shared' });
      m.advanceTo(Number.MAX_SAFE_INTEGER);
      return JSON.stringify([times(m), m.summary(), m.events()]);
    };
    expect(run()).toBe(run());
  });

  it('a VM whose jobs never get to run is not completed, and the summary counts only finished jobs', () => {
    const m = createBatchModel({ vms: [{ vcpus: 1, mips: 1000 }], jobs: jobsOf([{ length: 1000 }, { length: 1000, submitUs: 5_000_000 }]), scheduler: 'space-shared' });
    m.advanceTo(2_000_000);
    expect(m.summary()).toEqual({ count: 2, completed: 1, makespan_s: 1, meanFinish_s: 1 });
    expect(m.startUs(1)).toBeNaN();
    expect(m.nextEventTime()).toBe(5_000_000);
  });

  it('setVmCapacity: half capacity from 1 s doubles the rest of the time (hand-computed)', () => {
    // 2000 MI at 1000 MIPS: 1000 MI by 1 s, then 500 MIPS → 2 s more → 3 s.
    const m = createBatchModel({ vms: [{ vcpus: 1, mips: 1000 }], jobs: jobsOf([{ length: 2000 }]), scheduler: 'time-shared' });
    m.advanceTo(1_000_000);
    m.setVmCapacity(0, 0.5);
    expect(m.nextEventTime()).toBe(3_000_000);
    m.advanceTo(10_000_000);
    expect(m.finishUs(0)).toBe(3_000_000);
    // Capacity 0 stops the VM.
    const z = createBatchModel({ vms: [{ vcpus: 1, mips: 1000 }], jobs: jobsOf([{ length: 2000 }]), scheduler: 'space-shared' });
    z.setVmCapacity(0, 0);
    expect(z.nextEventTime()).toBe(Infinity);
  });

  it('start: jobs submitted before it arrive at start', () => {
    const m = createBatchModel({ vms: [{ vcpus: 1, mips: 1000 }], jobs: jobsOf([{ length: 1000 }]), scheduler: 'time-shared', start: 2_000_000 });
    expect(m.now()).toBe(2_000_000);
    m.advanceTo(10_000_000);
    expect([m.startUs(0), m.finishUs(0)]).toEqual([2_000_000, 3_000_000]);
  });

  it('onJob reports starts and finishes in time order per VM', () => {
    const seen: string[] = [];
    const m = createBatchModel({ vms: [{ vcpus: 1, mips: 1000 }], jobs: jobsOf([{ length: 1000 }, { length: 500 }]), scheduler: 'space-shared', onJob: (kind, job, t) => seen.push(`${kind} ${job} ${t}`) });
    m.advanceTo(5_000_000);
    expect(seen).toEqual(['started 0 0', 'finished 0 1000000', 'started 1 1000000', 'finished 1 1500000']);
  });

  it('guestCpus: the core-vmm seam; runnable vCPUs follow the running threads, capacities set their speed (hand-computed)', () => {
    const m = createBatchModel({ vms: [{ vcpus: 2, mips: 1000 }], jobs: jobsOf([{ length: 1000 }, { length: 2000 }]), scheduler: 'time-shared' });
    const g = m.guestCpus(0);
    expect(g.cpus).toBe(2);
    const demands: string[] = [];
    g.connect((cpu, d) => demands.push(`${cpu}:${d.runnable ? 'run' : 'halt'}:${d.demand}`));
    expect(demands).toEqual(['0:run:1', '1:run:1']); // both jobs arrived at 0
    expect(m.nextEventTime()).toBe(Infinity); // the host drives it now
    expect(g.nextEventTime()).toBe(1_000_000);
    // vCPU 1 gets half a CPU: S(2) = 1.5 shared by 2 threads, 750 MIPS each → job 0 at 4/3 s; then
    // job 1 alone on vCPU 0 at 1000 MIPS with 1000 MI left → 7/3 s.
    g.setCpuCapacity(1, 0.5);
    g.advanceTo(g.nextEventTime());
    expect(m.finishUs(0)).toBeCloseTo(4e6 / 3, 3);
    expect(demands.slice(2)).toEqual(['1:halt:1']);
    g.advanceTo(g.nextEventTime());
    expect(m.finishUs(1)).toBeCloseTo(7e6 / 3, 3);
    expect(g.nextEventTime()).toBe(Infinity);
    expect(() => m.guestCpus(0)).toThrow(ConflictError);
    expect(() => m.setVmCapacity(0, 1)).toThrow(/hosted/);
    expect(() => g.setCpuCapacity(2, 1)).toThrow(/no cpu 2/);
    // A vCPU rated at half its host CPU asks for half a CPU and runs at full speed on it.
    const slow = createBatchModel({ vms: [{ vcpus: 1, mips: 500 }], jobs: jobsOf([{ length: 500 }]), scheduler: 'space-shared' }).guestCpus(0, { demand: 0.5 });
    const asked: number[] = [];
    slow.connect((_, d) => asked.push(d.demand));
    slow.setCpuCapacity(0, 0.5);
    expect([asked, slow.nextEventTime()]).toEqual([[0.5], 1_000_000]);
  });

  it('refuses bad input and bad commands, changing nothing', () => {
    const jobs = jobsOf([{ length: 1000, pes: 3 }]);
    expect(() => createBatchModel({ vms: [{ vcpus: 2, mips: 1000 }], jobs, scheduler: 'space-shared' })).toThrow(/pes 3 exceeds vm 0's 2 vCPUs; under space-shared a job needs pes ≤ vcpus/);
    expect(() => createBatchModel({ vms: [{ vcpus: 0, mips: 1000 }], jobs, scheduler: 'time-shared' })).toThrow(/vms\[0\]\.vcpus must be an integer 1\.\.1024/);
    expect(() => createBatchModel({ vms: [{ vcpus: 1, mips: 0 }], jobs, scheduler: 'time-shared' })).toThrow(/vms\[0\]\.mips must be a positive number/);
    expect(() => createBatchModel({ vms: [], jobs, scheduler: 'time-shared' })).toThrow(/vm 0 does not exist/);
    expect(() => createBatchModel({ vms: [{ vcpus: 1, mips: 1 }], jobs, scheduler: 'fifo' as never })).toThrow(/scheduler must be time-shared or space-shared/);
    const m = createBatchModel({ vms: [{ vcpus: 4, mips: 1000 }], jobs, scheduler: 'time-shared' });
    m.advanceTo(100);
    expect(() => m.advanceTo(99)).toThrow(ValidationError);
    expect(() => m.advanceTo(100.5)).toThrow(/integer µs/);
    expect(() => m.setVmCapacity(0, 1.5)).toThrow(/capacity must be a number in 0\.\.1/);
    expect(() => m.setVmCapacity(3, 1)).toThrow(/vm must be an index 0\.\.0/);
    expect(m.now()).toBe(100);
    m.advanceTo(10_000_000);
    expect(m.finishUs(0)).toBe(1_000_000);
  });
});
