// Bad input to the hypervisor facade from a plain-JavaScript caller: each case is the project's typed
// error (never a TypeError from inside), its message names the field and what is accepted, and the
// host is exactly as before: every VM's view, the clock and the next event time.
import { ConflictError, InsufficientResourcesError, InvalidTransitionError, NotFoundError, ValidationError } from '@strata/shared-types';
import { describe, expect, it } from 'vitest';
import { expectRefused } from '../expect-refused.ts';
import { createSchedulerGuest, type SchedulerGuest } from '../../src/host/index.ts';
import { createHypervisor, type Hypervisor } from '../../src/hypervisor/index.ts';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- calls the types would refuse, on purpose */

const S = 1_000_000;
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const MAX = Number.MAX_SAFE_INTEGER;

type ErrorClass = typeof ValidationError | typeof NotFoundError | typeof ConflictError | typeof InvalidTransitionError | typeof InsufficientResourcesError;
/** The hypervisor's methods called as plain JavaScript would: any arguments. */
type Loose = Record<string, (...args: unknown[]) => any>;

function guest(cpus = 1, start = 2 * S): SchedulerGuest {
  const g = createSchedulerGuest({ cpus, fidelity: 'fluid', start });
  g.addTask('t0', '/');
  return g;
}

/** At 2 s: `lv` (libvirt) running with a workload, `fc` (microVM: drive, NIC, balloon) running, `fcp` (microVM) paused, `off` (libvirt) shut off. */
function fixture(): Hypervisor {
  const hv = createHypervisor({ host: { cpus: 4, memory: 8 * GiB }, fidelity: 'fluid', libvirtTimings: { bootUs: 0 } });
  hv.defineVm({ name: 'lv', vcpus: 1, memoryBytes: 512 * MiB, guest: guest(1, 0), workload: { bytes: 64 * MiB, dirtyBytesPerSecond: MiB } });
  hv.defineVm({
    name: 'fc',
    flavor: 'firecracker',
    vcpus: 1,
    memoryBytes: 256 * MiB,
    guest: guest(1, 0),
    drives: [{ drive_id: 'root', path_on_host: '/img', is_root_device: true }],
    nics: [{ iface_id: 'eth0', host_dev_name: 'tap0' }],
    balloon: { amount_mib: 0, deflate_on_oom: true, stats_polling_interval_s: 1 },
  });
  hv.defineVm({ name: 'fcp', flavor: 'firecracker', vcpus: 1, memoryBytes: 128 * MiB, guest: guest(1, 0) });
  hv.defineVm({ name: 'off', vcpus: 1, memoryBytes: 128 * MiB, guest: guest(1, 0) });
  hv.start('lv');
  hv.start('fc');
  hv.start('fcp');
  hv.advanceTo(1 * S);
  hv.suspend('fcp');
  hv.advanceTo(2 * S);
  return hv;
}

/** Everything a caller can see of the host. */
const observe = (hv: Hypervisor) => ({ now: hv.now(), next: hv.nextEventTime(), vms: hv.vms() });

/** A valid spec of a new 128 MiB, 1-vCPU VM `new` at 2 s, with `patch` over it. */
const spec = (patch: Record<string, unknown> = {}): any => ({ name: 'new', vcpus: 1, memoryBytes: 128 * MiB, guest: guest(), ...patch });

describe('createHypervisor refuses malformed options by name', () => {
  const host = { cpus: 2, memory: GiB };
  it.each<[string, unknown, RegExp]>([
    ['no options', undefined, /options must be an object \{ host, .*\}, got undefined/],
    ['null options', null, /options must be an object .*got null/],
    ['a string as options', 'x', /options must be an object .*got "x"/],
    ['no host', {}, /host must be an object \{ cpus, memory, speed\?, overcommitRatio\?, disk\? \}, got undefined/],
    ['a null host', { host: null }, /host must be an object .*got null/],
    ['no host memory', { host: { cpus: 2 } }, /host\.memory must be an integer number of bytes from 1 to 9007199254740991, got undefined/],
    ['host memory as a string', { host: { cpus: 2, memory: '5' } }, /host\.memory must be .*got "5"/],
    ['NaN host memory', { host: { cpus: 2, memory: NaN } }, /host\.memory must be .*got NaN/],
    ['1e300 bytes of host memory', { host: { cpus: 2, memory: 1e300 } }, /host\.memory must be .*got 1e\+300/],
    ['NaN pCPUs', { host: { ...host, cpus: NaN } }, /cpus NaN: expected a whole number from 1 to 1024/],
    ['pCPUs as a string', { host: { ...host, cpus: '2' } }, /cpus "2": expected a whole number from 1 to 1024/],
    ['1.5 pCPUs', { host: { ...host, cpus: 1.5 } }, /cpus 1\.5: expected a whole number/],
    ['an infinite speed', { host: { ...host, speed: Infinity } }, /speed must be a number in \(0, 1\], got Infinity/],
    ['a null speed', { host: { ...host, speed: null } }, /host\.speed must be a number in \(0, 1\], or absent \(1\), got null/],
    ['a NaN overcommit ratio', { host: { ...host, overcommitRatio: NaN } }, /overcommitRatio must be a finite number > 0 .*got NaN/],
    ['a null overcommit ratio', { host: { ...host, overcommitRatio: null } }, /host\.overcommitRatio must be .*got null/],
    ['a null disk', { host: { ...host, disk: null } }, /host\.disk must be an object \{ bytesPerSecond, iops\? \}, got null/],
    ['a string disk', { host: { ...host, disk: 'ssd' } }, /host\.disk must be an object .*got "ssd"/],
    ['an unknown policy', { host, policy: 'fifo' }, /policy must be one of 'credit', 'cfs', 'rr', 'priority', got "fifo"/],
    ['a null policy', { host, policy: null }, /policy must be one of .*got null/],
    ['an unknown fidelity', { host, fidelity: 'exactish' }, /fidelity "exactish": expected "exact" or "fluid"/],
    ['a null fidelity', { host, fidelity: null }, /fidelity must be 'exact' or 'fluid', or absent, got null/],
    ['a negative start', { host, start: -1 }, /start -1: expected a whole number from 0 to 9007199254740991/],
    ['a start past 2^53', { host, start: MAX + 2 }, /start 9007199254740992: expected a whole number/],
    ['a null start', { host, start: null }, /start must be an integer number of µs .*got null/],
    ['null libvirt timings', { host, libvirtTimings: null }, /libvirtTimings must be an object \{ bootUs\?, .*got null/],
    ['a NaN boot time', { host, firecrackerTimings: { bootUs: NaN } }, /firecrackerTimings\.bootUs must be an integer number of µs .*got NaN/],
    ['a negative VMM overhead', { host, vmmOverheadBytes: -1 }, /vmmOverheadBytes must be an integer >= 0, got -1/],
    ['a null VMM overhead', { host, vmmOverheadBytes: null }, /vmmOverheadBytes must be an integer number of bytes ≥ 0, or absent .*got null/],
    ['a zero snapshot disk', { host, snapshotDiskBytesPerSecond: 0 }, /snapshotDiskBytesPerSecond must be a finite number > 0 \(bytes\/s\), got 0/],
    ['an infinite snapshot disk', { host, snapshotDiskBytesPerSecond: Infinity }, /snapshotDiskBytesPerSecond must be .*got Infinity/],
    ['a snapshot disk as a string', { host, snapshotDiskBytesPerSecond: '5' }, /snapshotDiskBytesPerSecond must be .*got "5"/],
  ])('%s', (_name, options, message) => {
    expectRefused(() => (createHypervisor as (o: unknown) => unknown)(options), message);
  });
});

/** Calls on the fixture: [case, call, error class, message, a valid step first (its result is passed to the call)]. */
type Command = [string, (h: Loose, x: any) => unknown, ErrorClass, RegExp, ((h: Loose) => unknown)?];
const commands: Command[] = [
  // defineVm: the spec's shape
  ['defineVm without a guest', (h) => h.defineVm!({ name: 'new', vcpus: 1, memoryBytes: 128 * MiB }), ValidationError, /guest must be a GuestCpus \(an object \{ cpus, now\(\), .*\}, as createSchedulerGuest returns\), got undefined/],
  ['defineVm with a null guest', (h) => h.defineVm!(spec({ guest: null })), ValidationError, /guest must be a GuestCpus .*got null/],
  ['defineVm with {} as guest', (h) => h.defineVm!(spec({ guest: {} })), ValidationError, /guest must be a GuestCpus .*got an object without now\(\)/],
  ['defineVm with a guest of 2 CPUs for 1 vCPU', (h) => h.defineVm!(spec({ guest: guest(2) })), ValidationError, /guest\.cpus \(2\) must equal vcpus \(1\)/],
  ['defineVm with a guest behind the clock', (h) => h.defineVm!(spec({ guest: guest(1, 0) })), ValidationError, /the guest's clock \(0\) must equal the hypervisor's \(2000000\)/],
  ['defineVm of null', (h) => h.defineVm!(null), ValidationError, /spec must be an object \{ name, vcpus, memoryBytes, guest, .*\}, got null/],
  ['defineVm of nothing', (h) => h.defineVm!(), ValidationError, /spec must be an object .*got undefined/],
  ['defineVm of an array', (h) => h.defineVm!([]), ValidationError, /spec must be an object .*got \[\]/],
  ['defineVm without a name', (h) => h.defineVm!(spec({ name: undefined })), ValidationError, /name must be a string of 1 to 128 characters, got undefined/],
  ['defineVm with a number as name', (h) => h.defineVm!(spec({ name: 5 })), ValidationError, /name must be a string .*got 5/],
  ['defineVm with an empty name', (h) => h.defineVm!(spec({ name: '' })), ValidationError, /name must be a string .*got ""/],
  ['defineVm with a name of 129 characters', (h) => h.defineVm!(spec({ name: 'x'.repeat(129) })), ValidationError, /name must be a string of 1 to 128 characters/],
  ['defineVm of a name in use', (h) => h.defineVm!(spec({ name: 'lv' })), ConflictError, /VM 'lv' already exists/],
  ['defineVm with an unknown flavor', (h) => h.defineVm!(spec({ flavor: 'kvm' })), ValidationError, /flavor must be one of 'libvirt', 'firecracker', got "kvm"/],
  ['defineVm with a null flavor', (h) => h.defineVm!(spec({ flavor: null })), ValidationError, /flavor must be one of .*got null/],
  ['defineVm without vcpus', (h) => h.defineVm!(spec({ vcpus: undefined })), ValidationError, /vcpus is required \(an integer 1\.\.256\)/],
  ['defineVm with vcpus as a string', (h) => h.defineVm!(spec({ vcpus: '1' })), ValidationError, /vcpus must be an integer 1\.\.256, got "1"/],
  ['defineVm with NaN vcpus', (h) => h.defineVm!(spec({ vcpus: NaN })), ValidationError, /vcpus must be an integer 1\.\.256, got NaN/],
  ['defineVm with 1.5 vcpus', (h) => h.defineVm!(spec({ vcpus: 1.5 })), ValidationError, /vcpus must be .*got 1\.5/],
  ['defineVm with 1e300 vcpus', (h) => h.defineVm!(spec({ vcpus: 1e300 })), ValidationError, /vcpus must be .*got 1e\+300/],
  ['defineVm without memory', (h) => h.defineVm!(spec({ memoryBytes: undefined })), ValidationError, /memoryBytes must be an integer number of bytes from 1 to 9007199254740991, got undefined/],
  ['defineVm with memory as a string', (h) => h.defineVm!(spec({ memoryBytes: '1024' })), ValidationError, /memoryBytes must be .*got "1024"/],
  ['defineVm with NaN memory', (h) => h.defineVm!(spec({ memoryBytes: NaN })), ValidationError, /memoryBytes must be .*got NaN/],
  ['defineVm with -1 bytes', (h) => h.defineVm!(spec({ memoryBytes: -1 })), ValidationError, /memoryBytes must be .*got -1/],
  ['defineVm with 1.5 bytes', (h) => h.defineVm!(spec({ memoryBytes: 1.5 })), ValidationError, /memoryBytes must be .*got 1\.5/],
  ['defineVm with memory past 2^53', (h) => h.defineVm!(spec({ memoryBytes: MAX + 2 })), ValidationError, /memoryBytes must be .*got 9007199254740992/],
  ['a microVM of Infinity bytes', (h) => h.defineVm!(spec({ flavor: 'firecracker', memoryBytes: Infinity })), ValidationError, /memoryBytes must be .*got Infinity/],
  ['a microVM of part of a MiB', (h) => h.defineVm!(spec({ flavor: 'firecracker', memoryBytes: MiB + 1 })), ValidationError, /a microVM's memory must be whole MiB, got 1048577 bytes/],
  ['defineVm with more memory than the host', (h) => h.defineVm!(spec({ memoryBytes: 1024 * GiB })), InsufficientResourcesError, /cannot allocate 1048576 MiB of guest memory to VM 'new'/],
  ['defineVm with null cpu settings', (h) => h.defineVm!(spec({ cpu: null })), ValidationError, /cpu must be an object of the host policy's settings \(credit\), got null/],
  ['defineVm with a string as cpu settings', (h) => h.defineVm!(spec({ cpu: 'x' })), ValidationError, /cpu must be an object .*got "x"/],
  ['defineVm with a weight as a string', (h) => h.defineVm!(spec({ cpu: { weight: '5' } })), ValidationError, /weight must be an integer 1\.\.65535, got "5"/],
  ['defineVm with null drives', (h) => h.defineVm!(spec({ drives: null })), ValidationError, /drives must be an array of objects \{ drive_id, .*got null/],
  ['defineVm with an object as drives', (h) => h.defineVm!(spec({ drives: {} })), ValidationError, /drives must be an array .*got \{\}/],
  ['defineVm with a null drive', (h) => h.defineVm!(spec({ drives: [null] })), ValidationError, /drives\[0\] must be an object \{ drive_id, .*got null/],
  ['defineVm with a string as NICs', (h) => h.defineVm!(spec({ nics: 'eth0' })), ValidationError, /nics must be an array .*got "eth0"/],
  ['defineVm with a number as NIC', (h) => h.defineVm!(spec({ nics: [5] })), ValidationError, /nics\[0\] must be an object \{ iface_id, .*got 5/],
  ['defineVm with a null balloon', (h) => h.defineVm!(spec({ balloon: null })), ValidationError, /balloon must be an object \{ amount_mib, deflate_on_oom, .*got null/],
  ['defineVm with null timings', (h) => h.defineVm!(spec({ timings: null })), ValidationError, /timings must be an object \{ bootUs\?, .*got null/],
  ['defineVm with a NaN boot time', (h) => h.defineVm!(spec({ timings: { bootUs: NaN } })), ValidationError, /timings\.bootUs must be an integer number of µs .*got NaN/],
  ['defineVm with a null workload', (h) => h.defineVm!(spec({ workload: null })), ValidationError, /workload must be an object \{ bytes, bytesPerSecond\?, dirtyBytesPerSecond\?, wssBytes\? \}, got null/],
  ['defineVm with a string as workload', (h) => h.defineVm!(spec({ workload: 'x' })), ValidationError, /workload must be an object .*got "x"/],
  ['defineVm with a workload without bytes', (h) => h.defineVm!(spec({ workload: {} })), ValidationError, /workload\.bytes must be an integer within 0\.\.memoryBytes \(134217728\), got undefined/],
  ['defineVm with workload bytes as a string', (h) => h.defineVm!(spec({ workload: { bytes: '5' } })), ValidationError, /workload\.bytes must be .*got "5"/],
  ['defineVm with 1.5 workload bytes', (h) => h.defineVm!(spec({ workload: { bytes: 1.5 } })), ValidationError, /workload\.bytes must be .*got 1\.5/],
  ['defineVm with a workload beyond its memory', (h) => h.defineVm!(spec({ workload: { bytes: 129 * MiB } })), ValidationError, /workload\.bytes must be .*got 135266304/],
  ['defineVm with a NaN touch rate', (h) => h.defineVm!(spec({ workload: { bytes: 5, bytesPerSecond: NaN } })), ValidationError, /workload\.bytesPerSecond must be an integer from 1 to 9007199254740991 \(bytes\/s\), got NaN/],
  ['defineVm with a negative touch rate', (h) => h.defineVm!(spec({ workload: { bytes: 5, bytesPerSecond: -1 } })), ValidationError, /workload\.bytesPerSecond must be .*got -1/],
  ['defineVm with an infinite touch rate', (h) => h.defineVm!(spec({ workload: { bytes: 5, bytesPerSecond: Infinity } })), ValidationError, /workload\.bytesPerSecond must be .*got Infinity/],
  ['defineVm with a touch rate as a string', (h) => h.defineVm!(spec({ workload: { bytes: 5, bytesPerSecond: '5' } })), ValidationError, /workload\.bytesPerSecond must be .*got "5"/],
  ['defineVm with an infinite dirty rate', (h) => h.defineVm!(spec({ workload: { bytes: 5, dirtyBytesPerSecond: Infinity } })), ValidationError, /workload\.dirtyBytesPerSecond must be a finite number ≥ 0, got Infinity/],
  ['defineVm with a dirty rate as a string', (h) => h.defineVm!(spec({ workload: { bytes: 5, dirtyBytesPerSecond: '5' } })), ValidationError, /workload\.dirtyBytesPerSecond must be .*got "5"/],
  ['defineVm with a fractional working set', (h) => h.defineVm!(spec({ workload: { bytes: 5, wssBytes: 1.5 } })), ValidationError, /workload\.wssBytes must be an integer within 0\.\.memoryBytes .*got 1\.5/],
  ['defineVm with the guest of another VM', (h, g) => h.defineVm!(spec({ name: 'b', guest: g })), ConflictError, /guest is already the guest of VM 'a'/, (h) => { const g = guest(); h.defineVm!(spec({ name: 'a', guest: g })); return g; }],
  // names of VMs and devices
  ...(['start', 'shutdown', 'destroy', 'suspend', 'resume', 'undefine', 'vm', 'vmCpuTotals', 'dirtyModel', 'outgoingState', 'abortIncoming', 'completeIncoming', 'setVmCpu', 'snapshotVm'] as const).flatMap(
    (m): Command[] => [
      [`${m} of an unknown VM`, (h) => h[m]!('nope', {}), NotFoundError, /vm 'nope' does not exist/],
      [`${m} without a name`, (h) => h[m]!(), ValidationError, /name must be a string of 1 to 128 characters, got undefined/],
      [`${m} with a number as name`, (h) => h[m]!(5), ValidationError, /name must be a string .*got 5/],
      [`${m} with an object as name`, (h) => h[m]!({}), ValidationError, /name must be a string .*got \{\}/],
    ],
  ),
  ['submitBlock without a drive', (h) => h.submitBlock!('fc', undefined, { id: 'x', type: 'read', bytes: 5 }), ValidationError, /drive must be a non-empty string \(the drive_id of one of its drives\), got undefined/],
  ['submitBlock to an unknown drive', (h) => h.submitBlock!('fc', 'nope', { id: 'x', type: 'read', bytes: 5 }), NotFoundError, /drive 'nope' does not exist/],
  ['sendFrame on a number as NIC', (h) => h.sendFrame!('fc', 0, { id: 'f', bytes: 5 }), ValidationError, /iface must be a non-empty string \(the iface_id of one of its network interfaces\), got 0/],
  ['receiveFrame on an unknown NIC', (h) => h.receiveFrame!('fc', 'eth9', { id: 'f', bytes: 5 }), NotFoundError, /network interface 'eth9' does not exist/],
  ['updateDrive without a drive', (h) => h.updateDrive!('fc', null, { path_on_host: '/x' }), ValidationError, /drive must be a non-empty string .*got null/],
  ['updateNetworkInterface of an empty NIC name', (h) => h.updateNetworkInterface!('fc', '', {}), ValidationError, /iface must be a non-empty string .*got ""/],
  // the lifecycle's commands
  ['start a running VM', (h) => h.start!('lv'), InvalidTransitionError, /domain is already running/],
  ['resume a running VM', (h) => h.resume!('lv'), InvalidTransitionError, /domain is already running/],
  ['shutdown a shut-off VM', (h) => h.shutdown!('off'), InvalidTransitionError, /domain is not running/],
  ['undefine a running VM', (h) => h.undefine!('lv'), InvalidTransitionError, /VM 'lv' is running; destroy or shut it down before undefining it/],
  ['undefine twice', (h) => h.undefine!('off'), NotFoundError, /vm 'off' does not exist/, (h) => h.undefine!('off')],
  ['destroy a microVM twice (its process is gone)', (h) => h.destroy!('fc'), NotFoundError, /vm 'fc' does not exist/, (h) => h.destroy!('fc')],
  ['abortIncoming twice', (h) => h.abortIncoming!('in'), NotFoundError, /vm 'in' does not exist/, (h) => { h.receiveMigration!(spec({ name: 'in' })); h.abortIncoming!('in'); }],
  ['completeIncoming twice', (h) => h.completeIncoming!('in'), InvalidTransitionError, /domain 'in' is not an incoming migration/, (h) => { h.receiveMigration!(spec({ name: 'in' })); h.completeIncoming!('in'); }],
  ['start an incoming VM', (h) => h.start!('in'), InvalidTransitionError, /cannot acquire state change lock/, (h) => h.receiveMigration!(spec({ name: 'in' }))],
  ['crash without a reason', (h) => h.crash!('lv'), ValidationError, /reason must be one of 'host-failure', 'guest-panic', 'host-oom', got undefined/],
  ['crash for an unknown reason', (h) => h.crash!('lv', 'meteor'), ValidationError, /reason must be one of .*got "meteor"/],
  ['beginMigration with null options', (h) => h.beginMigration!('lv', null), ValidationError, /opts must be an object \{ durationUs\? \}, got null/],
  ['beginMigration for NaN µs', (h) => h.beginMigration!('lv', { durationUs: NaN }), ValidationError, /durationUs must be an integer number of µs .*got NaN/],
  ['beginMigration for a string duration', (h) => h.beginMigration!('lv', { durationUs: '5' }), ValidationError, /durationUs must be .*got "5"/],
  ['beginMigration for -1 µs', (h) => h.beginMigration!('lv', { durationUs: -1 }), ValidationError, /durationUs must be .*got -1/],
  ['beginMigration past the clock', (h) => h.beginMigration!('lv', { durationUs: MAX }), ValidationError, /beyond the clock's range/],
  ['beginMigration of a microVM', (h) => h.beginMigration!('fc'), ValidationError, /'fc' is a firecracker VM/],
  ['endMigration with an unknown outcome', (h) => h.endMigration!('lv', 'bogus'), ValidationError, /outcome must be one of 'completed', 'cancelled', 'failed', got "bogus"/],
  ['endMigration twice', (h) => h.endMigration!('lv', 'cancelled'), InvalidTransitionError, /no migration job is active/, (h) => { h.beginMigration!('lv'); h.endMigration!('lv', 'cancelled'); }],
  ['setThrottle NaN', (h) => h.setThrottle!('lv', NaN), ValidationError, /throttlePercent must be a number within 0\.\.99, got NaN/],
  ['setThrottle as a string', (h) => h.setThrottle!('lv', '5'), ValidationError, /throttlePercent must be .*got "5"/],
  ['setThrottle null', (h) => h.setThrottle!('lv', null), ValidationError, /throttlePercent must be .*got null/],
  ['setThrottle 100', (h) => h.setThrottle!('lv', 100), ValidationError, /throttlePercent must be .*got 100/],
  ['setThrottle -Infinity', (h) => h.setThrottle!('lv', -Infinity), ValidationError, /throttlePercent must be .*got -Infinity/],
  // devices
  ['submitBlock of null', (h) => h.submitBlock!('fc', 'root', null), ValidationError, /request must be an object \{ id, type: 'read' \| 'write' \| 'flush', bytes \}, got null/],
  ['submitBlock of NaN bytes', (h) => h.submitBlock!('fc', 'root', { id: 'x', type: 'read', bytes: NaN }), ValidationError, /bytes must be an integer >= 0, got NaN/],
  ['submitBlock of 1e300 bytes', (h) => h.submitBlock!('fc', 'root', { id: 'x', type: 'read', bytes: 1e300 }), ValidationError, /bytes must be .*got 1e\+300/],
  ['submitBlock of an unknown type', (h) => h.submitBlock!('fc', 'root', { id: 'x', type: 'erase', bytes: 5 }), ValidationError, /type must be 'read', 'write' or 'flush', got "erase"/],
  ['submitBlock to a VM not started', (h) => h.submitBlock!('off', 'root', { id: 'x', type: 'read', bytes: 5 }), InvalidTransitionError, /before it starts/],
  ['sendFrame of 0 bytes', (h) => h.sendFrame!('fc', 'eth0', { id: 'f', bytes: 0 }), ValidationError, /bytes must be an integer >= 1, got 0/],
  ['receiveFrame of Infinity bytes', (h) => h.receiveFrame!('fc', 'eth0', { id: 'f', bytes: Infinity }), ValidationError, /bytes must be .*got Infinity/],
  // post-boot changes
  ['setVmCpu with null', (h) => h.setVmCpu!('lv', null), ValidationError, /patch must be an object of scheduling settings \(the credit policy's\), got null/],
  ['setVmCpu with a string', (h) => h.setVmCpu!('lv', 'x'), ValidationError, /patch must be an object .*got "x"/],
  ['setVmCpu with a NaN weight', (h) => h.setVmCpu!('lv', { weight: NaN }), ValidationError, /weight must be an integer 1\.\.65535, got NaN/],
  ['setVmCpu with an infinite cap', (h) => h.setVmCpu!('lv', { cap: Infinity }), ValidationError, /cap must be an integer 0\.\.100, got Infinity/],
  ['setVmCpu of vcpus', (h) => h.setVmCpu!('lv', { vcpus: 2 }), ValidationError, /vcpus cannot change/],
  ['updateBalloon with null', (h) => h.updateBalloon!('fc', null), ValidationError, /balloon update must be an object \{ amount_mib \}, got null/],
  ['updateBalloon of NaN MiB', (h) => h.updateBalloon!('fc', { amount_mib: NaN }), ValidationError, /amount_mib must be an integer >= 0, got NaN/],
  ['updateBalloon of 1e300 MiB', (h) => h.updateBalloon!('fc', { amount_mib: 1e300 }), ValidationError, /amount_mib must be .*got 1e\+300/],
  ['updateBalloon of a string', (h) => h.updateBalloon!('fc', { amount_mib: '5' }), ValidationError, /amount_mib must be .*got "5"/],
  ['updateBalloonStats with a negative interval', (h) => h.updateBalloonStats!('fc', { stats_polling_interval_s: -1 }), ValidationError, /stats_polling_interval_s must be an integer >= 0, got -1/],
  ['updateDrive with null', (h) => h.updateDrive!('fc', 'root', null), ValidationError, /patch must be an object \{ path_on_host\?, rate_limiter\? \}, got null/],
  ['updateDrive with a string', (h) => h.updateDrive!('fc', 'root', 'x'), ValidationError, /patch must be an object .*got "x"/],
  ['updateDrive with a NaN bucket', (h) => h.updateDrive!('fc', 'root', { rate_limiter: { bandwidth: { size: NaN, refill_time: 100 } } }), ValidationError, /rate_limiter\.bandwidth\.size must be an integer >= 0, got NaN/],
  ['updateNetworkInterface with null', (h) => h.updateNetworkInterface!('fc', 'eth0', null), ValidationError, /patch must be an object \{ rx_rate_limiter\?, tx_rate_limiter\? \}, got null/],
  ['updateNetworkInterface with an infinite bucket', (h) => h.updateNetworkInterface!('fc', 'eth0', { rx_rate_limiter: { bandwidth: { size: Infinity, refill_time: 100 } } }), ValidationError, /rx_rate_limiter\.bandwidth\.size must be .*got Infinity/],
  // snapshots
  ['snapshotVm without options', (h) => h.snapshotVm!('fcp'), ValidationError, /opts must be an object \{ kind: 'full' \| 'diff' \}, got undefined/],
  ['snapshotVm of an unknown kind', (h) => h.snapshotVm!('fcp', { kind: 'half' }), ValidationError, /kind must be 'full' or 'diff', got "half"/],
  ['snapshotVm of a libvirt VM', (h) => h.snapshotVm!('lv', { kind: 'full' }), ValidationError, /snapshotVm takes Firecracker microVMs/],
  ['snapshotVm of a running microVM', (h) => h.snapshotVm!('fc', { kind: 'full' }), InvalidTransitionError, /save\/restore unavailable while running/],
  ['loadSnapshot of null', (h) => h.loadSnapshot!(spec(), null), ValidationError, /a snapshot must be an object .*got null/],
  // live migration
  ['receiveMigration of null', (h) => h.receiveMigration!(null), ValidationError, /spec must be an object .*got null/],
  ['receiveMigration without a guest', (h) => h.receiveMigration!({ name: 'in', vcpus: 1, memoryBytes: MiB }), ValidationError, /guest must be a GuestCpus .*got undefined/],
  ['receiveMigration with NaN memory', (h) => h.receiveMigration!(spec({ memoryBytes: NaN })), ValidationError, /memoryBytes must be .*got NaN/],
  ['receiveMigration with a null flavor', (h) => h.receiveMigration!(spec({ flavor: null })), ValidationError, /flavor must be one of .*got null/],
  ['receiveMigration with null options', (h) => h.receiveMigration!(spec(), null), ValidationError, /opts must be an object \{ persistent\? \}, got null/],
  ['receiveMigration with persistent as a string', (h) => h.receiveMigration!(spec(), { persistent: 'yes' }), ValidationError, /opts\.persistent must be true or false, got "yes"/],
  ['completeIncoming of a VM not incoming', (h) => h.completeIncoming!('lv'), InvalidTransitionError, /domain 'lv' is not an incoming migration/],
  ['outgoingState of a VM not migrating', (h) => h.outgoingState!('lv'), InvalidTransitionError, /only while migrating and suspended/],
  // time
  ['advanceTo(NaN)', (h) => h.advanceTo!(NaN), ValidationError, /time must be an integer number of µs from now \(2000000\) to 9007199254740991, got NaN/],
  ['advanceTo(Infinity)', (h) => h.advanceTo!(Infinity), ValidationError, /time must be .*got Infinity/],
  ['advanceTo(-Infinity)', (h) => h.advanceTo!(-Infinity), ValidationError, /time must be .*got -Infinity/],
  ['advanceTo with a string', (h) => h.advanceTo!('3000000'), ValidationError, /time must be .*got "3000000"/],
  ['advanceTo(null)', (h) => h.advanceTo!(null), ValidationError, /time must be .*got null/],
  ['advanceTo()', (h) => h.advanceTo!(), ValidationError, /time must be .*got undefined/],
  ['advanceTo a fraction', (h) => h.advanceTo!(2 * S + 0.5), ValidationError, /time must be .*got 2000000\.5/],
  ['advanceTo past 2^53', (h) => h.advanceTo!(MAX + 2), ValidationError, /time must be .*got 9007199254740992/],
  ['advanceTo(1e300)', (h) => h.advanceTo!(1e300), ValidationError, /time must be .*got 1e\+300/],
  ['advanceTo the past', (h) => h.advanceTo!(S), ValidationError, /advanceTo\(1000000\) is before now \(2000000\): time must not go backwards/],
];

describe('the hypervisor refuses bad commands by name and changes nothing', () => {
  it.each(commands)('%s', (_name, call, type, message, setup) => {
    const hv = fixture();
    const h = hv as unknown as Loose;
    const x = setup?.(h);
    const before = observe(hv);
    expectRefused(() => call(h, x), message, type);
    expect(observe(hv)).toEqual(before);
  });

  it('a refused defineVm leaves no trace: the same name and guest define fine afterwards', () => {
    const hv = fixture();
    const g = guest();
    const before = observe(hv);
    for (const bad of [{ workload: { bytes: 5, bytesPerSecond: NaN } }, { flavor: 'kvm' }, { drives: [null] }, { balloon: { amount_mib: 'x', deflate_on_oom: true } }]) {
      expect(() => hv.defineVm(spec({ guest: g, ...bad }))).toThrow(ValidationError);
      expect(observe(hv)).toEqual(before);
    }
    hv.defineVm(spec({ guest: g, workload: { bytes: MiB, bytesPerSecond: MiB } }));
    hv.start('new');
    hv.advanceTo(3 * S);
    expect(hv.vm('new').lifecycle.phase).toBe('running');
    expect(hv.vm('new').memory.inUseBytes).toBe(MiB);
  });

  it('advanceTo the largest time runs to it: no hang, no overflow into NaN', () => {
    const hv = fixture();
    hv.advanceTo(MAX);
    expect(hv.now()).toBe(MAX);
    for (const v of hv.vms()) for (const x of [v.cpuTotals.hostCpuUsec, v.cpuTotals.stealUsec, v.memory.inUseBytes]) expect(Number.isSafeInteger(x)).toBe(true);
    expectRefused(() => hv.advanceTo(MAX + 2), /time must be/);
  });
});

/** Calls that need a valid step first (a snapshot, an incoming VM): [case, setup, call, message]. */
const staged: [string, (h: Loose) => any, (h: Loose, x: any) => unknown, RegExp][] = [
  ['loadSnapshot with a null spec', (h) => h.snapshotVm!('fcp', { kind: 'full' }), (h, s) => h.loadSnapshot!(null, s), /spec must be an object .*got null/],
  ['loadSnapshot without a guest', (h) => h.snapshotVm!('fcp', { kind: 'full' }), (h, s) => h.loadSnapshot!({ name: 'new', vcpus: 1, memoryBytes: 128 * MiB }, s), /guest must be a GuestCpus .*got undefined/],
  ['loadSnapshot with null options', (h) => h.snapshotVm!('fcp', { kind: 'full' }), (h, s) => h.loadSnapshot!(spec(), s, null), /opts must be an object \{ resume\? \}, got null/],
  ['loadSnapshot with resume as a string', (h) => h.snapshotVm!('fcp', { kind: 'full' }), (h, s) => h.loadSnapshot!(spec(), s, { resume: 'yes' }), /opts\.resume must be true or false, got "yes"/],
  ['loadSnapshot with null cpu settings', (h) => h.snapshotVm!('fcp', { kind: 'full' }), (h, s) => h.loadSnapshot!(spec({ cpu: null }), s), /cpu must be an object .*got null/],
  ['loadSnapshot with a NaN touch rate', (h) => h.snapshotVm!('fcp', { kind: 'full' }), (h, s) => h.loadSnapshot!(spec({ workload: { bytes: 5, bytesPerSecond: NaN } }), s), /workload\.bytesPerSecond must be .*got NaN/],
  ['loadSnapshot into another size', (h) => h.snapshotVm!('fcp', { kind: 'full' }), (h, s) => h.loadSnapshot!(spec({ memoryBytes: 256 * MiB }), s), /must match the snapshot's machine/],
  ['loadSnapshot of a null cpu state', (h) => h.snapshotVm!('fcp', { kind: 'full' }), (h, s) => h.loadSnapshot!(spec(), { ...s, cpu: null }), /cpu must be an object \{ policy, spec, vcpus, throttlePercent \}, got null/],
  ['loadSnapshot of an unknown policy', (h) => h.snapshotVm!('fcp', { kind: 'full' }), (h, s) => h.loadSnapshot!(spec(), { ...s, cpu: { ...s.cpu, policy: 'fifo' } }), /cpu\.policy must be one of 'credit', 'cfs', 'rr', 'priority', got "fifo"/],
  ['loadSnapshot of null cpu settings', (h) => h.snapshotVm!('fcp', { kind: 'full' }), (h, s) => h.loadSnapshot!(spec(), { ...s, cpu: { ...s.cpu, spec: null } }), /cpu\.spec must be an object .*got null/],
  ['loadSnapshot of a null vCPU', (h) => h.snapshotVm!('fcp', { kind: 'full' }), (h, s) => h.loadSnapshot!(spec(), { ...s, cpu: { ...s.cpu, vcpus: [null] } }), /cpu\.vcpus\[0\] must be an object \{ hostCpuUsec, stealUsec, demand \}, got null/],
  ['loadSnapshot of a null demand', (h) => h.snapshotVm!('fcp', { kind: 'full' }), (h, s) => h.loadSnapshot!(spec(), { ...s, cpu: { ...s.cpu, vcpus: [{ ...s.cpu.vcpus[0], demand: null }] } }), /cpu\.vcpus\[0\]\.demand must be an object \{ runnable, demand \}, got null/],
  ['loadSnapshot of a NaN demand', (h) => h.snapshotVm!('fcp', { kind: 'full' }), (h, s) => h.loadSnapshot!(spec(), { ...s, cpu: { ...s.cpu, vcpus: [{ ...s.cpu.vcpus[0], demand: { runnable: true, demand: NaN } }] } }), /cpu\.vcpus\[0\]\.demand\.demand must be a finite number ≥ 0, got NaN/],
  ['loadSnapshot of NaN host time', (h) => h.snapshotVm!('fcp', { kind: 'full' }), (h, s) => h.loadSnapshot!(spec(), { ...s, cpu: { ...s.cpu, vcpus: [{ ...s.cpu.vcpus[0], hostCpuUsec: NaN }] } }), /cpu\.vcpus\[0\]\.hostCpuUsec must be an integer ≥ 0, got NaN/],
  ['loadSnapshot of a throttle as a string', (h) => h.snapshotVm!('fcp', { kind: 'full' }), (h, s) => h.loadSnapshot!(spec(), { ...s, cpu: { ...s.cpu, throttlePercent: '5' } }), /cpu\.throttlePercent must be within 0\.\.99, got "5"/],
  ['loadSnapshot into a name in use', (h) => h.snapshotVm!('fcp', { kind: 'full' }), (h, s) => h.loadSnapshot!(spec({ name: 'lv' }), s), /VM 'lv' already exists/],
  ['completeIncoming with a null state', (h) => h.receiveMigration!(spec({ name: 'in' })), (h) => h.completeIncoming!('in', null), /state must be an object \{ vm, cpu, memory, devices \} .*got null/],
  ['completeIncoming with a string state', (h) => h.receiveMigration!(spec({ name: 'in' })), (h) => h.completeIncoming!('in', 'x'), /state must be an object .*got "x"/],
  ['completeIncoming with a state without cpu', (h) => h.receiveMigration!(spec({ name: 'in' })), (h) => h.completeIncoming!('in', { vm: 'in' }), /state\.cpu must be an object \{ policy, spec, vcpus, throttlePercent \}, got undefined/],
  ['completeIncoming with a state without memory', (h) => h.receiveMigration!(spec({ name: 'in' })), (h) => h.completeIncoming!('in', { vm: 'in', cpu: { policy: 'credit', spec: {}, vcpus: [{ hostCpuUsec: 0, stealUsec: 0, demand: { runnable: false, demand: 1 } }], throttlePercent: 0 }, memory: null }), /state\.memory must be an object .*got null/],
  ['completeIncoming with null options', (h) => h.receiveMigration!(spec({ name: 'in' })), (h) => h.completeIncoming!('in', undefined, null), /opts must be an object \{ paused\? \}, got null/],
  ['completeIncoming with paused as a string', (h) => h.receiveMigration!(spec({ name: 'in' })), (h) => h.completeIncoming!('in', undefined, { paused: 'yes' }), /opts\.paused must be true or false, got "yes"/],
  ['completeIncoming with another VM\'s state', (h) => { h.beginMigration!('lv'); h.suspend!('lv'); h.receiveMigration!(spec({ name: 'in' })); return h.outgoingState!('lv'); }, (h, st) => h.completeIncoming!('in', st), /state\.vm must be 'in' \(the carried state of this VM\), got "lv"/],
];

describe('the hypervisor refuses malformed snapshots and carried state by name and changes nothing', () => {
  it.each(staged)('%s', (_name, setup, call, message) => {
    const hv = fixture();
    const h = hv as unknown as Loose;
    const x = setup(h);
    const before = observe(hv);
    expectRefused(() => call(h, x), message, _name.includes('in use') ? ConflictError : ValidationError);
    expect(observe(hv)).toEqual(before);
  });
});
