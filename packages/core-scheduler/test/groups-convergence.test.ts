// Exact (ticks, lag, on/off throttling) against fluid (GPS) on random group trees, and the
// invariants both must keep: CPU time is conserved, never over-allocated, and work-conserving.
// Where the kernel's on/off throttling and fluid caps differ by design, the last block pins it.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runGroupExperiment, type GroupExperimentResult } from '../src/index.js';

interface TaskGen {
  nice: number;
  start?: number;
  stop?: number;
}
interface NodeGen {
  cpu: Record<string, number>;
  tasks: TaskGen[];
  groups: NodeGen[];
}

const DURATION = 20_000_000;

const taskArb = (windows: boolean): fc.Arbitrary<TaskGen> =>
  fc
    .record({ nice: fc.integer({ min: -20, max: 19 }), start: fc.option(fc.integer({ min: 0, max: 10_000 })), run: fc.option(fc.integer({ min: 1, max: 10_000 })) })
    .map(({ nice, start, run }) => {
      const t: TaskGen = { nice };
      if (windows && start !== null) t.start = start * 1000;
      if (windows && run !== null) t.stop = (t.start ?? 0) + run * 1000;
      return t;
    });

const weightArb = fc.oneof(
  fc.record({ shares: fc.integer({ min: 2, max: 20_000 }) }),
  fc.record({ weight: fc.integer({ min: 1, max: 10_000 }) }),
);

// Periods are whole multiples of the 4 ms tick (see README: an off-tick refresh waits for a tick).
const quotaArb = fc.option(
  fc.record({ period: fc.constantFrom(100_000, 200_000), share: fc.integer({ min: 5, max: 120 }) }).map(({ period, share }) => ({
    period,
    quota: Math.max(1000, Math.round((period * share) / 100)),
  })),
  { freq: 2 },
);

const nodeArb = (depth: number, quotas: boolean, windows: boolean): fc.Arbitrary<NodeGen> =>
  fc.record({
    cpu: fc.tuple(weightArb, quotas ? quotaArb : fc.constant(null)).map(([w, q]) => ({ ...w, ...(q ?? {}) })),
    tasks: fc.array(taskArb(windows), { maxLength: 3 }),
    groups: depth === 0 ? fc.constant([]) : fc.array(nodeArb(depth - 1, quotas, windows), { maxLength: 3 }),
  });

/**
 * A spec from generated nodes: names g0, g1, ... per level, t0, t1, ... globally. Only the first
 * quota is kept: two capped groups with different periods interact through their on/off phases
 * (one starves the other in some periods, and unused quota is lost), which fluid caps ignore.
 */
function toSpec(cpus: number, root: { tasks: TaskGen[]; groups: NodeGen[] }) {
  let n = 0;
  let quotas = 0;
  const tasks = (ts: TaskGen[]) => ts.map((t) => ({ name: `t${n++}`, ...t }));
  const cpuOf = ({ quota, period, ...weight }: Record<string, number>) =>
    quota !== undefined && quotas++ === 0 ? { ...weight, quota, period } : weight;
  const groups = (gs: NodeGen[]): object[] => gs.map((g, i) => ({ name: `g${i}`, cpu: cpuOf(g.cpu), tasks: tasks(g.tasks), groups: groups(g.groups) }));
  return { cpus, duration: DURATION, tasks: tasks(root.tasks), groups: groups(root.groups) };
}

const specArb = (opts: { windows: boolean; quotas: boolean; quotasOnSeveralCpus?: boolean }) =>
  fc.integer({ min: 1, max: 3 }).chain((cpus) =>
    // Quotas on one CPU unless asked: on several, the kernel's on/off throttling lets a capped group
    // use all its CPUs then none, which fluid follows by averaging the two phases (quota-phases.ts;
    // its own property below).
    fc
      .record({
        tasks: fc.array(taskArb(opts.windows), { maxLength: 3 }),
        groups: fc.array(nodeArb(2, opts.quotas && (cpus === 1 || opts.quotasOnSeveralCpus === true), opts.windows), { maxLength: 3 }),
      })
      .map((root) => toSpec(cpus, root)),
  );

function maxGap(a: GroupExperimentResult, b: GroupExperimentResult): number {
  let gap = 0;
  a.tasks.forEach((t, i) => (gap = Math.max(gap, Math.abs(t.fraction - b.tasks[i]!.fraction))));
  a.groups.forEach((g, i) => (gap = Math.max(gap, Math.abs(g.fraction - b.groups[i]!.fraction))));
  return gap;
}

describe('exact converges to fluid', () => {
  it('within 1% of a CPU per task and per group over 20 s on random trees', () => {
    fc.assert(
      fc.property(specArb({ windows: true, quotas: true }), (spec) => {
        const exact = runGroupExperiment({ ...spec, fidelity: 'exact' });
        const fluid = runGroupExperiment({ ...spec, fidelity: 'fluid' });
        expect(maxGap(exact, fluid)).toBeLessThan(0.01);
      }),
      { numRuns: 40 },
    );
  });

  it('with a quota on 1-3 CPUs: within 1% of a CPU per task and per group over 20 s (fluid averages the on/off phases)', () => {
    // A steady cap is 33% off on such a tree (2 CPUs, a 2-thread group at 1 CPU of quota beside a
    // one-thread peer: 1.0 where exact gives 2/3), and was 1.2-1.7% off with the phases before a
    // throttled group's busy threads carried their on-phase split and gaining peers their average.
    fc.assert(
      fc.property(specArb({ windows: true, quotas: true, quotasOnSeveralCpus: true }), (spec) => {
        const exact = runGroupExperiment({ ...spec, fidelity: 'exact' });
        const fluid = runGroupExperiment({ ...spec, fidelity: 'fluid' });
        expect(maxGap(exact, fluid)).toBeLessThan(0.01);
      }),
      { numRuns: 40 },
    );
  });
});

describe.each(['exact', 'fluid'] as const)('invariants (%s)', (fidelity) => {
  it('conserves CPU time: a group used what its subtree used, the machine no more than it has', () => {
    fc.assert(
      fc.property(specArb({ windows: true, quotas: true }), (spec) => {
        const r = runGroupExperiment({ ...spec, fidelity });
        const rounding = fidelity === 'fluid' ? r.tasks.length : 0;
        for (const g of r.groups) {
          const sub = r.tasks.filter((t) => t.group === g.path || t.group.startsWith(`${g.path}/`));
          expect(Math.abs(g.cpuUsec - sub.reduce((s, t) => s + t.cpuUsec, 0))).toBeLessThanOrEqual(rounding);
        }
        const total = r.tasks.reduce((s, t) => s + t.cpuUsec, 0);
        expect(total).toBeLessThanOrEqual(spec.cpus * DURATION + rounding);
        for (const t of r.tasks) expect(t.cpuUsec).toBeLessThanOrEqual(DURATION);
      }),
      { numRuns: 25 },
    );
  });

  it('is work-conserving: without quotas, always-runnable tasks keep min(cpus, tasks) CPUs busy', () => {
    fc.assert(
      fc.property(specArb({ windows: false, quotas: false }), (spec) => {
        const r = runGroupExperiment({ ...spec, fidelity });
        const total = r.tasks.reduce((s, t) => s + t.cpuUsec, 0);
        expect(Math.abs(total - Math.min(spec.cpus, r.tasks.length) * DURATION)).toBeLessThanOrEqual(fidelity === 'fluid' ? r.tasks.length : 0);
      }),
      { numRuns: 25 },
    );
  });
});

describe('where on/off throttling and fluid caps differ (documented)', () => {
  const fractions = (spec: object, fidelity: string) =>
    Object.fromEntries(runGroupExperiment({ duration: '20s', ...spec, fidelity }).groups.map((g) => [g.path, +g.fraction.toFixed(4)]));

  it('several CPUs: a capped group runs on all its CPUs, then none; a one-thread peer cannot use the idle phase (both fidelities)', () => {
    const spec = {
      cpus: 2,
      groups: [
        { name: 'A', cpu: { shares: 3072, quota: '100ms' }, tasks: [{ name: 'a1' }, { name: 'a2' }] },
        { name: 'B', tasks: [{ name: 'b' }] },
      ],
    };
    // On: A 1.5 CPUs, B 0.5 for 2/3 of each period; off: B alone at 1 CPU (its one thread): B 2/3.
    // The kernel throttles on and off (exact); fluid averages the two phases (quota-phases.ts). It
    // gave B 1.0 while it applied the quota as a steady cap of 1 CPU.
    const exact = fractions(spec, 'exact');
    expect(exact['/A']).toBe(1);
    expect(exact['/B']).toBeCloseTo(2 / 3, 3);
    expect(fractions(spec, 'fluid')).toEqual({ '/A': 1, '/B': 0.6667 });
  });

  it('two caps: a group starved during the on phase of the other cannot use its quota then', () => {
    const spec = {
      groups: [
        { name: 'S', cpu: { shares: 2, quota: '11ms', period: '100ms' }, tasks: [{ name: 's' }] },
        { name: 'H', cpu: { shares: 51, quota: '100ms', period: '200ms' }, tasks: [{ name: 'h' }] },
      ],
    };
    expect(fractions(spec, 'exact')['/S']).toBeLessThan(0.101);
    expect(fractions(spec, 'fluid')['/S']).toBe(0.11);
  });
});
