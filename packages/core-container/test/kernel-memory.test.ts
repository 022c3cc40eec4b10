// Memory through the kernel: the known answers a real kernel gave, run as programs.
import { describe, expect, it } from 'vitest';
import { parseProgram } from '@strata/shared-types';
import { createKernel } from '../src/index.js';

const S = 1_000_000;
const MiB = 2 ** 20;

function kernelWithA(max: string): ReturnType<typeof createKernel> {
  const k = createKernel({ cpus: 2, memory: 4 * 2 ** 30 });
  k.write('/', 'cgroup.subtree_control', '+memory');
  k.mkdir('/A');
  k.write('/A', 'memory.max', max);
  return k;
}

describe('memory controller in the kernel (known answers)', () => {
  it('memory.max 64M, a process touching 128 MiB: SIGKILLed by the memcg OOM killer, oom_kill 1, peak exactly 64 MiB', () => {
    const k = kernelWithA('64M');
    const pid = k.spawn({ name: 'hog', cgroup: '/A', program: parseProgram([{ alloc: { size: '128Mi', rate: '256Mi/s' } }, { sleep: '10s' }]) });
    const log = k.advanceTo(2 * S);
    expect(k.process(pid).exit).toEqual({ signal: 'SIGKILL' });
    expect(k.read('/A', 'memory.peak')).toBe(`${64 * MiB}\n`);
    // "One OOM kill in a leaf: max ≥ 1, oom +1, oom_kill +1": try_charge counts max on every
    // fruitless reclaim round before it gives up (MAX_RECLAIM_RETRIES), so max is more than 1.
    const events = k.read('/A', 'memory.events');
    expect(events).toMatch(/^low 0\nhigh 0\nmax (\d+)\noom 1\noom_kill 1\noom_group_kill 0\n$/);
    expect(Number(/max (\d+)/.exec(events)![1])).toBeGreaterThanOrEqual(1);
    expect(k.read('/A', 'memory.current')).toBe('0\n');
    const kill = log.find((e) => e.type === 'memory.oom_kill');
    expect(kill).toMatchObject({ cgroup: '/A', pid, name: 'hog', group: false });
    // Touching at 256 MiB/s, the limit is reached after 0.25 s of CPU.
    expect(kill!.time).toBeGreaterThanOrEqual(0.25 * S);
    expect(kill!.time).toBeLessThan(0.26 * S);
  });

  it('memory.max 200M: the same process survives with a peak of 128 MiB', () => {
    const k = kernelWithA('200M');
    const pid = k.spawn({ name: 'hog', cgroup: '/A', program: parseProgram([{ alloc: { size: '128Mi', rate: '256Mi/s' } }, { sleep: '1s' }]) });
    k.advanceTo(3 * S);
    expect(k.process(pid).exit).toEqual({ code: 0 });
    expect(k.read('/A', 'memory.peak')).toBe(`${128 * MiB}\n`);
    expect(k.read('/A', 'memory.events')).toContain('oom_kill 0\n');
    expect(k.read('/A', 'memory.current')).toBe('0\n');
  });

  it('memory.high throttles the allocator and never kills', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    k.write('/', 'cgroup.subtree_control', '+memory');
    k.mkdir('/H');
    k.write('/H', 'memory.high', '32M');
    const pid = k.spawn({ name: 'grow', cgroup: '/H', program: parseProgram([{ alloc: { size: '64Mi' } }, { print: 'survived' }]) });
    const events = k.advanceTo(600 * S);
    expect(k.process(pid).exit).toEqual({ code: 0 });
    expect(k.process(pid).output.map((l) => l.text)).toEqual(['survived']);
    expect(events.some((e) => e.type === 'memory.high_exceeded')).toBe(true);
    expect(Number(/high (\d+)/.exec(k.read('/H', 'memory.events'))![1])).toBeGreaterThan(0);
    expect(k.read('/H', 'memory.events')).toContain('oom_kill 0\n');
  });

  it('free and exit uncharge; ENOMEM goes to the on-error branch when nobody can be killed', () => {
    const k = kernelWithA('64M');
    const pid = k.spawn({
      name: 'p',
      cgroup: '/A',
      program: parseProgram([{ alloc: { size: '16Mi', name: 'buf' } }, { alloc: { size: '8Mi' } }, { free: 'buf' }, { sleep: '1s' }]),
    });
    expect(k.read('/A', 'memory.current')).toBe(`${8 * MiB}\n`);
    expect(k.read('/A', 'memory.peak')).toBe(`${24 * MiB}\n`);
    k.advanceTo(2 * S);
    expect(k.read('/A', 'memory.current')).toBe('0\n');
    expect(k.process(pid).exit).toEqual({ code: 0 });
  });

  it('lowering memory.max below usage OOM-kills at once', () => {
    const k = kernelWithA('max');
    const pid = k.spawn({ name: 'p', cgroup: '/A', program: parseProgram([{ alloc: { size: '32Mi' } }, { sleep: '10s' }]) });
    k.write('/A', 'memory.max', '16M');
    expect(k.process(pid).exit).toEqual({ signal: 'SIGKILL' });
    expect(k.takeEvents().some((e) => e.type === 'memory.oom_kill')).toBe(true);
    expect(k.read('/A', 'memory.max')).toBe(`${16 * MiB}\n`);
  });
});
