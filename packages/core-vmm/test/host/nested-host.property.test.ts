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
  /** vCPU i's pin: a pCPU (taken modulo the host's count), or null (any). */
  readonly pin: readonly (number | null)[];
  /** Guest quota (µs per 100 ms) on a group holding the even-numbered tasks, 0 for none. */
  readonly quota: number;
}

interface Setup {
  readonly cpus: number;
  readonly policy: VcpuPolicy;
  readonly vms: readonly VmSetup[];
}

interface Features {
  /** Guest task demands to draw from. */
  readonly demands: readonly number[];
  readonly pins: boolean;
  readonly quotas: boolean;
  readonly maxVms: number;
  /** Credit caps drawn (else none). */
  readonly caps?: boolean;
}

const BUSY: Features = { demands: [1], pins: false, quotas: false, maxVms: 3, caps: true };

function vmArb(f: Features): fc.Arbitrary<VmSetup> {
  return fc.record({
    vcpus: fc.integer({ min: 1, max: 3 }),
    weight: fc.constantFrom(64, 128, 256, 512, 1024),
    cap: f.caps === false ? fc.constant(0) : fc.constantFrom(0, 0, 30, 50, 80, 150),
    shares: fc.constantFrom(50, 100, 200, 1024),
    priority: fc.integer({ min: 0, max: 2 }),
    tasks: fc.array(fc.constantFrom(...f.demands), { minLength: 0, maxLength: 4 }),
    pin: f.pins ? fc.array(fc.option(fc.integer({ min: 0, max: 2 }), { freq: 2 }), { minLength: 3, maxLength: 3 }) : fc.constant([null, null, null]),
    quota: f.quotas ? fc.constantFrom(0, 0, 50_000, 150_000) : fc.constant(0),
  });
}

function setupArb(f: Features, policies: readonly VcpuPolicy[] = ['credit', 'cfs', 'rr', 'priority']): fc.Arbitrary<Setup> {
  return fc.record({
    cpus: fc.integer({ min: 1, max: 3 }),
    policy: fc.constantFrom(...policies),
    vms: fc.array(vmArb(f), { minLength: 1, maxLength: f.maxVms }),
  });
}

function specOf(setup: Setup, vm: VmSetup): VmCpuSpec {
  const pin = vm.pin.some((p) => p !== null) ? { pin: Array.from({ length: vm.vcpus }, (_, i) => (vm.pin[i] === null || vm.pin[i] === undefined ? null : [vm.pin[i] % setup.cpus])) } : {};
  switch (setup.policy) {
    case 'credit':
      return { vcpus: vm.vcpus, weight: vm.weight, ...(vm.cap > 0 ? { cap: Math.min(vm.cap, 100 * vm.vcpus) } : {}), ...pin };
    case 'cfs':
      return { vcpus: vm.vcpus, shares: vm.shares, ...pin };
    case 'rr':
      return { vcpus: vm.vcpus, ...pin };
    case 'priority':
      return { vcpus: vm.vcpus, priority: vm.priority, ...pin };
  }
}

/** Each guest task's CPU µs and each vCPU's steal after `seconds` (guests on their default 4 ms tick). */
function run(setup: Setup, fidelity: GroupFidelity, seconds: number): { tasks: number[]; steal: number[] } {
  const host = createNestedHost({ cpus: setup.cpus, fidelity, policy: setup.policy });
  const guests: SchedulerGuest[] = [];
  setup.vms.forEach((vm, i) => {
    const g = createSchedulerGuest({ cpus: vm.vcpus, fidelity });
    if (vm.quota > 0) g.addGroup('/q', { quota: vm.quota, period: 100_000 });
    vm.tasks.forEach((demand, t) => g.addTask(`t${t}`, vm.quota > 0 && t % 2 === 0 ? '/q' : '/', { demand }));
    host.addVm(`vm${i}`, specOf(setup, vm), g);
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

/** The largest gap between exact and fluid over the guest tasks, in CPUs, over `seconds`. */
function gap(setup: Setup, seconds: number): number {
  const exact = run(setup, 'exact', seconds);
  const fluid = run(setup, 'fluid', seconds);
  return exact.tasks.reduce((m, e, i) => Math.max(m, Math.abs(e - fluid.tasks[i]!) / (seconds * S)), 0);
}

describe('nested host properties', () => {
  it('exact and fluid agree within 1% of a CPU per guest task over 20 s on random nested setups (busy guests)', () => {
    fc.assert(
      fc.property(setupArb(BUSY), (setup) => {
        expect(gap(setup, 20)).toBeLessThan(0.01);
      }),
      { numRuns: 60, seed: 20261127 },
    );
  });

  it('… and with random vCPU pins and credit caps (busy guests): fluid serves cpusets CPU by CPU, and a binding cap on and off, as exact does', () => {
    // Credit caps were left out until the fluid model averaged a binding cap's on and off phases
    // (core-scheduler's quota-phases.ts): a capped VM of several vCPUs runs on all of them while it
    // has credit, then none, and its pinned neighbour cannot absorb the off phase (up to 4.9% here
    // with a steady cap: a 0.5-capped VM's vCPU beside a one-vCPU VM on its pCPU, 0.75 where exact
    // gives 0.8).
    fc.assert(
      fc.property(setupArb({ ...BUSY, pins: true }), (setup) => {
        expect(gap(setup, 20)).toBeLessThan(0.01);
      }),
      { numRuns: 60, seed: 20261128 },
    );
  });

  it('… and with capped guest tasks (demands 0.25, 0.5, 1) and random vCPU pins, one VM per host', () => {
    // Several VMs with capped tasks: a stated gap (README "Gaps, stated": bursty vCPUs on an exact host).
    fc.assert(
      fc.property(setupArb({ demands: [0.25, 0.5, 1], pins: true, quotas: false, maxVms: 1 }, ['credit', 'cfs', 'rr']), (setup) => {
        expect(gap(setup, 20)).toBeLessThan(0.01);
      }),
      { numRuns: 60, seed: 20261129 },
    );
  });

  it('capped guest tasks with guest quotas and pins, several VMs: within 1% on most setups, never far off (the stated gap, measured)', () => {
    // Not the 1% property: README "Gaps, stated" gives the figures and the causes. Held here to what
    // was measured on these 40 setups (39 within 1%; the other 2.38% (priority, a bursty higher
    // level and a guest quota's on phase: 1.92% before the fluid guest took its quotas' phases at
    // the capacity it has while a vCPU is served short and the exact guest counted all its steal,
    // which brought the worst of 200 other setups from 18.2% to 16.1%)), so that a regression
    // shows. Before equal deadlines took turns in the exact scheduler: 38, the others 1.96% (cfs, a
    // guest quota's split, now 0.02%) and 2.58%. The fluid model's on/off quota
    // phases left these 40 as they were (they fixed 4 of the 14 beyond 1% among 200 other setups of
    // the class, seed 1234: README). Before the exact scheduler's
    // placement fixes (whole-CPU tasks first on the least stolen CPUs, and on a CPU coming back; an
    // idle CPU moving a free task for a pinned one) they were 2.1% and 6.2%. Before the fluid guest pooled its vCPUs' capacities and moved
    // capped work off vCPUs its host serves short: 35 within 1%, the others 2.0, 2.1, 6.2, 12.5 and
    // 30.3%; before that, 17 of 60 such setups beyond 1%, the worst 49%.
    const setups = fc.sample(setupArb({ demands: [0.25, 0.5, 1], pins: true, quotas: true, maxVms: 3 }), { numRuns: 40, seed: 20261130 });
    const gaps = setups.map((setup) => gap(setup, 20));
    expect(gaps.filter((g) => g < 0.01).length).toBeGreaterThanOrEqual(39);
    expect(Math.max(...gaps)).toBeLessThan(0.025);
  });

  it('no over-allocation: the host never delivers more than its pCPUs, nor a vCPU more than its guest asks', () => {
    fc.assert(
      fc.property(setupArb({ demands: [0.25, 0.5, 1], pins: true, quotas: true, maxVms: 3 }), fc.constantFrom<GroupFidelity>('fluid', 'exact'), (setup, fidelity) => {
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
      fc.property(setupArb({ demands: [0.25, 0.5, 1], pins: true, quotas: true, maxVms: 3 }), (setup) => {
        expect(run(setup, 'exact', 2)).toEqual(run(setup, 'exact', 2));
        expect(run(setup, 'fluid', 2)).toEqual(run(setup, 'fluid', 2));
      }),
      { numRuns: 20, seed: 3 },
    );
  });
});
