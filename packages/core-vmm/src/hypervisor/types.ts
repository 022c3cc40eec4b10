// Types of the hypervisor facade: one physical host's options, a VM's spec, the VM view, the facts
// `advanceTo` reports. Types only (the factory imports them).
import type { GroupFidelity, GroupSchedulerEvent } from '@strata/core-scheduler';
import type { DeviceIoCompletedEvent, Micros } from '@strata/shared-types';
import type { BlockRequest, DeviceCounters, DriveConfig, DrivePatch, Frame, HostDiskSpec, NetworkInterfaceConfig, NetworkInterfacePatch, VmDevicesSnapshot } from '../devices/types.js';
import type { GuestCpus, VcpuPolicy, VcpuStats, VmCpuSpec } from '../host/types.js';
import type { VmLifecycleEvent } from '../lifecycle/transition.js';
import type { VmFlavor } from '../lifecycle/types.js';
import type { VmTimingsInput, VmView } from '../lifecycle/vm-lifecycles.js';
import type { BalloonConfig, BalloonStatsUpdate, BalloonUpdate, HostMemoryEvent, VmMemorySnapshot, VmMemoryState } from '../memory/types.js';
import type { DirtyModel } from '../migration/dirty-model.js';
import type { VmCpuSnapshot, VmSnapshot } from '../snapshots/types.js';

/** The physical host: pCPUs (and their speed), RAM, the overcommit ratio and the disk. */
export interface HypervisorHostSpec {
  readonly cpus: number;
  readonly speed?: number;
  /** RAM, bytes. */
  readonly memory: number;
  /** Allocation limit = ⌊overcommitRatio × memory⌋ (default 1). */
  readonly overcommitRatio?: number;
  readonly disk?: HostDiskSpec;
}

/** Options of `createHypervisor`. */
export interface HypervisorOptions {
  readonly host: HypervisorHostSpec;
  /** vCPU scheduling policy (default credit). */
  readonly policy?: VcpuPolicy;
  readonly fidelity?: GroupFidelity;
  /** Start time, µs (default 0). */
  readonly start?: number;
  readonly libvirtTimings?: VmTimingsInput;
  readonly firecrackerTimings?: VmTimingsInput;
  /** Host memory the VMM process commits per running VM (default `DEFAULT_VMM_OVERHEAD_BYTES`). */
  readonly vmmOverheadBytes?: number;
  /** The disk snapshot memory files are written to, bytes/s (default `DEFAULT_SNAPSHOT_DISK_BYTES_PER_SECOND`). */
  readonly snapshotDiskBytesPerSecond?: number;
}

/** What a guest's memory workload does: holds `bytes`, touching them at `bytesPerSecond`, and keeps rewriting its working set. */
export interface HypervisorWorkload {
  readonly bytes: number;
  readonly bytesPerSecond?: number;
  /** D: bytes/s the guest writes into memory it already touched (finite ≥ 0, default 0): diff snapshots and live migration resend them. */
  readonly dirtyBytesPerSecond?: number;
  /** W: the writable working set, bytes (integer 0..memoryBytes, default `bytes`): no interval dirties more. */
  readonly wssBytes?: number;
}

/** A VM as `defineVm` takes it. */
export interface HypervisorVmSpec {
  readonly name: string;
  readonly vcpus: number;
  /** Guest RAM, bytes (a microVM's: whole MiB). */
  readonly memoryBytes: number;
  /** Front end (default libvirt). */
  readonly flavor?: VmFlavor;
  /** Scheduling parameters of the host policy (credit weight/cap, cfs shares/quota/pins, priority). */
  readonly cpu?: Omit<VmCpuSpec, 'vcpus'>;
  readonly drives?: readonly DriveConfig[];
  readonly nics?: readonly NetworkInterfaceConfig[];
  readonly balloon?: BalloonConfig;
  /** What runs on the vCPUs; `guest.cpus` must equal `vcpus` and `guest.now()` the hypervisor's now. */
  readonly guest: GuestCpus;
  /** The guest's memory workload, applied at every start (bytes ≤ memoryBytes), and its dirty rate. */
  readonly workload?: HypervisorWorkload;
  readonly timings?: VmTimingsInput;
}

/** One VM as the hypervisor shows it: every part's view. */
export interface HypervisorVmView {
  readonly name: string;
  readonly lifecycle: VmView;
  /** Whether the vCPUs are tasks of the host scheduler now (only while the guest runs). */
  readonly onHost: boolean;
  /** Per vCPU; null while the vCPUs are off the host. */
  readonly vcpus: readonly VcpuStats[] | null;
  /** Accumulated over every period on the host (host time given, steal), µs; carried by snapshots and migrations. */
  readonly cpuTotals: { readonly hostCpuUsec: number; readonly stealUsec: number };
  /** The same per vCPU. */
  readonly vcpuTotals: readonly { readonly hostCpuUsec: number; readonly stealUsec: number }[];
  /** The scheduling settings in force (`cpu` of the spec, as changed by `setVmCpu`). */
  readonly cpu: Omit<VmCpuSpec, 'vcpus'>;
  /** An incoming live migration not yet completed (`receiveMigration`). */
  readonly incoming: boolean;
  readonly memory: VmMemoryState;
  /** Counters per device queue: drives' `blk`, NICs' `tx` / `rx`. */
  readonly devices: Readonly<Record<string, DeviceCounters>>;
  /** The live migration's throttle now, percent (0: none). */
  readonly throttlePercent: number;
}

/**
 * A VM's state carried from a migration's source to its destination at the switch-over
 * (`outgoingState` → `completeIncoming`): vCPU settings and accounting, memory, devices. Plain data.
 */
export interface VmCarriedState {
  readonly vm: string;
  readonly cpu: VmCpuSnapshot;
  readonly memory: VmMemorySnapshot;
  readonly devices: VmDevicesSnapshot;
}

/** A fact reported by `advanceTo`, from any part. */
export type HypervisorEvent = VmLifecycleEvent | HostMemoryEvent | DeviceIoCompletedEvent | GroupSchedulerEvent;

/**
 * One physical host: lifecycle, memory, devices and vCPU scheduling composed on one clock. A passive
 * model (ARCHITECTURE.md, "Driving models"): commands apply at `now()`; a composer keeps one pending
 * event at `nextEventTime()` and re-arms it after every command. Every command applies fully, or
 * throws the typed error of the part that refused it and changes nothing.
 */
export interface Hypervisor {
  now(): Micros;
  nextEventTime(): number;
  /** Run every part to `time` (≥ now); their facts in time order. */
  advanceTo(time: number): readonly HypervisorEvent[];
  /** Define a VM (SHUTOFF / `Not started`): guest memory allocated (overcommit check), devices configured, guest attached with capacity 0. */
  defineVm(spec: HypervisorVmSpec): void;
  /** Boot; the vCPUs join the host when the boot ends (`vm.booted`, phase running). */
  start(name: string): void;
  /** ACPI shutdown (libvirt) / SendCtrlAltDel (Firecracker). */
  shutdown(name: string): void;
  /** Power off at once. A microVM's Firecracker process ends with it: the VM is then gone from every part (as after `undefine`). */
  destroy(name: string): void;
  suspend(name: string): void;
  resume(name: string): void;
  /** Remove a shut-off VM from every part. */
  undefine(name: string): void;
  /** The lifecycle's crash hook (host failure, guest panic, host OOM). */
  crash(name: string, reason: 'host-failure' | 'guest-panic' | 'host-oom'): void;
  /** A live migration leaves from this host (the lifecycle's `beginMigration`): the guest keeps running on its vCPUs. `durationUs` absent: until `endMigration`. */
  beginMigration(name: string, opts?: { readonly durationUs?: number }): void;
  /** The migration ended: `completed` → SHUTOFF/MIGRATED, vCPUs off the host, host memory freed; otherwise back where it was. The throttle is lifted either way. */
  endMigration(name: string, outcome: 'completed' | 'cancelled' | 'failed'): void;
  /** A live migration's throttle (QEMU auto-converge, percent 0..99): caps every vCPU's demand at 1 − p/100. Pass as `onThrottle`. */
  setThrottle(name: string, throttlePercent: number): void;
  /** The guest submits a block request to drive `drive` (served through its rate limiter and the host disk; `device.io_completed`). The devices part's errors. */
  submitBlock(name: string, drive: string, request: BlockRequest): void;
  /** The guest sends a frame on NIC `iface` (TX limiter). The devices part's errors. */
  sendFrame(name: string, iface: string, frame: Frame): void;
  /** A frame arrives for NIC `iface` (RX limiter). The devices part's errors. */
  receiveFrame(name: string, iface: string, frame: Frame): void;
  // ---- post-boot changes (each validated as libvirt / Firecracker allow it) ----
  /**
   * `virsh schedinfo` / `vcpupin` (live and config): change the VM's scheduling settings (a patch of
   * `cpu`; `vcpus` may not change). Any phase; applied to the host scheduler at once while the vCPUs
   * are on it. ValidationError as `defineVm` (`validateVmCpuSpec`); nothing changes on failure.
   */
  setVmCpu(name: string, patch: Partial<Omit<VmCpuSpec, 'vcpus'>>): void;
  /** PATCH /balloon: the balloon's new target. After boot only (Firecracker's texts); the memory part's errors. */
  updateBalloon(name: string, update: BalloonUpdate): void;
  /** PATCH /balloon/statistics: the polling interval (statistics cannot be turned on or off). After boot only. */
  updateBalloonStats(name: string, update: BalloonStatsUpdate): void;
  /** PATCH /drives/{drive}: `path_on_host` and/or `rate_limiter`. After boot only; the devices part's errors. */
  updateDrive(name: string, drive: string, patch: Omit<DrivePatch, 'drive_id'>): void;
  /** PATCH /network-interfaces/{iface}: `rx_rate_limiter` / `tx_rate_limiter`. After boot only. */
  updateNetworkInterface(name: string, iface: string, patch: Omit<NetworkInterfacePatch, 'iface_id'>): void;

  // ---- snapshots (Firecracker microVMs) ----
  /**
   * PUT /snapshot/create of a microVM: only while Paused (Firecracker's text otherwise); a diff needs a
   * previous create or load. The `VmSnapshot` carries `cpu` (settings, per-vCPU accounting, throttle)
   * and the device counters. A libvirt VM: ValidationError (use the lifecycle's save / snapshotCreate).
   */
  snapshotVm(name: string, opts: { readonly kind: 'full' | 'diff' }): VmSnapshot;
  /**
   * PUT /snapshot/load into a new microVM `spec.name` on this host (Firecracker: a fresh process, before
   * any boot resource): memory allocated with the overcommit check, then memory, devices, vCPU accounting
   * restored from a full snapshot (`applyDiff` a diff first). `spec.vcpus` and `spec.memoryBytes` must
   * equal the snapshot's; drives, NICs and balloon come from the snapshot; `spec.cpu` when given replaces
   * the snapshot's settings (another host's policy). The VM comes up Paused (Running with `resume`).
   * A refusal changes nothing.
   */
  loadSnapshot(spec: HypervisorVmSpec, snapshot: VmSnapshot, opts?: { readonly resume?: boolean }): void;

  // ---- live migration ----
  /** The source side's carried state at the switch-over: only while migrating and suspended (the stop-and-copy). InvalidTransitionError otherwise. */
  outgoingState(name: string): VmCarriedState;
  /** How the guest dirties memory (its workload's `dirtyBytesPerSecond` within `wssBytes`), for `createLiveMigration`'s `dirty`. */
  dirtyModel(name: string): DirtyModel;
  /**
   * The destination side: define a (libvirt) VM here as an incoming migration, PAUSED/MIGRATION: guest
   * memory allocated with the overcommit check (InsufficientResourcesError otherwise, nothing changed),
   * nothing committed or running until `completeIncoming`. Other commands on it are refused
   * (libvirt's state change lock) until it completes or is aborted.
   */
  receiveMigration(spec: HypervisorVmSpec, opts?: { readonly persistent?: boolean }): void;
  /**
   * The switch-over: the VM runs here (vm.state_changed paused → running, reason `migrated`), its
   * vCPUs join this host, and with `state` (the source's `outgoingState`) its memory, devices and CPU
   * accounting continue; without, its memory starts afresh. `opts.paused`: it stays PAUSED (`--suspend`).
   */
  completeIncoming(name: string, state?: VmCarriedState, opts?: { readonly paused?: boolean }): void;
  /** The migration failed or was cancelled: the incoming VM is destroyed and removed here, its memory released. */
  abortIncoming(name: string): void;

  /** Every part's view of VM `name`. NotFoundError. */
  vm(name: string): HypervisorVmView;
  /** Every VM, in definition order. */
  vms(): HypervisorVmView[];
  /**
   * `vm(name).cpuTotals` alone (host CPU time and steal over every period on a host, µs) without
   * building the view: O(vCPUs) and no allocation beyond the result, for samplers reading every VM
   * often. What accrued up to now (pending changes of this instant take effect from now on). NotFoundError.
   */
  vmCpuTotals(name: string): { readonly hostCpuUsec: number; readonly stealUsec: number };
}
