// The one API of hierarchical group scheduling (the cgroup CPU controller), in two fidelities:
// `exact` (ticks, vruntime, on/off throttling) and `fluid` (weighted max-min rates with caps).
// The factory is in create-group-scheduler.ts, so that the implementations can import these types
// without an import circle.
import type { Micros } from '@strata/shared-types';

/** `exact`: CFS-style slices, ticks and per-period throttling; `fluid`: rates recomputed only on change. */
export type GroupFidelity = 'exact' | 'fluid';

/**
 * A group's CPU controller settings, as a patch (absent fields keep their value). `shares` (v1,
 * clamped into 2..262144 like the kernel) and `weight` (v2, 1..10000) replace each other.
 * `quota` µs per `period` µs (quota ≥ 1000, period 1000..1000000; `null` = unlimited).
 * `cpus` restricts the group (and its subtree) to those CPU indices; `null` = the parent's CPUs.
 */
export interface GroupCpuLimits {
  readonly shares?: number;
  readonly weight?: number;
  readonly quota?: number | null;
  readonly period?: number;
  readonly cpus?: readonly number[] | null;
}

/**
 * Watches the work of a group scheduler. The model calls it, synchronously and from inside whatever
 * it is doing, when its step count (see `GroupScheduler.steps`) reaches the threshold the previous
 * call returned (the first call comes at the first step); it returns the next threshold. It may
 * throw to stop the model, which must then be discarded (its state is mid-update).
 */
export type GroupStepWatcher = (steps: number) => number;

/** Options of `createGroupScheduler`. */
export interface GroupSchedulerOptions {
  /** Number of CPUs (1..1024). */
  readonly cpus: number;
  /** Default `exact`. */
  readonly fidelity?: GroupFidelity;
  /** Scheduler tick in µs for `exact` (100..100000, default 4000 = HZ 250); ignored by `fluid`. */
  readonly tick?: number;
  /** Start time in µs (default 0). */
  readonly start?: number;
  /** Called as the model's work grows (for a work budget or progress reports); default none. */
  readonly watchSteps?: GroupStepWatcher;
  /**
   * Initial capacity of each CPU, one number 0..1 per CPU (default all 1): a CPU of capacity c
   * delivers c CPU-µs of work per µs (a vCPU given c of a host CPU). See `setCpuCapacity`.
   */
  readonly cpuCapacity?: readonly number[];
  /**
   * Fluid only (exact throttles on and off by itself): the CPUs a binding quota's on phase is
   * computed against (see `quotaPhaseCap`). `current` (default): the CPUs' capacities now. `full`:
   * every CPU at capacity 1 — for a nested guest, whose CPUs' capacities follow from what it asks
   * its host, so that what it asks is what it would use at full capacity.
   */
  readonly quotaPhaseCapacity?: 'current' | 'full';
}

/** Options of `addTask` (`T`: the type of its `tag`). */
export interface AddTaskOptions<T = unknown> {
  /** Nice value -20..19 (default 0). */
  readonly nice?: number;
  /** Whether the task is runnable at once (default true). */
  readonly runnable?: boolean;
  /** CPU µs the task consumes before it blocks by itself (default: unbounded). Only with `runnable`. */
  readonly work?: number;
  /**
   * Called, instead of reporting `task.work_done` in `advanceTo`'s result, each time the task's work
   * runs out: once every change of that instant is applied, with `now()` at it, in the order the
   * events would have been reported (events of other kinds of the same call are still returned). It
   * may issue commands (they apply at that instant) but must not call `advanceTo`. Not called for a
   * task removed before its turn comes. Saves an event object and a lookup by id per completion.
   */
  readonly onWorkDone?: WorkDoneHandler<T>;
  /** Any value, handed back to `onWorkDone` (so one handler can serve many tasks; default undefined). */
  readonly tag?: T;
  /** Demand cap, 0 < demand ≤ 1 (default 1): the most of one CPU the task asks for. See `setTaskDemand`. */
  readonly demand?: number;
}

declare const taskRefBrand: unique symbol;

/**
 * An opaque handle on a task (from `taskRef`): `wakeRef` and `blockRef` through it skip the lookup
 * by id. Valid while the task exists; once it is removed, commands through it throw NotFoundError
 * (even if a task with the same id is added again). Only the scheduler that made it accepts it.
 */
export interface TaskRef {
  readonly [taskRefBrand]: 'TaskRef';
}

/** A task's completion callback (`AddTaskOptions.onWorkDone`): `task` is its handle, `tag` its `AddTaskOptions.tag`. */
export type WorkDoneHandler<T = unknown> = (task: TaskRef, tag: T) => void;

/** A fact reported by `advanceTo`, with the simulated time it happened at. */
export type GroupSchedulerEvent =
  | { readonly type: 'task.work_done'; readonly time: Micros; readonly task: string }
  | { readonly type: 'group.throttled'; readonly time: Micros; readonly group: string }
  | { readonly type: 'group.unthrottled'; readonly time: Micros; readonly group: string };

/** CPU accounting of one task. */
export interface TaskCpuStats {
  readonly id: string;
  readonly group: string;
  readonly nice: number;
  readonly state: 'runnable' | 'blocked';
  /** CPU time consumed so far, µs (fluid: rounded to the µs). */
  readonly cpuUsec: number;
  /** Current CPU rate in CPUs: fluid its fair rate; exact the capacity of its CPU while on one, else 0. */
  readonly rate: number;
  /** Its demand cap (0..1], see `setTaskDemand`. */
  readonly demand: number;
  /**
   * Time runnable but not running, µs (what the host side of a vCPU reports as steal). Exact:
   * Linux's `sched_info.run_delay`: wall time runnable and not on a CPU, throttled time included; a
   * task on a CPU of capacity 0 is running (its CPU is what is descheduled), and a task halted for
   * the rest of a tick by its demand cap is not waiting. Fluid: ∫ (min(demand, b) − rate) / b dt
   * while runnable, b the capacity of the best CPU it may use: the wall-time fraction it wants minus
   * the fraction it gets (with every capacity 1: ∫ (demand − rate) dt). Nothing accrues while b = 0.
   */
  readonly waitUsec: number;
}

/**
 * Which CPUs are occupied now (`GroupScheduler.cpuOccupancy`): what a guest kernel tells its host by
 * halting an idle vCPU and kicking one when a task wakes.
 */
export interface CpuOccupancy {
  /**
   * Per CPU: exact, a task is on it (one stuck on a CPU at capacity 0 included); fluid, which places
   * nothing, the first min(cpus, k) CPUs for the k runnable tasks with a rate above 0.
   */
  readonly running: readonly boolean[];
  /**
   * Exact: runnable tasks on no CPU that are neither halted by their demand cap nor under a throttled
   * group (they would run on an idle CPU that can run); fluid: 0.
   */
  readonly waiting: number;
}

/** Answer of `GroupScheduler.takeRateChanges`. */
export interface TaskRateChanges {
  /** Every task's rate may have changed (`tasks` is then empty). */
  readonly all: boolean;
  /** Ids of the tasks whose rate may have changed (fluid: exactly those whose rate changed, in creation order). */
  readonly tasks: readonly string[];
}

/** CPU accounting of one group (cgroup `cpu.stat`). */
export interface GroupCpuStats {
  readonly path: string;
  /** CPU time consumed by the group's subtree, µs (`usage_usec`). */
  readonly cpuUsec: number;
  /**
   * Period timer expiries (`nr_periods`; groups with a quota only). As in the kernel the timer runs
   * from when the quota is set, on the grid quota-set time + k × period; an expiry that ends a
   * period in which nothing was runnable (and the group is not throttled) still counts but stops
   * the timer, and the next wake-up restarts it on the same grid. So an always-runnable group counts
   * every period, and a sleep counts one idle period (two right after the quota is set).
   */
  readonly nrPeriods: number;
  /** Periods that ended with the group throttled (fluid: with its quota binding). */
  readonly nrThrottled: number;
  /**
   * Time spent throttled, µs, summed over the CPUs the group was running on (as the kernel sums
   * per-CPU run queues). Like the kernel's counter it grows when a throttle ends (at the period
   * refresh or a limit change): a throttle still in progress is not in it yet (see `throttled`).
   * Fluid: estimated from the on/off pattern the cap implies, `period × (1 − quota rate /
   * unthrottled rate)` per binding period, added when the period ends.
   */
  readonly throttledUsec: number;
  /** Exact: throttled now; fluid: quota binding now. */
  readonly throttled: boolean;
  /** Current CPU rate of the subtree in CPUs (exact: tasks on CPUs now). */
  readonly rate: number;
}

/**
 * A tree of groups sharing CPUs, with tasks in them. Groups are addressed by absolute path ("/" is
 * the root, "/A/B" a nested group); tasks by an id unique in the scheduler. Commands apply at `now()`;
 * `advanceTo(t)` runs the model to `t`. A failed command throws and changes nothing.
 */
export interface GroupScheduler {
  readonly fidelity: GroupFidelity;
  readonly cpus: number;
  /** The exact model's tick in µs (fluid: the configured value, unused). */
  readonly tick: number;
  /** Current simulated time, µs. */
  now(): Micros;
  /** Add an empty group under an existing parent. Throws NotFoundError, ConflictError, ValidationError. */
  addGroup(path: string, limits?: GroupCpuLimits): void;
  /** Change a group's settings (patch). A new quota or period restarts its period with a full quota. Not on "/". */
  setGroupLimits(path: string, limits: GroupCpuLimits): void;
  /** Remove an empty group (no tasks, no child groups). Throws ConflictError otherwise. */
  removeGroup(path: string): void;
  /** Add a task to a group. Throws ConflictError on a used id. */
  addTask<T = unknown>(id: string, group: string, opts?: AddTaskOptions<T>): void;
  /** Remove a task (runnable or not); its past usage stays in its groups. */
  removeTask(id: string): void;
  /** Move a task to another group (cgroup.procs); its usage so far stays with the old groups. */
  moveTask(id: string, group: string): void;
  /** Change a task's nice value (-20..19). */
  setNice(id: string, nice: number): void;
  /** Make a blocked task runnable; `work` = CPU µs until it blocks by itself (default unbounded). Throws InvalidTransitionError if runnable. */
  wake(id: string, work?: number): void;
  /** Block a runnable task. Throws InvalidTransitionError if blocked. */
  block(id: string): void;
  /** The handle of a task, for `wakeRef` and `blockRef` (hot paths). Throws NotFoundError. */
  taskRef(id: string): TaskRef;
  /** `wake` by handle: same contract; throws NotFoundError when the task was removed. */
  wakeRef(task: TaskRef, work?: number): void;
  /** `block` by handle: same contract; throws NotFoundError when the task was removed. */
  blockRef(task: TaskRef): void;
  /** The capacity of CPU `cpu` (0..1). Throws ValidationError on an unknown CPU. */
  cpuCapacity(cpu: number): number;
  /**
   * Set CPU `cpu`'s capacity (0..1) from now on: it delivers `capacity` CPU-µs of work per µs
   * (0: no progress, a descheduled vCPU). Exact: the running slice is split at now; fluid: the rates
   * are recomputed (a rebuild; capacities are expected to change rarely per CPU). ValidationError
   * (`cpu` not an index 0..cpus-1, `capacity` not a number 0..1) changes nothing.
   */
  setCpuCapacity(cpu: number, capacity: number): void;
  /**
   * Set a task's demand cap (0 < demand ≤ 1) from now on: it never asks for more than `demand` of a
   * CPU per µs of wall-clock time (a vCPU whose guest needs 0.3), see README "Demand caps". Fluid: its
   * cap in the water-filling; exact: a token bucket refilled at `demand` per µs (a backlog of 32 ticks),
   * halting the task when empty. O(depth) in fluid, like a wake-up. ValidationError (not a number in (0, 1]) changes nothing.
   */
  setTaskDemand(id: string, demand: number): void;
  /** Time of the next internal event (tick, period refresh, work done), or Infinity. */
  nextEventTime(): number;
  /** Run to `time` (≥ now), returning what happened on the way in time order. */
  /** Run to `time`; the facts since the last call, in time order (one shared frozen empty list when none: do not modify). */
  advanceTo(time: number): readonly GroupSchedulerEvent[];
  /** CPU accounting of a task. */
  taskStats(id: string): TaskCpuStats;
  /**
   * `taskStats(id).cpuUsec` alone: CPU µs the task has used up to now. Cheaper where the caller needs
   * no rate: it settles nothing, so a burst of changes at one instant is still split once.
   */
  taskCpuUsec(id: string): number;
  /**
   * `taskStats(id).waitUsec` alone: µs the task waited runnable up to now. Like `taskCpuUsec` it
   * settles nothing (a change at this instant applies from now on and does not move what accrued).
   * Optional in the interface (wrappers may leave it out); both built-in models have it.
   */
  taskWaitUsec?(id: string): number;
  /** `taskCpuUsec` by handle (a sampler reading every vCPU each interval: no lookup by id). Optional; both built-in models have it. NotFoundError when removed. */
  taskCpuUsecRef?(task: TaskRef): number;
  /** `taskWaitUsec` by handle. Optional; both built-in models have it. NotFoundError when removed. */
  taskWaitUsecRef?(task: TaskRef): number;
  /**
   * `taskStats(id).rate` alone (rates brought up to date first), without building the stats object:
   * for a caller that mirrors rates at every event (a nested host). Optional in the interface; both
   * built-in models have it.
   */
  taskRate?(id: string): number;
  /**
   * Which tasks' rates (`taskStats(id).rate`) may have changed since the previous call, so a caller
   * that mirrors rates (a nested host pushing vCPU rates to guests) visits only those. The first call
   * answers `{ all: true }` and starts the tracking (no cost until then); later calls answer
   * `all: true` when the model cannot tell (fluid: a rebuild after a change of limits, nice values,
   * cpusets or CPU capacities), else `tasks`: the ids of the tasks whose rate may have moved (a
   * superset: a listed rate may be unchanged; removed tasks may be listed), each once, in no set
   * order. Rates are brought up to date first. Fluid: the tasks of every group whose split was
   * redone and every task that blocked; exact: every task put on or taken off a CPU, or on a CPU
   * whose capacity changed. Optional in the interface; both built-in models have it. The answer may
   * be reused by the next call (fluid refills one object): read it before calling again.
   */
  takeRateChanges?(): TaskRateChanges;
  /**
   * Fluid: the cap the on/off phases of binding quotas put on a task beside them, Infinity when none.
   * A binding quota is on/off in the kernel (the group runs at the rate it would get without its
   * quota until the period's runtime is spent, then is throttled), so a peer that cannot use more
   * than its own cap while the group is throttled (a busy task is one CPU) loses what the group took
   * while it ran: its rate is the average over the two phases, below its max-min fair share beside a
   * steady cap. The task's rate is at most this (`taskStats(id).rate`). Optional in the interface;
   * the fluid model has it (the exact model needs none: it throttles on and off).
   */
  quotaPhaseCap?(id: string): number;
  /**
   * Fluid, built with `quotaPhaseCapacity: 'full'` (else a no-op): the capacities at which its own
   * split takes binding quotas' on/off phases. `full` (default): every CPU at 1, as `quotaPhaseCap`
   * reports them. `current`: the CPUs' capacities now, while `quotaPhaseCap` still reports them at
   * full capacity, so a nested guest asks its host as before while its tasks share what they get: a
   * guest whose host serves a vCPU short cannot run its quota's on phase on full CPUs, and a peer of
   * the group loses more while it runs. ValidationError for another value. Optional in the
   * interface; the fluid model has it.
   */
  setQuotaPhaseSplit?(capacity: 'current' | 'full'): void;
  /**
   * Which CPUs run a task now and how many tasks wait for one (see `CpuOccupancy`): O(CPUs + tasks).
   * Optional in the interface (wrappers may leave it out); both built-in models have it.
   */
  cpuOccupancy?(): CpuOccupancy;
  /**
   * Exact: CPU `cpu` asks its host for a pCPU (a nested guest's vCPU runnable on its host: holding a
   * task, or kicked for a waiting one) or is halted. While at capacity 0 and asking, its time is
   * steal to the model (its steal average: what moves whole tasks off CPUs of reduced capacity), as a
   * Linux guest's steal clock counts a vCPU runnable on its host and not run. Optional in the
   * interface; the exact model has it. ValidationError for a CPU out of range.
   */
  setCpuAsking?(cpu: number, asking: boolean): void;
  /** CPU accounting of a group ("/" = everything). */
  groupStats(path: string): GroupCpuStats;
  /** Every group path, parents before children, "/" first. */
  listGroups(): string[];
  /** Every task id, in insertion order. */
  listTasks(): string[];
  /**
   * The work done so far, in steps: one per CPU, task or group the model visits, so that the count
   * follows the time it takes. Exact: a tick costs at least CPUs + tasks steps (every CPU is
   * accounted, every task's lag accrues), more for picking, charging along the task's ancestors and
   * period timers. Fluid: a change (a task waking, blocking, finishing its work) costs its task's
   * path to the root (runnable counts, sums and caps), one step per split redone (its group's, and
   * those of the child groups whose rate moves with it), the group's children where a cap binds, a
   * path walk per quota that may bind, and billing a task's usage up its path; a change of limits
   * or nice values costs one pass over the tree.
   */
  steps(): number;
}
