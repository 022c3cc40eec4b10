// The group tree both fidelities share: groups (cgroups) and tasks, command validation and the
// bookkeeping that does not depend on the model. Models override the `on*` hooks.
import { CGROUP_CPU_LIMITS, ConflictError, InvalidTransitionError, MAX_SCHED_DEPTH, NotFoundError, shownValue, ValidationError, micros, type Micros, NO_EVENTS } from '@strata/shared-types';
import { niceToWeight } from '../nice-weights.js';

/** A group's name: a cgroup directory name (NAME_MAX 255, as the kernel model's cgroup tree allows; Docker's are 64 hex digits). */
const GROUP_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;
import { clampShares, weightToShares } from './cpu-weight.js';
import { HeapSlot, IndexedMinHeap } from './indexed-heap.js';
import type {
  AddTaskOptions,
  CpuOccupancy,
  GroupCpuLimits,
  GroupCpuStats,
  GroupFidelity,
  GroupScheduler,
  GroupSchedulerEvent,
  GroupSchedulerOptions,
  GroupStepWatcher,
  TaskCpuStats,
  TaskRateChanges,
  TaskRef,
  WorkDoneHandler,
} from './group-scheduler.js';

const L = CGROUP_CPU_LIMITS;

/** The largest CPU count a group scheduler accepts. */
export const MAX_GROUP_CPUS = 1024;

/** A task: a schedulable entity in its group's run queue. Fields are model state. */
export class SchedTask {
  readonly kind = 'task';
  runnable = false;
  /** CPU µs left before the task blocks by itself (Infinity: never). */
  work = Infinity;
  /** CPU µs consumed (fluid: a float). */
  usage = 0;
  /** CPU time owed by the GPS reference minus CPU time received, µs (exact). */
  lag = 0;
  /** CPU it runs on (exact), -1 when not running. */
  cpu = -1;
  /** Fair rate in CPUs: fluid its rate, exact its reference rate for lag. */
  rate = 0;
  /** When its work runs out at the current rate (fluid), else Infinity. */
  doneAt = Infinity;
  /** Cap and rate from the last `computeGroupRates`. */
  scratchRate = 0;
  scratchCap = 0;
  // fluid model (incremental): see fluid-split.ts
  /** Creation order: tasks done at the same instant are reported in it. */
  seq = -1;
  /** Runs at its cap (1 CPU) in its group's split, instead of weight × the group's level. */
  capped = false;
  /** The group's virtual clock (uncapped) or the time (capped) up to which usage is accounted. */
  mark = 0;
  /** Where its work runs out on the group's virtual clock (uncapped, finite work), else Infinity. */
  finishV = Infinity;
  /** Its entry in the group's finish queue (uncapped) or the model's timer queue (capped). */
  readonly slot: HeapSlot<SchedTask> = new HeapSlot<SchedTask>(this);
  /** When it joined its group's `children` (increasing along `children`: the split's tie-break order). */
  attachSeq = 0;
  /** Fluid: its index in its group's `runList`, -1 when not in it. */
  runPos = -1;
  /** The scheduler it belongs to; null once removed (a stale `TaskRef` is then refused). */
  sched: object | null = null;
  /** Called when its work runs out, instead of a `task.work_done` event. */
  onWorkDone: WorkDoneHandler<never> | undefined = undefined;
  /** Handed back to `onWorkDone`. */
  tag: unknown = undefined;
  /** Demand cap: the most of a CPU it asks for, 0 < demand ≤ 1 (`setTaskDemand`). */
  demand = 1;
  /** Fluid: its cap in its group's split while runnable, `effectiveCap(task)` when it was last computed. */
  capRate = 1;
  /** Time runnable but not running, µs, accumulated up to the last segment (see `TaskCpuStats.waitUsec`). */
  waitUsec = 0;
  /** Exact: when it started waiting (runnable, not on a CPU, not halted), -1 when not waiting. */
  waitSince = -1;
  /**
   * Fluid wait, per regime (a demand and a best capacity, `waitDemand` and `waitBest`): since the
   * regime began, `waitRun` µs runnable (plus now − `waitStart` while runnable) and usage beyond
   * `waitUsage`; `waitWant` = min(demand, best) / best and `waitScale` = 1 / best (0 when best is 0).
   */
  waitStart = 0;
  waitRun = 0;
  waitUsage = 0;
  waitWant = 0;
  waitScale = 0;
  waitDemand = -1;
  waitBest = -1;
  /** Exact, demand < 1: its bucket (CPU µs, at most demand × tick) at `budgetAt`; Infinity without a cap. */
  budget = Infinity;
  budgetAt = 0;
  /** Exact: runnable but halted, its bucket empty (neither waiting nor running) until `resumeAt`. */
  halted = false;
  resumeAt = Infinity;
  /**
   * Exact, demand < 1: its bucket holds more than one burst (demand × tick), work it could not run
   * while its CPUs were off or busy: its lag reference treats it as uncapped until that is done.
   */
  backlogged = false;
  /** Fluid: its rate under CPU affinity when the tree's rates are not servable CPU by CPU (`affinity-rates.ts`), else Infinity. */
  affinityCap = Infinity;
  /** Fluid: its rate averaged over the on/off phases of binding quotas beside it, when below its steady rate (`quota-phases.ts`), else Infinity. */
  phaseCap = Infinity;
  /** Fluid: its rate as the last `takeRateChanges` saw it (a task is listed when its rate differs). */
  reportedRate = 0;
  /** Fluid: its index in the model's list of runnable tasks, -1 when not runnable. */
  runnablePos = -1;
  /** Fluid: listed among the candidates of the next `takeRateChanges`. */
  rateNoted = false;

  constructor(
    readonly id: string,
    public group: SchedGroup,
    public nice: number,
    public weight: number,
  ) {}
}

/** A group (cgroup): an entity in its parent's run queue and a run queue for its children. */
export class SchedGroup {
  readonly kind = 'group';
  /** Entities of this group's run queue (tasks and child groups), in insertion order (the tie-break). */
  readonly children: (SchedGroup | SchedTask)[] = [];
  readonly childGroups = new Map<string, SchedGroup>();
  /** Levels below the root (the root 0): the length of every walk up from here. */
  readonly depth: number;
  /** When it joined its parent's `children` (increasing along `children`). */
  attachSeq = 0;
  /** Fluid: its index in its parent's `runList`, -1 when not in it. */
  runPos = -1;
  /**
   * Fluid: its runnable children (cap > 0), kept as they come and go (in no order; a split that
   * looks at them all puts them in `children` order first), so that it does not walk idle ones.
   */
  readonly runList: (SchedGroup | SchedTask)[] = [];
  /** The child group added last (the last of `childGroups`), or null. */
  newestChild: SchedGroup | null = null;
  shares: number | undefined = undefined;
  weight: number | undefined = undefined;
  /** Load weight on the nice scale (1024 = a nice-0 task): clamped shares, or weight × 1024 / 100. */
  loadWeight: number = L.sharesDefault;
  quota: number | null = null;
  period: number = L.periodDefaultUsec;
  /** Periods end at anchor + k × period (the quota was set at `anchor`). */
  anchor = 0;
  ownCpus: readonly number[] | null = null;
  /** Effective cpuset: allowed[c] for every CPU. */
  allowed: readonly boolean[] = [];
  allowedCount = 0;
  /** Sum of the capacities of its allowed CPUs (what the subtree can use at most), and the largest one. */
  allowedCapacity = 0;
  maxCapacity = 0;
  /** `capacityPrefix[k]`: the total capacity of its k best allowed CPUs (k = 0..allowedCount). */
  capacityPrefix: Float64Array = new Float64Array(1);
  usage = 0;
  nrPeriods = 0;
  nrThrottled = 0;
  throttledUsec = 0;
  /** Runnable tasks in the subtree, throttled or not. */
  rawRunnable = 0;
  /**
   * Runtime was requested (a task of the subtree was runnable) since the last period timer expiry:
   * the inverse of the kernel's `cfs_b->idle`. Starts true, as a new task group's `idle` starts clear.
   */
  requestedInPeriod = true;
  /**
   * The period timer runs (`cfs_b->period_active`): from when a quota is set until an expiry that
   * ends a period with nothing requested, again from the next request (on the same period grid).
   */
  timerActive = false;
  // exact model
  /** Runnable tasks in the subtree that are not under a throttled group below this one. */
  nrRunnable = 0;
  remaining = 0;
  throttled = false;
  /** Throttled groups among this group and its ancestors (its tasks can run only at 0). */
  frozen = 0;
  throttling = false;
  throttledAt = 0;
  /** CPUs the group occupied when throttled: the factor of its throttled time. */
  throttleWidth = 0;
  nextRefresh = Infinity;
  // fluid model
  rate = 0;
  /** Cap and rate from the last `computeGroupRates` (both models). */
  scratchRate = 0;
  scratchCap = 0;
  binding = false;
  /** Fluid: its rate without its quota as its on/off phases found it, when its tasks carry their phase split as caps (`quota-phases.ts`), else 0. */
  phaseUnthrottled = 0;
  /** Fraction of time throttled (per occupied CPU) while the quota binds: 1 − quota rate / unthrottled rate. */
  throttleFraction = 0;
  /** Throttled time estimated for the current period, µs: added to `throttledUsec` when the period ends. */
  pendingThrottledUsec = 0;
  // fluid model (incremental): see fluid-split.ts
  /** CPUs it may use: 0 with nothing runnable below, else min(limits, `capSum`). */
  cap = 0;
  /** Sums over its runnable children (cap > 0): caps, weights, count; and how many of them are capped. */
  capSum = 0;
  weightSum = 0;
  runnableKids = 0;
  cappedKids = 0;
  /** Runs at its cap in its parent's split (else weight × the parent's level). */
  capped = false;
  /** CPU per unit of weight its uncapped children get (the water level). */
  level = 0;
  /** Virtual clock: level integrated over time; `vclock` at `vTime`. */
  vclock = 0;
  vTime = 0;
  /** A lower bound on cap / weight over its uncapped runnable children: below it no cap binds. */
  minRatio = Infinity;
  /** Its children changed since its split was last computed. */
  splitDirty = false;
  /** Children that woke or whose cap moved since its last split (for the all-capped shortcut; may repeat). */
  readonly changedKids: (SchedTask | SchedGroup)[] = [];
  /** Uncapped runnable tasks with finite work, by `finishV`. */
  readonly finishQueue = new IndexedMinHeap<SchedTask>();
  /** Its entry in the model's timer queue: when its first task finishes. */
  readonly slot: HeapSlot<SchedGroup> = new HeapSlot<SchedGroup>(this);
  /** Time and clock its timer was computed at (task finish times are computed from them). */
  timerAt = 0;
  timerV = 0;
  /** Bandwidth counters are accounted up to this time. */
  periodsAt = 0;
  /** Queued for a check of its quota's binding state (`fluid-bandwidth.ts`). */
  recheckQueued = false;
  /** Fluid: the pass that last collected it (a walk up from every runnable task visits each group once). */
  visit = 0;

  constructor(
    readonly path: string,
    readonly name: string,
    readonly parent: SchedGroup | null,
  ) {
    this.depth = parent === null ? 0 : parent.depth + 1;
  }

  /** Quota as a rate in CPUs, Infinity when unlimited. */
  quotaRate(): number {
    return this.quota === null ? Infinity : this.quota / this.period;
  }
}

/** Either kind of entity. */
export type GroupEntity = SchedGroup | SchedTask;

/**
 * The most CPU `runnable` tasks of group `g` can use together: the capacity of its `runnable` best
 * CPUs (each task runs on one CPU at a time), all of its cpuset's capacity once they are as many.
 */
export function capacityFor(g: SchedGroup, runnable: number): number {
  return runnable >= g.allowedCount ? g.allowedCapacity : g.capacityPrefix[runnable]!;
}

/**
 * The most CPU a runnable task can use, in CPUs: its demand, and at most the capacity of the best
 * CPU it may run on (a task runs on one CPU at a time). When every allowed CPU has capacity 0 the
 * group's own capacity (0) stops it, so its demand is kept (a cap of 0 would take it out of the split).
 */
export function effectiveCap(task: SchedTask): number {
  const best = task.group.maxCapacity;
  return best > 0 && best < task.demand ? best : task.demand;
}

/** Settings after validation, ready to apply. */
interface ResolvedLimits {
  readonly shares: number | undefined;
  readonly weight: number | undefined;
  readonly loadWeight: number;
  readonly quota: number | null;
  readonly period: number;
  readonly cpus: readonly number[] | null;
  readonly bandwidthChanged: boolean;
}

function invalid(path: string, message: string, value: unknown, accepted: string): ValidationError {
  return new ValidationError(`invalid ${path} ${shownValue(value)}: ${message}`, { path, value, accepted });
}

function checkCapacity(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw invalid(path, 'expected a capacity from 0 to 1 (the fraction of a full CPU it delivers)', value, 'number 0..1');
  }
  return value;
}

function checkDemand(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 1) {
    throw invalid(path, 'expected a demand above 0 and at most 1 (the most of one CPU the task asks for)', value, 'number in (0, 1]');
  }
  return value;
}

function checkInt(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(path, `expected a whole number from ${min} to ${max}`, value, `integer ${min}..${max}`);
  }
  return value;
}

/** Common tree, validation and bookkeeping of both models. */
export abstract class GroupTreeBase implements GroupScheduler {
  abstract readonly fidelity: GroupFidelity;
  readonly cpus: number;
  readonly tick: number;
  /** Fluid: binding quotas' on phases are computed with every CPU at capacity 1 (`quotaPhaseCapacity: 'full'`). */
  protected readonly quotaPhaseFull: boolean;
  protected nowUsec: number;
  protected readonly root: SchedGroup;
  protected readonly groups = new Map<string, SchedGroup>();
  protected readonly tasks = new Map<string, SchedTask>();
  /** Groups with a quota, in tree order (the order refreshes run in). */
  protected quotaGroups: SchedGroup[] = [];
  /** Capacity of each CPU, 0..1: CPU µs of work it delivers per µs. */
  protected readonly capacity: number[];
  /** `setCapacityOf`'s sorted capacities (reused). */
  private readonly capacityScratch: Float64Array;
  /** Some CPUs differ in capacity: how many tasks run then bounds what they can use (`capacityFor`). */
  protected unequalCapacities = false;
  /** Facts not yet returned by `advanceTo` (a command may throttle a group, too). */
  private events: GroupSchedulerEvent[] = [];
  /** Stamps `attachSeq`: every push onto a `children` list takes the next. */
  private attachCount = 0;
  /** Tasks whose work ran out this instant and that have an `onWorkDone` handler, in report order. */
  private doneHandlers: SchedTask[] = [];
  /** `takeRateChanges` was called: rate changes are recorded from then on. */
  protected rateTracking = false;
  /** Since the last `takeRateChanges`, every rate may have moved. */
  protected rateAll = false;
  /** Since the last `takeRateChanges`, the tasks whose rate may have moved. */
  protected readonly rateChanged = new Set<SchedTask>();
  /** Steps taken so far (see `GroupScheduler.steps`), and when to call the watcher next. */
  private stepCount = 0;
  private stepThreshold: number;
  private readonly watchSteps: GroupStepWatcher | undefined;

  constructor(opts: GroupSchedulerOptions) {
    if (typeof opts !== 'object' || opts === null) throw invalid('options', 'expected an object', opts, '{ cpus, fidelity?, tick?, start? }');
    this.cpus = checkInt(opts.cpus, 'cpus', 1, MAX_GROUP_CPUS);
    this.tick = checkInt(opts.tick ?? 4_000, 'tick', 100, 100_000);
    this.nowUsec = checkInt(opts.start ?? 0, 'start', 0, Number.MAX_SAFE_INTEGER);
    if (opts.watchSteps !== undefined && typeof opts.watchSteps !== 'function') {
      throw invalid('watchSteps', 'expected a function', opts.watchSteps, '(steps) => next threshold');
    }
    this.watchSteps = opts.watchSteps;
    this.stepThreshold = this.watchSteps === undefined ? Infinity : 1;
    this.root = new SchedGroup('/', '', null);
    this.root.allowed = new Array<boolean>(this.cpus).fill(true);
    this.root.allowedCount = this.cpus;
    this.capacity = new Array<number>(this.cpus).fill(1);
    this.capacityScratch = new Float64Array(this.cpus);
    if (opts.cpuCapacity !== undefined) {
      if (!Array.isArray(opts.cpuCapacity) || opts.cpuCapacity.length !== this.cpus) {
        throw invalid('cpuCapacity', `expected an array of ${this.cpus} capacities (one per CPU) from 0 to 1`, opts.cpuCapacity, `${this.cpus} numbers 0..1`);
      }
      opts.cpuCapacity.forEach((c, i) => (this.capacity[i] = checkCapacity(c, `cpuCapacity[${i}]`)));
    }
    const phase = opts.quotaPhaseCapacity ?? 'current';
    if (phase !== 'current' && phase !== 'full') throw invalid('quotaPhaseCapacity', 'expected "current" or "full"', phase, '"current" | "full"');
    this.quotaPhaseFull = phase === 'full';
    this.setCapacityOf(this.root);
    this.groups.set('/', this.root);
  }

  /** `g.allowedCapacity` and `g.maxCapacity` from its cpuset (shared with the parent's when it has none). */
  private setCapacityOf(g: SchedGroup): void {
    const parent = g.parent;
    if (parent !== null && g.allowed === parent.allowed) {
      g.allowedCapacity = parent.allowedCapacity;
      g.maxCapacity = parent.maxCapacity;
      g.capacityPrefix = parent.capacityPrefix;
      return;
    }
    // Not counted: it follows recomputeMasks' own scan of the CPUs (or a capacity change's walk).
    let sum = 0;
    let max = 0;
    for (let c = 0; c < this.cpus; c++) {
      if (!g.allowed[c]) continue;
      const x = this.capacity[c]!;
      sum += x;
      if (x > max) max = x;
    }
    g.allowedCapacity = sum;
    g.maxCapacity = max;
    // The allowed capacities, largest first (an insertion sort: a few CPUs, and no array per call:
    // a guest's CPU capacities change at every wake-up of its first task).
    const caps = this.capacityScratch;
    let n = 0;
    for (let c = 0; c < this.cpus; c++) {
      if (!g.allowed[c]) continue;
      const x = this.capacity[c]!;
      let j = n - 1;
      for (; j >= 0 && caps[j]! < x; j--) caps[j + 1] = caps[j]!;
      caps[j + 1] = x;
      n++;
    }
    // Refilled in place when it has the size (the groups that share it see the new values; every
    // one of them is updated by the same walk). Same additions, in the same order, as before.
    let prefix = g.capacityPrefix;
    if (prefix.length !== n + 1 || (parent !== null && prefix === parent.capacityPrefix)) prefix = new Float64Array(n + 1);
    prefix[0] = 0;
    for (let k = 0; k < n; k++) prefix[k + 1] = prefix[k]! + caps[k]!;
    g.capacityPrefix = prefix;
    if (parent === null) {
      let unequal = false;
      for (let k = 1; k < n && !unequal; k++) unequal = caps[k] !== caps[0];
      this.unequalCapacities = unequal;
    }
  }

  /** Every group's capacities again, parents first (after a CPU's capacity changed). */
  private recomputeCapacities(g: SchedGroup): void {
    this.spend(g.ownCpus === null ? 1 : this.cpus);
    this.setCapacityOf(g);
    for (const child of g.childGroups.values()) this.recomputeCapacities(child);
  }

  now(): Micros {
    return micros(this.nowUsec);
  }

  steps(): number {
    return this.stepCount;
  }

  /** Count `n` steps of work (a scan over `n` CPUs, tasks or groups) and let the watcher see them. */
  protected spend(n: number): void {
    this.stepCount += n;
    if (this.stepCount >= this.stepThreshold) this.stepThreshold = this.watchSteps!(this.stepCount);
  }

  // ---- lookups -------------------------------------------------------------------------------

  protected group(path: string): SchedGroup {
    const g = typeof path === 'string' ? this.groups.get(path) : undefined;
    if (g === undefined) throw new NotFoundError('group', String(path), { accepted: 'an existing group path such as "/" or "/A/B"' });
    return g;
  }

  protected task(id: string): SchedTask {
    const t = typeof id === 'string' ? this.tasks.get(id) : undefined;
    if (t === undefined) throw new NotFoundError('task', String(id));
    return t;
  }

  /** The task behind a handle; NotFoundError when it is not a live task of this scheduler. */
  protected taskOf(ref: TaskRef): SchedTask {
    const t = ref as unknown as SchedTask | null;
    if (typeof t !== 'object' || t === null || t.sched !== this) throw new NotFoundError('task', t instanceof SchedTask ? t.id : typeof ref);
    return t;
  }

  /** True when `entity` is `g` or lies in its subtree (a walk up from it, counted as steps). */
  protected isUnder(entity: GroupEntity, g: SchedGroup): boolean {
    const start = entity.kind === 'task' ? entity.group : entity;
    if (start.depth < g.depth) {
      this.spend(1);
      return false;
    }
    let x: SchedGroup = start;
    while (x.depth > g.depth) x = x.parent!;
    this.spend(start.depth - g.depth + 1);
    return x === g;
  }

  // ---- validation ----------------------------------------------------------------------------

  private resolveLimits(g: SchedGroup | null, parent: SchedGroup, limits: GroupCpuLimits | undefined): ResolvedLimits {
    if (limits !== undefined && (typeof limits !== 'object' || limits === null)) {
      throw invalid('limits', 'expected an object', limits, '{ shares?, weight?, quota?, period?, cpus? }');
    }
    const lim = limits ?? {};
    for (const key of Object.keys(lim)) {
      if (!['shares', 'weight', 'quota', 'period', 'cpus'].includes(key)) {
        throw invalid(key, 'unknown CPU setting', key, 'shares, weight, quota, period, cpus');
      }
    }
    if (lim.shares !== undefined && lim.weight !== undefined) {
      throw new ValidationError('give either shares (cgroup v1) or weight (cgroup v2), not both', { path: 'weight', accepted: 'shares or weight' });
    }
    let shares = g?.shares;
    let weight = g?.weight;
    let loadWeight = g?.loadWeight ?? L.sharesDefault;
    if (lim.shares !== undefined) {
      shares = lim.shares;
      weight = undefined;
      loadWeight = clampShares(lim.shares);
    } else if (lim.weight !== undefined) {
      weight = lim.weight;
      shares = undefined;
      loadWeight = weightToShares(lim.weight);
    }
    const quota = lim.quota === undefined ? (g?.quota ?? null) : lim.quota;
    if (quota !== null && (typeof quota !== 'number' || !Number.isSafeInteger(quota) || quota < L.quotaMinUsec || quota > L.quotaMaxUsec)) {
      const expected =
        typeof quota === 'number' && quota > L.quotaMaxUsec
          ? `expected a whole number of microseconds of at most ${L.quotaMaxUsec} (2^44 - 1, the kernel's limit), or null for unlimited`
          : `expected a whole number of microseconds of at least ${L.quotaMinUsec}, or null for unlimited`;
      throw invalid('quota', expected, quota, `integer ${L.quotaMinUsec}..${L.quotaMaxUsec} or null`);
    }
    const period = lim.period === undefined ? (g?.period ?? L.periodDefaultUsec) : checkInt(lim.period, 'period', L.periodMinUsec, L.periodMaxUsec);
    let cpus = g?.ownCpus ?? null;
    if (lim.cpus !== undefined) {
      if (lim.cpus === null) cpus = null;
      else {
        if (!Array.isArray(lim.cpus) || lim.cpus.length === 0) throw invalid('cpus', 'expected a non-empty array of CPU indices or null', lim.cpus, `indices 0..${this.cpus - 1}`);
        for (const c of lim.cpus) checkInt(c, 'cpus', 0, this.cpus - 1);
        cpus = [...new Set(lim.cpus)].sort((a, b) => a - b);
        if (!cpus.some((c) => parent.allowed[c])) {
          throw invalid('cpus', "no CPU in common with the parent's CPUs", lim.cpus, "a set overlapping the parent's cpuset");
        }
      }
    }
    const bandwidthChanged = g === null || lim.quota !== undefined || lim.period !== undefined;
    return { shares, weight, loadWeight, quota, period, cpus, bandwidthChanged };
  }

  /** Apply validated settings (no model effects); recomputes effective cpusets of the subtree. */
  private applyLimits(g: SchedGroup, r: ResolvedLimits): void {
    g.shares = r.shares;
    g.weight = r.weight;
    g.loadWeight = r.loadWeight;
    const hadQuota = g.quota !== null;
    g.quota = r.quota;
    g.period = r.period;
    if (r.bandwidthChanged) {
      g.anchor = this.nowUsec;
      g.remaining = r.quota ?? 0;
      g.nextRefresh = r.quota === null ? Infinity : this.nowUsec + r.period;
      // tg_set_cfs_bandwidth starts the period timer; it leaves the idle flag as it was.
      g.timerActive = r.quota !== null;
      if (g.rawRunnable > 0) g.requestedInPeriod = true;
    }
    if (hadQuota !== (g.quota !== null)) {
      // A new leaf that comes last in tree order (as a spec's groups do, added depth-first) only
      // appends; anything else rebuilds the list in tree order.
      if (g.quota !== null && g.children.length === 0 && this.lastInTreeOrder(g)) this.quotaGroups.push(g);
      else this.quotaGroups = this.listGroupNodes().filter((x) => x.quota !== null);
    }
    g.ownCpus = r.cpus;
    this.recomputeMasks(g);
  }

  /** Whether `g` is the last group in tree order: the newest child group at every level above it. */
  private lastInTreeOrder(g: SchedGroup): boolean {
    this.spend(g.depth);
    for (let x = g; x.parent !== null; x = x.parent) if (x.parent.newestChild !== x) return false;
    return true;
  }

  private recomputeMasks(g: SchedGroup): void {
    this.spend(this.cpus);
    const parent = g.parent!;
    const own = g.ownCpus;
    // cgroup v2: effective = own ∩ parent's effective (never empty: validated to overlap). Masks are
    // never changed in place, so a group without its own cpuset shares its parent's: thousands of
    // groups on many CPUs then allocate nothing per limit change.
    if (own === null) {
      g.allowed = parent.allowed;
      g.allowedCount = parent.allowedCount;
    } else {
      g.allowed = parent.allowed.map((ok, c) => ok && own.includes(c));
      if (!g.allowed.some(Boolean)) g.allowed = parent.allowed;
      g.allowedCount = g.allowed.filter(Boolean).length;
    }
    this.setCapacityOf(g);
    for (const child of g.childGroups.values()) this.recomputeMasks(child);
  }

  private checkNice(nice: unknown): number {
    checkInt(nice, 'nice', -20, 19);
    return niceToWeight(nice as number);
  }

  private checkWork(work: unknown): number {
    if (work === undefined || work === Infinity) return Infinity;
    return checkInt(work, 'work', 1, Number.MAX_SAFE_INTEGER);
  }

  protected listGroupNodes(): SchedGroup[] {
    const out: SchedGroup[] = [];
    const walk = (g: SchedGroup): void => {
      out.push(g);
      for (const child of g.childGroups.values()) walk(child);
    };
    walk(this.root);
    this.spend(out.length);
    return out;
  }

  // ---- counters shared by both models --------------------------------------------------------

  /**
   * Count a task turning runnable (+1) or not (-1) in every ancestor's raw runnable count. Turning
   * runnable requests runtime from every capped ancestor, which restarts a stopped period timer.
   */
  protected countRaw(task: SchedTask, delta: 1 | -1): void {
    this.spend(task.group.depth + 1);
    for (let g: SchedGroup | null = task.group; g !== null; g = g.parent) {
      g.rawRunnable += delta;
      if (delta > 0) this.requestRuntime(g);
    }
  }

  /**
   * The group asks its pool for runtime (`__assign_cfs_rq_runtime`): it is not idle this period, and a
   * stopped timer restarts (`start_cfs_bandwidth`). The kernel restarts it with `hrtimer_forward_now`,
   * so the next expiry is the first boundary of the original grid (anchor + k × period) after now,
   * and the periods that passed while it was stopped are not counted.
   */
  private requestRuntime(g: SchedGroup): void {
    g.requestedInPeriod = true;
    if (g.quota === null || g.timerActive) return;
    g.timerActive = true;
    g.nextRefresh = g.anchor + (Math.floor((this.nowUsec - g.anchor) / g.period) + 1) * g.period;
  }

  // ---- commands --------------------------------------------------------------------------------

  addGroup(path: string, limits?: GroupCpuLimits): void {
    if (typeof path !== 'string' || !path.startsWith('/') || path === '/' || path.endsWith('/')) {
      throw invalid('path', 'expected an absolute group path such as "/A" or "/A/B"', path, '/name(/name)*');
    }
    if (this.groups.has(path)) throw new ConflictError(`group '${path}' already exists`, { path });
    const cut = path.lastIndexOf('/');
    const name = path.slice(cut + 1);
    if (!GROUP_NAME_PATTERN.test(name)) {
      throw invalid('path', `group name "${name}": expected 1-255 letters, digits, ".", "_" or "-" starting with a letter or digit`, path, GROUP_NAME_PATTERN.source);
    }
    const parent = this.group(cut === 0 ? '/' : path.slice(0, cut));
    if (parent.depth + 1 > MAX_SCHED_DEPTH) {
      throw invalid('path', `expected groups nested at most ${MAX_SCHED_DEPTH} deep, got depth ${parent.depth + 1}`, path, `at most ${MAX_SCHED_DEPTH} levels below "/"`);
    }
    const resolved = this.resolveLimits(null, parent, limits);
    this.beforeChange();
    const g = new SchedGroup(path, name, parent);
    g.attachSeq = this.attachCount++;
    parent.children.push(g);
    parent.childGroups.set(name, g);
    parent.newestChild = g;
    this.groups.set(path, g);
    this.applyLimits(g, resolved);
    this.onGroupAdded(g);
    this.afterChange();
  }

  setGroupLimits(path: string, limits: GroupCpuLimits): void {
    const g = this.group(path);
    if (g === this.root) throw invalid('path', 'the root group has no CPU settings', path, 'a group below "/"');
    const resolved = this.resolveLimits(g, g.parent!, limits);
    this.beforeChange();
    this.onLimitsChanging(g);
    this.applyLimits(g, resolved);
    this.onLimitsChanged(g, resolved.bandwidthChanged);
    this.afterChange();
  }

  removeGroup(path: string): void {
    const g = this.group(path);
    if (g === this.root) throw invalid('path', 'the root group cannot be removed', path, 'a group below "/"');
    if (g.children.length > 0) {
      throw new ConflictError(`group '${path}' is not empty: remove or move its ${g.children.length} tasks and child groups first`, { path });
    }
    this.beforeChange();
    const parent = g.parent!;
    parent.children.splice(parent.children.indexOf(g), 1);
    parent.childGroups.delete(g.name);
    if (parent.newestChild === g) {
      parent.newestChild = null;
      for (const child of parent.childGroups.values()) parent.newestChild = child;
    }
    this.groups.delete(path);
    if (g.quota !== null) this.quotaGroups = this.quotaGroups.filter((x) => x !== g);
    this.afterChange();
  }

  addTask<T = unknown>(id: string, group: string, opts: AddTaskOptions<T> = {}): void {
    if (typeof id !== 'string' || id === '') throw invalid('id', 'expected a non-empty string', id, 'a non-empty string');
    if (this.tasks.has(id)) throw new ConflictError(`task '${id}' already exists`, { id });
    const g = this.group(group);
    const weight = this.checkNice(opts.nice ?? 0);
    const runnable = opts.runnable ?? true;
    if (typeof runnable !== 'boolean') throw invalid('runnable', 'expected true or false', runnable, 'boolean');
    const work = this.checkWork(opts.work);
    if (!runnable && opts.work !== undefined) throw invalid('work', 'applies only to a runnable task (give it to wake)', opts.work, 'omit work');
    if (opts.onWorkDone !== undefined && typeof opts.onWorkDone !== 'function') throw invalid('onWorkDone', 'expected a function', opts.onWorkDone, '(task) => void');
    const demand = opts.demand === undefined ? 1 : checkDemand(opts.demand, 'demand');
    this.beforeChange();
    const task = new SchedTask(id, g, opts.nice ?? 0, weight);
    task.demand = demand;
    task.sched = this;
    task.onWorkDone = opts.onWorkDone;
    task.tag = opts.tag;
    task.attachSeq = this.attachCount++;
    g.children.push(task);
    this.tasks.set(id, task);
    this.onTaskAttached(task);
    if (runnable) {
      task.work = work;
      this.onWake(task);
    }
    this.afterChange();
  }

  removeTask(id: string): void {
    const task = this.task(id);
    this.beforeChange();
    if (task.runnable) this.onBlock(task);
    this.detach(task);
    this.tasks.delete(id);
    task.sched = null;
    this.afterChange();
  }

  moveTask(id: string, group: string): void {
    const task = this.task(id);
    const target = this.group(group);
    if (target === task.group) return;
    this.beforeChange();
    const wasRunnable = task.runnable;
    if (wasRunnable) this.onBlock(task);
    this.detach(task);
    task.group = target;
    task.attachSeq = this.attachCount++;
    target.children.push(task);
    this.onTaskAttached(task);
    if (wasRunnable) this.onWake(task);
    this.afterChange();
  }

  private detach(task: SchedTask): void {
    const siblings = task.group.children;
    siblings.splice(siblings.indexOf(task), 1);
  }

  setNice(id: string, nice: number): void {
    const task = this.task(id);
    const weight = this.checkNice(nice);
    this.beforeChange();
    this.onNiceChanging(task);
    task.nice = nice;
    task.weight = weight;
    this.afterChange();
  }

  /** `cpu` as a CPU index of this scheduler, or the ValidationError every per-CPU command gives. */
  protected checkCpu(cpu: unknown): number {
    return checkInt(cpu, 'cpu', 0, this.cpus - 1);
  }

  cpuCapacity(cpu: number): number {
    return this.capacity[this.checkCpu(cpu)]!;
  }

  setCpuCapacity(cpu: number, capacity: number): void {
    const c = this.checkCpu(cpu);
    const x = checkCapacity(capacity, 'capacity');
    if (this.capacity[c] === x) return;
    this.beforeChange();
    this.onCpuCapacityChanging(c);
    this.capacity[c] = x;
    this.recomputeCapacities(this.root);
    this.onCpuCapacityChanged(c);
    this.afterChange();
  }

  setTaskDemand(id: string, demand: number): void {
    const task = this.task(id);
    const d = checkDemand(demand, 'demand');
    if (task.demand === d) return;
    this.beforeChange();
    this.onDemandChanging(task);
    const old = task.demand;
    task.demand = d;
    this.onDemandChanged(task, old);
    this.afterChange();
  }

  wake(id: string, work?: number): void {
    this.wakeTask(this.task(id), work);
  }

  block(id: string): void {
    this.blockTask(this.task(id));
  }

  taskRef(id: string): TaskRef {
    return this.task(id) as unknown as TaskRef;
  }

  wakeRef(ref: TaskRef, work?: number): void {
    this.wakeTask(this.taskOf(ref), work);
  }

  blockRef(ref: TaskRef): void {
    this.blockTask(this.taskOf(ref));
  }

  private wakeTask(task: SchedTask, work: number | undefined): void {
    if (task.runnable) throw new InvalidTransitionError('runnable', 'wake', { task: task.id });
    const w = this.checkWork(work);
    this.beforeChange();
    task.work = w;
    this.onWake(task);
    this.afterChange();
  }

  private blockTask(task: SchedTask): void {
    if (!task.runnable) throw new InvalidTransitionError('blocked', 'block', { task: task.id });
    this.beforeChange();
    this.onBlock(task);
    this.afterChange();
  }

  advanceTo(time: number): readonly GroupSchedulerEvent[] {
    if (typeof time !== 'number' || !Number.isSafeInteger(time)) {
      throw invalid('time', 'expected a whole number of microseconds', time, `integer ${this.nowUsec}..${Number.MAX_SAFE_INTEGER}`);
    }
    if (time < this.nowUsec) {
      throw new ValidationError(`cannot advance to ${time}us: the scheduler is already at ${this.nowUsec}us; give a time at or after now`, {
        path: 'time',
        value: time,
        now: this.nowUsec,
      });
    }
    // Completions a command finished at `now` (none in practice: runs account work up to now) come first.
    this.deliverWorkDone();
    this.run(time);
    const out = this.events;
    if (out.length === 0) return NO_EVENTS;
    this.events = [];
    return out;
  }

  /** Record a fact for the next `advanceTo` result. */
  protected emit(event: GroupSchedulerEvent): void {
    this.events.push(event);
  }

  /** The task's work ran out now: queue its handler for `deliverWorkDone`, or report the event. */
  protected workDone(task: SchedTask): void {
    if (task.onWorkDone !== undefined) this.doneHandlers.push(task);
    else this.emit({ type: 'task.work_done', time: this.now(), task: task.id });
  }

  /** At the end of an instant: call the queued handlers in order (skipping tasks removed meanwhile); true if any was queued. */
  protected deliverWorkDone(): boolean {
    const list = this.doneHandlers;
    if (list.length === 0) return false;
    // A handler's commands cannot finish work at this instant (work is at least 1 µs), but a list
    // grown meanwhile is still walked to its end.
    try {
      for (let i = 0; i < list.length; i++) {
        const task = list[i]!;
        if (task.sched === this) (task.onWorkDone as WorkDoneHandler)(task as unknown as TaskRef, task.tag);
      }
    } finally {
      while (list.length > 0) list.pop(); // keeps the storage, unlike length = 0
    }
    return true;
  }

  listGroups(): string[] {
    return this.listGroupNodes().map((g) => g.path);
  }

  listTasks(): string[] {
    return [...this.tasks.keys()];
  }

  taskCpuUsec(id: string): number {
    const t = this.task(id);
    return Math.round(t.usage + this.pendingUsage(t));
  }

  taskRate(id: string): number {
    return this.currentRate(this.task(id));
  }

  taskWaitUsec(id: string): number {
    return Math.max(0, Math.round(this.waitOf(this.task(id))));
  }

  taskCpuUsecRef(ref: TaskRef): number {
    const t = this.taskOf(ref);
    return Math.round(t.usage + this.pendingUsage(t));
  }

  taskWaitUsecRef(ref: TaskRef): number {
    return Math.max(0, Math.round(this.waitOf(this.taskOf(ref))));
  }

  takeRateChanges(): TaskRateChanges {
    this.prepareRateChanges();
    const set = this.rateChanged;
    if (!this.rateTracking || this.rateAll) {
      this.rateTracking = true;
      this.rateAll = false;
      set.clear();
      return { all: true, tasks: [] };
    }
    const tasks: string[] = [];
    for (const t of set) tasks.push(t.id);
    set.clear();
    return { all: false, tasks };
  }

  /** Bring rates up to date before `takeRateChanges` reads what moved (fluid: the pending splits). */
  protected prepareRateChanges(): void {}

  /** A task's rate may have changed (recorded only once a caller tracks changes). */
  protected noteRate(task: SchedTask): void {
    if (this.rateTracking) this.rateChanged.add(task);
  }

  /** Every task's rate may have changed. */
  protected noteAllRates(): void {
    if (!this.rateTracking) return;
    this.rateAll = true;
    this.rateChanged.clear();
  }

  taskStats(id: string): TaskCpuStats {
    const t = this.task(id);
    return {
      id: t.id,
      group: t.group.path,
      nice: t.nice,
      state: t.runnable ? 'runnable' : 'blocked',
      cpuUsec: Math.round(t.usage + this.pendingUsage(t)),
      rate: this.currentRate(t),
      demand: t.demand,
      waitUsec: Math.max(0, Math.round(this.waitOf(t))),
    };
  }

  groupStats(path: string): GroupCpuStats {
    const g = this.group(path);
    return this.groupStatsOf(g);
  }

  // ---- model hooks -----------------------------------------------------------------------------

  abstract nextEventTime(): number;
  abstract cpuOccupancy(): CpuOccupancy;
  /** Run internal events up to `time` (emitting facts) and set the clock to it. */
  protected abstract run(time: number): void;
  /** Bring the model up to `now` before a command mutates the tree. */
  protected abstract beforeChange(): void;
  /** React to a finished command (fill CPUs, recompute rates). */
  protected abstract afterChange(): void;
  protected abstract onGroupAdded(g: SchedGroup): void;
  protected abstract onLimitsChanging(g: SchedGroup): void;
  protected abstract onLimitsChanged(g: SchedGroup, bandwidthChanged: boolean): void;
  /** A task joined `task.group` (new or moved; not yet runnable). */
  protected abstract onTaskAttached(task: SchedTask): void;
  protected abstract onNiceChanging(task: SchedTask): void;
  /** Make a blocked task runnable (woken, new, or moved while runnable). */
  protected abstract onWake(task: SchedTask): void;
  /** Make a runnable task blocked (stopping it if it runs). */
  protected abstract onBlock(task: SchedTask): void;
  /** CPU µs the task has used since the model last accounted it. */
  protected abstract pendingUsage(task: SchedTask): number;
  protected abstract currentRate(task: SchedTask): number;
  protected abstract groupStatsOf(g: SchedGroup): GroupCpuStats;
  /** Runnable-but-not-running time of the task up to now, µs (unrounded). */
  protected abstract waitOf(task: SchedTask): number;
  /** CPU `cpu`'s capacity is about to change (the model accounts up to now at the old one). */
  protected abstract onCpuCapacityChanging(cpu: number): void;
  /** CPU `cpu`'s capacity changed; every group's `allowedCapacity` and `maxCapacity` are updated. */
  protected abstract onCpuCapacityChanged(cpu: number): void;
  /** The task's demand is about to change (account it up to now at the old one). */
  protected abstract onDemandChanging(task: SchedTask): void;
  /** The task's demand changed (`task.demand` is new, `old` the previous value). */
  protected abstract onDemandChanged(task: SchedTask, old: number): void;
}
