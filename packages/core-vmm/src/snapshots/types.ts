// The snapshot as plain, versioned, JSON-serializable data (Firecracker's `Persist` state), apart from
// the live lifecycle, memory and device objects it is saved from and restored into.
import type { VmDevicesSnapshot } from '../devices/types.js';
import type { HostMemory } from '../memory/types.js';
import type { VmMemorySnapshot } from '../memory/types.js';
import type { DeviceModel } from '../devices/types.js';
import type { VmLifecycles } from '../lifecycle/vm-lifecycles.js';
import type { VcpuDemand, VcpuPolicy, VmCpuSpec } from '../host/types.js';

/** The only snapshot format version this code reads and writes. */
export const SNAPSHOT_VERSION = 1;

/** The machine config a microVM snapshot carries (Firecracker's `vm_config`). */
export interface SnapshotMachineConfig {
  readonly vcpus: number;
  readonly memMib: number;
  readonly smt: boolean;
  readonly hugePages: 'None' | '2M';
  readonly balloonMib: number | null;
}

/** One vCPU's carried accounting (the nested host's `VcpuStats`, summed over every period on the host). */
export interface VcpuSnapshot {
  /** pCPU time the host gave this vCPU, µs. */
  readonly hostCpuUsec: number;
  /** Steal, µs (the guest's /proc/stat `steal` continues from it, as Firecracker keeps steal counters). */
  readonly stealUsec: number;
  /** The guest's last demand on this vCPU (the guest reports it again when it connects). */
  readonly demand: VcpuDemand;
}

/** A VM's vCPU state as the hypervisor facade carries it: the host policy's settings and per-vCPU accounting. */
export interface VmCpuSnapshot {
  /** The policy the settings were made for (a host of another policy takes its own settings at load). */
  readonly policy: VcpuPolicy;
  /** The VM's scheduling settings (`HypervisorVmSpec.cpu`, as last changed by `setVmCpu`). */
  readonly spec: Omit<VmCpuSpec, 'vcpus'>;
  /** Per vCPU, in order; length = the machine's vcpus. */
  readonly vcpus: readonly VcpuSnapshot[];
  /** A live migration's throttle at the save, percent (0 when none). */
  readonly throttlePercent: number;
}

/**
 * The memory a guest dirtied besides new touches: what a composer that knows the guest's write rate
 * (`createHypervisor`: the workload's `dirtyBytesPerSecond` within `wssBytes`) tells the snapshotter,
 * the stand-in for KVM's dirty log. Without it, dirtied = growth of the touched set only.
 */
export interface SnapshotDirtyLog {
  /** Bytes of already touched memory rewritten since the VM's last `clear` (integer ≥ 0). */
  rewrittenBytes(vm: string): number;
  /** A create or load cleared the VM's dirty bitmap. */
  clear(vm: string): void;
}

/**
 * One snapshot of one microVM. As Firecracker's, the state part (config, memory counters, devices) is
 * complete in both kinds; only the memory file differs: a full one holds every touched page
 * (`memoryFileBytes` = resident bytes), a diff only the pages dirtied since the previous create
 * (`memoryFileBytes` = `dirtiedBytes`) and must be applied onto `base` (`applyDiff`) before a load.
 */
export interface VmSnapshot {
  readonly version: typeof SNAPSHOT_VERSION;
  /** Unique per snapshotter: `<vm>@<n>`. */
  readonly id: string;
  readonly kind: 'full' | 'diff';
  /** The snapshot a diff applies onto (absent for a full one). */
  readonly base?: string;
  readonly vm: string;
  /** Model time of the create, µs. */
  readonly takenAtUs: number;
  readonly machine: SnapshotMachineConfig;
  /** Snapshots the lifecycle had counted for the VM before this one. */
  readonly lifecycleSnapshots: number;
  readonly memory: VmMemorySnapshot;
  readonly devices: VmDevicesSnapshot;
  /** vCPU settings and accounting: set by the hypervisor facade (`snapshotVm`), absent from a bare snapshotter's. */
  readonly cpu?: VmCpuSnapshot;
  /** Bytes dirtied since the previous create (all touched bytes for the first). */
  readonly dirtiedBytes: number;
  /** Bytes of guest memory the memory file holds. */
  readonly memoryFileBytes: number;
  /** `snapshotCost` of this snapshot. */
  readonly sizeBytes: number;
  readonly createSeconds: number;
  readonly loadSeconds: number;
}

/** The live parts of one host a snapshotter reads and rebuilds. */
export interface SnapshotParts {
  readonly lifecycles: VmLifecycles;
  readonly memory: HostMemory;
  readonly devices: DeviceModel;
}

/** Options of `createSnapshotter`. */
export interface SnapshotterOptions extends SnapshotParts {
  /** The disk the memory file is written to, bytes/s (default 500 MB/s, the lifecycle's save figure). */
  readonly diskBytesPerSecond?: number;
  /** Rewrites of touched memory (default: none counted: dirtied = growth of the touched set). */
  readonly dirtyLog?: SnapshotDirtyLog;
}

/**
 * PUT /snapshot/create and PUT /snapshot/load over one host's parts. Per microVM: boot → pause →
 * `create` (full | diff)* ; on a fresh microVM of another (or the same) host: `load` (a full snapshot,
 * or `applyDiff(base, diff)`) → it is Paused → resume. Each create clears the VM's dirty tracking.
 */
export interface Snapshotter {
  /** Snapshot a Paused microVM. Refused with Firecracker's text unless Paused; a diff needs a previous create or load of this VM. Changes nothing on failure. */
  create(vm: string, opts: { readonly kind: 'full' | 'diff' }): VmSnapshot;
  /**
   * Load a full snapshot into `vm`, a microVM created by `createMicroVm` with no boot resource, and
   * its memory and devices added but never started. Refused with Firecracker's text after boot
   * resources or boot, and for a wrong version or a diff (changing nothing); a failure after the
   * lifecycle accepted the load ends the process (the microVM is destroyed), as in Firecracker.
   */
  load(vm: string, snapshot: VmSnapshot, opts?: { readonly resumeVm?: boolean }): void;
  /** Bytes dirtied since the VM's last create or load: new touches, plus the dirty log's rewrites, at most the resident bytes. */
  dirtiedBytes(vm: string): number;
}
