// Kernel.cgroupHandle: cgroupUsage resolved once. Checked against cgroupUsage and the files, and the
// CPU figure against an account kept outside the kernel (each process's CPU time while it was in a
// cgroup's subtree), through moves, kills, exits and rmdir.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NotFoundError, parseProgram } from '@strata/shared-types';
import { createKernel, type CgroupHandle, type Kernel } from '../../src/index.js';

const S = 1_000_000;
const LEAVES = ['/b', '/a/c', '/a/d'];
const ALL = ['/', '/a', '/b', '/a/c', '/a/d'];

function tree(k: Kernel): void {
  k.write('/', 'cgroup.subtree_control', '+cpu +memory +pids');
  k.mkdir('/a');
  k.mkdir('/b');
  k.write('/a', 'cgroup.subtree_control', '+cpu +memory');
  k.mkdir('/a/c');
  k.mkdir('/a/d');
}

function usageLine(k: Kernel, path: string): number {
  const line = k.read(path, 'cpu.stat').split('\n').find((l) => l.startsWith('usage_usec '))!;
  return Number(line.slice('usage_usec '.length));
}

const inside = (cgroup: string, path: string): boolean => path === '/' || cgroup === path || cgroup.startsWith(`${path}/`);

describe('Kernel.cgroupHandle', () => {
  it('known answers, and a removed cgroup reads 0 with exists false', () => {
    const k = createKernel({ cpus: 2, memory: 2 ** 30, fidelity: 'fluid' });
    tree(k);
    const c = k.cgroupHandle('/a/c');
    const a = k.cgroupHandle('a//'); // normalized once, as every path argument is
    expect(a.path).toBe('/a');
    const pid = k.spawn({ name: 'p', cgroup: '/a/c', program: parseProgram([{ alloc: { size: '8Mi' } }, { cpu: '1s' }]) });
    k.advanceTo(S / 2);
    expect([c.cpuUsec, c.memoryBytes, a.cpuUsec, a.memoryBytes]).toEqual([S / 2, 8 * 2 ** 20, S / 2, 8 * 2 ** 20]);
    k.advanceTo(3 * S);
    expect(k.exitOf(pid)).toEqual({ code: 0 });
    expect([c.cpuUsec, c.memoryBytes, c.exists]).toEqual([S, 0, true]);
    k.rmdir('/a/c');
    expect([c.cpuUsec, c.memoryBytes, c.exists]).toEqual([0, 0, false]);
    expect(a.cpuUsec).toBe(usageLine(k, '/a'));
    k.mkdir('/a/c');
    expect(c.exists).toBe(false);
    expect(k.cgroupHandle('/a/c').cpuUsec).toBe(0);
  });

  it('a missing cgroup is NotFoundError', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    expect(() => k.cgroupHandle('/nope')).toThrow(NotFoundError);
  });

  it('equals cgroupUsage, the files and an outside account of CPU time, through moves, kills and exits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ leaf: fc.integer({ min: 0, max: 2 }), kind: fc.constantFrom('cpu', 'serve', 'alloc'), amount: fc.integer({ min: 1, max: 40 }) }), { minLength: 1, maxLength: 7 }),
        fc.array(fc.record({ dt: fc.integer({ min: 1, max: 2 * S }), op: fc.constantFrom('none', 'move', 'kill'), who: fc.nat(), leaf: fc.integer({ min: 0, max: 2 }) }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom<'fluid' | 'exact'>('fluid', 'exact'),
        fc.integer({ min: 1, max: 1000 }),
        (procs, steps, fidelity, seed) => {
          const k = createKernel({ cpus: 2, memory: 2 ** 30, fidelity, seed });
          tree(k);
          const handles = new Map<string, CgroupHandle>(ALL.map((p) => [p, k.cgroupHandle(p)]));
          // Outside account: CPU µs each cgroup's processes used while in it (settled at each move).
          const account = new Map<string, number>(LEAVES.map((p) => [p, 0]));
          const live = new Map<number, { cgroup: string; base: number }>();
          for (const [i, p] of procs.entries()) {
            const program =
              p.kind === 'cpu'
                ? [{ cpu: `${p.amount * 20}ms` }, { sleep: '1s' }, { cpu: `${p.amount * 5}ms` }]
                : p.kind === 'alloc'
                  ? [{ alloc: { size: `${p.amount}Mi` } }, { cpu: `${p.amount * 10}ms` }, { sleep: '100s' }]
                  : [{ serve: { rate: p.amount, cpu: '4ms', memory: '64K', workers: 2, duration: '6s' } }];
            const pid = k.spawn({ name: `p${i}`, cgroup: LEAVES[p.leaf]!, program: parseProgram(program) });
            live.set(pid, { cgroup: LEAVES[p.leaf]!, base: 0 });
          }
          const expected = (path: string): number => {
            let sum = 0;
            for (const [leaf, used] of account) if (inside(leaf, path)) sum += used;
            for (const [pid, at] of live) if (inside(at.cgroup, path)) sum += k.process(pid).cpuUsec - at.base;
            return sum;
          };
          let t = 0;
          for (const s of steps) {
            t += s.dt;
            k.advanceTo(t);
            const pids = [...live.keys()];
            const pid = pids[s.who % Math.max(1, pids.length)];
            if (pid !== undefined && s.op !== 'none' && k.exitOf(pid) === null) {
              const at = live.get(pid)!;
              const cpu = k.process(pid).cpuUsec;
              if (s.op === 'kill') k.kill(pid, 'SIGKILL');
              else k.moveProcess(pid, LEAVES[s.leaf]!);
              account.set(at.cgroup, account.get(at.cgroup)! + cpu - at.base);
              if (s.op === 'kill') live.delete(pid);
              else live.set(pid, { cgroup: LEAVES[s.leaf]!, base: cpu });
            }
            for (const path of ALL) {
              const h = handles.get(path)!;
              const usage = k.cgroupUsage(path);
              expect({ cpuUsec: h.cpuUsec, memoryBytes: h.memoryBytes }).toEqual(usage);
              expect(h.cpuUsec).toBe(usageLine(k, path));
              if (path !== '/') expect(h.memoryBytes).toBe(Number(k.read(path, 'memory.current').trim()));
              expect(h.cpuUsec).toBe(expected(path));
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
