// Random nested setups (a host, VMs with vCPUs, pins, credit caps, guests with capped tasks and quotas)
// and the exact-vs-fluid gap over them: shared by the nested property tests and by
// `bench/nested-agreement.ts`, which measures the gap over many setups of a class.
import fc from 'fast-check';
import type { GroupFidelity } from '@strata/core-scheduler';
import { createNestedHost, createSchedulerGuest, type SchedulerGuest, type VcpuPolicy, type VmCpuSpec } from '../../src/host/index.ts';

export const S = 1_000_000;

export interface VmSetup {
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

export interface Setup {
  readonly cpus: number;
  readonly policy: VcpuPolicy;
  readonly vms: readonly VmSetup[];
}

export interface Features {
  /** Guest task demands to draw from. */
  readonly demands: readonly number[];
  readonly pins: boolean;
  readonly quotas: boolean;
  readonly maxVms: number;
  /** Credit caps drawn (else none). */
  readonly caps?: boolean;
}

export const BUSY: Features = { demands: [1], pins: false, quotas: false, maxVms: 3, caps: true };

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

export function setupArb(f: Features, policies: readonly VcpuPolicy[] = ['credit', 'cfs', 'rr', 'priority']): fc.Arbitrary<Setup> {
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

/** How a setup is run: the host's slice (µs; default the policy's: credit 30 ms, else 4 ms). */
export interface RunOptions {
  readonly hostTick?: number;
}

/** Each guest task's CPU µs and each vCPU's steal after `seconds` (guests on their default 4 ms tick). */
export function run(setup: Setup, fidelity: GroupFidelity, seconds: number, opts: RunOptions = {}): { tasks: number[]; steal: number[] } {
  const host = createNestedHost({ cpus: setup.cpus, fidelity, policy: setup.policy, ...(opts.hostTick === undefined ? {} : { tick: opts.hostTick }) });
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

/** The mixed class: capped guest tasks, guest quotas, vCPU pins and credit caps, up to three VMs. */
export const MIXED: Features = { demands: [0.25, 0.5, 1], pins: true, quotas: true, maxVms: 3 };

/** A class of setups: what they may hold, and the host policies drawn (default all four). */
export interface SetupClass {
  readonly features: Features;
  readonly policies?: readonly VcpuPolicy[];
}

/** The classes the property tests and `bench/nested-agreement.ts` draw from, by name. */
export const CLASSES = {
  mixed: { features: MIXED },
  busy: { features: BUSY },
  'busy-pins': { features: { ...BUSY, pins: true } },
  // Without credit caps: the causes other than a cap's on/off phases.
  'busy-no-caps': { features: { ...BUSY, caps: false } },
  'busy-pins-no-caps': { features: { ...BUSY, pins: true, caps: false } },
  'capped-one-vm': { features: { demands: [0.25, 0.5, 1], pins: true, quotas: false, maxVms: 1 }, policies: ['credit', 'cfs', 'rr'] },
} as const satisfies Record<string, SetupClass>;

/** The setups of a class. */
export function classArb(c: SetupClass): fc.Arbitrary<Setup> {
  return setupArb(c.features, c.policies);
}

/** Both fidelities' answers for a setup, and the largest gap between them over the guest tasks, in CPUs. */
export function compare(setup: Setup, seconds: number, opts: RunOptions = {}): { gap: number; exact: number[]; fluid: number[] } {
  const exact = run(setup, 'exact', seconds, opts).tasks;
  const fluid = run(setup, 'fluid', seconds, opts).tasks;
  return { gap: exact.reduce((m, e, i) => Math.max(m, Math.abs(e - fluid[i]!) / (seconds * S)), 0), exact, fluid };
}

/** The largest gap between exact and fluid over the guest tasks, in CPUs, over `seconds`. */
export function gap(setup: Setup, seconds: number): number {
  return compare(setup, seconds).gap;
}
