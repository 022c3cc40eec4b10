// Bad input to the snapshots part from a plain-JavaScript caller, and snapshots that went through JSON
// and were edited (a loaded snapshot is untrusted input): each case is a ValidationError that names
// the field and what is accepted (never a TypeError from inside), and nothing changes: the target
// microVM stays `Not started` with its memory and devices untouched, the source keeps its count.
import { describe, expect, it } from 'vitest';
import { expectRefused } from '../expect-refused.ts';
import { applyDiff, checkLoadable, createSnapshotter, snapshotCost, type VmSnapshot } from '../../src/index.js';
import { advance, bootVm, freshFor, MIB, newHost, pause, type Host } from './fixture.js';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call -- a tampered snapshot is untyped JSON on purpose */
/** A function called as plain JavaScript would: any arguments (the point is calls the types would refuse). */
const loose = (f: unknown) => f as (...args: unknown[]) => unknown;

/** `fc` booted (256 MiB, a balloon, a limited drive and a NIC), 64 MiB touched, paused. */
function paused(): Host {
  const h = newHost(0);
  bootVm(h, 'fc', 256);
  h.memory.setWorkload('fc', { bytes: 64 * MIB });
  h.devices.submitBlock('fc', 'rootfs', { id: 'q', type: 'read', bytes: 100 * MIB }); // in flight at the pause
  advance(h, 200_000);
  pause(h, 'fc');
  return h;
}

/** A full snapshot of `fc`, through JSON. */
const snapshot = (): any => JSON.parse(JSON.stringify(paused().snapshots.create('fc', { kind: 'full' })));

const state = (h: Host, vm: string): string =>
  JSON.stringify([h.lifecycles.list(), h.lifecycles.now(), h.memory.vm(vm), h.memory.host(), h.devices.saveVm(vm), h.memory.nextEventTime(), h.devices.nextEventTime()]);

describe('the snapshotter refuses malformed options and requests by name', () => {
  it.each<[string, () => unknown, RegExp]>([
    ['createSnapshotter(null)', () => loose(createSnapshotter)(null), /snapshotter options must be an object \{ lifecycles, memory, devices, diskBytesPerSecond\?, dirtyLog\? \}, got null/],
    ['no memory part', () => createSnapshotter({ ...newHost(0), memory: undefined as never }), /snapshotter options: memory must be the host's memory model, got undefined/],
    ['a disk rate as a string', () => createSnapshotter({ ...newHost(0), diskBytesPerSecond: '5' as never }), /diskBytesPerSecond must be a finite number > 0, got "5"/],
    ['a dirty log without clear', () => createSnapshotter({ ...newHost(0), dirtyLog: { rewrittenBytes: () => 0 } as never }), /snapshotter options: dirtyLog must be an object \{ rewrittenBytes\(vm\), clear\(vm\) \}/],
    ['snapshotCost(null)', () => loose(snapshotCost)(null), /snapshotCost input must be an object \{ memoryBytes, dirtiedBytes\?, kind, diskBytesPerSecond \}, got null/],
    ['snapshotCost with a string kind', () => snapshotCost({ memoryBytes: 1, kind: 'half' as never, diskBytesPerSecond: 1 }), /kind must be 'full' or 'diff', got "half"/],
  ])('%s', (_name, call, message) => {
    expectRefused(call, message);
  });

  it.each<[string, (h: Host) => unknown, RegExp]>([
    ['create without options', (h) => loose(h.snapshots.create.bind(h.snapshots))('fc'), /create: opts must be an object \{ kind: 'full' \| 'diff' \}, got undefined/],
    ['create of an unknown kind', (h) => loose(h.snapshots.create.bind(h.snapshots))('fc', { kind: 'half' }), /kind must be 'full' or 'diff', got "half"/],
    ['create with a null kind', (h) => loose(h.snapshots.create.bind(h.snapshots))('fc', { kind: null }), /kind must be 'full' or 'diff', got null/],
  ])('%s changes nothing', (_name, call, message) => {
    const h = paused();
    const before = [state(h, 'fc'), h.lifecycles.inspect('fc').snapshots];
    expectRefused(() => call(h), message);
    expect([state(h, 'fc'), h.lifecycles.inspect('fc').snapshots]).toEqual(before);
  });

  it('a dirty log that reports NaN is refused before the snapshot is counted', () => {
    const base = newHost(0);
    const h: Host = { ...base, snapshots: createSnapshotter({ ...base, dirtyLog: { rewrittenBytes: () => NaN, clear: () => undefined } }) };
    bootVm(h, 'fc', 256);
    pause(h, 'fc');
    const before = [state(h, 'fc'), h.lifecycles.inspect('fc').snapshots];
    expectRefused(() => h.snapshots.create('fc', { kind: 'full' }), /dirtyLog\.rewrittenBytes\('fc'\) returned NaN, not an integer ≥ 0/);
    expect([state(h, 'fc'), h.lifecycles.inspect('fc').snapshots]).toEqual(before);
  });
});

describe('a tampered snapshot is refused by name and the fresh microVM is untouched', () => {
  const first = (s: any) => s.devices.queues[0];
  it.each<[string, (s: any) => unknown, RegExp]>([
    ['null', () => null, /a snapshot must be an object \(a VmSnapshot that create returned, version 1\), got null/],
    ['an array', () => [], /a snapshot must be an object .*got \[\]/],
    ['another version', (s) => ({ ...s, version: 2 }), /snapshot version 2 is not supported: this build reads version 1 only/],
    ['a numeric id', (s) => ({ ...s, id: 5 }), /snapshot id must be a non-empty string, got 5/],
    ['an unknown kind', (s) => ({ ...s, kind: 'half' }), /snapshot kind must be 'full' or 'diff', got "half"/],
    ['no machine', (s) => ({ ...s, machine: undefined }), /snapshot machine must be an object \{ vcpus, memMib, smt, hugePages, balloonMib \}, got undefined/],
    ['vCPUs as a string', (s) => ({ ...s, machine: { ...s.machine, vcpus: 'x' } }), /snapshot machine\.vcpus must be an integer from 1 to 32, got "x"/],
    ['64 vCPUs', (s) => ({ ...s, machine: { ...s.machine, vcpus: 64 } }), /snapshot machine\.vcpus must be an integer from 1 to 32, got 64/],
    ['NaN MiB', (s) => ({ ...s, machine: { ...s.machine, memMib: NaN } }), /snapshot machine\.memMib must be an integer from 1 to 8589934591, got NaN/],
    ['memory that is not the machine\'s', (s) => ({ ...s, machine: { ...s.machine, memMib: 1 } }), /is inconsistent: guest memory 268435456 B is not mem_size_mib 1/],
    ['SMT as a string', (s) => ({ ...s, machine: { ...s.machine, smt: 'no' } }), /snapshot machine\.smt must be true or false, got "no"/],
    ['1G huge pages', (s) => ({ ...s, machine: { ...s.machine, hugePages: '1G' } }), /snapshot machine\.hugePages must be 'None' or '2M', got "1G"/],
    ['no memory', (s) => ({ ...s, memory: undefined }), /memory must be an object \{ guestBytes, .*\}, got undefined/],
    ['a null balloon config', (s) => ({ ...s, memory: { ...s.memory, balloon: { ...s.memory.balloon, config: null } } }), /memory\.balloon\.config must be an object/],
    ['a negative balloon', (s) => ({ ...s, memory: { ...s.memory, balloon: { ...s.memory.balloon, actualPages: -1 } } }), /memory\.balloon\.actualPages must be an integer from 0 to 65536, got -1/],
    ['more in use than resident', (s) => ({ ...s, memory: { ...s.memory, inUseBytes: s.memory.residentBytes + 4096 } }), /a memory snapshot needs inUseBytes <= residentBytes <= guestBytes/],
    ['no devices', (s) => ({ ...s, devices: null }), /snapshot devices must be an object \{ drives, networkInterfaces, savedAtUs\?, queues\? \}, got null/],
    ['drives as a string', (s) => ({ ...s, devices: { ...s.devices, drives: 'x' } }), /snapshot devices\.drives must be an array, got "x"/],
    ['a negative bucket size', (s) => ({ ...s, devices: { ...s.devices, drives: [{ ...s.devices.drives[0], rate_limiter: { bandwidth: { size: -1, refill_time: 1 } } }] } }), /snapshot devices: rate_limiter\.bandwidth\.size must be an integer >= 0, got -1/],
    ['a null limiter state', (s) => ({ ...s, devices: { ...s.devices, queues: [{ ...first(s), limiter: null }, ...s.devices.queues.slice(1)] } }), /snapshot devices: queues\[0\]\.limiter: the limiter state must be an object/],
    ['a NaN in-flight time', (s) => ({ ...s, devices: { ...s.devices, queues: [{ ...first(s), inFlight: [{ ...first(s).inFlight[0], time: NaN }] }, ...s.devices.queues.slice(1)] } }), /snapshot devices: queues\[0\]\.inFlight\.time must be a safe integer, got NaN/],
    ['a NaN create time', (s) => ({ ...s, createSeconds: NaN }), /snapshot createSeconds must be a finite number ≥ 0, got NaN/],
    ['a string taken-at time', (s) => ({ ...s, takenAtUs: '0' }), /snapshot takenAtUs must be an integer from 0 to 9007199254740991, got "0"/],
  ])('%s', (_name, tamper, message) => {
    const s = tamper(snapshot());
    const fresh = freshFor(snapshot() as VmSnapshot, 0);
    const before = state(fresh, 'fc');
    expectRefused(() => fresh.snapshots.load('fc', s as VmSnapshot), message);
    expect(state(fresh, 'fc')).toBe(before);
    expect(fresh.lifecycles.inspect('fc').firecracker).toBe('Not started');
    expectRefused(() => checkLoadable(s), /./); // the same check, without a host
  });

  it('load with resumeVm as a string is refused before anything changes', () => {
    const fresh = freshFor(snapshot() as VmSnapshot, 0);
    const before = state(fresh, 'fc');
    expectRefused(() => loose(fresh.snapshots.load.bind(fresh.snapshots))('fc', snapshot(), { resumeVm: 'yes' }), /resumeVm must be true or false, got "yes"/);
    expect(state(fresh, 'fc')).toBe(before);
  });

  it('applyDiff refuses a tampered diff or base by name', () => {
    const h = paused();
    const base = JSON.parse(JSON.stringify(h.snapshots.create('fc', { kind: 'full' }))) as VmSnapshot;
    const diff = JSON.parse(JSON.stringify(h.snapshots.create('fc', { kind: 'diff' }))) as VmSnapshot;
    expectRefused(() => applyDiff(base, null as never), /a snapshot must be an object .*got null/);
    expectRefused(() => applyDiff(base, { ...diff, memory: undefined as never }), /memory must be an object/);
    expectRefused(() => applyDiff(base, { ...diff, base: undefined }), /snapshot base must be the id of the snapshot the diff applies onto, got undefined/);
    expectRefused(() => applyDiff({ ...base, machine: null as never }, diff), /snapshot machine must be an object/);
    expect(applyDiff(base, diff).kind).toBe('full');
  });
});
