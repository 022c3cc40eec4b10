// Dedicated pCPUs (README): while every vCPU has a pCPU of its own (fluid, not priority, no more
// vCPUs than pCPUs, no cap, quota or pin), the host keeps each vCPU's rate itself instead of asking its
// scheduler. It must give what the scheduler gives: the same capacities, rates, CPU and steal per
// vCPU and the same guest work, also across switches in and out (a VM added beyond the pCPUs, a cap
// set and lifted, a VM removed).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createNestedHost, createSchedulerGuest, type NestedHost, type SchedulerGuest, type VcpuPolicy, type VmCpuSpec } from '../../src/host/index.ts';

const S = 1_000_000;

type Op =
  | { readonly kind: 'toggle'; readonly vm: number; readonly task: number }
  | { readonly kind: 'add'; readonly vcpus: number }
  | { readonly kind: 'remove'; readonly vm: number }
  | { readonly kind: 'cap'; readonly vm: number; readonly on: boolean };

interface Setup {
  readonly cpus: number;
  readonly policy: VcpuPolicy;
  readonly speed: number;
  /** Per VM: vCPUs and its guest tasks' demand caps. */
  readonly vms: readonly { readonly vcpus: number; readonly tasks: readonly number[] }[];
  readonly steps: readonly { readonly dt: number; readonly op: Op }[];
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('toggle' as const), vm: fc.nat(3), task: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('add' as const), vcpus: fc.integer({ min: 1, max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), vm: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cap' as const), vm: fc.nat(3), on: fc.boolean() }) },
);

const setupArb: fc.Arbitrary<Setup> = fc.record({
  cpus: fc.integer({ min: 2, max: 6 }),
  policy: fc.constantFrom<VcpuPolicy>('credit', 'cfs', 'rr'),
  speed: fc.constantFrom(1, 0.5),
  vms: fc.array(fc.record({ vcpus: fc.integer({ min: 1, max: 2 }), tasks: fc.array(fc.constantFrom(1, 0.5, 0.25), { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: 3 }),
  steps: fc.array(fc.record({ dt: fc.integer({ min: 0, max: 300_000 }), op: opArb }), { minLength: 1, maxLength: 25 }),
});

interface Vm {
  readonly name: string;
  readonly vcpus: number;
  readonly guest: SchedulerGuest;
  readonly tasks: number;
  /** Guest tasks runnable now. */
  readonly on: boolean[];
}

/** Everything observable after each step: per vCPU its stats, per guest task its CPU time. */
function run(setup: Setup, fastPath: boolean): number[][] {
  const host = createNestedHost({ cpus: setup.cpus, policy: setup.policy, speed: setup.speed, dedicatedFastPath: fastPath });
  const vms: Vm[] = [];
  let made = 0;
  const add = (vcpus: number, tasks: readonly number[]): void => {
    const name = `vm${made++}`;
    const guest = createSchedulerGuest({ cpus: vcpus, fidelity: 'fluid', start: host.now() });
    tasks.forEach((demand, t) => guest.addTask(`t${t}`, '/', { demand }));
    host.addVm(name, { vcpus }, guest);
    vms.push({ name, vcpus, guest, tasks: tasks.length, on: tasks.map(() => true) });
  };
  for (const vm of setup.vms) add(vm.vcpus, vm.tasks);
  const seen: number[][] = [];
  for (const { dt, op } of setup.steps) {
    host.advanceTo(host.now() + dt);
    const vm = vms.length === 0 ? undefined : vms[((op as { vm?: number }).vm ?? 0) % vms.length];
    if (op.kind === 'toggle' && vm !== undefined) {
      const t = op.task % vm.tasks;
      vm.on[t] = !vm.on[t];
      if (vm.on[t]) vm.guest.wake(`t${t}`);
      else vm.guest.block(`t${t}`);
    } else if (op.kind === 'add') add(op.vcpus, [1]);
    else if (op.kind === 'remove' && vm !== undefined && vms.length > 1) {
      host.removeVm(vm.name);
      vms.splice(vms.indexOf(vm), 1);
    } else if (op.kind === 'cap' && vm !== undefined) {
      // A credit cap, a cfs quota, an rr pin: set (the shortcut ends) or lifted (it may come back).
      const pin = Array.from({ length: vm.vcpus }, () => (op.on ? [0] : null));
      const patch: Partial<VmCpuSpec> = setup.policy === 'credit' ? { cap: op.on ? 50 * vm.vcpus : 0 } : setup.policy === 'cfs' ? { quota: op.on ? 50_000 : undefined, period: 100_000 } : { pin };
      host.setVmCpu(vm.name, patch);
    }
    seen.push(observe(host, vms));
  }
  host.advanceTo(host.now() + 500_000);
  seen.push(observe(host, vms));
  return seen;
}

/** After a step: the time; per vCPU its CPU (stats and usage), steal (both), rate and capacity; per guest task its CPU. */
function observe(host: NestedHost, vms: readonly Vm[]): number[] {
  const out: number[] = [host.now()];
  for (const vm of vms) {
    for (let c = 0; c < vm.vcpus; c++) {
      const s = host.vcpuStats(vm.name, c);
      const u = host.vcpuUsage(vm.name, c);
      out.push(s.hostCpuUsec, u.hostCpuUsec, s.stealUsec, u.stealUsec, s.rate, s.capacity, s.held ? 1 : 0);
    }
    for (let t = 0; t < vm.tasks; t++) out.push(vm.guest.scheduler.taskStats(`t${t}`).cpuUsec);
  }
  return out;
}

/** Equal, but for 1 µs where CPU µs are two sums rounded apart on the shortcut (the scheduler's part and the host's). */
function expectSame(fast: number[][], slow: number[][]): void {
  expect(fast.length).toBe(slow.length);
  fast.forEach((row, i) => {
    expect(row.length).toBe(slow[i]!.length);
    row.forEach((x, j) => {
      if (Math.abs(x - slow[i]![j]!) > 1) expect({ step: i, at: j, fast: row }).toEqual({ step: i, at: j, fast: slow[i] });
    });
  });
}

describe('dedicated pCPUs (every vCPU a pCPU of its own)', () => {
  it('give what the host scheduler gives: capacities, rates, CPU and steal per vCPU, guest work, across switches in and out', () => {
    fc.assert(
      fc.property(setupArb, (setup) => {
        expectSame(run(setup, true), run(setup, false));
      }),
      { numRuns: 150, seed: 20261127 },
    );
  });

  it('known answer: 3 VMs of 1 vCPU on 4 pCPUs, a guest task at 0.5 and two busy ones: each vCPU gets its demand and steals nothing', () => {
    const host = createNestedHost({ cpus: 4, policy: 'credit' });
    const guests = [0.5, 1, 1].map((demand, i) => {
      const g = createSchedulerGuest({ cpus: 1, fidelity: 'fluid' });
      g.addTask('t', '/', { demand });
      host.addVm(`vm${i}`, { vcpus: 1 }, g);
      return g;
    });
    host.advanceTo(10 * S);
    expect(guests.map((g) => g.scheduler.taskStats('t').cpuUsec)).toEqual([5 * S, 10 * S, 10 * S]);
    expect([0, 1, 2].map((i) => host.vcpuStats(`vm${i}`, 0))).toMatchObject([
      { hostCpuUsec: 5 * S, stealUsec: 0, rate: 0.5 },
      { hostCpuUsec: 10 * S, stealUsec: 0, rate: 1 },
      { hostCpuUsec: 10 * S, stealUsec: 0, rate: 1 },
    ]);
    // A fourth VM of 2 vCPUs (5 vCPUs on 4 pCPUs): the scheduler shares from now on; what was used stays.
    const g = createSchedulerGuest({ cpus: 2, fidelity: 'fluid', start: host.now() });
    g.addTask('a', '/');
    g.addTask('b', '/');
    host.addVm('vm3', { vcpus: 2 }, g);
    host.advanceTo(20 * S);
    const busy = [0, 1, 2].map((i) => host.vcpuStats(`vm${i}`, 0).hostCpuUsec);
    const total = busy.reduce((a, b) => a + b, 0) + host.vcpuStats('vm3', 0).hostCpuUsec + host.vcpuStats('vm3', 1).hostCpuUsec;
    expect(total).toBe(25 * S + 4 * 10 * S); // 25 s before; then the 4 pCPUs busy for 10 s (vm0 still 0.5)
    // Credit shares by VM: vm1 and vm2 keep a pCPU each, vm3's two vCPUs share 1.5 (0.25 steal each).
    expect(host.vcpuStats('vm1', 0).stealUsec).toBe(0);
    for (const c of [0, 1]) expect(host.vcpuStats('vm3', c).stealUsec).toBe(2.5 * S);
  });
});
