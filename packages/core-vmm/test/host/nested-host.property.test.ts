import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { GroupFidelity } from '@strata/core-scheduler';
import { createNestedHost, createSchedulerGuest, type SchedulerGuest, type VcpuPolicy, type VmCpuSpec } from '../../src/host/index.ts';

const S = 1_000_000;

interface VmSetup {
  readonly vcpus: number;
  readonly weight: number;
  readonly cap: number;
  readonly shares: number;
  readonly priority: number;
  /** Guest tasks: their demand caps (1 = busy). */
  readonly tasks: readonly number[];
}

interface Setup {
  readonly cpus: number;
  readonly policy: VcpuPolicy;
  readonly vms: readonly VmSetup[];
}

const vmArb: fc.Arbitrary<VmSetup> = fc.record({
  vcpus: fc.integer({ min: 1, max: 3 }),
  weight: fc.constantFrom(64, 128, 256, 512, 1024),
  cap: fc.constantFrom(0, 0, 30, 50, 80, 150),
  shares: fc.constantFrom(50, 100, 200, 1024),
  priority: fc.integer({ min: 0, max: 2 }),
  tasks: fc.array(fc.constant(1), { minLength: 0, maxLength: 4 }),
});

const setupArb: fc.Arbitrary<Setup> = fc.record({
  cpus: fc.integer({ min: 1, max: 3 }),
  policy: fc.constantFrom<VcpuPolicy>('credit', 'cfs', 'rr', 'priority'),
  vms: fc.array(vmArb, { minLength: 1, maxLength: 3 }),
});

function specOf(policy: VcpuPolicy, vm: VmSetup): VmCpuSpec {
  switch (policy) {
    case 'credit':
      return { vcpus: vm.vcpus, weight: vm.weight, ...(vm.cap > 0 ? { cap: Math.min(vm.cap, 100 * vm.vcpus) } : {}) };
    case 'cfs':
      return { vcpus: vm.vcpus, shares: vm.shares };
    case 'rr':
      return { vcpus: vm.vcpus };
    case 'priority':
      return { vcpus: vm.vcpus, priority: vm.priority };
  }
}

/** Each guest task's CPU µs and each vCPU's steal after `seconds` (guests busy; their default 4 ms tick). */
function run(setup: Setup, fidelity: GroupFidelity, seconds: number): { tasks: number[]; steal: number[] } {
  const host = createNestedHost({ cpus: setup.cpus, fidelity, policy: setup.policy });
  const guests: SchedulerGuest[] = [];
  setup.vms.forEach((vm, i) => {
    const g = createSchedulerGuest({ cpus: vm.vcpus, fidelity });
    vm.tasks.forEach((demand, t) => g.addTask(`t${t}`, '/', { demand }));
    host.addVm(`vm${i}`, specOf(setup.policy, vm), g);
    guests.push(g);
  });
  host.advanceTo(seconds * S);
  const tasks: number[] = [];
  const steal: number[] = [];
  setup.vms.forEach((vm, i) => {
    vm.tasks.forEach((_, t) => tasks.push(guests[i]!.scheduler.taskStats(`t${t}`).cpuUsec));
    for (let c = 0; c < vm.vcpus; c++) steal.push(host.vcpuStats(`vm${i}`, c).stealUsec);
  });
  return { tasks, steal };
}

describe('nested host properties', () => {
  it('exact and fluid agree within 1% of a CPU per guest task over 20 s on random nested setups', () => {
    fc.assert(
      fc.property(setupArb, (setup) => {
        const exact = run(setup, 'exact', 20);
        const fluid = run(setup, 'fluid', 20);
        exact.tasks.forEach((e, i) => {
          expect(Math.abs(e - fluid.tasks[i]!) / (20 * S)).toBeLessThan(0.01);
        });
      }),
      { numRuns: 60, seed: 20261127, verbose: true },
    );
  });

  it('no over-allocation: the host never delivers more than its pCPUs, nor a vCPU more than its guest asks', () => {
    fc.assert(
      fc.property(setupArb, fc.constantFrom<GroupFidelity>('fluid', 'exact'), (setup, fidelity) => {
        const { tasks } = run(setup, fidelity, 5);
        const total = tasks.reduce((a, b) => a + b, 0);
        expect(total).toBeLessThanOrEqual(setup.cpus * 5 * S + tasks.length); // fluid rounds each task to the µs
        let i = 0;
        for (const vm of setup.vms) {
          const want = Math.min(vm.vcpus, vm.tasks.reduce((a, b) => a + b, 0));
          const got = vm.tasks.reduce((a, _, t) => a + tasks[i + t]!, 0);
          i += vm.tasks.length;
          expect(got).toBeLessThanOrEqual(want * 5 * S * 1.01 + 1);
        }
      }),
      { numRuns: 40, seed: 7 },
    );
  });

  it('determinism: the same setup gives identical results, run after run', () => {
    fc.assert(
      fc.property(setupArb, (setup) => {
        expect(run(setup, 'exact', 2)).toEqual(run(setup, 'exact', 2));
        expect(run(setup, 'fluid', 2)).toEqual(run(setup, 'fluid', 2));
      }),
      { numRuns: 20, seed: 3 },
    );
  });
});
