// Bad input to the lifecycle from a plain-JavaScript caller: each case is a ValidationError that names
// the field and what is accepted (never a TypeError from inside, never NaN, a string or a time in
// the past in a record or a timer), and the host is exactly as before, events included.
import { describe, expect, it } from 'vitest';
import { expectRefused } from '../expect-refused.ts';
import { applyMachineConfig, createVmLifecycles, type VmLifecycles } from '../../src/index.ts';
import { inPhase, observe } from './fixture.ts';

/** Its methods called as plain JavaScript would: any arguments (the point is calls the types would refuse). */
type Loose = Record<string, (...args: unknown[]) => unknown>;
const loose = (l: VmLifecycles): Loose => l as unknown as Loose;

/** A host with `web` running, a microVM `fc` not started, and a libvirt VM `off` shut off with a snapshot. */
function host(): VmLifecycles {
  const { l } = inPhase('running');
  l.createMicroVm('fc');
  l.define('off');
  l.snapshotCreate('off');
  l.takeEvents();
  return l;
}

describe('createVmLifecycles refuses malformed options by name', () => {
  it.each([
    ['null options', null, /options must be an object \{ startTime\?, libvirtTimings\?, firecrackerTimings\? \}, got null/],
    ['a NaN start time', { startTime: NaN }, /startTime must be an integer number of µs from 0 to 9007199254740991, got NaN/],
    ['a negative start time', { startTime: -5 }, /startTime must be .*got -5/],
    ['a start time as a string', { startTime: '7' }, /startTime must be .*got "7"/],
    ['a start time past 2^53', { startTime: Number.MAX_SAFE_INTEGER + 2 }, /startTime must be/],
    ['null timings', { libvirtTimings: null }, /libvirtTimings must be an object \{ bootUs\?, shutdownUs\?, pauseUs\?, resumeUs\?, diskBytesPerSecond\? \}, got null/],
    ['a negative boot time', { libvirtTimings: { bootUs: -1 } }, /libvirtTimings\.bootUs must be an integer number of µs from 0 to 9007199254740991, got -1/],
    ['a fractional boot time', { firecrackerTimings: { bootUs: 1.5 } }, /firecrackerTimings\.bootUs must be .*got 1\.5/],
    ['a disk rate as a string', { libvirtTimings: { diskBytesPerSecond: '5' } }, /libvirtTimings\.diskBytesPerSecond must be a finite number > 0 \(bytes\/s\), got "5"/],
    ['an infinite disk rate', { firecrackerTimings: { diskBytesPerSecond: Infinity } }, /firecrackerTimings\.diskBytesPerSecond .*got Infinity/],
    ['a NaN disk rate', { libvirtTimings: { diskBytesPerSecond: NaN } }, /diskBytesPerSecond .*got NaN/],
  ])('%s', (_name, options, message) => {
    expectRefused(() => (createVmLifecycles as (o: unknown) => unknown)(options), message);
  });
});

describe('the lifecycle refuses bad commands by name and changes nothing', () => {
  it.each<[string, (l: Loose) => unknown, RegExp]>([
    // new VMs: name and config
    ['define without a name', (l) => l.define!(undefined), /name must be a string of 1 to 256 characters, got undefined/],
    ['define with a number as name', (l) => l.define!(5), /name must be a string .*got 5/],
    ['create with an empty name', (l) => l.create!(''), /name must be a string .*got ""/],
    ['define with a null config', (l) => l.define!('a', null), /config must be an object \{ vcpus\?, memoryBytes\?, onCrash\?, guestHonorsAcpi\?, timings\? \}, got null/],
    ['define with 1e300 vCPUs', (l) => l.define!('a', { vcpus: 1e300 }), /vcpus must be a positive integer \(at most 2\^53 − 1\), got 1e\+300/],
    ['define with vCPUs as a string', (l) => l.define!('a', { vcpus: '2' }), /vcpus must be .*got "2"/],
    ['define with no memory', (l) => l.define!('a', { memoryBytes: 0 }), /memoryBytes must be an integer number of bytes from 1 to 9007199254740991, got 0/],
    ['define with NaN memory', (l) => l.define!('a', { memoryBytes: NaN }), /memoryBytes must be .*got NaN/],
    ['define with memory past 2^53', (l) => l.define!('a', { memoryBytes: Number.MAX_SAFE_INTEGER + 2 }), /memoryBytes must be/],
    ['define with an unknown on_crash', (l) => l.define!('a', { onCrash: 'explode' }), /onCrash must be one of 'destroy', 'restart', 'preserve', got "explode"/],
    ['define with ACPI as a string', (l) => l.define!('a', { guestHonorsAcpi: 'no' }), /guestHonorsAcpi must be true or false, got "no"/],
    ['define with null timings', (l) => l.define!('a', { timings: null }), /timings must be an object/],
    ['define with a NaN boot time', (l) => l.define!('a', { timings: { bootUs: NaN } }), /timings\.bootUs must be .*got NaN/],
    ['redefine with 0 vCPUs', (l) => l.define!('web', { vcpus: 0 }), /vcpus must be .*got 0/],
    ['redefine with an unknown on_crash', (l) => l.define!('web', { onCrash: 'reboot' }), /onCrash must be one of/],
    ['createMicroVm with null options', (l) => l.createMicroVm!('m', null), /opts must be an object \{ timings\?, guestHonorsAcpi\? \}, got null/],
    ['createMicroVm with ACPI as a string', (l) => l.createMicroVm!('m', { guestHonorsAcpi: 'x' }), /guestHonorsAcpi must be true or false, got "x"/],
    ['receiveMigration with a null config', (l) => l.receiveMigration!('m', null), /config must be an object/],
    ['receiveMigration with paused as a string', (l) => l.receiveMigration!('m', {}, { paused: 'yes' }), /paused must be true or false, got "yes"/],
    // time
    ['advanceTo(NaN)', (l) => l.advanceTo!(NaN), /time must be an integer number of µs from now \(12147484\) to 9007199254740991, got NaN/],
    ['advanceTo(Infinity)', (l) => l.advanceTo!(Infinity), /time must be .*got Infinity/],
    ['advanceTo with a string', (l) => l.advanceTo!('99999999'), /time must be .*got "99999999"/],
    ['advanceTo a fraction', (l) => l.advanceTo!(5_000_000.5), /time must be .*got 5000000\.5/],
    ['advanceTo the past', (l) => l.advanceTo!(4_999_999), /advanceTo\(4999999\) is before now \(12147484\): time must not go backwards/],
    // command options
    ['shutdown with null options', (l) => l.shutdown!('web', null), /opts must be an object of shutdown's options, got null/],
    ['shutdown with a string timeout', (l) => l.shutdown!('web', { timeoutUs: '5' }), /timeoutUs must be an integer number of µs from 0 to 9007199254740991, got "5"/],
    ['shutdown with a NaN timeout', (l) => l.shutdown!('web', { timeoutUs: NaN }), /timeoutUs must be .*got NaN/],
    ['shutdown with a negative timeout', (l) => l.shutdown!('web', { timeoutUs: -10 }), /timeoutUs must be .*got -10/],
    ['shutdown with a timeout past the clock', (l) => l.shutdown!('web', { timeoutUs: Number.MAX_SAFE_INTEGER }), /VM 'web': its deadline would end at .* µs, beyond the clock's range/],
    ['shutdown with an unknown timeout action', (l) => l.shutdown!('web', { timeoutUs: 5, onTimeout: 'nuke' }), /onTimeout must be one of 'destroy', 'keep-running', got "nuke"/],
    ['start with forceBoot as a string', (l) => l.start!('off', { forceBoot: 'yes' }), /forceBoot must be true or false, got "yes"/],
    ['migrate for a negative duration (a timer in the past)', (l) => l.migrate!('web', { durationUs: -10 }), /durationUs must be an integer number of µs from 0 to 9007199254740991, or Infinity \(ended from outside\), got -10/],
    ['migrate for NaN µs', (l) => l.migrate!('web', { durationUs: NaN }), /durationUs must be .*got NaN/],
    ['migrate for a string duration', (l) => l.migrate!('web', { durationUs: '10' }), /durationUs must be .*got "10"/],
    ['snapshotCreate for 1.5 µs', (l) => l.snapshotCreate!('web', { durationUs: 1.5 }), /durationUs must be .*got 1\.5/],
    ['snapshotRevert to an unknown state', (l) => l.snapshotRevert!('off', { snapshotState: 'bogus' }), /snapshotState must be one of 'running', 'paused', 'shutoff', got "bogus"/],
    ['undefine with managedSave as a number', (l) => l.undefine!('off', { managedSave: 1 }), /managedSave must be true or false, got 1/],
    ['crash for an unknown reason', (l) => l.crash!('web', 'meteor'), /reason must be one of 'host-failure', 'guest-panic', 'host-oom', got "meteor"/],
    ['crash without a reason', (l) => l.crash!('web'), /reason must be one of 'host-failure', 'guest-panic', 'host-oom', got undefined/],
    ['endMigration with an unknown outcome', (l) => l.endMigration!('web', 'bogus'), /outcome must be one of 'completed', 'cancelled', 'failed', got "bogus"/],
    ['endSnapshot with no outcome', (l) => l.endSnapshot!('web'), /outcome must be one of .*got undefined/],
    ['check of an unknown operation', (l) => l.check!('web', 'fly'), /op must be one of define, start, .*, got "fly"/],
    ['restore of null', (l) => l.restore!(null), /image must be a SavedImage that save\(\) returned, got null/],
    ['completeIncoming with paused as a string', (l) => l.completeIncoming!('web', { paused: 'no' }), /paused must be true or false, got "no"/],
    // Firecracker requests
    ['an unknown Firecracker request', (l) => l.firecracker!('fc', 'fly'), /op must be one of put-boot-source, .*got "fly"/],
    ['a null body', (l) => l.firecracker!('fc', 'put-machine-config', null), /body must be an object \(the JSON body of put-machine-config\), got null/],
    ['an array as body', (l) => l.firecracker!('fc', 'put-balloon', [5]), /body must be an object .*got \[5\]/],
    ['vcpu_count as a string', (l) => l.firecracker!('fc', 'put-machine-config', { vcpu_count: '2' }), /vcpu_count must be a number, got "2"/],
    ['huge_pages of 1G', (l) => l.firecracker!('fc', 'put-machine-config', { huge_pages: '1G' }), /huge_pages must be 'None' or '2M', got "1G"/],
    ['smt as a string', (l) => l.firecracker!('fc', 'patch-machine-config', { smt: 'yes', vcpu_count: 3 }), /smt must be true or false, got "yes"/],
    ['1e300 MiB of memory', (l) => l.firecracker!('fc', 'put-machine-config', { mem_size_mib: 1e300 }), /mem_size_mib must be at most 8589934591 \(its bytes a safe integer\), got 1e\+300/],
    ['a balloon size as a string', (l) => l.firecracker!('fc', 'put-balloon', { amount_mib: '5' }), /amount_mib must be a number, got "5"/],
    ['a snapshot load of NaN MiB', (l) => l.firecracker!('fc', 'snapshot-load', { mem_size_mib: 'x' }), /mem_size_mib must be an integer from 1 to 8589934591, got "x"/],
    ['a snapshot load of -3 vCPUs', (l) => l.firecracker!('fc', 'snapshot-load', { vcpu_count: -3 }), /vcpu_count must be an integer from 1 to 32, got -3/],
    ['a snapshot load with resume_vm as a string', (l) => l.firecracker!('fc', 'snapshot-load', { resume_vm: 'true' }), /resume_vm must be true or false, got "true"/],
  ])('%s', (_name, call, message) => {
    const l = host();
    const before = observe(l);
    expectRefused(() => call(loose(l)), message);
    expect(observe(l)).toEqual(before);
  });

  it('a boot timing that would put the boot past the clock is refused at start, changing nothing', () => {
    const l = createVmLifecycles({ startTime: 10, libvirtTimings: { bootUs: Number.MAX_SAFE_INTEGER } });
    l.define('a');
    l.takeEvents();
    const before = observe(l);
    expectRefused(() => l.start('a'), /VM 'a': its activity would end at 9007199254741000 µs, beyond the clock's range \(now 10 \.\. 9007199254740991 µs\)/);
    expect(observe(l)).toEqual(before);
  });

  it('applyMachineConfig refuses a body that is not an object', () => {
    const fc = { vcpus: 1, memMib: 128, smt: false, hugePages: 'None' as const, bootResources: [], bootSourceSet: false, balloonMib: null, snapshotLoaded: false };
    expectRefused(() => applyMachineConfig(fc, null as never, 'put'), /the machine-config body must be an object \{ vcpu_count\?, mem_size_mib\?, smt\?, huge_pages\? \}, got null/);
  });
});
