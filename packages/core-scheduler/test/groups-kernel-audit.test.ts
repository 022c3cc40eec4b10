// Audit against ../shared/reference/linux-cgroup-cpu-semantics.md: the combinations a kernel
// measurement plausibly includes (nested shares, a quota over children, nice inside a capped
// group, sleepers beside a hog), the counters of sleeping groups and of a partial last period,
// and the quota/period bounds at the API. The single-point checks live in groups-weights,
// groups-bandwidth and groups-spec.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValidationError } from '@strata/shared-types';
import { createGroupScheduler, runGroupExperiment, type GroupExperimentResult } from '../src/index.js';

const FIDELITIES = ['exact', 'fluid'] as const;
const MS = 1000;

const byName = (r: GroupExperimentResult) => Object.fromEntries(r.tasks.map((t) => [t.name, t.fraction]));
const byPath = (r: GroupExperimentResult) => Object.fromEntries(r.groups.map((g) => [g.path, g]));

describe.each(FIDELITIES)('kernel combinations (%s)', (fidelity) => {
  const run = (spec: object) => runGroupExperiment({ duration: '20s', ...spec, fidelity });
  // Exact runs in tick chunks: a few ticks over 20 s.
  const tol = fidelity === 'exact' ? 0.002 : 1e-6;

  it('nested shares: a parent at 2048 with children 1024/1024 vs a sibling at 1024 is 1/3, 1/3 : 1/3', () => {
    const r = run({
      groups: [
        { name: 'P', cpu: { shares: 2048 }, groups: [1, 2].map((i) => ({ name: `C${i}`, cpu: { shares: 1024 }, tasks: [{ name: `c${i}` }] })) },
        { name: 'S', cpu: { shares: 1024 }, tasks: [{ name: 's' }] },
      ],
    });
    const g = byPath(r);
    expect(Math.abs(g['/P']!.fraction - 2 / 3)).toBeLessThanOrEqual(tol);
    for (const name of ['c1', 'c2', 's']) expect(Math.abs(byName(r)[name]! - 1 / 3)).toBeLessThanOrEqual(tol);
  });

  it("a parent's quota limits its children: 40% split 0.2 / 0.2, the uncapped sibling gets 0.6", () => {
    const r = run({
      duration: '10s',
      groups: [
        { name: 'P', cpu: { quota: '40ms' }, groups: [{ name: 'C1', tasks: [{ name: 'c1' }] }, { name: 'C2', tasks: [{ name: 'c2' }] }] },
        { name: 'S', tasks: [{ name: 's' }] },
      ],
    });
    const f = byName(r);
    expect(f['c1']).toBeCloseTo(0.2, 3);
    expect(f['c2']).toBeCloseTo(0.2, 3);
    expect(f['s']).toBeCloseTo(0.6, 3);
    const p = byPath(r)['/P']!;
    expect([p.nrPeriods, p.nrThrottled]).toEqual([100, 100]);
    // The children have no quota of their own: no bandwidth counters.
    expect(byPath(r)['/P/C1']!.nrPeriods).toBe(0);
  });

  it('a capped group with nice 0 and nice 5 beside an uncapped one: 0.3 split 0.7535 : 0.2465, the peer 0.7', () => {
    const r = run({
      duration: '10s',
      groups: [
        { name: 'A', cpu: { quota: '30ms' }, tasks: [{ name: 'n0' }, { name: 'n5', nice: 5 }] },
        { name: 'B', tasks: [{ name: 'b' }] },
      ],
    });
    const f = byName(r);
    expect(Math.abs(f['n0']! - (0.3 * 1024) / 1359)).toBeLessThanOrEqual(tol);
    expect(Math.abs(f['n5']! - (0.3 * 335) / 1359)).toBeLessThanOrEqual(tol);
    expect(f['b']).toBeCloseTo(0.7, 4);
    // Under contention the group runs at 1/2 until its 30 ms are used: throttled ~40 ms a period.
    expect(byPath(r)['/A']!.throttledUsec / 100).toBeCloseTo(40 * MS, -3);
  });

  it('work conservation with sleepers: a bursty task gets its fair share while awake, the hog the rest', () => {
    // 20 ms of CPU at 1/2 (40 ms) then 20 ms asleep: 1/3 of the CPU; the hog gets all the rest.
    const r = run({
      duration: '12s',
      groups: [
        { name: 'A', tasks: [{ name: 'a', bursts: [{ run: '20ms', sleep: '20ms' }] }] },
        { name: 'B', tasks: [{ name: 'b' }] },
      ],
    });
    const f = byName(r);
    expect(Math.abs(f['a']! - 1 / 3)).toBeLessThanOrEqual(tol);
    expect(f['a']! + f['b']!).toBeCloseTo(1, 9);
  });

  it("work conservation with a blocked group: once A's task stops, B gets the whole CPU", () => {
    const r = run({
      duration: '10s',
      groups: [
        { name: 'A', cpu: { shares: 8192 }, tasks: [{ name: 'a', stop: '2s' }] },
        { name: 'B', tasks: [{ name: 'b' }] },
      ],
    });
    const f = byName(r);
    // 2 s at 1/9, then 8 s alone.
    expect(Math.abs(f['b']! - (2 / 9 + 8) / 10)).toBeLessThanOrEqual(tol);
    expect(f['a']! + f['b']!).toBeCloseTo(1, 9);
  });

  it('counts one wholly idle period per long sleep (the expiry that stops the timer); an uncapped group reports 0', () => {
    // do_sched_cfs_period_timer adds each expiry to nr_periods before it looks at cfs_b->idle, and
    // stops the timer at an expiry that finds the group idle for a whole period and not throttled.
    // Runnable 0..3.05 s: expiries 0.1..3.0 s, all throttled (30). The 3.1 s expiry counts (31) and,
    // the group not throttled, marks the next period idle; the 3.2 s one finds it idle, counts (32)
    // and stops the timer. The wake at 6 s restarts it on the same grid: 6.1..10.0 s, 40 more, all
    // throttled. 32 + 40 = 72 periods, 30 + 40 = 70 throttled.
    const r = run({
      duration: '10s',
      groups: [
        { name: 'A', cpu: { quota: '30ms' }, tasks: [{ name: 'a', stop: '3050ms' }, { name: 'a2', start: '6s' }] },
        { name: 'B', tasks: [{ name: 'b' }] },
      ],
    });
    const [a, b] = r.groups;
    expect([a!.nrPeriods, a!.nrThrottled]).toEqual([72, 70]);
    expect([b!.nrPeriods, b!.nrThrottled, b!.throttledUsec]).toEqual([0, 0, 0]);
  });

  it('a bursty capped group counts the periods its bursts touch plus one idle period per sleep', () => {
    // 10 ms of CPU, then 390 ms asleep. Each burst touches 1 or 2 periods; the expiry after the
    // burst's last period marks the next one idle, and that next expiry (the sleep still lasts:
    // 390 ms > 2 periods) counts and stops the timer; the wake restarts it. So 2 or 3 periods per
    // burst (the last burst may lose its idle expiry past the end), never the ~2 more slept through.
    const r = run({
      duration: '10s',
      groups: [
        { name: 'A', cpu: { quota: '30ms' }, tasks: [{ name: 'a', bursts: [{ run: '10ms', sleep: '390ms' }] }] },
        { name: 'B', tasks: [{ name: 'b' }] },
      ],
    });
    const a = r.groups[0]!;
    const bursts = Math.ceil(a.cpuUsec / (10 * MS));
    expect(bursts).toBeGreaterThanOrEqual(23);
    expect(a.nrPeriods).toBeGreaterThanOrEqual(2 * bursts - 1);
    expect(a.nrPeriods).toBeLessThanOrEqual(3 * bursts);
    expect(a.nrPeriods).toBeLessThan(100);
  });

  it('a sleep shorter than a period never stops the timer: every period counts', () => {
    // 10 ms of CPU, 50 ms asleep: every 100 ms period holds a wake-up, so the idle flag set at each
    // expiry is always cleared before the next and all 100 expiries in 10 s count.
    const r = run({
      duration: '10s',
      groups: [{ name: 'A', cpu: { quota: '30ms' }, tasks: [{ name: 'a', start: '20ms', bursts: [{ run: '10ms', sleep: '50ms' }] }] }],
    });
    expect(r.groups[0]!.nrPeriods).toBe(100);
  });

  it('restarts a stopped timer on the original grid: the first expiry after a wake at 1234 ms is at 1300 ms', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity });
    s.addGroup('/A', { quota: 30 * MS });
    s.addTask('a', '/A', { runnable: false });
    // Quota set at 0: expiries at 100 and 200 ms count, the second stops the timer.
    s.advanceTo(1234 * MS);
    expect(s.groupStats('/A').nrPeriods).toBe(2);
    s.wake('a', 5 * MS);
    s.advanceTo(1300 * MS - 1);
    expect(s.groupStats('/A').nrPeriods).toBe(2);
    s.advanceTo(1300 * MS);
    expect(s.groupStats('/A').nrPeriods).toBe(3);
    // The 5 ms ran in (1200, 1300]; the 1400 ms expiry finds the period idle, counts and stops.
    s.advanceTo(5000 * MS);
    expect(s.groupStats('/A').nrPeriods).toBe(4);
    expect(s.groupStats('/A').cpuUsec).toBe(5 * MS);
    // A stopped timer schedules nothing.
    expect(s.nextEventTime()).toBe(Infinity);
  });

  it('a partial last period is not counted yet: counters at 10.05 s and 10.09 s equal those at 10 s', () => {
    // nr_periods and nr_throttled count period timer expirations; the kernel adds a throttle to
    // throttled_time when it ends, so the throttle in progress at 10.09 s is not in it.
    const spec = { groups: [{ name: 'A', cpu: { quota: '30ms' }, tasks: [{ name: 'a' }] }, { name: 'B', tasks: [{ name: 'b' }] }] };
    const stat = (duration: string) => {
      const { nrPeriods, nrThrottled, throttledUsec } = run({ ...spec, duration }).groups[0]!;
      return { nrPeriods, nrThrottled, throttledUsec };
    };
    const whole = stat('10s');
    expect(whole.nrPeriods).toBe(100);
    expect(stat('10050ms')).toEqual(whole);
    expect(stat('10090ms')).toEqual(whole);
    // The usage of the partial period does count.
    expect(run({ ...spec, duration: '10050ms' }).groups[0]!.cpuUsec).toBeGreaterThan(100 * 30 * MS);
  });
});

describe.each(FIDELITIES)('throttled time as cpu.stat shows it (%s)', (fidelity) => {
  it('adds a throttle when it ends: not while it lasts, then all of it at the refresh', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity });
    s.addGroup('/A', { quota: 30 * MS });
    s.addTask('a', '/A');
    s.advanceTo(90 * MS);
    expect(s.groupStats('/A').throttled).toBe(true);
    expect(s.groupStats('/A').throttledUsec).toBe(0);
    s.advanceTo(100 * MS);
    // Exact: throttled at the 32 ms tick (overrun 2 ms); fluid: the 70 ms the 30% cap implies.
    expect(s.groupStats('/A').throttledUsec).toBe(fidelity === 'exact' ? 68 * MS : 70 * MS);
  });

  it('adds the throttle in progress when the quota is lifted (the kernel unthrottles then)', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity });
    s.addGroup('/A', { quota: 30 * MS });
    s.addTask('a', '/A');
    s.advanceTo(80 * MS);
    s.setGroupLimits('/A', { quota: null });
    const expected = fidelity === 'exact' ? 48 * MS : 0.7 * 80 * MS;
    expect(s.groupStats('/A').throttledUsec).toBe(expected);
    s.advanceTo(500 * MS);
    expect(s.groupStats('/A').throttledUsec).toBe(expected);
  });
});

describe.each(FIDELITIES)('bandwidth bounds at the API (%s)', (fidelity) => {
  it('accepts quota 1000 µs and periods 1000 and 1000000 µs; rejects 999 µs quotas and periods outside 1000..1000000 µs', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity });
    s.addGroup('/A', { quota: 1000, period: 1000 });
    s.addGroup('/B', { quota: 1000, period: 1_000_000 });
    for (const bad of [{ quota: 999 }, { quota: 0 }, { quota: -1 }, { period: 999 }, { period: 1_000_001 }, { quota: 1500.5 }]) {
      expect(() => s.setGroupLimits('/A', bad)).toThrow(ValidationError);
    }
    expect(() => s.addGroup('/C', { quota: 999, period: 1000 })).toThrow(/at least 1000/);
    expect(s.listGroups()).toEqual(['/', '/A', '/B']);
    // Quota 1 ms per 1 ms period: a whole CPU, never throttled for long; 1 ms per 1 s: 0.1%.
    s.addTask('a', '/B');
    s.advanceTo(10_000 * MS);
    expect(s.groupStats('/B').cpuUsec / 10_000_000).toBeCloseTo(0.001, 3);
  });
});

describe('exact: long-run fraction is quota/period for a period off the tick grid', () => {
  it('quota 25 ms per 70 ms beside a peer: 2.5 s in 7 s, within a tick', () => {
    const r = runGroupExperiment({
      duration: '7s',
      groups: [{ name: 'A', cpu: { quota: '25ms', period: '70ms' }, tasks: [{ name: 'a' }] }, { name: 'B', tasks: [{ name: 'b' }] }],
    });
    expect(Math.abs(r.groups[0]!.cpuUsec - 2_500_000)).toBeLessThanOrEqual(4 * MS);
    expect(r.groups[0]!.nrPeriods).toBe(100);
  });
});

describe('nr_periods of a bursty group, derived by hand (10 ms of CPU, then 390 ms asleep, alone)', () => {
  // Bursts run in [20 + 400k, 30 + 400k] ms, k = 0..24 (the 26th would start at 10.02 s), each
  // inside the period (400k, 400k + 100] ms. Expiry 400k + 100 counts (the burst requested runtime)
  // and marks the next period idle; expiry 400k + 200 finds it idle, counts and stops the timer;
  // the wake at 400(k+1) + 20 restarts it, next expiry 400(k+1) + 100. So 2 per burst: 25 × 2 = 50
  // (the old rule, periods with a runnable task, gave 25), none throttled (10 ms < 30 ms quota).
  const spec = (quota: string) => ({
    duration: '10s',
    groups: [{ name: 'A', cpu: { quota }, tasks: [{ name: 'a', start: '20ms', bursts: [{ run: '10ms', sleep: '390ms' }] }] }],
  });

  it('exact, quota 30 ms / 100 ms: 50 periods, 0 throttled', () => {
    const a = runGroupExperiment({ ...spec('30ms'), fidelity: 'exact' }).groups[0]!;
    expect([a.cpuUsec, a.nrPeriods, a.nrThrottled, a.throttledUsec]).toEqual([250 * MS, 50, 0, 0]);
  });

  it.each(FIDELITIES)('%s counts the same 50 when the burst runs at full speed in both (quota 100 ms / 100 ms)', (fidelity) => {
    // Fluid runs a burst at quota/period while the quota binds (30 ms → a 33 ms burst, so bursts
    // drift across period boundaries and a few touch two periods); at 100 ms / 100 ms it does not bind.
    const a = runGroupExperiment({ ...spec('100ms'), fidelity }).groups[0]!;
    expect([a.cpuUsec, a.nrPeriods, a.nrThrottled]).toEqual([250 * MS, 50, 0]);
  });
});

/**
 * The kernel's period timer replayed over the boundaries k × period, for a group that is never
 * throttled and runnable over `[wake, block)` intervals: the reference the models must agree with.
 */
function referenceNrPeriods(intervals: readonly (readonly [number, number])[], period: number, end: number): number {
  const runnableIn = (a: number, b: number) => intervals.some(([w, e]) => w < b && e > a);
  let active = true; // tg_set_cfs_bandwidth starts the timer at 0
  let requested = true; // a new group's cfs_b->idle is clear
  let count = 0;
  for (let b = period; b <= end; b += period) {
    const request = runnableIn(b - period, b);
    if (!active) {
      if (!request) continue; // stopped: this boundary passes uncounted
      active = true; // start_cfs_bandwidth: re-armed on the grid, first expiry at b
    }
    if (request) requested = true;
    count++; // nr_periods += overrun, before the idle check
    if (!requested) {
      active = false; // idle for the whole period and not throttled: stop
      continue;
    }
    requested = runnableIn(b, b + 1); // cfs_b->idle = 1, cleared at once by a runnable group
  }
  return count;
}

describe.each(FIDELITIES)('nr_periods against the kernel timer replayed by hand (%s)', (fidelity) => {
  it('random wake/block schedules of a never-throttled capped group count what the reference counts', () => {
    const PERIOD = 100 * MS;
    const END = 3000 * MS;
    // Distinct instants off the period grid, paired into runnable intervals.
    const times = fc
      .uniqueArray(fc.integer({ min: 1, max: END - 1 }), { minLength: 2, maxLength: 16 })
      .map((ts) => ts.filter((t) => t % PERIOD !== 0).sort((a, b) => a - b))
      .map((ts) => ts.slice(0, ts.length - (ts.length % 2)));
    fc.assert(
      fc.property(times, (ts) => {
        const s = createGroupScheduler({ cpus: 1, fidelity });
        // quota = period on 1 CPU: never throttled, and fluid runs the task at full speed.
        s.addGroup('/A', { quota: PERIOD, period: PERIOD });
        s.addTask('a', '/A', { runnable: false });
        const intervals: [number, number][] = [];
        for (let i = 0; i < ts.length; i += 2) {
          s.advanceTo(ts[i]!);
          s.wake('a');
          s.advanceTo(ts[i + 1]!);
          s.block('a');
          intervals.push([ts[i]!, ts[i + 1]!]);
        }
        s.advanceTo(END);
        const a = s.groupStats('/A');
        expect(a.nrThrottled).toBe(0);
        expect(a.nrPeriods).toBe(referenceNrPeriods(intervals, PERIOD, END));
      }),
      { numRuns: 60 },
    );
  });
});

describe('where fluid caps and kernel throttling differ: a bursty capped group (documented)', () => {
  it('fluid caps a burst at quota/period although it uses less than its quota per period; exact never throttles it', () => {
    const spec = {
      duration: '10s',
      groups: [
        { name: 'A', cpu: { quota: '30ms' }, tasks: [{ name: 'a', bursts: [{ run: '10ms', sleep: '390ms' }] }] },
        { name: 'B', tasks: [{ name: 'b' }] },
      ],
    };
    const exact = runGroupExperiment({ ...spec, fidelity: 'exact' }).groups[0]!;
    const fluid = runGroupExperiment({ ...spec, fidelity: 'fluid' }).groups[0]!;
    // The kernel: 10 ms per period never reaches the 30 ms quota, so no throttling (as exact).
    expect([exact.nrThrottled, exact.throttledUsec]).toEqual([0, 0]);
    // Fluid runs each burst at 0.3 instead of 0.5 and reports it throttled meanwhile.
    expect(fluid.nrThrottled).toBeGreaterThan(0);
    expect(Math.abs(fluid.fraction - exact.fraction)).toBeLessThan(0.002);
  });
});
