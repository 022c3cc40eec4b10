// Random flat cgroup trees with CPU quotas on one period grid (all set at time 0), capped tasks and
// single-CPU cpusets, and the exact-vs-fluid gap over them: shared by the quota-phase property test
// and by `bench/quota-agreement.ts`, which measures the gap over many trees.
import fc from 'fast-check';
import { createGroupScheduler, type GroupFidelity } from '../src/index.js';

export interface QuotaGroupSetup {
  readonly weight: number;
  /** µs per 100 ms, 0 for none. */
  readonly quota: number;
  /** The one CPU the group may use (taken modulo the CPU count), or null for all. */
  readonly cpu: number | null;
  /** Its tasks' demand caps (1 = busy). */
  readonly tasks: readonly number[];
}

export interface QuotaTree {
  readonly cpus: number;
  readonly groups: readonly QuotaGroupSetup[];
}

/** 1–3 CPUs, 2–4 groups of weights 64–512, quotas of 30%, 50% or 150% (or none), 1–3 tasks each asking 0.25–1. */
export const quotaTreeArb: fc.Arbitrary<QuotaTree> = fc.record({
  cpus: fc.integer({ min: 1, max: 3 }),
  groups: fc.array(
    fc.record({
      weight: fc.constantFrom(64, 128, 256, 512),
      quota: fc.constantFrom(0, 0, 30_000, 50_000, 150_000),
      cpu: fc.option(fc.integer({ min: 0, max: 2 }), { freq: 2 }),
      tasks: fc.array(fc.constantFrom(0.25, 0.5, 0.75, 1), { minLength: 1, maxLength: 3 }),
    }),
    { minLength: 2, maxLength: 4 },
  ),
});

/** Each task's CPU fraction over `seconds` (tasks in group order). */
export function quotaTreeFractions(tree: QuotaTree, fidelity: GroupFidelity, seconds: number): number[] {
  const s = createGroupScheduler({ cpus: tree.cpus, fidelity, tick: 4000 });
  tree.groups.forEach((g, k) => {
    s.addGroup(`/g${k}`, {
      weight: g.weight,
      ...(g.quota > 0 ? { quota: g.quota, period: 100_000 } : {}),
      ...(g.cpu === null ? {} : { cpus: [g.cpu % tree.cpus] }),
    });
    g.tasks.forEach((demand, t) => s.addTask(`g${k}t${t}`, `/g${k}`, { demand }));
  });
  s.advanceTo(seconds * 1e6);
  return tree.groups.flatMap((g, k) => g.tasks.map((_, t) => s.taskStats(`g${k}t${t}`).cpuUsec / (seconds * 1e6)));
}

/** Both fidelities' fractions and the largest gap between them over the tasks, in CPUs. */
export function compareQuotaTree(tree: QuotaTree, seconds: number): { gap: number; exact: number[]; fluid: number[] } {
  const exact = quotaTreeFractions(tree, 'exact', seconds);
  const fluid = quotaTreeFractions(tree, 'fluid', seconds);
  return { gap: exact.reduce((m, e, k) => Math.max(m, Math.abs(e - fluid[k]!)), 0), exact, fluid };
}
