// The public contract of the host memory model: options, per-VM views, Firecracker's balloon API
// objects and statistics, and the passive model itself.
import type { BalloonDeflatedOnOomEvent, BalloonTargetReachedEvent, Bytes, Micros, VmOomKilledEvent } from '@strata/shared-types';

/** Bytes per guest page (the balloon works in 4 KiB pages). */
export const PAGE_BYTES = 4096;
/** Firecracker's MIB_TO_4K_PAGES. */
export const MIB_TO_4K_PAGES = 256;
/** Pages the guest driver moves per balloon virtqueue message (Linux VIRTIO_BALLOON_ARRAY_PFNS_MAX). */
export const BALLOON_BATCH_PAGES = 256;
/** Pages given back per guest OOM notification with DEFLATE_ON_OOM (Linux VIRTIO_BALLOON_OOM_NR_PAGES). */
export const BALLOON_OOM_DEFLATE_PAGES = 256;
/** The guest retries an inflation it could not satisfy ("Out of puff!") after 0.2 s. */
export const BALLOON_OUT_OF_PUFF_RETRY_US = 200_000;
/** Firecracker's published VMM overhead bound: 5 MiB. */
export const DEFAULT_VMM_OVERHEAD_BYTES = 5 * 1024 * 1024;
/** Default balloon inflate/deflate rate, bytes/s: a model parameter (no published figure; the balloon is "slow"). */
export const DEFAULT_BALLOON_BYTES_PER_SECOND = 128 * 1024 * 1024;

/** Options of `createHostMemory`. */
export interface HostMemoryOptions {
  /** Host RAM the VMs' footprints share, bytes, integer ≥ 1. */
  readonly ramBytes: number;
  /** Guest memory that may be allocated = ⌊ratio × ramBytes⌋; a finite float > 0 (default 1: no overcommit). */
  readonly overcommitRatio?: number;
  /** Host memory each running VM's VMM process uses besides guest RAM, bytes (default 5 MiB). */
  readonly vmmOverheadBytes?: number;
  /** Rate at which a balloon inflates or deflates, bytes/s, integer ≥ 1 (default 128 MiB/s). */
  readonly balloonBytesPerSecond?: number;
  /** Start time, integer µs (default 0). */
  readonly start?: number;
  /** Called when the host OOM killer kills a VM (the lifecycle turns it into a crash). */
  readonly onOomKill?: (event: VmOomKilledEvent) => void;
}

/** PUT /balloon (Firecracker swagger `Balloon`), before boot only. */
export interface BalloonConfig {
  readonly amount_mib: number;
  readonly deflate_on_oom: boolean;
  /** 0 disables statistics; otherwise seconds between the guest's reports. */
  readonly stats_polling_interval_s?: number;
}

/** PATCH /balloon (swagger `BalloonUpdate`), after boot only. */
export interface BalloonUpdate {
  readonly amount_mib: number;
}

/** PATCH /balloon/statistics (swagger `BalloonStatsUpdate`), after boot only. */
export interface BalloonStatsUpdate {
  readonly stats_polling_interval_s: number;
}

/**
 * GET /balloon/statistics, Firecracker's field names: the target and actual size in 4 KiB pages and
 * MiB, and the guest counters this model knows (bytes). The guest's counters are the current ones
 * (the model does not hold them back to the last poll).
 */
export interface BalloonStats {
  readonly target_pages: number;
  readonly actual_pages: number;
  readonly target_mib: number;
  readonly actual_mib: number;
  /** Guest memory neither used by the workload nor held by the balloon. */
  readonly free_memory: number;
  /** Guest memory the guest manages: balloon pages leave it unless DEFLATE_ON_OOM (as Linux's driver does). */
  readonly total_memory: number;
  /** As free_memory: the model has no page cache. */
  readonly available_memory: number;
}

/** Phases of a VM's memory. */
export type VmMemoryPhase = 'stopped' | 'running' | 'paused';

/** A VM's memory as the host sees it. */
export interface VmMemoryState {
  readonly vm: string;
  readonly phase: VmMemoryPhase;
  /** Configured guest memory. */
  readonly guestBytes: Bytes;
  /** Guest memory the workload holds now. */
  readonly inUseBytes: Bytes;
  /** Guest RAM backed by the host: touched and not given back by the balloon. */
  readonly residentBytes: Bytes;
  /** Guest memory the balloon holds (actual pages × 4 KiB). */
  readonly balloonBytes: Bytes;
  /** Host memory the VM uses: resident + VMM overhead while running or paused; 0 stopped. */
  readonly footprintBytes: Bytes;
  /** True when the workload wants more than the guest can give (no free memory, no balloon to deflate). */
  readonly starved: boolean;
  /** "Out of puff" retries of the balloon so far. */
  readonly outOfPuff: number;
}

/**
 * A paused VM's memory as plain data (`saveVm` / `restoreVm`, Firecracker's `Persist`): the configured
 * size, the workload (bytes in use, its target and touch rate), the touched pages still resident, and
 * the balloon. Bytes are integers; no times (a paused VM's memory does not move).
 */
export interface VmMemorySnapshot {
  readonly guestBytes: number;
  readonly inUseBytes: number;
  readonly residentBytes: number;
  readonly wantBytes: number;
  readonly bytesPerSecond: number;
  readonly balloon: { readonly config: BalloonConfig; readonly targetPages: number; readonly actualPages: number; readonly outOfPuff: number } | null;
}

/** The host's memory. */
export interface HostMemoryState {
  readonly ramBytes: Bytes;
  /** Σ footprints of running and paused VMs (≤ ramBytes after every step). */
  readonly usedBytes: Bytes;
  /** Σ configured guest memory of the VMs added. */
  readonly allocatedBytes: Bytes;
  /** ⌊overcommitRatio × ramBytes⌋. */
  readonly allocationLimitBytes: Bytes;
}

/** A fact reported by `advanceTo`. */
export type HostMemoryEvent = VmOomKilledEvent | BalloonTargetReachedEvent | BalloonDeflatedOnOomEvent;

/**
 * A passive model of one host's memory (ARCHITECTURE.md, "Driving models"): guest RAM committed on
 * touch, an overcommit check at allocation, a virtio balloon per VM with Firecracker's API, and the
 * host OOM killer. Per VM: `addVm` → (`putBalloon` | `setGuestMemory`)* → `startVm` →
 * (`setWorkload` | `patchBalloon` | `patchBalloonStatistics` | `pauseVm` | `resumeVm`)* →
 * (`stopVm` → `startVm`)* → `removeVm`. Commands apply at `now()`; `advanceTo(t)` returns the facts,
 * including those a command caused at `now()`. A failed command throws a typed error and changes nothing.
 */
export interface HostMemory {
  now(): Micros;
  /** Allocate a VM's guest memory (define). E_INSUFFICIENT_RESOURCES past the overcommit limit, E_CONFLICT for a known id. */
  addVm(vm: string, spec: { readonly memoryBytes: number }): void;
  /** Release a stopped VM's allocation. E_INVALID_TRANSITION when running. */
  removeVm(vm: string): void;
  /** PUT /machine-config's mem_size_mib before boot: checked against the overcommit limit and the balloon target. */
  setGuestMemory(vm: string, memoryBytes: number): void;
  /** InstanceStart: the VMM's overhead is committed, guest RAM is untouched, the balloon activates. */
  startVm(vm: string): void;
  /** The VM stopped (shut down, destroyed): its host memory is freed; it stays allocated. */
  stopVm(vm: string): void;
  /** vCPUs stop: the workload and the balloon driver make no progress. */
  pauseVm(vm: string): void;
  resumeVm(vm: string): void;
  /** The guest's workload wants `bytes` (≤ guest memory) in use, touching at `bytesPerSecond` (omitted: at once). Less frees at once (pages stay resident). */
  setWorkload(vm: string, workload: { readonly bytes: number; readonly bytesPerSecond?: number }): void;
  /** PUT /balloon, before boot only. */
  putBalloon(vm: string, config: BalloonConfig): void;
  /** PATCH /balloon (the target), after boot only. */
  patchBalloon(vm: string, update: BalloonUpdate): void;
  /** PATCH /balloon/statistics (the polling interval; not on/off), after boot only. */
  patchBalloonStatistics(vm: string, update: BalloonStatsUpdate): void;
  /** GET /balloon. E_NOT_FOUND when none. */
  balloon(vm: string): BalloonConfig;
  /** GET /balloon/statistics. */
  balloonStatistics(vm: string): BalloonStats;
  vm(vm: string): VmMemoryState;
  /** `vm(vm).phase` alone, without computing the rest (a composer checks it at every reconcile). NotFoundError. */
  phaseOf(vm: string): VmMemoryPhase;
  /** A paused VM's memory as plain data. E_INVALID_TRANSITION unless paused. */
  saveVm(vm: string): VmMemorySnapshot;
  /** Load `state` into an added, never-started VM: it comes up paused, its memory as saved (E_INVALID_TRANSITION once started; E_INSUFFICIENT_RESOURCES past the overcommit limit). */
  restoreVm(vm: string, state: VmMemorySnapshot): void;
  host(): HostMemoryState;
  /** Ids of the VMs, in the order added. */
  vmIds(): string[];
  nextEventTime(): number;
  /** Run to `time`; the facts since the last call, in time order (a shared empty list when none: do not modify). */
  advanceTo(time: number): readonly HostMemoryEvent[];
}
