// Firecracker snapshots through the facade: create on a Paused microVM (the snapshotter's rules and
// texts) with the vCPU state added; load into a new microVM after checking everything on scratch parts.
import { ValidationError } from '@strata/shared-types';
import { checkLoadable } from '../snapshots/create-snapshotter.js';
import type { VmSnapshot } from '../snapshots/types.js';
import { applyCpuSnapshot, checkCpuSnapshot, cpuSnapshot, dryRunRestore } from './carried-state.js';
import { checkVmSpec, newEntry, type HypervisorCore } from './core.js';
import { GuestPort } from './guest-port.js';
import { objectOrEmpty, optionalBoolean } from '../input-checks.js';
import { checkSpecShape } from './input-checks.js';
import type { HypervisorVmSpec } from './types.js';

/** `snapshotVm`: PUT /snapshot/create of a Paused microVM, carrying its vCPU state. */
export function snapshotVm(core: HypervisorCore, name: string, opts: { readonly kind: 'full' | 'diff' }): VmSnapshot {
  const e = core.entry(name);
  if ((e.spec.flavor ?? 'libvirt') !== 'firecracker') {
    throw new ValidationError(`snapshotVm takes Firecracker microVMs; '${name}' is a libvirt VM: use its lifecycle's save or snapshotCreate`, { vm: name, flavor: 'libvirt' });
  }
  core.settleDirty(e);
  const snapshot = core.snapshotter.create(name, opts);
  return { ...snapshot, cpu: cpuSnapshot(core, name, e) };
}

/** `loadSnapshot`: PUT /snapshot/load into a new microVM `spec.name`; a refusal changes nothing. */
export function loadSnapshot(core: HypervisorCore, spec: HypervisorVmSpec, input: VmSnapshot, opts: { readonly resume?: boolean } = {}): void {
  checkSpecShape(core, spec);
  optionalBoolean('opts.resume', objectOrEmpty('opts', opts, '{ resume? }').resume);
  const snapshot = checkLoadable(input);
  const name = spec.name;
  if (spec.flavor !== undefined && spec.flavor !== 'firecracker') {
    throw new ValidationError(`a snapshot loads into a Firecracker microVM: flavor must be 'firecracker' (or absent), got '${spec.flavor}'`, { field: 'flavor', vm: name });
  }
  if (spec.vcpus !== snapshot.machine.vcpus || spec.memoryBytes !== snapshot.memory.guestBytes) {
    throw new ValidationError(
      `the spec of '${name}' (vcpus ${spec.vcpus}, memoryBytes ${spec.memoryBytes}) must match the snapshot's machine (vcpus ${snapshot.machine.vcpus}, memoryBytes ${snapshot.memory.guestBytes})`,
      { field: 'vcpus/memoryBytes', vm: name },
    );
  }
  if (snapshot.cpu !== undefined) checkCpuSnapshot(snapshot.cpu, spec.vcpus);
  const settings = spec.cpu ?? snapshot.cpu?.spec ?? {};
  const balloon = snapshot.memory.balloon?.config;
  const loaded: HypervisorVmSpec = {
    ...spec,
    flavor: 'firecracker',
    cpu: settings,
    drives: snapshot.devices.drives,
    nics: snapshot.devices.networkInterfaces,
    ...(balloon === undefined ? {} : { balloon }),
  };
  const cpu = checkVmSpec(core, loaded, 'firecracker');
  dryRunRestore(core, name, snapshot.memory, snapshot.devices);
  // Each part in turn (the overcommit check first); the checks above leave nothing for the load to refuse.
  core.memory.addVm(name, { memoryBytes: spec.memoryBytes });
  try {
    core.devices.addVm(name);
    try {
      core.lifecycle.createMicroVm(name, spec.timings === undefined ? {} : { timings: spec.timings });
      core.snapshotter.load(name, snapshot, { resumeVm: opts.resume === true });
    } catch (err) {
      core.devices.removeVm(name);
      throw err;
    }
  } catch (err) {
    if (core.lifecycleView(name) !== null) core.lifecycle.destroy(name);
    if (core.memory.vm(name).phase !== 'stopped') core.memory.stopVm(name);
    core.memory.removeVm(name);
    throw err;
  }
  const e = newEntry(loaded, cpu, new GuestPort(spec.guest));
  e.devicesStarted = true;
  if (snapshot.cpu !== undefined) {
    applyCpuSnapshot(e, snapshot.cpu);
    e.port.setThrottle(snapshot.cpu.throttlePercent);
  }
  core.entries.set(name, e);
  core.reconcile(name);
}
