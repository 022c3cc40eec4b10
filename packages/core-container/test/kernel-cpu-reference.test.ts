// The CPU results of the reference hold through the kernel exactly as through core-scheduler's group
// scheduler alone (to the µs; fluid's per-task rounding aside): the kernel adds cgroupfs, processes and
// programs, not a second CPU model.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createGroupScheduler } from '@strata/core-scheduler';
import { parseProgram } from '@strata/shared-types';
import { createKernel } from '../src/index.js';

const S = 1_000_000;
const FIDELITIES = ['exact', 'fluid'] as const;
const hog = parseProgram([{ cpu: '1000s' }]);

function usage(k: ReturnType<typeof createKernel>, path: string): number {
  return Number(/usage_usec (\d+)/.exec(k.read(path, 'cpu.stat'))![1]);
}

interface Scenario {
  readonly cpus: number;
  readonly groups: readonly { readonly weight: number; readonly quota: number | null; readonly tasks: readonly number[] }[];
}

/** The same scenario on the kernel (cpu.weight, cpu.max, nice) and on the group scheduler alone (shares = round(w·1024/100)). */
function both(s: Scenario, fidelity: 'exact' | 'fluid', seconds: number): { kernel: number[]; sched: number[] } {
  const k = createKernel({ cpus: s.cpus, memory: 2 ** 30, fidelity });
  k.write('/', 'cgroup.subtree_control', '+cpu');
  const g = createGroupScheduler({ cpus: s.cpus, fidelity });
  s.groups.forEach((grp, i) => {
    k.mkdir(`/g${i}`);
    k.write(`/g${i}`, 'cpu.weight', String(grp.weight));
    if (grp.quota !== null) k.write(`/g${i}`, 'cpu.max', `${grp.quota} 100000`);
    g.addGroup(`/g${i}`, { shares: Math.round((grp.weight * 1024) / 100), quota: grp.quota, period: 100_000 });
    grp.tasks.forEach((nice, j) => {
      k.spawn({ name: `t${i}.${j}`, cgroup: `/g${i}`, program: hog, nice });
      g.addTask(`t${i}.${j}`, `/g${i}`, { nice });
    });
  });
  k.advanceTo(seconds * S);
  g.advanceTo(seconds * S);
  return { kernel: s.groups.map((_, i) => usage(k, `/g${i}`)), sched: s.groups.map((_, i) => Math.round(g.groupStats(`/g${i}`).cpuUsec)) };
}

describe.each(FIDELITIES)('reference CPU results through the kernel (%s)', (fidelity) => {
  it('weights 100:50 → 2/3 : 1/3; 100:25:25 → 2/3 : 1/6 : 1/6', () => {
    const a = both({ cpus: 1, groups: [{ weight: 100, quota: null, tasks: [0] }, { weight: 50, quota: null, tasks: [0] }] }, fidelity, 12);
    expect(a.kernel).toEqual(a.sched);
    expect(a.kernel[0]! / 12e6).toBeCloseTo(2 / 3, 2);
    const b = both({ cpus: 1, groups: [{ weight: 100, quota: null, tasks: [0] }, { weight: 25, quota: null, tasks: [0] }, { weight: 25, quota: null, tasks: [0] }] }, fidelity, 12);
    expect(b.kernel).toEqual(b.sched);
    expect(b.kernel[1]! / 12e6).toBeCloseTo(1 / 6, 2);
  });

  it('shares split per group, not per task: 2 tasks in A and 1 in B get 1/2 : 1/2', () => {
    const r = both({ cpus: 1, groups: [{ weight: 100, quota: null, tasks: [0, 0] }, { weight: 100, quota: null, tasks: [0] }] }, fidelity, 10);
    expect(r.kernel).toEqual(r.sched);
    expect(r.kernel[0]! / 10e6).toBeCloseTo(0.5, 2);
  });

  it('nice 0 vs nice 5 inside one group: 0.7535 : 0.2465; nice 19 alone keeps its group share', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity });
    k.write('/', 'cgroup.subtree_control', '+cpu');
    k.mkdir('/A');
    k.mkdir('/B');
    const n0 = k.spawn({ name: 'n0', cgroup: '/A', program: hog, nice: 0 });
    const n5 = k.spawn({ name: 'n5', cgroup: '/A', program: hog, nice: 5 });
    const lone = k.spawn({ name: 'n19', cgroup: '/B', program: hog, nice: 19 });
    k.advanceTo(20 * S);
    const total = k.process(n0).cpuUsec + k.process(n5).cpuUsec;
    expect(k.process(n0).cpuUsec / total).toBeCloseTo(0.7535, 2);
    expect(k.process(lone).cpuUsec / 20e6).toBeCloseTo(0.5, 2);
  });

  it('A capped at 30% beside an uncapped B: 0.30 and 0.70; 150000/100000 lets two threads use 1.5 of 2 CPUs', () => {
    const r = both({ cpus: 1, groups: [{ weight: 100, quota: 30_000, tasks: [0] }, { weight: 100, quota: null, tasks: [0] }] }, fidelity, 10);
    expect(r.kernel).toEqual(r.sched);
    expect(r.kernel[0]! / 10e6).toBeCloseTo(0.3, 2);
    expect(r.kernel[1]! / 10e6).toBeCloseTo(0.7, 2);
    const k = createKernel({ cpus: 2, memory: 2 ** 30, fidelity });
    k.write('/', 'cgroup.subtree_control', '+cpu');
    k.mkdir('/A');
    k.write('/A', 'cpu.max', '150000 100000');
    k.spawn({ name: 'a', cgroup: '/A', program: hog });
    k.spawn({ name: 'b', cgroup: '/A', program: hog });
    k.advanceTo(10 * S);
    expect(usage(k, '/A') / 10e6).toBeCloseTo(1.5, 2);
  });

  it('random weights, quotas, nice values and CPU counts: the kernel equals the group scheduler to the µs', () => {
    const scenario = fc.record({
      cpus: fc.integer({ min: 1, max: 4 }),
      groups: fc.array(
        fc.record({ weight: fc.integer({ min: 1, max: 10_000 }), quota: fc.option(fc.integer({ min: 1_000, max: 300_000 }), { nil: null }), tasks: fc.array(fc.integer({ min: -20, max: 19 }), { minLength: 1, maxLength: 3 }) }),
        { minLength: 1, maxLength: 4 },
      ),
    });
    fc.assert(
      fc.property(scenario, (s) => {
        const r = both(s, fidelity, 2);
        // Fluid reports each task's CPU time rounded to the µs, and cpu.stat sums the tasks: at most
        // half a µs per task apart from the group's own rounded total. Exact counts whole µs: equal.
        s.groups.forEach((g, i) => expect(Math.abs(r.kernel[i]! - r.sched[i]!)).toBeLessThanOrEqual(fidelity === 'exact' ? 0 : g.tasks.length));
      }),
      { numRuns: fidelity === 'exact' ? 25 : 60 },
    );
  });
});
