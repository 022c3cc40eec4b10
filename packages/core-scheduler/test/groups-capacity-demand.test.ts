// CPU capacity (setCpuCapacity, the cpuCapacity option) and demand caps (setTaskDemand, the demand
// option) in both fidelities: hand-computed answers, wait (run_delay) accounting, bad input, the
// cost of a demand change in fluid, and exact against fluid on random trees with random
// capacities, capacity changes and demand caps.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValidationError } from '@strata/shared-types';
import { createGroupScheduler, type GroupFidelity, type GroupScheduler } from '../src/index.js';

const FIDELITIES: GroupFidelity[] = ['exact', 'fluid'];
const S = 1_000_000;

/** Exact answers hold to a few ticks over a run; fluid ones to the µs. */
const slack = (f: GroupFidelity, duration: number): number => (f === 'fluid' ? 1 : duration * 0.002);

describe.each(FIDELITIES)('capacity (%s)', (fidelity) => {
  it('2 CPUs at capacity 0.5 and 2 busy tasks: each gets 0.5 CPU-s per s and waits 0', () => {
    const s = createGroupScheduler({ cpus: 2, fidelity, cpuCapacity: [0.5, 0.5] });
    s.addTask('a', '/');
    s.addTask('b', '/');
    s.advanceTo(10 * S);
    for (const id of ['a', 'b']) {
      const st = s.taskStats(id);
      expect(Math.abs(st.cpuUsec - 5 * S)).toBeLessThanOrEqual(slack(fidelity, 10 * S));
      expect(st.waitUsec).toBeLessThanOrEqual(slack(fidelity, 10 * S));
      expect(st.rate).toBe(0.5);
    }
    expect(s.groupStats('/').cpuUsec).toBe(10 * S);
    expect([s.cpuCapacity(0), s.cpuCapacity(1)]).toEqual([0.5, 0.5]);
  });

  it('3 busy tasks on 2 CPUs at 0.5: 1/3 CPU each, waiting 1/3 of the time (on a CPU 2/3 of it)', () => {
    const s = createGroupScheduler({ cpus: 2, fidelity, cpuCapacity: [0.5, 0.5] });
    for (const id of ['a', 'b', 'c']) s.addTask(id, '/');
    s.advanceTo(12 * S);
    for (const id of ['a', 'b', 'c']) {
      const st = s.taskStats(id);
      expect(Math.abs(st.cpuUsec - 4 * S)).toBeLessThanOrEqual(slack(fidelity, 12 * S) * 5);
      expect(Math.abs(st.waitUsec - 4 * S)).toBeLessThanOrEqual(slack(fidelity, 12 * S) * 10);
    }
  });

  it('a capacity change mid-run takes effect at its instant: 1 s at 1, 2 s at 0.25, 1 s at 1 → 2.5 CPU-s', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity });
    s.addTask('t', '/');
    s.advanceTo(1 * S);
    s.setCpuCapacity(0, 0.25);
    s.advanceTo(3 * S);
    expect(s.taskStats('t').cpuUsec).toBe(1.5 * S);
    s.setCpuCapacity(0, 1);
    s.advanceTo(4 * S);
    expect(s.taskStats('t').cpuUsec).toBe(2.5 * S);
    expect(s.taskStats('t').waitUsec).toBe(0);
  });

  it('work finishes later on a slower CPU, split at the change: 10 ms of work, capacity 0.5 from 3 ms → done at 17 ms', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity });
    s.addTask('t', '/', { work: 10_000 });
    s.advanceTo(3_000);
    s.setCpuCapacity(0, 0.5);
    expect(s.nextEventTime()).toBe(fidelity === 'fluid' ? 17_000 : 4_000);
    expect(s.advanceTo(20_000)).toEqual([{ type: 'task.work_done', time: 17_000, task: 't' }]);
    expect(s.taskStats('t').cpuUsec).toBe(10_000);
  });

  it('capacity 0 stops progress (a descheduled vCPU) and work waits for it; the task is not waiting', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity });
    s.addTask('t', '/');
    s.addTask('w', '/', { work: 2 * S });
    s.advanceTo(1 * S);
    const before = [s.taskStats('t').cpuUsec, s.taskStats('w').cpuUsec];
    s.setCpuCapacity(0, 0);
    expect(s.advanceTo(5 * S)).toEqual([]);
    expect([s.taskStats('t').cpuUsec, s.taskStats('w').cpuUsec]).toEqual(before);
    expect(s.groupStats('/').rate).toBe(0);
    s.setCpuCapacity(0, 1);
    const events = s.advanceTo(10 * S);
    expect(events.map((e) => e.type)).toEqual(['task.work_done']);
    expect(s.taskStats('w').cpuUsec).toBe(2 * S);
  });

  it('unequal capacities: 2 busy tasks on CPUs of 1 and 0.5 share 1.5 CPUs; on 1, 0.5, 0.5 two tasks still get only 1.5', () => {
    const s = createGroupScheduler({ cpus: 2, fidelity, cpuCapacity: [0.5, 1] });
    s.addTask('a', '/');
    s.addTask('b', '/');
    s.advanceTo(10 * S);
    for (const id of ['a', 'b']) expect(Math.abs(s.taskStats(id).cpuUsec - 7.5 * S)).toBeLessThanOrEqual(slack(fidelity, 10 * S) * 5);
    const t = createGroupScheduler({ cpus: 3, fidelity, cpuCapacity: [1, 0.5, 0.5] });
    t.addTask('a', '/');
    t.addTask('b', '/');
    t.advanceTo(10 * S);
    expect(Math.abs(t.groupStats('/').cpuUsec - 15 * S)).toBeLessThanOrEqual(slack(fidelity, 10 * S) * 5);
  });

  it('a cpuset on a slow CPU caps its group at that CPU’s capacity, and its task at it', () => {
    const s = createGroupScheduler({ cpus: 2, fidelity, cpuCapacity: [1, 0.25] });
    s.addGroup('/slow', { cpus: [1] });
    s.addTask('x', '/slow');
    s.addTask('y', '/');
    s.advanceTo(8 * S);
    expect(Math.abs(s.taskStats('x').cpuUsec - 2 * S)).toBeLessThanOrEqual(slack(fidelity, 8 * S) * 5);
    expect(Math.abs(s.taskStats('y').cpuUsec - 8 * S)).toBeLessThanOrEqual(slack(fidelity, 8 * S) * 5);
  });

  it('a quota shows as wait: 50% alone on 1 CPU waits half the time', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity });
    s.addGroup('/q', { quota: 50_000, period: 100_000 });
    s.addTask('t', '/q');
    s.advanceTo(10 * S);
    expect(Math.abs(s.taskStats('t').waitUsec - 5 * S)).toBeLessThanOrEqual(slack(fidelity, 10 * S) * 5);
  });
});

describe.each(FIDELITIES)('demand caps (%s)', (fidelity) => {
  it('demand 0.3 beside a busy task on 1 CPU: 0.3 and 0.7; the capped task does not wait, the busy one waits 0.3', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity });
    s.addTask('v', '/', { demand: 0.3 });
    s.addTask('b', '/');
    s.advanceTo(10 * S);
    const [v, b] = [s.taskStats('v'), s.taskStats('b')];
    expect(v.demand).toBe(0.3);
    if (fidelity === 'fluid') {
      expect([v.cpuUsec, b.cpuUsec, v.waitUsec, b.waitUsec]).toEqual([3 * S, 7 * S, 0, 3 * S]);
    } else {
      expect(Math.abs(v.cpuUsec - 3 * S)).toBeLessThanOrEqual(0.001 * 10 * S);
      expect(Math.abs(b.cpuUsec - 7 * S)).toBeLessThanOrEqual(0.001 * 10 * S);
      expect(Math.abs(b.waitUsec - 3 * S)).toBeLessThanOrEqual(0.001 * 10 * S);
      // A documented difference (README): exact's capped task is picked at its fair rate, tick by
      // tick, so it sits runnable with a backlog about a fifth of the time; fluid serves it at once.
      expect(v.waitUsec).toBeGreaterThan(0.1 * 10 * S);
      expect(v.waitUsec).toBeLessThan(0.25 * 10 * S);
    }
  });

  it('alone, a task never takes more than its demand, and is never waiting', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity });
    s.addTask('v', '/', { demand: 0.25 });
    s.advanceTo(4 * S);
    expect(Math.abs(s.taskStats('v').cpuUsec - S)).toBeLessThanOrEqual(slack(fidelity, 4 * S));
    expect(s.taskStats('v').waitUsec).toBe(0);
  });

  it('water-filling redistributes: demand 0.2 beside two equal tasks → 0.2, 0.4, 0.4; a heavy task capped at 0.5 leaves 0.5', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity });
    s.addTask('c', '/', { demand: 0.2 });
    s.addTask('d', '/');
    s.addTask('e', '/');
    s.advanceTo(10 * S);
    const got = ['c', 'd', 'e'].map((id) => s.taskStats(id).cpuUsec);
    [2 * S, 4 * S, 4 * S].forEach((want, i) => expect(Math.abs(got[i]! - want)).toBeLessThanOrEqual(fidelity === 'fluid' ? 1 : 0.005 * 10 * S));
    // nice -5 (3121) against nice 0 (1024) would get 0.753; capped at 0.5 it gets 0.5, the other 0.5.
    const t = createGroupScheduler({ cpus: 1, fidelity });
    t.addTask('h', '/', { nice: -5, demand: 0.5 });
    t.addTask('l', '/');
    t.advanceTo(10 * S);
    for (const id of ['h', 'l']) expect(Math.abs(t.taskStats(id).cpuUsec - 5 * S)).toBeLessThanOrEqual(fidelity === 'fluid' ? 1 : 0.005 * 10 * S);
  });

  it('in groups: /A (1 task, demand 0.4) and /B (2 tasks) on 2 CPUs → /A 0.4, /B 1.6', () => {
    const s = createGroupScheduler({ cpus: 2, fidelity });
    s.addGroup('/A');
    s.addGroup('/B');
    s.addTask('a', '/A', { demand: 0.4 });
    s.addTask('b1', '/B');
    s.addTask('b2', '/B');
    s.advanceTo(10 * S);
    expect(Math.abs(s.groupStats('/A').cpuUsec - 4 * S)).toBeLessThanOrEqual(fidelity === 'fluid' ? 1 : 0.005 * 10 * S);
    expect(Math.abs(s.groupStats('/B').cpuUsec - 16 * S)).toBeLessThanOrEqual(fidelity === 'fluid' ? 1 : 0.005 * 10 * S);
  });

  it('setTaskDemand mid-run, and demand below a slow CPU’s capacity', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity });
    s.addTask('v', '/');
    s.addTask('b', '/');
    s.advanceTo(2 * S); // 1 s each
    s.setTaskDemand('v', 0.1);
    s.advanceTo(12 * S); // v 0.1, b 0.9 for 10 s
    expect(Math.abs(s.taskStats('v').cpuUsec - 2 * S)).toBeLessThanOrEqual(fidelity === 'fluid' ? 1 : 0.005 * 12 * S);
    s.setTaskDemand('v', 1);
    s.advanceTo(14 * S);
    expect(Math.abs(s.taskStats('v').cpuUsec - 3 * S)).toBeLessThanOrEqual(fidelity === 'fluid' ? 1 : 0.005 * 14 * S);
    // Demand 0.8 on a CPU of capacity 0.5: it gets 0.5 and, running all the time, waits 0.
    const t = createGroupScheduler({ cpus: 1, fidelity, cpuCapacity: [0.5] });
    t.addTask('v', '/', { demand: 0.8 });
    t.advanceTo(4 * S);
    expect(t.taskStats('v').cpuUsec).toBe(2 * S);
    expect(t.taskStats('v').waitUsec).toBe(0);
  });
});

describe('a demand cap is a rate per wall-clock µs: what its CPUs could not run while off is repaid', () => {
  /** 2 CPUs whose capacities go 1, 1 for 30 ms, then 0, 0 for 30 ms (a VM's vCPUs under 30 ms host slices), or constant 0.5. */
  function onOff(fidelity: GroupFidelity, constant: boolean): number[] {
    const s = createGroupScheduler({ cpus: 2, fidelity, tick: 4_000 });
    [0.25, 1, 0.25, 1].forEach((demand, i) => s.addTask(`t${i}`, '/', { demand }));
    if (constant) {
      s.setCpuCapacity(0, 0.5);
      s.setCpuCapacity(1, 0.5);
      s.advanceTo(20 * S);
    } else {
      for (let t = 0, k = 0; t < 20 * S; t += 30_000, k++) {
        s.setCpuCapacity(0, k % 2 === 0 ? 1 : 0);
        s.setCpuCapacity(1, k % 2 === 0 ? 1 : 0);
        s.advanceTo(t + 30_000);
      }
    }
    return [0, 1, 2, 3].map((i) => s.taskStats(`t${i}`).cpuUsec / (20 * S));
  }

  it('exact: tasks 0.25, 1, 0.25, 1 on 2 CPUs on half the time get 0.25 each, as on CPUs of constant capacity 0.5 (was 0.125 / 0.375)', () => {
    for (const got of [onOff('exact', false), onOff('exact', true), onOff('fluid', true)]) {
      for (const x of got) expect(Math.abs(x - 0.25)).toBeLessThan(0.002);
    }
  });

  it('fluid serves the rate at each instant, with no backlog: under the same on/off capacity 0.125 / 0.375 (README: a stated difference)', () => {
    const got = onOff('fluid', false);
    [0.125, 0.375, 0.125, 0.375].forEach((want, i) => expect(Math.abs(got[i]! - want)).toBeLessThan(0.002));
  });

  it.each(FIDELITIES)('%s: a task resuming from a halt preempts no one: demands 1, 0.5, 0.25 on 2 CPUs → 1, 0.5, 0.25', (fidelity) => {
    const s = createGroupScheduler({ cpus: 2, fidelity });
    [1, 0.5, 0.25].forEach((demand, i) => s.addTask(`t${i}`, '/', { demand }));
    s.advanceTo(20 * S);
    [1, 0.5, 0.25].forEach((want, i) => expect(Math.abs(s.taskStats(`t${i}`).cpuUsec / (20 * S) - want)).toBeLessThan(0.002));
  });

  it('a task blocked for a long time wakes with one burst of backlog, not its whole bucket (no work arrived while it slept)', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity: 'exact' });
    s.addTask('v', '/', { demand: 0.25 });
    s.addTask('b', '/');
    s.advanceTo(1 * S);
    s.block('v');
    s.advanceTo(5 * S);
    const before = s.taskStats('v').cpuUsec;
    s.wake('v');
    s.advanceTo(6 * S);
    // 0.25 of the second, plus at most a tick's worth of burst.
    expect(s.taskStats('v').cpuUsec - before).toBeLessThanOrEqual(0.25 * S + 0.25 * s.tick + 1);
  });
});

describe('exact: capped tasks take turns beside busy ones on CPUs halted while idle', () => {
  it('two 0.5 tasks share the third CPU while two busy tasks keep theirs: 0.5, 0.5, 1, 1', () => {
    // A host that runs a CPU while a task is on it or waits for one and halts it otherwise (a nested
    // guest's vCPUs). The two capped tasks resumed at one tick with every lag 0: all deadlines tied,
    // the tie went to the least CPU time, so both capped tasks ran while a busy one waited a tick,
    // then both halted and a CPU idled: exact gave 0.875 to each busy task. Equal deadlines go to a
    // task that uses a whole CPU first: a capped task that waits keeps its backlog.
    const s = createGroupScheduler({ cpus: 3, fidelity: 'exact', tick: 4000, cpuCapacity: [0, 0, 0] });
    [0.5, 0.5, 1, 1].forEach((d, i) => s.addTask(`t${i}`, '/', { demand: d }));
    const host = (): void => {
      // Twice: a CPU run at once may pick a waiting task, which kicks another.
      for (let pass = 0; pass < 2; pass++) {
        const occ = s.cpuOccupancy!();
        let kick = occ.waiting;
        for (let c = 0; c < 3; c++) {
          let run = occ.running[c] === true;
          if (!run && kick > 0) {
            run = true;
            kick--;
          }
          if (s.cpuCapacity(c) !== (run ? 1 : 0)) s.setCpuCapacity(c, run ? 1 : 0);
        }
      }
    };
    host();
    for (let t = s.nextEventTime(); t <= 20 * 1e6; t = s.nextEventTime()) {
      s.advanceTo(t);
      host();
    }
    s.advanceTo(20 * 1e6);
    const got = [0, 1, 2, 3].map((i) => s.taskStats(`t${i}`).cpuUsec / 20e6);
    [0.5, 0.5, 1, 1].forEach((want, i) => expect(Math.abs(got[i]! - want), `t${i}: ${got[i]}`).toBeLessThan(0.01));
  });
});

describe('cpuOccupancy: which CPUs run a task, how many tasks wait', () => {
  it('exact: a task on each CPU, the third waits; a halted capped task leaves its CPU idle; a task on a CPU at capacity 0 still occupies it', () => {
    const s = createGroupScheduler({ cpus: 2, fidelity: 'exact' });
    for (const id of ['a', 'b', 'c']) s.addTask(id, '/');
    expect(s.cpuOccupancy!()).toEqual({ running: [true, true], waiting: 1 });
    s.removeTask('c');
    s.setCpuCapacity(1, 0);
    expect(s.cpuOccupancy!()).toEqual({ running: [true, true], waiting: 0 });
    const t = createGroupScheduler({ cpus: 2, fidelity: 'exact' });
    t.addTask('v', '/', { demand: 0.25 });
    t.advanceTo(1_400); // its first burst (a quarter tick's worth, 1 ms, drained at 0.75 per µs) is over at 1,334 µs
    expect(t.cpuOccupancy!()).toEqual({ running: [false, false], waiting: 0 });
  });

  it('fluid places nothing: the first k CPUs for the k tasks with a rate', () => {
    const s = createGroupScheduler({ cpus: 3, fidelity: 'fluid' });
    s.addTask('a', '/');
    s.addTask('b', '/', { demand: 0.2 });
    expect(s.cpuOccupancy!()).toEqual({ running: [true, true, false], waiting: 0 });
  });
});

describe('bad input is refused with a ValidationError naming the field, and changes nothing', () => {
  it.each(FIDELITIES)('%s', (fidelity) => {
    const s = createGroupScheduler({ cpus: 2, fidelity, cpuCapacity: [1, 0.5] });
    s.addTask('t', '/', { demand: 0.5 });
    s.advanceTo(1_000);
    const refuse = (f: () => void, path: string, range: RegExp): void => {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).details).toMatchObject({ path });
      expect((err as Error).message).toMatch(range);
    };
    for (const bad of [NaN, -0.1, 1.01, Infinity, '0.5' as unknown as number]) refuse(() => s.setCpuCapacity(1, bad), 'capacity', /from 0 to 1/);
    for (const cpu of [2, -1, 0.5, NaN]) refuse(() => s.setCpuCapacity(cpu, 0.5), 'cpu', /0 to 1\b/);
    for (const bad of [0, -0.5, 1.5, NaN, Infinity]) refuse(() => s.setTaskDemand('t', bad), 'demand', /above 0 and at most 1/);
    refuse(() => s.addTask('u', '/', { demand: 0 }), 'demand', /above 0 and at most 1/);
    refuse(() => createGroupScheduler({ cpus: 2, fidelity, cpuCapacity: [1] }), 'cpuCapacity', /2 capacities/);
    refuse(() => createGroupScheduler({ cpus: 2, fidelity, cpuCapacity: [1, 2] }), 'cpuCapacity[1]', /from 0 to 1/);
    expect([s.cpuCapacity(0), s.cpuCapacity(1)]).toEqual([1, 0.5]);
    expect(s.taskStats('t').demand).toBe(0.5);
    expect(s.listTasks()).toEqual(['t']);
    expect(() => s.setTaskDemand('nope', 0.5)).toThrow(/nope/);
  });
});

describe('a demand change costs O(depth) in fluid, like a wake-up', () => {
  it('1,000 tasks in 100 groups on 4 CPUs: setTaskDemand costs about what a block and a wake do', () => {
    const s = createGroupScheduler({ cpus: 4, fidelity: 'fluid' });
    for (let g = 0; g < 100; g++) {
      s.addGroup(`/g${g}`);
      for (let i = 0; i < 10; i++) s.addTask(`t${g}.${i}`, `/g${g}`);
    }
    s.advanceTo(1_000);
    s.nextEventTime();
    const cost = (f: () => void): number => {
      const before = s.steps();
      f();
      s.nextEventTime(); // flush the instant
      return s.steps() - before;
    };
    const wake = cost(() => s.block('t50.3')) + cost(() => s.wake('t50.3'));
    const demand = cost(() => s.setTaskDemand('t50.3', 0.5));
    expect(demand).toBeLessThanOrEqual(wake + 10);
    expect(demand).toBeLessThan(100); // a rebuild would visit 1,100 entities
    // A capacity change rebuilds (rare per CPU): it visits the whole tree.
    expect(cost(() => s.setCpuCapacity(1, 0.5))).toBeGreaterThan(1_000);
  });
});

// ---- exact against fluid ------------------------------------------------------------------------

interface TaskGen {
  nice: number;
  demand: number | null;
}
interface GroupGen {
  weight: number;
  tasks: TaskGen[];
  groups: GroupGen[];
}
interface CapChange {
  at: number;
  capacity: number;
}

const capacityArb = fc.constantFrom(0, 0.25, 0.5, 0.75, 1, 1);
const taskArb = (demands: boolean): fc.Arbitrary<TaskGen> =>
  fc.record({
    nice: fc.integer({ min: -10, max: 10 }),
    demand: demands ? fc.option(fc.constantFrom(0.1, 0.25, 0.3, 0.5, 0.7, 0.9), { freq: 2 }) : fc.constant(null),
  });
const groupArb = (depth: number, demands: boolean): fc.Arbitrary<GroupGen> =>
  fc.record({
    weight: fc.integer({ min: 10, max: 1000 }),
    tasks: fc.array(taskArb(demands), { maxLength: 3 }),
    groups: depth === 0 ? fc.constant([]) : fc.array(groupArb(depth - 1, demands), { maxLength: 2 }),
  });
/**
 * `uniform`: every CPU has the same capacity at any time (changes set them all), where the fluid
 * model is exact, with demand caps; otherwise unequal fixed capacities without demand caps (the
 * caller keeps the cases fluid can serve; with demand caps too, exact's greedy placement cannot
 * always realise fluid's servable rates: pinned below).
 */
const convergenceArb = (uniform: boolean) =>
  fc.integer({ min: 1, max: 3 }).chain((cpus) =>
    fc.record({
      cpus: fc.constant(cpus),
      capacities: uniform ? capacityArb.map((x) => new Array<number>(cpus).fill(x)) : fc.array(capacityArb, { minLength: cpus, maxLength: cpus }),
      rootTasks: fc.array(taskArb(uniform), { maxLength: 2 }),
      groups: fc.array(groupArb(1, uniform), { minLength: 1, maxLength: 3 }),
      changes: uniform ? fc.array(fc.record({ at: fc.integer({ min: 1, max: 19_000 }), capacity: capacityArb }), { maxLength: 3 }) : fc.constant([]),
      demandChanges: uniform ? fc.array(fc.record({ at: fc.integer({ min: 1, max: 19_000 }), task: fc.nat(), demand: fc.constantFrom(0.2, 0.5, 1) }), { maxLength: 2 }) : fc.constant([]),
    }),
  );

type ConvergenceCase = ReturnType<typeof convergenceArb> extends fc.Arbitrary<infer T> ? T : never;

function runCase(c: ConvergenceCase, fidelity: GroupFidelity, duration: number): { s: GroupScheduler; tasks: string[]; paths: string[] } {
  const s = createGroupScheduler({ cpus: c.cpus, fidelity, cpuCapacity: c.capacities });
  const tasks: string[] = [];
  const paths = ['/'];
  const addTasks = (ts: TaskGen[], path: string): void => {
    for (const t of ts) {
      const id = `t${tasks.length}`;
      s.addTask(id, path, { nice: t.nice, ...(t.demand === null ? {} : { demand: t.demand }) });
      tasks.push(id);
    }
  };
  const addGroups = (gs: GroupGen[], parent: string): void => {
    gs.forEach((g, i) => {
      const path = `${parent === '/' ? '' : parent}/g${i}`;
      s.addGroup(path, { weight: g.weight });
      paths.push(path);
      addTasks(g.tasks, path);
      addGroups(g.groups, path);
    });
  };
  addTasks(c.rootTasks, '/');
  addGroups(c.groups, '/');
  // Commands at whole ms (timeline in ms), capacity changes before demand changes at the same instant.
  const timeline = [
    ...(c.changes as CapChange[]).map((x) => ({ at: x.at * 1000, run: () => c.capacities.forEach((_, cpu) => s.setCpuCapacity(cpu, x.capacity)) })),
    ...(c.demandChanges as { at: number; task: number; demand: number }[]).map((x) => ({ at: x.at * 1000, run: () => tasks.length > 0 && s.setTaskDemand(tasks[x.task % tasks.length]!, x.demand) })),
  ].sort((a, b) => a.at - b.at);
  for (const step of timeline) {
    s.advanceTo(step.at);
    step.run();
  }
  s.advanceTo(duration);
  return { s, tasks, paths };
}

/**
 * Whether rates can be served by CPUs of these capacities (uniform machines with migration): the
 * k largest rates never exceed the k largest capacities, for every k (and the total fits).
 */
function feasible(rates: number[], capacities: number[]): boolean {
  const r = [...rates].sort((a, b) => b - a);
  const c = [...capacities].sort((a, b) => b - a);
  let sr = 0;
  let sc = 0;
  for (let k = 0; k < r.length; k++) {
    sr += r[k]!;
    sc += c[k] ?? 0;
    if (sr > sc + 1e-9) return false;
  }
  return true;
}

describe('exact against fluid with capacities, capacity changes and demand caps', () => {
  const check = (uniform: boolean): void => {
    const duration = 20 * S;
    fc.assert(
      fc.property(convergenceArb(uniform), (c) => {
        const fluid = runCase(c, 'fluid', duration);
        if (!uniform) {
          // Unequal capacities: fluid bounds each group by its k best CPUs but not every set of
          // tasks across groups, so its answer can exceed what the CPUs can serve (README); such
          // cases are pinned by hand below, not compared here.
          const rates = fluid.tasks.map((id) => fluid.s.taskStats(id).rate);
          fc.pre(feasible(rates, c.capacities));
        }
        const exact = runCase(c, 'exact', duration);
        const tol = 0.015 * duration;
        for (const id of exact.tasks) {
          const [a, b] = [exact.s.taskStats(id), fluid.s.taskStats(id)];
          expect({ id, exact: a.cpuUsec, fluid: b.cpuUsec, ok: Math.abs(a.cpuUsec - b.cpuUsec) <= tol }).toMatchObject({ ok: true });
        }
        for (const p of exact.paths) {
          const [a, b] = [exact.s.groupStats(p), fluid.s.groupStats(p)];
          expect({ p, exact: a.cpuUsec, fluid: b.cpuUsec, ok: Math.abs(a.cpuUsec - b.cpuUsec) <= tol }).toMatchObject({ ok: true });
        }
        // Both deliver no more than the CPUs' capacity over time.
        let caps = [...c.capacities];
        let capacityUsec = 0;
        let t = 0;
        for (const x of [...(c.changes as CapChange[])].sort((a, b) => a.at - b.at)) {
          capacityUsec += caps.reduce((u, v) => u + v, 0) * (x.at * 1000 - t);
          t = x.at * 1000;
          caps = caps.map(() => x.capacity);
        }
        capacityUsec += caps.reduce((u, v) => u + v, 0) * (duration - t);
        for (const m of [exact, fluid]) expect(m.s.groupStats('/').cpuUsec).toBeLessThanOrEqual(capacityUsec + 1);
      }),
      { numRuns: 60 },
    );
  };

  it('every CPU at one capacity that changes over time, with demand caps: within 1.5% of a CPU per task and group over 20 s', () => {
    check(true);
  }, 300_000);

  it('unequal capacities where fluid rates are servable: within 1.5% of a CPU over 20 s', () => {
    check(false);
  }, 300_000);

  it('a demand-capped task on unequal CPUs leaves the fast one to the task that needs all of it', () => {
    // CPUs of 0.5, 1, 0.5; t0 (demand 0.2 from 24 ms), t1 in /g0 and t2 in /g0/g0 (weight 10 of
    // t1's 1024). Fluid: 0.2, 1, 0.5 (servable: t1 alone on the fast CPU). Exact places the tasks
    // that use a whole CPU first on the biggest CPUs (Linux moves a task that does not fit a CPU to
    // a bigger one), so t0's short request no longer takes the fast CPU at ticks: t1 got 0.95-0.985
    // before, when t0 took it and t1 waited for the pull back.
    const run = (fidelity: GroupFidelity): number[] => {
      const s = createGroupScheduler({ cpus: 3, fidelity, cpuCapacity: [0.5, 1, 0.5] });
      s.addTask('t0', '/');
      s.addGroup('/g0', { weight: 10 });
      s.addTask('t1', '/g0');
      s.addGroup('/g0/g0', { weight: 10 });
      s.addTask('t2', '/g0/g0');
      s.advanceTo(24_000);
      s.setTaskDemand('t0', 0.2);
      s.advanceTo(20 * S);
      return ['t0', 't1', 't2'].map((id) => s.taskStats(id).cpuUsec / (20 * S));
    };
    expect(run('fluid').map((x) => +x.toFixed(2))).toEqual([0.2, 1, 0.5]);
    const exact = run('exact');
    expect(exact[0]).toBeCloseTo(0.2, 2);
    expect(exact[1]).toBeGreaterThan(0.995);
    expect(exact[2]).toBeCloseTo(0.5, 2);
  });

  it('capped tasks carry no unpayable claim: a busy nice -5 task beside four of them keeps its share to the end (was locked at 0.75 from 16.5 s)', () => {
    // Found by the property above (seed 9): 2 CPUs off for the first ms; /a (weight 11) holds capped
    // tasks 0.3, 0.1, 0.25 and 0.3 (in /a/b); /h (weight 10) a nice -5 and a nice 3 busy task. Fluid:
    // /a 0.95, /h 1.05 split 0.899 / 0.151. Exact used to pile up lag on the capped tasks beyond
    // what their buckets let them run (they halt when their work is done); at 16.5 s their deadlines
    // took both CPUs at ticks ahead of the nice -5 task for good: 0.75 / 0.30 from then on.
    const run = (fidelity: GroupFidelity): { total: number[]; last4: number } => {
      const s = createGroupScheduler({ cpus: 2, fidelity, cpuCapacity: [0, 0] });
      s.addGroup('/a', { weight: 11 });
      s.addGroup('/a/b', { weight: 10 });
      s.addGroup('/h', { weight: 10 });
      s.addTask('c0', '/a', { demand: 0.3 });
      s.addTask('c1', '/a', { demand: 0.1 });
      s.addTask('c2', '/a', { demand: 0.25 });
      s.addTask('c3', '/a/b', { demand: 0.3 });
      s.addTask('hi', '/h', { nice: -5 });
      s.addTask('lo', '/h', { nice: 3 });
      s.advanceTo(1_000);
      s.setCpuCapacity(0, 1);
      s.setCpuCapacity(1, 1);
      s.advanceTo(16 * S);
      const at16 = s.taskStats('hi').cpuUsec;
      s.advanceTo(20 * S);
      return { total: ['c0', 'c1', 'c2', 'c3', 'hi', 'lo'].map((id) => s.taskStats(id).cpuUsec / (20 * S)), last4: (s.taskStats('hi').cpuUsec - at16) / (4 * S) };
    };
    const fluid = run('fluid');
    const exact = run('exact');
    expect(fluid.total.map((x) => +x.toFixed(3))).toEqual([0.3, 0.1, 0.25, 0.3, 0.899, 0.151]);
    exact.total.forEach((x, i) => expect(Math.abs(x - fluid.total[i]!), `task ${i}`).toBeLessThan(0.01));
    expect(exact.last4).toBeGreaterThan(0.88);
  });

  it('… and a capped task keeps its recent claim: a busy task beside two capped ones is not outrun at every tick (seed 1 of the property)', () => {
    // 2 CPUs at 0.5, then 1 from 1 ms. /g0 (weight 10): two busy nice 7 tasks; /g0/g0 (97) one busy
    // task; /g0/g1 (170) a 0.1 task and a busy one capped at 0.5 from 4.397 s. Fluid gives the
    // /g0/g0 task 0.900. Dropping every positive lag at a halt gave it 0.885: the capped tasks then
    // wait with their short requests and win the ticks, both at once now and then.
    const run = (fidelity: GroupFidelity): number => {
      const s = createGroupScheduler({ cpus: 2, fidelity, cpuCapacity: [0.5, 0.5] });
      s.addGroup('/g0', { weight: 10 });
      s.addTask('t0', '/g0', { nice: 7 });
      s.addTask('t1', '/g0', { nice: 7 });
      s.addGroup('/g0/g0', { weight: 97 });
      s.addTask('t2', '/g0/g0');
      s.addGroup('/g0/g1', { weight: 170 });
      s.addTask('t3', '/g0/g1', { demand: 0.1 });
      s.addTask('t4', '/g0/g1');
      s.advanceTo(1_000);
      s.setCpuCapacity(0, 1);
      s.setCpuCapacity(1, 1);
      s.advanceTo(4_397_000);
      s.setTaskDemand('t4', 0.5);
      s.advanceTo(20 * S);
      return s.taskStats('t2').cpuUsec / (20 * S);
    };
    expect(run('fluid')).toBeCloseTo(0.9, 2);
    expect(Math.abs(run('exact') - run('fluid'))).toBeLessThan(0.01);
  });

  it('a documented difference: 3 tasks on CPUs of 0.75, 0.5, 0.25, where fluid asks more of the two best CPUs than they have', () => {
    // /g0 (t0 nice 0, t1 nice 4) and /g1 (t2) at equal weight: fluid gives /g1 0.75 and splits
    // /g0's 0.75 as 0.53 : 0.22; but t2 and t0 together then need 1.28 from two CPUs of 1.25.
    // Exact serves a feasible split: t1 gets the slowest CPU's 0.25 whenever it runs alone there.
    const run = (fidelity: GroupFidelity): number[] => {
      const s = createGroupScheduler({ cpus: 3, fidelity, cpuCapacity: [0.75, 0.5, 0.25] });
      s.addGroup('/g0');
      s.addGroup('/g1');
      s.addTask('t0', '/g0');
      s.addTask('t1', '/g0', { nice: 4 });
      s.addTask('t2', '/g1');
      s.advanceTo(20 * S);
      return ['t0', 't1', 't2'].map((id) => s.taskStats(id).cpuUsec / (20 * S));
    };
    const fluid = run('fluid');
    expect(fluid.map((x) => +x.toFixed(3))).toEqual([0.531, 0.219, 0.75]);
    expect(feasible(fluid, [0.75, 0.5, 0.25])).toBe(false);
    const exact = run('exact');
    expect(feasible(exact, [0.75, 0.5, 0.25])).toBe(true);
    expect(exact.reduce((a, b) => a + b, 0)).toBeCloseTo(1.5, 3);
  });
});
