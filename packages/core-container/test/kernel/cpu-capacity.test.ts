// CPU capacity: a kernel whose CPUs deliver only part of a CPU (a guest's vCPUs while the host runs
// them part of the time), changing mid-run, down to 0 (no progress, time still passes).
import { describe, expect, it } from 'vitest';
import { ValidationError, parseProgram } from '@strata/shared-types';
import { createKernel } from '../../src/index.js';

const MS = 1_000;
const work = (ms: number) => parseProgram([{ cpu: `${ms}ms` }, { print: 'done' }]);

describe.each(['exact', 'fluid'] as const)('CPU capacity (%s)', (fidelity) => {
  it('capacity 0.5 on a 1-CPU kernel halves a CPU-bound program\'s progress: 100 ms of work ends at 200 ms', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity, cpuCapacity: [0.5] });
    expect(k.cpuCapacity(0)).toBe(0.5);
    const p = k.spawn({ name: 'w', program: work(100) });
    k.advanceTo(100 * MS);
    expect(k.process(p).cpuUsec).toBe(50 * MS); // CPU time is what the CPU delivered
    k.advanceTo(1_000 * MS);
    expect(k.process(p).output[0]!.time).toBe(200 * MS);
    expect(k.process(p).cpuUsec).toBe(100 * MS);
  });

  it('capacity and speed multiply: speed 2 at capacity 0.25 delivers 0.5 work per µs', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity, cpuSpeed: 2, cpuCapacity: [0.25] });
    const p = k.spawn({ name: 'w', program: work(100) });
    k.advanceTo(1_000 * MS);
    expect(k.process(p).output[0]!.time).toBe(200 * MS);
  });

  it('a capacity change mid-run keeps the work done: 50 ms at 1, 25 ms of work at 0.5 (50 ms), the last 25 at 1', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity });
    const p = k.spawn({ name: 'w', program: work(100) });
    k.advanceTo(50 * MS);
    k.setCpuCapacity(0, 0.5);
    expect(k.cpuCapacity(0)).toBe(0.5);
    k.advanceTo(100 * MS);
    expect(k.process(p).cpuUsec).toBe(75 * MS);
    k.setCpuCapacity(0, 1);
    k.advanceTo(1_000 * MS);
    expect(k.process(p).output[0]!.time).toBe(125 * MS);
  });

  it('capacity 0 stops progress while time passes; restoring it finishes the rest', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity });
    const p = k.spawn({ name: 'w', program: work(100) });
    k.advanceTo(20 * MS);
    k.setCpuCapacity(0, 0);
    k.advanceTo(5_000 * MS);
    expect(k.now()).toBe(5_000 * MS);
    expect(k.process(p).cpuUsec).toBe(20 * MS);
    expect(k.process(p).output).toEqual([]);
    expect(k.process(p).state).toBe('running'); // still runnable: it wants the CPU it is not given
    expect(k.wantedCpus()).toBe(1);
    k.setCpuCapacity(0, 1);
    k.advanceTo(10_000 * MS);
    expect(k.process(p).output[0]!.time).toBe(5_080 * MS);
  });

  it('on 2 CPUs only the slowed CPU is slower: two programs, CPU 1 at 0.5', () => {
    const k = createKernel({ cpus: 2, memory: 2 ** 30, fidelity, cpuCapacity: [1, 0.5] });
    const a = k.spawn({ name: 'a', program: work(100) });
    const b = k.spawn({ name: 'b', program: work(100) });
    k.advanceTo(1_000 * MS);
    const ends = [k.process(a).output[0]!.time, k.process(b).output[0]!.time].sort((x, y) => x - y);
    // Together they get 1.5 CPUs: 200 ms of work cannot end before 133 ms; neither ends after 200 ms.
    expect(ends[1]!).toBeGreaterThanOrEqual(133 * MS);
    expect(ends[1]!).toBeLessThanOrEqual(200 * MS);
    expect(k.process(a).cpuUsec + k.process(b).cpuUsec).toBe(200 * MS);
  });

  it('a request server finishes its requests later under lower capacity (latency grows)', () => {
    const run = (capacity: number) => {
      const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity, seed: 11, cpuCapacity: [capacity] });
      const pid = k.spawn({ name: 'srv', program: parseProgram([{ serve: { rate: 40, cpu: '10ms', workers: 1, requests: 300, backlog: 100_000 } }]) });
      k.advanceTo(100_000 * MS);
      return k.process(pid).serve!;
    };
    const full = run(1);
    const slow = run(0.6);
    expect(full.completed).toBe(300);
    expect(slow.completed).toBe(300);
    // Each request needs 10 ms of work: at least 10 ms at capacity 1, 16.7 ms at 0.6.
    expect(full.latencyUs!.p50).toBeGreaterThanOrEqual(10 * MS);
    expect(slow.latencyUs!.p50).toBeGreaterThanOrEqual(16_666);
    expect(slow.latencyUs!.mean).toBeGreaterThan(full.latencyUs!.mean * 1.5);
    expect(slow.latencyUs!.p99).toBeGreaterThan(full.latencyUs!.p99);
  });

  it('a request in flight keeps its work done across a capacity change', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity, seed: 2 });
    const pid = k.spawn({ name: 'srv', program: parseProgram([{ serve: { rate: 1, cpu: '100ms', workers: 1, requests: 1 } }, { print: 'served' }]) });
    while (k.process(pid).serve!.arrived === 0) k.advanceTo(k.nextEventTime()); // to the arrival's instant
    const arrived = k.now();
    k.advanceTo(arrived + 40 * MS);
    k.setCpuCapacity(0, 0.5);
    k.advanceTo(arrived + 10_000 * MS);
    // 40 ms of work at 1, the other 60 ms at 0.5 (120 ms): served 160 ms after it began.
    expect(k.process(pid).serve!.latencyUs!.max).toBe(160 * MS);
  });
});

describe('CPU capacity: refused input changes nothing', () => {
  it('setCpuCapacity names the CPU range and the capacity range', () => {
    const k = createKernel({ cpus: 2, memory: 2 ** 30 });
    k.setCpuCapacity(1, 0.25);
    for (const [cpu, cap, re] of [
      [2, 0.5, /cpu must be an integer in 0\.\.1/],
      [-1, 0.5, /0\.\.1/],
      [0.5, 0.5, /cpu must be an integer in 0\.\.1/],
      [Number.NaN, 0.5, /cpu/],
      [0, 1.5, /capacity must be a number in 0\.\.1/],
      [0, -0.1, /capacity must be a number in 0\.\.1/],
      [0, Number.NaN, /capacity/],
      [0, '1' as unknown as number, /capacity/],
    ] as const) {
      expect(() => k.setCpuCapacity(cpu, cap)).toThrow(ValidationError);
      expect(() => k.setCpuCapacity(cpu, cap)).toThrow(re);
    }
    expect(k.cpuCapacity(0)).toBe(1);
    expect(k.cpuCapacity(1)).toBe(0.25);
    expect(() => k.cpuCapacity(2)).toThrow(ValidationError);
  });

  it('KernelOptions.cpuCapacity must have one number 0..1 per CPU', () => {
    expect(() => createKernel({ cpus: 2, memory: 2 ** 30, cpuCapacity: [1] })).toThrow(/cpuCapacity must be an array of 2 numbers/);
    expect(() => createKernel({ cpus: 2, memory: 2 ** 30, cpuCapacity: [1, 2] })).toThrow(/cpuCapacity\[1\] must be a number in 0\.\.1/);
    expect(() => createKernel({ cpus: 1, memory: 2 ** 30, cpuCapacity: 'all' as unknown as number[] })).toThrow(ValidationError);
    expect(() => createKernel({ cpus: 1, memory: 2 ** 30, onCpuDemandChange: 3 as unknown as () => void })).toThrow(/onCpuDemandChange must be a function/);
    const k = createKernel({ cpus: 2, memory: 2 ** 30 });
    expect([k.cpuCapacity(0), k.cpuCapacity(1)]).toEqual([1, 1]);
  });
});
