// Cpusets that overlap in part: both fidelities serve rates that fit CPU by CPU (weighted max-min
// fair under affinity, affinity-rates.ts), where fluid used to render cpusets as caps alone.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createGroupScheduler, type GroupFidelity, type GroupScheduler } from '../src/index.js';

const FIDELITIES: GroupFidelity[] = ['fluid', 'exact'];
const S = 1_000_000;
const tol = (f: GroupFidelity): number => (f === 'fluid' ? 1e-6 : 0.005);

function share(s: GroupScheduler, id: string, seconds: number): number {
  return s.taskStats(id).cpuUsec / (seconds * S);
}

describe.each(FIDELITIES)('affinity (%s)', (fidelity) => {
  it('two tasks pinned to CPU 0 beside one on CPU 1: 0.5, 0.5, 1 (fluid gave ⅔ each when cpusets were caps)', () => {
    const s = createGroupScheduler({ cpus: 2, fidelity });
    s.addGroup('/a', { cpus: [0] });
    s.addGroup('/b', { cpus: [0] });
    s.addGroup('/c', { cpus: [1] });
    for (const g of ['a', 'b', 'c']) s.addTask(g, `/${g}`);
    s.advanceTo(10 * S);
    [0.5, 0.5, 1].forEach((want, i) => expect(Math.abs(share(s, ['a', 'b', 'c'][i]!, 10) - want)).toBeLessThan(tol(fidelity)));
    if (fidelity === 'fluid') for (const [id, want] of [['a', 0.5], ['c', 1]] as const) expect(s.taskStats(id).rate).toBeCloseTo(want, 9);
  });

  it('what CPU 0 cannot give its pinned tasks goes to the task that may run elsewhere: A(v0 on CPU 0, v1 free), B and C on CPU 0 → 0.2, 1, 0.4, 0.4', () => {
    // The tree gives each VM ⅔ (A's split 1/3 + 1/3); CPU 0 would need 5/3. Weighted by those rates,
    // CPU 0 serves v0, B, C in the ratio 1 : 2 : 2, and v1 takes CPU 1 alone.
    const s = createGroupScheduler({ cpus: 2, fidelity });
    s.addGroup('/A');
    s.addGroup('/A/v0', { cpus: [0] });
    s.addGroup('/A/v1');
    s.addGroup('/B', { cpus: [0] });
    s.addGroup('/C', { cpus: [0] });
    s.addTask('a0', '/A/v0');
    s.addTask('a1', '/A/v1');
    s.addTask('b', '/B');
    s.addTask('c', '/C');
    s.advanceTo(10 * S);
    [0.2, 1, 0.4, 0.4].forEach((want, i) => expect(Math.abs(share(s, ['a0', 'a1', 'b', 'c'][i]!, 10) - want)).toBeLessThan(tol(fidelity)));
    expect(Math.abs(s.groupStats('/A').cpuUsec / (10 * S) - 1.2)).toBeLessThan(2 * tol(fidelity));
  });

  it('servable tree rates stand: a group pinned to CPU 0 with 2 tasks beside a free one on 2 CPUs → 0.5, 0.5, 1', () => {
    const s = createGroupScheduler({ cpus: 2, fidelity });
    s.addGroup('/p', { cpus: [0] });
    s.addTask('p1', '/p');
    s.addTask('p2', '/p');
    s.addTask('f', '/');
    s.advanceTo(10 * S);
    [0.5, 0.5, 1].forEach((want, i) => expect(Math.abs(share(s, ['p1', 'p2', 'f'][i]!, 10) - want)).toBeLessThan(tol(fidelity)));
  });

  it('a demand cap inside an overloaded CPU is served first (max-min): a (demand 0.2) and b pinned to CPU 0, c to CPU 1 → 0.2, 0.8, 1', () => {
    // The tree gives 0.2, 0.9, 0.9, and CPU 0 would need 1.1; filled under affinity, a keeps its 0.2.
    const s = createGroupScheduler({ cpus: 2, fidelity });
    s.addGroup('/a', { cpus: [0] });
    s.addGroup('/b', { cpus: [0] });
    s.addGroup('/c', { cpus: [1] });
    s.addTask('a', '/a', { demand: 0.2 });
    s.addTask('b', '/b');
    s.addTask('c', '/c');
    s.advanceTo(10 * S);
    [0.2, 0.8, 1].forEach((want, i) => expect(Math.abs(share(s, ['a', 'b', 'c'][i]!, 10) - want)).toBeLessThan(tol(fidelity)));
  });
});

describe('fluid rates under random cpusets fit CPU by CPU (Hall: every set of CPUs serves at most its capacity to the tasks confined to it)', () => {
  const setupArb = fc.record({
    cpus: fc.integer({ min: 2, max: 3 }),
    groups: fc.array(
      fc.record({ cpus: fc.option(fc.subarray([0, 1, 2], { minLength: 1 })), tasks: fc.array(fc.constantFrom(0.25, 0.5, 1), { minLength: 1, maxLength: 3 }), shares: fc.constantFrom(256, 1024, 4096) }),
      { minLength: 1, maxLength: 4 },
    ),
  });
  it('no subset of CPUs is asked more than it has, and a task below its demand has its CPUs full', () => {
    fc.assert(
      fc.property(setupArb, (setup) => {
        const s = createGroupScheduler({ cpus: setup.cpus, fidelity: 'fluid' });
        const sets: number[][] = [];
        const ids: string[] = [];
        setup.groups.forEach((g, i) => {
          const cpus = g.cpus?.filter((c) => c < setup.cpus) ?? null;
          const set = cpus === null || cpus.length === 0 ? null : cpus;
          s.addGroup(`/g${i}`, { shares: g.shares, ...(set === null ? {} : { cpus: set }) });
          g.tasks.forEach((demand, t) => {
            s.addTask(`g${i}.${t}`, `/g${i}`, { demand });
            ids.push(`g${i}.${t}`);
            sets.push(set ?? Array.from({ length: setup.cpus }, (_, c) => c));
          });
        });
        const rates = ids.map((id) => s.taskStats(id).rate);
        for (let mask = 1; mask < 1 << setup.cpus; mask++) {
          let confined = 0;
          rates.forEach((r, i) => {
            if (sets[i]!.every((c) => (mask >> c) & 1)) confined += r;
          });
          let size = 0;
          for (let c = 0; c < setup.cpus; c++) size += (mask >> c) & 1;
          expect(confined).toBeLessThanOrEqual(size + 1e-9);
        }
        // Work-conserving under affinity: a task below its demand has its CPUs full, so the tasks
        // that may use any of them get at least their capacity between them.
        ids.forEach((id, i) => {
          if (rates[i]! >= s.taskStats(id).demand - 1e-6) return;
          let near = 0;
          rates.forEach((r, j) => {
            if (sets[j]!.some((c) => sets[i]!.includes(c))) near += r;
          });
          expect(near).toBeGreaterThanOrEqual(sets[i]!.length - 1e-6);
        });
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});

describe('cost: trees without cpusets never pay for affinity; with them, a change costs a few maximum flows', () => {
  it('1,000 tasks in 100 groups, no cpusets: a wake-up costs O(depth) steps as before', () => {
    const s = createGroupScheduler({ cpus: 4, fidelity: 'fluid' });
    for (let g = 0; g < 100; g++) {
      s.addGroup(`/g${g}`);
      for (let i = 0; i < 10; i++) s.addTask(`t${g}.${i}`, `/g${g}`);
    }
    s.advanceTo(1_000);
    s.nextEventTime();
    const before = s.steps();
    s.block('t50.3');
    s.nextEventTime();
    s.wake('t50.3');
    s.nextEventTime();
    expect(s.steps() - before).toBeLessThan(100);
  });
});
