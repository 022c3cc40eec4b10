// A fluid kernel holds back CPU capacity changes made while nothing is runnable (cpu-demand.ts): a
// guest whose host halts its vCPUs when idle and runs them again at each wake-up must give exactly
// what a host that never halts them gives, and a change made while idle must apply from the wake-up.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseProgram } from '@strata/shared-types';
import { createKernel, type Kernel } from '../../src/index.js';

const S = 1_000_000;

/** Everything a run shows: processes, serve totals, cgroup usage, events. */
function outcome(k: Kernel, pids: readonly number[], events: readonly unknown[]): string {
  return JSON.stringify({
    procs: pids.map((p) => [k.process(p).cpuUsec, k.process(p).serve, k.exitOf(p)]),
    total: (({ arrived, completed, dropped, latencyUs }) => [arrived, completed, dropped, latencyUs.summary()])(k.serveSummary()),
    usage: ['/', '/a', '/b'].map((c) => k.cgroupUsage(c)),
    events,
  });
}

function run(halting: boolean, servers: readonly { rate: number; cpuMs: number; workers: number; group: number }[], cpus: number, seconds: number, seed: number): string {
  const caps = new Array<number>(cpus).fill(halting ? 0 : 1);
  const k = createKernel({ cpus, memory: 2 ** 32, fidelity: 'fluid', seed, cpuCapacity: caps.slice() });
  k.write('/', 'cgroup.subtree_control', '+cpu +memory');
  k.mkdir('/a');
  k.mkdir('/b');
  k.write('/b', 'cpu.max', '150000 100000');
  const pids = servers.map((s, i) => k.spawn({ name: `s${i}`, cgroup: s.group === 0 ? '/a' : '/b', program: parseProgram([{ serve: { rate: s.rate, cpu: `${s.cpuMs}ms`, memory: '64K', workers: s.workers, duration: `${seconds}s` } }]) }));
  // The host: each CPU gets clamp(wanted − i, 0, 1), as a hypervisor runs a vCPU only while asked.
  const sync = (): void => {
    if (!halting) return;
    const w = k.wantedCpus();
    for (let i = 0; i < cpus; i++) {
      const c = Math.min(1, Math.max(0, w - i));
      if (c !== caps[i]) {
        caps[i] = c;
        k.setCpuCapacity(i, c);
      }
    }
  };
  sync();
  const events: unknown[] = [];
  const end = (seconds + 2) * S;
  for (let next = k.nextEventTime(); next <= end; next = k.nextEventTime()) {
    events.push(...k.advanceTo(next));
    sync();
  }
  events.push(...k.advanceTo(end));
  return outcome(k, pids, events);
}

describe('CPU capacity changes while nothing is runnable (fluid)', () => {
  it('a host that halts idle CPUs gives exactly what an always-running host gives (random servers)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ rate: fc.integer({ min: 1, max: 40 }), cpuMs: fc.integer({ min: 1, max: 30 }), workers: fc.integer({ min: 1, max: 4 }), group: fc.integer({ min: 0, max: 1 }) }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 10_000 }),
        (servers, cpus, seed) => {
          expect(run(true, servers, cpus, 5, seed)).toBe(run(false, servers, cpus, 5, seed));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a capacity set while idle reads back at once and applies from the next wake-up', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity: 'fluid' });
    const pid = k.spawn({ name: 'p', program: parseProgram([{ sleep: '1s' }, { cpu: '1s' }]) });
    k.advanceTo(S / 2);
    k.setCpuCapacity(0, 0.5);
    expect(k.cpuCapacity(0)).toBe(0.5);
    k.setCpuCapacity(0, 0.25);
    k.setCpuCapacity(0, 0.5);
    expect(k.cpuCapacity(0)).toBe(0.5);
    // Woken at 1 s, 1 s of CPU at half a CPU: done at 3 s.
    expect(k.nextEventTime()).toBe(S);
    k.advanceTo(S);
    expect(k.nextEventTime()).toBe(3 * S);
    k.advanceTo(2 * S);
    expect(k.process(pid).cpuUsec).toBe(S / 2);
    k.advanceTo(4 * S);
    expect(k.exitOf(pid)).toEqual({ code: 0 });
    expect(k.process(pid).cpuUsec).toBe(S);
  });

  it('a CPU halted while idle and left halted at the wake-up runs nothing until given capacity', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity: 'fluid' });
    const pid = k.spawn({ name: 'p', program: parseProgram([{ sleep: '1s' }, { cpu: '1s' }]) });
    k.advanceTo(S / 2);
    k.setCpuCapacity(0, 0);
    k.advanceTo(S);
    expect(k.nextEventTime()).toBe(Infinity);
    k.advanceTo(5 * S);
    expect(k.process(pid).cpuUsec).toBe(0);
    k.setCpuCapacity(0, 1);
    expect(k.nextEventTime()).toBe(6 * S);
    k.advanceTo(6 * S);
    expect(k.exitOf(pid)).toEqual({ code: 0 });
  });
});
