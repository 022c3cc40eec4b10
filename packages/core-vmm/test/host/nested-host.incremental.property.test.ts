// The nested host's per-event shortcuts change no figure: a host that pushes capacities only to the
// vCPUs whose host rate moved (the scheduler's takeRateChanges) and visits only the guests due (guests
// that follow its clock) gives the same vCPU stats, guest task usage and host events as one that
// scans every vCPU and asks and advances every guest at every event — on random hosts, policies,
// fidelities, VMs, guest tasks and commands (VMs added and removed, settings changed, tasks woken,
// blocked and capped) over time.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { GroupFidelity } from '@strata/core-scheduler';
import { createNestedHost, createSchedulerGuest, type GuestCpus, type NestedHost, type SchedulerGuest, type VcpuPolicy, type VmCpuSpec } from '../../src/host/index.ts';

type Cmd =
  | { k: 'advance'; dt: number }
  | { k: 'add'; vcpus: number; weight: number; cap: number; priority: number; tasks: { d: number; work: number | null }[] }
  | { k: 'remove'; vm: number }
  | { k: 'set'; vm: number; weight: number; cap: number; priority: number }
  | { k: 'block'; vm: number; task: number }
  | { k: 'wake'; vm: number; task: number; work: number | null }
  | { k: 'demand'; vm: number; task: number; d: number };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant('advance' as const), dt: fc.integer({ min: 1, max: 400_000 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('add' as const),
      vcpus: fc.integer({ min: 1, max: 3 }),
      weight: fc.integer({ min: 1, max: 1024 }),
      cap: fc.constantFrom(0, 0, 50, 120),
      priority: fc.integer({ min: 0, max: 2 }),
      tasks: fc.array(fc.record({ d: fc.constantFrom(1, 1, 0.5, 0.3), work: fc.option(fc.integer({ min: 1000, max: 500_000 }), { nil: null }) }), { minLength: 0, maxLength: 4 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('remove' as const), vm: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('set' as const), vm: fc.nat(9), weight: fc.integer({ min: 1, max: 1024 }), cap: fc.constantFrom(0, 30, 100), priority: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('block' as const), vm: fc.nat(9), task: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('wake' as const), vm: fc.nat(9), task: fc.nat(3), work: fc.option(fc.integer({ min: 1000, max: 300_000 }), { nil: null }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('demand' as const), vm: fc.nat(9), task: fc.nat(3), d: fc.constantFrom(0.2, 0.6, 1) }) },
);

/** A guest without `follow`: the host asks and advances it at every event (it still moves work between its vCPUs). */
function polledView(g: SchedulerGuest): GuestCpus {
  const view: GuestCpus = {
    cpus: g.cpus,
    now: () => g.now(),
    connect: (l) => g.connect(l),
    setCpuCapacity: (c, x) => g.setCpuCapacity(c, x),
    nextEventTime: () => g.nextEventTime(),
    advanceTo: (t) => g.advanceTo(t),
  };
  if (g.settleDemands !== undefined) view.settleDemands = (rates) => g.settleDemands!(rates);
  return view;
}

interface Side {
  readonly host: NestedHost;
  readonly guests: Map<string, SchedulerGuest>;
}

function side(cpus: number, policy: VcpuPolicy, fidelity: GroupFidelity, incremental: boolean): Side {
  const host = createNestedHost({ cpus, policy, fidelity });
  // The old path: no change-set, so every vCPU is looked at in every pass.
  if (!incremental) (host.scheduler as { takeRateChanges?: unknown }).takeRateChanges = undefined;
  return { host, guests: new Map() };
}

function specOf(policy: VcpuPolicy, c: { vcpus?: number; weight: number; cap: number; priority: number }, vcpus: number): VmCpuSpec {
  switch (policy) {
    case 'credit':
      return { vcpus, weight: c.weight, cap: Math.min(c.cap, 100 * vcpus) };
    case 'cfs':
      return { vcpus, shares: Math.min(10000, c.weight) };
    case 'rr':
      return { vcpus };
    case 'priority':
      return { vcpus, priority: c.priority };
  }
}

/** Apply one command to a side; `names` is the shared list of live VM names (updated by the caller). */
function apply(s: Side, c: Cmd, names: string[], nextName: string, policy: VcpuPolicy, fidelity: GroupFidelity, incremental: boolean): void {
  const pick = (i: number): string | undefined => (names.length === 0 ? undefined : names[i % names.length]);
  switch (c.k) {
    case 'advance':
      s.host.advanceTo(s.host.now() + c.dt);
      return;
    case 'add': {
      const g = createSchedulerGuest({ cpus: c.vcpus, fidelity, start: s.host.now() });
      c.tasks.forEach((t, i) => g.addTask(`t${i}`, '/', t.work === null ? { demand: t.d } : { demand: t.d, work: t.work }));
      s.guests.set(nextName, g);
      s.host.addVm(nextName, specOf(policy, c, c.vcpus), incremental ? g : polledView(g));
      return;
    }
    case 'remove': {
      const vm = pick(c.vm);
      if (vm !== undefined) s.host.removeVm(vm);
      return;
    }
    case 'set': {
      const vm = pick(c.vm);
      if (vm === undefined) return;
      const { vcpus: _v, ...patch } = specOf(policy, c, s.guests.get(vm)!.cpus);
      s.host.setVmCpu(vm, patch);
      return;
    }
    case 'block':
    case 'wake':
    case 'demand': {
      const vm = pick(c.vm);
      if (vm === undefined) return;
      const g = s.guests.get(vm)!;
      const id = `t${c.task}`;
      const ids = g.scheduler.listTasks();
      if (!ids.includes(id)) return;
      const state = g.scheduler.taskStats(id).state;
      if (c.k === 'block' && state === 'runnable') g.block(id);
      if (c.k === 'wake' && state === 'blocked') g.wake(id, c.work ?? undefined);
      if (c.k === 'demand') g.setTaskDemand(id, c.d);
      return;
    }
  }
}

/** Everything observable: every live vCPU's stats and every guest task's usage. */
function observe(s: Side, names: readonly string[]): unknown {
  const out: unknown[] = [s.host.now()];
  for (const vm of names) {
    const g = s.guests.get(vm)!;
    for (let c = 0; c < g.cpus; c++) out.push(s.host.vcpuStats(vm, c), s.host.vcpuUsage(vm, c));
    for (const id of g.scheduler.listTasks()) out.push(g.scheduler.taskStats(id));
    out.push(g.now());
  }
  return out;
}

describe('nested host: incremental pushes and due-only guest visits equal the full scan', () => {
  it.each<[VcpuPolicy, GroupFidelity]>([
    ['credit', 'fluid'],
    ['cfs', 'fluid'],
    ['priority', 'fluid'],
    ['rr', 'exact'],
    ['credit', 'exact'],
  ])('%s, %s: identical vCPU stats, guest usage and events after every command', (policy, fidelity) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(cmd, { minLength: 1, maxLength: fidelity === 'exact' ? 18 : 30 }), (cpus, cmds) => {
        const a = side(cpus, policy, fidelity, true);
        const b = side(cpus, policy, fidelity, false);
        const names: string[] = [];
        let n = 0;
        for (const c of cmds) {
          const name = `vm${n}`;
          apply(a, c, names, name, policy, fidelity, true);
          apply(b, c, names, name, policy, fidelity, false);
          if (c.k === 'add') {
            names.push(name);
            n++;
          }
          if (c.k === 'remove' && names.length > 0) names.splice(c.vm % names.length, 1);
          expect(a.host.nextEventTime()).toBe(b.host.nextEventTime());
          expect(observe(a, names)).toEqual(observe(b, names));
        }
        const end = a.host.now() + 500_000;
        expect(a.host.advanceTo(end)).toEqual(b.host.advanceTo(end));
        expect(observe(a, names)).toEqual(observe(b, names));
      }),
      { numRuns: fidelity === 'exact' ? 25 : 40, seed: 7 },
    );
  });
});
