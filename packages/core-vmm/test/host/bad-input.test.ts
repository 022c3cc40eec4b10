// Bad input to the host part from a plain-JavaScript caller: each case is a ValidationError that
// names the field and what is accepted (never a TypeError from inside), and the host is unchanged.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '@strata/shared-types';
import { createNestedHost, createSchedulerGuest, type NestedHost } from '../../src/host/index.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- the point is calls the types would refuse */
const loose = (f: unknown) => f as (...args: any[]) => unknown;

function hostWithOneVm(): NestedHost {
  const host = createNestedHost({ cpus: 2 });
  const g = createSchedulerGuest({ cpus: 1, fidelity: 'fluid' });
  g.addTask('t', '/');
  host.addVm('keep', { vcpus: 1 }, g);
  host.advanceTo(1000);
  return host;
}

function snapshot(host: NestedHost) {
  return { now: host.now(), next: host.nextEventTime(), stats: host.vcpuStats('keep', 0) };
}

describe('the nested host refuses bad input by name and changes nothing', () => {
  const guest = () => createSchedulerGuest({ cpus: 2, fidelity: 'fluid', start: 1000 });
  it.each([
    ['a missing guest', () => ['a', { vcpus: 2 }, undefined], /guest must be a GuestCpus \(an object \{ cpus, now\(\), connect\(\)/],
    ['a null guest', () => ['a', { vcpus: 2 }, null], /guest must be a GuestCpus .*got null/],
    ['an object that is no guest', () => ['a', { vcpus: 2 }, {}], /guest must be a GuestCpus .*got an object without now\(\), connect\(\), setCpuCapacity\(\), nextEventTime\(\), advanceTo\(\)/],
    ['a guest whose cpus is not a number', () => ['a', { vcpus: 2 }, { ...guest(), cpus: 'two' }], /guest\.cpus must be a whole number ≥ 1, got "two"/],
    ['a null cpu spec', () => ['a', null, guest()], /vm a: cpu spec must be an object \{ vcpus.*got null/],
    ['an array as cpu spec', () => ['a', [2], guest()], /cpu spec must be an object.*got \[2\]/],
    ['no vcpus', () => ['a', {}, guest()], /vcpus is required \(an integer 1\.\.256\)/],
    ['vcpus as a string', () => ['a', { vcpus: '2' }, guest()], /vcpus must be an integer 1\.\.256, got "2"/],
    ['an empty pin', () => ['a', { vcpus: 2, pin: [[]] }, guest()], /pin\[0\] must list at least one pCPU, got \[\]/],
  ])('addVm with %s', (_name, args, message) => {
    const host = hostWithOneVm();
    const before = snapshot(host);
    const call = () => loose(host.addVm.bind(host))(...(args() as unknown[]));
    expect(call).toThrow(ValidationError);
    expect(call).toThrow(message);
    expect(snapshot(host)).toEqual(before);
    expect(() => host.vcpuStats('a', 0)).toThrow(/does not exist/);
  });

  it.each([
    [NaN, /advanceTo needs a time in whole µs, got NaN/],
    ['2000', /advanceTo needs a time in whole µs, got 2000/],
    [500, /advanceTo\(500\) is before now \(1000 µs\)/],
  ])('advanceTo(%s)', (time, message) => {
    const host = hostWithOneVm();
    const before = snapshot(host);
    expect(() => loose(host.advanceTo.bind(host))(time)).toThrow(message);
    expect(snapshot(host)).toEqual(before);
  });

  it('options that are not an object, for the host and for a guest', () => {
    expect(() => loose(createNestedHost)()).toThrow(/host options must be an object \{ cpus, speed\?, policy\?.*got undefined/);
    expect(() => loose(createNestedHost)(4)).toThrow(/host options must be an object.*got 4/);
    expect(() => loose(createSchedulerGuest)()).toThrow(/guest options must be an object \{ cpus, fidelity\?, tick\?, start\? \}, got undefined/);
    expect(() => loose(createSchedulerGuest)(null)).toThrow(ValidationError);
  });

  it('a NaN start is shown as NaN, not as JSON null', () => {
    expect(() => createNestedHost({ cpus: 2, start: NaN })).toThrow(/invalid start NaN: expected a whole number/);
  });
});
