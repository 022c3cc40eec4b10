// wantedCpus under random commands: always equal to a plain recomputation from processes() and the
// cgroup files, and the demand callback always leaves its listener with the current value.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { StrataError, parseProgram, type SignalName } from '@strata/shared-types';
import { createKernel, type Kernel } from '../../src/index.js';

const MS = 1_000;
const CPUS = 4;
const LEAVES = ['/', '/A/a1', '/A/a2', '/B/b1', '/C'];
const LIMITED = ['/A', '/A/a1', '/A/a2', '/B', '/B/b1', '/C'];

type Raw = Record<string, unknown>;
const BUSY = parseProgram([{ loop: { times: 'forever', do: [{ cpu: '20ms' }] } }]);

/** Programs of CPU bursts, sleeps, forks and waits (no request servers: their workers are not in processes()). */
function programArb(depth: number): fc.Arbitrary<Raw[]> {
  const leaf: fc.Arbitrary<Raw>[] = [
    fc.integer({ min: 1, max: 40 }).map((n) => ({ cpu: `${n}ms` })),
    fc.integer({ min: 0, max: 40 }).map((n) => ({ sleep: `${n}ms` })),
    fc.constant({ wait: 'all', 'on-error': { ECHILD: [] } }),
    fc.integer({ min: 0, max: 2 }).map((code) => ({ exit: code })),
  ];
  if (depth > 0) {
    leaf.push(
      fc.tuple(fc.integer({ min: 1, max: 3 }), programArb(depth - 1)).map(([count, program]) => ({ fork: { count, program: program.length > 0 ? program : [{ cpu: '5ms' }] }, 'on-error': { any: [] } })),
      fc.tuple(fc.constantFrom(2, 3, 'forever' as const), programArb(depth - 1)).map(([times, body]) => ({ loop: { times, do: body.length > 0 ? body : [{ cpu: '7ms' }] } })),
    );
  }
  return fc.array(fc.oneof(...leaf), { minLength: 1, maxLength: 4 });
}

const cpusetArb = fc.oneof(fc.constant(''), fc.subarray([0, 1, 2, 3], { minLength: 1 }).map((cs) => cs.join(',')));
const cpuMaxArb = fc.oneof(fc.constant('max 100000'), fc.tuple(fc.integer({ min: 1_000, max: 400_000 }), fc.constantFrom(50_000, 100_000)).map(([q, p]) => `${q} ${p}`));

const commandArb = fc.oneof(
  fc.record({ type: fc.constant('spawn' as const), cgroup: fc.constantFrom(...LEAVES), program: programArb(2) }),
  fc.record({ type: fc.constant('busy' as const), cgroup: fc.constantFrom(...LEAVES), count: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ type: fc.constant('advance' as const), by: fc.integer({ min: 0, max: 60 }) }),
  fc.record({ type: fc.constant('signal' as const), target: fc.nat(), signal: fc.constantFrom<SignalName>('SIGSTOP', 'SIGCONT', 'SIGKILL', 'SIGTERM') }),
  fc.record({ type: fc.constant('freeze' as const), cgroup: fc.constantFrom(...LIMITED), on: fc.boolean() }),
  fc.record({ type: fc.constant('cpu.max' as const), cgroup: fc.constantFrom(...LIMITED), value: cpuMaxArb }),
  fc.record({ type: fc.constant('cpuset' as const), cgroup: fc.constantFrom(...LIMITED), value: cpusetArb }),
  fc.record({ type: fc.constant('move' as const), target: fc.nat(), cgroup: fc.constantFrom(...LEAVES) }),
);

/** cpuset.cpus text ("0-2,3") as CPU numbers. */
type Command = typeof commandArb extends fc.Arbitrary<infer C> ? C : never;

function cpuList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.trim().split(',').filter((s) => s !== '')) {
    const [a, b] = part.split('-').map(Number);
    for (let c = a!; c <= (b ?? a!); c++) out.push(c);
  }
  return out;
}

function readable(k: Kernel, path: string, file: string): string | null {
  try {
    return k.read(path, file);
  } catch {
    return null;
  }
}

/**
 * The demand straight from what a user can see: running processes per cgroup, and, in cgroups with
 * the cpu controller (the kernel's CPU groups, where cpu.max exists), cpu.max and cpuset.cpus.
 */
function reference(k: Kernel): number {
  const running = new Map<string, number>();
  for (const p of k.processes()) if (p.state === 'running') running.set(p.cgroup, (running.get(p.cgroup) ?? 0) + 1);
  const paths = k.cgroups();
  const parentOf = (p: string): string => p.slice(0, p.lastIndexOf('/')) || '/';
  const want = (path: string, parentCpus: number[]): number => {
    const max = path === '/' ? null : readable(k, path, 'cpu.max');
    let cpus = parentCpus;
    const own = max === null ? null : readable(k, path, 'cpuset.cpus');
    if (own !== null && own.trim() !== '') cpus = cpuList(own).filter((c) => parentCpus.includes(c));
    let sum = running.get(path) ?? 0;
    for (const child of paths) if (child !== '/' && parentOf(child) === path) sum += want(child, cpus);
    let w = Math.min(sum, cpus.length);
    if (max !== null) {
      const [quota, period] = max.trim().split(' ');
      if (quota !== 'max') w = Math.min(w, Number(quota) / Number(period));
    }
    return w;
  };
  return Math.min(CPUS, want('/', [0, 1, 2, 3]));
}

/** The cgroup tree every case starts from: /A with cpu and cpuset for a1 and a2, /B with cpuset only (b1 has a cpuset but no cpu controller: the CPU model ignores it), /C. */
function makeTree(k: Kernel): void {
  k.write('/', 'cgroup.subtree_control', '+cpu +cpuset');
  for (const c of ['/A', '/B', '/C']) k.mkdir(c);
  k.write('/A', 'cgroup.subtree_control', '+cpu +cpuset');
  k.write('/B', 'cgroup.subtree_control', '+cpuset');
  k.mkdir('/A/a1');
  k.mkdir('/A/a2');
  k.mkdir('/B/b1');
}

/** Apply one random command; refusals (a reaped pid, a cpuset without a CPU of its parent's, a file the cgroup lacks) are typed and change nothing. */
function apply(k: Kernel, c: Command, pids: number[]): void {
  try {
    if (c.type === 'spawn') pids.push(k.spawn({ name: 'p', cgroup: c.cgroup, program: parseProgram(c.program) }));
    else if (c.type === 'busy') for (let i = 0; i < c.count; i++) pids.push(k.spawn({ name: 'b', cgroup: c.cgroup, program: BUSY }));
    else if (c.type === 'advance') k.advanceTo(k.now() + c.by * MS);
    else if (c.type === 'signal' && pids.length > 0) k.kill(pids[c.target % pids.length]!, c.signal);
    else if (c.type === 'freeze') k.write(c.cgroup, 'cgroup.freeze', c.on ? '1' : '0');
    else if (c.type === 'cpu.max') k.write(c.cgroup, 'cpu.max', c.value);
    else if (c.type === 'cpuset') k.write(c.cgroup, 'cpuset.cpus', c.value);
    else if (c.type === 'move' && pids.length > 0) k.moveProcess(pids[c.target % pids.length]!, c.cgroup);
  } catch (error) {
    if (!(error instanceof StrataError)) throw error;
  }
}

describe('wantedCpus under random commands', () => {
  it('equals the recomputation from processes() and the cgroup files, and the callback keeps its listener current', () => {
    fc.assert(
      fc.property(fc.constantFrom('exact' as const, 'fluid' as const), fc.array(commandArb, { minLength: 1, maxLength: 25 }), (fidelity, commands) => {
        let seen = 0;
        let lastCall = 0;
        const k: Kernel = createKernel({
          cpus: CPUS,
          memory: 2 ** 30,
          fidelity,
          onCpuDemandChange: () => {
            expect(k.now()).toBeGreaterThanOrEqual(lastCall);
            lastCall = k.now();
            expect(k.wantedCpus()).not.toBe(seen); // it fires on a change only
            seen = k.wantedCpus();
            expect(seen).toBeCloseTo(reference(k), 9); // and the kernel is settled when it does
          },
        });
        makeTree(k);
        const pids: number[] = [];
        for (const c of commands) {
          apply(k, c, pids);
          const d = k.wantedCpus();
          expect(d).toBeCloseTo(reference(k), 9);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(CPUS);
          expect(seen).toBe(d);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('without a callback the demand is first computed when asked, and equals the recomputation from then on', () => {
    fc.assert(
      fc.property(fc.constantFrom('exact' as const, 'fluid' as const), fc.array(commandArb, { minLength: 1, maxLength: 25 }), fc.nat(), (fidelity, commands, askAt) => {
        const k: Kernel = createKernel({ cpus: CPUS, memory: 2 ** 30, fidelity });
        makeTree(k);
        const pids: number[] = [];
        const from = askAt % (commands.length + 1);
        for (const [i, c] of commands.entries()) {
          apply(k, c, pids);
          if (i >= from) expect(k.wantedCpus()).toBeCloseTo(reference(k), 9);
        }
      }),
      { numRuns: 100 },
    );
  });
});
