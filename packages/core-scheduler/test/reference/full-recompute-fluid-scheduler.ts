// Test oracle: the fluid model as it was before it became incremental (commit c669c5f), kept verbatim
// but for its imports and for CPU capacities and demand caps (the caps below, and each task's wait
// integrated as it settles): every change recomputes the whole tree's rates with `computeGroupRates`
// and settles every task. The incremental FluidGroupScheduler must agree with it (fluid-incremental.test.ts).
//
// At each group, its rate is water-filled among its runnable children (tasks by nice weight, child
// groups by load weight, on one scale). A child's cap, bottom-up: a task min(demand, its best CPU's
// capacity); a group min(quota / period, its cpuset's total capacity, the sum of its children's
// caps, the total capacity of its k best CPUs when k tasks below it are runnable). The root's
// capacity is the sum of the CPUs' capacities. Where cpusets overlap in part, the rates are corrected for affinity as the incremental model does (`affinity-rates.ts`, shared). Cost is
// O(tree) per change (a task starting, blocking, waking, finishing its work, a limit changing),
// independent of simulated time. Bandwidth counters follow the on/off pattern a binding cap implies,
// counted at the period timer expiries the exact model has (computed, not simulated).
import type { CpuOccupancy, GroupCpuStats, GroupSchedulerOptions } from '../../src/groups/group-scheduler.js';
import { affinityWeights, correctForAffinity } from '../../src/groups/affinity-rates.js';
import { quotaPhaseRates } from '../../src/groups/quota-phases.js';
import { ceilFinishSpan } from '../../src/groups/fluid-rates.js';
import { computeGroupRates } from '../../src/groups/group-rates.js';
import { GroupTreeBase, capacityFor, effectiveCap, type SchedGroup, type SchedTask } from '../../src/groups/group-tree.js';

/** Relative slack when comparing a rate with a quota rate (float rounding of the water level). */
const EPS = 1e-9;

/** Weighted max-min fair rates over the group tree, recomputed in full on every change. */
export class FullRecomputeFluidScheduler extends GroupTreeBase {
  readonly fidelity = 'fluid' as const;
  private nextDone = Infinity;
  /** The tree changed since the rates were computed (recomputed lazily, once per instant). */
  private dirty = false;

  constructor(opts: GroupSchedulerOptions) {
    super(opts);
  }

  nextEventTime(): number {
    this.ensureRates();
    return this.nextDone;
  }

  private ensureRates(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.recompute();
  }

  protected run(time: number): void {
    this.ensureRates();
    while (this.nextDone <= time) {
      const t = this.nextDone;
      this.settle(t);
      this.spend(this.tasks.size);
      for (const task of this.tasks.values()) {
        if (!task.runnable || task.doneAt > t) continue;
        // Rounding the finish time up to a whole µs leaves at most a sliver of work: bill it.
        if (task.work > 0 && task.work !== Infinity) this.bill(task, task.work);
        task.work = 0;
        this.onBlock(task);
        this.emit({ type: 'task.work_done', time: this.now(), task: task.id });
      }
      this.recompute();
    }
    this.settle(time);
  }

  /** Integrate usage and bandwidth counters from now to `t` at the current rates. */
  private settle(t: number): void {
    const t0 = this.nowUsec;
    if (t > t0) {
      const dt = t - t0;
      let walked = 0;
      for (const task of this.tasks.values()) {
        if (!task.runnable) continue;
        if (task.rate <= 0) {
          const best = task.group.maxCapacity;
          if (best > 0) task.waitUsec += (Math.min(task.demand, best) * dt) / best;
          continue;
        }
        const used = Math.min(task.rate * dt, task.work);
        task.work -= used;
        this.bill(task, used);
        // Wait: (min(demand, b) − rate) / b per µs, b the best capacity among its CPUs (see TaskCpuStats).
        const best = task.group.maxCapacity;
        if (best > 0) task.waitUsec += (Math.min(task.demand, best) * dt - used) / best;
        walked += task.group.depth + 1;
      }
      for (const g of this.quotaGroups) this.countPeriods(g, t0, t);
      this.spend(this.tasks.size + walked + this.quotaGroups.length);
    }
    this.nowUsec = t;
  }

  private bill(task: SchedTask, used: number): void {
    task.usage += used;
    for (let g: SchedGroup | null = task.group; g !== null; g = g.parent) g.usage += used;
  }

  /**
   * Period timer expiries at anchor + k·period in (t0, t1], with the runnable set constant in
   * between (every change settles first), follow the exact model's timer: while a task is runnable
   * each expiry counts (throttled if the quota binds); asleep, the timer counts the expiry that
   * ends a period with nothing requested and stops, so at most two expiries count (the first one
   * when the period before it saw a request). Like the kernel's `throttled_time` (added at
   * unthrottle, i.e. at the period refresh), a period's throttled time becomes visible when the
   * period ends: it accrues in `pendingThrottledUsec` meanwhile, so a partial last period adds
   * nothing yet.
   */
  private countPeriods(g: SchedGroup, t0: number, t1: number): void {
    const crossed = Math.floor((t1 - g.anchor) / g.period) - Math.floor((t0 - g.anchor) / g.period);
    const perUsec = g.binding ? g.throttleFraction * g.throttleWidth : 0;
    if (crossed > 0) {
      if (g.timerActive && g.rawRunnable > 0) {
        g.nrPeriods += crossed;
        if (g.binding) g.nrThrottled += crossed;
        g.requestedInPeriod = true;
      } else if (g.timerActive) {
        // Asleep: the first expiry counts and stops the timer if its period saw no request; if it
        // did, that expiry marks the next period idle, and the next expiry counts and stops it.
        g.nrPeriods++;
        if (g.requestedInPeriod && crossed === 1) g.requestedInPeriod = false;
        else {
          if (g.requestedInPeriod) g.nrPeriods++;
          g.requestedInPeriod = false;
          g.timerActive = false;
        }
      }
      const lastStart = t1 - ((((t1 - g.anchor) % g.period) + g.period) % g.period);
      g.throttledUsec += g.pendingThrottledUsec + (lastStart - t0) * perUsec;
      g.pendingThrottledUsec = (t1 - lastStart) * perUsec;
    } else {
      g.pendingThrottledUsec += (t1 - t0) * perUsec;
    }
  }

  /** Recompute every rate, the binding quotas, and the next work-done time. */
  private recompute(): void {
    this.spend(this.groups.size + 2 * this.tasks.size + this.quotaGroups.length);
    this.computeRates(null);
    for (const g of this.groups.values()) g.rate = g.scratchRate;
    for (const task of this.tasks.values()) task.rate = task.scratchRate;
    // A group whose quota was removed is unthrottled (tg_set_cfs_bandwidth with no limit).
    for (const g of this.groups.values()) if (g.quota === null) g.binding = false;
    for (const g of this.quotaGroups) {
      g.binding = false;
      const q = g.quotaRate();
      if (g.rate <= 0 || g.rate < q * (1 - EPS)) continue;
      // The rate it would get without its quota: the on/off pattern runs at that rate, then stops
      // (the phases' U where its tasks carry their phase split as caps).
      let unthrottled = g.phaseUnthrottled;
      if (!(unthrottled > 0)) {
        this.computeRates(g);
        unthrottled = g.scratchRate;
      }
      if (unthrottled > q * (1 + EPS)) {
        g.binding = true;
        g.throttleFraction = 1 - q / unthrottled;
        g.throttleWidth = Math.min(g.rawRunnable, g.allowedCount);
      }
    }
    let next = Infinity;
    for (const task of this.tasks.values()) {
      task.doneAt = Infinity;
      if (!task.runnable || task.rate <= 0 || task.work === Infinity) continue;
      // Rounded as the incremental model rounds (a slack for float error, relative to the span).
      task.doneAt = this.nowUsec + ceilFinishSpan(task.work / task.rate);
      if (task.doneAt < next) next = task.doneAt;
    }
    this.nextDone = next;
  }

  /** Rates into `scratchRate`; `ignoreQuota` drops one group's quota (its unthrottled rate). */
  private computeRates(ignoreQuota: SchedGroup | null): void {
    this.spend(this.groups.size + this.tasks.size);
    const limit = (g: SchedGroup): number => Math.min(capacityFor(g, g.rawRunnable), g === ignoreQuota ? Infinity : g.quotaRate());
    if (ignoreQuota === null) {
      const restricted = this.listGroupNodes().some((g) => g.allowedCount < this.cpus);
      // Beside a binding quota, a task's rate averaged over the quota's on and off phases becomes its
      // cap (quota-phases.ts, shared; each phase corrected for affinity where cpusets overlap in part).
      for (const t of this.tasks.values()) t.phaseCap = Infinity;
      if (this.quotaGroups.length > 0) {
        const tasks = [...this.tasks.values()];
        const out = new Float64Array(tasks.length);
        const cap = (t: SchedTask): number => (t.runnable ? effectiveCap(t) : 0);
        const lifted = (t: SchedTask): number => (!t.runnable ? 0 : t.group.maxCapacity > 0 ? t.group.maxCapacity : t.demand);
        const correct = restricted
          ? (quotaOf: (g: SchedGroup) => number): void => void correctForAffinity(tasks, this.capacity, () => affinityWeights(this.root, tasks), true, quotaOf)
          : undefined;
        if (quotaPhaseRates(this.root, tasks, this.quotaGroups, cap, lifted, (g) => capacityFor(g, g.rawRunnable), out, correct)) {
          tasks.forEach((t, i) => (t.phaseCap = out[i]!));
        }
      }
      // Cpusets that overlap in part: as the incremental model, the tree's rates (with the phases'
      // caps) corrected for affinity (affinity-rates.ts, shared) become task caps, and the tree is split again.
      for (const t of this.tasks.values()) t.affinityCap = Infinity;
      if (restricted) {
        const tasks = [...this.tasks.values()];
        computeGroupRates(this.root, (t) => (t.runnable ? Math.min(effectiveCap(t), t.phaseCap) : 0), limit);
        const byQuota = correctForAffinity(tasks, this.capacity, () => affinityWeights(this.root, tasks), true);
        if (byQuota !== null) {
          tasks.forEach((t, i) => {
            if (t.runnable && t.scratchRate > 0 && !byQuota[i]) t.affinityCap = t.scratchRate;
          });
        }
      }
    }
    computeGroupRates(this.root, (t) => (t.runnable ? Math.min(effectiveCap(t), t.affinityCap, t.phaseCap) : 0), limit);
  }

  // ---- hooks ------------------------------------------------------------------------------------

  protected beforeChange(): void {}

  protected afterChange(): void {
    this.dirty = true;
  }

  protected onGroupAdded(): void {}

  protected onLimitsChanging(): void {}

  protected onLimitsChanged(g: SchedGroup, bandwidthChanged: boolean): void {
    // A new quota or period restarts the period and unthrottles (tg_set_cfs_bandwidth), which is
    // when the kernel adds the current throttle to throttled_time.
    if (bandwidthChanged) {
      g.throttledUsec += g.pendingThrottledUsec;
      g.pendingThrottledUsec = 0;
    }
  }

  protected onTaskAttached(): void {}

  protected onNiceChanging(): void {}

  protected onWake(task: SchedTask): void {
    task.runnable = true;
    this.countRaw(task, 1);
  }

  protected onBlock(task: SchedTask): void {
    task.runnable = false;
    task.rate = 0;
    task.doneAt = Infinity;
    this.countRaw(task, -1);
  }

  protected pendingUsage(): number {
    return 0;
  }

  protected currentRate(task: SchedTask): number {
    this.ensureRates();
    return task.rate;
  }

  protected waitOf(task: SchedTask): number {
    return task.waitUsec;
  }

  protected onCpuCapacityChanging(): void {}

  protected onCpuCapacityChanged(): void {}

  protected onDemandChanging(): void {}

  protected onDemandChanged(): void {}

  cpuOccupancy(): CpuOccupancy {
    this.ensureRates();
    let k = 0;
    for (const task of this.tasks.values()) if (task.runnable && task.rate > 0) k++;
    return { running: Array.from({ length: this.cpus }, (_, c) => c < k), waiting: 0 };
  }

  protected groupStatsOf(g: SchedGroup): GroupCpuStats {
    this.ensureRates();
    return {
      path: g.path,
      cpuUsec: Math.round(g.usage),
      nrPeriods: g.nrPeriods,
      nrThrottled: g.nrThrottled,
      throttledUsec: Math.round(g.throttledUsec),
      throttled: g.binding,
      rate: g.rate,
    };
  }
}
