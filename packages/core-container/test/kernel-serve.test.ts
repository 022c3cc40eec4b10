// The request server (`serve`): Poisson arrivals, worker threads on the CPU scheduler, a backlog,
// latency percentiles — checked against queueing theory and by its bookkeeping invariants.
import { describe, expect, it } from 'vitest';
import { parseProgram } from '@strata/shared-types';
import { createKernel } from '../src/index.js';

const S = 1_000_000;

describe('serve', () => {
  it('one worker alone on a CPU is an M/D/1 queue: mean latency c + ρc / (2(1 − ρ))', () => {
    // λ = 50/s, c = 10 ms → ρ = 0.5 → mean latency 10 + 5 = 15 ms (Pollaczek–Khinchine).
    const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity: 'fluid', seed: 7 });
    const pid = k.spawn({ name: 'srv', program: parseProgram([{ serve: { rate: 50, cpu: '10ms', workers: 1, backlog: 100000, duration: '400s' } }]) });
    k.advanceTo(500 * S);
    const s = k.process(pid).serve!;
    expect(s.arrived).toBeGreaterThan(19_000);
    expect(s.completed).toBe(s.arrived);
    expect(s.dropped).toBe(0);
    expect(s.latencyUs!.mean / 1000).toBeGreaterThan(14.2);
    expect(s.latencyUs!.mean / 1000).toBeLessThan(15.8);
    expect(s.latencyUs!.p50).toBeGreaterThanOrEqual(10_000);
    expect(k.process(pid).exit).toEqual({ code: 0 });
    // The process's CPU time is its workers': 10 ms per request.
    expect(k.process(pid).cpuUsec).toBe(10_000 * s.completed);
    expect(k.read('/', 'cpu.stat')).toContain(`usage_usec ${10_000 * s.completed}\n`);
  });

  it('a full backlog drops requests; arrived = completed + dropped; workers count in pids', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity: 'fluid', seed: 1 });
    k.write('/', 'cgroup.subtree_control', '+pids');
    k.mkdir('/S');
    const pid = k.spawn({ name: 'srv', cgroup: '/S', program: parseProgram([{ serve: { rate: 1000, cpu: '5ms', workers: 2, backlog: 3, requests: 2000 } }]) });
    expect(k.read('/S', 'pids.current')).toBe('3\n');
    k.advanceTo(100 * S);
    const s = k.process(pid).serve!;
    expect(s.arrived).toBe(2000);
    expect(s.completed + s.dropped).toBe(2000);
    expect(s.dropped).toBeGreaterThan(500);
    expect(k.read('/S', 'pids.current')).toBe('0\n');
  });

  it('worker threads that pids.max refuses fail the step with EAGAIN', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    k.write('/', 'cgroup.subtree_control', '+pids');
    k.mkdir('/S');
    k.write('/S', 'pids.max', '3');
    const pid = k.spawn({ name: 'srv', cgroup: '/S', program: parseProgram([{ serve: { rate: 10, cpu: '1ms', workers: 4, requests: 5 }, 'on-error': { EAGAIN: [{ exit: 7 }] } }]) });
    expect(k.process(pid).exit).toEqual({ code: 7 });
    expect(k.read('/S', 'pids.events')).toBe('max 1\n');
    expect(k.read('/S', 'pids.current')).toBe('0\n');
  });

  it('is deterministic per seed, and another seed differs', () => {
    const run = (seed: number): string => {
      const k = createKernel({ cpus: 2, memory: 2 ** 30, seed });
      const pid = k.spawn({ name: 'srv', program: parseProgram([{ serve: { rate: 200, cpu: '3ms', workers: 3, duration: '5s' } }]) });
      k.advanceTo(10 * S);
      return JSON.stringify(k.process(pid).serve);
    };
    expect(run(3)).toBe(run(3));
    expect(run(3)).not.toBe(run(4));
  });

  it('SIGSTOP holds the workers; requests queue and are served after SIGCONT', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity: 'fluid', seed: 2 });
    const pid = k.spawn({ name: 'srv', program: parseProgram([{ serve: { rate: 100, cpu: '1ms', workers: 1, backlog: 100000, duration: '2s' } }]) });
    k.advanceTo(S / 2);
    k.kill(pid, 'SIGSTOP');
    const done = k.process(pid).serve!.completed;
    k.advanceTo(S);
    expect(k.process(pid).serve!.completed).toBe(done);
    k.kill(pid, 'SIGCONT');
    k.advanceTo(5 * S);
    const s = k.process(pid).serve!;
    expect(s.completed).toBe(s.arrived);
    expect(s.latencyUs!.max).toBeGreaterThan(400_000);
  });

  it('worker threads follow their cgroup into its new CPU group when the cpu controller is switched on, so its quota holds them', () => {
    const k = createKernel({ cpus: 2, memory: 2 ** 30, fidelity: 'fluid', seed: 3 });
    k.mkdir('/a');
    // Workers asking 2 CPUs: 400 requests/s of 5 ms on 4 workers.
    k.spawn({ name: 'srv', cgroup: '/a', program: parseProgram([{ serve: { rate: 400, cpu: '5ms', workers: 4, backlog: 100000 } }]) });
    k.advanceTo(S);
    k.write('/', 'cgroup.subtree_control', '+cpu');
    k.write('/a', 'cpu.max', '20000 100000');
    const before = k.cgroupHandle('/a').cpuUsec;
    k.advanceTo(3 * S);
    // 0.2 CPU for 2 s: 400 ms (the quota's accounting to a period's grain).
    expect(k.cgroupHandle('/a').cpuUsec - before).toBeGreaterThan(380_000);
    expect(k.cgroupHandle('/a').cpuUsec - before).toBeLessThan(420_000);
  });
});
