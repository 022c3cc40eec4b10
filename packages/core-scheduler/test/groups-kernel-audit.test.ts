// Audit against ../shared/reference/linux-cgroup-cpu-semantics.md: the combinations a kernel
// measurement plausibly includes (nested shares, a quota over children, nice inside a capped
// group, sleepers beside a hog), the counters of sleeping groups and of a partial last period,
// and the quota/period bounds at the API. The single-point checks live in groups-weights,
// groups-bandwidth and groups-spec.
import { describe, expect, it } from 'vitest';
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

  it('counts no period in which a capped group was asleep the whole time; an uncapped group reports 0', () => {
    // Runnable 0..3.05 s (31 periods; throttled in the first 30) and 6..10 s (40, all throttled).
    const r = run({
      duration: '10s',
      groups: [
        { name: 'A', cpu: { quota: '30ms' }, tasks: [{ name: 'a', stop: '3050ms' }, { name: 'a2', start: '6s' }] },
        { name: 'B', tasks: [{ name: 'b' }] },
      ],
    });
    const [a, b] = r.groups;
    expect([a!.nrPeriods, a!.nrThrottled]).toEqual([71, 70]);
    expect([b!.nrPeriods, b!.nrThrottled, b!.throttledUsec]).toEqual([0, 0, 0]);
  });

  it('a bursty capped group counts only the periods its bursts touch', () => {
    // 10 ms of CPU every ~400 ms: 1 or 2 periods per burst, never the ~3 asleep in between.
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
    expect(a.nrPeriods).toBeGreaterThanOrEqual(bursts);
    expect(a.nrPeriods).toBeLessThanOrEqual(2 * bursts);
    expect(a.nrPeriods).toBeLessThan(40);
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
