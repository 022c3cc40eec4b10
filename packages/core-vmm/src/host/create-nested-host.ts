// A host and its guests composed on one clock: every vCPU is a task of the host's group scheduler and
// a CPU of its guest. Guest demand becomes the vCPU's runnable state and demand cap; the vCPU's host
// rate becomes the guest CPU's capacity; steal is the vCPU's host wait (sched_info.run_delay).
import { ConflictError, NotFoundError, ValidationError, NO_EVENTS } from '@strata/shared-types';
import { createGroupScheduler, HeapSlot, IndexedMinHeap, type GroupScheduler, type GroupSchedulerEvent, type TaskRef } from '@strata/core-scheduler';
import { appendAll } from '../append-all.js';
import type { GuestClock, GuestCpus, NestedHost, NestedHostOptions, VcpuDemand, VcpuPolicy, VmCpuSpec } from './types.js';
import { CREDIT_TIMESLICE_US, validateVmCpuSpec, vcpuGroupLimits, vmGroupLimits } from './vcpu-policy.js';
import { servableDemand, type PinnedDemand } from './priority-levels.js';
import { checkGuestCpus } from './guest-check.js';
import { requireObject } from '../input-checks.js';

/** USER_HZ: /proc/stat counts in 1/100 s. */
export const USER_HZ = 100;
/** Weight of the priority levels that are fully served; the one level served in part weighs 1. */
export const PRIORITY_SERVED_WEIGHT = 10_000;

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
/** At most this many demand → capacity → demand passes per instant (two settle every guest Strata has). */
const SYNC_PASSES = 8;
const HALTED: VcpuDemand = Object.freeze({ runnable: false, demand: 1 });
const FULL: VcpuDemand = Object.freeze({ runnable: true, demand: 1 });

/**
 * The demand to keep for a vCPU: a shared object for the two usual ones (runnable at 1, halted at 1),
 * a copy otherwise. A vCPU record lives for the run and its demand changes at every request: a new
 * object each time would be a young object held by an old one, which every minor GC has to scan.
 */
function keptDemand(d: VcpuDemand): VcpuDemand {
  if (d.demand === 1) return d.runnable ? FULL : HALTED;
  return { runnable: d.runnable, demand: d.demand };
}
/** The two push passes of a sync: falls, then rises. */
const PUSH_PASSES = [false, true] as const;

interface Vcpu {
  readonly vm: VmRec;
  readonly index: number;
  readonly id: string;
  readonly ref: TaskRef;
  /** Order of creation: capacities are pushed in this order (VMs in insertion order, vCPUs by index). */
  readonly seq: number;
  /** Queued in `dirty`. */
  inDirty: boolean;
  /** Listed in this pass's push candidates. */
  listed: boolean;
  demand: VcpuDemand;
  /** What the host task is now: runnable, and its demand cap. */
  hostRunnable: boolean;
  hostDemand: number;
  held: boolean;
  /** Steal accrued while held (priority), µs, and since when the current held span counts. */
  heldSteal: number;
  heldSince: number;
  /** Capacity last pushed to the guest. */
  pushed: number;
  /**
   * While every vCPU has a pCPU of its own (`dedicated`): its rate (its demand while runnable, else
   * 0) since `dSince`, and the host CPU µs it used in such spans before (kept when the host scheduler
   * takes over again: its usage is the scheduler's plus this).
   */
  dRate: number;
  dSince: number;
  dUsed: number;
  /** The scheduler's CPU and wait µs of its task, frozen while dedicated (the task stays blocked), read once at the switch. */
  schedCpu: number;
  schedWait: number;
}

interface VmRec {
  readonly name: string;
  spec: VmCpuSpec;
  path: string;
  level: number;
  readonly guest: GuestCpus;
  readonly vcpus: Vcpu[];
  removed: boolean;
  /** Order of addition (ties between guests due at one instant run in this order). */
  readonly seq: number;
  /** The guest keeps up by itself (`GuestCpus.follow`): visited only when due, from `guestHeap`. */
  readonly follows: boolean;
  /** Its place in `guestHeap`, keyed by its next event as last read (set right after the record is made). */
  heap: HeapSlot<VmRec>;
  /** Its next event may have moved since `due` was read (queued in `staleGuests`). */
  stale: boolean;
  /** Listed in this pass's `settleDemands` calls. */
  settling: boolean;
}

/** Creation order (vCPUs, or VMs). */
const bySeq = (a: { readonly seq: number }, b: { readonly seq: number }): number => a.seq - b.seq;

/** Sort the first `n` entries of `list` by creation order (in place: an insertion sort for a few, else a sorted copy). */
function sortFirst<T extends { readonly seq: number }>(list: T[], n: number): void {
  if (n > 16) {
    const sorted = list.slice(0, n).sort(bySeq);
    for (let i = 0; i < n; i++) list[i] = sorted[i]!;
    return;
  }
  for (let i = 1; i < n; i++) {
    const x = list[i]!;
    let j = i - 1;
    while (j >= 0 && list[j]!.seq > x.seq) {
      list[j + 1] = list[j]!;
      j--;
    }
    list[j + 1] = x;
  }
}

function levelGroup(priority: number): string {
  return `/prio_${priority < 0 ? `m${-priority}` : String(priority)}`;
}

/**
 * Build a host of `cpus` pCPUs running the `policy` scheduler at `fidelity`, ready for VMs. See
 * README "Hosts and nested scheduling" for the policy mappings. ValidationError on bad options.
 */
export function createNestedHost(options: NestedHostOptions): NestedHost {
  requireObject('host options', options, '{ cpus, speed?, policy?, fidelity?, tick?, start? }');
  const policy: VcpuPolicy = options.policy ?? 'credit';
  if (!['credit', 'cfs', 'rr', 'priority'].includes(policy)) {
    throw new ValidationError(`host: policy must be credit, cfs, rr or priority, got ${String(policy)}`, { path: 'policy', value: policy });
  }
  const speed = options.speed ?? 1;
  if (typeof speed !== 'number' || !(speed > 0 && speed <= 1)) {
    throw new ValidationError(`host: speed must be a number in (0, 1], got ${String(speed)}`, { path: 'speed', value: speed });
  }
  const fidelity = options.fidelity ?? 'fluid';
  const host: GroupScheduler = createGroupScheduler({
    cpus: options.cpus,
    fidelity,
    tick: options.tick ?? (policy === 'credit' ? CREDIT_TIMESLICE_US : 4000),
    start: options.start ?? 0,
    ...(options.watchSteps === undefined ? {} : { watchSteps: options.watchSteps }),
  });
  const vms = new Map<string, VmRec>();
  /**
   * Every vCPU has a pCPU of its own: fluid, not priority, no more vCPUs than pCPUs, and no cap, quota
   * or pin. A runnable vCPU then runs at its demand and never waits, which is what the scheduler would
   * compute; the host keeps each vCPU's rate itself and leaves the scheduler's vCPU tasks blocked
   * (README "Dedicated pCPUs"). `updateMode` switches at the commands that can change it.
   */
  let dedicated = false;
  const dedicatedAllowed = options.dedicatedFastPath ?? true;
  /** vCPUs of every VM, and VMs with a cap, quota or pin (`limited`): what `wantsDedicated` asks, kept as VMs come, go and change. */
  let vcpuCount = 0;
  let limitedVms = 0;
  /** vCPUs whose rate moved while dedicated (to push, as the scheduler's change-set would list them), the first `dedCount`. */
  const dedChanged: Vcpu[] = [];
  let dedCount = 0;
  /** Every vCPU in creation order (stale after a removal until a pass needs it). */
  const all: Vcpu[] = [];
  let allStale = false;
  const byId = new Map<string, Vcpu>();
  /** vCPUs added since the last push pass (their first capacity is pushed there). */
  const fresh: Vcpu[] = [];
  let freshCount = 0;
  let nextSeq = 0;
  /** vCPUs whose guest demand changed since the last sync (each once: `inDirty`), the first `dirtyCount`. */
  const dirty: Vcpu[] = [];
  let dirtyCount = 0;
  /** `pushCandidates`' answer, refilled at each call (no array per host event), and whether a sync is reading it. */
  const candidates: Vcpu[] = [];
  let candidatesInUse = false;
  /** How many entries of `pushCandidates`' answer count. */
  let listed = 0;
  /** Guests that follow the host, by next event (a binary min-heap). */
  const guestHeap = new IndexedMinHeap<VmRec>();
  /** Following guests whose next event must be read again before the heap is used. */
  const staleGuests: VmRec[] = [];
  let staleCount = 0;
  /** Guests without `follow`, in insertion order: asked and advanced at every event. */
  const polled: VmRec[] = [];
  let nextVmSeq = 0;

  function markDirty(v: Vcpu): void {
    if (v.inDirty) return;
    v.inDirty = true;
    dirty[dirtyCount++] = v;
  }

  function markStale(vm: VmRec): void {
    if (vm.stale || !vm.follows || vm.removed) return;
    vm.stale = true;
    staleGuests[staleCount++] = vm;
  }

  /** Re-read the next event of every guest marked stale and re-place it in the heap. */
  function refreshGuests(): void {
    // A count, not `length = 0`: emptying an array drops its storage, and the next push allocates it again.
    for (let i = 0; i < staleCount; i++) {
      const vm = staleGuests[i]!;
      vm.stale = false;
      if (vm.removed) continue;
      guestHeap.set(vm.heap, vm.guest.nextEventTime());
    }
    staleCount = 0;
  }

  /** The earliest next event of the guests: the heap's top, and every guest that does not follow. */
  function guestsNext(): number {
    refreshGuests();
    let t = guestHeap.top()?.key ?? Infinity;
    for (const vm of polled) {
      const g = vm.guest.nextEventTime();
      if (g < t) t = g;
    }
    return t;
  }

  /** Run to `next` the guests due by then (and every guest that does not follow), in the order they were added. */
  function advanceGuests(next: number): void {
    const first = guestHeap.top();
    if (first === undefined || first.key > next) {
      for (const vm of polled) vm.guest.advanceTo(next);
      return;
    }
    // The due list is reused (a fresh one if a guest re-entered this while it is read); its first `n` count.
    const due = dueInUse ? [] : dueList;
    let n = 0;
    // Out in no set order at equal times: `sortFirst` puts them in the order they were added.
    for (let top = guestHeap.top(); top !== undefined && top.key <= next; top = guestHeap.top()) {
      guestHeap.remove(top);
      due[n++] = top.owner;
    }
    for (const vm of polled) due[n++] = vm;
    if (n > 1) sortFirst(due, n);
    const outer = dueInUse;
    dueInUse = due === dueList;
    try {
      for (let i = 0; i < n; i++) {
        const vm = due[i]!;
        vm.guest.advanceTo(next);
        markStale(vm);
      }
    } finally {
      dueInUse = outer;
    }
  }
  const dueList: VmRec[] = [];
  let dueInUse = false;
  const levelWeights = new Map<number, number>();
  /** Strict priority: vCPUs whose group's cpuset is narrowed to pCPUs the levels above leave them (`recomputeLevels`). */
  const confinedTo = new Map<Vcpu, readonly number[]>();
  let touched = false;
  let levelsDirty = false;

  function settleHeld(v: Vcpu): void {
    const now = host.now();
    if (v.held && v.demand.runnable) v.heldSteal += (now - v.heldSince) * v.demand.demand;
    v.heldSince = now;
  }

  function report(v: Vcpu, demand: VcpuDemand): void {
    if (v.vm.removed) return;
    if (!(typeof demand.demand === 'number' && demand.demand > 0 && demand.demand <= 1)) {
      throw new ValidationError(`guest of ${v.vm.name}: cpu ${v.index} demand must be in (0, 1], got ${String(demand.demand)}`, { path: 'demand', value: demand.demand });
    }
    settleHeld(v);
    v.demand = keptDemand(demand);
    markDirty(v);
    markStale(v.vm);
    if (policy === 'priority') levelsDirty = true;
  }

  /** Apply what guests reported since the last look (their commands run at the host's now). */
  function flush(): void {
    if (dirtyCount > 0 || levelsDirty || touched) sync();
  }

  /**
   * Strict priority: levels in order take what they ask while pCPUs remain; the first that does not
   * fit shares the rest at weight 1; a later level is held unless it fits whole beside them. What a
   * level can take is a max flow onto the pCPUs its vCPUs may use (`servableDemand`) beside what the
   * levels before it take, as Linux's RT classes run on each CPU the highest priority task allowed
   * there (`cpupri_find` over `cpus_mask`, then push/pull): a level pinned to full pCPUs is held, and
   * a later one that can use a pCPU they leave free runs there. Without pins: Σ pCPUs, as before.
   * A level served in part because of its own pins (pCPUs remain free that it may not use) leaves
   * those pCPUs to later levels: a later level's vCPUs pinned away from every pCPU a level served in
   * part may use run there at weight 1 (their pCPUs are not shared with it, so the equal weight takes
   * nothing from it), and its other vCPUs are held. A later level that fits whole beside a level
   * served in part runs at the full weight on the pCPUs that level leaves: its vCPUs are confined to
   * their pCPUs outside it (as an RT task runs only where no higher priority task wants the CPU), so
   * its weight takes nothing from the level above; if it does not fit whole so confined, it is a
   * level beside one served in part (below).
   */
  function recomputeLevels(): void {
    levelsDirty = false;
    const byLevel = new Map<number, VmRec[]>();
    for (const vm of vms.values()) {
      const list = byLevel.get(vm.level);
      if (list === undefined) byLevel.set(vm.level, [vm]);
      else list.push(vm);
    }
    /** The runnable demand of the levels served so far, with their pins, and what it takes. */
    const served: PinnedDemand[] = [];
    let servedRate = 0;
    /** The pCPUs the vCPUs of the levels served in part may use (null: none yet; every pCPU once one is unpinned). */
    let partialCpus: Set<number> | null = null;
    /** Per vCPU of the level at hand, held or not. */
    const heldOf = new Map<Vcpu, boolean>();
    /** vCPUs of levels that fit whole beside a level served in part, and the pCPUs that level leaves them. */
    const confine = new Map<Vcpu, readonly number[]>();
    for (const level of [...byLevel.keys()].sort((a, b) => a - b)) {
      const list = byLevel.get(level)!;
      let want = 0;
      const mark = served.length;
      for (const vm of list) {
        for (const v of vm.vcpus) {
          if (!v.demand.runnable) continue;
          want += v.demand.demand;
          served.push({ demand: v.demand.demand, cpus: pinOf(v) });
        }
      }
      heldOf.clear();
      let held = servedRate >= host.cpus - 1e-12;
      let weight = PRIORITY_SERVED_WEIGHT;
      if (!held && want > 0) {
        // What it gets beside the levels before it (a max flow keeps theirs: it only adds paths).
        const rate = servableDemand(served, host.cpus);
        const gets = rate - servedRate;
        let whole = gets >= want - 1e-9;
        if (whole && partialCpus !== null) {
          // Beside a level served in part: whole only on the pCPUs that level leaves.
          const away = partialCpus;
          served.length = mark;
          const kept = new Map<Vcpu, readonly number[]>();
          for (const vm of list) {
            for (const v of vm.vcpus) {
              const cpus = outside(pinOf(v), away);
              if (v.demand.runnable) served.push({ demand: v.demand.demand, cpus });
              // One with no pCPU left there is halted (a runnable one leaves the level not whole): it
              // keeps its pins, and is held once it asks (a cpuset cannot be empty).
              if (cpus.length > 0) kept.set(v, cpus);
            }
          }
          const keptRate = servableDemand(served, host.cpus);
          if (keptRate - servedRate >= want - 1e-9) {
            for (const [v, cpus] of kept) confine.set(v, cpus);
            servedRate = keptRate;
          } else {
            whole = false;
            served.length = mark;
          }
        }
        if (whole) {
          if (partialCpus === null) servedRate = rate;
        } else if (gets <= 1e-9) {
          // Its pCPUs are taken by the levels before it.
          held = true;
          served.length = mark;
        } else if (partialCpus === null) {
          weight = 1;
          partialCpus = new Set();
          servedRate = rate;
          for (const vm of list) for (const v of vm.vcpus) if (v.demand.runnable) addCpus(partialCpus, pinOf(v));
        } else {
          // Beside a level served in part: only its vCPUs kept off that level's pCPUs may run.
          served.length = mark;
          const apart: Vcpu[] = [];
          for (const vm of list) {
            for (const v of vm.vcpus) {
              const away = disjoint(pinOf(v), partialCpus);
              heldOf.set(v, !away);
              if (away && v.demand.runnable) {
                apart.push(v);
                served.push({ demand: v.demand.demand, cpus: pinOf(v) });
              }
            }
          }
          const apartRate = apart.length > 0 ? servableDemand(served, host.cpus) : servedRate;
          if (apartRate - servedRate <= 1e-9) {
            held = true;
            heldOf.clear();
            served.length = mark;
          } else {
            weight = 1;
            servedRate = apartRate;
            for (const v of apart) addCpus(partialCpus, pinOf(v));
          }
        }
      } else served.length = mark;
      if (levelWeights.get(level) !== weight) {
        levelWeights.set(level, weight);
        host.setGroupLimits(levelGroup(level), { weight });
        touched = true;
      }
      for (const vm of list) {
        for (const v of vm.vcpus) {
          const h = heldOf.get(v) ?? held;
          if (v.held === h) continue;
          settleHeld(v);
          v.held = h;
          markDirty(v);
        }
      }
    }
    for (const vm of vms.values()) {
      for (const v of vm.vcpus) {
        const cpus = confine.get(v);
        const now = confinedTo.get(v);
        if (cpus === now || (cpus !== undefined && now !== undefined && sameCpus(cpus, now))) continue;
        if (cpus === undefined) confinedTo.delete(v);
        else confinedTo.set(v, cpus);
        host.setGroupLimits(`${vm.path}/vcpu${v.index}`, { cpus: cpus ?? pinOf(v) });
        touched = true;
      }
    }
  }

  /** The pCPUs of `cpus` (null: every pCPU) not in `set`, in order. */
  function outside(cpus: readonly number[] | null, set: ReadonlySet<number>): number[] {
    const all = cpus ?? Array.from({ length: host.cpus }, (_, c) => c);
    return all.filter((c) => !set.has(c));
  }

  function sameCpus(a: readonly number[], b: readonly number[]): boolean {
    return a.length === b.length && a.every((c, i) => c === b[i]);
  }

  /** vCPU `v`'s pinned pCPUs (null: any). */
  function pinOf(v: Vcpu): readonly number[] | null {
    return v.vm.spec.pin?.[v.index] ?? null;
  }

  /** Add a vCPU's pCPUs to `set` (null: every pCPU). */
  function addCpus(set: Set<number>, cpus: readonly number[] | null): void {
    if (cpus === null) for (let c = 0; c < host.cpus; c++) set.add(c);
    else for (const c of cpus) set.add(c);
  }

  /** A vCPU's pCPUs (null: any) share none with `set`. */
  function disjoint(cpus: readonly number[] | null, set: ReadonlySet<number>): boolean {
    if (cpus === null) return set.size === 0;
    for (const c of cpus) if (set.has(c)) return false;
    return true;
  }

  function apply(v: Vcpu): void {
    if (dedicated) {
      applyDedicated(v);
      return;
    }
    const runnable = v.demand.runnable && !v.held;
    if (runnable && v.hostDemand !== v.demand.demand) {
      host.setTaskDemand(v.id, v.demand.demand);
      v.hostDemand = v.demand.demand;
      touched = true;
    }
    if (runnable !== v.hostRunnable) {
      if (runnable) host.wakeRef(v.ref);
      else host.blockRef(v.ref);
      v.hostRunnable = runnable;
      touched = true;
    }
  }

  /** Dedicated: the vCPU's rate is its demand while runnable (listed to push when it moved). */
  function applyDedicated(v: Vcpu): void {
    const rate = v.demand.runnable ? v.demand.demand : 0;
    if (rate === v.dRate) return;
    settleDedicated(v);
    v.dRate = rate;
    if (!v.listed) {
      v.listed = true;
      dedChanged[dedCount++] = v;
    }
    touched = true;
  }

  function settleDedicated(v: Vcpu): void {
    const now = host.now();
    v.dUsed += v.dRate * (now - v.dSince);
    v.dSince = now;
  }

  /** Host CPU µs a vCPU used in dedicated spans, up to now. */
  function dedicatedUsec(v: Vcpu): number {
    return v.dUsed + (dedicated ? v.dRate * (host.now() - v.dSince) : 0);
  }

  function wantsDedicated(): boolean {
    if (!dedicatedAllowed || fidelity !== 'fluid' || policy === 'priority') return false;
    return limitedVms === 0 && vcpuCount <= host.cpus;
  }

  /** A VM whose settings keep the host out of dedicated mode: a cap, a quota or a pin. */
  function limited(s: VmCpuSpec): boolean {
    return (s.cap ?? 0) > 0 || s.quota != null || s.globalQuota != null || (s.pin?.some((p) => p != null) ?? false);
  }

  /**
   * After a command that can change it: into dedicated mode, the scheduler's runnable vCPU tasks are
   * blocked (their usage stays theirs) and each vCPU's rate is kept here from now; out of it, each
   * vCPU's dedicated usage is settled and the scheduler runs it again. Every vCPU is applied anew.
   */
  function updateMode(): void {
    const want = wantsDedicated();
    if (want === dedicated) return;
    const now = host.now();
    for (const vm of vms.values()) {
      for (const v of vm.vcpus) {
        if (want) {
          if (v.hostRunnable) {
            host.blockRef(v.ref);
            v.hostRunnable = false;
          }
          v.dSince = now;
          v.schedCpu = schedulerCpu(v);
          v.schedWait = schedulerWait(v);
        } else settleDedicated(v);
        v.dRate = 0;
        markDirty(v);
      }
    }
    for (let i = 0; i < dedCount; i++) dedChanged[i]!.listed = false;
    dedCount = 0;
    dedicated = want;
    touched = true;
  }

  /** The scheduler's CPU µs of a vCPU's task (by handle where it reads by handle). */
  function schedulerCpu(v: Vcpu): number {
    return host.taskCpuUsecRef !== undefined ? host.taskCpuUsecRef(v.ref) : host.taskCpuUsec(v.id);
  }

  /** The scheduler's wait µs of a vCPU's task. */
  function schedulerWait(v: Vcpu): number {
    return host.taskWaitUsecRef !== undefined ? host.taskWaitUsecRef(v.ref) : host.taskWaitUsec === undefined ? host.taskStats(v.id).waitUsec : host.taskWaitUsec(v.id);
  }

  /** A vCPU's host rate now: kept here while dedicated, else the scheduler's (0 while its task is blocked). */
  function rateNow(v: Vcpu): number {
    if (dedicated) return v.dRate;
    return v.hostRunnable ? rateOf(v.id) : 0;
  }

  /**
   * Guest demands → host tasks, then host rates → guest capacities, until nothing moves. A guest that
   * reports what runs on its CPUs (an exact one) may answer a capacity with a new demand (a vCPU back
   * on a pCPU picks a waiting task, and a kicked one stops asking); a few passes settle an instant.
   */
  function sync(): void {
    for (let pass = 0; pass < SYNC_PASSES; pass++) {
      if (levelsDirty) recomputeLevels();
      if (dirtyCount > 0) {
        for (let i = 0; i < dirtyCount; i++) {
          const v = dirty[i]!;
          v.inDirty = false;
          if (!v.vm.removed) apply(v);
        }
        dirtyCount = 0;
      }
      if (!touched) return;
      touched = false;
      // Falls first, then rises: a guest CPU coming back then sees which of its CPUs just went
      // (its most-owed task may be stuck there) and takes that task, as a guest does when one vCPU
      // is descheduled and another scheduled at the same host tick.
      const list = pushCandidates();
      const count = listed;
      const outer = candidatesInUse;
      candidatesInUse = list === candidates;
      let settling: VmRec[] | null;
      try {
        settling = pushCapacities(list, count);
      } finally {
        candidatesInUse = outer;
      }
      if (settling !== null) {
        // Every capacity of the pass is in: guests that move work between their vCPUs answer now.
        if (settling.length > 1) settling.sort(bySeq);
        for (const vm of settling) {
          vm.settling = false;
          if (vm.removed) continue;
          vm.guest.settleDemands!(vm.vcpus.map(rateNow));
        }
      }
      if (dirtyCount === 0 && !levelsDirty) return;
    }
  }

  /** A vCPU task's host rate now (the scheduler's `taskRate`, or its stats where a scheduler lacks it). */
  const rateOf: (id: string) => number = host.taskRate === undefined ? (id) => host.taskStats(id).rate : (id) => host.taskRate!(id);

  /** Push each listed vCPU's host rate × speed to its guest CPU, falls then rises; the guests to settle after (or null). */
  function pushCapacities(list: readonly Vcpu[], count: number): VmRec[] | null {
    let settling: VmRec[] | null = null;
    for (const rising of PUSH_PASSES) {
      for (let i = 0; i < count; i++) {
        const v = list[i]!;
        if (v.vm.removed) continue;
        const rate = rateNow(v);
        const capacity = Math.min(1, rate * speed);
        if (capacity !== v.pushed && capacity > v.pushed === rising) {
          v.pushed = capacity;
          v.vm.guest.setCpuCapacity(v.index, capacity);
          markStale(v.vm);
          if (v.vm.guest.settleDemands !== undefined && !v.vm.settling) {
            v.vm.settling = true;
            (settling ??= []).push(v.vm);
          }
        }
      }
    }
    return settling;
  }

  /**
   * The vCPUs whose host rate may have moved since the last pass, in creation order: the host
   * scheduler's change-set (`takeRateChanges`) and the vCPUs just added; every vCPU when the
   * scheduler cannot tell (its first answer, a rebuild after a change of limits) or lacks the method.
   */
  function pushCandidates(): readonly Vcpu[] {
    // One list per host, reused (a fresh one if a guest's callback re-entered a sync that is reading
    // it); its first `listed` entries count (emptying an array would drop its storage).
    if (dedicated) {
      // The vCPUs whose rate moved here (each listed once: `applyDedicated`).
      const list = candidatesInUse ? [] : candidates;
      for (let i = 0; i < dedCount; i++) list[i] = dedChanged[i]!;
      const n = dedCount;
      dedCount = 0;
      return withFresh(list, n);
    }
    const changes = host.takeRateChanges?.();
    if (changes === undefined || changes.all) {
      freshCount = 0;
      const everyone = allVcpus();
      listed = everyone.length;
      return everyone;
    }
    const list = candidatesInUse ? [] : candidates;
    let n = 0;
    for (const id of changes.tasks) {
      const v = byId.get(id);
      if (v === undefined || v.listed) continue;
      v.listed = true;
      list[n++] = v;
    }
    return withFresh(list, n);
  }

  /** `list`'s first `n` vCPUs (marked `listed`) and the vCPUs just added, each once, in creation order. */
  function withFresh(list: Vcpu[], n: number): readonly Vcpu[] {
    for (let i = 0; i < freshCount; i++) {
      const v = fresh[i]!;
      if (v.listed) continue;
      v.listed = true;
      list[n++] = v;
    }
    freshCount = 0;
    for (let i = 0; i < n; i++) list[i]!.listed = false;
    if (n > 1) sortFirst(list, n);
    listed = n;
    return list;
  }

  function vmOf(name: string): VmRec {
    const vm = vms.get(name);
    if (vm === undefined) throw new NotFoundError('vm', name);
    return vm;
  }

  /** `all` again from `vms`, when a removal left it stale (only when a pass needs every vCPU). */
  function allVcpus(): readonly Vcpu[] {
    if (allStale) {
      allStale = false;
      all.length = 0;
      for (const vm of vms.values()) for (const v of vm.vcpus) all.push(v);
    }
    return all;
  }

  function createGroups(vm: VmRec): void {
    if (policy === 'priority' && !levelWeights.has(vm.level) && !host.listGroups().includes(levelGroup(vm.level))) {
      host.addGroup(levelGroup(vm.level), { weight: PRIORITY_SERVED_WEIGHT });
      levelWeights.set(vm.level, PRIORITY_SERVED_WEIGHT);
    }
    host.addGroup(vm.path, vmGroupLimits(policy, vm.spec));
    for (let i = 0; i < vm.spec.vcpus; i++) host.addGroup(`${vm.path}/vcpu${i}`, vcpuGroupLimits(policy, vm.spec, i));
  }

  const api: NestedHost = {
    cpus: host.cpus,
    speed,
    policy,
    fidelity,
    scheduler: host,
    now: () => host.now(),

    addVm(name, spec, guest) {
      if (typeof name !== 'string' || !NAME.test(name)) {
        throw new ValidationError(`vm name must be 1-64 of A-Z a-z 0-9 _ . -, got ${String(name)}`, { path: 'name', value: name });
      }
      if (vms.has(name)) throw new ConflictError(`vm '${name}' already exists on this host`, { vm: name });
      requireObject(`vm ${name}: cpu spec`, spec, '{ vcpus, and the settings of the host\'s policy }');
      validateVmCpuSpec(policy, spec, host.cpus);
      checkGuestCpus(guest, name);
      if (guest.cpus !== spec.vcpus) {
        throw new ValidationError(`vm ${name}: the guest has ${guest.cpus} CPUs but the VM ${spec.vcpus} vCPUs`, { path: 'vcpus', value: spec.vcpus });
      }
      if (guest.now() !== host.now()) {
        throw new ValidationError(`vm ${name}: the guest's clock (${guest.now()} µs) is not the host's (${host.now()} µs)`, { path: 'guest', value: guest.now() });
      }
      const level = spec.priority ?? 0;
      const path = policy === 'priority' ? `${levelGroup(level)}/${name}` : `/${name}`;
      const follows = typeof guest.follow === 'function';
      const vm: VmRec = { name, spec: { ...spec }, path, level, guest, vcpus: [], removed: false, seq: nextVmSeq++, follows, heap: null as unknown as HeapSlot<VmRec>, stale: false, settling: false };
      vm.heap = new HeapSlot(vm);
      createGroups(vm);
      for (let i = 0; i < spec.vcpus; i++) {
        const id = `${name}/vcpu${i}`;
        host.addTask(id, `${path}/vcpu${i}`, { runnable: false });
        const v: Vcpu = { vm, index: i, id, ref: host.taskRef(id), seq: nextSeq++, inDirty: false, listed: false, demand: HALTED, hostRunnable: false, hostDemand: 1, held: false, heldSteal: 0, heldSince: host.now(), pushed: -1, dRate: 0, dSince: host.now(), dUsed: 0, schedCpu: 0, schedWait: 0 };
        vm.vcpus.push(v);
        byId.set(id, v);
        fresh[freshCount++] = v;
      }
      vms.set(name, vm);
      vcpuCount += spec.vcpus;
      if (limited(vm.spec)) limitedVms++;
      if (!allStale) for (const v of vm.vcpus) all.push(v);
      touched = true;
      if (policy === 'priority') levelsDirty = true;
      if (follows) {
        const clock: GuestClock = { now: () => host.now(), changed: () => markStale(vm) };
        guest.follow!(clock);
        markStale(vm);
      } else polled.push(vm);
      updateMode();
      guest.connect((cpu, demand) => {
        const v = vm.vcpus[cpu];
        if (v === undefined) throw new ValidationError(`guest of ${name}: no cpu ${cpu}`, { path: 'cpu', value: cpu });
        report(v, demand);
      });
    },

    removeVm(name) {
      const vm = vmOf(name);
      vm.removed = true;
      if (vm.follows) {
        guestHeap.remove(vm.heap);
        vm.guest.follow!(null);
      } else polled.splice(polled.indexOf(vm), 1);
      for (const v of vm.vcpus) {
        host.removeTask(v.id);
        host.removeGroup(`${vm.path}/vcpu${v.index}`);
        byId.delete(v.id);
        confinedTo.delete(v);
      }
      host.removeGroup(vm.path);
      vms.delete(name);
      vcpuCount -= vm.spec.vcpus;
      if (limited(vm.spec)) limitedVms--;
      allStale = true;
      touched = true;
      if (policy === 'priority') levelsDirty = true;
      updateMode();
    },

    setVmCpu(name, patch) {
      const vm = vmOf(name);
      if ((patch as { vcpus?: unknown }).vcpus !== undefined) {
        throw new ValidationError(`vm ${name}: vcpus cannot change on a defined VM`, { path: 'vcpus', value: (patch as { vcpus?: unknown }).vcpus });
      }
      const next: VmCpuSpec = { ...vm.spec, ...patch };
      validateVmCpuSpec(policy, next, host.cpus);
      // The vCPU groups are rebuilt or reset to the pins below; the levels confine them again.
      for (const v of vm.vcpus) confinedTo.delete(v);
      const level = next.priority ?? 0;
      limitedVms += (limited(next) ? 1 : 0) - (limited(vm.spec) ? 1 : 0);
      if (policy === 'priority' && level !== vm.level) {
        // Groups cannot move: build the VM's groups under the new level, move the tasks, drop the old ones.
        const old = vm.path;
        vm.level = level;
        vm.path = `${levelGroup(level)}/${name}`;
        vm.spec = next;
        createGroups(vm);
        for (const v of vm.vcpus) {
          host.moveTask(v.id, `${vm.path}/vcpu${v.index}`);
          host.removeGroup(`${old}/vcpu${v.index}`);
        }
        host.removeGroup(old);
        levelsDirty = true;
      } else {
        vm.spec = next;
        host.setGroupLimits(vm.path, vmGroupLimits(policy, next));
        for (let i = 0; i < next.vcpus; i++) host.setGroupLimits(`${vm.path}/vcpu${i}`, vcpuGroupLimits(policy, next, i));
      }
      touched = true;
      updateMode();
    },

    nextEventTime() {
      flush();
      return Math.min(host.nextEventTime(), guestsNext());
    },

    advanceTo(time) {
      if (typeof time !== 'number' || Number.isNaN(time)) {
        throw new ValidationError(`host: advanceTo needs a time in whole µs, got ${String(time)}`, { path: 'time', value: time });
      }
      if (!(time >= host.now())) {
        throw new ValidationError(`host: advanceTo(${time}) is before now (${host.now()} µs)`, { path: 'time', value: time });
      }
      let events: GroupSchedulerEvent[] | null = null;
      flush();
      for (;;) {
        const hostNext = host.nextEventTime();
        const next = Math.min(time, hostNext, guestsNext());
        if (hostNext <= next) touched = true;
        const stepped = host.advanceTo(next);
        if (stepped.length > 0) events = appendAll(events, stepped);
        advanceGuests(next);
        sync();
        if (next >= time) return events ?? NO_EVENTS;
      }
    },

    vcpuStats(name, vcpu) {
      flush();
      const vm = vmOf(name);
      const v = vm.vcpus[vcpu];
      if (v === undefined) throw new NotFoundError('vcpu', `${name}/vcpu${String(vcpu)}`);
      const s = host.taskStats(v.id);
      const held = v.held && v.demand.runnable ? (host.now() - v.heldSince) * v.demand.demand : 0;
      const stealUsec = Math.round(s.waitUsec + v.heldSteal + held);
      return {
        vm: name,
        vcpu,
        hostCpuUsec: s.cpuUsec + Math.round(dedicatedUsec(v)),
        stealUsec,
        stealTicks: Math.floor((stealUsec * USER_HZ) / 1_000_000),
        rate: dedicated ? v.dRate : s.rate,
        capacity: Math.max(0, v.pushed),
        demand: v.demand,
        held: v.held,
      };
    },

    vcpuUsage(name, vcpu) {
      const vm = vmOf(name);
      const v = vm.vcpus[vcpu];
      if (v === undefined) throw new NotFoundError('vcpu', `${name}/vcpu${String(vcpu)}`);
      // A sampler asks for every vCPU each interval: while dedicated the scheduler's part is frozen (read
      // at the switch), else read by handle where the scheduler reads by handle.
      const waitUsec = dedicated ? v.schedWait : schedulerWait(v);
      const cpuUsec = (dedicated ? v.schedCpu : schedulerCpu(v)) + Math.round(dedicatedUsec(v));
      const held = v.held && v.demand.runnable ? (host.now() - v.heldSince) * v.demand.demand : 0;
      return { hostCpuUsec: cpuUsec, stealUsec: Math.round(waitUsec + v.heldSteal + held) };
    },

    listVms: () => [...vms.keys()],
  };
  return api;
}
