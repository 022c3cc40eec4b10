// The kernel's bookkeeping under random programs, limits and signals: whatever happens, the
// counters the cgroup files show agree with the processes that exist, limits hold, and the same
// input gives the same run.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseProgram, type SignalName } from '@strata/shared-types';
import { createKernel, type Kernel } from '../src/index.js';

const MS = 1_000;

type Raw = Record<string, unknown>;

/** A small random program in the language's user form (bounded: loops ≤ 3, forks ≤ 3, depth ≤ 2). */
function programArb(depth: number): fc.Arbitrary<Raw[]> {
  const leaf: fc.Arbitrary<Raw>[] = [
    fc.integer({ min: 1, max: 30 }).map((n) => ({ cpu: `${n}ms` })),
    fc.integer({ min: 0, max: 30 }).map((n) => ({ sleep: `${n}ms` })),
    fc.integer({ min: 1, max: 24 }).map((n) => ({ alloc: { size: `${n}Mi` } })),
    fc.integer({ min: 1, max: 24 }).map((n) => ({ alloc: { size: `${n}Mi`, rate: '512Mi/s' } })),
    fc.constant({ free: 'all' }),
    fc.constant({ print: 'x' }),
    fc.constant({ wait: 'all', 'on-error': { ECHILD: [] } }),
    fc.integer({ min: 0, max: 3 }).map((code) => ({ exit: code })),
    fc.constant({ signal: { SIGTERM: [{ print: 'term' }], SIGUSR1: 'ignore' } }),
  ];
  if (depth > 0) {
    leaf.push(
      fc.tuple(fc.integer({ min: 1, max: 3 }), programArb(depth - 1)).map(([count, program]) => ({ fork: { count, program: program.length > 0 ? program : [{ sleep: '1ms' }] }, 'on-error': { any: [] } })),
      fc.tuple(fc.integer({ min: 1, max: 3 }), programArb(depth - 1)).map(([times, body]) => ({ loop: { times, do: body.length > 0 ? body : [{ print: 'y' }] } })),
    );
  }
  return fc.array(fc.oneof(...leaf), { minLength: 0, maxLength: 5 });
}

const SIGNALS: SignalName[] = ['SIGTERM', 'SIGKILL', 'SIGSTOP', 'SIGCONT', 'SIGUSR1', 'SIGINT'];

const scenarioArb = fc.record({
  fidelity: fc.constantFrom('exact' as const, 'fluid' as const),
  pidsMax: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
  memoryMax: fc.option(fc.integer({ min: 4, max: 40 }), { nil: undefined }),
  programs: fc.array(programArb(2), { minLength: 1, maxLength: 3 }),
  actions: fc.array(fc.record({ at: fc.integer({ min: 0, max: 300 }), kind: fc.constantFrom('signal', 'freeze', 'thaw'), target: fc.nat(), signal: fc.constantFrom(...SIGNALS) }), { maxLength: 6 }),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function runScenario(s: Scenario, check: (k: Kernel, sigkills: number) => void): string {
  let sigkills = 0;
  const k = createKernel({ cpus: 2, memory: 256 * 2 ** 20, fidelity: s.fidelity });
  k.write('/', 'cgroup.subtree_control', '+cpu +memory +pids');
  k.mkdir('/A');
  if (s.pidsMax !== undefined) k.write('/A', 'pids.max', String(s.pidsMax));
  if (s.memoryMax !== undefined) k.write('/A', 'memory.max', `${s.memoryMax}M`);
  const pids: number[] = [];
  s.programs.forEach((program, i) => pids.push(k.spawn({ name: `p${i}`, cgroup: '/A', program: parseProgram(program) })));
  check(k, sigkills);
  const actions = [...s.actions].sort((a, b) => a.at - b.at);
  for (const a of actions) {
    k.advanceTo(Math.max(k.now(), a.at * MS));
    if (a.kind === 'freeze') k.write('/A', 'cgroup.freeze', '1');
    else if (a.kind === 'thaw') k.write('/A', 'cgroup.freeze', '0');
    else {
      const live = k.processes().filter((p) => p.state !== 'zombie');
      if (live.length > 0) {
        k.kill(live[a.target % live.length]!.pid, a.signal);
        if (a.signal === 'SIGKILL') sigkills++;
      }
    }
    check(k, sigkills);
  }
  k.write('/A', 'cgroup.freeze', '0');
  for (const p of k.processes()) if (p.state === 'stopped') k.kill(p.pid, 'SIGCONT');
  k.advanceTo(k.now() + 5_000 * MS);
  check(k, sigkills);
  return JSON.stringify({ processes: k.processes(), stat: k.read('/A', 'cpu.stat'), mem: k.read('/A', 'memory.events'), pids: k.read('/A', 'pids.events') });
}

function invariants(k: Kernel, sigkills: number): void {
  const procs = k.processes();
  // Every SIGKILL death is ours or the OOM killer's (memory.events oom_kill counts the latter).
  const killed = procs.filter((p) => p.exit !== null && 'signal' in p.exit && p.exit.signal === 'SIGKILL').length;
  const oomKills = Number(/oom_kill (\d+)/.exec(k.read('/A', 'memory.events'))![1]);
  expect(killed).toBe(sigkills + oomKills);
  // pids.current counts every process of /A not yet reaped, zombies included.
  expect(Number(k.read('/A', 'pids.current'))).toBe(procs.filter((p) => p.cgroup === '/A' && !p.reaped).length);
  // Memory: never above memory.max; the peak at least the current usage; nothing held once all have ended.
  const current = Number(k.read('/A', 'memory.current'));
  const memMax = k.read('/A', 'memory.max').trim();
  if (memMax !== 'max') expect(current).toBeLessThanOrEqual(Number(memMax));
  expect(Number(k.read('/A', 'memory.peak'))).toBeGreaterThanOrEqual(current);
  if (procs.every((p) => p.state === 'zombie')) expect(current).toBe(0);
  // CPU: the root's usage is the sum over every process (fluid rounds each process to the µs).
  const total = procs.reduce((sum, p) => sum + p.cpuUsec, 0);
  const usage = Number(/usage_usec (\d+)/.exec(k.read('/', 'cpu.stat'))![1]);
  expect(Math.abs(usage - total)).toBeLessThanOrEqual(procs.length);
}

describe('kernel invariants (property tests)', () => {
  it('pids, memory and CPU counters agree with the processes after every command', () => {
    fc.assert(fc.property(scenarioArb, (s) => void runScenario(s, invariants)), { numRuns: 120 });
  });

  it('the same scenario gives the same run', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        expect(runScenario(s, () => {})).toBe(runScenario(s, () => {}));
      }),
      { numRuns: 40 },
    );
  });
});
