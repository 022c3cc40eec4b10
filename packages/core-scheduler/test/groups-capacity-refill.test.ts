import { describe, expect, it } from 'vitest';
import { createGroupScheduler, type GroupScheduler } from '../src/index.ts';

/**
 * Two hogs `a` and `b` on 2 exact CPUs (`start` capacities) with the host's pushes at each of `ticks`
 * ticks: `push(k)` lists the [cpu, capacity] changes after tick k, in the order a host pushes them.
 */
function hogsUnder(tick: number, start: number[], ticks: number, push: (k: number) => readonly (readonly [number, number])[], each?: (s: GroupScheduler) => void): GroupScheduler {
  const s = createGroupScheduler({ cpus: 2, fidelity: 'exact', tick, cpuCapacity: start });
  s.addTask('a', '/');
  s.addTask('b', '/');
  for (let k = 1; k <= ticks; k++) {
    s.advanceTo(k * tick);
    for (const [cpu, capacity] of push(k)) s.setCpuCapacity(cpu, capacity);
    each?.(s);
  }
  return s;
}

describe('exact: a CPU whose capacity rises picks at once', () => {
  it('capacities swapped at every tick (a guest whose vCPUs the host runs in turn): both hogs get half, not one of them all', () => {
    // The descheduled CPU first, as a host pushes them: the most-owed task, stuck on it, is pulled.
    const s = hogsUnder(30_000, [1, 0], 100, (k) => (k % 2 === 1 ? [[0, 0], [1, 1]] : [[1, 0], [0, 1]]), (x) => expect(x.taskStats('a').rate + x.taskStats('b').rate).toBe(1));
    expect(s.taskStats('a').cpuUsec).toBe(1_500_000);
    expect(s.taskStats('b').cpuUsec).toBe(1_500_000);
  });

  it('an idle CPU coming back takes a waiting task before the next tick', () => {
    const s = createGroupScheduler({ cpus: 2, fidelity: 'exact', tick: 4_000, cpuCapacity: [1, 0] });
    s.addTask('a', '/');
    s.addTask('b', '/');
    s.advanceTo(1_000);
    s.setCpuCapacity(1, 1);
    expect([s.taskStats('a').rate, s.taskStats('b').rate]).toEqual([1, 1]);
    s.advanceTo(3_000);
    expect(s.taskStats('a').cpuUsec + s.taskStats('b').cpuUsec).toBe(5_000);
  });

  it('a CPU descheduled every other tick counts as stolen even when the tick moves its task at the instant it comes back', () => {
    // CPU 0 is at 0 from one tick to the next, then at 1 for a tick (a vCPU its host runs half the
    // time). At each tick with both CPUs up, the most-owed task takes the less stolen CPU. The
    // steal average was brought up to date at capacity changes only, and by then the tick had
    // moved the stuck task off CPU 0: it looked unstolen, took the most-owed task by CPU order,
    // and was descheduled under it every time (0.5 / 1.0 instead of 0.75 / 0.75).
    const s = hogsUnder(4_000, [1, 1], 2_500, (k) => [[0, k % 2 === 1 ? 0 : 1]]);
    expect(s.taskStats('a').cpuUsec / 10_000_000).toBeCloseTo(0.75, 3);
    expect(s.taskStats('b').cpuUsec / 10_000_000).toBeCloseTo(0.75, 3);
  });

  it('the most-owed busy task on a CPU that drops to 0 takes a running CPU at once (a fair host deschedules the least stolen vCPU next)', () => {
    // Every 24 ms each CPU is at 0 for 4 ms, in turn, on the ticks (a guest's two vCPUs beside a
    // third vCPU on 2 pCPUs): 5/6 each. At a tick the most-owed task takes the less stolen CPU, the
    // one the host takes next; it waited on it for a whole tick every time (1.0 / 0.67).
    const s = hogsUnder(4_000, [1, 1], 3_000, (k) => [[1, k % 6 === 3 ? 0 : 1], [0, k % 6 === 0 ? 0 : 1]]);
    expect(s.taskStats('a').cpuUsec / 12_000_000).toBeCloseTo(5 / 6, 2);
    expect(s.taskStats('b').cpuUsec / 12_000_000).toBeCloseTo(5 / 6, 2);
  });

  it('a capped task on a CPU that drops to 0 stays there: the busy task keeps its CPU', () => {
    // The capped task waits 1 ms (more owed than the busy task), takes CPU 1 when it comes back, and
    // CPU 1 goes to 0 again: its short request would win every switch, so it waits for the tick.
    const s = createGroupScheduler({ cpus: 2, fidelity: 'exact', tick: 4_000, cpuCapacity: [1, 0] });
    s.addTask('busy', '/');
    s.addTask('capped', '/', { demand: 0.5 });
    s.advanceTo(1_000);
    s.setCpuCapacity(1, 1);
    expect([s.taskStats('busy').rate, s.taskStats('capped').rate]).toEqual([1, 1]);
    s.advanceTo(1_500);
    s.setCpuCapacity(1, 0);
    expect([s.taskStats('busy').rate, s.taskStats('capped').rate]).toEqual([1, 0]);
  });
});

describe('exact: whole tasks leave CPUs of reduced capacity for a halted one (setCpuAsking)', () => {
  /**
   * Two hogs on 3 exact CPUs: CPUs 0 and 1 run in turn, a tick each (vCPUs sharing one pCPU), and
   * ask their host all along; CPU 2 is halted (at 0, not asking) unless a task is put on it, and then
   * runs at once (a vCPU alone on its pCPU). `ask` false: nobody says which CPUs ask.
   */
  function sharedPair(ask: boolean): GroupScheduler {
    const tick = 4_000;
    const s = createGroupScheduler({ cpus: 3, fidelity: 'exact', tick, cpuCapacity: [1, 0, 0] });
    s.addTask('a', '/');
    s.addTask('b', '/');
    if (ask) {
      s.setCpuAsking!(0, true);
      s.setCpuAsking!(1, true);
    }
    // CPU 2's host runs it as soon as a task is put on it (at a tick, or when CPUs 0 and 1 switch).
    const runCpu2 = (): void => {
      if (s.cpuOccupancy!().running[2] === true && s.cpuCapacity(2) === 0) s.setCpuCapacity(2, 1);
    };
    for (let k = 1; k <= 500; k++) {
      s.advanceTo(k * tick);
      runCpu2();
      if (k % 2 === 1) {
        s.setCpuCapacity(0, 0);
        s.setCpuCapacity(1, 1);
      } else {
        s.setCpuCapacity(1, 0);
        s.setCpuCapacity(0, 1);
      }
      runCpu2();
    }
    return s;
  }

  it('asking CPUs taken in turn are stolen: a hog moves to the halted CPU and both run whole', () => {
    const s = sharedPair(true);
    // Most of the 2 s at 1 each, the first ticks shared: well above the 1 s each of staying put.
    expect(s.taskStats('a').cpuUsec).toBeGreaterThan(1_900_000);
    expect(s.taskStats('b').cpuUsec).toBeGreaterThan(1_900_000);
  });

  it('without the asking CPUs said, the hogs follow the CPU that runs (the swap keeps them off the stolen one) and share it', () => {
    const s = sharedPair(false);
    expect(s.taskStats('a').cpuUsec + s.taskStats('b').cpuUsec).toBeLessThanOrEqual(2_000_000);
  });

  it('a tick that finds every busy CPU descheduled runs when one is back: the hog still moves (a vCPU takes its timer interrupt when its host runs it)', () => {
    // CPUs 0 and 1 each run a quarter of the time, in 1 ms slices between ticks, so at every tick
    // both are at 0 (nothing runs, nothing to balance from). CPU 2 runs as soon as a task is on it.
    const tick = 4_000;
    const s = createGroupScheduler({ cpus: 3, fidelity: 'exact', tick, cpuCapacity: [0, 0, 0] });
    s.addTask('a', '/');
    s.addTask('b', '/');
    s.setCpuAsking!(0, true);
    s.setCpuAsking!(1, true);
    const runCpu2 = (): void => {
      if (s.cpuOccupancy!().running[2] === true && s.cpuCapacity(2) === 0) s.setCpuCapacity(2, 1);
    };
    for (let ms = 0; ms < 2_000; ms++) {
      s.advanceTo(ms * 1_000);
      runCpu2();
      const phase = ms % 4;
      s.setCpuCapacity(0, phase === 0 ? 1 : 0);
      s.setCpuCapacity(1, phase === 2 ? 1 : 0);
      runCpu2();
    }
    s.advanceTo(2_000_000);
    // Staying put: a quarter each (0.5 s). Moved: CPU 2 and the two quarters, 1.5 CPUs, which this
    // model's one run queue shares between them (0.75 each).
    for (const id of ['a', 'b']) expect(s.taskStats(id).cpuUsec).toBeGreaterThan(0.7 * 2_000_000);
  });

  it('refuses a CPU out of range, changing nothing', () => {
    const s = createGroupScheduler({ cpus: 2, fidelity: 'exact' });
    // The error every per-CPU command gives (setCpuCapacity, cpuCapacity).
    expect(() => s.setCpuAsking!(2, true)).toThrow(/invalid cpu 2: expected a whole number from 0 to 1/);
    expect(() => s.setCpuAsking!(-1, false)).toThrow(/invalid cpu -1: expected a whole number from 0 to 1/);
    expect(() => s.setCpuAsking!(0.5, true)).toThrow(/invalid cpu 0.5: expected a whole number from 0 to 1/);
  });
});
