// takeRateChanges and taskWaitUsec in both fidelities: the change-set covers every task whose rate
// moved (checked against a full scan of every task's rate after each command or advance, on random
// trees with limits, demand caps, capacities, wake-ups and blocks; fluid lists exactly those), the
// first call answers `all` (and exact's rebuilds), and taskWaitUsec equals taskStats' waitUsec
// without settling anything.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createGroupScheduler, type GroupFidelity, type GroupScheduler } from '../src/index.js';

const FIDELITIES: GroupFidelity[] = ['exact', 'fluid'];
const S = 1_000_000;

type Op =
  | { k: 'wake'; t: number; work: number | undefined }
  | { k: 'block'; t: number }
  | { k: 'demand'; t: number; d: number }
  | { k: 'limits'; g: number; weight: number; quota: number | null }
  | { k: 'capacity'; c: number; cap: number }
  | { k: 'advance'; dt: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ k: fc.constant('wake' as const), t: fc.nat(7), work: fc.option(fc.integer({ min: 1000, max: 400_000 }), { nil: undefined }) }),
  fc.record({ k: fc.constant('block' as const), t: fc.nat(7) }),
  fc.record({ k: fc.constant('demand' as const), t: fc.nat(7), d: fc.constantFrom(0.1, 0.25, 0.5, 0.8, 1) }),
  fc.record({ k: fc.constant('limits' as const), g: fc.nat(2), weight: fc.integer({ min: 1, max: 1000 }), quota: fc.constantFrom(null, 20_000, 60_000, 150_000) }),
  fc.record({ k: fc.constant('capacity' as const), c: fc.nat(2), cap: fc.constantFrom(0, 0.3, 0.7, 1) }),
  fc.record({ k: fc.constant('advance' as const), dt: fc.integer({ min: 1, max: 300_000 }) }),
);

function build(fidelity: GroupFidelity): GroupScheduler {
  const s = createGroupScheduler({ cpus: 3, fidelity, tick: 4000 });
  s.addGroup('/g0');
  s.addGroup('/g1', { weight: 300 });
  s.addGroup('/g1/g2');
  const groups = ['/', '/g0', '/g1', '/g1/g2'];
  for (let t = 0; t < 8; t++) s.addTask(`t${t}`, groups[t % 4]!, { runnable: t % 3 !== 0 });
  return s;
}

function apply(s: GroupScheduler, o: Op): void {
  const id = (t: number): string => `t${t}`;
  switch (o.k) {
    case 'wake':
      if (s.taskStats(id(o.t)).state === 'blocked') s.wake(id(o.t), o.work);
      return;
    case 'block':
      if (s.taskStats(id(o.t)).state === 'runnable') s.block(id(o.t));
      return;
    case 'demand':
      s.setTaskDemand(id(o.t), o.d);
      return;
    case 'limits':
      s.setGroupLimits(['/g0', '/g1', '/g1/g2'][o.g]!, { weight: o.weight, quota: o.quota, period: 100_000 });
      return;
    case 'capacity':
      s.setCpuCapacity(o.c, o.cap);
      return;
    case 'advance':
      s.advanceTo(s.now() + o.dt);
      return;
  }
}

describe.each(FIDELITIES)('takeRateChanges (%s)', (fidelity) => {
  it('the first call answers all; with nothing changed the next answers no task', () => {
    const s = build(fidelity);
    expect(s.takeRateChanges!()).toEqual({ all: true, tasks: [] });
    expect(s.takeRateChanges!()).toEqual({ all: false, tasks: [] });
  });

  it('a wake-up lists the woken task (known answer: alone on an idle machine it gets a whole CPU)', () => {
    const s = createGroupScheduler({ cpus: 2, fidelity });
    s.addTask('a', '/', { runnable: false });
    s.addTask('b', '/', { runnable: false });
    s.takeRateChanges!();
    s.wake('a');
    const c = s.takeRateChanges!();
    expect(c.all).toBe(false);
    expect(c.tasks).toContain('a');
    expect(s.taskStats('a').rate).toBe(1);
  });

  it('every task whose rate moved is listed (full scan cross-check on random command sequences)', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (ops) => {
        const s = build(fidelity);
        const ids = s.listTasks();
        expect(s.takeRateChanges!().all).toBe(true);
        let last = new Map(ids.map((id) => [id, s.taskStats(id).rate]));
        for (const o of ops) {
          apply(s, o);
          const c = s.takeRateChanges!();
          const listed = new Set(c.tasks);
          expect(listed.size).toBe(c.tasks.length);
          const now = new Map(ids.map((id) => [id, s.taskStats(id).rate]));
          for (const id of ids) {
            if (now.get(id) !== last.get(id)) expect(c.all || listed.has(id), `${id} moved ${String(last.get(id))} → ${String(now.get(id))} after ${JSON.stringify(o)}`).toBe(true);
          }
          // Fluid lists exactly the tasks that moved, in creation order, and never answers `all` again.
          if (fidelity === 'fluid') expect(c).toEqual({ all: false, tasks: ids.filter((id) => now.get(id) !== last.get(id)) });
          last = now;
        }
      }),
      { numRuns: 150, seed: fidelity === 'exact' ? 11 : 12 },
    );
  });
});

describe.each(FIDELITIES)('taskRate (%s)', (fidelity) => {
  it('equals taskStats(id).rate after every change, and throws NotFound for an unknown task', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 30 }), (ops) => {
        const s = build(fidelity);
        for (const o of ops) {
          apply(s, o);
          const ids = s.listTasks();
          expect(ids.map((id) => s.taskRate!(id))).toEqual(ids.map((id) => s.taskStats(id).rate));
        }
        expect(() => s.taskRate!('no-such-task')).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
      }),
      { numRuns: 80, seed: 6 },
    );
  });
});

describe.each(FIDELITIES)('taskWaitUsec (%s)', (fidelity) => {
  it('equals taskStats(id).waitUsec, read before and after a burst of changes at one instant', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 30 }), (ops) => {
        const s = build(fidelity);
        for (const o of ops) {
          apply(s, o);
          const before = s.listTasks().map((id) => s.taskWaitUsec!(id));
          expect(before).toEqual(s.listTasks().map((id) => s.taskStats(id).waitUsec));
          // By handle: the same figures (waiting and CPU time).
          expect(s.listTasks().map((id) => s.taskWaitUsecRef!(s.taskRef(id)))).toEqual(before);
          expect(s.listTasks().map((id) => s.taskCpuUsecRef!(s.taskRef(id)))).toEqual(s.listTasks().map((id) => s.taskStats(id).cpuUsec));
        }
      }),
      { numRuns: 80, seed: 5 },
    );
  });

  it('known answer: 2 busy tasks on 1 CPU for 1 s wait 0.5 s each; a removed task\'s handle is refused', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity, tick: 4000 });
    s.addTask('a', '/');
    s.addTask('b', '/');
    const gone = s.taskRef('b');
    s.advanceTo(S);
    for (const id of ['a', 'b']) expect(Math.abs(s.taskWaitUsec!(id) - S / 2)).toBeLessThanOrEqual(fidelity === 'fluid' ? 1 : 4000);
    s.removeTask('b');
    expect(() => s.taskCpuUsecRef!(gone)).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
    expect(() => s.taskWaitUsecRef!(gone)).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
  });
});
