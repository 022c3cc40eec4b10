// The memory controller's public contract: what the kernel model tells the memory model (cgroups,
// processes, limits, charges) and what it hears back (charge outcomes, OOM kill orders, statistics).
// The factory lives in create-memory-model.ts so that the implementation files can import these types.
import type { MemoryEvents, MemoryStat } from '../cgroupfs/memory-files.js';
import type { MemoryLimit } from '../cgroupfs/memparse.js';

/** What a charge is for: anonymous memory (a process's heap, freed at exit) or page cache (kept by the cgroup). */
export type MemoryChargeKind = 'anon' | 'file';

/** Options of `createMemoryModel`. */
export interface MemoryModelOptions {
  /** RAM available to the cgroup tree, bytes (an integer ≥ 4096; rounded down to whole pages). */
  readonly ram: number;
  /** Swap space, bytes (default 0: no swap; rounded down to whole pages). */
  readonly swap?: number;
  /** Timer frequency the memory.high penalty is computed in (jiffies): 100, 250 (default), 300 or 1000. */
  readonly hz?: number;
  /** The `memory_recursiveprot` mount option: unclaimed memory.min/low protection flows to children (default false). */
  readonly recursiveProtection?: boolean;
}

/** A size to set a limit to: bytes (an integer; rounded down to whole pages as page_counter_memparse does) or 'max'. */
export type MemoryLimitSetting = number | 'max';

/** A patch of a cgroup's memory limits (absent fields keep their value). */
export interface MemoryLimitsPatch {
  readonly min?: MemoryLimitSetting;
  readonly low?: MemoryLimitSetting;
  readonly high?: MemoryLimitSetting;
  readonly max?: MemoryLimitSetting;
  readonly swapMax?: MemoryLimitSetting;
  readonly oomGroup?: boolean;
}

/** A cgroup's memory limits as stored (whole pages, in bytes, or 'max'). */
export interface MemoryLimits {
  readonly min: MemoryLimit;
  readonly low: MemoryLimit;
  readonly high: MemoryLimit;
  readonly max: MemoryLimit;
  readonly swapMax: MemoryLimit;
  readonly oomGroup: boolean;
}

/** Options of `addProcess`. */
export interface MemoryProcessOptions {
  /** /proc/PID/oom_score_adj, an integer −1000..1000 (default 0); −1000 is never chosen by the OOM killer. */
  readonly oomScoreAdj?: number;
  /** The global init or a kernel thread: never an OOM victim, never killed with its oom.group (default false). */
  readonly unkillable?: boolean;
}

/** Where an OOM happened: at a cgroup's memory.max, or out of RAM (and swap) for the whole machine. */
export type OomScope = { readonly type: 'memcg'; readonly cgroup: string } | { readonly type: 'global' };

/** A process the OOM killer has chosen; the kernel must SIGKILL it and call `removeProcess` when it exits. */
export interface OomVictim {
  readonly pid: number;
  /** The victim's cgroup when it was chosen. */
  readonly cgroup: string;
  /** oom_badness() points at the choice, over the OOM's totalpages (an oom.group member: its own points). */
  readonly points: number;
  /** 'badness': the highest-scoring task; 'oom.group': killed with it because its memory.oom.group is set. */
  readonly reason: 'badness' | 'oom.group';
}

/** Memory that reclaim freed on the way to an outcome, bytes. */
export interface ReclaimTally {
  /** Page cache dropped. */
  readonly fileBytes: number;
  /** Anonymous memory written to swap (still the process's, now in swap). */
  readonly swappedBytes: number;
}

/**
 * The OOM killer acted. `victims` must be SIGKILLed (each leaves through `removeProcess`); then the
 * allocation is retried. `victims` is empty when earlier victims in the same scope have not exited
 * yet (`awaiting`): the kernel waits for them, as Linux's oom_evaluate_task aborts for a pending victim.
 */
export interface OomOutcome {
  readonly kind: 'oom';
  readonly scope: OomScope;
  readonly victims: readonly OomVictim[];
  /** The cgroup whose memory.oom.group made this a group kill, or null. */
  readonly oomGroup: string | null;
  readonly awaiting: readonly number[];
  readonly reclaimed: ReclaimTally;
}

/**
 * What one `charge` did, all or nothing: the whole amount was charged (maybe after reclaim, maybe
 * with a memory.high throttle the allocating process must sleep), or nothing was and the OOM killer
 * named victims, or nothing was and nobody could be killed (ENOMEM to the program).
 */
export type ChargeOutcome =
  | {
      readonly kind: 'charged';
      readonly bytes: number;
      /** Sleep owed by the allocating process for memory.high (mem_cgroup_handle_over_high), µs; 0 if none. */
      readonly throttleUsec: number;
      readonly reclaimed: ReclaimTally;
    }
  | OomOutcome
  | { readonly kind: 'failed'; readonly errno: 'ENOMEM'; readonly scope: OomScope; readonly reclaimed: ReclaimTally };

/**
 * What `setLimits` did: applied (after reclaim to a lowered memory.high or memory.max), or memory.max
 * is below usage and the OOM killer named victims (kill them, let them exit, then write the same max
 * again to continue), or no victim was eligible and usage stays above memory.max (the write still succeeds).
 */
export type LimitOutcome =
  | { readonly kind: 'applied'; readonly reclaimed: ReclaimTally }
  | OomOutcome
  | { readonly kind: 'over-limit'; readonly reclaimed: ReclaimTally };

/** A cgroup's memory accounting, in the cgroupfs types (bytes; events are counts). */
export interface MemoryCgroupStats {
  readonly path: string;
  /** memory.current: resident anon + page cache of the subtree. */
  readonly current: number;
  /** memory.peak: the high-water mark of memory.current. */
  readonly peak: number;
  /** memory.swap.current. */
  readonly swapCurrent: number;
  /** memory.events (this cgroup and its descendants). */
  readonly events: MemoryEvents;
  /** memory.events.local (this cgroup alone). */
  readonly eventsLocal: MemoryEvents;
  /** memory.stat (hierarchical): anon, file and pgfault are modelled, the rest stay 0. */
  readonly stat: MemoryStat;
  readonly limits: MemoryLimits;
}

/** A process's memory, as /proc/PID shows it. */
export interface MemoryProcessStats {
  readonly pid: number;
  readonly cgroup: string;
  readonly oomScoreAdj: number;
  /** Resident anonymous memory (RSS), bytes. */
  readonly rss: number;
  /** Its anonymous memory in swap, bytes. */
  readonly swap: number;
  /** /proc/PID/oom_score: (1000 + points × 1000 / totalpages) × 2 / 3 over RAM + swap; 0 when unkillable. */
  readonly oomScore: number;
  /** Chosen by the OOM killer and not yet removed. */
  readonly oomVictim: boolean;
}

/** The machine's memory. */
export interface MemoryGlobalStats {
  readonly ram: number;
  readonly used: number;
  readonly free: number;
  readonly swap: number;
  readonly swapUsed: number;
}

/** An opaque handle on one process of a memory model (`MemoryModel.processRef`); only its model accepts it, while the process is in it. */
export interface MemoryProcessRef {
  readonly memoryProcessRef: never;
}

/** An opaque handle on one cgroup of a memory model (`MemoryModel.cgroupRef`); only its model accepts it. */
export interface MemoryCgroupRef {
  readonly memoryCgroupRef: never;
}

/**
 * The cgroup v2 memory controller of one kernel. The kernel owns the cgroup tree and the processes
 * and mirrors them here: cgroups are added parents first ('/' exists) and removed children first;
 * a process is added to a cgroup, moved (its charges stay behind), and removed when it exits.
 * Its allocations go through `headroom` (how much fits without any slow path) and `charge` (all or
 * nothing). Every failed command throws a shared-types error and changes nothing.
 */
export interface MemoryModel {
  /** Add a cgroup under its parent (default: the path's dirname). Throws ConflictError, NotFoundError, ValidationError. */
  addCgroup(path: string, parent?: string): void;
  /** Remove a cgroup with no child and no process; its remaining charges move to the parent. */
  removeCgroup(path: string): void;
  /** Patch a cgroup's limits (not '/'); lowering memory.high or memory.max below usage reclaims, and memory.max may OOM-kill. */
  setLimits(path: string, patch: MemoryLimitsPatch): LimitOutcome;
  /** A cgroup's limits. */
  limits(path: string): MemoryLimits;
  /** Add a process (a new pid) to a cgroup. */
  addProcess(pid: number, path: string, options?: MemoryProcessOptions): void;
  /** Move a process to another cgroup; memory charged so far stays with the old cgroup, as in cgroup v2. */
  moveProcess(pid: number, path: string): void;
  /** Change a process's oom_score_adj (−1000..1000). */
  setOomScoreAdj(pid: number, oomScoreAdj: number): void;
  /** A process exits: its anonymous memory and swap are uncharged (page cache stays with its cgroup). */
  removeProcess(pid: number): void;
  /**
   * Bytes (whole pages) the process can charge now with no reclaim, no memory.high check that finds
   * its cgroups over high, and no limit hit: min over its cgroup and ancestors of max − current,
   * free RAM, and the pages before its next over-high check. The next page past it takes a slow path.
   */
  headroom(pid: number, kind: MemoryChargeKind): number;
  /** Charge `bytes` (a non-negative multiple of PAGE_SIZE) to the process's cgroup, all or nothing. */
  charge(pid: number, kind: MemoryChargeKind, bytes: number): ChargeOutcome;
  /**
   * Free memory: 'anon' from the process (newest charges first; throws if it has fewer bytes);
   * 'file' from the page cache of its cgroup, at most what reclaim left there. Returns bytes freed.
   */
  uncharge(pid: number, kind: MemoryChargeKind, bytes: number): number;
  /**
   * `charge` when it needs no slow path (free RAM, room under every memory.max of the cgroup's chain,
   * no memory.high on it): charges exactly as `charge` would (no reclaim, event or throttle) and
   * returns true; otherwise changes nothing and returns false (call `charge` then). Allocates nothing.
   * Throws as `charge` for a bad pid, kind or byte count.
   */
  tryCharge(pid: number, kind: MemoryChargeKind, bytes: number): boolean;
  /** A handle on a process for `tryChargeRef` and `unchargeRef` (resolved once: no lookup by pid per charge). Throws NotFoundError. */
  processRef(pid: number): MemoryProcessRef;
  /** `tryCharge` of the process `ref` names; NotFoundError once it has left the model. */
  tryChargeRef(ref: MemoryProcessRef, kind: MemoryChargeKind, bytes: number): boolean;
  /** `uncharge` of the process `ref` names; NotFoundError once it has left the model. */
  unchargeRef(ref: MemoryProcessRef, kind: MemoryChargeKind, bytes: number): number;
  /** A cgroup's memory accounting ('/' = the whole machine; its events are those Linux keeps for the root). */
  stats(path: string): MemoryCgroupStats;
  /** A handle on a cgroup for `currentBytes` (resolved once: no path lookup per read). Throws NotFoundError. */
  cgroupRef(path: string): MemoryCgroupRef;
  /** `stats(path).current` of the cgroup `ref` names, with nothing built; after `removeCgroup`, what it held last. */
  currentBytes(ref: MemoryCgroupRef): number;
  /** A process's memory. */
  processStats(pid: number): MemoryProcessStats;
  /** RAM and swap of the machine. */
  globalStats(): MemoryGlobalStats;
}
