// Firecracker's snapshot create and load over one host's lifecycle, memory and devices: the state is
// read through the parts' `saveVm` views into a plain `VmSnapshot`, and rebuilt through `restoreVm`.
import { ValidationError } from '@strata/shared-types';
import { snapshotCost } from './snapshot-cost.js';
import { SNAPSHOT_VERSION, type Snapshotter, type SnapshotterOptions, type VmSnapshot } from './types.js';

/** Default disk bandwidth for the memory file: the lifecycle's save figure, 500 MB/s (UNVERIFIED there too). */
export const DEFAULT_SNAPSHOT_DISK_BYTES_PER_SECOND = 500_000_000;

const MIB = 1024 * 1024;

/**
 * Check that `snapshot` is one this code can load: `version` 1 (else a ValidationError that names both
 * versions). Returns it typed.
 */
export function checkSnapshotVersion(snapshot: unknown): VmSnapshot {
  const version = (snapshot as { version?: unknown } | null)?.version;
  if (version !== SNAPSHOT_VERSION) {
    throw new ValidationError(`snapshot version ${String(version)} is not supported: this build reads version ${SNAPSHOT_VERSION} only; take the snapshot again with this build`, {
      path: 'version',
      value: version,
      accepted: SNAPSHOT_VERSION,
    });
  }
  return snapshot as VmSnapshot;
}

/**
 * Check that `snapshot` can be loaded as it is: version 1, a full snapshot (a diff must be applied onto
 * its base first), its memory size equal to its machine's `mem_size_mib`. ValidationError otherwise.
 */
export function checkLoadable(snapshotInput: unknown): VmSnapshot {
  const snapshot = checkSnapshotVersion(snapshotInput);
  if (snapshot.kind !== 'full') {
    throw new ValidationError(`snapshot '${snapshot.id}' is a diff: apply it onto its base '${String(snapshot.base)}' with applyDiff before loading`, { path: 'kind', value: snapshot.kind });
  }
  if (snapshot.memory.guestBytes !== snapshot.machine.memMib * MIB) {
    throw new ValidationError(`snapshot '${snapshot.id}' is inconsistent: guest memory ${snapshot.memory.guestBytes} B is not mem_size_mib ${snapshot.machine.memMib}`, { path: 'memory.guestBytes' });
  }
  return snapshot;
}

/**
 * Apply a diff onto its base (the merge Firecracker leaves to the user): the result is a full snapshot
 * with the diff's state and id, whose memory file holds the base's pages and the dirtied ones. Refused
 * unless `diff.base === base.id`, same VM, both version 1. Pure.
 */
export function applyDiff(base: VmSnapshot, diff: VmSnapshot): VmSnapshot {
  checkSnapshotVersion(base);
  checkSnapshotVersion(diff);
  if (diff.kind !== 'diff') throw new ValidationError(`snapshot '${diff.id}' is a full snapshot, not a diff: load it directly`, { path: 'kind', value: diff.kind });
  if (diff.base !== base.id || diff.vm !== base.vm) {
    throw new ValidationError(`diff snapshot '${diff.id}' applies onto '${String(diff.base)}', not '${base.id}': apply it onto its own base`, { path: 'base', value: base.id, accepted: diff.base });
  }
  const { base: _base, ...rest } = diff;
  return { ...rest, kind: 'full', memoryFileBytes: diff.memory.residentBytes };
}

/** Build a snapshotter over one host's parts (see `Snapshotter`). */
export function createSnapshotter(options: SnapshotterOptions): Snapshotter {
  const { lifecycles, memory, devices } = options;
  const disk = options.diskBytesPerSecond ?? DEFAULT_SNAPSHOT_DISK_BYTES_PER_SECOND;
  snapshotCost({ memoryBytes: 0, kind: 'full', diskBytesPerSecond: disk }); // validates the option
  // Dirty tracking per VM: the resident bytes and the id at the last create or load. The memory model
  // counts bytes touched, so dirtied = growth of the touched set since then (new pages), plus the
  // rewrites of touched pages the dirty log reports (the guest's write rate within its working set),
  // at most every resident byte. Without a dirty log it is a lower bound of KVM's dirty log.
  const tracking = new Map<string, { readonly id: string; readonly residentBytes: number }>();
  const log = options.dirtyLog;
  let seq = 0;

  const dirtiedBytes = (vm: string): number => {
    const resident = memory.vm(vm).residentBytes;
    const grown = Math.max(0, resident - (tracking.get(vm)?.residentBytes ?? 0));
    return Math.min(resident, grown + (log?.rewrittenBytes(vm) ?? 0));
  };

  return {
    dirtiedBytes,
    create(vm, { kind }) {
      const view = lifecycles.inspect(vm);
      // Not Paused: the lifecycle refuses with Firecracker's text (Running, Not started), changing nothing.
      if (view.firecracker !== 'Paused' || view.phase !== 'paused') lifecycles.firecracker(vm, 'snapshot-create');
      const fc = view.fc!;
      const last = tracking.get(vm);
      if (kind === 'diff' && last === undefined) {
        throw new ValidationError(`a diff snapshot of '${vm}' needs a previous full snapshot (or a load) to apply onto: take a full one first`, { path: 'kind', value: kind });
      }
      const mem = memory.saveVm(vm);
      const dev = devices.saveVm(vm);
      const dirtied = dirtiedBytes(vm);
      const cost = snapshotCost({ memoryBytes: mem.residentBytes, dirtiedBytes: dirtied, kind, diskBytesPerSecond: disk });
      lifecycles.firecracker(vm, 'snapshot-create');
      const id = `${vm}@${++seq}`;
      const snapshot: VmSnapshot = {
        version: SNAPSHOT_VERSION,
        id,
        kind,
        ...(kind === 'diff' ? { base: last!.id } : {}),
        vm,
        takenAtUs: lifecycles.now(),
        machine: { vcpus: fc.vcpus, memMib: fc.memMib, smt: fc.smt, hugePages: fc.hugePages, balloonMib: fc.balloonMib },
        lifecycleSnapshots: view.snapshots,
        memory: mem,
        devices: dev,
        dirtiedBytes: dirtied,
        memoryFileBytes: cost.sizeBytes,
        ...cost,
      };
      tracking.set(vm, { id, residentBytes: mem.residentBytes });
      log?.clear(vm);
      return snapshot;
    },
    load(vm, snapshotInput, opts = {}) {
      const snapshot = checkLoadable(snapshotInput);
      // The lifecycle judges the load with Firecracker's texts (boot resources set, already started).
      lifecycles.firecracker(vm, 'snapshot-load', { vcpu_count: snapshot.machine.vcpus, mem_size_mib: snapshot.machine.memMib, resume_vm: opts.resumeVm === true });
      try {
        memory.restoreVm(vm, snapshot.memory);
        devices.restoreVm(vm, snapshot.devices);
        if (opts.resumeVm === true) memory.resumeVm(vm);
      } catch (error) {
        // Firecracker: any load failure past the checks ends the process.
        lifecycles.destroy(vm);
        throw error;
      }
      tracking.set(vm, { id: snapshot.id, residentBytes: snapshot.memory.residentBytes });
      log?.clear(vm);
    },
  };
}
