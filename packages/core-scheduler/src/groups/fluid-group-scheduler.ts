// The fluid model of the cgroup CPU controller: generalized processor sharing over the group tree.
// Rates are weighted max-min fair with caps at every level and change only when the tree does.
//
// At each group, its rate is water-filled among its runnable children (tasks by nice weight, child
// groups by load weight, on one scale). A child's cap, bottom-up: a task min(its demand, the
// capacity of the best CPU in its cpuset); a group min(quota / period, its cpuset's total capacity,
// the sum of its children's caps). The root's capacity is the sum of the CPUs' capacities. Where
// cpusets overlap in part, the rates are checked CPU by CPU and, if they do not fit, corrected to the
// weighted max-min fair rates under affinity, applied as task caps (affinity-rates.ts). With unequal
// capacities the "k tasks use at most the k best CPUs" bounds are applied per group only (see README). The
// rates are kept incrementally (fluid-rates.ts): a wake-up or block costs the task's path to the
// root while no cap binds, and the affected subtree's splits where one does; limits, nice values
// and cpusets (rare) rebuild the tree. Where nothing on a change's path constrains (every group
// there runs each runnable child at its cap, before and after), the change and the rebuild take
// shortcuts that leave the very same state (`FluidRates.enterUncontended` and its kin): a lightly
// loaded host or guest pays O(depth) per change. Bandwidth counters follow the on/off pattern a
// binding cap implies, counted at the period timer expiries the exact model has (computed, not
// simulated).
import { ValidationError } from '@strata/shared-types';
import type { CpuOccupancy, GroupCpuStats, GroupSchedulerOptions, TaskRateChanges } from './group-scheduler.js';
import { catchUpPeriods, recheckBinding } from './fluid-bandwidth.js';
import { affinityWeights, correctForAffinity } from './affinity-rates.js';
import { FluidRates, addToSums, capOf, weightOf } from './fluid-rates.js';
import { computeGroupRates } from './group-rates.js';
import { quotaPhaseRates } from './quota-phases.js';
import { GroupTreeBase, capacityFor, effectiveCap, type SchedGroup, type SchedTask } from './group-tree.js';

const bySeq = (a: SchedTask, b: SchedTask): number => a.seq - b.seq;

/** What `takeRateChanges` answers when no rate moved (shared: it is read-only). */
const NO_RATE_CHANGES: TaskRateChanges = Object.freeze({ all: false, tasks: Object.freeze([] as string[]) });

/** Empty a list in place, keeping its storage (`length = 0` drops it, and costs a runtime call). */
function empty(list: unknown[]): void {
  while (list.length > 0) list.pop();
}

/** Weighted max-min fair rates over the group tree, kept up to date per change. Build with `createGroupScheduler`. */
export class FluidGroupScheduler extends GroupTreeBase {
  readonly fidelity = 'fluid' as const;
  private readonly rates: FluidRates;
  /** A setting changed that the incremental update does not follow: rebuild every split at the next query. */
  private rebuildPending = false;
  private nextSeq = 0;
  private readonly spendSteps: (n: number) => void;
  /** Quota groups whose runnable count changed since the last check of their binding state. */
  private quotaRecheck: SchedGroup[] = [];
  /** Tasks finishing at the instant being run (reused: no array per instant). */
  private readonly doneNow: SchedTask[] = [];
  /** Candidates for the next `takeRateChanges` (each once: `rateNoted`). */
  private readonly noted: SchedTask[] = [];
  /** `takeRateChanges`' list of moved tasks (reused). */
  private readonly movedScratch: SchedTask[] = [];
  /** `takeRateChanges`' answer when some rate moved: one object, refilled at each call (read it before the next). */
  private readonly changedIds: string[] = [];
  private readonly changes: TaskRateChanges = { all: false, tasks: this.changedIds };
  /** The runnable tasks (in no order; `runnablePos` is each one's index). */
  private readonly runnable: SchedTask[] = [];
  /** `resyncUncontended`'s live groups (reused), and the stamp of its walks. */
  private readonly liveScratch: SchedGroup[] = [];
  private visitPass = 0;
  private readonly capForFn = (task: SchedTask): number => this.capFor(task);
  /** Some group's cpuset is narrower than the machine: rates are checked CPU by CPU (`applyAffinity`). */
  private restricted = false;
  /** Something changed since the last affinity check. */
  private affinityDirty = false;
  /** Some task's cap is its rate under affinity. */
  private overridden = false;
  /**
   * @internal Take the uncontended shortcuts (`FluidRates.enterUncontended`, `leaveUncontended`).
   * They leave exactly the state the general path leaves; tests turn them off to compare the two.
   */
  fastPath = true;
  /** @internal How many wake-ups and blocks took an uncontended shortcut (tests check they are exercised). */
  shortcuts = 0;
  /** @internal How many rebuilds took the uncontended shortcut (`resyncUncontended`). */
  resyncs = 0;

  constructor(opts: GroupSchedulerOptions) {
    super(opts);
    this.spendSteps = (n) => this.spend(n);
    this.rates = new FluidRates(this.spendSteps);
    this.rates.unequalCapacities = this.unequalCapacities;
    this.rates.now = this.nowUsec;
    this.root.vTime = this.nowUsec;
  }

  nextEventTime(): number {
    this.ensureRates();
    return this.rates.timers.top()?.key ?? Infinity;
  }

  /** Bring splits and quota states up to date with every change of this instant. */
  private ensureRates(): void {
    this.settle();
    if (!this.affinityDirty) return;
    this.affinityDirty = false;
    // The quotas' on/off phases first (where cpusets overlap in part, each phase is corrected for
    // affinity by itself), then the rates under affinity with the phases' caps.
    if (this.phasesMayApply()) {
      this.applyPhases();
      this.settle();
    }
    // The model's own rates, spread evenly over each task's CPUs, overload none: they fit as they
    // are (no tree pass, no flow). Symmetric pinnings stay on this path.
    if (!this.restricted && !this.overridden) return;
    if (!this.overridden && this.ratesFitEvenly()) return;
    const capsMoved = this.applyAffinity();
    this.settle();
    // Moving the caps of an earlier correction (lifting them, or a task confined beside one that left)
    // may make a quota bind that they held under its quota: its phases were decided under those caps.
    // Once more.
    if (capsMoved && this.phasesMayApply()) {
      this.applyPhases();
      this.settle();
      this.applyAffinity();
      this.settle();
    }
  }

  private settle(): void {
    if (this.rebuildPending) {
      this.rebuildPending = false;
      if (!this.resyncUncontended()) this.rebuild();
    }
    this.rates.flush();
    this.recheckQuotas();
  }

  /** O(tasks × CPUs): every runnable task's rate spread evenly over its allowed CPUs of capacity > 0 overloads none. */
  private ratesFitEvenly(): boolean {
    const load = new Float64Array(this.cpus);
    this.spend(this.tasks.size);
    for (const task of this.tasks.values()) {
      if (!task.runnable) continue;
      const r = this.rates.taskRate(task);
      if (!(r > 0)) continue;
      const allowed = task.group.allowed;
      let n = 0;
      for (let c = 0; c < this.cpus; c++) if (allowed[c] && this.capacity[c]! > 0) n++;
      if (n === 0) return false;
      for (let c = 0; c < this.cpus; c++) if (allowed[c] && this.capacity[c]! > 0) load[c] = load[c]! + r / n;
    }
    for (let c = 0; c < this.cpus; c++) if (load[c]! > this.capacity[c]! + 1e-12) return false;
    return true;
  }

  protected run(time: number): void {
    this.ensureRates();
    const timers = this.rates.timers;
    for (let first = timers.top(); first !== undefined && first.key <= time; first = timers.top()) {
      const t = first.key;
      this.setNow(t);
      const done = this.doneNow;
      while (timers.size > 0 && timers.top()!.key <= t) {
        this.spend(timers.levels);
        const owner = timers.pop().owner;
        if (owner.kind === 'task') done.push(owner);
        else this.takeFinished(owner, t, done);
      }
      // Report in creation order, as one pass over the tasks would.
      if (done.length > 1) done.sort(bySeq);
      for (let i = 0; i < done.length; i++) {
        const task = done[i]!;
        this.rates.settleTask(task);
        // Rounding the finish time up to a whole µs leaves at most a sliver of work: bill it.
        if (task.work > 0 && task.work !== Infinity) this.rates.bill(task, task.work);
        task.work = 0;
        this.onBlock(task);
        this.workDone(task);
      }
      while (done.length > 0) done.pop(); // keeps the storage, unlike length = 0
      this.ensureRates();
      // Handlers run on the settled instant; what they change is flushed before the next one.
      if (this.deliverWorkDone()) this.ensureRates();
    }
    this.setNow(time);
  }

  /** Move the tasks of `g` that finish by `t` from its queue to `done`; its timer is re-armed at the flush. */
  private takeFinished(g: SchedGroup, t: number, done: SchedTask[]): void {
    const queue = g.finishQueue;
    for (let first = queue.top(); first !== undefined && this.rates.finishTime(g, first.owner) <= t; first = queue.top()) {
      this.spend(queue.levels);
      done.push(queue.pop().owner);
    }
    this.rates.markDirty(g);
  }

  private setNow(t: number): void {
    this.nowUsec = t;
    this.rates.now = t;
  }

  /** Check the quotas whose binding state this instant's changes may have moved (see FluidRates.wide). */
  private recheckQuotas(): void {
    const rates = this.rates;
    const resplit = rates.resplitQuotaGroups;
    const touched = this.quotaRecheck;
    if (this.quotaGroups.length > 0) {
      if (rates.wide) for (const g of this.quotaGroups) this.recheck(g);
      else if (resplit.length > 0 || touched.length > 0) {
        // Called at every query and instant: nothing is allocated when nothing was queued.
        for (const queue of [resplit, touched]) {
          for (const g of queue) {
            // A group removed since it was queued is no longer counted.
            if (g.recheckQueued || g.quota === null || this.groups.get(g.path) !== g) continue;
            g.recheckQueued = true;
            this.recheck(g);
          }
        }
        for (const g of resplit) g.recheckQueued = false;
        for (const g of touched) g.recheckQueued = false;
      }
    }
    rates.wide = false;
    if (resplit.length > 0) resplit.length = 0;
    if (touched.length > 0) touched.length = 0;
  }

  private recheck(g: SchedGroup): void {
    catchUpPeriods(g, this.nowUsec);
    const was = g.binding;
    recheckBinding(g, this.spendSteps);
    if (g.binding !== was) this.bindingCount += g.binding ? 1 : -1;
  }

  /** Some task's cap is its rate averaged over binding quotas' on/off phases (`phaseCap`). */
  private phased = false;
  /** Quota groups found binding by their last check (may count a group removed since: then recounted). */
  private bindingCount = 0;

  /** Whether the on/off phases of quotas may cap some task now (else no task's `phaseCap` is set). */
  private phasesMayApply(): boolean {
    if (this.phased) return true;
    if (this.quotaGroups.length === 0) return false;
    if (this.quotaPhaseFull) {
      // At full capacity a quota may bind that does not now: any runnable quota group may.
      this.spend(this.quotaGroups.length);
      for (const g of this.quotaGroups) if (g.rawRunnable > 0) return true;
      return false;
    }
    if (this.bindingCount === 0) return false;
    this.spend(this.quotaGroups.length);
    let n = 0;
    for (const g of this.quotaGroups) if (g.binding) n++;
    this.bindingCount = n;
    return n > 0;
  }

  /**
   * Tasks beside a binding quota get their rate averaged over its on and off phases as their cap
   * (`quota-phases.ts`), computed from the tree without those caps. O(tree × binding quotas), only
   * while some quota binds (or, with `quotaPhaseCapacity: 'full'`, some quota group is runnable).
   */
  private applyPhases(): void {
    const tasks = [...this.tasks.values()];
    // Linear set-up here; each pass over the tree (O(tasks + groups)) is counted as it is made: the
    // passes are a few per binding quota, not one per quota group (thousands of idle vCPU groups
    // with a quota each cost nothing here).
    this.spend(2 * tasks.length + 2 * this.quotaGroups.length + this.groups.size);
    const pass = (): void => this.spend(tasks.length + this.groups.size);
    // A group's on-phase rate may move without its split moving (quotas on one grid share a period):
    // its binding and throttled time are checked again (at the next settle).
    const unthrottledBefore = this.quotaGroups.map((g) => g.phaseUnthrottled);
    const out = new Float64Array(tasks.length);
    let any = false;
    let fullAny = false;
    if (this.quotaPhaseFull) {
      const cap = (t: SchedTask): number => (t.runnable ? Math.min(t.demand, t.affinityCap) : 0);
      const lifted = (t: SchedTask): number => (t.runnable ? 1 : 0);
      any = quotaPhaseRates(this.root, tasks, this.quotaGroups, cap, lifted, (g) => Math.min(g.rawRunnable, g.allowedCount), out, undefined, pass);
      fullAny = any;
      this.phaseFullCaps.clear();
      if (any) tasks.forEach((t, i) => this.phaseFullCaps.set(t, out[i]!));
    }
    if (!this.quotaPhaseFull || this.phaseSplitCurrent) {
      // Where cpusets overlap in part, each phase's rates are corrected CPU by CPU (as `applyAffinity`
      // corrects the steady ones afterwards, with these caps).
      const restricted = this.restricted;
      const cap = (t: SchedTask): number => (t.runnable ? effectiveCap(t) : 0);
      const lifted = (t: SchedTask): number => (!t.runnable ? 0 : t.group.maxCapacity > 0 ? t.group.maxCapacity : t.demand);
      const correct = restricted
        ? (quotaOf: (g: SchedGroup) => number): void => void correctForAffinity(tasks, this.capacity, () => affinityWeights(this.root, tasks), true, quotaOf)
        : undefined;
      any = quotaPhaseRates(this.root, tasks, this.quotaGroups, cap, lifted, (g) => capacityFor(g, g.rawRunnable), out, correct, pass);
    }
    let changed = false;
    tasks.forEach((t, i) => {
      const r = out[i]!;
      if (r !== t.phaseCap) {
        t.phaseCap = r;
        changed = true;
      }
    });
    this.phased = any || fullAny;
    if (changed) this.rebuildPending = true;
    this.quotaGroups.forEach((g, k) => {
      if (g.phaseUnthrottled !== unthrottledBefore[k]) this.quotaRecheck.push(g);
    });
  }

  /** With `quotaPhaseCapacity: 'full'`: each task's phase cap at full capacity (what `quotaPhaseCap` reports), when some task has one. */
  private readonly phaseFullCaps = new Map<SchedTask, number>();
  /** With `quotaPhaseCapacity: 'full'`: the split's phases at the CPUs' current capacities (`setQuotaPhaseSplit`). */
  private phaseSplitCurrent = false;

  setQuotaPhaseSplit(capacity: 'current' | 'full'): void {
    if (capacity !== 'current' && capacity !== 'full') {
      throw new ValidationError(`invalid quota phase split ${JSON.stringify(capacity) ?? String(capacity)}: expected "current" or "full"`, { path: 'capacity', value: capacity, accepted: '"current" | "full"' });
    }
    const current = capacity === 'current';
    if (!this.quotaPhaseFull || current === this.phaseSplitCurrent) return;
    this.settle();
    this.phaseSplitCurrent = current;
    this.affinityDirty = true;
    if (this.root.rawRunnable > 0) this.rebuildPending = true;
  }

  quotaPhaseCap(id: string): number {
    const task = this.task(id);
    this.ensureRates();
    if (this.quotaPhaseFull) return this.phaseFullCaps.get(task) ?? Infinity;
    return task.phaseCap;
  }

  /** A runnable task's cap in its group's split: its demand at most its best CPU, its rate under affinity when corrected, its on/off phase average beside a binding quota. */
  private capFor(task: SchedTask): number {
    let cap = effectiveCap(task);
    if (task.affinityCap < cap) cap = task.affinityCap;
    return task.phaseCap < cap ? task.phaseCap : cap;
  }

  /**
   * Cpusets that overlap in part (some group's cpuset is narrower than the machine): the tree's rates
   * (cpusets as caps) are checked CPU by CPU, and where a set of CPUs would get more than it has they
   * are replaced by the weighted max-min fair rates under affinity (`affinity-rates.ts`), applied as
   * each task's cap (so every split gives each task exactly that). O(tasks + groups) and a maximum
   * flow per instant with a change, while some cpuset is restricted; the incremental O(depth) path is
   * kept for trees without cpusets. Returns whether a runnable task's cap moved.
   */
  private applyAffinity(): boolean {
    this.spend(this.tasks.size + this.groups.size);
    const before = this.affinityCapsScratch;
    before.length = 0;
    for (const task of this.tasks.values()) {
      before.push(task.affinityCap);
      task.affinityCap = Infinity;
    }
    let changed = false;
    if (this.restricted) {
      const tasks = [...this.tasks.values()];
      const limit = (g: SchedGroup): number => Math.min(g.quotaRate(), capacityFor(g, g.rawRunnable));
      computeGroupRates(this.root, (t) => (t.runnable ? Math.min(effectiveCap(t), t.phaseCap) : 0), limit);
      const byQuota = correctForAffinity(tasks, this.capacity, () => affinityWeights(this.root, tasks), true);
      if (byQuota !== null) {
        changed = true;
        // A task held by its quota alone is left to the quota in the split (so it binds there).
        tasks.forEach((task, i) => {
          if (task.runnable && task.scratchRate > 0 && !byQuota[i]) task.affinityCap = task.scratchRate;
        });
      }
    }
    if (changed || this.overridden) this.rebuildPending = true;
    this.overridden = changed;
    let i = 0;
    let moved = false;
    for (const task of this.tasks.values()) {
      // `before` holds every task in this order: its index moves on whether or not the task runs.
      if (task.runnable && task.affinityCap !== before[i]) moved = true;
      i++;
    }
    return moved;
  }

  /** Scratch for `applyAffinity`: each task's cap before it, in `tasks` order. */
  private readonly affinityCapsScratch: number[] = [];

  /**
   * Exactly the tasks whose rate differs from what the previous call saw (candidates: the tasks of
   * every group whose split was redone, every task noted by a command, every task after a rebuild;
   * each compared with its `reportedRate`), in creation order; `all` only on the first call.
   */
  override takeRateChanges(): TaskRateChanges {
    this.ensureRates();
    const rates = this.rates;
    const noted = this.noted;
    if (!this.rateTracking || this.rateAll) {
      const first = !this.rateTracking;
      this.rateTracking = true;
      this.rateAll = false;
      rates.resplitGroups ??= new Set();
      rates.resplitGroups.clear();
      for (let i = 0; i < noted.length; i++) noted[i]!.rateNoted = false;
      empty(noted);
      const tasks: string[] = [];
      this.spend(this.tasks.size);
      // Map order is creation order (`seq`).
      for (const t of this.tasks.values()) {
        const r = rates.taskRate(t);
        if (!first && r !== t.reportedRate) tasks.push(t.id);
        t.reportedRate = r;
      }
      return first ? { all: true, tasks: [] } : { all: false, tasks };
    }
    const groups = rates.resplitGroups!;
    if (groups.size > 0) {
      // A task's rate is its cap or its weight × its group's level: it moves only with a split of its group.
      for (const g of groups) for (const ch of g.runList) if (ch.kind === 'task') this.noteRate(ch);
      groups.clear();
    }
    if (noted.length === 0) return NO_RATE_CHANGES;
    this.spend(noted.length);
    const moved = this.movedScratch;
    for (let i = 0; i < noted.length; i++) {
      const t = noted[i]!;
      t.rateNoted = false;
      if (t.sched !== this) continue;
      const r = rates.taskRate(t);
      if (r === t.reportedRate) continue;
      t.reportedRate = r;
      moved.push(t);
    }
    empty(noted);
    if (moved.length === 0) return NO_RATE_CHANGES;
    if (moved.length > 1) moved.sort(bySeq);
    const tasks = this.changedIds;
    empty(tasks);
    for (let i = 0; i < moved.length; i++) tasks.push(moved[i]!.id);
    empty(moved);
    return this.changes;
  }

  /** A candidate for the next `takeRateChanges` (once; only while a caller tracks changes). */
  protected override noteRate(task: SchedTask): void {
    if (!this.rateTracking || task.rateNoted) return;
    task.rateNoted = true;
    this.noted.push(task);
  }

  protected override noteAllRates(): void {
    if (!this.rateTracking) return;
    this.rateAll = true;
  }

  /**
   * A rebuild where nothing constrains (afterwards every live group's caps sum to at most what it
   * may use: its cpuset's capacity, its quota rate): the same state, bit for bit, visiting only
   * the runnable tasks, the groups above them and the groups with a pending split (a CPU of a guest
   * coming back no longer walks every idle container). False, having accounted nothing, when that
   * does not hold: the caller rebuilds.
   */
  private resyncUncontended(): boolean {
    if (!this.fastPath) return false;
    const tasks = this.runnable;
    const live = this.liveScratch;
    const pass = ++this.visitPass;
    this.spend(tasks.length);
    for (let i = 0; i < tasks.length; i++) {
      for (let g: SchedGroup | null = tasks[i]!.group; g !== null && g.visit !== pass; g = g.parent) {
        g.visit = pass;
        live.push(g);
      }
    }
    // Children before parents (a stable insertion sort by depth: a few groups).
    for (let i = 1; i < live.length; i++) {
      const g = live[i]!;
      let j = i - 1;
      for (; j >= 0 && live[j]!.depth < g.depth; j--) live[j + 1] = live[j]!;
      live[j + 1] = g;
    }
    const ok = this.rates.planUncontended(live, this.capForFn);
    if (ok) {
      // Accounted in creation order, as the rebuild's pass over every task bills the groups.
      if (tasks.length > 1) tasks.sort(bySeq);
      for (let i = 0; i < tasks.length; i++) {
        const task = tasks[i]!;
        task.runnablePos = i;
        this.rates.settleTask(task);
        this.waitRegime(task);
        task.capRate = this.capFor(task);
        this.noteRate(task);
      }
      this.rates.applyUncontended(live, tasks);
      this.resyncs++;
    }
    while (live.length > 0) live.pop();
    return ok;
  }

  /** Recompute every sum and split from the tasks' runnable state (after a change of limits or nice). */
  private rebuild(): void {
    this.noteAllRates();
    const order = this.listGroupNodes();
    this.spend(this.tasks.size + order.length);
    for (const task of this.tasks.values()) {
      this.rates.settleTask(task);
      // Capacities may have moved: close the wait segment at the old ones, open one at the new.
      if (task.runnable) {
        this.waitRegime(task);
        task.capRate = this.capFor(task);
      }
    }
    this.rates.reset(order);
    // Children before parents, so that every group's sums see its children's caps.
    for (let i = order.length - 1; i >= 0; i--) {
      const g = order[i]!;
      for (const ch of g.children) {
        const cap = capOf(ch);
        if (cap > 0) addToSums(g, ch, cap, weightOf(ch));
      }
      g.cap = g.runnableKids > 0 ? Math.min(capacityFor(g, g.rawRunnable), g.quotaRate(), g.capSum) : 0;
    }
    for (const task of this.tasks.values()) if (task.runnable) this.rates.restart(task);
    for (const g of order) this.rates.markDirty(g);
    this.rates.wide = true;
  }

  /** Catch up the counters of the quota groups above `task` before its runnable state changes them. */
  private beforeRunnableChange(task: SchedTask): void {
    if (this.quotaGroups.length === 0) return;
    this.spend(task.group.depth + 1);
    for (let g: SchedGroup | null = task.group; g !== null; g = g.parent) {
      if (g.quota === null) continue;
      catchUpPeriods(g, this.nowUsec);
      this.quotaRecheck.push(g);
    }
  }

  // ---- hooks ------------------------------------------------------------------------------------

  protected beforeChange(): void {}

  protected afterChange(): void {
    this.affinityDirty = true;
  }

  protected onGroupAdded(g: SchedGroup): void {
    this.restricted ||= g.allowedCount < this.cpus;
    g.vTime = this.nowUsec;
    g.periodsAt = this.nowUsec;
  }

  protected onLimitsChanging(g: SchedGroup): void {
    catchUpPeriods(g, this.nowUsec);
  }

  protected onLimitsChanged(g: SchedGroup, bandwidthChanged: boolean): void {
    // A group restricted now makes the tree restricted; one that is not cannot narrow any other
    // group's CPUs, so only a tree restricted before needs the O(groups) look to see if it still is
    // (a scan on every change made 10,000 containers' limits quadratic).
    if (g.allowedCount < this.cpus) this.restricted = true;
    else if (this.restricted) this.restricted = this.listGroupNodes().some((x) => x.allowedCount < this.cpus);
    // A new quota or period restarts the period and unthrottles (tg_set_cfs_bandwidth), which is
    // when the kernel adds the current throttle to throttled_time.
    if (bandwidthChanged) {
      g.throttledUsec += g.pendingThrottledUsec;
      g.pendingThrottledUsec = 0;
      // Its binding state is decided again, even with nothing runnable (no rebuild would recheck it):
      // a quota set again over a sleeping group kept the throttle of the one before.
      // Without a quota its rate is below Infinity: the check unbinds it at once.
      if (g.quota === null) this.recheck(g);
      else this.quotaRecheck.push(g);
    }
    // A subtree with nothing runnable is in no sum and holds no rate: its new limits take effect
    // when a task in it wakes (caps are computed then). Only a live subtree needs the rebuild — so
    // making thousands of idle cgroups, each with its limits, costs per group, not per tree.
    if (g.rawRunnable > 0 || g.runnableKids > 0) this.rebuildPending = true;
  }

  protected onTaskAttached(task: SchedTask): void {
    if (task.seq < 0) task.seq = this.nextSeq++;
  }

  protected onNiceChanging(task: SchedTask): void {
    if (!task.runnable) return;
    // Account it at its old weight; the rebuild anchors it again at the new one.
    this.rates.settleTask(task);
    this.rebuildPending = true;
  }

  protected onWake(task: SchedTask): void {
    this.affinityDirty = true;
    this.beforeRunnableChange(task);
    task.capRate = this.capFor(task);
    this.waitRegime(task);
    task.waitStart = this.nowUsec;
    task.runnable = true;
    task.runnablePos = this.runnable.length;
    this.runnable.push(task);
    this.countRaw(task, 1);
    this.enter(task);
  }

  /** The shortcuts are on and no rebuild is due (it would redo every split anyway). */
  private shortcutsOn(): boolean {
    return this.fastPath && !this.rebuildPending;
  }

  /** The task joins its group's split: O(depth) while nothing on its path constrains, else marked for the flush. */
  private enter(task: SchedTask): void {
    if (this.shortcutsOn() && this.rates.enterUncontended(task)) {
      this.shortcuts++;
      this.noteRate(task);
    } else this.rates.enter(task);
  }

  /** The task leaves its group's split: O(depth) while nothing on its path constrains, else marked for the flush. */
  private leave(task: SchedTask): void {
    if (this.shortcutsOn() && this.rates.leaveUncontended(task)) this.shortcuts++;
    else this.rates.leave(task);
  }

  protected onBlock(task: SchedTask): void {
    this.affinityDirty = true;
    this.noteRate(task);
    this.beforeRunnableChange(task);
    // Counted out first: with unequal capacities a group's cap depends on its runnable count.
    this.countRaw(task, -1);
    this.leave(task);
    task.waitRun += this.nowUsec - task.waitStart;
    task.runnable = false;
    const list = this.runnable;
    const last = list.pop()!;
    if (last !== task) {
      list[task.runnablePos] = last;
      last.runnablePos = task.runnablePos;
    }
    task.runnablePos = -1;
  }

  protected onCpuCapacityChanging(): void {}

  protected onCpuCapacityChanged(): void {
    // Every cap below a live group may move: rebuild (a capacity changes rarely per CPU). A tree
    // with nothing runnable holds no rate; tasks take the new capacities when they wake.
    this.rates.unequalCapacities = this.unequalCapacities;
    this.affinityDirty = true;
    if (this.root.rawRunnable > 0) this.rebuildPending = true;
  }

  protected onDemandChanging(): void {}

  protected onDemandChanged(task: SchedTask): void {
    if (!task.runnable) return;
    // As a block and a wake-up at the same instant, without the runnable counts moving: O(depth)
    // while no cap binds. The task keeps its work and its place among its group's children.
    this.beforeRunnableChange(task);
    this.noteRate(task);
    this.leave(task);
    this.waitRegime(task);
    task.capRate = this.capFor(task);
    this.enter(task);
  }

  /**
   * The task's wait up to now (its usage settled to `usage`): the regime's wanted wall time minus
   * the wall time its usage stands for, on top of earlier regimes' (see `SchedTask.waitRun`).
   */
  private waitAt(task: SchedTask, usage: number): number {
    const run = task.waitRun + (task.runnable ? this.nowUsec - task.waitStart : 0);
    return task.waitUsec + task.waitWant * run - task.waitScale * (usage - task.waitUsage);
  }

  /**
   * Before the task runs on (waking, or after a rebuild or a demand change; its usage settled): if
   * its demand or best capacity changed, close the regime and start one at now. O(1), and only two
   * comparisons when nothing changed.
   */
  private waitRegime(task: SchedTask): void {
    const best = task.group.maxCapacity;
    if (best === task.waitBest && task.demand === task.waitDemand) return;
    task.waitUsec = this.waitAt(task, task.usage);
    task.waitRun = 0;
    task.waitStart = this.nowUsec;
    task.waitUsage = task.usage;
    task.waitBest = best;
    task.waitDemand = task.demand;
    task.waitWant = best > 0 ? Math.min(task.demand, best) / best : 0;
    task.waitScale = best > 0 ? 1 / best : 0;
  }

  protected waitOf(task: SchedTask): number {
    return this.waitAt(task, task.usage + (task.runnable ? this.rates.pending(task) : 0));
  }

  protected pendingUsage(task: SchedTask): number {
    return this.rates.pending(task);
  }

  protected currentRate(task: SchedTask): number {
    this.ensureRates();
    return this.rates.taskRate(task);
  }

  cpuOccupancy(): CpuOccupancy {
    this.ensureRates();
    this.spend(this.cpus + this.tasks.size);
    let k = 0;
    for (const task of this.tasks.values()) if (task.runnable && this.rates.taskRate(task) > 0) k++;
    return { running: Array.from({ length: this.cpus }, (_, c) => c < k), waiting: 0 };
  }

  protected groupStatsOf(g: SchedGroup): GroupCpuStats {
    this.ensureRates();
    this.settleSubtree(g);
    catchUpPeriods(g, this.nowUsec);
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

  /** Account every runnable task below `g` up to now, so that `g.usage` is current. */
  private settleSubtree(g: SchedGroup): void {
    this.spend(1);
    for (const ch of g.children) {
      if (ch.kind === 'task') this.rates.settleTask(ch);
      else if (ch.cap > 0) this.settleSubtree(ch);
    }
  }
}
