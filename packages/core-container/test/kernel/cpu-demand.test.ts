// wantedCpus and onCpuDemandChange: the CPUs the kernel's runnable work would use at full capacity
// (what a guest kernel asks of its VM's host), known answers and when the callback fires.
import { describe, expect, it } from 'vitest';
import { parseProgram } from '@strata/shared-types';
import { createKernel, type Kernel, type KernelOptions } from '../../src/index.js';

const MS = 1_000;
const busy = parseProgram([{ loop: { times: 'forever', do: [{ cpu: '50ms' }] } }]);

/** A kernel whose demand callback records (now, wantedCpus) each time it fires. */
function watched(options: Omit<KernelOptions, 'memory' | 'onCpuDemandChange'>): { k: Kernel; calls: [number, number][] } {
  const calls: [number, number][] = [];
  const k: Kernel = createKernel({ memory: 2 ** 30, ...options, onCpuDemandChange: () => calls.push([k.now(), k.wantedCpus()]) });
  return { k, calls };
}

describe.each(['exact', 'fluid'] as const)('wantedCpus (%s)', (fidelity) => {
  it('an idle kernel wants 0; a busy process 1; three busy processes on 2 CPUs 2', () => {
    const { k, calls } = watched({ cpus: 2, fidelity });
    expect(k.wantedCpus()).toBe(0);
    k.spawn({ name: 'a', program: busy });
    expect(k.wantedCpus()).toBe(1);
    k.spawn({ name: 'b', program: busy });
    k.spawn({ name: 'c', program: busy });
    expect(k.wantedCpus()).toBe(2);
    expect(calls).toEqual([
      [0, 1],
      [0, 2],
    ]);
    k.advanceTo(1_000 * MS); // bursts end and start again at the same instants: no change
    expect(k.wantedCpus()).toBe(2);
    expect(calls.length).toBe(2);
  });

  it('cpu.max 50000 100000 caps a busy process\'s cgroup at 0.5; a move in and out follows', () => {
    const { k, calls } = watched({ cpus: 2, fidelity });
    k.write('/', 'cgroup.subtree_control', '+cpu');
    k.mkdir('/half');
    k.write('/half', 'cpu.max', '50000 100000');
    const p = k.spawn({ name: 'p', cgroup: '/half', program: busy });
    expect(k.wantedCpus()).toBe(0.5);
    k.advanceTo(300 * MS); // throttling does not change what it wants
    expect(k.wantedCpus()).toBe(0.5);
    k.write('/half', 'cpu.max', '150000 100000');
    expect(k.wantedCpus()).toBe(1);
    k.write('/half', 'cpu.max', '25000 100000');
    expect(k.wantedCpus()).toBe(0.25);
    k.moveProcess(p, '/');
    expect(k.wantedCpus()).toBe(1);
    expect(calls.map((c) => c[1])).toEqual([0.5, 1, 0.25, 1]);
  });

  it('a cpuset of one CPU holds three busy processes to 1; nested quota and children add up', () => {
    const k = createKernel({ cpus: 4, memory: 2 ** 30, fidelity });
    k.write('/', 'cgroup.subtree_control', '+cpu +cpuset');
    k.mkdir('/one');
    k.write('/one', 'cpuset.cpus', '2');
    for (const n of ['a', 'b', 'c']) k.spawn({ name: n, cgroup: '/one', program: busy });
    expect(k.wantedCpus()).toBe(1);
    k.write('/one', 'cpuset.cpus', '0-1');
    expect(k.wantedCpus()).toBe(2);
    k.write('/one', 'cpuset.cpus', '');
    expect(k.wantedCpus()).toBe(3);
    k.mkdir('/A');
    k.write('/A', 'cgroup.subtree_control', '+cpu');
    k.mkdir('/A/x');
    k.mkdir('/A/y');
    k.write('/A', 'cpu.max', '150000 100000');
    k.spawn({ name: 'x', cgroup: '/A/x', program: busy });
    expect(k.wantedCpus()).toBe(4); // 3 + min(1.5, 1), capped at the 4 CPUs
    k.write('/one', 'cpuset.cpus', '3');
    expect(k.wantedCpus()).toBe(2);
    k.spawn({ name: 'y', cgroup: '/A/y', program: busy });
    k.spawn({ name: 'y2', cgroup: '/A/y', program: busy });
    expect(k.wantedCpus()).toBe(2.5); // 1 + min(1.5, 1 + 2)
    k.write('/A/y', 'cpu.max', '20000 100000');
    expect(k.wantedCpus()).toBeCloseTo(2.2, 12); // 1 + min(1.5, 1 + 0.2)
  });

  it('a frozen cgroup wants 0, and wants again when thawed', () => {
    const { k, calls } = watched({ cpus: 2, fidelity });
    k.mkdir('/F');
    k.spawn({ name: 'a', cgroup: '/F', program: busy });
    k.spawn({ name: 'b', cgroup: '/F', program: busy });
    k.advanceTo(10 * MS);
    k.write('/F', 'cgroup.freeze', '1');
    expect(k.wantedCpus()).toBe(0);
    k.advanceTo(20 * MS);
    k.write('/F', 'cgroup.freeze', '0');
    expect(k.wantedCpus()).toBe(2);
    expect(calls).toEqual([
      [0, 1],
      [0, 2],
      [10 * MS, 0],
      [20 * MS, 2],
    ]);
  });

  it('sleep: 0 while asleep, 1 from the instant it wakes (the callback fires inside advanceTo then), 0 at exit', () => {
    const { k, calls } = watched({ cpus: 1, fidelity });
    const p = k.spawn({ name: 's', program: parseProgram([{ sleep: '10ms' }, { cpu: '30ms' }, { sleep: '5ms' }, { cpu: '20ms' }]) });
    expect(k.wantedCpus()).toBe(0);
    expect(calls).toEqual([]);
    k.advanceTo(1_000 * MS);
    expect(calls).toEqual([
      [10 * MS, 1],
      [40 * MS, 0],
      [45 * MS, 1],
      [65 * MS, 0],
    ]);
    expect(k.process(p).exit).toEqual({ code: 0 });
  });

  it('SIGSTOP and SIGKILL: a stopped process wants nothing, nor does a dead one', () => {
    const { k, calls } = watched({ cpus: 1, fidelity });
    const p = k.spawn({ name: 'p', program: busy });
    k.advanceTo(5 * MS);
    k.kill(p, 'SIGSTOP');
    expect(k.wantedCpus()).toBe(0);
    k.kill(p, 'SIGCONT');
    expect(k.wantedCpus()).toBe(1);
    k.advanceTo(7 * MS);
    k.kill(p, 'SIGKILL');
    expect(k.wantedCpus()).toBe(0);
    expect(calls).toEqual([
      [0, 1],
      [5 * MS, 0],
      [5 * MS, 1],
      [7 * MS, 0],
    ]);
  });

  it('a request server wants a CPU per busy worker, 0 while it waits for requests', () => {
    const { k, calls } = watched({ cpus: 4, fidelity, seed: 5 });
    k.spawn({ name: 'srv', program: parseProgram([{ serve: { rate: 2, cpu: '40ms', workers: 3, requests: 6 } }]) });
    expect(k.wantedCpus()).toBe(0);
    let most = 0;
    while (k.nextEventTime() < Infinity) {
      k.advanceTo(k.nextEventTime());
      most = Math.max(most, k.wantedCpus());
      expect(k.wantedCpus()).toBe(calls.length === 0 ? 0 : calls[calls.length - 1]![1]);
    }
    expect(most).toBeGreaterThanOrEqual(1);
    expect(most).toBeLessThanOrEqual(3);
    expect(k.wantedCpus()).toBe(0);
    // Each request is a rise when it starts and a fall when served (or one more worker).
    expect(calls.filter(([, d], i) => d > (i === 0 ? 0 : calls[i - 1]![1])).length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < calls.length; i++) expect(calls[i]![0]).toBeGreaterThanOrEqual(calls[i - 1]![0]);
  });

  it('capacity does not change what it wants; the callback does not fire for it', () => {
    const { k, calls } = watched({ cpus: 2, fidelity, cpuCapacity: [0, 0] });
    k.spawn({ name: 'p', program: busy });
    k.setCpuCapacity(0, 0.3);
    k.advanceTo(100 * MS);
    expect(k.wantedCpus()).toBe(1);
    expect(calls).toEqual([[0, 1]]);
  });

  it('an adapter that grants what is asked from inside the callback (capacity set during advanceTo) runs the work on time', () => {
    const granted: number[][] = [];
    const k: Kernel = createKernel({
      cpus: 2,
      memory: 2 ** 30,
      fidelity,
      cpuCapacity: [0, 0],
      onCpuDemandChange: () => {
        const d = k.wantedCpus();
        for (let i = 0; i < 2; i++) k.setCpuCapacity(i, Math.max(0, Math.min(1, d - i)));
        granted.push([k.now(), k.cpuCapacity(0), k.cpuCapacity(1)]);
      },
    });
    const a = k.spawn({ name: 'a', program: parseProgram([{ sleep: '10ms' }, { cpu: '100ms' }, { print: 'done' }]) });
    const b = k.spawn({ name: 'b', program: parseProgram([{ sleep: '30ms' }, { cpu: '20ms' }, { print: 'done' }]) });
    k.advanceTo(1_000 * MS);
    expect(k.process(a).output[0]!.time).toBe(110 * MS);
    expect(k.process(b).output[0]!.time).toBe(50 * MS);
    expect(granted).toEqual([
      [10 * MS, 1, 0],
      [30 * MS, 1, 1],
      [50 * MS, 1, 0],
      [110 * MS, 0, 0],
    ]);
  });
});
