// Types of the host part: a host's physical CPUs and hypervisor policy, a VM's vCPU settings, the
// `GuestCpus` seam a guest plugs into, and the composed nested host. Factories live in their own files.
import type { Micros } from '@strata/shared-types';
import type { GroupFidelity, GroupScheduler, GroupSchedulerEvent, GroupStepWatcher } from '@strata/core-scheduler';

/**
 * The hypervisor's vCPU scheduling policy. `credit`: Xen credit1 (weight, cap; the default);
 * `cfs`: KVM under libvirt (a cgroup per VM with `<shares>`, per-vCPU `<period>/<quota>`,
 * `<global_quota>`, `<vcpupin>`); `rr`: every VM the same weight; `priority`: strict priority
 * between levels (lower value first), round-robin within a level.
 */
export type VcpuPolicy = 'credit' | 'cfs' | 'rr' | 'priority';

/** Options of `createNestedHost`. */
export interface NestedHostOptions {
  /** Physical CPUs, 1..1024. */
  readonly cpus: number;
  /**
   * Speed rating of a physical CPU relative to Strata's reference CPU (CPU-µs at speed 1.0),
   * 0 < speed ≤ 1, default 1: a guest CPU given rate r of a pCPU delivers r × speed CPU-µs per µs.
   * (MIPS ratings convert as rating / reference rating.) Above 1 is refused: a guest CPU's capacity
   * is at most 1 in core-scheduler.
   */
  readonly speed?: number;
  /** Default `credit`. */
  readonly policy?: VcpuPolicy;
  /** Default `fluid`. */
  readonly fidelity?: GroupFidelity;
  /**
   * Exact host slice in µs (the group scheduler's tick, 100..100000). Default: 30000 for credit
   * (Xen's 30 ms timeslice), 4000 otherwise (HZ 250). Ignored by fluid.
   */
  readonly tick?: number;
  /** Start time, µs (default 0); every guest attached must be at the same time. */
  readonly start?: number;
  /**
   * The host scheduler's step watcher (core-scheduler's `watchSteps` contract: called with its step
   * count when it reaches the last threshold returned, returns the next; may throw to stop the run).
   * A run's work budget checks here, from inside the host's own work, as well as between events.
   */
  readonly watchSteps?: GroupStepWatcher;
  /**
   * @internal Take the dedicated-pCPU shortcut (README "Dedicated pCPUs"), default true. It gives
   * what the scheduler would; tests turn it off to compare the two.
   */
  readonly dedicatedFastPath?: boolean;
}

/**
 * A VM's vCPU settings. Which fields apply depends on the host's policy; a field of another policy
 * is a ValidationError (as a strict spec).
 *
 * - credit: `weight` 1..65535 (default 256), `cap` % of one pCPU for the whole domain (0 = none,
 *   at most 100 × vcpus), `pin`.
 * - cfs: `shares` (libvirt `<shares>`, written verbatim into cgroup v2 `cpu.weight`, 1..10000;
 *   default the kernel's 100), `period`/`quota` (per vCPU, µs; quota 1000.. or absent),
 *   `globalPeriod`/`globalQuota` (the whole VM), `pin`.
 * - rr: `pin` only (every VM weighs the same).
 * - priority: `priority` (an integer, lower runs first, default 0), `pin`.
 */
export interface VmCpuSpec {
  /** Number of vCPUs, 1..256. */
  readonly vcpus: number;
  readonly weight?: number;
  readonly cap?: number;
  readonly shares?: number;
  readonly period?: number;
  readonly quota?: number;
  readonly globalPeriod?: number;
  readonly globalQuota?: number;
  readonly priority?: number;
  /** Hard affinity: `pin[i]` lists the pCPUs vCPU i may run on (absent or null: any). */
  readonly pin?: readonly (readonly number[] | null | undefined)[];
}

/**
 * What a guest asks of one of its CPUs: `runnable` false = halted (HLT: the vCPU blocks on the host
 * and costs nothing); `demand` (0 < demand ≤ 1) the most of a CPU it can use (a guest-level limit:
 * a capped task, a quota).
 */
export interface VcpuDemand {
  readonly runnable: boolean;
  readonly demand: number;
}

/** Called by a guest whenever the demand of one of its CPUs changes (synchronously, from a command or `advanceTo`). */
export type VcpuDemandListener = (cpu: number, demand: VcpuDemand) => void;

/**
 * A guest: anything that runs on a VM's vCPUs (core-cluster plugs a container kernel in; tests use
 * `createSchedulerGuest`). A passive model sharing the host's clock. Lifecycle: the host calls
 * `connect(listener)` once when the VM is added (the guest reports every CPU's demand at once, then
 * each change), then `setCpuCapacity` and `advanceTo` as time goes on; the guest never advances by
 * itself.
 */
export interface GuestCpus {
  /** Number of guest CPUs (= the VM's vCPUs). */
  readonly cpus: number;
  /** The guest's clock, µs; equal to the host's when connected. */
  now(): Micros;
  /** Attach the host's listener; the guest reports the demand of every CPU before returning. */
  connect(listener: VcpuDemandListener): void;
  /** Guest CPU `cpu` delivers `capacity` (0..1) CPU-µs per µs from now on. */
  setCpuCapacity(cpu: number, capacity: number): void;
  /** Time of the guest's next internal event, or Infinity. */
  nextEventTime(): number;
  /** Run the guest to `time` (≥ now). */
  advanceTo(time: number): void;
  /**
   * Optional: the guest can keep up by itself, so a host visits it only when it is due. The host
   * calls `follow(clock)` when it adds the guest and `follow(null)` when it lets go. While it follows
   * a clock, the guest's time is `clock.now()`: before anything reads or commands it (its `now`,
   * `setCpuCapacity`, its own commands and stats), it runs itself to that time (the host has run it
   * through every event due before); and after each of its own commands that may move its
   * `nextEventTime()` it calls `clock.changed()`. `follow(null)`: it runs to the clock's time and
   * keeps its own clock again. A guest without `follow` is asked and advanced at every host event.
   */
  follow?(clock: GuestClock | null): void;
  /**
   * Optional: after a pass of an instant that pushed capacities to this guest, the host rate of each
   * of its CPUs (fraction of a pCPU, the unit of `VcpuDemand.demand`). A guest may answer with new
   * demands (a guest whose vCPU gets less than it asks moves work to a vCPU that is served); the
   * host applies them at the same instant.
   */
  settleDemands?(rates: readonly number[]): void;
}

/** The clock a host gives a guest that follows it (`GuestCpus.follow`). */
export interface GuestClock {
  /** The host's time now, µs. */
  now(): Micros;
  /** Called by the guest after a command of its own that may move its next event. */
  changed(): void;
}

/** CPU accounting of one vCPU, host side and as the guest's /proc/stat shows it. */
export interface VcpuStats {
  readonly vm: string;
  readonly vcpu: number;
  /** pCPU time the host gave this vCPU, µs. */
  readonly hostCpuUsec: number;
  /** Steal: runnable on the host but not running, µs (halted time is not steal). */
  readonly stealUsec: number;
  /** The same in USER_HZ (100) ticks, the 8th value of the guest's `cpuN` line in /proc/stat. */
  readonly stealTicks: number;
  /** Current host rate (fraction of a pCPU; exact: 1 while on a pCPU, else 0). */
  readonly rate: number;
  /** Capacity pushed to the guest CPU (rate × speed). */
  readonly capacity: number;
  /** The guest's demand on this vCPU. */
  readonly demand: VcpuDemand;
  /** priority policy: held back because a higher level uses every pCPU. */
  readonly held: boolean;
}

/**
 * A host whose VMs' vCPUs are tasks of one group scheduler and CPUs of their guests, on one clock.
 * A passive model: a composer keeps one pending event at `nextEventTime()` and re-arms it after every
 * command, to the host or to a guest (a guest's commands apply at the shared now; what they change in
 * its demand reaches the host at that instant, when the host is next asked anything). Likewise the
 * host's own commands (`addVm`, `removeVm`, `setVmCpu`) change the host scheduler at once, and the
 * capacities they move reach the guests at that instant when the host is next asked anything
 * (`nextEventTime`, `advanceTo`, `vcpuStats`): many commands at one instant settle once. Per event
 * the host pushes a capacity only to the vCPUs whose host rate moved (the scheduler's
 * `takeRateChanges`).
 */
export interface NestedHost {
  readonly cpus: number;
  readonly speed: number;
  readonly policy: VcpuPolicy;
  readonly fidelity: GroupFidelity;
  /**
   * The host group scheduler (read its stats; do not command it directly). While every vCPU has a
   * pCPU of its own (README "Dedicated pCPUs") the host keeps the vCPUs' rates itself and their
   * scheduler tasks stay blocked: read vCPUs with `vcpuStats` / `vcpuUsage`.
   */
  readonly scheduler: GroupScheduler;
  now(): Micros;
  /**
   * Add a VM with its guest (`guest.cpus` must equal `spec.vcpus`, `guest.now()` the host's).
   * ValidationError (bad spec, a field of another policy, bad name), ConflictError (name used);
   * nothing changes on failure.
   */
  addVm(name: string, spec: VmCpuSpec, guest: GuestCpus): void;
  /** Remove a VM; its guest is detached (its CPUs keep their last capacity). NotFoundError. */
  removeVm(name: string): void;
  /** Change a VM's settings (patch; `vcpus` may not change). Same validation as `addVm`. */
  setVmCpu(name: string, patch: Partial<Omit<VmCpuSpec, 'vcpus'>>): void;
  /** The earliest next event of the host scheduler and every guest, or Infinity. */
  nextEventTime(): number;
  /** Run host and guests together to `time`; returns the host scheduler's events (throttling). */
  advanceTo(time: number): readonly GroupSchedulerEvent[];
  vcpuStats(vm: string, vcpu: number): VcpuStats;
  /**
   * `vcpuStats`' `hostCpuUsec` and `stealUsec` alone: what accrued up to now, without applying this
   * instant's pending changes (they take effect from now on and do not move what accrued), so
   * reading it after each of many commands at one instant costs O(1) each. NotFoundError.
   */
  vcpuUsage(vm: string, vcpu: number): { readonly hostCpuUsec: number; readonly stealUsec: number };
  /** Every VM name, in insertion order. */
  listVms(): string[];
}
