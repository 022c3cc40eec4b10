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
/** Walks of a grid's period at most, from the backlogs each ends with (two settle what never catches up). */
const MAX_BACKLOG_WALKS = 30;
/** Regula falsi steps at most for a quota's on fraction with backlogged capped tasks. */
const MAX_ON_FRACTION_STEPS = 60;
/** `backlogOwner`: a task that is not capped (or not runnable) carries no backlog. */
const NO_BACKLOG = -1;
/** `backlogOwner`: a capped task below a quota off the grid, or below one of its own: the walk cannot carry it. */
const OFF_GRID = -2;

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
 * are taken as independent), or, for quotas on one period grid, its average over a walk of the
 * period (`alignedPhases`). Tasks under a binding group share its runtime as they run (f × their
 * on-phase rates, a capped task's with its backlog), or keep the steady split of its quota below a
 * quota of their own. `taskCap` is a runnable task's cap (0 for one not runnable), `liftedCap` what
 * it may take while it has a backlog; `capacity(g)` what group g's CPUs can give its runnable tasks;
 * `underAffinity(quotaOf)`, where cpusets overlap in part, corrects each phase's rates (the tasks'
 * and groups' `scratchRate`) CPU by CPU, with `quotaOf(g)` the quota rate of the phase.
 * O(binding groups × tree) for the independent phases; a walk is O((grid + tasks) × tree) per
 * pass, two passes where some capped task never catches up. `onPass` is called at each pass over
 * the tree (the unit of its cost), so that a caller can count the work as it is done.
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
  onPass?: () => void,
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
    onPass?.();
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
  /** A quota group strictly between task `t` and its ancestor `q` (null: any quota above `t`). */
  const quotaBetween = (t: SchedTask, q: SchedGroup | null): boolean => {
    for (let g: SchedGroup | null = t.group; g !== q && g !== null; g = g.parent) if (g.quota !== null) return true;
    return false;
  };
  const avg = steady.slice();
  // Binding groups whose periods share a grid (same period and anchor: quotas set at one instant) are
  // refilled at one instant and run at once, so their on phases overlap from the start of each period
  // rather than fall independently: the period is followed segment by segment instead (`alignedPhases`),
  // with the grid's quotas that do not bind on average as members too (a budget spent as it runs; it
  // may run out within the period while the others are off). Not where a group makes up in an off
  // phase what it lost in an on phase outside the walk (a quota that does not bind on another grid, a
  // capped task below a quota off the grid), nor for quotas nested in one another: the independent
  // phases below handle those.
  let single = candidates;
  /** A runnable capped task: it has a backlog to run above its cap (`liftedCap`). */
  const backlogs = (t: SchedTask): boolean => t.runnable && liftedCap(t) > taskCap(t);
  /**
   * Where a walk of `grid` carries task `t`'s backlog: the index of the grid's group it runs it in
   * (not below a quota of its own), `grid.length` under no quota at all (it runs it whenever its CPUs
   * let it, so it makes up in the groups' off phases what it lost in their on phases), NO_BACKLOG, or
   * OFF_GRID (the independent phases handle it).
   */
  const backlogOwner = (t: SchedTask, grid: readonly SchedGroup[]): number => {
    if (!backlogs(t)) return NO_BACKLOG;
    if (!quotaBetween(t, null)) return grid.length;
    const k = grid.findIndex((g) => under(t, g) && !quotaBetween(t, g));
    return k >= 0 ? k : OFF_GRID;
  };
  if (candidates.length + elastic.length > 1) {
    const grids = new Map<string, SchedGroup[]>();
    for (const q of [...candidates, ...elastic]) {
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
      const binding = grid.filter((g) => candidates.includes(g));
      if (binding.length === 0) continue;
      const walks =
        grid.length > 1 && !nested(grid) && elastic.every((g) => grid.includes(g)) && tasks.every((t) => backlogOwner(t, grid) !== OFF_GRID);
      if (walks) alignedPhases(grid);
      else single.push(...binding);
    }
  }
  /**
   * One period of `grid`'s groups, all on at its start: each runs at its rate with its quota lifted
   * (beside the others still on) until its runtime is spent, then is throttled for the rest of the
   * period; the rates change at each such instant. Every task's average over the period replaces its
   * steady rate; a group whose runtime lasts the period does not bind.
   *
   * A capped task of a grid's group has work arriving at its cap all period, and runs what piled up
   * while its group was throttled at its lifted cap as soon as the group is on, until it has caught
   * up; then at its cap until the group is throttled again. Its backlog at the start of the period is
   * what is left at the end: the walk is repeated from the backlogs it ends with until they stay put
   * (one whose backlog grows over a period without running out owes ever more: it runs lifted all
   * through its group's on phase).
   */
  function alignedPhases(grid: readonly SchedGroup[]): void {
    const period = grid[0]!.period;
    // Each capped task and where it runs its backlog (`backlogOwner`; FREE: under no quota).
    const FREE = grid.length;
    const owner = Int32Array.from(tasks, (t) => backlogOwner(t, grid));
    const withBacklog = owner.some((k) => k >= 0);
    const sum = new Float64Array(tasks.length);
    const backlog = new Float64Array(tasks.length);
    const start = new Float64Array(tasks.length);
    /** Work a task could not owe more of: a period of its arrivals and a period at its lifted cap. */
    const most = (i: number): number => (taskCap(tasks[i]!) + liftedCap(tasks[i]!)) * period;
    // The first walk starts with no backlog, as the tasks do: one that never falls behind stays so
    // (a task at a cap equal to its group's quota runs at its cap, not in bursts). One that ends it
    // owing work starts the next from the most it could owe, and the walks come down from there: one
    // that owes more every period stays there after a walk.
    let spentAt = grid.map(() => Infinity);
    for (let round = 0; round < (withBacklog ? MAX_BACKLOG_WALKS : 1); round++) {
      const caughtUp = new Uint8Array(tasks.length);
      spentAt = walk(caughtUp);
      let moved = false;
      tasks.forEach((_, i) => {
        if (owner[i]! < 0) return;
        const grows = (round === 0 || caughtUp[i] === 0) && backlog[i]! > start[i]!;
        const next = grows ? most(i) : Math.min(backlog[i]!, most(i));
        if (Math.abs(next - start[i]!) > EPS * most(i)) moved = true;
        start[i] = next;
      });
      if (!moved) break;
    }
    taskLimit.fill(NaN);
    /** One period from the backlogs `start`; their ends in `backlog`, the period's sums in `sum`, the tasks that caught up marked. The groups' spent instants. */
    function walk(caughtUp: Uint8Array): number[] {
      sum.fill(0);
      backlog.set(start);
      const left = grid.map((g) => g.quotaRate() * period);
      const spent = grid.map(() => Infinity);
      let t = 0;
      // Each segment throttles a group, catches a task up or ends the period; a task that falls behind
      // again at its cap (its CPUs taken) owes from the next one. The last allowed runs to the end.
      const segments = grid.length + 2 * tasks.length + 2;
      const on = (k: number): boolean => k === FREE || spent[k] === Infinity;
      for (let seg = 0; seg < segments && t < period; seg++) {
        groupLimit.clear();
        grid.forEach((g, k) => groupLimit.set(g, spent[k] === Infinity ? Infinity : 0));
        tasks.forEach((x, i) => {
          if (owner[i]! >= 0) taskLimit[i] = backlog[i]! > EPS * most(i) ? liftedCap(x) : NaN;
        });
        rates();
        let dt = period - t;
        if (seg < segments - 1) {
          grid.forEach((g, k) => {
            if (spent[k] === Infinity && g.scratchRate > 0) dt = Math.min(dt, left[k]! / g.scratchRate);
          });
          tasks.forEach((x, i) => {
            const gain = x.scratchRate - taskCap(x);
            if (owner[i]! >= 0 && backlog[i]! > EPS * most(i) && gain > 0) dt = Math.min(dt, backlog[i]! / gain);
          });
        }
        tasks.forEach((x, i) => {
          sum[i] = sum[i]! + x.scratchRate * dt;
          const k = owner[i]!;
          if (k < 0) return;
          // Caught up: its backlog ran out (or it had none) while its group was on.
          if (!(backlog[i]! > EPS * most(i)) && on(k)) caughtUp[i] = 1;
          backlog[i] = Math.max(0, backlog[i]! + (taskCap(x) - x.scratchRate) * dt);
          if (!(backlog[i] > EPS * most(i))) {
            backlog[i] = 0;
            if (on(k)) caughtUp[i] = 1;
          }
        });
        t += dt;
        grid.forEach((g, k) => {
          if (spent[k] !== Infinity) return;
          left[k] = left[k]! - g.scratchRate * dt;
          if (left[k] <= EPS * g.quotaRate() * period) spent[k] = t;
        });
      }
      return spent;
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
  /**
   * q's on phase with its backlogged capped tasks (indices `backlogged`; q lifted): the fraction f of
   * the time q is on solves f · U(f) = Q, where U(f) is q's rate with each such task capped at
   * min(its lifted cap, its cap / f) — the work that arrived over the period, run in the on phase.
   * f · U is increasing in f, and the root lies between Q / U at the lifted caps and `f0` (Q / U at
   * the steady caps): regula falsi (Illinois) on that bracket. Leaves the tasks' scratch rates as the
   * on phase's at the f returned.
   */
  function onPhaseOfBacklog(q: SchedGroup, quota: number, f0: number, backlogged: readonly number[]): number {
    const rateAt = (f: number): number => {
      for (const i of backlogged) {
        const t = tasks[i]!;
        taskLimit[i] = f >= 1 ? taskCap(t) : Math.min(liftedCap(t), taskCap(t) / f);
      }
      rates();
      return q.scratchRate;
    };
    const excess = (f: number): number => f * rateAt(f) - quota;
    let hi = f0;
    let hHi = excess(hi);
    if (!(hHi > EPS * quota)) return hi;
    for (const i of backlogged) taskLimit[i] = liftedCap(tasks[i]!);
    rates();
    let lo = quota / q.scratchRate;
    let hLo = excess(lo);
    if (!(hLo < -EPS * quota)) return lo;
    let f = lo;
    let side = 0;
    for (let k = 0; k < MAX_ON_FRACTION_STEPS && hi - lo > EPS * hi; k++) {
      f = (lo * hHi - hi * hLo) / (hHi - hLo);
      if (!(f > lo && f < hi)) f = (lo + hi) / 2;
      const h = excess(f);
      if (Math.abs(h) <= EPS * quota) break;
      if (h > 0) {
        hi = f;
        hHi = h;
        if (side === 1) hLo /= 2;
        side = 1;
      } else {
        lo = f;
        hLo = h;
        if (side === -1) hHi /= 2;
        side = -1;
      }
    }
    // The scratch rates are the last point tried (lo, if the bracket was already narrow).
    return f;
  }
  /** The off-phase rate that brings an average back to `target` after `onRate` for a fraction `f`. */
  const catchUp = (target: number, onRate: number, f: number): number => Math.max(0, (target - f * onRate) / (1 - f));
  for (const q of single) {
    const quotaRate = q.quotaRate();
    groupLimit.clear();
    for (const g of elastic) groupLimit.set(g, Infinity);
    lifted = q;
    rates();
    let unthrottled = q.scratchRate;
    if (!(unthrottled > quotaRate * (1 + EPS))) {
      lifted = null;
      continue;
    }
    let f = quotaRate / unthrottled;
    // q's own capped tasks (not below a quota of their own) carry the backlog of its off phase into
    // its on phase: each runs above its cap until caught up, on average at its cap / f, as far as its
    // CPUs let it (`onPhaseOfBacklog`). Where they catch up fully this is the steady split again.
    const backlogged: number[] = [];
    tasks.forEach((t, i) => {
      if (backlogs(t) && under(t, q) && !quotaBetween(t, q)) backlogged.push(i);
    });
    if (backlogged.length > 0) {
      f = onPhaseOfBacklog(q, quotaRate, f, backlogged);
      unthrottled = quotaRate / f;
    }
    lifted = null;
    const on = tasks.map((t) => t.scratchRate);
    taskLimit.fill(NaN);
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
    // period, a capped task's with its backlog), not its quota by weight. A quota below q (a budget)
    // runs whenever the group does, which evens the split out again: then the quota's split stays.
    // Where the split moves, every task of q gets its share as its cap (their sum is the quota), and
    // q's binding is told by U (`phaseUnthrottled`).
    let onPhaseSplit = true;
    tasks.forEach((t, i) => {
      if (onPhaseSplit && t.runnable && on[i]! > 0 && under(t, q) && quotaBetween(t, q)) onPhaseSplit = false;
    });
    let moves = false;
    if (onPhaseSplit) {
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
