// Types of the hypervisor facade: one physical host's options, a VM's spec, the VM view, the facts
// `advanceTo` reports. Types only (the factory imports them).
import type { GroupFidelity, GroupSchedulerEvent } from '@strata/core-scheduler';
import type { DeviceIoCompletedEvent, Micros } from '@strata/shared-types';
import type { BlockRequest, DeviceCounters, DriveConfig, Frame, HostDiskSpec, NetworkInterfaceConfig } from '../devices/types.js';
import type { GuestCpus, VcpuPolicy, VcpuStats, VmCpuSpec } from '../host/types.js';
import type { VmLifecycleEvent } from '../lifecycle/transition.js';
import type { VmFlavor } from '../lifecycle/types.js';
import type { VmTimingsInput, VmView } from '../lifecycle/vm-lifecycles.js';
import type { BalloonConfig, HostMemoryEvent, VmMemoryState } from '../memory/types.js';

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
  /** The guest's memory workload, applied at every start (bytes ≤ memoryBytes). */
  readonly workload?: { readonly bytes: number; readonly bytesPerSecond?: number };
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
  /** Accumulated over every period on the host (host time given, steal), µs. */
  readonly cpuTotals: { readonly hostCpuUsec: number; readonly stealUsec: number };
  readonly memory: VmMemoryState;
  /** Counters per device queue: drives' `blk`, NICs' `tx` / `rx`. */
  readonly devices: Readonly<Record<string, DeviceCounters>>;
  /** The live migration's throttle now, percent (0: none). */
  readonly throttlePercent: number;
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
  advanceTo(time: number): HypervisorEvent[];
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
  /** Every part's view of VM `name`. NotFoundError. */
  vm(name: string): HypervisorVmView;
  /** Every VM, in definition order. */
  vms(): HypervisorVmView[];
}
