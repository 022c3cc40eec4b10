// Both ends of a live migration as the facade sees them: the source hands its state over at the
// switch-over (`outgoingState`); the destination defines the VM as incoming (libvirt: PAUSED/MIGRATION,
// memory allocated), then runs it with that state (`completeIncoming`) or drops it (`abortIncoming`).
import { InvalidTransitionError, ValidationError, shownValue } from '@strata/shared-types';
import { validateVmCpuSpec } from '../host/vcpu-policy.js';
import { createConstantDirtyModel } from '../migration/constant-dirty-model.js';
import type { DirtyModel } from '../migration/dirty-model.js';
import { applyCpuSnapshot, checkCpuSnapshot, cpuSnapshot, dryRunRestore } from './carried-state.js';
import { checkVmSpec, newEntry, type HypervisorCore, type VmEntry } from './core.js';
import { GuestPort } from './guest-port.js';
import { objectOrEmpty, optionalBoolean } from '../input-checks.js';
import { checkCarriedShape, checkSpecShape } from './input-checks.js';
import type { HypervisorVmSpec, VmCarriedState } from './types.js';

/** libvirt holds the incoming domain's job lock (MIGRATION_IN) until the migration finishes: other commands time out on it. */
export const INCOMING_LOCK_MESSAGE = 'Timed out during operation: cannot acquire state change lock (held by monitor=remoteDispatchDomainMigratePrepare3Params)';

/** Refuse `op` on an incoming VM (InvalidTransitionError with libvirt's text); nothing otherwise. */
export function refuseIfIncoming(e: VmEntry, name: string, op: string): void {
  if (e.incoming) throw new InvalidTransitionError('paused', op, { vm: name, libvirtState: 'paused', libvirtReason: 'migration', libvirtCode: 'VIR_ERR_OPERATION_TIMEOUT', allowed: ['completeIncoming', 'abortIncoming', 'destroy'] }, INCOMING_LOCK_MESSAGE);
}

function notIncoming(core: HypervisorCore, name: string, op: string): never {
  const phase = core.lifecycleView(name)?.phase ?? 'shutoff';
  throw new InvalidTransitionError(phase, op, { vm: name, libvirtCode: 'VIR_ERR_OPERATION_INVALID' }, `Requested operation is not valid: domain '${name}' is not an incoming migration`);
}

/** `outgoingState`: only while migrating and suspended (QEMU stops the vCPUs for the last copy). */
export function outgoingState(core: HypervisorCore, name: string): VmCarriedState {
  const e = core.entry(name);
  const view = core.lifecycleView(name);
  if (view === null || view.phase !== 'migrating' || view.returnTo?.phase !== 'paused') {
    throw new InvalidTransitionError(view?.phase ?? 'shutoff', 'outgoing-state', { vm: name }, `VM '${name}' hands its state over only while migrating and suspended (the stop-and-copy): beginMigration, then suspend it`);
  }
  return { vm: name, cpu: cpuSnapshot(core, name, e), memory: core.memory.saveVm(name), devices: core.devices.saveVm(name) };
}

/** `dirtyModel`: the workload's dirty rate within its writable working set (0 without a workload). */
export function dirtyModel(core: HypervisorCore, name: string): DirtyModel {
  const w = core.entry(name).spec.workload;
  return createConstantDirtyModel({ bytesPerSecond: w?.dirtyBytesPerSecond ?? 0, wssBytes: w?.wssBytes ?? w?.bytes ?? 0 });
}

/** `receiveMigration`: the VM defined here, incoming; memory allocated (overcommit check), nothing started. */
export function receiveMigration(core: HypervisorCore, spec: HypervisorVmSpec, opts: { readonly persistent?: boolean } = {}): void {
  checkSpecShape(core, spec);
  optionalBoolean('opts.persistent', objectOrEmpty('opts', opts, '{ persistent? }').persistent);
  const name = spec.name;
  if ((spec.flavor ?? 'libvirt') !== 'libvirt') {
    throw new ValidationError(`Firecracker has no live migration: move microVM '${name}' with snapshotVm and loadSnapshot`, { field: 'flavor', vm: name });
  }
  const cpu = checkVmSpec(core, spec, 'libvirt');
  core.memory.addVm(name, { memoryBytes: spec.memoryBytes });
  try {
    if (spec.balloon !== undefined) core.memory.putBalloon(name, spec.balloon);
    core.devices.addVm(name);
    try {
      for (const d of spec.drives ?? []) core.devices.putDrive(name, d);
      for (const n of spec.nics ?? []) core.devices.putNetworkInterface(name, n);
      const timings = spec.timings === undefined ? {} : { timings: spec.timings };
      core.lifecycle.receiveMigration(name, { vcpus: spec.vcpus, memoryBytes: spec.memoryBytes, ...timings }, { paused: true, persistent: opts.persistent === true });
    } catch (err) {
      core.devices.removeVm(name);
      throw err;
    }
  } catch (err) {
    core.memory.removeVm(name);
    throw err;
  }
  const e = newEntry(spec, cpu, new GuestPort(spec.guest));
  e.incoming = true;
  core.entries.set(name, e);
  core.reconcile(name);
}

/** `completeIncoming`: the switch-over on this side; with the source's state, its accounting continues. */
export function completeIncoming(core: HypervisorCore, name: string, state?: VmCarriedState, opts: { readonly paused?: boolean } = {}): void {
  const e = core.entry(name);
  if (!e.incoming) notIncoming(core, name, 'complete-incoming');
  optionalBoolean('opts.paused', objectOrEmpty('opts', opts, '{ paused? }').paused);
  let cpu = e.cpu;
  if (state !== undefined) {
    checkCarriedShape(state);
    if (state.vm !== name) throw new ValidationError(`state.vm must be '${name}' (the carried state of this VM), got ${shownValue(state.vm)}`, { path: 'vm', value: state.vm });
    checkCpuSnapshot(state.cpu, e.spec.vcpus);
    if (state.memory.guestBytes !== e.spec.memoryBytes) {
      throw new ValidationError(`the carried memory (${state.memory.guestBytes} B) must equal the VM's memoryBytes here (${e.spec.memoryBytes})`, { path: 'memory.guestBytes' });
    }
    if (e.spec.cpu === undefined && state.cpu.policy === core.host.policy) {
      // The source's settings (as last changed there) when the destination was given none of its own.
      cpu = { ...state.cpu.spec, vcpus: e.spec.vcpus };
      validateVmCpuSpec(core.host.policy, cpu, core.host.cpus);
    }
    dryRunRestore(core, name, state.memory, state.devices);
  }
  core.lifecycle.completeIncoming(name, opts.paused === true ? { paused: true } : {});
  e.incoming = false;
  e.cpu = cpu;
  if (state !== undefined) {
    core.memory.restoreVm(name, state.memory);
    core.devices.restoreVm(name, state.devices);
    e.devicesStarted = true;
    applyCpuSnapshot(e, state.cpu);
    const balloon = state.memory.balloon?.config;
    e.spec = { ...e.spec, drives: state.devices.drives, nics: state.devices.networkInterfaces, ...(balloon === undefined ? {} : { balloon }) };
  }
  core.reconcile(name);
}

/** `abortIncoming`: the incoming VM is destroyed (and undefined, if persistent) and leaves every part. */
export function abortIncoming(core: HypervisorCore, name: string): void {
  const e = core.entry(name);
  if (!e.incoming) notIncoming(core, name, 'abort-incoming');
  core.lifecycle.destroy(name);
  if (core.lifecycleView(name) !== null) core.lifecycle.undefine(name);
  e.incoming = false;
  core.reconcile(name);
}
