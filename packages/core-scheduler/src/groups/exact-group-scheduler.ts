// The exact model of the cgroup CPU controller: discrete slices ended by a periodic scheduler tick,
// tasks picked by lag (EEVDF's measure of fairness), and per-period bandwidth throttling as the
// kernel does it (on/off, charged at accounting points, overrun paid back).
//
// Model, all deterministic (see README "Group scheduling"):
// - Lag: each task's lag is the CPU time generalized processor sharing would have given it
//   (hierarchical weighted max-min with caps over the runnable, unthrottled tasks: the fluid
//   model's rates without quotas) minus the CPU time it got. EEVDF's base slice (0.75 ms) is
//   shorter than the tick, so every tick ends every slice: at each tick all CPUs put their task
//   back, then idle CPUs, in CPU order, take the waiting tasks with the earliest virtual deadline
//   `(tick − lag) / rate` (when the task will be owed a whole tick; ties: a whole-CPU task before a
//   capped one, then the least CPU time per unit of weight, EEVDF's vruntime, then the oldest task)
//   allowed on them. On one CPU this
//   behaves like hierarchical CFS: a light task runs about one tick when picked, a heavy one up to
//   weight-ratio ticks in a row. On several CPUs it tracks the GPS shares
//   within a few ticks, where per-level vruntime picking cannot (a group's capped task needs the
//   group on a CPU in every tick). Lag is kept across sleeps and throttling (EEVDF keeps it),
//   clamped to ±8 ticks.
// - Between ticks a task runs until it blocks, finishes its work, is throttled, or is preempted by
//   a waking task whose lag exceeds the running task's by the wake-up granularity (1 ms × (1 +
//   log2(min(cpus, 8))), the kernel's scaling). An idle CPU picks at once.
// - Bandwidth: one runtime pool per group, charged at every accounting point (tick, block, work
//   done, preemption, period end); at ≤ 0 the group is throttled at once on all its CPUs. The
//   period refresh refills `min(remaining, carry) + quota`: an overrun is paid back, and unused
//   runtime is lost beyond one 5 ms bandwidth slice per CPU (the kernel's per-CPU pools, which no
//   longer expire since Linux 5.4), then unthrottles it. Like the kernel, an unthrottled group gets
//   a busy CPU only at its next tick.
// - CPU capacity: a CPU of capacity c delivers c CPU-µs per µs to the task on it (usage, work,
//   quota and lag all count delivered CPU time, as a guest kernel with steal accounting does); a
//   change splits the running slice at its instant. Capacity 0 stops progress: the task stays on
//   its CPU until the next tick, and the CPU picks nothing while at 0 (a descheduled vCPU runs no
//   guest scheduler; without this a task could sit on it while a real CPU idles). Idle CPUs pick
//   by capacity, largest first (CPU order among equals), so the most-owed task goes to the fastest
//   CPU, and an idle CPU pulls the most-owed task of a slower one: a guest's balancer sees capacity
//   reduced by steal (Linux feeds steal into the CPU's irq pressure, which lowers `cpu_capacity`)
//   and moves misfit tasks to bigger CPUs. CPUs of equal capacity pick least stolen first (a steal
//   average: time at capacity 0 holding a task, 32 ms half-life), and when several idle CPUs pick
//   together the tasks that use a whole CPU take the biggest ones, capped tasks the rest.
// - Demand cap d < 1 (a rate per wall-clock µs, README "Demand caps: what a cap means"): a token
//   bucket that refills at d CPU-µs per µs while runnable (running or not), holds up to 32 ticks of
//   it (a guest's backlog: work delayed while its CPUs were busy or off is done later), and drains by
//   the CPU time the task gets. When it is empty the task halts, as a vCPU whose guest has nothing
//   left to do halts (it neither runs nor waits), and resumes once it holds a tick's worth again,
//   taking an idle CPU but preempting no one. A task whose bucket holds more than two ticks' worth is
//   backlogged: its lag reference and EEVDF request are an uncapped task's until it has caught up
//   (checked at ticks and capacity changes), so the backlog gathered while its CPUs were off is owed
//   to it. Otherwise its reference rate has cap d and its request is d × tick (an earlier deadline).
//   A task that blocked wakes with at most one tick's worth (no work arrived while it slept).
//   A task that halts keeps at most two bursts of positive lag: a claim beyond its bucket cannot be
//   repaid (it halts when its work is done), and such claims, piled up, locked a busy task out.
// - Wake-up preemption is skipped while an allowed CPU is idle (at capacity 0: a halted vCPU its
//   guest will kick), as Linux's wake-up path takes an idle CPU first.
// - Cpusets that overlap in part: the reference rates are corrected for affinity (affinity-rates.ts).
//   An idle CPU that may run none of the waiting tasks takes the running task of a CPU one of them
//   may run on, which then runs it (Linux: wake-up preemption plus idle pull, or active balance).
// - Period timer (the kernel's `period_timer`): armed when the quota is set, on the grid
//   anchor + k × period; each expiry counts one period (and one throttled period if the group is
//   throttled then). An expiry ending a period in which nothing was requested, with the group not
//   throttled, still counts but stops the timer; the next wake-up re-arms it on the same grid.
import type { CpuOccupancy, GroupCpuStats, GroupSchedulerOptions } from './group-scheduler.js';
import { affinityWeights, correctForAffinity } from './affinity-rates.js';
import { computeGroupRates } from './group-rates.js';
import { isReducedCapacity } from './reduced-capacity.js';
import { GroupTreeBase, capacityFor, effectiveCap, type SchedGroup, type SchedTask } from './group-tree.js';

/** A backlogged capped task's reference cap: an uncapped task's (its best CPU's capacity, at most 1). */
const backlogCap = (t: SchedTask): number => {
  const best = t.group.maxCapacity;
  return best > 0 && best < 1 ? best : 1;
};

/** The kernel's wake-up granularity at one CPU, µs. */
const WAKEUP_GRANULARITY_USEC = 1_000;
/** `sched_cfs_bandwidth_slice_us`: runtime a CPU takes from its group's pool at a time, µs. */
const BANDWIDTH_SLICE_USEC = 5_000;
/** Lag is clamped to ± this many ticks, so no task banks an unbounded claim (e.g. behind a cpuset). */
const LAG_CLAMP_TICKS = 8;
/** Work or budget left below this many CPU-µs counts as none (fractional capacities leave slivers). */
const WORK_EPS = 1e-6;
/**
 * A demand-capped task's bucket holds this many ticks of its demand (see `bucketSize`); it resumes from a
 * halt with one. 32 ticks of 4 ms cover a vCPU descheduled for 128 ms (four 30 ms credit slices).
 */
const BACKLOG_TICKS = 32;
/**
 * A capped task whose bucket holds more than this many ticks of its demand is backlogged: its lag
 * reference is an uncapped task's until the backlog is worked off. (One tick's worth is what it
 * resumes with, and a task picked a tick late holds two: below that it is not behind.)
 */
const BACKLOG_THRESHOLD_TICKS = 2;
/**
 * Half-life of a CPU's steal average, µs: PELT's (32 ms), with which Linux averages the steal it
 * takes off a CPU's capacity (`update_irq_load_avg` → `scale_rt_capacity`).
 */
const STEAL_HALF_LIFE_USEC = 32_000;
/**
 * A capped task that halts (its bucket empty) keeps at most this many bursts (demand × tick) of
 * positive lag. Its reference credits it an uncapped task's share while it is backlogged and its
 * lag outlives the clamps of its peers, so lag beyond its bucket piles up with nothing to repay it
 * (it halts when its work is done, not when its claim is): with 2.4 ticks of such lag, four capped
 * tasks took both CPUs at ticks ahead of a busy task owed 7 ticks, and a nice −5 / nice 3 pair
 * locked into 0.75 / 0.30 instead of 0.90 / 0.15 for the rest of the run. Keeping none (lag ≤ 0
 * at a halt) costs a busy task beside two capped ones 1.5% (0.885 against fluid's 0.900): the
 * capped tasks' short requests then win every tick at which they wait, and a tick where both take
 * the CPUs is lost to the busy task for good. One or two bursts keep both cases within 1%.
 */
const HALT_LAG_BURSTS = 2;
/** Slack when rounding an end of work up to a whole µs. */
const END_SLACK = 1e-7;

/** Lag-driven tick scheduler with on/off bandwidth throttling. Build with `createGroupScheduler`. */
export class ExactGroupScheduler extends GroupTreeBase {
  readonly fidelity = 'exact' as const;
  private readonly cur: (SchedTask | null)[];
  /** Time each CPU's running task was last charged. */
  private readonly last: number[];
  private busy = 0;
  private readonly wakeupGranularity: number;
  private readonly lagClamp: number;
  /** Time up to which lags have accrued at the current reference rates. */
  private lagTime: number;
  /** The set of runnable, unthrottled tasks changed: reference rates need recomputing. */
  private ratesDirty = true;
  /** Tasks in insertion order (the tie-break), rebuilt when tasks come and go. */
  private order: SchedTask[] = [];
  /** Some group has a cpuset narrower than the machine: picks go CPU by CPU. */
  private restricted = false;
  /** Scratch for `fillIdle`: the chosen tasks and their deadlines. */
  private readonly chosen: SchedTask[] = [];
  private readonly chosenKeys: number[] = [];
  /** CPUs by capacity, largest first, CPU order among equals: the order idle CPUs pick in. */
  private cpuOrder: number[];
  /** CPUs of capacity > 0: the first `pickable` of `cpuOrder`, the only ones that pick. */
  private pickable: number;
  /** Runnable tasks halted by their demand bucket, each resuming at its `resumeAt`. */
  private readonly haltedTasks = new Set<SchedTask>();
  /** Tasks with a demand cap, as last counted (an upper bound between counts): 0 skips `refreshBacklog`. */
  private cappedCount = 0;
  /** Scratch for `wholeFirst`. */
  private readonly cappedScratch: SchedTask[] = [];
  private readonly cappedKeysScratch: number[] = [];
  /**
   * Each CPU's steal average (0..1, half-life STEAL_HALF_LIFE_USEC): the share of recent time it sat
   * at capacity 0 while asking its host for a pCPU (a descheduled vCPU: holding a task, or kicked for
   * one, `setCpuAsking`), as of `stealAt`. Linux takes it off the CPU's capacity; here it orders CPUs
   * of equal capacity (least stolen picks first) and decides the moves of reduced capacity. A halted
   * CPU (at 0, no task, not asking) keeps the average it had: what its host gave it when it last ran
   * (else a vCPU stolen while it ran looks unstolen once it halts, and tasks wander back to it).
   */
  private readonly stealAvg: number[];
  private readonly stealAt: number[];
  /** Each CPU asks its host for a pCPU (`setCpuAsking`; a nested guest's wrapper says so). */
  private readonly asking: boolean[];
  /**
   * A tick came while the CPU was descheduled and asking its host: a vCPU's timer interrupt waits
   * until its host runs it, and then its tick runs (the reduced-capacity balance included).
   */
  private readonly tickPending: boolean[];
  /** Some CPU has had steal (until then every average is 0 and no move of reduced capacity can apply). */
  private stealSeen = false;
  /** Scratch for `kickLessStolen`: whole-CPU tasks let go at a tick, and the CPUs they were on. */
  private readonly stuckTasks: (SchedTask | null)[] = [];
  private readonly stuckFrom: number[] = [];

  constructor(opts: GroupSchedulerOptions) {
    super(opts);
    this.cur = new Array<SchedTask | null>(this.cpus).fill(null);
    this.stealAvg = new Array<number>(this.cpus).fill(0);
    this.stealAt = new Array<number>(this.cpus).fill(this.nowUsec);
    this.asking = new Array<boolean>(this.cpus).fill(false);
    this.tickPending = new Array<boolean>(this.cpus).fill(false);
    this.last = new Array<number>(this.cpus).fill(this.nowUsec);
    this.wakeupGranularity = WAKEUP_GRANULARITY_USEC * (1 + Math.floor(Math.log2(Math.min(this.cpus, 8))));
    this.lagClamp = LAG_CLAMP_TICKS * this.tick;
    this.lagTime = this.nowUsec;
    this.cpuOrder = this.sortCpus();
    this.pickable = this.capacity.filter((x) => x > 0).length;
  }

  private sortCpus(): number[] {
    const st = this.stealAvg;
    return Array.from({ length: this.cpus }, (_, c) => c).sort((a, b) => this.capacity[b]! - this.capacity[a]! || st[a]! - st[b]! || a - b);
  }

  /**
   * Decay CPU `c`'s steal average to now. The time since its last update counts as stolen when the CPU
   * is at capacity 0 holding a task or asking its host (a descheduled vCPU whose task waits on it, or
   * one kicked for a waiting task); a halted vCPU (at 0, idle, not asking) earns no steal and keeps
   * its average. Updated before whatever changes those: capacity, the task on it, `setCpuAsking`.
   */
  private updateSteal(c: number): void {
    const dt = this.nowUsec - this.stealAt[c]!;
    if (dt <= 0) return;
    this.stealAt[c] = this.nowUsec;
    const held = this.cur[c] !== null;
    if (this.capacity[c] === 0 && !held && !this.asking[c]) return;
    const k = Math.pow(0.5, dt / STEAL_HALF_LIFE_USEC);
    const stolen = this.capacity[c] === 0 ? 1 : 0;
    if (stolen === 1) this.stealSeen = true;
    this.stealAvg[c] = this.stealAvg[c]! * k + stolen * (1 - k);
  }

  /**
   * CPU `cpu` asks its host for a pCPU (true: a vCPU runnable on its host, holding a task or kicked
   * for one) or not (false: halted). Steal accounting reads it (a vCPU kicked for a waiting task and
   * not run is stolen time, as a Linux guest's steal clock counts it), and a tick that finds it
   * descheduled while it asks runs when its host runs it (`tickPending`). ValidationError for a CPU
   * out of range.
   */
  setCpuAsking(cpu: number, asking: boolean): void {
    cpu = this.checkCpu(cpu);
    if (this.asking[cpu] === asking) return;
    this.updateSteal(cpu);
    this.asking[cpu] = asking;
    // A halted vCPU takes no timer interrupt: a tick it missed is gone.
    if (!asking) this.tickPending[cpu] = false;
  }

  /** When CPU `c`'s task runs out of work, or empties its demand bucket, at its CPU's capacity (whole µs), or Infinity. */
  private endOf(c: number, task: SchedTask): number {
    const cap = this.capacity[c]!;
    if (!(cap > 0)) return Infinity;
    let span = cap === 1 ? task.work : task.work / cap;
    // The bucket drains at cap − demand while it runs (it refills as it drains).
    if (task.budget !== Infinity && cap > task.demand) span = Math.min(span, Math.max(0, task.budget) / (cap - task.demand));
    if (span === Infinity) return Infinity;
    return this.last[c]! + Math.max(1, Math.ceil(span - END_SLACK));
  }

  /**
   * A demand-capped task's bucket holds up to BACKLOG_TICKS ticks of its demand: work a guest could
   * not run while it waited for a CPU is done later, not lost (up to that backlog).
   */
  private bucketSize(task: SchedTask): number {
    return task.demand * this.tick * BACKLOG_TICKS;
  }

  /** The task's bucket at now, when it is not running (it refilled since `budgetAt`). */
  private settleBucket(task: SchedTask): void {
    if (task.budget === Infinity) return;
    task.budget = Math.min(this.bucketSize(task), task.budget + task.demand * (this.nowUsec - task.budgetAt));
    task.budgetAt = this.nowUsec;
  }

  nextEventTime(): number {
    let t = Infinity;
    if (this.quotaGroups.length > 0) this.spend(this.quotaGroups.length);
    if (this.haltedTasks.size > 0) {
      this.spend(this.haltedTasks.size);
      for (const task of this.haltedTasks) if (task.resumeAt < t) t = task.resumeAt;
    }
    if (this.busy > 0) {
      this.spend(this.cpus);
      // Ticks only matter while a CPU runs something (NO_HZ idle).
      t = Math.min(t, (Math.floor(this.nowUsec / this.tick) + 1) * this.tick);
      for (let c = 0; c < this.cpus; c++) {
        const task = this.cur[c];
        if (task !== null && task !== undefined && (task.work !== Infinity || task.budget !== Infinity)) t = Math.min(t, this.endOf(c, task));
      }
    }
    for (const g of this.quotaGroups) if (g.nextRefresh < t) t = g.nextRefresh;
    return t;
  }

  protected run(time: number): void {
    for (;;) {
      const t = this.nextEventTime();
      if (t > time) break;
      const isTick = this.busy > 0 && t % this.tick === 0;
      this.nowUsec = t;
      this.accrue();
      this.spend(this.cpus + this.quotaGroups.length);
      // 1. Accounting: every CPU at a tick, else the CPUs whose task finishes its work now.
      for (let c = 0; c < this.cpus; c++) {
        const task = this.cur[c];
        if (task === null || task === undefined) continue;
        if (isTick || ((task.work !== Infinity || task.budget !== Infinity) && this.endOf(c, task) === t)) this.charge(c);
      }
      // 2. Period timers, after the charges so that pre-boundary runtime is billed to the old period.
      for (const g of this.quotaGroups) if (g.nextRefresh === t) this.refresh(g);
      // Halted tasks whose bucket holds a tick's worth again resume (a wake-up).
      let resumed: SchedTask[] | null = null;
      if (this.haltedTasks.size > 0) {
        for (const task of this.haltedTasks) if (task.resumeAt <= t) (resumed ??= []).push(task);
        if (resumed !== null) for (const task of resumed) this.resume(task);
      }
      // 3. Scheduling: a tick ends every slice; otherwise only idle CPUs pick.
      if (isTick) {
        this.refreshBacklog();
        this.repickAll();
      }
      else {
        // A task resuming from a halt takes an idle CPU but preempts no one (it waits for a tick):
        // its burst is the rest of a rate it is already served at, not a wake-up with a claim, and
        // preempting made capped tasks overlap and push a hog off its CPU while another CPU had room.
        this.fillIdle();
      }
      // 4. Completion handlers, on the finished instant (their commands apply at it).
      this.deliverWorkDone();
    }
    this.nowUsec = time;
    this.accrue();
  }

  // ---- lag ----------------------------------------------------------------------------------------

  /**
   * Credit every task its reference share of the time since the last accrual. Every change first
   * accrues up to its time, so the rates (recomputed here, lazily, once per instant) held over the
   * whole interval.
   */
  private accrue(): void {
    const dt = this.nowUsec - this.lagTime;
    if (dt <= 0) return;
    this.ensureRates();
    this.spend(this.order.length);
    this.lagTime = this.nowUsec;
    for (const task of this.order) if (task.rate > 0) task.lag = Math.min(this.lagClamp, task.lag + task.rate * dt);
  }

  /** Recompute the reference (GPS) rates of the runnable, unthrottled tasks if that set changed. */
  private ensureRates(): void {
    if (!this.ratesDirty) return;
    this.ratesDirty = false;
    this.spend(this.groups.size + 2 * this.order.length);
    const limit = (g: SchedGroup): number => (g.throttled ? 0 : capacityFor(g, g.nrRunnable));
    // Cpusets that overlap in part: the reference must be servable CPU by CPU, or the tasks confined
    // to an overloaded CPU would all be owed more than it has (their lags clamped, picks skewed).
    computeGroupRates(this.root, (t) => (t.runnable ? (t.backlogged ? backlogCap(t) : effectiveCap(t)) : 0), limit);
    if (this.restricted) correctForAffinity(this.order, this.capacity, () => affinityWeights(this.root, this.order), false);
    for (const task of this.order) task.rate = task.scratchRate;
  }

  // ---- accounting -------------------------------------------------------------------------------

  /**
   * Charge CPU `c`'s task for the time since its last charge (update_curr): usage, lag, runtime,
   * budget, all in CPU-µs delivered (elapsed × the CPU's capacity).
   */
  private charge(c: number): void {
    const task = this.cur[c];
    if (task === null || task === undefined) {
      this.last[c] = this.nowUsec;
      return;
    }
    const elapsed = this.nowUsec - this.last[c]!;
    this.last[c] = this.nowUsec;
    if (elapsed <= 0) return;
    const cap = this.capacity[c]!;
    // At most the work left (an end rounded up to a whole µs overshoots by a sliver).
    let d = cap === 1 ? elapsed : elapsed * cap;
    if (d > task.work) d = task.work;
    this.spend(task.group.depth + 1);
    task.usage += d;
    task.lag = Math.max(-this.lagClamp, task.lag - d);
    if (task.work !== Infinity) {
      task.work -= d;
      if (task.work < WORK_EPS) task.work = 0;
    }
    if (task.budget !== Infinity) {
      // It refills as it drains: net demand × elapsed − d, never above its size.
      task.budget = Math.min(this.bucketSize(task), task.budget + task.demand * elapsed - d);
      task.budgetAt = this.nowUsec;
    }
    let exhausted: SchedGroup[] | null = null;
    for (let g: SchedGroup | null = task.group; g !== null; g = g.parent) {
      g.usage += d;
      if (g.quota !== null) {
        g.remaining -= d;
        if (g.remaining <= 0 && !g.throttled && !g.throttling) (exhausted ??= []).push(g);
      }
    }
    if (task.work <= 0) this.finishWork(task);
    else if (task.budget < WORK_EPS && task.cpu >= 0) this.halt(task);
    if (exhausted !== null) for (const g of exhausted) this.throttle(g);
  }

  // ---- demand caps ------------------------------------------------------------------------------

  /** Its bucket at now without settling it (a running task drains it at its CPU's capacity since its last charge). */
  private bucketNow(task: SchedTask): number {
    const elapsed = this.nowUsec - task.budgetAt;
    const used = task.cpu >= 0 ? (this.nowUsec - this.last[task.cpu]!) * this.capacity[task.cpu]! : 0;
    return Math.min(this.bucketSize(task), task.budget + task.demand * elapsed - used);
  }

  /**
   * Mark the capped tasks whose bucket holds more than one burst (demand × tick) as backlogged, the
   * others not; a change makes the reference rates be recomputed (lags are accrued up to now first,
   * at the old ones). A backlogged task's reference is that of an uncapped task, so the CPU time its
   * bucket gathered while its CPUs were off (or it waited) is owed to it and repaid when they are back:
   * a demand cap is a rate per wall-clock time, as fluid serves it. O(tasks), at ticks and capacity changes.
   */
  private refreshBacklog(): void {
    if (this.cappedCount === 0) return;
    this.spend(this.order.length);
    let changed = false;
    let n = 0;
    for (const task of this.order) {
      if (task.budget === Infinity) continue;
      n++;
      const b = task.runnable && this.bucketNow(task) > task.demand * this.tick * BACKLOG_THRESHOLD_TICKS;
      if (b === task.backlogged) continue;
      if (!changed) {
        this.accrue();
        changed = true;
      }
      task.backlogged = b;
    }
    this.cappedCount = n;
    if (changed) this.ratesDirty = true;
  }

  /** Its bucket is empty: off its CPU, neither running nor waiting until it holds a tick's worth again. */
  private halt(task: SchedTask): void {
    if (task.cpu >= 0) this.unassign(task.cpu);
    this.stopWaiting(task);
    this.settleBucket(task);
    // Its claim beyond what its bucket lets it run cannot be repaid (it halts once its work is done),
    // so it is dropped: at most HALT_LAG_BURSTS bursts are carried into its next wake-up.
    task.lag = Math.min(task.lag, HALT_LAG_BURSTS * task.demand * this.tick);
    task.halted = true;
    // It resumes with one tick's worth (a short burst), not a full bucket.
    task.resumeAt = this.nowUsec + Math.max(1, Math.ceil((task.demand * this.tick - task.budget) / task.demand - END_SLACK));
    this.haltedTasks.add(task);
  }

  private resume(task: SchedTask): void {
    task.halted = false;
    this.haltedTasks.delete(task);
    this.settleBucket(task);
    if (task.runnable && task.cpu < 0) task.waitSince = this.nowUsec;
  }

  /** Add the current wait (if any) to `waitUsec` and stop its clock. */
  private stopWaiting(task: SchedTask): void {
    if (task.waitSince >= 0) task.waitUsec += this.nowUsec - task.waitSince;
    task.waitSince = -1;
  }

  private finishWork(task: SchedTask): void {
    task.work = 0;
    if (task.cpu >= 0) this.unassign(task.cpu);
    this.setBlocked(task);
    this.workDone(task);
  }

  /** Charge every CPU that runs a task of `g`'s subtree. */
  private chargeGroup(g: SchedGroup): void {
    this.spend(this.cpus);
    for (let c = 0; c < this.cpus; c++) {
      const t = this.cur[c];
      if (t !== null && t !== undefined && this.isUnder(t, g)) this.charge(c);
    }
  }

  /** The group ran out of runtime: take its tasks off every CPU and dequeue it until a refresh. */
  private throttle(g: SchedGroup): void {
    if (g.throttled || g.throttling) return;
    g.throttling = true;
    this.chargeGroup(g);
    this.spend(this.cpus);
    for (let c = 0; c < this.cpus; c++) {
      const t = this.cur[c];
      if (t !== null && t !== undefined && this.isUnder(t, g)) this.unassign(c);
    }
    g.throttling = false;
    g.throttled = true;
    this.freeze(g, 1);
    g.throttledAt = this.nowUsec;
    g.throttleWidth = Math.min(g.nrRunnable, g.allowedCount);
    this.propagate(g.parent!, -g.nrRunnable);
    this.ratesDirty = true;
    this.emit({ type: 'group.throttled', time: this.now(), group: g.path });
  }

  private unthrottle(g: SchedGroup): void {
    g.throttledUsec += (this.nowUsec - g.throttledAt) * g.throttleWidth;
    g.throttled = false;
    this.freeze(g, -1);
    this.propagate(g.parent!, g.nrRunnable);
    this.ratesDirty = true;
    this.emit({ type: 'group.unthrottled', time: this.now(), group: g.path });
  }

  /**
   * Period timer expiry (do_sched_cfs_period_timer): count the period (and it as throttled if the
   * group is throttled now), refill (paying back any overrun), then either stop the timer — when the
   * period ended with nothing requested and the group is not throttled; this expiry still counts —
   * or re-arm it and unthrottle the group if there is runtime.
   */
  private refresh(g: SchedGroup): void {
    // Bill the runtime its CPUs used so far to the period it belongs to (the kernel's per-CPU
    // runtime pools carry it across the boundary; without this, unbilled runtime would vanish).
    this.chargeGroup(g);
    const throttled = g.throttled;
    g.nrPeriods++;
    if (throttled) g.nrThrottled++;
    // Unused runtime is lost, except what sits in per-CPU pools: up to one bandwidth slice per CPU
    // (they no longer expire since Linux 5.4). A debt (overrun) is always carried. Since 5.14 the
    // kernel refills before deciding to stop, so a stopped timer leaves a full pool behind.
    const carry = BANDWIDTH_SLICE_USEC * Math.max(1, Math.min(g.rawRunnable, g.allowedCount));
    g.remaining = Math.min(g.remaining, carry) + g.quota!;
    if (!throttled && !g.requestedInPeriod) {
      // Idle for a whole period: stop until the next request (which re-arms it on the same grid).
      g.timerActive = false;
      g.nextRefresh = Infinity;
      return;
    }
    // The kernel marks the coming period idle unless throttled; a runnable group asks again at once.
    g.requestedInPeriod = throttled || g.rawRunnable > 0;
    g.nextRefresh += g.period;
    if (g.throttled && g.remaining > 0) this.unthrottle(g);
  }

  // ---- run-queue bookkeeping ----------------------------------------------------------------------

  /** Add `d` runnable tasks to `start` and its ancestors, stopping above a throttled group. */
  private propagate(start: SchedGroup, d: number): void {
    this.spend(start.depth + 1);
    for (let x: SchedGroup | null = start; x !== null; x = x.parent) {
      x.nrRunnable += d;
      if (x.throttled) break;
    }
  }

  private setRunnable(task: SchedTask): void {
    task.runnable = true;
    task.waitSince = this.nowUsec;
    if (task.budget !== Infinity) {
      // No work arrived while it slept: it wakes with what it kept, refilled to one burst at most.
      const kept = task.budget;
      this.settleBucket(task);
      task.budget = Math.max(kept, Math.min(task.budget, task.demand * this.tick));
      if (task.budget < WORK_EPS) this.halt(task);
    }
    this.countRaw(task, 1);
    this.propagate(task.group, 1);
    this.ratesDirty = true;
  }

  /** A runnable task that is not on a CPU stops being runnable. */
  private setBlocked(task: SchedTask): void {
    task.runnable = false;
    this.stopWaiting(task);
    if (task.halted) {
      task.halted = false;
      this.haltedTasks.delete(task);
    }
    this.settleBucket(task);
    task.rate = 0;
    this.countRaw(task, -1);
    this.propagate(task.group, -1);
    this.ratesDirty = true;
  }

  private assign(c: number, task: SchedTask): void {
    // At capacity 0, whether the CPU holds a task decides whether its time is stolen: bring its steal
    // average up to now first (a tick moving a task off a descheduled CPU at the instant it comes
    // back left that time uncounted, and the CPU looked unstolen).
    if (this.capacity[c] === 0) this.updateSteal(c);
    this.stopWaiting(task);
    if (task.budget !== Infinity) this.settleBucket(task);
    this.cur[c] = task;
    task.cpu = c;
    this.noteRate(task);
    this.last[c] = this.nowUsec;
    this.busy++;
  }

  private unassign(c: number): void {
    // (see `assign`)
    if (this.capacity[c] === 0) this.updateSteal(c);
    const task = this.cur[c]!;
    this.cur[c] = null;
    task.cpu = -1;
    this.noteRate(task);
    task.waitSince = this.nowUsec;
    this.busy--;
  }

  // ---- picking ----------------------------------------------------------------------------------

  /** Runnable, not running, not under a throttled group. */
  private waiting(task: SchedTask): boolean {
    return task.runnable && task.cpu < 0 && task.group.frozen === 0 && !task.halted;
  }

  /** Count a throttle (+1) or unthrottle (-1) of `g` in the `frozen` count of its whole subtree. */
  private freeze(g: SchedGroup, d: number): void {
    this.spend(1);
    g.frozen += d;
    for (const child of g.childGroups.values()) this.freeze(child, d);
  }

  /**
   * A task's virtual deadline: when it will be owed a whole tick, `(tick − lag) / rate` (EEVDF's
   * deadline, in real time). The earliest runs first; ties: see `precedes`.
   */
  private deadline(task: SchedTask): number {
    if (!(task.rate > 0)) return Infinity;
    // A demand-capped task asks for its demand's share of a tick (EEVDF: a shorter request, an earlier
    // deadline); a backlogged one asks a whole tick, as the uncapped task its reference makes it.
    return ((wholeCpu(task) ? this.tick : task.demand * this.tick) - task.lag) / task.rate;
  }

  /** The waiting task with the earliest deadline allowed on CPU `c`. */
  private pick(c: number): SchedTask | null {
    this.ensureRates();
    this.spend(this.order.length);
    let best: SchedTask | null = null;
    let bestKey = Infinity;
    for (const task of this.order) {
      if (!task.group.allowed[c] || !this.waiting(task)) continue;
      const key = this.deadline(task);
      if (best === null || this.precedes(task, key, best, bestKey)) {
        best = task;
        bestKey = key;
      }
    }
    return best;
  }

  /**
   * Waiting task `a` (deadline `ka`) goes before waiting task `b` (deadline `kb`): the earlier
   * deadline; among equal deadlines a task that uses a whole CPU before a capped one (a capped task
   * that waits keeps its backlog and runs when a CPU frees; a whole task that waits loses the tick:
   * two 0.5 tasks resumed together with every lag 0 both took a CPU from a busy one, then halted
   * together and left a CPU idle, 0.875 for each of two busy tasks where 1 was there); then the one
   * with less CPU time per unit of weight (EEVDF's vruntime:
   * a task's deadline moves past its peer's as it runs, so equals take turns); the caller's order
   * (the task added first) after that. Equal deadlines come from lags clamped alike: a quota group
   * that runs ahead of its reference in its on phases (the reference is computed without quotas)
   * drives its tasks' lags to the clamp, and the task added first used to win every tie there (a busy
   * task and a 0.5 task sharing a guest's 50% quota: 0.27 / 0.23 instead of 0.25 / 0.25).
   */
  private precedes(a: SchedTask, ka: number, b: SchedTask, kb: number): boolean {
    if (ka !== kb) return ka < kb;
    const wa = wholeCpu(a);
    if (wa !== wholeCpu(b)) return wa;
    return a.usage * b.weight < b.usage * a.weight;
  }

  private repickAll(): void {
    this.spend(this.cpus);
    // A lone task (the guest's only runnable one, halted capped tasks aside: to a guest kernel they
    // sleep) may move to a less stolen idle CPU: see `kickLessStolen`.
    const lone = this.awakeRunnable() === 1;
    let stuck = 0;
    for (let c = 0; c < this.cpus; c++) {
      const task = this.cur[c];
      if (task === null || task === undefined) continue;
      if (lone && wholeCpu(task)) {
        // Its steal so far (at 0 holding a task: stolen), before the CPU lets it go.
        this.updateSteal(c);
        this.stuckTasks[stuck] = task;
        this.stuckFrom[stuck++] = c;
      }
      this.unassign(c);
    }
    this.fillIdle();
    if (stuck > 0) this.kickLessStolen(stuck);
    else if (!lone && this.stealSeen) {
      if (this.busy > 0) this.balanceReducedCapacity();
      for (let c = 0; c < this.cpus; c++) if (this.capacity[c] === 0 && this.asking[c]) this.tickPending[c] = true;
    }
  }

  /**
   * At a tick, with several runnable tasks: a halted CPU takes the whole-CPU task of the most stolen
   * CPU if that CPU's capacity reduced by steal × 117 is below the halted CPU's × 100, and so on while
   * one does: Linux's busy CPU of reduced capacity kicks an idle one for a nohz balance, which moves
   * the task running alone there (`need_active_balance`, imbalance_pct 117) whatever else the guest
   * runs. The halted CPU is the least stolen (its average as of when it last ran; CPU order among
   * equals); its guest then kicks it. Without it, two tasks on two vCPUs that share a pCPU stayed
   * there while a vCPU on a free pCPU idled (each got 0.5 where 1 was there). O(CPUs²) per tick once
   * some CPU has had steal (a nested guest's); never for CPUs that always run.
   */
  private balanceReducedCapacity(): void {
    this.spend(this.cpus * this.cpus);
    for (let c = 0; c < this.cpus; c++) this.updateSteal(c);
    for (let round = 0; round < this.cpus; round++) {
      let to = -1;
      for (let c = 0; c < this.cpus; c++) {
        if (this.cur[c] !== null || this.asking[c]) continue;
        if (to < 0 || this.stealAvg[c]! < this.stealAvg[to]!) to = c;
      }
      if (to < 0) return;
      let from = -1;
      for (let c = 0; c < this.cpus; c++) {
        const t = this.cur[c];
        if (t === null || t === undefined || !wholeCpu(t) || !t.group.allowed[to]) continue;
        if (from < 0 || this.stealAvg[c]! > this.stealAvg[from]!) from = c;
      }
      if (from < 0 || !isReducedCapacity(1 - this.stealAvg[from]!, 1 - this.stealAvg[to]!) || !this.moveRunning(from, to)) return;
      this.fillWaiting();
    }
  }

  /** Runnable tasks a guest kernel sees awake: halted capped tasks under no throttled group sleep to it. */
  private awakeRunnable(): number {
    return this.root.nrRunnable - this.haltedUnthrottled();
  }

  /** Halted capped tasks (runnable, their bucket empty: asleep to a guest kernel) under no throttled group. */
  private haltedUnthrottled(): number {
    if (this.haltedTasks.size === 0) return 0;
    let n = 0;
    for (const t of this.haltedTasks) if (t.group.frozen === 0) n++;
    return n;
  }

  /**
   * At a tick, the only runnable task, a whole-CPU one, if no CPU took it (its CPU is descheduled)
   * goes to an idle CPU (a halted vCPU, which its guest then kicks) when the capacity of the CPU it
   * ran on, reduced by steal, × 117, is below the idle CPU's × 100: Linux's busy CPU of reduced capacity kicks an idle
   * one for a nohz balance (`nohz_balancer_kick`, `check_cpu_capacity`), which moves the task that
   * runs alone there (`need_active_balance`: capacity_of(src) × imbalance_pct < capacity_of(dst) ×
   * 100, imbalance_pct 117). Capacity reduced by steal: 1 − the steal average. The least stolen idle
   * CPU allowed takes it (CPU order among equals). Otherwise it stays on its CPU, as a task stays on
   * its run queue (it used to wait on none, and the guest kicked its first idle vCPU). Only a lone
   * task: with several, this model's one run queue moves them between the CPUs that run (README
   * "Group scheduling"), so no CPU's steal average says what one task on it would get (a gap).
   */
  private kickLessStolen(stuck: number): void {
    this.spend(this.cpus * stuck);
    for (let k = 0; k < stuck; k++) {
      const task = this.stuckTasks[k]!;
      const from = this.stuckFrom[k]!;
      this.stuckTasks[k] = null;
      if (!this.waiting(task)) continue;
      let to = -1;
      for (let c = 0; c < this.cpus; c++) {
        if (c === from || this.cur[c] !== null || !task.group.allowed[c]) continue;
        this.updateSteal(c);
        if (to < 0 || this.stealAvg[c]! < this.stealAvg[to]!) to = c;
      }
      if (to >= 0 && isReducedCapacity(1 - this.stealAvg[from]!, 1 - this.stealAvg[to]!)) this.assign(to, task);
      // Otherwise it stays queued on its CPU (which keeps asking its host, and accrues the steal).
      else if (this.cur[from] === null && task.group.allowed[from]) this.assign(from, task);
    }
  }

  /**
   * Idle CPUs, in pick order, each take the earliest-deadline waiting task allowed there; with
   * unequal capacities, an idle CPU left over then pulls the task of a slower CPU (Linux's misfit
   * migration to a bigger CPU), so a fast CPU never idles while a slow one runs something.
   */
  private fillIdle(): void {
    this.fillWaiting();
    if (this.unequalCapacities && this.busy > 0 && this.busy < this.pickable) this.pullToFaster();
  }

  private pullToFaster(): void {
    this.ensureRates();
    this.spend(this.cpus);
    const order = this.cpuOrder;
    for (let i = 0; i < this.pickable; i++) {
      const c = order[i]!;
      if (this.cur[c] !== null) continue;
      // The most-owed task (earliest deadline) among those on slower CPUs allowed here.
      let from = -1;
      let fromKey = Infinity;
      for (let j = i + 1; j < this.cpus; j++) {
        const d = order[j]!;
        const t = this.cur[d];
        if (t === null || t === undefined || !(this.capacity[d]! < this.capacity[c]!) || !t.group.allowed[c]) continue;
        const key = this.deadline(t);
        if (from < 0 || key < fromKey) {
          from = d;
          fromKey = key;
        }
      }
      if (from >= 0) this.moveRunning(from, c);
    }
  }

  /** Move the task running on CPU `from` to idle CPU `to`, charged up to now; false if charging ended its slice (`from` is free then). */
  private moveRunning(from: number, to: number): boolean {
    const task = this.cur[from]!;
    this.charge(from);
    if (this.cur[from] !== task) return false;
    this.unassign(from);
    this.assign(to, task);
    return true;
  }

  /**
   * After the per-CPU picks with cpusets: a CPU left idle while a task waits that it may not run
   * takes the running task of a CPU that the waiting one may run on, which then runs the waiting one.
   * Linux gets there at once when the waiting task is the one that woke (it preempts the running
   * task, which an idle CPU's balance then pulls, a queued task being movable), and otherwise by
   * active balance once balancing keeps failing on the pinned task (`imbalanced_active_balance`).
   * Each idle CPU in pick order takes from the CPU that lets the earliest waiting deadline run.
   * O(idle CPUs × CPUs × waiting), only while a task waits that no idle CPU may run.
   */
  private activeBalance(waiting: SchedTask[], keys: number[], n: number): void {
    for (let k = 0; k < this.pickable; k++) {
      const c = this.cpuOrder[k]!;
      if (this.cur[c] !== null) continue;
      this.spend(this.cpus * n);
      let bestW = -1;
      let bestD = -1;
      for (let d = 0; d < this.cpus; d++) {
        const r = this.cur[d];
        if (r === null || r === undefined || !r.group.allowed[c] || !(this.capacity[d]! > 0) || this.capacity[c]! < this.capacity[d]!) continue;
        for (let i = 0; i < n; i++) {
          const w = waiting[i]!;
          if (w.cpu >= 0 || !w.group.allowed[d]) continue;
          if (bestW < 0 || this.precedes(w, keys[i]!, waiting[bestW]!, keys[bestW]!)) {
            bestW = i;
            bestD = d;
          }
        }
      }
      if (bestW < 0) continue;
      const r = this.cur[bestD]!;
      this.charge(bestD);
      if (this.cur[bestD] !== r) {
        // Charging ended its slice: the CPU is free for the waiting task.
        this.assign(bestD, waiting[bestW]!);
        continue;
      }
      this.unassign(bestD);
      this.assign(c, r);
      this.assign(bestD, waiting[bestW]!);
    }
  }

  /**
   * Reorder the first `n` chosen tasks (earliest deadline first) so that the tasks that use a whole CPU
   * (uncapped, or capped and backlogged) come before the capped ones, each kind in deadline order: they
   * then take the CPUs in pick order, the biggest (least stolen) first. Linux places by utilization
   * against capacity (a task that does not fit a CPU reduced by steal is moved to a bigger one:
   * `need_active_balance`'s reduced-capacity test, misfit balancing); a capped task placed on the
   * biggest CPU would leave a whole-CPU task on a stolen one.
   */
  private wholeFirst(n: number): void {
    const chosen = this.chosen;
    const keys = this.chosenKeys;
    const capped = this.cappedScratch;
    const cappedKeys = this.cappedKeysScratch;
    let w = 0;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const t = chosen[i]!;
      if (wholeCpu(t)) {
        chosen[w] = t;
        keys[w++] = keys[i]!;
      } else {
        capped[m] = t;
        cappedKeys[m++] = keys[i]!;
      }
    }
    for (let i = 0; i < m; i++) {
      chosen[w] = capped[i]!;
      keys[w++] = cappedKeys[i]!;
    }
  }

  private fillWaiting(): void {
    const idle = this.cpus - this.busy;
    if (idle === 0 || this.root.nrRunnable === 0) return;
    this.ensureRates();
    if (this.restricted) {
      // Each idle CPU in CPU order takes what `pick` would: the earliest deadline allowed there
      // (ties: `precedes`). The waiting tasks and their deadlines (which assigning does
      // not change) are gathered once, so CPUs with nothing left to take cost nothing.
      const waiting = this.chosen;
      const keys = this.chosenKeys;
      let left = 0;
      for (const task of this.order) {
        if (!this.waiting(task)) continue;
        waiting[left] = task;
        keys[left++] = this.deadline(task);
      }
      const n = left;
      this.spend(this.order.length + this.cpus);
      for (let k = 0; k < this.pickable && left > 0; k++) {
        const c = this.cpuOrder[k]!;
        if (this.cur[c] !== null) continue;
        this.spend(n);
        let best = -1;
        for (let i = 0; i < n; i++) {
          const task = waiting[i]!;
          if (task.cpu >= 0 || !task.group.allowed[c]) continue;
          if (best < 0 || this.precedes(task, keys[i]!, waiting[best]!, keys[best]!)) best = i;
        }
        if (best >= 0) {
          this.assign(c, waiting[best]!);
          left--;
        }
      }
      if (left > 0) this.activeBalance(waiting, keys, n);
      return;
    }
    // No cpusets: the `idle` earliest deadlines, kept sorted in a small array (ties: `precedes`).
    const chosen = this.chosen;
    const keys = this.chosenKeys;
    let n = 0;
    let shifts = 0;
    for (const task of this.order) {
      if (!this.waiting(task)) continue;
      const key = this.deadline(task);
      if (n === idle && !this.precedes(task, key, chosen[n - 1]!, keys[n - 1]!)) continue;
      let i = n < idle ? n++ : n - 1;
      for (; i > 0 && this.precedes(task, key, chosen[i - 1]!, keys[i - 1]!); i--) {
        chosen[i] = chosen[i - 1]!;
        keys[i] = keys[i - 1]!;
      }
      shifts += n - i;
      chosen[i] = task;
      keys[i] = key;
    }
    this.spend(this.order.length + shifts + this.cpus);
    if (n > 1) this.wholeFirst(n);
    let k = 0;
    for (let i = 0; i < this.pickable && k < n; i++) {
      const c = this.cpuOrder[i]!;
      if (this.cur[c] === null) this.assign(c, chosen[k++]!);
    }
  }

  /**
   * Wake-up preemption: on the allowed CPU running the least-lag task, if the woken task leads it
   * enough. Not while an allowed CPU is idle (it could not pick only because its capacity is 0): the
   * woken task goes there, as Linux's wake-up path picks an idle CPU first, and a guest kicks its
   * halted vCPU rather than preempt a running task.
   */
  private checkPreempt(task: SchedTask): void {
    this.spend(this.cpus);
    for (let c = 0; c < this.cpus; c++) if (task.group.allowed[c] && this.cur[c] === null) return;
    let victim = -1;
    for (let c = 0; c < this.cpus; c++) {
      if (!task.group.allowed[c] || this.cur[c] === null || this.capacity[c] === 0) continue;
      this.charge(c);
      const running = this.cur[c];
      if (running === null || running === undefined) {
        // Charging ended its slice (work done or throttled): the CPU is free.
        this.fillIdle();
        return;
      }
      if (victim < 0 || running.lag < this.cur[victim]!.lag) victim = c;
    }
    if (victim >= 0 && task.lag - this.cur[victim]!.lag > this.wakeupGranularity) {
      this.unassign(victim);
      const next = this.pick(victim);
      if (next !== null) this.assign(victim, next);
    }
  }

  // ---- hooks ------------------------------------------------------------------------------------

  protected beforeChange(): void {
    this.accrue();
  }

  protected afterChange(): void {
    if (this.order.length !== this.tasks.size) this.rebuildOrder();
    this.fillIdle();
  }

  /** `order` = the tasks in insertion order. */
  private rebuildOrder(): void {
    this.spend(this.tasks.size);
    this.order = [...this.tasks.values()];
  }

  protected onGroupAdded(g: SchedGroup): void {
    g.frozen = g.parent!.frozen;
    this.restricted ||= g.allowedCount < this.cpus;
  }

  protected onLimitsChanging(): void {
    this.spend(this.cpus);
    for (let c = 0; c < this.cpus; c++) this.charge(c);
  }

  protected onLimitsChanged(g: SchedGroup, bandwidthChanged: boolean): void {
    if (bandwidthChanged && g.throttled && (g.quota === null || g.remaining > 0)) this.unthrottle(g);
    this.spend(this.cpus);
    for (let c = 0; c < this.cpus; c++) {
      const t = this.cur[c];
      if (t !== null && t !== undefined && !t.group.allowed[c]) this.unassign(c);
    }
    // A group restricted now makes the tree restricted; one that is not cannot narrow any other
    // group's CPUs, so only a tree restricted before needs the O(groups) look to see if it still is
    // (a scan on every change made 10,000 containers' limits quadratic).
    if (g.allowedCount < this.cpus) this.restricted = true;
    else if (this.restricted) this.restricted = this.listGroupNodes().some((x) => x.allowedCount < this.cpus);
    this.ratesDirty = true;
  }

  protected onTaskAttached(task: SchedTask): void {
    task.lag = 0;
    if (task.demand < 1) this.cappedCount++;
    if (task.demand < 1 && task.budget === Infinity) {
      // A new task with a demand cap starts with one tick's worth.
      task.budget = task.demand * this.tick;
      task.budgetAt = this.nowUsec;
    }
    if (this.order.length === this.tasks.size) return;
    // One task short: `addTask` just appended this one to `tasks` (every other change rebuilds
    // `order` at once), so appending it keeps insertion order without copying every task.
    if (this.order.length === this.tasks.size - 1) this.order.push(task);
    else this.rebuildOrder();
  }

  protected onNiceChanging(task: SchedTask): void {
    if (task.cpu >= 0) this.charge(task.cpu);
    this.ratesDirty = true;
  }

  protected onWake(task: SchedTask): void {
    this.setRunnable(task);
    this.fillIdle();
    if (task.runnable && task.cpu < 0 && this.unthrottled(task)) this.checkPreempt(task);
  }

  private unthrottled(task: SchedTask): boolean {
    return task.group.frozen === 0;
  }

  protected onBlock(task: SchedTask): void {
    if (task.cpu >= 0) {
      this.charge(task.cpu);
      if (task.cpu >= 0) this.unassign(task.cpu);
    }
    if (task.runnable) this.setBlocked(task);
  }

  protected pendingUsage(task: SchedTask): number {
    if (task.cpu < 0) return 0;
    return Math.min(task.work, (this.nowUsec - this.last[task.cpu]!) * this.capacity[task.cpu]!);
  }

  protected currentRate(task: SchedTask): number {
    return task.cpu >= 0 ? this.capacity[task.cpu]! : 0;
  }

  protected waitOf(task: SchedTask): number {
    return task.waitUsec + (task.waitSince >= 0 ? this.nowUsec - task.waitSince : 0);
  }

  protected onCpuCapacityChanging(cpu: number): void {
    // The slice so far ran at the old capacity (and, at 0 holding a task, was stolen).
    this.charge(cpu);
    this.updateSteal(cpu);
    const on = this.cur[cpu];
    if (on !== null && on !== undefined) this.noteRate(on);
  }

  protected onCpuCapacityChanged(): void {
    // Every CPU's steal average at the same instant, so that they compare.
    this.spend(this.cpus);
    for (let c = 0; c < this.cpus; c++) this.updateSteal(c);
    this.cpuOrder = this.sortCpus();
    this.pickable = this.capacity.filter((x) => x > 0).length;
    this.ratesDirty = true;
    this.refreshBacklog();
    this.refillAfterCapacityChange();
    this.swapStuck();
    this.runPendingTicks();
  }

  /** A CPU back at capacity with a tick pending runs it: the reduced-capacity balance (see `tickPending`). */
  private runPendingTicks(): void {
    let due = false;
    for (let c = 0; c < this.cpus; c++) {
      if (!this.tickPending[c] || this.capacity[c] === 0) continue;
      this.tickPending[c] = false;
      due = true;
    }
    if (!due || this.busy === 0) return;
    if (this.awakeRunnable() <= 1) return;
    this.balanceReducedCapacity();
  }

  /**
   * After a capacity change, a whole-CPU task (uncapped, or capped and backlogged) left on a CPU at
   * capacity 0 takes the CPU of the running task with the latest deadline if its own deadline comes
   * first; that task waits on the descheduled CPU in its place. A guest runs its most-owed tasks on
   * the vCPUs that run, as a tick would pick them; waiting for the tick instead, the task on the vCPU
   * its host takes next lost a whole tick each time, and when host slices and guest ticks keep step
   * (the tick placing the most-owed task on the least stolen vCPU, which a fair host deschedules
   * next) the same task lost every time: a guest's two busy tasks got 1.0 and 0.67 instead of 0.84
   * each. Capped tasks do not (their short requests would push whole tasks off at every switch).
   * O(CPUs) per change, and O(CPUs) more per such task.
   */
  private swapStuck(): void {
    if (this.pickable === this.cpus || this.root.nrRunnable === 0) return;
    this.spend(this.cpus);
    let charged = false;
    for (let c = 0; c < this.cpus; c++) {
      const stuck = this.cur[c];
      if (stuck === null || stuck === undefined || this.capacity[c] !== 0) continue;
      if (!wholeCpu(stuck)) continue;
      if (!charged) {
        // Every CPU up to now (the running tasks' lags, so that their deadlines compare with the stuck
        // one's), once: the swaps below then move no time.
        charged = true;
        for (let d = 0; d < this.cpus; d++) this.charge(d);
        if (this.cur[c] !== stuck) continue;
      }
      this.ensureRates();
      this.spend(this.cpus);
      let victim = -1;
      let vKey = -Infinity;
      for (let d = 0; d < this.cpus; d++) {
        const r = this.cur[d];
        if (r === null || r === undefined || !(this.capacity[d]! > 0) || !stuck.group.allowed[d] || !r.group.allowed[c]) continue;
        const k = this.deadline(r);
        if (victim < 0 || k > vKey) {
          victim = d;
          vKey = k;
        }
      }
      if (victim < 0) continue;
      const r = this.cur[victim]!;
      if (!this.precedes(stuck, this.deadline(stuck), r, vKey)) continue;
      this.unassign(c);
      this.unassign(victim);
      this.assign(victim, stuck);
      this.assign(c, r);
    }
  }

  /**
   * After a capacity change, each idle CPU that can run (largest first) takes the earliest deadline
   * among the waiting tasks and the tasks on CPUs slower than it (one stuck on a descheduled CPU
   * included), a task that uses a whole CPU (uncapped, or capped and backlogged) before a capped one
   * (as when idle CPUs pick together: Linux's balancing moves the task that does not fit its CPU to
   * the bigger one first, misfit before spreading), at once rather than at the next tick: a vCPU
   * scheduled back in runs its guest's idle loop, which picks. Nested under a host whose slices end
   * on the guest's ticks, the guest would otherwise run each slice on the CPUs of the slice before
   * (and keep the most-owed task on the CPU just descheduled). O(CPUs × tasks) per change; capacities change once per host slice.
   */
  private refillAfterCapacityChange(): void {
    // (`busy` counts tasks stuck on CPUs at capacity 0, so look for an idle CPU that can run.)
    let idle = false;
    for (let i = 0; i < this.pickable && !idle; i++) idle = this.cur[this.cpuOrder[i]!] === null || this.cur[this.cpuOrder[i]!] === undefined;
    if (this.root.nrRunnable === 0 || !idle) return;
    this.ensureRates();
    this.spend(this.cpus + this.order.length);
    const order = this.cpuOrder;
    for (let i = 0; i < this.pickable; i++) {
      const c = order[i]!;
      const here = this.cur[c];
      if (here !== null && here !== undefined) continue;
      this.spend(this.order.length);
      let best: SchedTask | null = null;
      let bestKey = Infinity;
      let bestWhole = false;
      for (const task of this.order) {
        if (!task.group.allowed[c]) continue;
        if (!this.waiting(task) && !(task.cpu >= 0 && this.capacity[task.cpu]! < this.capacity[c]!)) continue;
        const whole = wholeCpu(task);
        if (bestWhole && !whole) continue;
        const key = this.deadline(task);
        if ((best === null ? key < bestKey : this.precedes(task, key, best, bestKey)) || (whole && !bestWhole && key < Infinity)) {
          best = task;
          bestKey = key;
          bestWhole = whole;
        }
      }
      if (best === null) continue;
      if (best.cpu >= 0) {
        const from = best.cpu;
        this.charge(from);
        if (this.cur[from] !== best) continue; // charging ended its slice
        this.unassign(from);
      }
      this.assign(c, best);
    }
    this.fillIdle();
  }

  protected onDemandChanging(task: SchedTask): void {
    if (task.cpu >= 0) this.charge(task.cpu);
  }

  protected onDemandChanged(task: SchedTask, old: number): void {
    this.ratesDirty = true;
    if (task.demand >= 1) {
      task.budget = Infinity;
      task.backlogged = false;
      if (task.halted) this.resume(task);
      return;
    }
    if (old >= 1) {
      this.cappedCount++;
      task.budget = task.demand * this.tick; // one tick's worth at the new demand
      task.budgetAt = this.nowUsec;
    } else if (task.cpu < 0) {
      // (a running task was charged at the old demand just before)
      task.budgetAt = this.nowUsec;
      task.budget = Math.min(task.budget, this.bucketSize(task));
    } else task.budget = Math.min(task.budget, this.bucketSize(task));
    if (!task.runnable) return;
    if (task.halted) {
      // Re-arm at the new refill rate.
      this.haltedTasks.delete(task);
      task.halted = false;
      this.halt(task);
    } else if (task.budget < WORK_EPS) this.halt(task);
  }

  cpuOccupancy(): CpuOccupancy {
    this.spend(this.cpus + this.order.length);
    let waiting = 0;
    for (const task of this.order) if (this.waiting(task)) waiting++;
    return { running: this.cur.map((t) => t !== null && t !== undefined), waiting };
  }

  protected groupStatsOf(g: SchedGroup): GroupCpuStats {
    let pending = 0;
    let rate = 0;
    this.spend(this.cpus);
    for (let c = 0; c < this.cpus; c++) {
      const t = this.cur[c];
      if (t !== null && t !== undefined && this.isUnder(t, g)) {
        pending += Math.min(t.work, (this.nowUsec - this.last[c]!) * this.capacity[c]!);
        rate += this.capacity[c]!;
      }
    }
    return {
      path: g.path,
      cpuUsec: Math.round(g.usage + pending),
      nrPeriods: g.nrPeriods,
      nrThrottled: g.nrThrottled,
      // The kernel adds a throttle to `throttled_time` when it ends (unthrottle_cfs_rq), so a
      // throttle still in progress is not in the counter yet (`throttled` shows it).
      throttledUsec: g.throttledUsec,
      throttled: g.throttled,
      rate,
    };
  }
}

/** A task that uses a whole CPU while it runs: uncapped, or capped and backlogged (owed more than its cap lets it take in a tick). */
function wholeCpu(task: SchedTask): boolean {
  return task.budget === Infinity || task.backlogged;
}
