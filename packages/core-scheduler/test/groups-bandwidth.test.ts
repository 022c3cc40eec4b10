import { describe, expect, it } from 'vitest';
import { createGroupScheduler, runGroupExperiment, type GroupSchedulerEvent } from '../src/index.js';

const FIDELITIES = ['exact', 'fluid'] as const;
const MS = 1000;

function run(spec: object, fidelity: string) {
  return runGroupExperiment({ duration: '10s', ...spec, fidelity });
}

describe.each(FIDELITIES)('bandwidth control (%s)', (fidelity) => {
  it("gives a capped group's leftover to its peer: quota 30% beside an uncapped peer is 0.30 : 0.70", () => {
    const r = run(
      { groups: [{ name: 'A', cpu: { quota: '30ms', period: '100ms' }, tasks: [{ name: 'a' }] }, { name: 'B', tasks: [{ name: 'b' }] }] },
      fidelity,
    );
    const [a, b] = r.groups;
    expect(a!.fraction).toBeCloseTo(0.3, 4);
    expect(b!.fraction).toBeCloseTo(0.7, 4);
    expect(a!.nrPeriods).toBe(100);
    expect(a!.nrThrottled).toBe(100);
    expect(b!.nrPeriods).toBe(0);
    // Under contention A runs at 1/2 until its 30 ms are used (~60 ms), so it is throttled ~40 ms, not 70.
    const perPeriod = a!.throttledUsec / a!.nrPeriods;
    expect(perPeriod).toBeGreaterThan(39 * MS);
    expect(perPeriod).toBeLessThan(41 * MS);
  });

  it('holds a group alone at quota 50% to half a CPU, throttled half of each period', () => {
    const r = run({ groups: [{ name: 'A', cpu: { max: '50000 100000' }, tasks: [{ name: 'a' }] }] }, fidelity);
    expect(r.groups[0]!.fraction).toBeCloseTo(0.5, 4);
    expect(r.groups[0]!.throttledUsec / 100).toBeCloseTo(50 * MS, -3);
  });

  it('lets quota 150000/100000 run two threads on two CPUs at 1.5 CPUs in total', () => {
    const r = run(
      { cpus: 2, groups: [{ name: 'A', cpu: { quota: '150ms', period: '100ms' }, tasks: [{ name: 't1' }, { name: 't2' }] }] },
      fidelity,
    );
    expect(r.groups[0]!.fraction).toBeCloseTo(1.5, 3);
    expect(r.tasks[0]!.fraction).toBeCloseTo(0.75, 3);
    expect(r.tasks[1]!.fraction).toBeCloseTo(0.75, 3);
    // Throttled 25 ms per period on each of the two CPUs (the kernel sums per-CPU throttled time).
    expect(r.groups[0]!.throttledUsec / 100).toBeCloseTo(50 * MS, -3);
  });

  it('caps a subtree: a parent at 40% splits among its children; a child cap leaves the rest to its sibling', () => {
    const r = run(
      {
        groups: [
          {
            name: 'P',
            cpu: { quota: '40ms' },
            groups: [
              { name: 'X', cpu: { quota: '10ms' }, tasks: [{ name: 'x' }] },
              { name: 'Y', tasks: [{ name: 'y' }] },
            ],
          },
          { name: 'Q', tasks: [{ name: 'q' }] },
        ],
      },
      fidelity,
    );
    const f = Object.fromEntries(r.groups.map((g) => [g.path, g.fraction]));
    expect(f['/P']).toBeCloseTo(0.4, 3);
    expect(f['/P/X']).toBeCloseTo(0.1, 3);
    expect(f['/P/Y']).toBeCloseTo(0.3, 3);
    expect(f['/Q']).toBeCloseTo(0.6, 3);
  });

  it('counts the period timer expiries: two right after the quota is set, then every period once a task runs; none without a quota', () => {
    // The quota is set at 0 (tg_set_cfs_bandwidth starts the timer; a new group's idle flag is
    // clear): the expiry at 100 ms counts and marks the next period idle, the one at 200 ms counts
    // and stops the timer. The task wakes at 5 s and restarts it on the same grid: expiries at
    // 5.1, 5.2, …, 10.0 s, 50 of them, all throttled (20 ms per period beside a hog). 2 + 50 = 52.
    const r = run(
      {
        groups: [
          { name: 'Late', cpu: { quota: '20ms' }, tasks: [{ name: 'l', start: '5s' }] },
          { name: 'Free', tasks: [{ name: 'f' }] },
        ],
      },
      fidelity,
    );
    expect(r.groups[0]!.nrPeriods).toBe(52);
    expect(r.groups[0]!.nrThrottled).toBe(50);
    expect(r.groups[1]!.nrPeriods).toBe(0);
    expect(r.groups[1]!.throttledUsec).toBe(0);
  });

  it('never throttles a group whose quota exceeds what it can use', () => {
    const r = run({ groups: [{ name: 'A', cpu: { quota: '80ms' }, tasks: [{ name: 'a' }] }, { name: 'B', tasks: [{ name: 'b' }] }] }, fidelity);
    expect(r.groups[0]!.fraction).toBeCloseTo(0.5, 3);
    expect(r.groups[0]!.nrPeriods).toBe(100);
    expect(r.groups[0]!.nrThrottled).toBe(0);
    expect(r.groups[0]!.throttledUsec).toBe(0);
  });
});

describe('exact throttling', () => {
  it('is on/off: at 50% the group runs ~50 ms, is dequeued until the refresh, then runs again', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity: 'exact' });
    s.addGroup('/A', { quota: 50 * MS, period: 100 * MS });
    s.addTask('a', '/A');
    s.advanceTo(25 * MS);
    expect(s.taskStats('a').rate).toBe(1);
    const events = s.advanceTo(400 * MS);
    s.advanceTo(400 * MS);
    expect(events.map((e) => [e.type, e.time])).toEqual([
      // Ticks land every 4 ms: 52 ms used (overrun 2), then 48 (paid back), and so on.
      ['group.throttled', 52 * MS],
      ['group.unthrottled', 100 * MS],
      ['group.throttled', 148 * MS],
      ['group.unthrottled', 200 * MS],
      ['group.throttled', 252 * MS],
      ['group.unthrottled', 300 * MS],
      ['group.throttled', 348 * MS],
      ['group.unthrottled', 400 * MS],
    ]);
    s.advanceTo(75 * MS + 400 * MS);
    expect(s.taskStats('a').rate).toBe(0);
    expect(s.groupStats('/A').throttled).toBe(true);
  });

  it('pays back an overrun: quota 30 ms with 4 ms ticks runs 32, 28, 32, 28 ms, exactly 30% in the long run', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity: 'exact', tick: 4 * MS });
    s.addGroup('/A', { quota: 30 * MS });
    s.addTask('a', '/A');
    const perPeriod: number[] = [];
    let before = 0;
    for (let k = 1; k <= 100; k++) {
      s.advanceTo(k * 100 * MS);
      const used = s.groupStats('/A').cpuUsec;
      perPeriod.push(used - before);
      before = used;
    }
    expect(perPeriod.slice(0, 4)).toEqual([32 * MS, 28 * MS, 32 * MS, 28 * MS]);
    expect(before).toBe(100 * 30 * MS);
  });

  it('is exact in the long run for any tick: 1 ms ticks and 10 ms periods at quota 3.3 ms', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity: 'exact', tick: MS });
    s.addGroup('/A', { quota: 3300, period: 10 * MS });
    s.addTask('a', '/A');
    s.advanceTo(10_000 * MS);
    expect(Math.abs(s.groupStats('/A').cpuUsec - 3_300_000)).toBeLessThanOrEqual(MS);
  });

  it('unthrottles at once when the quota is lifted', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity: 'exact' });
    s.addGroup('/A', { quota: 10 * MS });
    s.addTask('a', '/A');
    s.advanceTo(50 * MS);
    expect(s.groupStats('/A').throttled).toBe(true);
    s.setGroupLimits('/A', { quota: null });
    const events: readonly GroupSchedulerEvent[] = s.advanceTo(60 * MS);
    expect(events[0]).toEqual({ type: 'group.unthrottled', time: 50 * MS, group: '/A' });
    expect(s.taskStats('a').rate).toBe(1);
    expect(s.groupStats('/A').throttledUsec).toBe(50 * MS - 12 * MS);
  });
});

describe('fluid bandwidth', () => {
  it('costs nothing per period: always-runnable capped groups have no internal events', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity: 'fluid' });
    s.addGroup('/A', { quota: 30 * MS });
    s.addGroup('/B');
    s.addTask('a', '/A');
    s.addTask('b', '/B');
    expect(s.nextEventTime()).toBe(Infinity);
    expect(s.advanceTo(3_600_000_000_000)).toEqual([]);
    const a = s.groupStats('/A');
    expect(a.cpuUsec).toBe(0.3 * 3_600_000_000_000);
    expect(a.nrPeriods).toBe(36_000_000);
    expect(a.throttledUsec).toBe(36_000_000 * 40 * MS);
    expect(a.throttled).toBe(true);
  });
});
