import { describe, expect, it } from 'vitest';
import { createGroupScheduler } from '../src/index.ts';

// A guest's lone busy task on a vCPU descheduled half the time (capacity 1 then 0, 30 ms each),
// its other vCPU halted (capacity 0, nothing on it): Linux's nohz balance moves it once its CPU's
// capacity reduced by steal × 117 is below the idle CPU's × 100 (README "Exact model").
describe('exact: a lone task leaves a stolen CPU for a less stolen idle one', () => {
  it('moves to the halted CPU once its own has lost enough to steal, and stays queued there', () => {
    const s = createGroupScheduler({ cpus: 2, fidelity: 'exact', tick: 4_000, cpuCapacity: [1, 0] });
    s.addTask('t', '/');
    s.advanceTo(30_000);
    s.setCpuCapacity(0, 0);
    // The first tick at 0: its steal average (2 ms of 32 ms half-life) is too low, it stays on CPU 0.
    s.advanceTo(32_000);
    expect(s.cpuOccupancy!().running).toEqual([true, false]);
    // 10 ms at 0 holding it: steal average 1 − 2^(−10/32) ≈ 0.19 > 1 − 100/117: it moves to CPU 1.
    s.advanceTo(40_000);
    expect(s.cpuOccupancy!().running).toEqual([false, true]);
    // CPU 1 comes back (its guest kicked it): the task runs there at once.
    s.setCpuCapacity(1, 1);
    expect(s.taskStats('t').rate).toBe(1);
    s.advanceTo(100_000);
    expect(s.cpuOccupancy!().running).toEqual([false, true]);
  });

  it('a capped task halted between its bursts does not count: the busy task is still alone and moves', () => {
    // CPU 2 runs a capped task's bursts (its own cpuset) and idles between them, when the task is
    // halted (asleep to a guest kernel). The busy task on CPU 0 is then the only runnable one, and
    // moves to the halted CPU 1 as above; counting the halted task, it waited on no CPU instead.
    const s = createGroupScheduler({ cpus: 3, fidelity: 'exact', tick: 4_000, cpuCapacity: [1, 0, 1] });
    s.addGroup('/a', { cpus: [0, 1] });
    s.addGroup('/b', { cpus: [2] });
    s.addTask('t', '/a');
    s.addTask('c', '/b', { demand: 0.05 });
    s.advanceTo(30_000);
    s.setCpuCapacity(0, 0);
    s.advanceTo(36_000);
    expect(s.cpuOccupancy!().running).toEqual([true, false, false]);
    s.advanceTo(40_000);
    expect(s.cpuOccupancy!()).toEqual({ running: [false, true, false], waiting: 0 });
  });

  it('with a second runnable task nothing moves by steal (the one queue already moves them)', () => {
    const s = createGroupScheduler({ cpus: 3, fidelity: 'exact', tick: 4_000, cpuCapacity: [1, 1, 0] });
    s.addTask('a', '/');
    s.addTask('b', '/');
    s.advanceTo(30_000);
    s.setCpuCapacity(0, 0);
    s.setCpuCapacity(1, 0);
    s.advanceTo(60_000);
    // Both wait on no CPU: the halted CPU 2 was not handed either.
    expect(s.cpuOccupancy!().running).toEqual([false, false, false]);
    expect(s.cpuOccupancy!().waiting).toBe(2);
  });
});
