// Bad input to the host memory model from a plain-JavaScript caller: each case is a ValidationError
// that names the field and what is accepted (never a TypeError from inside, never Infinity or NaN in
// the host's state), and the model is exactly as before. A saved memory state is untrusted input.
import { describe, expect, it } from 'vitest';
import { expectRefused } from '../expect-refused.ts';
import { createHostMemory, type HostMemory } from '../../src/index.ts';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- a tampered saved state is untyped JSON on purpose */
/** Its methods called as plain JavaScript would: any arguments (the point is calls the types would refuse). */
type Loose = Record<string, (...args: unknown[]) => unknown>;
const loose = (h: HostMemory): Loose => h as unknown as Loose;

const MiB = 1024 * 1024;

/** `run` (ballooned, a workload), `fresh` (added, never started), at 2 s. */
function host(): HostMemory {
  const h = createHostMemory({ ramBytes: 4096 * MiB });
  h.addVm('run', { memoryBytes: 512 * MiB });
  h.putBalloon('run', { amount_mib: 64, deflate_on_oom: true, stats_polling_interval_s: 1 });
  h.startVm('run');
  h.setWorkload('run', { bytes: 100 * MiB });
  h.addVm('fresh', { memoryBytes: 512 * MiB });
  h.advanceTo(2_000_000);
  return h;
}

const observe = (h: HostMemory): unknown => JSON.parse(JSON.stringify({ now: h.now(), next: String(h.nextEventTime()), host: h.host(), vms: h.vmIds().map((id) => h.vm(id)) }));

/** A paused VM's memory as `saveVm` gives it, through JSON. */
function saved(): any {
  const h = host();
  h.pauseVm('run');
  return JSON.parse(JSON.stringify(h.saveVm('run')));
}

describe('createHostMemory refuses malformed options by name', () => {
  it.each([
    ['no options', undefined, /host memory options must be an object \{ ramBytes, overcommitRatio\?, .*\}, got undefined/],
    ['null', null, /host memory options must be an object .*got null/],
    ['an overcommit ratio whose limit is Infinity', { ramBytes: 1e9, overcommitRatio: 1e300 }, /overcommitRatio must be a finite number > 0 with ratio × ramBytes ≤ 2\^53 − 1 \(at most 9007199\.25474099\), got 1e\+300/],
    ['an overcommit ratio as a string', { ramBytes: 1e9, overcommitRatio: '2' }, /overcommitRatio must be .*got "2"/],
    ['RAM as a string', { ramBytes: '1000' }, /ramBytes must be an integer >= 1, got "1000"/],
    ['RAM past 2^53', { ramBytes: Number.MAX_SAFE_INTEGER + 2 }, /ramBytes must be an integer >= 1/],
    ['an OOM callback that is no function', { ramBytes: 1e9, onOomKill: 'x' }, /onOomKill must be a function \(event\) => void, got "x"/],
  ])('%s', (_name, options, message) => {
    expectRefused(() => (createHostMemory as (o: unknown) => unknown)(options), message);
  });
});

describe('the host memory refuses bad commands by name and changes nothing', () => {
  it.each<[string, (h: Loose) => unknown, RegExp]>([
    ['addVm with a null spec', (h) => h.addVm!('x', null), /spec must be an object \{ memoryBytes \}, got null/],
    ['addVm with memory as a string', (h) => h.addVm!('x', { memoryBytes: '4096' }), /memoryBytes must be an integer >= 1, got "4096"/],
    ['addVm with a number as id', (h) => h.addVm!(5, { memoryBytes: 4096 }), /vm must be a string of 1\.\.128 characters, got 5/],
    ['setWorkload with null', (h) => h.setWorkload!('run', null), /workload must be an object \{ bytes, bytesPerSecond\? \}, got null/],
    ['setWorkload with NaN bytes', (h) => h.setWorkload!('run', { bytes: NaN }), /bytes must be an integer >= 0, got NaN/],
    ['setWorkload with an infinite rate', (h) => h.setWorkload!('run', { bytes: MiB, bytesPerSecond: Infinity }), /bytesPerSecond must be an integer >= 1, got Infinity/],
    ['putBalloon with a string size', (h) => h.putBalloon!('fresh', { amount_mib: '5', deflate_on_oom: true }), /amount_mib must be an integer >= 0, got "5"/],
    ['putBalloon with an array', (h) => h.putBalloon!('fresh', [5]), /balloon must be an object \{ amount_mib, deflate_on_oom, stats_polling_interval_s\? \}, got \[5\]/],
    ['patchBalloon with null', (h) => h.patchBalloon!('run', null), /balloon update must be an object \{ amount_mib \}, got null/],
    ['patchBalloonStatistics with null', (h) => h.patchBalloonStatistics!('run', null), /statistics update must be an object \{ stats_polling_interval_s \}, got null/],
    ['setGuestMemory with 1e300 bytes', (h) => h.setGuestMemory!('fresh', 1e300), /memoryBytes must be an integer >= 1, got 1e\+300/],
    ['advanceTo(NaN)', (h) => h.advanceTo!(NaN), /time must be an integer >= 2000000, got NaN/],
    ['advanceTo the past', (h) => h.advanceTo!(1_000_000), /time must be an integer >= 2000000, got 1000000/],
    ['advanceTo with a string', (h) => h.advanceTo!('3000000'), /time must be an integer >= 2000000, got "3000000"/],
  ])('%s', (_name, call, message) => {
    const h = host();
    const before = observe(h);
    expectRefused(() => call(loose(h)), message);
    expect(observe(h)).toEqual(before);
  });
});

describe('restoreVm refuses a malformed or tampered memory state by name, before changing anything', () => {
  it.each<[string, (s: any) => unknown, RegExp]>([
    ['no state', () => undefined, /memory must be an object \{ guestBytes, inUseBytes, residentBytes, wantBytes, bytesPerSecond, balloon \}, got undefined/],
    ['null', () => null, /memory must be an object .*got null/],
    ['guest memory as a string', (s) => ({ ...s, guestBytes: String(s.guestBytes) }), /memory\.guestBytes must be an integer >= 1, got "536870912"/],
    ['guest memory not a whole page', (s) => ({ ...s, guestBytes: s.guestBytes + 1 }), /memory\.guestBytes must be a multiple of the 4 KiB page/],
    ['a NaN rate', (s) => ({ ...s, bytesPerSecond: NaN }), /memory\.bytesPerSecond must be an integer >= 0, got NaN/],
    ['more in use than resident', (s) => ({ ...s, inUseBytes: s.residentBytes + 4096 }), /a memory snapshot needs inUseBytes <= residentBytes <= guestBytes/],
    ['the balloon missing (neither null nor an object)', (s) => ({ ...s, balloon: undefined }), /memory\.balloon must be an object \{ config, targetPages, actualPages, outOfPuff \} or null, got undefined/],
    ['the balloon as a string', (s) => ({ ...s, balloon: 'x' }), /memory\.balloon must be an object .*got "x"/],
    ['a null balloon config', (s) => ({ ...s, balloon: { ...s.balloon, config: null } }), /memory\.balloon\.config must be an object \{ amount_mib, deflate_on_oom, stats_polling_interval_s\? \}, got null/],
    ['a NaN balloon target', (s) => ({ ...s, balloon: { ...s.balloon, config: { ...s.balloon.config, amount_mib: NaN } } }), /memory\.balloon\.config\.amount_mib must be an integer from 0 to 512, got NaN/],
    ['a balloon target past the guest', (s) => ({ ...s, balloon: { ...s.balloon, config: { ...s.balloon.config, amount_mib: 513 } } }), /memory\.balloon\.config\.amount_mib must be an integer from 0 to 512, got 513/],
    ['deflate_on_oom as a string', (s) => ({ ...s, balloon: { ...s.balloon, config: { ...s.balloon.config, deflate_on_oom: 'y' } } }), /memory\.balloon\.config\.deflate_on_oom must be true or false, got "y"/],
    ['a negative balloon', (s) => ({ ...s, balloon: { ...s.balloon, actualPages: -1 } }), /memory\.balloon\.actualPages must be an integer from 0 to 131072, got -1/],
    ['a balloon larger than the guest', (s) => ({ ...s, balloon: { ...s.balloon, actualPages: 1e12 } }), /memory\.balloon\.actualPages must be an integer from 0 to 131072, got 1000000000000/],
    ['target pages as a string', (s) => ({ ...s, balloon: { ...s.balloon, targetPages: '5' } }), /memory\.balloon\.targetPages must be an integer from 0 to 131072, got "5"/],
    ['NaN out-of-puff retries', (s) => ({ ...s, balloon: { ...s.balloon, outOfPuff: NaN } }), /memory\.balloon\.outOfPuff must be an integer >= 0, got NaN/],
  ])('%s', (_name, tamper, message) => {
    const state = tamper(saved());
    const h = host();
    const before = observe(h);
    expectRefused(() => h.restoreVm('fresh', state as never), message);
    expect(observe(h)).toEqual(before);
    // The VM can still take a good state.
    h.restoreVm('fresh', saved());
    expect(h.vm('fresh').phase).toBe('paused');
  });
});
