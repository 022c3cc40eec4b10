import { describe, expect, it } from 'vitest';
import { ConflictError, InvalidTransitionError, NotFoundError, ValidationError } from '@strata/shared-types';
import { createGroupScheduler, type GroupScheduler } from '../src/index.js';

const FIDELITIES = ['exact', 'fluid'] as const;
const MS = 1000;

function snapshot(s: GroupScheduler): string {
  return JSON.stringify({
    now: s.now(),
    next: s.nextEventTime(),
    groups: s.listGroups().map((g) => s.groupStats(g)),
    tasks: s.listTasks().map((t) => s.taskStats(t)),
  });
}

describe.each(FIDELITIES)('GroupScheduler commands (%s)', (fidelity) => {
  const make = () => {
    const s = createGroupScheduler({ cpus: 2, fidelity });
    s.addGroup('/A', { shares: 2048 });
    s.addGroup('/A/B', { weight: 50, quota: 20 * MS, period: 50 * MS });
    s.addTask('a', '/A', { nice: 3 });
    s.addTask('b', '/A/B', { runnable: false });
    s.advanceTo(30 * MS);
    return s;
  };

  it('rejects bad commands with typed errors and changes nothing', () => {
    const s = make();
    const before = snapshot(s);
    const bad: [() => unknown, new (...args: never[]) => Error][] = [
      [() => s.addGroup('/A'), ConflictError],
      [() => s.addGroup('/X/Y'), NotFoundError],
      [() => s.addGroup('A'), ValidationError],
      [() => s.addGroup('/A/bad name'), ValidationError],
      [() => s.addGroup('/C', { shares: 100, weight: 100 }), ValidationError],
      [() => s.addGroup('/C', { quota: 999 }), ValidationError],
      [() => s.addGroup('/C', { period: 1_000_001 }), ValidationError],
      [() => s.addGroup('/C', { weight: 0 }), ValidationError],
      [() => s.addGroup('/C', { cpus: [2] }), ValidationError],
      [() => s.addGroup('/C', { cpus: [] }), ValidationError],
      [() => s.addGroup('/C', { bogus: 1 } as never), ValidationError],
      [() => s.setGroupLimits('/', { shares: 10 }), ValidationError],
      [() => s.setGroupLimits('/A/B', { quota: 10 }), ValidationError],
      [() => s.removeGroup('/A'), ConflictError],
      [() => s.removeGroup('/'), ValidationError],
      [() => s.addTask('a', '/A'), ConflictError],
      [() => s.addTask('c', '/nope'), NotFoundError],
      [() => s.addTask('c', '/A', { nice: 20 }), ValidationError],
      [() => s.addTask('c', '/A', { runnable: false, work: 5 }), ValidationError],
      [() => s.addTask('c', '/A', { work: 0 }), ValidationError],
      [() => s.wake('a'), InvalidTransitionError],
      [() => s.block('b'), InvalidTransitionError],
      [() => s.wake('zz'), NotFoundError],
      [() => s.setNice('a', -21), ValidationError],
      [() => s.moveTask('a', '/nope'), NotFoundError],
      [() => s.advanceTo(29 * MS), ValidationError],
      [() => s.advanceTo(1.5), ValidationError],
      [() => s.groupStats('/nope'), NotFoundError],
    ];
    for (const [fn, type] of bad) {
      expect(fn).toThrow(type);
      expect(snapshot(s)).toBe(before);
    }
    expect(() => createGroupScheduler({ cpus: 0 })).toThrow(ValidationError);
    expect(() => createGroupScheduler({ cpus: 1, tick: 50 })).toThrow(ValidationError);
    expect(() => createGroupScheduler({ cpus: 1, fidelity: 'warp' as never })).toThrow(/exact" or "fluid/);
  });

  it('reports work done when a task has used the CPU time it was woken with', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity });
    s.addTask('w', '/', { work: 10 * MS });
    expect(s.advanceTo(100 * MS)).toEqual([{ type: 'task.work_done', time: 10 * MS, task: 'w' }]);
    expect(s.taskStats('w')).toMatchObject({ state: 'blocked', cpuUsec: 10 * MS, rate: 0 });
    // Beside an equal competitor it takes twice as long (exact: within a tick).
    s.addTask('x', '/');
    s.wake('w', 10 * MS);
    const done = s.advanceTo(200 * MS).find((e) => e.type === 'task.work_done')!;
    expect(Math.abs(done.time - 120 * MS)).toBeLessThanOrEqual(fidelity === 'exact' ? 4 * MS : 0);
  });

  it('blocks, wakes, moves, renices and removes tasks', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity });
    s.addGroup('/A');
    s.addGroup('/B');
    s.addTask('a', '/A');
    s.addTask('b', '/B');
    s.advanceTo(1000 * MS);
    s.block('a');
    s.advanceTo(2000 * MS);
    expect(s.taskStats('a').cpuUsec).toBeCloseTo(500 * MS, -4);
    expect(s.taskStats('b').cpuUsec).toBeCloseTo(1500 * MS, -4);
    s.wake('a');
    s.moveTask('a', '/B');
    s.setNice('b', 5);
    s.advanceTo(4000 * MS);
    // a and b now share /B by nice weight 1024 : 335; /A keeps what a used while it was there.
    expect(s.groupStats('/A').cpuUsec).toBeCloseTo(500 * MS, -4);
    expect(s.taskStats('a').group).toBe('/B');
    expect((s.taskStats('a').cpuUsec - 500 * MS) / (2000 * MS)).toBeCloseTo(1024 / 1359, 2);
    s.removeTask('b');
    s.removeGroup('/A');
    expect(s.listGroups()).toEqual(['/', '/B']);
    expect(s.listTasks()).toEqual(['a']);
    s.advanceTo(5000 * MS);
    expect(s.groupStats('/').cpuUsec).toBeCloseTo(5000 * MS, -4);
  });

  it('confines a group to its cpuset: two tasks pinned to CPU 0 share it while a free task gets CPU 1', () => {
    const s = createGroupScheduler({ cpus: 2, fidelity });
    s.addGroup('/Pinned', { cpus: [0], shares: 2048 });
    s.addGroup('/Free');
    s.addTask('p1', '/Pinned');
    s.addTask('p2', '/Pinned');
    s.addTask('f', '/Free');
    s.advanceTo(10_000 * MS);
    expect(s.groupStats('/Pinned').cpuUsec / (10_000 * MS)).toBeCloseTo(1, 3);
    expect(s.taskStats('p1').cpuUsec / (10_000 * MS)).toBeCloseTo(0.5, 2);
    expect(s.taskStats('f').cpuUsec / (10_000 * MS)).toBeCloseTo(1, 3);
    // Unpinned, the heavier group gets 4/3 of the two CPUs.
    s.setGroupLimits('/Pinned', { cpus: null });
    s.advanceTo(20_000 * MS);
    expect((s.taskStats('f').cpuUsec - 10_000 * MS) / (10_000 * MS)).toBeCloseTo(2 / 3, 2);
  });

  it('has no internal events while nothing runs', () => {
    const s = createGroupScheduler({ cpus: 4, fidelity });
    s.addGroup('/A');
    s.addTask('a', '/A', { runnable: false });
    expect(s.nextEventTime()).toBe(Infinity);
    expect(s.advanceTo(10 ** 12)).toEqual([]);
    expect(s.now()).toBe(10 ** 12);
  });
});

describe('exact determinism', () => {
  it('replays the same commands into the same event stream', () => {
    const script = () => {
      const s = createGroupScheduler({ cpus: 3, fidelity: 'exact', tick: 1000 });
      s.addGroup('/A', { quota: 25 * MS, period: 40 * MS });
      s.addGroup('/B', { shares: 300, cpus: [1, 2] });
      for (let i = 0; i < 5; i++) s.addTask(`a${i}`, '/A', { nice: i - 2, work: (i + 1) * 7 * MS });
      for (let i = 0; i < 3; i++) s.addTask(`b${i}`, '/B', { nice: 4 - i });
      const log: unknown[] = [];
      for (let k = 1; k <= 50; k++) {
        log.push(...s.advanceTo(k * 13 * MS));
        const id = `a${k % 5}`;
        if (s.taskStats(id).state === 'blocked') s.wake(id, k * 3 * MS);
        if (k % 7 === 0) s.setNice(`b${k % 3}`, (k % 39) - 20);
      }
      return JSON.stringify([log, s.listTasks().map((t) => s.taskStats(t))]);
    };
    const first = script();
    expect(first.length).toBeGreaterThan(1000);
    expect(script()).toBe(first);
  });
});
