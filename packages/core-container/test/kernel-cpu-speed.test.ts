// CPU speed: a kernel on faster or slower CPUs, and a guest whose vCPUs change speed mid-run.
import { describe, expect, it } from 'vitest';
import { parseProgram } from '@strata/shared-types';
import { createKernel } from '../src/index.js';

const MS = 1_000;

describe.each(['exact', 'fluid'] as const)('CPU speed (%s)', (fidelity) => {
  it('100 ms of work takes 50 ms of CPU at speed 2 and 200 ms at speed 0.5', () => {
    for (const [speed, cpu] of [
      [2, 50],
      [0.5, 200],
    ] as const) {
      const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity, cpuSpeed: speed });
      const p = k.spawn({ name: 'w', program: parseProgram([{ cpu: '100ms' }, { print: 'done' }]) });
      k.advanceTo(1_000 * MS);
      expect(k.process(p).output[0]!.time).toBe(cpu * MS);
      expect(k.process(p).cpuUsec).toBe(cpu * MS);
    }
  });

  it('a speed change mid-burst keeps the work done: 50 ms at speed 1, then the other 50 ms of work at speed 0.5 take 100 ms', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity });
    const p = k.spawn({ name: 'w', program: parseProgram([{ cpu: '100ms' }, { print: 'done' }]) });
    k.advanceTo(50 * MS);
    k.setCpuSpeed(0.5);
    expect(k.cpuSpeed()).toBe(0.5);
    k.advanceTo(1_000 * MS);
    expect(k.process(p).output[0]!.time).toBe(150 * MS);
  });

  it('request servers, stopped bursts and handlers follow the speed too', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity, seed: 3 });
    const srv = k.spawn({ name: 's', program: parseProgram([{ serve: { rate: 20, cpu: '10ms', workers: 1, requests: 50, backlog: 1000 } }]) });
    const w = k.spawn({ name: 'w', program: parseProgram([{ cpu: '100ms' }, { print: 'done' }]) });
    k.advanceTo(10 * MS);
    k.kill(w, 'SIGSTOP');
    k.setCpuSpeed(2);
    k.kill(w, 'SIGCONT');
    k.advanceTo(100_000 * MS);
    const s = k.process(srv).serve!;
    expect(s.completed).toBe(50);
    // Every request's 10 ms of work costs 5 ms of CPU at speed 2 (or 10 ms for the first ones at speed 1).
    expect(k.process(srv).cpuUsec).toBeLessThan(50 * 10 * MS);
    expect(k.process(srv).cpuUsec).toBeGreaterThanOrEqual(50 * 5 * MS - 2 * MS);
    expect(k.process(w).output.map((l) => l.text)).toEqual(['done']);
  });

  it('refuses a speed outside 0.000001..1000, changing nothing', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity });
    expect(() => k.setCpuSpeed(0)).toThrow(/0\.000001\.\.1000/);
    expect(() => createKernel({ cpus: 1, memory: 2 ** 30, cpuSpeed: Number.NaN })).toThrow(/cpuSpeed/);
    expect(k.cpuSpeed()).toBe(1);
  });
});
