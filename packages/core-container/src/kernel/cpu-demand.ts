// What the kernel's runnable work would use at full CPU capacity: the demand a guest kernel reports
// to the host of its VM. A GroupScheduler that forwards every call to the real one and mirrors each
// group's runnable tasks and limits, so the demand reads in O(1) and a wake-up or block updates it in
// O(depth) (request servers wake a worker per request: no walk over all processes).
import type {
  AddTaskOptions,
  GroupCpuLimits,
  GroupCpuStats,
  GroupFidelity,
  GroupScheduler,
  GroupSchedulerEvent,
  TaskCpuStats,
  TaskRef,
  WorkDoneHandler,
} from '@strata/core-scheduler';
import { NotFoundError } from '@strata/shared-types';
import type { Micros } from '@strata/shared-types';
import type { GroupActivity } from './cgroup-tree.js';

/** Below this a demand is 0, and this close to a whole number it is that number (float sums drift). */
const DEMAND_EPSILON = 1e-9;

interface GroupDemand {
  readonly parent: GroupDemand | null;
  /** Its child groups (made at the first: most groups are leaves). */
  children: Set<GroupDemand> | null;
  quota: number | null;
  period: number;
  /** quota / period, Infinity without a quota. */
  quotaRate: number;
  /** Its own cpuset (null: its parent's). */
  ownCpus: readonly number[] | null;
  /** Effective cpuset: own ∩ parent's effective, or the parent's. */
  effective: readonly number[];
  /** Runnable tasks directly in it (kept always: `GroupActivity`), and the sum of their demands (kept while tracking). */
  runnable: number;
  own: number;
  /** Sum of the children's `want`, and how many of them want more than 0. */
  childSum: number;
  busyChildren: number;
  /** min(own + childSum, quotaRate, |effective|). */
  want: number;
  /** Wake-ups of its tasks so far, kept always (`GroupActivity`). */
  wakes: number;
}

/**
 * A task's mirror, which is also the handle `taskRef` gives out here (so `wakeRef` needs no lookup).
 * `addTaskInto` writes these fields on an object of the caller's (its own per-task record), which is
 * then the task's handle and mirror both: one object fewer to reach per wake-up and completion.
 */
export interface TaskSlot {
  /** Its group's demand record (opaque to the caller). */
  dGroup: unknown;
  dRunnable: boolean;
  dDemand: number;
  /** The inner scheduler's handle, known once asked for (or once a work-done handler received it). */
  dInner: TaskRef | null;
  /** The caller's completion handler and tag (the inner scheduler gets `workDone` with this mirror as the tag). */
  dDone: WorkDoneHandler<never> | undefined;
  dTag: unknown;
  /**
   * Its CPU µs as last read while it was blocked (−1: not known). A blocked task uses no CPU, so the
   * figure holds until it wakes (`setRunnable` forgets it): a sampler reading thousands of idle
   * threads each second then asks the inner scheduler nothing.
   */
  dCpu: number;
}

interface TaskDemand extends TaskSlot {
  dGroup: GroupDemand;
}

/**
 * `inner` with the demand D = min(cpus, Σ) kept bottom-up over its groups: a runnable task adds its
 * demand cap (1 unless set), a group gives min(quota / period, its effective cpuset's size, its tasks'
 * and children's sum). Blocked tasks (sleeping, waiting, frozen, stopped) add nothing. Every command
 * is forwarded first, so a refused one changes neither.
 */
export class DemandScheduler implements GroupScheduler {
  readonly fidelity: GroupFidelity;
  readonly cpus: number;
  readonly tick: number;
  private readonly root: GroupDemand;
  private readonly groups = new Map<string, GroupDemand>();
  private readonly tasks = new Map<string, TaskDemand>();
  /** Bumped whenever the demand changes (a cheap test for whoever reports it). */
  version = 0;
  /** Tasks runnable now (in any group). */
  private runnableTasks = 0;
  /** Fluid only: capacity changes are held back while nothing is runnable (see `setCpuCapacity`). */
  private readonly deferCapacities: boolean;
  /** Per CPU, a capacity not yet given to the inner scheduler (NaN: none); built on first use. */
  private pendingCaps: number[] | null = null;
  private pendingAny = false;

  /**
   * Whether group demands are kept up to date. Until someone asks (`wanted`, or `track` at
   * construction), a wake-up or block only flips its task's flag: a kernel nobody reports the demand
   * of (no host, no `wantedCpus` caller) does no per-wake-up walk up its groups. The first question
   * computes every group's demand from the tasks' flags, and from then on they are kept.
   */
  private tracking: boolean;

  constructor(
    private readonly inner: GroupScheduler,
    track = true,
  ) {
    this.tracking = track;
    this.deferCapacities = inner.fidelity === 'fluid';
    this.fidelity = inner.fidelity;
    this.cpus = inner.cpus;
    this.tick = inner.tick;
    const all = Array.from({ length: inner.cpus }, (_, c) => c);
    this.root = newGroup(null, all);
    this.groups.set('/', this.root);
  }

  /** The CPUs the runnable work would use at full capacity, 0..cpus. */
  wanted(): number {
    if (!this.tracking) this.startTracking();
    const w = Math.min(this.cpus, this.root.want);
    const n = Math.round(w);
    return Math.abs(w - n) < DEMAND_EPSILON ? n : w;
  }

  now(): Micros {
    return this.inner.now();
  }

  addGroup(path: string, limits: GroupCpuLimits = {}): void {
    this.inner.addGroup(path, limits);
    const parent = this.groups.get(parentPath(path))!;
    const g = newGroup(parent, parent.effective);
    (parent.children ??= new Set()).add(g);
    this.groups.set(path, g);
    this.applyLimits(g, limits);
  }

  setGroupLimits(path: string, limits: GroupCpuLimits): void {
    this.inner.setGroupLimits(path, limits);
    this.applyLimits(this.groups.get(path)!, limits);
  }

  removeGroup(path: string): void {
    this.inner.removeGroup(path);
    const g = this.groups.get(path)!;
    // Empty (no tasks, no children): its want is 0 already.
    g.parent!.children!.delete(g);
    this.groups.delete(path);
  }

  addTask<T = unknown>(id: string, group: string, opts: AddTaskOptions<T> = {}): void {
    const t: TaskSlot = { dGroup: null, dRunnable: false, dDemand: 1, dInner: null, dDone: undefined, dTag: undefined, dCpu: -1 };
    this.addTaskInto(id, group, opts, t);
  }

  /**
   * `addTask` with `slot` (an object of the caller's whose TaskSlot fields it owns from now on) as the
   * task's mirror and handle: `taskRef(id)` returns `slot`, and `wakeRef`/`blockRef` take it.
   */
  addTaskInto<T = unknown>(id: string, group: string, opts: AddTaskOptions<T>, slot: TaskSlot): void {
    const done = opts.onWorkDone as WorkDoneHandler<never> | undefined;
    // One handler for every task (a single call target for the scheduler), with the mirror as its tag.
    if (done === undefined) this.inner.addTask(id, group, opts);
    else this.inner.addTask<TaskDemand>(id, group, { ...opts, onWorkDone: this.workDone, tag: slot as TaskDemand });
    const t = slot as TaskDemand;
    t.dGroup = this.groups.get(group)!;
    t.dRunnable = false;
    t.dDemand = opts.demand ?? 1;
    t.dInner = null;
    t.dDone = done;
    t.dTag = opts.tag;
    t.dCpu = -1;
    this.tasks.set(id, t);
    if (opts.runnable ?? true) this.setRunnable(t, true);
  }

  removeTask(id: string): void {
    this.inner.removeTask(id);
    const t = this.tasks.get(id)!;
    this.setRunnable(t, false);
    this.tasks.delete(id);
  }

  moveTask(id: string, group: string): void {
    this.inner.moveTask(id, group);
    const t = this.tasks.get(id)!;
    const to = this.groups.get(group)!;
    if (t.dGroup === to) return;
    const was = t.dRunnable;
    this.setRunnable(t, false);
    t.dGroup = to;
    this.setRunnable(t, was);
  }

  setNice(id: string, nice: number): void {
    this.inner.setNice(id, nice);
  }

  wake(id: string, work?: number): void {
    this.inner.wake(id, work);
    this.setRunnable(this.tasks.get(id)!, true);
  }

  block(id: string): void {
    this.inner.block(id);
    this.setRunnable(this.tasks.get(id)!, false);
  }

  taskRef(id: string): TaskRef {
    const ref = this.inner.taskRef(id);
    const t = this.tasks.get(id)!;
    t.dInner = ref;
    return t as unknown as TaskRef;
  }

  /** `task` must come from this scheduler's `taskRef` (or a work-done handler it called). */
  wakeRef(task: TaskRef, work?: number): void {
    const t = task as unknown as TaskDemand;
    this.inner.wakeRef(t.dInner!, work);
    this.setRunnable(t, true);
  }

  blockRef(task: TaskRef): void {
    const t = task as unknown as TaskDemand;
    this.inner.blockRef(t.dInner!);
    this.setRunnable(t, false);
  }

  cpuCapacity(cpu: number): number {
    if (this.pendingAny) {
      const c = this.pendingCaps![cpu];
      if (c !== undefined && c === c) return c;
    }
    return this.inner.cpuCapacity(cpu);
  }

  /**
   * The caller has checked `cpu` and `capacity` (the kernel does). Fluid: while no task is runnable a
   * CPU's capacity changes nothing the scheduler computes or reports (no rate, usage, wait or
   * occupancy depends on it), so the change is held back and given to the inner scheduler only at the
   * first capacity change, `nextEventTime`, rate-bearing stats, or advance past now that finds a
   * task runnable, and not at all when the capacity is back where the inner one has it by then. A
   * guest whose host halts its vCPU when idle and runs it again when a request arrives (0 → 1 at the
   * same instant as the wake-up) then costs the inner scheduler no capacity change at all. (Until
   * time passes, what happened so far, CPU time included, does not depend on capacities.)
   */
  setCpuCapacity(cpu: number, capacity: number): void {
    if (this.deferCapacities && (this.runnableTasks === 0 || this.pendingAny)) {
      const pending = (this.pendingCaps ??= new Array<number>(this.cpus).fill(NaN));
      pending[cpu] = capacity;
      this.pendingAny = true;
      if (this.runnableTasks > 0) this.applyCapacities();
      return;
    }
    this.inner.setCpuCapacity(cpu, capacity);
  }

  /** Give the inner scheduler the capacities held back, in CPU order (only those that differ from its own). */
  private applyCapacities(): void {
    const pending = this.pendingCaps!;
    this.pendingAny = false;
    for (let cpu = 0; cpu < pending.length; cpu++) {
      const c = pending[cpu]!;
      if (c !== c) continue;
      pending[cpu] = NaN;
      if (this.inner.cpuCapacity(cpu) !== c) this.inner.setCpuCapacity(cpu, c);
    }
  }

  setTaskDemand(id: string, demand: number): void {
    this.inner.setTaskDemand(id, demand);
    const t = this.tasks.get(id)!;
    const was = t.dRunnable;
    this.setRunnable(t, false);
    t.dDemand = demand;
    this.setRunnable(t, was);
  }

  nextEventTime(): number {
    if (this.pendingAny && this.runnableTasks > 0) this.applyCapacities();
    return this.inner.nextEventTime();
  }

  /**
   * For a loop that runs to `time`: exact when the next event is at or before `time`, else any time
   * after it. Held-back capacities are given first only when `time` is past now (events at now do not
   * depend on capacities, so a loop that has reached its target asks for nothing more).
   */
  nextEventTimeBy(time: number): number {
    if (this.pendingAny && this.runnableTasks > 0 && time > this.inner.now()) this.applyCapacities();
    return this.inner.nextEventTime();
  }

  advanceTo(time: number): readonly GroupSchedulerEvent[] {
    if (this.pendingAny && this.runnableTasks > 0 && time > this.inner.now()) this.applyCapacities();
    const events = this.inner.advanceTo(time);
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (e.type !== 'task.work_done') continue;
      const t = this.tasks.get(e.task);
      if (t !== undefined) this.setRunnable(t, false);
    }
    return events;
  }

  taskStats(id: string): TaskCpuStats {
    if (this.pendingAny && this.runnableTasks > 0) this.applyCapacities();
    return this.inner.taskStats(id);
  }

  taskCpuUsec(id: string): number {
    const t = this.tasks.get(id);
    return t === undefined ? this.inner.taskCpuUsec(id) : this.slotCpuUsec(t, id);
  }

  /** What the tasks of group `path` did (wake-ups so far, runnable now), or undefined for no such group. */
  activity(path: string): GroupActivity | undefined {
    return this.groups.get(path);
  }

  /** The mirror of task `id` (the object `addTask` made, or the one given to `addTaskInto`), for `slotCpuUsec`. NotFoundError. */
  slotOf(id: string): TaskSlot {
    const t = this.tasks.get(id);
    if (t === undefined) throw new NotFoundError('task', id);
    return t;
  }

  /** `taskCpuUsec` of the task whose mirror is `slot` (given to `addTaskInto` with `id`), with no lookup while it stays blocked. */
  slotCpuUsec(slot: TaskSlot, id: string): number {
    if (!slot.dRunnable && slot.dCpu >= 0) return slot.dCpu;
    // By the inner handle once known (no lookup by id), where the inner scheduler reads by handle.
    const inner = this.inner;
    const usec = slot.dInner !== null && inner.taskCpuUsecRef !== undefined ? inner.taskCpuUsecRef(slot.dInner) : inner.taskCpuUsec(id);
    if (!slot.dRunnable) slot.dCpu = usec;
    return usec;
  }

  groupStats(path: string): GroupCpuStats {
    if (this.pendingAny && this.runnableTasks > 0) this.applyCapacities();
    return this.inner.groupStats(path);
  }

  listGroups(): string[] {
    return this.inner.listGroups();
  }

  listTasks(): string[] {
    return this.inner.listTasks();
  }

  steps(): number {
    return this.inner.steps();
  }

  /** A task's work ran out: it blocks by itself (the mirror learns it first), then its own handler runs with this scheduler's handle. */
  private readonly workDone = (ref: TaskRef, t: TaskDemand): void => {
    this.setRunnable(t, false);
    t.dInner ??= ref;
    t.dDone!(t as unknown as TaskRef, t.dTag as never);
  };

  private setRunnable(t: TaskDemand, runnable: boolean): void {
    if (t.dRunnable === runnable) return;
    t.dRunnable = runnable;
    if (runnable) t.dCpu = -1;
    this.runnableTasks += runnable ? 1 : -1;
    const g = t.dGroup;
    if (runnable) {
      g.wakes++;
      g.runnable++;
    } else g.runnable--;
    if (!this.tracking) return;
    const old = g.want;
    if (runnable) g.own += t.dDemand;
    else if (g.runnable === 0) g.own = 0;
    else g.own -= t.dDemand;
    this.settle(g, old);
  }

  /** `g`'s inputs changed (its want was `old`): recompute it, and its ancestors as long as something moves. */
  private settle(start: GroupDemand, old: number): void {
    let g = start;
    let before = old;
    for (;;) {
      const w = wantOf(g);
      g.want = w;
      if (w === before) return;
      const p = g.parent;
      if (p === null) {
        this.version++;
        return;
      }
      if (before === 0) p.busyChildren++;
      if (w === 0) p.busyChildren--;
      // Summed in and out as floats: an idle parent is reset to exactly 0, so drift never outlives a busy spell.
      p.childSum = p.busyChildren === 0 ? 0 : p.childSum + (w - before);
      before = p.want;
      g = p;
    }
  }

  /** New limits of `g` (a patch, already accepted by the scheduler): bandwidth and cpusets of its subtree. */
  private applyLimits(g: GroupDemand, limits: GroupCpuLimits): void {
    if (limits.quota !== undefined) g.quota = limits.quota;
    if (limits.period !== undefined) g.period = limits.period;
    g.quotaRate = g.quota === null ? Infinity : g.quota / g.period;
    if (limits.cpus !== undefined) g.ownCpus = limits.cpus === null ? null : [...new Set(limits.cpus)].sort((a, b) => a - b);
    const old = g.want;
    if (limits.cpus !== undefined) this.recomputeSubtree(g);
    if (!this.tracking) return;
    this.settle(g, old);
    this.version++; // (a whole subtree may have moved; a spurious bump only costs a comparison)
  }

  /** Every group's demand from scratch, from the tasks' runnable flags; kept up to date from now on. */
  private startTracking(): void {
    this.tracking = true;
    for (const g of this.groups.values()) g.own = 0;
    for (const t of this.tasks.values()) if (t.dRunnable) t.dGroup.own += t.dDemand;
    recomputeWants(this.root);
    this.version++;
  }

  /** Effective cpusets and wants of `g`'s subtree from scratch (after a cpuset change: rare). */
  private recomputeSubtree(g: GroupDemand): void {
    const parent = g.parent!;
    if (g.ownCpus === null) g.effective = parent.effective;
    else {
      const allowed = new Set(parent.effective);
      g.effective = g.ownCpus.filter((c) => allowed.has(c));
    }
    let sum = 0;
    let busy = 0;
    for (const c of g.children ?? NO_CHILDREN) {
      this.recomputeSubtree(c);
      sum += c.want;
      if (c.want > 0) busy++;
    }
    g.childSum = sum;
    g.busyChildren = busy;
    g.want = wantOf(g);
  }
}

const NO_CHILDREN: readonly GroupDemand[] = [];

function newGroup(parent: GroupDemand | null, effective: readonly number[]): GroupDemand {
  return { parent, children: null, quota: null, period: 100_000, quotaRate: Infinity, ownCpus: null, effective, runnable: 0, own: 0, childSum: 0, busyChildren: 0, want: 0, wakes: 0 };
}

/** `g`'s subtree's sums and wants from its groups' own demands, children first. */
function recomputeWants(g: GroupDemand): void {
  let sum = 0;
  let busy = 0;
  for (const c of g.children ?? NO_CHILDREN) {
    recomputeWants(c);
    sum += c.want;
    if (c.want > 0) busy++;
  }
  g.childSum = sum;
  g.busyChildren = busy;
  g.want = wantOf(g);
}

function wantOf(g: GroupDemand): number {
  const w = Math.min(g.own + g.childSum, g.quotaRate, g.effective.length);
  return w < DEMAND_EPSILON ? 0 : w;
}

function parentPath(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}
