// The fluid model's uncontended shortcuts against the same model with them turned off: on random
// trees and command sequences (tasks and groups added and removed, wake-ups, blocks, demands,
// weights, quotas, cpusets set and cleared, nice values, moves, CPU capacities, advances), light
// loads mostly (where the shortcuts apply) and heavy ones, both give bit for bit the same usage and
// wait, the same stats, events, next-event times and rate change-sets at every step. The shortcut
// counters prove the property is not vacuous.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createGroupScheduler, type GroupScheduler } from '../src/index.js';
import type { FluidGroupScheduler } from '../src/groups/fluid-group-scheduler.js';

type Op =
  | { k: 'toggle'; t: number; work: number | null }
  | { k: 'demand'; t: number; d: number }
  | { k: 'nice'; t: number; nice: number }
  | { k: 'move'; t: number; g: number }
  | { k: 'addTask'; g: number; demand: number; runnable: boolean; work: number | null }
  | { k: 'removeTask'; t: number }
  | { k: 'addGroup'; g: number }
  | { k: 'removeGroup'; g: number }
  | { k: 'weight'; g: number; weight: number }
  | { k: 'quota'; g: number; quota: number | null }
  | { k: 'cpus'; g: number; cpus: number[] | null }
  | { k: 'capacity'; c: number; cap: number }
  | { k: 'advance'; dt: number }
  | { k: 'groupStats'; g: number };

const DEMANDS = [0.05, 0.1, 0.25, 0.3, 0.5, 1 / 3, 0.7, 1];

const opArb = (cpus: number): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 12, arbitrary: fc.record({ k: fc.constant('toggle' as const), t: fc.nat(), work: fc.option(fc.integer({ min: 1, max: 50_000 }), { freq: 3 }) }) },
    { weight: 4, arbitrary: fc.record({ k: fc.constant('demand' as const), t: fc.nat(), d: fc.constantFrom(...DEMANDS) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('nice' as const), t: fc.nat(), nice: fc.integer({ min: -20, max: 19 }) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('move' as const), t: fc.nat(), g: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('addTask' as const), g: fc.nat(), demand: fc.constantFrom(...DEMANDS), runnable: fc.boolean(), work: fc.option(fc.integer({ min: 1, max: 50_000 }), { freq: 2 }) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('removeTask' as const), t: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('addGroup' as const), g: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('removeGroup' as const), g: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('weight' as const), g: fc.nat(), weight: fc.integer({ min: 1, max: 10_000 }) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('quota' as const), g: fc.nat(), quota: fc.option(fc.integer({ min: 1000, max: 300_000 }), { freq: 3 }) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('cpus' as const), g: fc.nat(), cpus: fc.option(fc.uniqueArray(fc.nat(cpus - 1), { minLength: 1, maxLength: cpus }), { freq: 3 }) }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('capacity' as const), c: fc.nat(cpus - 1), cap: fc.constantFrom(0, 0.1, 0.25, 0.5, 0.7, 1, 1, 1, 1, 1) }) },
    { weight: 8, arbitrary: fc.record({ k: fc.constant('advance' as const), dt: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 200_000 })) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('groupStats' as const), g: fc.nat() }) },
  );

const caseArb = fc.constantFrom(1, 2, 3, 4, 8, 16, 16).chain((cpus) =>
  fc.record({
    cpus: fc.constant(cpus),
    capacities: fc.option(fc.array(fc.constantFrom(0, 0.25, 0.5, 1, 1), { minLength: cpus, maxLength: cpus }), { freq: 2 }),
    tracking: fc.boolean(),
    // Without quotas and cpusets half the time: the trees the shortcuts are for.
    limited: fc.boolean(),
    ops: fc.array(opArb(cpus), { minLength: 1, maxLength: 150, size: 'max' }),
  }),
);

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

interface Internals {
  tasks: Map<string, { usage: number }>;
  pendingUsage(t: unknown): number;
  waitOf(t: unknown): number;
}

/** A task's usage and wait before rounding: the shortcuts must leave the very same floats. */
function raw(s: GroupScheduler, id: string): [number, number] {
  const m = s as unknown as Internals;
  const t = m.tasks.get(id)!;
  return [t.usage + m.pendingUsage(t), m.waitOf(t)];
}

/** Drives a model with the shortcuts and one without through the case, comparing at every step; returns how many shortcuts were taken. */
function replay(c: Case): [number, number] {
  const make = (fast: boolean): GroupScheduler => {
    const s = createGroupScheduler({ cpus: c.cpus, fidelity: 'fluid', ...(c.capacities === null ? {} : { cpuCapacity: c.capacities }) });
    (s as FluidGroupScheduler).fastPath = fast;
    return s;
  };
  const fast = make(true);
  const slow = make(false);
  const models = [fast, slow];
  // A starting tree: a host's shape (VM groups with one group per vCPU) and a guest's (flat cgroups).
  for (const m of models) {
    m.addGroup('/vm0');
    m.addGroup('/vm0/v0');
    m.addGroup('/vm0/v1');
    m.addGroup('/c0');
    m.addGroup('/c1', { weight: 50 });
    let n = 0;
    for (const g of ['/vm0/v0', '/vm0/v1', '/c0', '/c0', '/c1', '/']) m.addTask(`t${n++}`, g, { runnable: false, demand: DEMANDS[n % DEMANDS.length]! });
  }
  if (c.tracking) for (const m of models) m.takeRateChanges!();
  let nextTask = 0;
  let nextGroup = 0;
  let now = 0;
  const pick = <T,>(list: readonly T[], i: number): T | undefined => (list.length === 0 ? undefined : list[i % list.length]);
  for (const op of c.ops) {
    const tasks = fast.listTasks();
    const groups = fast.listGroups();
    const results = models.map((m): unknown => {
      switch (op.k) {
        case 'toggle': {
          const id = pick(tasks, op.t);
          if (id === undefined) return null;
          if (m.taskStats(id).state === 'runnable') m.block(id);
          else m.wake(id, op.work ?? undefined);
          return null;
        }
        case 'demand': {
          const id = pick(tasks, op.t);
          if (id !== undefined) m.setTaskDemand(id, op.d);
          return null;
        }
        case 'nice': {
          const id = pick(tasks, op.t);
          if (id !== undefined) m.setNice(id, op.nice);
          return null;
        }
        case 'move': {
          const id = pick(tasks, op.t);
          if (id !== undefined) m.moveTask(id, pick(groups, op.g)!);
          return null;
        }
        case 'addTask':
          m.addTask(`n${nextTask}`, pick(groups, op.g)!, { demand: op.demand, runnable: op.runnable, ...(op.runnable && op.work !== null ? { work: op.work } : {}) });
          return null;
        case 'removeTask': {
          const id = pick(tasks, op.t);
          if (id !== undefined) m.removeTask(id);
          return null;
        }
        case 'addGroup': {
          const parent = pick(groups, op.g)!;
          m.addGroup(`${parent === '/' ? '' : parent}/x${nextGroup}`);
          return null;
        }
        case 'removeGroup': {
          const path = pick(groups, op.g)!;
          try {
            m.removeGroup(path);
            return 'removed';
          } catch (e) {
            return (e as Error).name;
          }
        }
        case 'weight':
        case 'quota':
        case 'cpus': {
          const path = pick(groups, op.g)!;
          if (path === '/' || (!c.limited && op.k !== 'weight')) return null;
          const limits = op.k === 'weight' ? { weight: op.weight } : op.k === 'quota' ? { quota: op.quota, period: 100_000 } : { cpus: op.cpus };
          try {
            m.setGroupLimits(path, limits);
            return 'set';
          } catch (e) {
            return (e as Error).name;
          }
        }
        case 'capacity':
          m.setCpuCapacity(op.c, op.cap);
          return null;
        case 'advance':
          return m.advanceTo(now + op.dt);
        case 'groupStats':
          return m.groupStats(pick(groups, op.g)!);
      }
    });
    expect(results[0], `${op.k}`).toEqual(results[1]);
    if (op.k === 'advance') now += op.dt;
    if (op.k === 'addTask') nextTask++;
    if (op.k === 'addGroup') nextGroup++;
    // Same next event, change-set, stats and raw floats, read in the same order on both.
    expect(fast.nextEventTime()).toBe(slow.nextEventTime());
    if (c.tracking) expect(fast.takeRateChanges!()).toEqual(slow.takeRateChanges!());
    for (const id of fast.listTasks()) {
      expect(fast.taskStats(id), id).toEqual(slow.taskStats(id));
      expect(raw(fast, id), id).toEqual(raw(slow, id));
    }
    // Group stats (they account the subtree up to now: the same on both) every few steps.
    if (op.k === 'advance' || op.k === 'capacity') for (const p of fast.listGroups()) expect(fast.groupStats(p), p).toEqual(slow.groupStats(p));
  }
  const end = now + 1_000_000;
  expect(fast.advanceTo(end)).toEqual(slow.advanceTo(end));
  for (const id of fast.listTasks()) expect(raw(fast, id)).toEqual(raw(slow, id));
  for (const p of fast.listGroups()) expect(fast.groupStats(p)).toEqual(slow.groupStats(p));
  return [(fast as FluidGroupScheduler).shortcuts, (fast as FluidGroupScheduler).resyncs];
}

describe('fluid uncontended shortcuts', () => {
  it('leave bit for bit what the general path leaves, on random trees and commands', () => {
    let taken = 0;
    let resyncs = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const [a, b] = replay(c);
        taken += a;
        resyncs += b;
      }),
      { numRuns: 250 },
    );
    // Not vacuous: the shortcuts ran many times.
    expect(taken).toBeGreaterThan(3000);
    expect(resyncs).toBeGreaterThan(300);
  }, 600_000);

  it('known answer: light load on a host tree costs no split (rates are the demands, change-sets only the changed task)', () => {
    const s = createGroupScheduler({ cpus: 16, fidelity: 'fluid' });
    for (let v = 0; v < 8; v++) {
      s.addGroup(`/vm${v}`);
      for (let c = 0; c < 2; c++) {
        s.addGroup(`/vm${v}/vcpu${c}`);
        s.addTask(`vm${v}.${c}`, `/vm${v}/vcpu${c}`, { runnable: false, demand: 0.5 });
      }
    }
    expect(s.takeRateChanges!()).toEqual({ all: true, tasks: [] });
    s.wake('vm3.1');
    s.wake('vm5.0');
    expect(s.takeRateChanges!()).toEqual({ all: false, tasks: ['vm3.1', 'vm5.0'] });
    s.setTaskDemand('vm3.1', 0.75);
    expect(s.taskStats('vm3.1').rate).toBe(0.75);
    expect(s.taskStats('vm5.0').rate).toBe(0.5);
    expect(s.takeRateChanges!()).toEqual({ all: false, tasks: ['vm3.1'] });
    s.advanceTo(1_000_000);
    expect(s.taskCpuUsec('vm3.1')).toBe(750_000);
    expect(s.groupStats('/vm3').cpuUsec).toBe(750_000);
    s.block('vm5.0');
    expect(s.takeRateChanges!()).toEqual({ all: false, tasks: ['vm5.0'] });
    expect((s as FluidGroupScheduler).shortcuts).toBe(5);
  });

  it('known answer: with CPUs below capacity 1 a task runs at min(demand, its best CPU), and k tasks fit in the k best CPUs', () => {
    const s = createGroupScheduler({ cpus: 2, fidelity: 'fluid', cpuCapacity: [0.5, 0.5] });
    const f = s as FluidGroupScheduler;
    s.addGroup('/c0');
    s.addGroup('/c1');
    s.addTask('a', '/c0', { runnable: false, demand: 0.8 });
    s.addTask('b', '/c1', { runnable: false, demand: 0.3 });
    s.addTask('c', '/c0', { runnable: false, demand: 0.4 });
    s.wake('a');
    s.wake('b');
    expect([s.taskStats('a').rate, s.taskStats('b').rate, f.shortcuts]).toEqual([0.5, 0.3, 2]);
    // 0.5 + 0.3 + 0.4 > the two CPUs' 1.0: contended, the general path (equal weights: /c1 at its
    // 0.3, /c0 the other 0.7, shared 0.35 / 0.35 under caps 0.5 and 0.4).
    s.wake('c');
    expect(f.shortcuts).toBe(2);
    expect(s.taskStats('a').rate).toBeCloseTo(0.35, 12);
    expect(s.taskStats('c').rate).toBeCloseTo(0.35, 12);
    s.block('c');
    expect([s.taskStats('a').rate, s.taskStats('b').rate]).toEqual([0.5, 0.3]);
    // A CPU's capacity rises (its vCPU got a whole pCPU): the rebuild takes the shortcut; a's best CPU is now 1.
    s.setCpuCapacity(1, 1);
    expect([s.taskStats('a').rate, s.taskStats('b').rate, f.resyncs]).toEqual([0.8, 0.3, 1]);
    s.advanceTo(1_000_000);
    expect([s.taskCpuUsec('a'), s.taskCpuUsec('b')]).toEqual([800_000, 300_000]);
  });

  it('known answer: a binding quota in one subtree leaves the others on the shortcut', () => {
    const s = createGroupScheduler({ cpus: 4, fidelity: 'fluid' });
    s.addGroup('/capped', { quota: 50_000, period: 100_000 });
    s.addTask('hog1', '/capped');
    s.addTask('hog2', '/capped');
    s.addGroup('/light');
    s.addTask('web', '/light', { runnable: false, demand: 0.3 });
    s.advanceTo(1_000);
    expect(s.groupStats('/capped').throttled).toBe(true);
    const before = (s as FluidGroupScheduler).shortcuts;
    s.wake('web');
    expect((s as FluidGroupScheduler).shortcuts).toBe(before + 1);
    expect(s.taskStats('web').rate).toBe(0.3);
    expect(s.taskStats('hog1').rate).toBe(0.25);
    s.advanceTo(1_001_000);
    expect(s.taskCpuUsec('web')).toBe(300_000);
    expect(s.groupStats('/capped').cpuUsec).toBe(500_500);
    s.block('web');
    expect((s as FluidGroupScheduler).shortcuts).toBe(before + 2);
    // Waking a task under the binding quota is not a shortcut (its group's split is contended).
    s.addTask('hog3', '/capped', { runnable: false });
    s.wake('hog3');
    expect((s as FluidGroupScheduler).shortcuts).toBe(before + 2);
    expect(s.taskStats('hog3').rate).toBeCloseTo(1 / 6, 12);
  });
});
