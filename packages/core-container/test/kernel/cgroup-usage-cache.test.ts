// A leaf cgroup's CPU usage is remembered while its scheduler group has no runnable thread
// (cgroup-files.ts `cpuUsage`). Under random commands (servers, bursts, sleeps, forks, signals,
// freezing, moves, cgroups made and removed, the cpu controller switched on and off) every read of
// every cgroup equals the usage computed afresh, in both fidelities.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseProgram, type SignalName } from '@strata/shared-types';
import { createKernel, type Kernel } from '../../src/index.js';
import { freshCpuUsage, type CgroupFileHost } from '../../src/kernel/cgroup-files.js';
import type { CgroupNode } from '../../src/kernel/cgroup-tree.js';

/** Whether a read of `node` now would be answered from its remembered usage (so the test is not vacuous). */
function remembered(host: CgroupFileHost, node: CgroupNode): boolean {
  const c = node.cpuCache;
  return node.children.size === 0 && c !== null && c.epoch === host.cpuGroups.epoch && c.group.runnable === 0 && c.wakes === c.group.wakes;
}

const MS = 1_000;
const DIRS = ['/a', '/a/x', '/b', '/c'];

const programArb: fc.Arbitrary<readonly Record<string, unknown>[]> = fc.oneof(
  fc.constant([{ listen: 80 }, { serve: { rate: 30, cpu: '2ms', workers: 2 } }]),
  fc.constant([{ loop: { times: 'forever', do: [{ cpu: '3ms' }, { sleep: '25ms' }] } }]),
  fc.array(fc.oneof(fc.integer({ min: 1, max: 30 }).map((n) => ({ cpu: `${n}ms` })), fc.integer({ min: 1, max: 30 }).map((n) => ({ sleep: `${n}ms` }))), { minLength: 1, maxLength: 4 }),
  fc.constant([{ fork: { count: 2, program: [{ cpu: '9ms' }, { sleep: '4ms' }, { cpu: '2ms' }] } }, { wait: 'all' }]),
);

const commandArb = fc.oneof(
  fc.record({ type: fc.constant('spawn' as const), cgroup: fc.constantFrom('/', ...DIRS), program: programArb }),
  fc.record({ type: fc.constant('advance' as const), by: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ type: fc.constant('signal' as const), target: fc.nat(), signal: fc.constantFrom<SignalName>('SIGSTOP', 'SIGCONT', 'SIGKILL') }),
  fc.record({ type: fc.constant('freeze' as const), cgroup: fc.constantFrom(...DIRS), on: fc.boolean() }),
  fc.record({ type: fc.constant('move' as const), target: fc.nat(), cgroup: fc.constantFrom('/', ...DIRS) }),
  fc.record({ type: fc.constant('mkdir' as const), cgroup: fc.constantFrom(...DIRS) }),
  fc.record({ type: fc.constant('rmdir' as const), cgroup: fc.constantFrom(...DIRS) }),
  fc.record({ type: fc.constant('cpu' as const), cgroup: fc.constantFrom('/', '/a'), on: fc.boolean() }),
  fc.record({ type: fc.constant('capacity' as const), cpu: fc.nat(1), capacity: fc.constantFrom(0, 0.5, 1) }),
);
type Command = typeof commandArb extends fc.Arbitrary<infer C> ? C : never;

function apply(k: Kernel, c: Command): void {
  try {
    switch (c.type) {
      case 'spawn':
        k.spawn({ name: 'p', cgroup: c.cgroup, program: parseProgram(c.program) });
        break;
      case 'advance':
        k.advanceTo(k.now() + c.by * MS);
        break;
      case 'signal':
      case 'move': {
        const live = k.processes().filter((p) => p.state !== 'zombie' && p.pid !== 1);
        if (live.length === 0) return;
        const p = live[c.target % live.length]!;
        if (c.type === 'signal') k.kill(p.pid, c.signal);
        else k.write(c.cgroup, 'cgroup.procs', String(p.pid));
        break;
      }
      case 'freeze':
        k.write(c.cgroup, 'cgroup.freeze', c.on ? '1' : '0');
        break;
      case 'mkdir':
        k.mkdir(c.cgroup);
        break;
      case 'rmdir':
        k.rmdir(c.cgroup);
        break;
      case 'cpu':
        k.write(c.cgroup, 'cgroup.subtree_control', c.on ? '+cpu' : '-cpu');
        break;
      case 'capacity':
        k.setCpuCapacity(c.cpu, c.capacity);
        break;
    }
  } catch {
    // A refused command (no such cgroup, EBUSY, ...) changes nothing: the reads below still must agree.
  }
}

describe.each(['fluid', 'exact'] as const)('remembered cgroup CPU usage (%s)', (fidelity) => {
  it('every read equals the usage computed afresh', () => {
    let hits = 0;
    let reads = 0;
    fc.assert(
      fc.property(fc.array(commandArb, { minLength: 10, maxLength: 40, size: 'max' }), (commands) => {
        const k = createKernel({ cpus: 2, memory: 2 ** 30, fidelity, seed: 5 });
        const host = k as unknown as CgroupFileHost;
        // The cgroups exist at first (commands remove and make them again).
        for (const dir of DIRS) k.mkdir(dir);
        for (const c of commands) {
          apply(k, c);
          for (const path of k.cgroups()) {
            const node = host.tree.get(path);
            reads++;
            if (remembered(host, node)) hits++;
            const usage = /usage_usec (\d+)/.exec(k.read(path, 'cpu.stat'))![1]!;
            expect(Number(usage)).toBe(freshCpuUsage(host, node));
            expect(k.cgroupHandle(path).cpuUsec).toBe(freshCpuUsage(host, node));
          }
        }
      }),
      { numRuns: 120, seed: 20261127 },
    );
    // Most reads of leaves come from what was remembered: the property is about them.
    expect(hits).toBeGreaterThan(reads / 4);
  });
});
