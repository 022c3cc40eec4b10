// Bad input to the device model and the rate limiter from a plain-JavaScript caller: each case is a
// ValidationError that names the field and what is accepted (never a TypeError from inside, never NaN
// or a time past the clock in the state), and nothing changes. A saved device state is untrusted input.
import { describe, expect, it } from 'vitest';
import { expectRefused } from '../expect-refused.ts';
import { createDeviceModel, FirecrackerRateLimiter, type DeviceModel } from '../../src/devices/index.ts';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- a tampered saved state is untyped JSON on purpose */
/** Its methods called as plain JavaScript would: any arguments (the point is calls the types would refuse). */
type Loose = Record<string, (...args: unknown[]) => unknown>;
const loose = (m: DeviceModel): Loose => m as unknown as Loose;

/** `vm` started with a rate-limited drive `r` (a read pending behind the host disk) and a NIC `e`; `fresh` registered, never started. */
function model(): DeviceModel {
  const m = createDeviceModel({ hostDisk: { bytesPerSecond: 1_000_000 } });
  m.addVm('vm');
  m.putDrive('vm', { drive_id: 'r', path_on_host: '/x', is_root_device: true, rate_limiter: { ops: { size: 100, refill_time: 1000 } } });
  m.putNetworkInterface('vm', { iface_id: 'e', host_dev_name: 'tap0', tx_rate_limiter: { bandwidth: { size: 1_000_000, refill_time: 100 } } });
  m.startVm('vm');
  m.submitBlock('vm', 'r', { id: 'q1', type: 'read', bytes: 5_000_000 });
  m.submitBlock('vm', 'r', { id: 'q2', type: 'read', bytes: 5 });
  m.addVm('fresh');
  m.advanceTo(10);
  return m;
}

const observe = (m: DeviceModel): unknown =>
  JSON.parse(JSON.stringify({ now: m.now(), next: String(m.nextEventTime()), vm: m.saveVm('vm'), fresh: m.saveVm('fresh'), r: m.drive('vm', 'r'), e: m.networkInterface('vm', 'e') }));

/** The started VM's devices as `saveVm` gives them, through JSON. */
const saved = (): any => JSON.parse(JSON.stringify(model().saveVm('vm')));

describe('createDeviceModel refuses malformed options by name', () => {
  it.each([
    ['null', null, /options must be an object \{ start\?, hostDisk\? \}, got null/],
    ['a null host disk', { hostDisk: null }, /hostDisk must be an object \{ bytesPerSecond, iops\? \}, got null/],
    ['a host disk rate as a string', { hostDisk: { bytesPerSecond: '1000' } }, /hostDisk\.bytesPerSecond must be an integer >= 1, got "1000"/],
    ['a NaN start', { start: NaN }, /start must be an integer >= 0, got NaN/],
  ])('%s', (_name, options, message) => {
    expectRefused(() => (createDeviceModel as (o: unknown) => unknown)(options), message);
  });
});

describe('the device model refuses bad commands by name and changes nothing', () => {
  it.each<[string, (m: Loose) => unknown, RegExp]>([
    ['submitBlock with null', (m) => m.submitBlock!('vm', 'r', null), /request must be an object \{ id, type: 'read' \| 'write' \| 'flush', bytes \}, got null/],
    ['submitBlock with bytes as a string', (m) => m.submitBlock!('vm', 'r', { id: 'x', type: 'read', bytes: '5' }), /bytes must be an integer >= 0, got "5"/],
    ['submitBlock of an unknown type', (m) => m.submitBlock!('vm', 'r', { id: 'x', type: 'trim', bytes: 5 }), /type must be 'read', 'write' or 'flush', got "trim"/],
    ['a read the host disk would serve past the clock', (m) => m.submitBlock!('vm', 'r', { id: 'x', type: 'read', bytes: Number.MAX_SAFE_INTEGER }), /bytes 9007199254740991 would keep the host disk \(1000000 B\/s\) busy past the clock's range/],
    ['sendFrame with null', (m) => m.sendFrame!('vm', 'e', null), /frame must be an object \{ id, bytes \}, got null/],
    ['receiveFrame with NaN bytes', (m) => m.receiveFrame!('vm', 'e', { id: 'f', bytes: NaN }), /bytes must be an integer >= 1, got NaN/],
    ['putDrive with null', (m) => m.putDrive!('fresh', null), /expected an object with fields among drive_id, .*got null/],
    ['putDrive with is_root_device as a string', (m) => m.putDrive!('fresh', { drive_id: 'd', path_on_host: '/d', is_root_device: 'true' }), /is_root_device must be true or false, got "true"/],
    ['patchDrive with an array', (m) => m.patchDrive!('vm', []), /expected an object with fields among drive_id, path_on_host, rate_limiter, got \[\]/],
    ['patchNetworkInterface with a NaN bucket', (m) => m.patchNetworkInterface!('vm', { iface_id: 'e', tx_rate_limiter: { bandwidth: { size: NaN, refill_time: 1 } } }), /tx_rate_limiter\.bandwidth\.size must be an integer >= 0, got NaN/],
    ['advanceTo(NaN)', (m) => m.advanceTo!(NaN), /time must be an integer >= 10, got NaN/],
    ['advanceTo the past', (m) => m.advanceTo!(5), /time must be an integer >= 10, got 5/],
  ])('%s', (_name, call, message) => {
    const m = model();
    const before = observe(m);
    expectRefused(() => call(loose(m)), message);
    expect(observe(m)).toEqual(before);
  });
});

/** A model at 100 µs where `vm` is registered, never started (the restore's target), and `other` runs with a request in flight. */
function target(): DeviceModel {
  const m = createDeviceModel({ start: 100, hostDisk: { bytesPerSecond: 1_000_000 } });
  m.addVm('vm');
  m.addVm('other');
  m.putDrive('other', { drive_id: 'd', path_on_host: '/d', is_root_device: true });
  m.startVm('other');
  m.submitBlock('other', 'd', { id: 'q', type: 'write', bytes: 1000 });
  return m;
}

describe('restoreVm refuses a malformed or tampered device state by name, before changing anything', () => {
  it.each<[string, (s: any) => unknown, RegExp]>([
    ['no state', () => undefined, /devices must be an object \{ drives, networkInterfaces, savedAtUs\?, queues\? \}, got undefined/],
    ['drives as a string', (s) => ({ ...s, drives: 'x' }), /drives must be an array, got "x"/],
    ['no network interfaces', (s) => ({ ...s, networkInterfaces: undefined }), /networkInterfaces must be an array, got undefined/],
    ['a null drive', (s) => ({ ...s, drives: [null] }), /expected an object with fields among drive_id, .*got null/],
    ['queues as a string', (s) => ({ ...s, queues: 'x' }), /queues must be an array, got "x"/],
    ['a null queue', (s) => ({ ...s, queues: [null] }), /queues\[0\] must be an object \{ device, queue, limiter, busyUntilUs, pending, inFlight, served\? \}, got null/],
    ['a null limiter state', (s) => ({ ...s, queues: [{ ...s.queues[0], limiter: null }] }), /queues\[0\]\.limiter: the limiter state must be an object \{ bandwidth, ops, blockedUntilUs \}, got null/],
    ['a NaN bucket budget', (s) => ({ ...s, queues: [{ ...s.queues[0], limiter: { ...s.queues[0].limiter, ops: { ...s.queues[0].limiter.ops, budget: NaN } } }] }), /queues\[0\]\.limiter: ops\.budget must be/],
    ['pending as a string', (s) => ({ ...s, queues: [{ ...s.queues[0], pending: 'x' }] }), /queues\[0\]\.pending must be an array, got "x"/],
    ['a null pending request', (s) => ({ ...s, queues: [{ ...s.queues[0], pending: [null] }] }), /queues\[0\]\.pending\[\] must be an object \{ id, bytes, drawsBytes \}, got null/],
    ['drawsBytes as a string', (s) => ({ ...s, queues: [{ ...s.queues[0], pending: [{ ...s.queues[0].pending[0], drawsBytes: 'y' }] }] }), /queues\[0\]\.pending\.drawsBytes must be true or false, got "y"/],
    ['in-flight as null', (s) => ({ ...s, queues: [{ ...s.queues[0], inFlight: null }] }), /queues\[0\]\.inFlight must be an array, got null/],
    ['a NaN admission time', (s) => ({ ...s, queues: [{ ...s.queues[0], inFlight: [{ ...s.queues[0].inFlight[0], admittedAt: NaN }] }] }), /queues\[0\]\.inFlight\.admittedAt must be a safe integer, got NaN/],
    ['an admission after the completion', (s) => ({ ...s, queues: [{ ...s.queues[0], inFlight: [{ ...s.queues[0].inFlight[0], admittedAt: 1e15 }] }] }), /queues\[0\]\.inFlight\.admittedAt must be an integer µs no later than its time/],
    ['in-flight bytes as a string', (s) => ({ ...s, queues: [{ ...s.queues[0], inFlight: [{ ...s.queues[0].inFlight[0], bytes: 'x' }] }] }), /queues\[0\]\.inFlight\.bytes must be an integer >= 0, got "x"/],
    ['a request id as a number', (s) => ({ ...s, queues: [{ ...s.queues[0], inFlight: [{ ...s.queues[0].inFlight[0], request: 5 }] }] }), /queues\[0\]\.inFlight\.request must be a string of 1\.\.128 characters, got 5/],
    ['served as null', (s) => ({ ...s, queues: [{ ...s.queues[0], served: null }] }), /queues\[0\]\.served must be an object \{ requests, bytes \}, got null/],
  ])('%s', (_name, tamper, message) => {
    const state = tamper(saved());
    const m = target();
    const before = JSON.stringify([m.now(), m.nextEventTime(), m.saveVm('vm'), m.saveVm('other')]);
    expectRefused(() => m.restoreVm('vm', state as never), message);
    expect(JSON.stringify([m.now(), m.nextEventTime(), m.saveVm('vm'), m.saveVm('other')])).toBe(before);
    m.restoreVm('vm', saved()); // the untouched state still loads
    expect(m.drive('vm', 'r').pending).toBe(1);
  });
});

describe('FirecrackerRateLimiter refuses bad arguments by name and keeps its state', () => {
  const limiter = (): FirecrackerRateLimiter => new FirecrackerRateLimiter({ bandwidth: { size: 1000, refill_time: 100 }, ops: { size: 10, refill_time: 1000 } }, 5);
  it.each<[string, (l: Loose) => unknown, RegExp]>([
    ['consume of NaN tokens', (l) => l.consume!(NaN, 'bytes', 10), /tokens must be an integer >= 0, got NaN/],
    ['consume of an unknown token type', (l) => l.consume!(1, 'packets', 10), /type must be 'bytes' or 'ops', got "packets"/],
    ['consume at NaN µs', (l) => l.consume!(1, 'bytes', NaN), /now must be an integer µs, got NaN/],
    ['update with null', (l) => l.update!(null, 10), /patch must be a rate limiter \{ bandwidth\?, ops\? \}, got null/],
    ['update at a string time', (l) => l.update!({ ops: { size: 1, refill_time: 1 } }, '10'), /now must be an integer µs >= 0, got "10"/],
    ['manualReplenish of an unknown type', (l) => l.manualReplenish!(1, 'packets'), /type must be 'bytes' or 'ops', got "packets"/],
  ])('%s', (_name, call, message) => {
    const l = limiter();
    const before = JSON.stringify([l.state(), l.config]);
    expectRefused(() => call(l as unknown as Loose), message);
    expect(JSON.stringify([l.state(), l.config])).toBe(before);
  });

  it.each<[string, () => unknown, RegExp]>([
    ['a null config', () => new FirecrackerRateLimiter(null as never), /config must be a rate limiter \{ bandwidth\?, ops\? \}, got null/],
    ['a NaN creation time (no bucket to notice it)', () => new FirecrackerRateLimiter({}, NaN), /now must be an integer µs >= 0, got NaN/],
    ['restore of a null state', () => FirecrackerRateLimiter.restore({}, null as never, 0), /the limiter state must be an object \{ bandwidth, ops, blockedUntilUs \}, got null/],
    ['restore shifted by NaN µs', () => FirecrackerRateLimiter.restore({}, new FirecrackerRateLimiter({}).state(), NaN), /shiftUs must be an integer µs, got NaN/],
    ['restore of a string bucket state', () => FirecrackerRateLimiter.restore({ ops: { size: 1, refill_time: 1 } }, { bandwidth: null, ops: 'x' as never, blockedUntilUs: 0 }, 0), /ops must be a token bucket state or null, got "x"/],
  ])('%s', (_name, call, message) => {
    expectRefused(call, message);
  });

  it('an oversize request blocks at most to the end of the clock, never past 2^53 − 1 µs', () => {
    const l = new FirecrackerRateLimiter({ bandwidth: { size: 1, refill_time: 1_000_000_000 } });
    expect(l.consume(Number.MAX_SAFE_INTEGER, 'bytes', 0)).toBe(true);
    expect(l.blockedUntil).toBe(Number.MAX_SAFE_INTEGER);
  });
});
