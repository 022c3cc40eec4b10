// Firecracker's snapshot create and load over one host's lifecycle, memory and devices: the state is
// read through the parts' `saveVm` views into a plain `VmSnapshot`, and rebuilt through `restoreVm`.
import { shownValue, ValidationError } from '@strata/shared-types';
import { requireObject } from '../input-checks.js';
import { createDeviceModel } from '../devices/create-device-model.js';
import { checkMemorySnapshot, createHostMemory } from '../memory/create-host-memory.js';
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
  if (typeof snapshot !== 'object' || snapshot === null || Array.isArray(snapshot)) {
    throw new ValidationError(`a snapshot must be an object (a VmSnapshot that create returned, version ${SNAPSHOT_VERSION}), got ${shownValue(snapshot)}`, { path: 'snapshot', value: snapshot, accepted: 'VmSnapshot' });
  }
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
  const snapshot = checkSnapshotShape(snapshotInput);
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
  checkSnapshotShape(base);
  checkSnapshotShape(diff);
  if (diff.kind !== 'diff') throw new ValidationError(`snapshot '${diff.id}' is a full snapshot, not a diff: load it directly`, { path: 'kind', value: diff.kind });
  if (diff.base !== base.id || diff.vm !== base.vm) {
    throw new ValidationError(`diff snapshot '${diff.id}' applies onto '${String(diff.base)}', not '${base.id}': apply it onto its own base`, { path: 'base', value: base.id, accepted: diff.base });
  }
  const { base: _base, ...rest } = diff;
  return { ...rest, kind: 'full', memoryFileBytes: diff.memory.residentBytes };
}

function bad(path: string, accepted: string, value: unknown): never {
  throw new ValidationError(`snapshot ${path} must be ${accepted}, got ${shownValue(value)}`, { path, value, accepted });
}

function count(path: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) bad(path, `an integer from ${min} to ${max}`, value);
}

/**
 * Check a snapshot (untrusted: it may have been through JSON, or edited) as a whole: version 1, then
 * every field the loads and merges read, of the right type and range: ids, kind and base, the machine
 * (Firecracker's limits), the memory state (as `HostMemory.restoreVm` takes it), the device lists, and
 * the figures. ValidationError names the first bad field. Returns it typed.
 */
export function checkSnapshotShape(snapshotInput: unknown): VmSnapshot {
  const s = checkSnapshotVersion(snapshotInput);
  if (typeof s.id !== 'string' || s.id.length === 0) bad('id', 'a non-empty string', s.id);
  if (typeof s.vm !== 'string' || s.vm.length === 0) bad('vm', 'a non-empty string', s.vm);
  if (s.kind !== 'full' && s.kind !== 'diff') bad('kind', "'full' or 'diff'", s.kind);
  if (s.kind === 'diff' ? typeof s.base !== 'string' || s.base.length === 0 : s.base !== undefined) bad('base', s.kind === 'diff' ? 'the id of the snapshot the diff applies onto' : 'absent for a full snapshot', s.base);
  const m: unknown = s.machine;
  if (typeof m !== 'object' || m === null || Array.isArray(m)) bad('machine', 'an object { vcpus, memMib, smt, hugePages, balloonMib }', m);
  count('machine.vcpus', s.machine.vcpus, 1, 32);
  count('machine.memMib', s.machine.memMib, 1, Math.floor(Number.MAX_SAFE_INTEGER / MIB));
  if (typeof s.machine.smt !== 'boolean') bad('machine.smt', 'true or false', s.machine.smt);
  if (s.machine.hugePages !== 'None' && s.machine.hugePages !== '2M') bad('machine.hugePages', "'None' or '2M'", s.machine.hugePages);
  if (s.machine.balloonMib !== null) count('machine.balloonMib', s.machine.balloonMib, 0, s.machine.memMib);
  checkMemorySnapshot(s.memory);
  const d: unknown = s.devices;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) bad('devices', 'an object { drives, networkInterfaces, savedAtUs?, queues? }', d);
  if (!Array.isArray(s.devices.drives)) bad('devices.drives', 'an array', s.devices.drives);
  if (!Array.isArray(s.devices.networkInterfaces)) bad('devices.networkInterfaces', 'an array', s.devices.networkInterfaces);
  checkDevicesRestore(s.vm, s.devices, 0);
  for (const key of ['takenAtUs', 'lifecycleSnapshots', 'dirtiedBytes', 'memoryFileBytes', 'sizeBytes'] as const) count(key, s[key], 0);
  for (const key of ['createSeconds', 'loadSeconds'] as const) {
    const v: unknown = s[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) bad(key, 'a finite number ≥ 0', v);
  }
  return s;
}

/** Restore `devices` into a scratch device model at `now`: it refuses (naming the field, prefixed `devices`) what a real restore would. */
function checkDevicesRestore(vm: string, devices: VmSnapshot['devices'], now: number): void {
  const scratch = createDeviceModel({ start: now });
  scratch.addVm(vm);
  try {
    scratch.restoreVm(vm, devices);
  } catch (e) {
    if (e instanceof ValidationError) throw new ValidationError(`snapshot devices: ${e.message}`, { ...e.details, path: typeof e.details.path === 'string' ? `devices.${e.details.path}` : 'devices' }, { cause: e });
    throw e;
  }
}

/** Build a snapshotter over one host's parts (see `Snapshotter`). */
export function createSnapshotter(options: SnapshotterOptions): Snapshotter {
  requireObject('snapshotter options', options, '{ lifecycles, memory, devices, diskBytesPerSecond?, dirtyLog? }');
  for (const part of ['lifecycles', 'memory', 'devices'] as const) {
    if (typeof options[part] !== 'object' || options[part] === null) {
      throw new ValidationError(`snapshotter options: ${part} must be the host's ${part} model, got ${shownValue(options[part])}`, { path: part, value: options[part] });
    }
  }
  if (options.dirtyLog !== undefined && (typeof options.dirtyLog !== 'object' || options.dirtyLog === null || typeof options.dirtyLog.rewrittenBytes !== 'function' || typeof options.dirtyLog.clear !== 'function')) {
    throw new ValidationError(`snapshotter options: dirtyLog must be an object { rewrittenBytes(vm), clear(vm) }, got ${shownValue(options.dirtyLog)}`, { path: 'dirtyLog', value: options.dirtyLog });
  }
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
    const rewritten: unknown = log?.rewrittenBytes(vm) ?? 0;
    if (typeof rewritten !== 'number' || !Number.isSafeInteger(rewritten) || rewritten < 0) {
      throw new ValidationError(`dirtyLog.rewrittenBytes('${vm}') returned ${shownValue(rewritten)}, not an integer ≥ 0`, { path: 'dirtyLog', vm, value: rewritten });
    }
    return Math.min(resident, grown + rewritten);
  };

  return {
    dirtiedBytes,
    create(vm, opts) {
      if (typeof opts !== 'object' || opts === null) throw new ValidationError(`create: opts must be an object { kind: 'full' | 'diff' }, got ${shownValue(opts)}`, { path: 'opts', value: opts });
      const { kind } = opts;
      if (kind !== 'full' && kind !== 'diff') throw new ValidationError(`kind must be 'full' or 'diff', got ${shownValue(kind)}`, { path: 'kind', value: kind, accepted: ['full', 'diff'] });
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
      if (typeof opts !== 'object' || opts === null) throw new ValidationError(`load: opts must be an object { resumeVm? }, got ${shownValue(opts)}`, { path: 'opts', value: opts });
      if (opts.resumeVm !== undefined && typeof opts.resumeVm !== 'boolean') throw new ValidationError(`resumeVm must be true or false, got ${shownValue(opts.resumeVm)}`, { path: 'resumeVm', value: opts.resumeVm });
      const snapshot = checkLoadable(snapshotInput);
      // The state must restore as it is: tried on scratch parts first, so a malformed memory or device
      // state is refused (naming its field) before the lifecycle takes the load and anything changes.
      const scratchMemory = createHostMemory({ ramBytes: snapshot.memory.guestBytes, start: memory.now(), vmmOverheadBytes: 0 });
      scratchMemory.addVm(vm, { memoryBytes: snapshot.memory.guestBytes });
      scratchMemory.restoreVm(vm, snapshot.memory);
      checkDevicesRestore(vm, snapshot.devices, devices.now());
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
