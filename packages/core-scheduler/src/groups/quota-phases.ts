// On/off quota phases for the fluid model. A binding quota is not a steady rate in the kernel: the
// group runs at the rate it would get without its quota until its runtime is spent, then it is
// throttled (dequeued) until the period refills it. Its siblings share with it while it runs and have
// the CPUs without it while it is throttled; what they cannot use then (their own caps, their thread
// count) is lost, where a steady cap would let them absorb it. This module computes each task's
// average over the two phases, the fluid model's answer to the kernel's on/off throttling.
import { computeGroupRates } from './group-rates.js';
import type { SchedGroup, SchedTask } from './group-tree.js';

/** Relative slack when comparing rates (float rounding of the water levels). */
const EPS = 1e-9;

/**
 * For every runnable task under `root` that is not under a binding quota group, its rate averaged
 * over the on and off phases of every binding quota group, when that is below its steady rate
 * (the max-min fair rate with every quota as a cap): written to `phaseRate` (else Infinity).
 * Returns whether any task got one.
 *
 * A quota group q binds when its rate with its quota lifted, U, exceeds its quota rate Q. It then
 * runs a fraction f = Q / U of the time at U (everyone else at the rates of the tree with q's quota
 * lifted) and is throttled the rest (the rates of the tree without q). A task's average is its
 * steady rate plus, for each binding group, f · on + (1 − f) · off − steady (the groups' phases
 * are taken as independent). Tasks under a binding group keep the steady split of its quota (so the
 * quota still binds in the split, and its counters follow). `taskCap` is a runnable task's cap (0
 * for one not runnable); `capacity(g)` what group g's CPUs can give its runnable tasks;
 * `underAffinity(quotaOf)`, where cpusets overlap in part, corrects each phase's rates (the tasks'
 * and groups' `scratchRate`) CPU by CPU, with `quotaOf(g)` the quota rate of the phase.
 * O(binding groups × tree).
 */
export function quotaPhaseRates(
  root: SchedGroup,
  tasks: readonly SchedTask[],
  quotaGroups: readonly SchedGroup[],
  taskCap: (t: SchedTask) => number,
  liftedCap: (t: SchedTask) => number,
  capacity: (g: SchedGroup) => number,
  phaseRate: Float64Array,
  underAffinity?: (quotaOf: (g: SchedGroup) => number) => void,
): boolean {
  phaseRate.fill(Infinity);
  for (const g of quotaGroups) g.phaseUnthrottled = 0;
  const ownSplit = new Uint8Array(tasks.length);
  let lifted: SchedGroup | null = null;
  let removed: SchedGroup | null = null;
  // A phase's limits where they are not the steady ones: a group's quota rate, a task's cap.
  const groupLimit = new Map<SchedGroup, number>();
  const index = new Map<SchedTask, number>();
  tasks.forEach((t, i) => index.set(t, i));
  const taskLimit = new Float64Array(tasks.length).fill(NaN);
  const cap = (t: SchedTask): number => {
    const x = taskLimit[index.get(t)!]!;
    return Number.isNaN(x) ? taskCap(t) : x;
  };
  const quotaOf = (g: SchedGroup): number => (g === removed ? 0 : g === lifted ? Infinity : (groupLimit.get(g) ?? g.quotaRate()));
  const limit = (g: SchedGroup): number => Math.min(capacity(g), quotaOf(g));
  const rates = (): void => {
    computeGroupRates(root, cap, limit);
    underAffinity?.(quotaOf);
  };
  rates();
  const steady = tasks.map((t) => t.scratchRate);
  const steadyOf = new Map<SchedGroup, number>();
  for (const g of quotaGroups) steadyOf.set(g, g.scratchRate);
  const candidates: SchedGroup[] = [];
  // A quota that does not bind is a budget per period, not a rate: within the period its group may
  // run faster while a binding peer is on, and spends the rest of its budget while it is off.
  const elastic: SchedGroup[] = [];
  for (const q of quotaGroups) {
    if (q.rawRunnable === 0 || !(q.scratchRate > 0)) continue;
    if (q.scratchRate < q.quotaRate() * (1 - EPS)) elastic.push(q);
    else candidates.push(q);
  }
  if (candidates.length === 0) return false;
  const under = (t: SchedTask, q: SchedGroup): boolean => {
    for (let g: SchedGroup | null = t.group; g !== null; g = g.parent) if (g === q) return true;
    return false;
  };
  const avg = steady.slice();
  // Binding groups whose periods share a grid (same period and anchor: quotas set at one instant) are
  // refilled at one instant and run at once, so their on phases overlap from the start of each period
  // rather than fall independently: the period is followed segment by segment instead (`alignedPhases`).
  // Not where a task or group makes up in an off phase what it lost in an on phase (a capped task's
  // backlog, a quota that does not bind), nor for quotas nested in one another: the independent
  // phases below handle those.
  let single = candidates;
  if (candidates.length > 1 && elastic.length === 0 && tasks.every((t) => !(liftedCap(t) > taskCap(t)))) {
    const grids = new Map<string, SchedGroup[]>();
    for (const q of candidates) {
      const key = `${q.period}:${(((q.anchor % q.period) + q.period) % q.period)}`;
      const list = grids.get(key);
      if (list === undefined) grids.set(key, [q]);
      else list.push(q);
    }
    single = [];
    // Nested quotas on one grid are left to the independent phases (a parent's and a child's runtime
    // run out together, and which one throttles is the kernel's hierarchy, not this segment walk).
    const nested = (grid: readonly SchedGroup[]): boolean =>
      grid.some((g) => {
        for (let p = g.parent; p !== null; p = p.parent) if (grid.includes(p)) return true;
        return false;
      });
    for (const grid of grids.values()) {
      if (grid.length === 1 || nested(grid)) single.push(...grid);
      else alignedPhases(grid);
    }
  }
  /**
   * One period of `grid`'s groups, all on at its start: each runs at its rate with its quota lifted
   * (beside the others still on) until its runtime is spent, then is throttled for the rest of the
   * period; the rates change at each such instant. Every task's average over the period replaces its
   * steady rate; a group whose runtime lasts the period does not bind.
   */
  function alignedPhases(grid: readonly SchedGroup[]): void {
    const period = grid[0]!.period;
    const left = grid.map((g) => g.quotaRate() * period);
    const spentAt = grid.map(() => Infinity);
    const sum = new Float64Array(tasks.length);
    let t = 0;
    // Each segment throttles at least one group (or ends the period): at most grid.length + 1.
    for (let seg = 0; seg <= grid.length && t < period; seg++) {
      groupLimit.clear();
      grid.forEach((g, k) => groupLimit.set(g, spentAt[k] === Infinity ? Infinity : 0));
      rates();
      let dt = period - t;
      grid.forEach((g, k) => {
        if (spentAt[k] === Infinity && g.scratchRate > 0) dt = Math.min(dt, left[k]! / g.scratchRate);
      });
      tasks.forEach((x, i) => {
        sum[i] = sum[i]! + x.scratchRate * dt;
      });
      t += dt;
      grid.forEach((g, k) => {
        if (spentAt[k] !== Infinity) return;
        left[k] = left[k]! - g.scratchRate * dt;
        if (left[k] <= EPS * g.quotaRate() * period) spentAt[k] = t;
      });
    }
    groupLimit.clear();
    grid.forEach((g, k) => {
      // Its rate while on, on average: what tells its binding and throttled time (`phaseUnthrottled`).
      if (spentAt[k]! < period * (1 - EPS)) g.phaseUnthrottled = (g.quotaRate() * period) / spentAt[k]!;
    });
    tasks.forEach((x, i) => {
      const a = sum[i]! / period;
      avg[i] = avg[i]! + a - steady[i]!;
      if (grid.some((g) => under(x, g)) && x.runnable && Math.abs(a - steady[i]!) > EPS * (1 + steady[i]!)) ownSplit[i] = 1;
    });
  }
  /** The off-phase rate that brings an average back to `target` after `onRate` for a fraction `f`. */
  const catchUp = (target: number, onRate: number, f: number): number => Math.max(0, (target - f * onRate) / (1 - f));
  for (const q of single) {
    const quotaRate = q.quotaRate();
    groupLimit.clear();
    for (const g of elastic) groupLimit.set(g, Infinity);
    lifted = q;
    rates();
    lifted = null;
    const unthrottled = q.scratchRate;
    if (!(unthrottled > quotaRate * (1 + EPS))) continue;
    const f = quotaRate / unthrottled;
    const on = tasks.map((t) => t.scratchRate);
    // Off phase: what is limited by a rate over time (a capped task's backlog, a quota's budget per
    // period) and lost in the on phase makes it up while q is throttled, up to its CPUs; a quota
    // group that gained spends only what its budget has left.
    groupLimit.clear();
    for (const g of quotaGroups) {
      if (g === q || !steadyOf.has(g) || !(g.rawRunnable > 0)) continue;
      const target = elastic.includes(g) ? g.quotaRate() : steadyOf.get(g)!;
      if (elastic.includes(g) || g.scratchRate < target * (1 - EPS) - EPS) groupLimit.set(g, catchUp(target, g.scratchRate, f));
    }
    taskLimit.fill(NaN);
    tasks.forEach((t, i) => {
      if (on[i]! < steady[i]! * (1 - EPS) - EPS && liftedCap(t) > taskCap(t)) taskLimit[i] = Math.min(liftedCap(t), catchUp(steady[i]!, on[i]!, f));
    });
    removed = q;
    rates();
    removed = null;
    groupLimit.clear();
    taskLimit.fill(NaN);
    // Inside q: while it runs, its tasks share its unthrottled rate (f × their on-phase rates over a
    // period), not its quota by weight — when each can use a whole CPU. A capped task's backlog (or a
    // quota below q: a budget) makes it run whenever the group does, which evens the split out
    // again: then the quota's split stays. Where the split moves, every task of q gets its share as
    // its cap (their sum is the quota), and q's binding is told by U (`phaseUnthrottled`).
    let ownBusy = true;
    tasks.forEach((t, i) => {
      if (!ownBusy || !t.runnable || !(on[i]! > 0) || !under(t, q)) return;
      if (liftedCap(t) > taskCap(t)) ownBusy = false;
      for (let g: SchedGroup | null = t.group; g !== q && g !== null; g = g.parent) if (g.quota !== null) ownBusy = false;
    });
    let moves = false;
    if (ownBusy) {
      tasks.forEach((t, i) => {
        if (under(t, q) && Math.abs(f * on[i]! - steady[i]!) > EPS * (1 + steady[i]!)) moves = true;
      });
    }
    if (moves) q.phaseUnthrottled = unthrottled;
    tasks.forEach((t, i) => {
      if (!under(t, q)) avg[i] = avg[i]! + f * on[i]! + (1 - f) * t.scratchRate - steady[i]!;
      else if (moves && t.runnable) {
        avg[i] = avg[i]! + f * on[i]! - steady[i]!;
        ownSplit[i] = 1;
      }
    });
  }
  groupLimit.clear();
  // Leave the scratch rates as the steady split (callers may read them).
  rates();
  // A task below its steady share gets its average as its cap; so does one above it (what the others
  // lose goes to those that gain, not by weight to every task left uncapped), once some task loses.
  let lowered = false;
  tasks.forEach((_, i) => {
    if ((steady[i]! > 0 || ownSplit[i] === 1) && (ownSplit[i] === 1 || Math.max(0, avg[i]!) < steady[i]! * (1 - EPS) - EPS)) lowered = true;
  });
  if (!lowered) return false;
  tasks.forEach((_, i) => {
    if (!(steady[i]! > 0) && ownSplit[i] === 0) return;
    const a = Math.max(0, avg[i]!);
    if (ownSplit[i] === 1 || Math.abs(a - steady[i]!) > EPS * (1 + steady[i]!)) phaseRate[i] = a;
  });
  return true;
}
