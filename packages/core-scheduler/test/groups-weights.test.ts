import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValidationError } from '@strata/shared-types';
import { clampShares, createGroupScheduler, runGroupExperiment, sharesToWeight, weightToShares } from '../src/index.js';

const FIDELITIES = ['exact', 'fluid'] as const;

/** Fractions of one CPU by task name over `duration`. */
function taskFractions(spec: object, fidelity: string): Record<string, number> {
  const r = runGroupExperiment({ duration: '20s', ...spec, fidelity });
  return Object.fromEntries(r.tasks.map((t) => [t.name, t.fraction]));
}

function groupFractions(spec: object, fidelity: string): Record<string, number> {
  const r = runGroupExperiment({ duration: '20s', ...spec, fidelity });
  return Object.fromEntries(r.groups.map((g) => [g.path, g.fraction]));
}

const one = (name: string, shares: number, nice = 0) => ({ name, cpu: { shares }, tasks: [{ name: name.toLowerCase(), nice }] });

describe.each(FIDELITIES)('weights (%s)', (fidelity) => {
  // Tick chunks make exact differ from the ideal by a few ticks over 20 s.
  const tol = fidelity === 'exact' ? 0.002 : 1e-6;

  it('shares 1024:512 split 2/3 : 1/3', () => {
    const f = taskFractions({ groups: [one('A', 1024), one('B', 512)] }, fidelity);
    expect(f['a']).toBeCloseTo(2 / 3, 2);
    expect(Math.abs(f['a']! - 2 / 3)).toBeLessThanOrEqual(tol);
    expect(Math.abs(f['b']! - 1 / 3)).toBeLessThanOrEqual(tol);
  });

  it('shares 1024:256:256 split 2/3 : 1/6 : 1/6', () => {
    const f = taskFractions({ groups: [one('A', 1024), one('B', 256), one('C', 256)] }, fidelity);
    expect(Math.abs(f['a']! - 2 / 3)).toBeLessThanOrEqual(tol);
    expect(Math.abs(f['b']! - 1 / 6)).toBeLessThanOrEqual(tol);
    expect(Math.abs(f['c']! - 1 / 6)).toBeLessThanOrEqual(tol);
  });

  it('shares 1024:100 split 0.911 : 0.089', () => {
    const f = taskFractions({ groups: [one('A', 1024), one('B', 100)] }, fidelity);
    expect(Math.abs(f['a']! - 1024 / 1124)).toBeLessThanOrEqual(tol);
    expect(f['a']!.toFixed(3)).toBe('0.911');
    expect(f['b']!.toFixed(3)).toBe('0.089');
  });

  it('splits shares per group, not per task: 2 tasks in A vs 1 in B', () => {
    const f = taskFractions(
      { groups: [{ name: 'A', tasks: [{ name: 'a1' }, { name: 'a2' }] }, { name: 'B', tasks: [{ name: 'b' }] }] },
      fidelity,
    );
    expect(Math.abs(f['a1']! - 0.25)).toBeLessThanOrEqual(tol);
    expect(Math.abs(f['a2']! - 0.25)).toBeLessThanOrEqual(tol);
    expect(Math.abs(f['b']! - 0.5)).toBeLessThanOrEqual(tol);
  });

  it('splits a group by nice weight: nice 0 vs nice 5 is 0.7535 : 0.2465', () => {
    const f = taskFractions({ groups: [{ name: 'A', tasks: [{ name: 'n0' }, { name: 'n5', nice: 5 }] }] }, fidelity);
    expect(f['n0']!.toFixed(4)).toBe(fidelity === 'fluid' ? '0.7535' : f['n0']!.toFixed(4));
    expect(Math.abs(f['n0']! - 1024 / 1359)).toBeLessThanOrEqual(tol);
    expect(Math.abs(f['n5']! - 335 / 1359)).toBeLessThanOrEqual(tol);
  });

  it('nice matters only inside a group: nice 19 alone in its group gets the full group share', () => {
    const f = taskFractions({ groups: [one('A', 1024, 19), one('B', 1024, -20)] }, fidelity);
    expect(Math.abs(f['a']! - 0.5)).toBeLessThanOrEqual(tol);
    expect(Math.abs(f['b']! - 0.5)).toBeLessThanOrEqual(tol);
  });

  it('reads cgroup v2 weights on the same scale: weight 100 vs 50 is 2/3 : 1/3, weight 100 equals shares 1024', () => {
    const f = taskFractions(
      {
        groups: [
          { name: 'A', cpu: { weight: 100 }, tasks: [{ name: 'a' }] },
          { name: 'B', cpu: { weight: 50 }, tasks: [{ name: 'b' }] },
          { name: 'C', cpu: { shares: 1024 }, tasks: [{ name: 'c' }] },
        ],
      },
      fidelity,
    );
    expect(Math.abs(f['a']! - 0.4)).toBeLessThanOrEqual(tol);
    expect(Math.abs(f['b']! - 0.2)).toBeLessThanOrEqual(tol);
    expect(Math.abs(f['c']! - 0.4)).toBeLessThanOrEqual(tol);
  });

  it("puts a group's tasks and child groups side by side in its run queue", () => {
    const g = groupFractions(
      {
        groups: [
          { name: 'A', tasks: [{ name: 'a' }], groups: [{ name: 'C', tasks: [{ name: 'c1' }, { name: 'c2' }] }] },
          { name: 'B', tasks: [{ name: 'b' }] },
        ],
      },
      fidelity,
    );
    expect(Math.abs(g['/A']! - 0.5)).toBeLessThanOrEqual(tol);
    expect(Math.abs(g['/A/C']! - 0.25)).toBeLessThanOrEqual(tol);
    expect(Math.abs(g['/B']! - 0.5)).toBeLessThanOrEqual(tol);
  });

  it('is work-conserving: an idle or mostly sleeping group leaves its share to the others', () => {
    const f = taskFractions(
      {
        groups: [
          { name: 'Idle', cpu: { shares: 100000 } },
          { name: 'Sleepy', tasks: [{ name: 's', bursts: [{ run: '1ms', sleep: '99ms' }] }] },
          one('B', 1024),
        ],
      },
      fidelity,
    );
    expect(f['s']).toBeGreaterThan(0.009);
    expect(f['s']).toBeLessThan(0.0101);
    expect(f['s']! + f['b']!).toBeCloseTo(1, 9);
  });

  it('shares two CPUs: three equal groups get 2/3 each; a task never gets more than one CPU', () => {
    const f = taskFractions({ cpus: 2, groups: [one('A', 1024), one('B', 1024), one('C', 1024)] }, fidelity);
    for (const name of ['a', 'b', 'c']) expect(Math.abs(f[name]! - 2 / 3)).toBeLessThanOrEqual(tol);
    const capped = taskFractions(
      { cpus: 2, groups: [one('A', 262144), { name: 'B', cpu: { shares: 2 }, tasks: [{ name: 'b1' }, { name: 'b2' }, { name: 'b3' }] }] },
      fidelity,
    );
    expect(capped['a']).toBe(1);
    expect(Math.abs(capped['b1']! + capped['b2']! + capped['b3']! - 1)).toBeLessThanOrEqual(tol);
  });
});

describe('exact granularity', () => {
  it('runs a light task about one tick per pick and the heavy one weight-ratio ticks in a row', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity: 'exact' });
    s.addGroup('/A', { shares: 1024 });
    s.addGroup('/B', { shares: 100 });
    s.addTask('a', '/A');
    s.addTask('b', '/B');
    const runs: string[] = [];
    for (let k = 0; k < 2000; k++) {
      s.advanceTo(k * 4000 + 2000);
      runs.push(s.taskStats('a').rate === 1 ? 'a' : 'b');
    }
    const text = runs.join('').slice(100);
    const heavy = text.match(/a+/g)!.map((r) => r.length);
    const light = text.match(/b+/g)!.map((r) => r.length);
    expect(new Set(light)).toEqual(new Set([1]));
    expect(Math.min(...heavy.slice(1, -1))).toBeGreaterThanOrEqual(9);
    expect(Math.max(...heavy)).toBeLessThanOrEqual(11);
  });
});

describe('cgroup weight conversions', () => {
  it('converts shares to a v2 weight as runc does (integer arithmetic)', () => {
    expect(sharesToWeight(2)).toBe(1);
    expect(sharesToWeight(1024)).toBe(39);
    expect(sharesToWeight(512)).toBe(20);
    expect(sharesToWeight(262144)).toBe(10000);
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 262144 }), (shares) => {
        const expected = 1n + ((BigInt(shares) - 2n) * 9999n) / 262142n;
        expect(sharesToWeight(shares)).toBe(Number(expected));
        expect(sharesToWeight(shares + 1 > 262144 ? shares : shares + 1)).toBeGreaterThanOrEqual(sharesToWeight(shares));
      }),
    );
  });

  it('clamps shares silently into 2..262144 like the kernel, but rejects negative or fractional values', () => {
    expect(clampShares(0)).toBe(2);
    expect(clampShares(1)).toBe(2);
    expect(clampShares(300000)).toBe(262144);
    expect(clampShares(1024)).toBe(1024);
    expect(sharesToWeight(0)).toBe(1);
    expect(() => clampShares(-1)).toThrow(ValidationError);
    expect(() => clampShares(1.5)).toThrow(/whole number/);
  });

  it('maps a v2 weight to the load weight round(weight × 1024 / 100) and rejects 0 or 10001', () => {
    expect(weightToShares(100)).toBe(1024);
    expect(weightToShares(1)).toBe(10);
    expect(weightToShares(50)).toBe(512);
    expect(weightToShares(10000)).toBe(102400);
    expect(() => weightToShares(0)).toThrow(/1 to 10000/);
    expect(() => weightToShares(10001)).toThrow(ValidationError);
  });

  it('schedules clamped shares like their clamped value', () => {
    for (const fidelity of FIDELITIES) {
      const clamped = taskFractions({ groups: [one('A', 1), one('B', 1000000)] }, fidelity);
      const explicit = taskFractions({ groups: [one('A', 2), one('B', 262144)] }, fidelity);
      expect(clamped).toEqual(explicit);
    }
  });
});
