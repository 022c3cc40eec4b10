// Kernel.cgroupUsage: the numbers cpu.stat (usage_usec) and memory.current print, without the text.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NotFoundError, parseProgram } from '@strata/shared-types';
import { createKernel, type Kernel } from '../../src/index.js';

const S = 1_000_000;

function fromFiles(k: Kernel, path: string): { cpuUsec: number; memoryBytes: number } {
  const stat = k.read(path, 'cpu.stat');
  const line = stat.split('\n').find((l) => l.startsWith('usage_usec '))!;
  return { cpuUsec: Number(line.slice('usage_usec '.length)), memoryBytes: Number(k.read(path, 'memory.current').trim()) };
}

describe('Kernel.cgroupUsage', () => {
  it('known answers: a 2 s CPU burst in /A/C and a 32Mi allocation in /A/B, both counted in /A', () => {
    const k = createKernel({ cpus: 2, memory: 2 ** 30 });
    k.write('/', 'cgroup.subtree_control', '+cpu +memory');
    k.mkdir('/A');
    k.write('/A', 'cgroup.subtree_control', '+cpu +memory');
    k.mkdir('/A/B');
    k.mkdir('/A/C');
    k.spawn({ name: 'burn', cgroup: '/A/C', program: parseProgram([{ cpu: '2s' }]) });
    k.spawn({ name: 'mem', cgroup: '/A/B', program: parseProgram([{ alloc: { size: '32Mi' } }, { sleep: '100s' }]) });
    k.advanceTo(1 * S);
    expect(k.cgroupUsage('/A')).toEqual({ cpuUsec: 1 * S, memoryBytes: 32 * 2 ** 20 });
    expect(k.cgroupUsage('/A/B')).toEqual({ cpuUsec: 0, memoryBytes: 32 * 2 ** 20 });
    expect(k.cgroupUsage('/A/C')).toEqual({ cpuUsec: 1 * S, memoryBytes: 0 });
    k.advanceTo(5 * S);
    expect(k.cgroupUsage('/A')).toEqual({ cpuUsec: 2 * S, memoryBytes: 32 * 2 ** 20 });
    expect(k.cgroupUsage('/A')).toEqual(fromFiles(k, '/A'));
  });

  it('a missing cgroup is NotFoundError', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    expect(() => k.cgroupUsage('/nope')).toThrow(NotFoundError);
  });

  it('equals cpu.stat usage_usec and memory.current on random workloads, at random times', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            group: fc.integer({ min: 0, max: 2 }),
            kind: fc.constantFrom('cpu', 'alloc', 'serve'),
            amount: fc.integer({ min: 1, max: 50 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.array(fc.integer({ min: 1, max: 3 * S }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom<'fluid' | 'exact'>('fluid', 'exact'),
        fc.integer({ min: 1, max: 1000 }),
        (procs, steps, fidelity, seed) => {
          const k = createKernel({ cpus: 2, memory: 2 ** 30, fidelity, seed });
          k.write('/', 'cgroup.subtree_control', '+cpu +memory');
          const paths = ['/a', '/b', '/a/c'];
          k.mkdir('/a');
          k.mkdir('/b');
          k.write('/a', 'cgroup.subtree_control', '+cpu +memory');
          k.mkdir('/a/c');
          for (const [i, p] of procs.entries()) {
            const cgroup = paths[p.group];
            if (cgroup === '/a') continue; // no internal processes under cgroup v2's rule for domains with children
            const program =
              p.kind === 'cpu'
                ? [{ cpu: `${p.amount * 10}ms` }, { sleep: '1s' }, { cpu: `${p.amount}ms` }]
                : p.kind === 'alloc'
                  ? [{ alloc: { size: `${p.amount}Mi` } }, { cpu: `${p.amount}ms` }, { sleep: '100s' }]
                  : [{ serve: { rate: p.amount, cpu: '3ms', workers: 2, duration: '4s' } }];
            k.spawn({ name: `p${i}`, cgroup, program: parseProgram(program) });
          }
          let t = 0;
          for (const dt of steps) {
            t += dt;
            k.advanceTo(t);
            for (const path of paths) expect(k.cgroupUsage(path)).toEqual(fromFiles(k, path));
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
