// A guest made of a core-scheduler group scheduler (what tests and benches run on vCPUs; core-cluster
// plugs a container kernel in instead). It mirrors the limits it is given so it can say what it
// would use at full capacity, and reports that to the host as per-CPU demand.
import { NotFoundError, type Micros } from '@strata/shared-types';
import {
  createGroupScheduler,
  isReducedCapacity,
  type AddTaskOptions,
  type GroupCpuLimits,
  type GroupFidelity,
  type GroupScheduler,
  type GroupSchedulerEvent,
} from '@strata/core-scheduler';
import type { GuestClock, GuestCpus, VcpuDemandListener } from './types.js';
import { requireObject } from '../input-checks.js';

/**
 * The least rate (fraction of a pCPU) that counts as service: a vCPU served below it has not run, and
 * a short vCPU whose share comes back by less has not got it back. A vCPU of a priority level beside
 * levels held by weights gets ~5e-5 (weight 1 against 10,000): reading that as service kept a task on
 * a vCPU that never ran, and undid a moved shortfall at every pass of an instant.
 */
const SERVED_MIN_RATE = 1e-3;

/** Options of `createSchedulerGuest`. */
export interface SchedulerGuestOptions {
  readonly cpus: number;
  readonly fidelity?: GroupFidelity;
  /** The guest kernel's tick, µs (exact), default 4000. */
  readonly tick?: number;
  /** Must equal the host's clock when the VM is added (default 0). */
  readonly start?: number;
}

/**
 * A `GuestCpus` over a group scheduler whose CPUs start at capacity 0 (a vCPU gets capacity only
 * while its host runs it). Commands are forwarded to `scheduler` (read stats there; command the
 * guest through this object so its demand stays known). Demand: the rate the guest's tasks would
 * take at full capacity, D = min(cpus, Σ) bottom-up over the tree (a task: its demand if runnable;
 * a group: min(quota/period, cpuset size, its children's sum); a task beside a binding guest quota:
 * at most its average over the quota's on/off phases at full capacity, the scheduler's
 * `quotaPhaseCap`), laid on CPUs in order: CPU i asks
 * for clamp(D − i, 0, 1) and halts at 0. So a guest with one busy task runs on one vCPU (its
 * others halt), and a capped task or a quota lowers what its vCPU asks of the host. Fluid, in a
 * guest with capped work, what a vCPU the host serves short asks moves to a vCPU it serves in full
 * (`settleDemands`), and the vCPUs' capacities are one pool to the guest scheduler (CPU i gets
 * clamp(C − i, 0, 1) of their sum C), as a guest runs its tasks on whichever vCPU runs. Guest-level
 * cpusets bound D but do not say which vCPU (tasks pinned to a high-numbered CPU are not modelled;
 * with them the capacities are not pooled).
 */
export interface SchedulerGuest extends GuestCpus {
  readonly scheduler: GroupScheduler;
  addGroup(path: string, limits?: GroupCpuLimits): void;
  setGroupLimits(path: string, limits: GroupCpuLimits): void;
  /** `onWorkDone` is not accepted: the guest tracks completions through `task.work_done` events. */
  addTask(id: string, group: string, opts?: Omit<AddTaskOptions, 'onWorkDone' | 'tag'>): void;
  removeTask(id: string): void;
  wake(id: string, work?: number): void;
  block(id: string): void;
  setTaskDemand(id: string, demand: number): void;
  /** The demand it reports: what the guest would use at full capacity, in CPUs. */
  wantedCpus(): number;
  /** Events of the guest scheduler since the last call (work done, throttling). */
  takeEvents(): GroupSchedulerEvent[];
  /**
   * Work done so far, in steps: the scheduler's (`GroupScheduler.steps`) plus the guest's own
   * demand bookkeeping (each task, group and vCPU it visits), so that a work budget sees a guest
   * whose every change walks many tasks.
   */
  steps(): number;
}

interface GroupMirror {
  readonly parent: GroupMirror | null;
  quotaRate: number;
  period: number;
  quota: number | null;
  cpusetSize: number;
  readonly children: GroupMirror[];
  readonly tasks: Set<TaskMirror>;
}

interface TaskMirror {
  readonly id: string;
  group: GroupMirror;
  runnable: boolean;
  demand: number;
}

/** Build a guest of `cpus` CPUs (all at capacity 0 until a host pushes some). */
export function createSchedulerGuest(options: SchedulerGuestOptions): SchedulerGuest {
  requireObject('guest options', options, '{ cpus, fidelity?, tick?, start? }');
  const cpus = options.cpus;
  const scheduler = createGroupScheduler({
    cpus,
    fidelity: options.fidelity ?? 'fluid',
    tick: options.tick ?? 4000,
    start: options.start ?? 0,
    cpuCapacity: Array.from({ length: cpus }, () => 0),
    quotaPhaseCapacity: 'full',
  });
  // Fluid: a task beside a binding quota, which the guest kernel throttles on and off, averages the
  // two phases (computed at full capacity, so that the demand does not follow the host's answer).
  const phaseCapOf = scheduler.quotaPhaseCap === undefined ? (): number => Infinity : (id: string): number => scheduler.quotaPhaseCap!(id);
  const root: GroupMirror = { parent: null, quotaRate: Infinity, period: 100_000, quota: null, cpusetSize: cpus, children: [], tasks: new Set() };
  const groups = new Map<string, GroupMirror>([['/', root]]);
  const tasks = new Map<string, TaskMirror>();
  let listener: VcpuDemandListener | null = null;
  const reported: number[] = Array.from({ length: cpus }, () => -1);
  let events: GroupSchedulerEvent[] = [];
  /** Fluid: each vCPU's capacity as the host gives it. */
  const hostCap: number[] = Array.from({ length: cpus }, () => 0);
  /** Fluid: each vCPU's demand laid in order, and what it asks now (that plus a shortfall moved there). */
  const base: number[] = Array.from({ length: cpus }, () => 0);
  const asked: number[] = Array.from({ length: cpus }, () => 0);
  /** Fluid: each vCPU's host rate when it last asked something (1 before it ever did). */
  const knownRate: number[] = Array.from({ length: cpus }, () => 1);
  /**
   * Fluid: each vCPU has run since the guest last woke from idle (its first demand after none), or
   * carries a task moved to it. A lone task queued on a vCPU that has not run stays there: no vCPU of
   * the guest runs, so no tick balances it (the exact guest's task waits on its kicked vCPU likewise).
   */
  const ran: boolean[] = Array.from({ length: cpus }, () => false);
  /** Fluid: the guest has capped work, so its demand moves between vCPUs (`settleDemands`). */
  let moves = false;
  /** The host clock followed (see `GuestCpus.follow`), or null: the guest's own. */
  let clock: GuestClock | null = null;

  /** Run the scheduler's events up to `time` and report what changed in the demand. */
  function runTo(time: number): void {
    // Exact: what runs where changes only at the guest's own events (ticks, halts, resumes).
    const due = occupancy && scheduler.nextEventTime() <= time;
    const done = scheduler.advanceTo(time);
    let changed = false;
    for (const e of done) {
      events.push(e);
      if (e.type === 'task.work_done') {
        const t = tasks.get(e.task);
        if (t !== undefined && t.runnable) {
          t.runnable = false;
          changed = true;
        }
      }
    }
    if (changed || due) publish();
  }

  /** Following a host clock: run to its time (nothing is due before it: the host ran the guest through its events). */
  function catchUp(): void {
    if (clock === null) return;
    const t = clock.now();
    if (t > scheduler.now()) runTo(t);
  }

  /** After a command of the guest's own: a host that follows it looks at its next event again. */
  function commanded(): void {
    clock?.changed();
  }

  /** The guest's own demand bookkeeping, in steps (see `SchedulerGuest.steps`). */
  let ownSteps = 0;

  function wantOf(g: GroupMirror): number {
    ownSteps += 1 + g.tasks.size;
    let sum = 0;
    for (const t of g.tasks) if (t.runnable) sum += Math.min(t.demand, phaseCapOf(t.id));
    for (const c of g.children) sum += wantOf(c);
    return Math.min(sum, g.quotaRate, g.cpusetSize);
  }

  function limitsInto(g: GroupMirror, limits: GroupCpuLimits): void {
    if (limits.period !== undefined) g.period = limits.period;
    if (limits.quota !== undefined) g.quota = limits.quota;
    g.quotaRate = g.quota === null ? Infinity : g.quota / g.period;
    if (limits.cpus !== undefined) g.cpusetSize = limits.cpus === null ? (g.parent?.cpusetSize ?? cpus) : limits.cpus.length;
  }

  // Exact: the guest reports halts as they happen (see `occupancy`), so a vCPU costs its host only
  // while a guest task is on it or waits for it.
  const occupancy = scheduler.fidelity === 'exact' && scheduler.cpuOccupancy !== undefined;

  function report(i: number, q: number): void {
    if (q === reported[i]) return;
    reported[i] = q;
    // Exact: a vCPU that asks its host and is not run is steal to the guest (kicked, or holding a task).
    if (occupancy) scheduler.setCpuAsking?.(i, q > 0);
    listener!(i, q === 0 ? { runnable: false, demand: 1 } : { runnable: true, demand: q });
  }

  /**
   * Exact: CPU i asks the host for a whole pCPU while a task is on it (one on a descheduled CPU
   * included) or, the first `waiting` idle CPUs in order, while tasks wait for a CPU (a wake-up kicks
   * an idle vCPU); otherwise it halts. Demand caps and quotas act inside the guest (its tasks halt and
   * are throttled), so the vCPU carries no demand cap of its own.
   */
  function publishOccupancy(): void {
    const occ = scheduler.cpuOccupancy!();
    let kick = occ.waiting;
    for (let i = 0; i < cpus; i++) {
      let busy = occ.running[i] === true;
      if (!busy && kick > 0) {
        busy = true;
        kick--;
      }
      report(i, busy ? 1 : 0);
    }
  }

  /**
   * Fluid: each runnable task's rate at full capacity, its group's limit shared max-min among its
   * members (tasks and child groups, equal weights), pushed into `out` in tree order.
   */
  function taskWants(g: GroupMirror, limit: number, out: number[]): void {
    ownSteps += 1 + g.tasks.size + g.children.length;
    const members: { want: number; task: TaskMirror | null; group: GroupMirror | null }[] = [];
    for (const t of g.tasks) if (t.runnable && t.demand > 0) members.push({ want: Math.min(t.demand, phaseCapOf(t.id)), task: t, group: null });
    for (const c of g.children) {
      const w = wantOf(c);
      if (w > 0) members.push({ want: w, task: null, group: c });
    }
    // Water-filling: the smallest wants are met first, the rest share what is left equally.
    const order = members.map((_, i) => i).sort((a, b) => members[a]!.want - members[b]!.want || a - b);
    const got = new Array<number>(members.length).fill(0);
    let left = limit;
    for (let k = 0; k < order.length; k++) {
      const m = order[k]!;
      const share = left / (order.length - k);
      const x = Math.min(members[m]!.want, share);
      got[m] = x;
      left -= x;
    }
    members.forEach((m, i) => {
      if (m.task !== null) out.push(got[i]!);
      else taskWants(m.group!, got[i]!, out);
    });
  }

  /**
   * Fluid: the guest's demand D laid on its CPUs in order (CPU i asks clamp(D − i, 0, 1), halted at
   * 0): one busy task on four CPUs asks CPU 0 for 1 and halts the others, as an exact guest kicks its
   * idle vCPUs in order. With capped work (a task whose rate at full capacity is below 1: it halts and
   * wakes, or a quota throttles it on and off) the demand may move to another vCPU (`settleDemands`):
   * its wake-ups kick idle vCPUs, and a vCPU that runs pulls whatever waits, a busy task stuck on a
   * descheduled vCPU included. A guest of busy tasks only wakes nothing, and its tasks stay put.
   */
  function publishFluid(): void {
    ownSteps += cpus;
    const wants: number[] = [];
    const total = Math.min(cpus, wantOf(root));
    // A wake from idle: the demand laid before was none (CPU 0 asked nothing).
    if (base[0] === 0 && total > 0) ran.fill(false);
    taskWants(root, total, wants);
    moves = false;
    for (const w of wants) if (w > 1e-12 && w < 1 - 1e-12) moves = true;
    for (let i = 0; i < cpus; i++) {
      let d = Math.max(0, Math.min(1, total - i));
      if (d < 1e-12) d = 0;
      base[i] = d;
      asked[i] = d;
      report(i, d);
    }
  }

  /**
   * Fluid, after the host's rates are in: if the host serves less than the guest's demand and
   * the guest has capped work (see `publishFluid`), the shortfall goes to the vCPUs it serves in full
   * that have room, in order; the vCPUs short of what they ask keep asking it (their tasks wait
   * there: steal). If the host serves more than the guest's demand (a short vCPU got its share back),
   * the demand is laid in order again.
   */
  function settleDemands(rates: readonly number[]): void {
    if (listener === null) return;
    ownSteps += cpus;
    for (let i = 0; i < cpus; i++) if (asked[i]! > 0 && rates[i]! >= SERVED_MIN_RATE) ran[i] = true;
    splitPhases(rates);
    if (!moves) {
      moveWholeTasks(rates);
      return;
    }
    let served = 0;
    let want = 0;
    for (let i = 0; i < cpus; i++) {
      served += Math.min(rates[i]!, asked[i]!);
      want += base[i]!;
    }
    if (served > want + SERVED_MIN_RATE) {
      for (let i = 0; i < cpus; i++) {
        asked[i] = base[i]!;
        report(i, asked[i]!);
      }
      return;
    }
    let short = want - served;
    if (!(short > 1e-9)) return;
    for (let i = 0; i < cpus && short > 1e-9; i++) {
      if (rates[i]! < asked[i]! - 1e-9 || asked[i]! >= 1 - 1e-12) continue;
      const add = Math.min(1 - asked[i]!, short);
      asked[i] = asked[i]! + add;
      short -= add;
      report(i, asked[i]!);
    }
  }

  /**
   * Fluid: while its host serves some vCPU less than it asks, the guest's own split takes its quotas'
   * on/off phases at the capacities it has (the host would not give the on phase full CPUs either: a
   * busy task beside the group loses more while the group runs, as in exact, where the group's
   * tasks take the vCPUs the busy task would have); what it asks stays at full capacity (its
   * demand does not follow the host's answer). Otherwise at full capacity, as before.
   */
  function splitPhases(rates: readonly number[]): void {
    if (scheduler.setQuotaPhaseSplit === undefined) return;
    let short = false;
    for (let i = 0; i < cpus && !short; i++) short = asked[i]! > 0 && rates[i]! < asked[i]! - 1e-9;
    scheduler.setQuotaPhaseSplit(short ? 'current' : 'full');
  }

  /**
   * Fluid, a guest of whole tasks only (nothing wakes to move work): each vCPU carrying one whose host
   * serves it at a rate × 117 below a halted vCPU's last known rate × 100 hands its task to that vCPU
   * (the best known, CPU order among equals), as a Linux guest's busy CPU of reduced capacity kicks an
   * idle one for a nohz balance, which pulls the task running alone there (`need_active_balance`,
   * imbalance_pct 117; the exact guest does the same at its ticks, its vCPUs' steal as their host
   * gives it). A vCPU's rate is known once it asked (1 before): a vCPU tried and served worse is not
   * tried again until it is. Only from a vCPU that has run (`ran`): the balance runs from a tick of
   * the guest, and a task that woke onto a vCPU its host never runs has none.
   */
  function moveWholeTasks(rates: readonly number[]): void {
    if (!(base[0]! >= 1 - 1e-12) || restricted()) return;
    ownSteps += cpus * cpus;
    // The rates are of the demand as it was: a vCPU handed a task now has no rate of its own yet.
    const before = asked.slice();
    for (let i = 0; i < cpus; i++) if (before[i]! > 0) knownRate[i] = rates[i]!;
    for (let i = 0; i < cpus; i++) {
      if (before[i]! < 1 - 1e-12 || !ran[i] || !isReducedCapacity(rates[i]!, 1)) continue;
      let to = -1;
      for (let j = 0; j < cpus; j++) if (asked[j] === 0 && (to < 0 || knownRate[j]! > knownRate[to]!)) to = j;
      if (to < 0 || !isReducedCapacity(rates[i]!, knownRate[to]!)) continue;
      asked[to] = asked[i]!;
      asked[i] = 0;
      ran[to] = true;
      report(i, 0);
      report(to, asked[to]!);
    }
  }

  function publish(): void {
    if (listener === null) return;
    if (occupancy) {
      publishOccupancy();
      return;
    }
    publishFluid();
  }

  /**
   * Fluid: the host's capacities, as the guest scheduler sees them. A vCPU's capacity is a share of
   * wall time, and a guest moves its tasks to whichever vCPU runs (one stuck on a descheduled vCPU
   * included), so the guest gets their sum as one pool: CPU i of its scheduler gets clamp(C − i, 0, 1)
   * of the total C. Not with guest-level cpusets (which need each CPU's own capacity).
   */
  function pushCapacities(): void {
    if (restricted()) {
      for (let i = 0; i < cpus; i++) if (scheduler.cpuCapacity(i) !== hostCap[i]) scheduler.setCpuCapacity(i, hostCap[i]!);
      return;
    }
    let total = 0;
    for (let i = 0; i < cpus; i++) total += hostCap[i]!;
    for (let i = 0; i < cpus; i++) {
      let c = Math.max(0, Math.min(1, total - i));
      if (c < 1e-12) c = 0;
      if (scheduler.cpuCapacity(i) !== c) scheduler.setCpuCapacity(i, c);
    }
  }

  function restricted(): boolean {
    ownSteps += groups.size;
    for (const g of groups.values()) if (g.cpusetSize < cpus) return true;
    return false;
  }

  function task(id: string): TaskMirror {
    const t = tasks.get(id);
    if (t === undefined) throw new NotFoundError('task', id);
    return t;
  }

  const guest: SchedulerGuest = {
    cpus,
    /** The guest scheduler, run to the host's time first while the guest follows a host. */
    get scheduler(): GroupScheduler {
      catchUp();
      return scheduler;
    },
    now: (): Micros => {
      catchUp();
      return scheduler.now();
    },
    connect(l) {
      catchUp();
      listener = l;
      reported.fill(-1);
      publish();
    },
    setCpuCapacity(cpu, capacity) {
      catchUp();
      if (!occupancy) {
        // Out of range: the scheduler's own error (it changes nothing).
        if (!(Number.isInteger(cpu) && cpu >= 0 && cpu < cpus && capacity >= 0 && capacity <= 1)) scheduler.setCpuCapacity(cpu, capacity);
        hostCap[cpu] = capacity;
        pushCapacities();
        return;
      }
      scheduler.setCpuCapacity(cpu, capacity);
      // A CPU back at capacity picks at once: what runs where may have changed.
      if (occupancy) publish();
    },
    nextEventTime: () => {
      catchUp();
      return scheduler.nextEventTime();
    },
    advanceTo(time) {
      runTo(time);
    },
    addGroup(path, limits = {}) {
      catchUp();
      scheduler.addGroup(path, limits);
      const parentPath = path.slice(0, path.lastIndexOf('/')) || '/';
      const parent = groups.get(parentPath)!;
      const g: GroupMirror = { parent, quotaRate: Infinity, period: 100_000, quota: null, cpusetSize: parent.cpusetSize, children: [], tasks: new Set() };
      limitsInto(g, limits);
      parent.children.push(g);
      groups.set(path, g);
      if (!occupancy) pushCapacities();
      publish();
      commanded();
    },
    setGroupLimits(path, limits) {
      catchUp();
      scheduler.setGroupLimits(path, limits);
      limitsInto(groups.get(path)!, limits);
      if (!occupancy) pushCapacities();
      publish();
      commanded();
    },
    addTask(id, group, opts = {}) {
      catchUp();
      scheduler.addTask(id, group, opts);
      const g = groups.get(group)!;
      const t: TaskMirror = { id, group: g, runnable: opts.runnable ?? true, demand: opts.demand ?? 1 };
      g.tasks.add(t);
      tasks.set(id, t);
      publish();
      commanded();
    },
    removeTask(id) {
      catchUp();
      const t = task(id);
      scheduler.removeTask(id);
      t.group.tasks.delete(t);
      tasks.delete(id);
      publish();
      commanded();
    },
    wake(id, work) {
      catchUp();
      const t = task(id);
      scheduler.wake(id, work);
      t.runnable = true;
      publish();
      commanded();
    },
    block(id) {
      catchUp();
      const t = task(id);
      scheduler.block(id);
      t.runnable = false;
      publish();
      commanded();
    },
    setTaskDemand(id, demand) {
      catchUp();
      const t = task(id);
      scheduler.setTaskDemand(id, demand);
      t.demand = demand;
      publish();
      commanded();
    },
    wantedCpus: () => {
      catchUp();
      return Math.min(cpus, wantOf(root));
    },
    takeEvents() {
      catchUp();
      const out = events;
      events = [];
      return out;
    },
    steps: () => scheduler.steps() + ownSteps,
  };
  // Fluid only: between its events a fluid guest's state moves with time alone, so running it to a
  // later instant at once equals running it there in steps. An exact guest accounts at every advance
  // (lags, slices), and its tie-breaks follow those sums to the last bit: it is advanced at every
  // host event, as before.
  if (scheduler.fidelity === 'fluid') {
    guest.settleDemands = (rates) => {
      catchUp();
      settleDemands(rates);
    };
    guest.follow = (c) => {
      catchUp();
      clock = c;
    };
  }
  return guest;
}
