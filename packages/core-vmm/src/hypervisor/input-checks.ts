// Checks of what a plain-JavaScript caller passes to the hypervisor facade, before any part sees it:
// option objects, VM specs, names, carried state. Each refusal is a ValidationError (a ConflictError for
// a guest already in use) that names the field and what is accepted, thrown before anything changes.
import { ConflictError } from '@strata/shared-types';
import { fail, requireObject, requireOneOf } from '../input-checks.js';
import { checkGuestCpus } from '../host/guest-check.js';
import type { HypervisorOptions, HypervisorVmSpec, VmCarriedState } from './types.js';

/** A VM name as the parts accept it. */
export function requireName(path: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 128) fail(path, 'a string of 1 to 128 characters', value);
  return value;
}

/** The name of a device of a VM (a drive's `drive_id`, a NIC's `iface_id`). */
export function requireDeviceId(path: string, value: unknown, what: string): void {
  if (typeof value !== 'string' || value.length === 0) fail(path, `a non-empty string (the ${what})`, value);
}

const POLICIES = ['credit', 'cfs', 'rr', 'priority'] as const;
const TIMINGS = 'an object { bootUs?, shutdownUs?, pauseUs?, resumeUs?, diskBytesPerSecond? }, or absent';
/** What the optional options accept (the parts would take a null for their default). */
const OPTIONAL_OPTIONS: Readonly<Record<string, string>> = {
  'host.speed': 'a number in (0, 1], or absent (1)',
  'host.overcommitRatio': 'a finite number > 0, or absent (1)',
  fidelity: "'exact' or 'fluid', or absent",
  start: `an integer number of µs from 0 to ${Number.MAX_SAFE_INTEGER}, or absent (0)`,
  libvirtTimings: TIMINGS,
  firecrackerTimings: TIMINGS,
  vmmOverheadBytes: 'an integer number of bytes ≥ 0, or absent (the default)',
};

/**
 * `createHypervisor`'s options: an object with a `host` object; an optional field present as null is
 * refused (the parts would take it for their default). The parts check the values themselves.
 */
export function checkOptions(o: unknown): asserts o is HypervisorOptions {
  const options = requireObject('options', o, '{ host, policy?, fidelity?, start?, libvirtTimings?, firecrackerTimings?, vmmOverheadBytes?, snapshotDiskBytesPerSecond? }');
  const host = requireObject('host', options.host, '{ cpus, memory, speed?, overcommitRatio?, disk? }');
  const m = host.memory;
  if (typeof m !== 'number' || !Number.isSafeInteger(m) || m < 1) fail('host.memory', `an integer number of bytes from 1 to ${Number.MAX_SAFE_INTEGER}`, m);
  if (host.disk !== undefined) requireObject('host.disk', host.disk, '{ bytesPerSecond, iops? }');
  for (const [key, accepted] of Object.entries(OPTIONAL_OPTIONS)) {
    const value = key.startsWith('host.') ? host[key.slice(5)] : options[key];
    if (value === null) fail(key, accepted, null);
  }
  if (options.policy !== undefined) requireOneOf('policy', options.policy, POLICIES);
  const d = options.snapshotDiskBytesPerSecond;
  if (d !== undefined && (typeof d !== 'number' || !Number.isFinite(d) || d <= 0)) fail('snapshotDiskBytesPerSecond', 'a finite number > 0 (bytes/s)', d);
}

/**
 * The shape of a VM spec (`defineVm`, `loadSnapshot`, `receiveMigration`): every field of the right
 * type, before anything reads it. Ranges that depend on the host are `checkVmSpec`'s.
 */
/** What the shape check reads of the facade (its core): the host's policy and each VM's guest. */
export interface SpecShapeContext {
  readonly host: { readonly policy: string };
  readonly entries: ReadonlyMap<string, { readonly port: { readonly guest: unknown } }>;
}

export function checkSpecShape(core: SpecShapeContext, s: unknown): asserts s is HypervisorVmSpec {
  const spec = requireObject('spec', s, '{ name, vcpus, memoryBytes, guest, flavor?, cpu?, drives?, nics?, balloon?, workload?, timings? }');
  const name = requireName('name', spec.name);
  if (spec.flavor !== undefined) requireOneOf('flavor', spec.flavor, ['libvirt', 'firecracker']);
  const m = spec.memoryBytes;
  if (typeof m !== 'number' || !Number.isSafeInteger(m) || m < 1) fail('memoryBytes', `an integer number of bytes from 1 to ${Number.MAX_SAFE_INTEGER}`, m);
  if (spec.cpu !== undefined) requireObject('cpu', spec.cpu, `of the host policy's settings (${core.host.policy})`);
  for (const [key, shape] of [['drives', '{ drive_id, path_on_host, is_root_device, ... } (a DriveConfig)'], ['nics', '{ iface_id, host_dev_name, ... } (a NetworkInterfaceConfig)']] as const) {
    const list = spec[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) fail(key, `an array of objects ${shape}`, list);
    list.forEach((d: unknown, i: number) => requireObject(`${key}[${i}]`, d, shape));
  }
  const g = spec.guest;
  checkGuestCpus(g, name);
  for (const [vm, e] of core.entries) {
    if (e.port.guest === g) throw new ConflictError(`guest is already the guest of VM '${vm}': give each VM a guest of its own`, { field: 'guest', vm: spec.name, usedBy: vm });
  }
  if (spec.workload !== undefined) {
    const w = requireObject('workload', spec.workload, '{ bytes, bytesPerSecond?, dirtyBytesPerSecond?, wssBytes? }');
    if (typeof w.bytes !== 'number' || !Number.isSafeInteger(w.bytes) || w.bytes < 0 || w.bytes > m) fail('workload.bytes', `an integer within 0..memoryBytes (${m})`, w.bytes);
    const r = w.bytesPerSecond;
    if (r !== undefined && (typeof r !== 'number' || !Number.isSafeInteger(r) || r < 1)) fail('workload.bytesPerSecond', `an integer from 1 to ${Number.MAX_SAFE_INTEGER} (bytes/s)`, r);
  }
}

const CPU_SNAPSHOT_SHAPE = '{ policy, spec, vcpus, throttlePercent }';

/** The object fields of a carried vCPU state, before its values are checked. */
export function checkCpuSnapshotShape(cpu: unknown): void {
  const c = requireObject('cpu', cpu, CPU_SNAPSHOT_SHAPE);
  requireOneOf('cpu.policy', c.policy, POLICIES);
  requireObject('cpu.spec', c.spec, 'of the scheduling settings');
  if (Array.isArray(c.vcpus)) {
    c.vcpus.forEach((v: unknown, i: number) => {
      const vcpu = requireObject(`cpu.vcpus[${i}]`, v, '{ hostCpuUsec, stealUsec, demand }');
      const d = requireObject(`cpu.vcpus[${i}].demand`, vcpu.demand, '{ runnable, demand }');
      if (typeof d.runnable !== 'boolean') fail(`cpu.vcpus[${i}].demand.runnable`, 'true or false', d.runnable);
      if (typeof d.demand !== 'number' || !Number.isFinite(d.demand) || d.demand < 0) fail(`cpu.vcpus[${i}].demand.demand`, 'a finite number ≥ 0', d.demand);
    });
  }
}

/** The carried state `completeIncoming` takes: its parts are objects (their values are checked by their parts). */
export function checkCarriedShape(state: unknown): asserts state is VmCarriedState {
  const s = requireObject('state', state, '{ vm, cpu, memory, devices } (the source\'s outgoingState)');
  requireObject('state.cpu', s.cpu, CPU_SNAPSHOT_SHAPE);
  checkCpuSnapshotShape(s.cpu);
  requireObject('state.memory', s.memory, '(a VmMemorySnapshot)');
  requireObject('state.devices', s.devices, '(a VmDevicesSnapshot)');
}
