// What the hypervisor's command modules share: the parts of one host, the facade's per-VM record, and
// the pure rules that map a lifecycle phase onto the other parts. Types and pure functions only.
import { ConflictError, ValidationError, shownValue } from '@strata/shared-types';
import type { Micros } from '@strata/shared-types';
import type { DeviceModel } from '../devices/types.js';
import type { NestedHost, VcpuStats, VmCpuSpec } from '../host/types.js';
import { validateVmCpuSpec } from '../host/vcpu-policy.js';
import type { VmRecord } from '../lifecycle/types.js';
import type { VmLifecycles, VmView } from '../lifecycle/vm-lifecycles.js';
import type { HostMemory, VmMemoryPhase } from '../memory/types.js';
import type { Snapshotter } from '../snapshots/types.js';
import type { GuestPort } from './guest-port.js';
import { checkSpecShape } from './input-checks.js';
import type { HypervisorVmSpec } from './types.js';

const MIB = 1024 * 1024;

/** Host time and steal, µs. */
export interface CpuTotals {
  hostCpuUsec: number;
  stealUsec: number;
}

/** The facade's record of one VM. */
export interface VmEntry {
  spec: HypervisorVmSpec;
  cpu: VmCpuSpec;
  readonly port: GuestPort;
  devicesStarted: boolean;
  /** Per vCPU, over every period on the host before the current one. */
  readonly totals: CpuTotals[];
  /** Defined by `receiveMigration`, not yet completed. */
  incoming: boolean;
  /** Bytes of touched memory the guest rewrote since the last snapshot (the dirty log), and since when it counts. */
  rewritten: number;
  dirtySince: number | null;
}

/** The parts and helpers the command modules work with (implemented by the facade). */
export interface HypervisorCore {
  readonly lifecycle: VmLifecycles;
  readonly memory: HostMemory;
  readonly devices: DeviceModel;
  readonly host: NestedHost;
  readonly snapshotter: Snapshotter;
  readonly entries: Map<string, VmEntry>;
  /** VMs whose guest is off the host: the facade advances their guests itself. */
  readonly detached: Set<VmEntry>;
  now(): Micros;
  /** The VM's record; NotFoundError. */
  entry(name: string): VmEntry;
  /** The lifecycle's view, or null once it forgot the VM. */
  lifecycleView(name: string): VmView | null;
  /** Bring memory, devices and the host scheduler to the VM's lifecycle phase. */
  reconcile(name: string): void;
  /** Fold the dirty log up to now (before a rate or phase change). */
  settleDirty(e: VmEntry): void;
}

/** Whether the guest runs (its vCPUs are host tasks): after boot, until it is paused or off. */
export function guestRuns(view: VmRecord): boolean {
  switch (view.phase) {
    case 'running':
    case 'shutting-down':
      return true;
    case 'migrating':
      return view.returnTo?.phase === 'running' || view.returnTo?.phase === 'shutting-down';
    case 'shutoff':
    case 'crashed':
    case 'starting':
    case 'restoring':
    case 'paused':
    case 'saving':
    case 'snapshotting':
      return false;
    default: {
      const never: never = view.phase;
      return never;
    }
  }
}

/** What a lifecycle phase implies for the VM's memory (a migration suspended for its stop-and-copy: paused). */
export function memoryPhaseOf(view: VmRecord): VmMemoryPhase {
  switch (view.phase) {
    case 'shutoff':
    case 'crashed':
      return 'stopped';
    case 'starting':
    case 'running':
    case 'shutting-down':
    case 'restoring':
      return 'running';
    case 'migrating':
      return view.returnTo?.phase === 'paused' ? 'paused' : 'running';
    case 'paused':
    case 'saving':
    case 'snapshotting':
      return 'paused';
    default: {
      const never: never = view.phase;
      return never;
    }
  }
}

/** Σ of per-vCPU stats. */
export function sumStats(stats: readonly { readonly hostCpuUsec: number; readonly stealUsec: number }[]): CpuTotals {
  let hostCpuUsec = 0;
  let stealUsec = 0;
  for (const s of stats) {
    hostCpuUsec += s.hostCpuUsec;
    stealUsec += s.stealUsec;
  }
  return { hostCpuUsec, stealUsec };
}

/** Per-vCPU totals: the carried ones plus the current period's (`live` null while off the host). */
export function vcpuTotals(e: VmEntry, live: readonly VcpuStats[] | null): CpuTotals[] {
  return e.totals.map((t, i) => ({ hostCpuUsec: t.hostCpuUsec + (live?.[i]?.hostCpuUsec ?? 0), stealUsec: t.stealUsec + (live?.[i]?.stealUsec ?? 0) }));
}

/**
 * The checks `defineVm`, `loadSnapshot` and `receiveMigration` share, before any part changes: a free
 * name, the CPU settings for this host's policy, the guest's size and clock, whole MiB for a microVM,
 * the workload within the guest. Returns the VM's full CPU spec.
 */
export function checkVmSpec(core: HypervisorCore, spec: HypervisorVmSpec, flavor: 'libvirt' | 'firecracker'): VmCpuSpec {
  checkSpecShape(core, spec);
  const name = spec.name;
  if (core.entries.has(name) || core.lifecycleView(name) !== null) {
    throw new ConflictError(`VM '${name}' already exists; pick another name`, { vm: name });
  }
  const cpu: VmCpuSpec = { ...spec.cpu, vcpus: spec.vcpus };
  validateVmCpuSpec(core.host.policy, cpu, core.host.cpus);
  if (spec.guest.cpus !== spec.vcpus) throw new ValidationError(`guest.cpus (${spec.guest.cpus}) must equal vcpus (${spec.vcpus})`, { field: 'guest', vm: name });
  if (spec.guest.now() !== core.now()) throw new ValidationError(`the guest's clock (${spec.guest.now()}) must equal the hypervisor's (${core.now()})`, { field: 'guest', vm: name });
  if (flavor === 'firecracker' && spec.memoryBytes % MIB !== 0) throw new ValidationError(`a microVM's memory must be whole MiB, got ${spec.memoryBytes} bytes`, { field: 'memoryBytes', vm: name });
  const w = spec.workload;
  if (w !== undefined) {
    const d = w.dirtyBytesPerSecond ?? 0;
    if (typeof d !== 'number' || !Number.isFinite(d) || d < 0) throw new ValidationError(`workload.dirtyBytesPerSecond must be a finite number ≥ 0, got ${shownValue(d)}`, { field: 'workload.dirtyBytesPerSecond', vm: name });
    const wss = w.wssBytes ?? w.bytes;
    if (!Number.isSafeInteger(wss) || wss < 0 || wss > spec.memoryBytes) throw new ValidationError(`workload.wssBytes must be an integer within 0..memoryBytes (${spec.memoryBytes}), got ${shownValue(wss)}`, { field: 'workload.wssBytes', vm: name });
  }
  return cpu;
}

/** A new facade record for a VM whose parts were just added. */
export function newEntry(spec: HypervisorVmSpec, cpu: VmCpuSpec, port: GuestPort): VmEntry {
  return {
    spec,
    cpu,
    port,
    devicesStarted: false,
    totals: Array.from({ length: spec.vcpus }, () => ({ hostCpuUsec: 0, stealUsec: 0 })),
    incoming: false,
    rewritten: 0,
    dirtySince: null,
  };
}
