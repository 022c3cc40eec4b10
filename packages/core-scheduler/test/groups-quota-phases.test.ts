// Known answers of the fluid model's on/off quota phases (quota-phases.ts): a binding quota runs at
// the rate its group would get without it until the period's runtime is spent, then is throttled, as
// the kernel does (the exact model), so a peer that cannot absorb the off phase loses what the group
// took while it ran. Each case in both fidelities, against the hand-computed average.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '@strata/shared-types';
import { createGroupScheduler, runGroupExperiment, type GroupFidelity, type GroupScheduler } from '../src/index.js';
import { compareQuotaTree, quotaTreeArb } from './quota-trees.js';

const S = 1_000_000;
const FIDELITIES: readonly GroupFidelity[] = ['exact', 'fluid'];

function fractions(s: GroupScheduler, ids: readonly string[], seconds = 20): number[] {
  s.advanceTo(seconds * S);
  return ids.map((id) => s.taskStats(id).cpuUsec / (seconds * S));
}

describe.each(FIDELITIES)('on/off quota phases, known answers (%s)', (fidelity) => {
  const near = (got: readonly number[], want: readonly number[], tol = 0.003) =>
    got.forEach((x, i) => expect(Math.abs(x - want[i]!), `task ${i}: ${x} vs ${want[i]}`).toBeLessThan(tol));

  it('two quotas set at one instant are on together from each refill: their phases overlap, not fall at random', () => {
    // 3 CPUs: /a (weight 128, 50 ms per 100 ms, one busy task), /b (weight 512, 50 ms, two busy
    // tasks), /c (weight 128, two busy tasks). From each refill all run: /a 0.5, /b 2, /c 0.5 (weights
    // 128 : 512 : 128 over five tasks, each task at most a CPU); /b's 50 ms is spent at 25 ms, then /a
    // gets a CPU and spends the rest of its 50 ms by 62.5 ms; /c has 2 CPUs from then on. /c: (0.5 ×
    // 25 + 2 × 75) / 100 = 1.625, 0.8125 per task; /a throttled 37.5 ms per period. Taken as
    // independent, the two quotas' phases gave /c 0.688 per task.
    const s = createGroupScheduler({ cpus: 3, fidelity, tick: 4000 });
    s.addGroup('/a', { weight: 128, quota: 50_000, period: 100_000 });
    s.addGroup('/b', { weight: 512, quota: 50_000, period: 100_000 });
    s.addGroup('/c', { weight: 128 });
    s.addTask('a0', '/a');
    s.addTask('b0', '/b');
    s.addTask('b1', '/b');
    s.addTask('c0', '/c');
    s.addTask('c1', '/c');
    near(fractions(s, ['a0', 'b0', 'b1', 'c0', 'c1']), [0.5, 0.25, 0.25, 0.8125, 0.8125]);
    expect(Math.abs(s.groupStats('/a').throttledUsec - 0.375 * 20 * S)).toBeLessThan(0.01 * 20 * S);
  });

  it('a busy task beside a quota group of capped tasks loses what the group takes while it runs', () => {
    // 2 CPUs: busy, a 0.25 task, and /q (50 ms per 100 ms) of two 0.5 tasks. Unthrottled, /q gets
    // 0.875 beside the busy task (the 0.25 task takes its demand, the two share the 1.75 left), so it
    // runs 0.5 / 0.875 = 4/7 of the time: busy 4/7 × 0.875 + 3/7 × 1 = 13/14. A steady cap of 0.5
    // gave it 1.0 (fluid, before the phases); exact 0.9306.
    const s = createGroupScheduler({ cpus: 2, fidelity });
    s.addGroup('/q', { quota: 50_000, period: 100_000 });
    s.addTask('busy', '/');
    s.addTask('small', '/', { demand: 0.25 });
    s.addTask('q1', '/q', { demand: 0.5 });
    s.addTask('q2', '/q', { demand: 0.5 });
    near(fractions(s, ['busy', 'small', 'q1', 'q2']), [13 / 14, 0.25, 0.25, 0.25]);
  });

  it('a capped peer makes up its on-phase loss while the group is throttled (its backlog is owed)', () => {
    // 2 CPUs: /A (shares 3072, 1 CPU of quota) of two busy tasks beside a task asking 0.5: while /A
    // runs the peer gets 0.5 anyway (1.5 + 0.5 = 2), and it would catch up if it did not: 0.5.
    const s = createGroupScheduler({ cpus: 2, fidelity });
    s.addGroup('/A', { shares: 3072, quota: 100_000, period: 100_000 });
    s.addTask('a1', '/A');
    s.addTask('a2', '/A');
    s.addTask('b', '/', { demand: 0.5 });
    near(fractions(s, ['a1', 'a2', 'b']), [0.5, 0.5, 0.5]);
  });

  it('a quota that does not bind is a budget per period: its group spends it while the binding one is off', () => {
    // 2 CPUs: /A as above beside /B (80 ms per 100 ms) of one busy task. On: A 1.5, B 0.5 for 2/3 of
    // each period; off: B alone at 1. B uses 2/3 of a CPU, under its 0.8: never throttled. A steady
    // cap gave B its quota, 0.8, throttled every period.
    const s = createGroupScheduler({ cpus: 2, fidelity });
    s.addGroup('/A', { shares: 3072, quota: 100_000, period: 100_000 });
    s.addTask('a1', '/A');
    s.addTask('a2', '/A');
    s.addGroup('/B', { quota: 80_000, period: 100_000 });
    s.addTask('b', '/B');
    near(fractions(s, ['a1', 'a2', 'b']), [0.5, 0.5, 2 / 3]);
    expect(s.groupStats('/A').nrThrottled).toBe(200);
    expect(s.groupStats('/B').nrThrottled).toBe(0);
  });

  it('two binding quotas beside a heavy group of two threads: each quota gets its rate, the heavy group the rest', () => {
    // 1 CPU (a host's pCPU): /vm0 (shares 256, 150 ms per 100 ms, two threads), /vm1 (shares 4096,
    // 30 ms) and /vm2 (shares 512, 30 ms), one busy thread each: 0.2 / 0.2 / 0.3 / 0.3. The phases of
    // each quota alone would have /vm0 lose to the other's catching up; a throttled group makes up
    // only what it lost (its budget), so /vm0 keeps 0.4.
    const s = createGroupScheduler({ cpus: 1, fidelity });
    s.addGroup('/vm0', { shares: 256, quota: 150_000, period: 100_000 });
    s.addGroup('/vm0/v0');
    s.addGroup('/vm0/v1');
    s.addGroup('/vm1', { shares: 4096, quota: 30_000, period: 100_000 });
    s.addGroup('/vm2', { shares: 512, quota: 30_000, period: 100_000 });
    s.addTask('a', '/vm0/v0');
    s.addTask('b', '/vm0/v1');
    s.addTask('c', '/vm1');
    s.addTask('d', '/vm2');
    near(fractions(s, ['a', 'b', 'c', 'd']), [0.2, 0.2, 0.3, 0.3]);
  });

  it('with cpusets: a capped group of two pinned threads splits its runtime as it runs, and its pinned neighbour gets the CPU while it is off', () => {
    // 3 CPUs (a host: VM groups over vCPU groups). /vm0 (shares 2048, 50 ms per 100 ms): a thread
    // pinned to CPU 2 and one to CPU 1; /vm1 (shares 512, 100 ms): a thread pinned to CPU 1. While
    // /vm0 runs, its threads get 1 and 0.8 (CPU 1 split 4 : 1 by weight), for 0.5 / 1.8 of the time:
    // 0.3 and 0.2 over a period; /vm1 gets 0.2 then and 1 the rest: 0.8. A steady cap gave 0.25,
    // 0.25 and 0.75.
    const s = createGroupScheduler({ cpus: 3, fidelity });
    s.addGroup('/vm0', { shares: 2048, quota: 50_000, period: 100_000 });
    s.addGroup('/vm0/v0', { cpus: [2] });
    s.addGroup('/vm0/v1', { cpus: [1] });
    s.addGroup('/vm1', { shares: 512, quota: 100_000, period: 100_000 });
    s.addGroup('/vm1/v0', { cpus: [1] });
    s.addTask('a', '/vm0/v0');
    s.addTask('b', '/vm0/v1');
    s.addTask('c', '/vm1/v0');
    near(fractions(s, ['a', 'b', 'c']), [0.3, 0.2, 0.8]);
  });

  it('threads of a throttled group on CPUs of their own share its runtime as they run, whatever their nice values', () => {
    // 3 CPUs, /q at 30 ms per 100 ms: a (nice 0) and b (nice 5) each run on a CPU of their own at
    // full speed until the pool is spent (15 ms each), then both are throttled: 0.15 each, and 2 × 85
    // ms throttled per period. A steady cap split the 0.3 by weight, 0.226 / 0.074.
    const s = createGroupScheduler({ cpus: 3, fidelity });
    s.addGroup('/q', { quota: 30_000, period: 100_000 });
    s.addTask('a', '/q');
    s.addTask('b', '/q', { nice: 5 });
    near(fractions(s, ['a', 'b']), [0.15, 0.15]);
    expect(s.groupStats('/q')).toMatchObject({ nrPeriods: 200, nrThrottled: 200, throttledUsec: 34_000_000 });
  });

  it('a capped task of a throttled group runs its backlog while the group is on, as far as its CPU lets it', () => {
    // 2 CPUs: /a (weight 512, cpus [0]) of a task asking 0.5; /q (weight 128, 30 ms per 100 ms) of a
    // busy task on CPU 1 and a task asking 0.25 on CPU 0; /c (weight 64, cpus [0]) of a task asking
    // 0.5. The 0.25 task's work piles up while /q is throttled, so while /q runs it takes what CPU 0
    // gives it (0.25 beside /a's 0.5 and /c's entity of equal weight), not 0.25 of the time: /q runs
    // at 1.25, on 0.3 / 1.25 = 24% of the time: busy 0.24, capped 0.06, and /c's task 0.24 × 0.25 +
    // 0.76 × 0.5 = 0.44. Keeping the quota's steady split (0.15 each) gave /c's task 0.35.
    const s = createGroupScheduler({ cpus: 2, fidelity, tick: 4000 });
    s.addGroup('/a', { weight: 512, cpus: [0] });
    s.addGroup('/q', { weight: 128, quota: 30_000, period: 100_000 });
    s.addGroup('/q/x', { cpus: [1] });
    s.addGroup('/q/y', { cpus: [0] });
    s.addGroup('/c', { weight: 64, cpus: [0] });
    s.addTask('a', '/a', { demand: 0.5 });
    s.addTask('busy', '/q/x');
    s.addTask('capped', '/q/y', { demand: 0.25 });
    s.addTask('c', '/c', { demand: 0.5 });
    near(fractions(s, ['a', 'busy', 'capped', 'c']), [0.5, 0.24, 0.06, 0.44]);
  });

  it('quotas on one grid with capped tasks: each runs its backlog in its on phase, and the walk takes them in turn', () => {
    // 2 CPUs: /v0 (weight 256, 30 ms per 100 ms) of a task asking 0.75; /v1 (weight 128, 50 ms) of a
    // busy task and one asking 0.75; /v2 (weight 64) of a busy task. Both capped tasks have more work
    // than their quota lets run, so from each refill they run like busy ones: /v0's task a CPU (256
    // of 448 is more than one), the other three 1/3 each, so /v0 is spent at 30 ms; then the three
    // share 2 CPUs (2/3 each) and /v1, 20 ms spent, is spent 22.5 ms later; /v2 has a CPU to the end:
    // 10 + 15 + 47.5 = 72.5 ms per period. With each capped task at its cap in the on phases and the
    // phases taken as independent, /v2 got 0.709.
    const s = createGroupScheduler({ cpus: 2, fidelity, tick: 4000 });
    s.addGroup('/v0', { weight: 256, quota: 30_000, period: 100_000 });
    s.addGroup('/v1', { weight: 128, quota: 50_000, period: 100_000 });
    s.addGroup('/v2', { weight: 64 });
    s.addTask('a', '/v0', { demand: 0.75 });
    s.addTask('b', '/v1');
    s.addTask('c', '/v1', { demand: 0.75 });
    s.addTask('d', '/v2');
    near(fractions(s, ['a', 'b', 'c', 'd']), [0.3, 0.25, 0.25, 0.725]);
  });

  it('a capped task that catches up in each on phase runs its own work only: the rest of the quota goes to its busy peer', () => {
    // 2 CPUs: /g0 (weight 256, 30 ms per 100 ms, cpus [0]) of tasks asking 0.75, 0.25, 0.25; /g1
    // (weight 128, 150 ms) of tasks asking 0.25, 1 and 0.5. /g1's capped tasks catch up while it runs
    // and take their demand; the busy task gets the rest of its 1.5: 0.75. /g0's three share its 0.3.
    const s = createGroupScheduler({ cpus: 2, fidelity, tick: 4000 });
    s.addGroup('/g0', { weight: 256, quota: 30_000, period: 100_000, cpus: [0] });
    s.addGroup('/g1', { weight: 128, quota: 150_000, period: 100_000 });
    [0.75, 0.25, 0.25].forEach((demand, i) => s.addTask(`a${i}`, '/g0', { demand }));
    [0.25, 1, 0.5].forEach((demand, i) => s.addTask(`b${i}`, '/g1', { demand }));
    near(fractions(s, ['a0', 'a1', 'a2', 'b0', 'b1', 'b2']), [0.1, 0.1, 0.1, 0.25, 0.75, 0.5]);
  });

  it('capped tasks under no quota make up in the grid groups\' off phases what they lost in their on phases', () => {
    // 2 CPUs, every group weight 64: /g0 (30 ms per 100 ms) of a busy and a 0.75 task; /g1 of a busy
    // task; /g2 (cpus [0]) of a busy and a 0.75 task; /g3 (30 ms, cpus [0]) of 0.25 and 0.75 tasks.
    // From each refill all four groups run, and the two quotas are spent early; /g2's capped task
    // then runs its backlog on CPU 0. Exact 0.7086 / 0.3456 / 0.3457 for /g1 and /g2; with /g2's
    // capped task left to the independent phases (its backlog outside the walk) fluid gave /g1 0.831.
    const s = createGroupScheduler({ cpus: 2, fidelity, tick: 4000 });
    s.addGroup('/g0', { weight: 64, quota: 30_000, period: 100_000 });
    s.addGroup('/g1', { weight: 64 });
    s.addGroup('/g2', { weight: 64, cpus: [0] });
    s.addGroup('/g3', { weight: 64, quota: 30_000, period: 100_000, cpus: [0] });
    s.addTask('a0', '/g0');
    s.addTask('a1', '/g0', { demand: 0.75 });
    s.addTask('b', '/g1');
    s.addTask('c0', '/g2');
    s.addTask('c1', '/g2', { demand: 0.75 });
    s.addTask('d0', '/g3', { demand: 0.25 });
    s.addTask('d1', '/g3', { demand: 0.75 });
    near(fractions(s, ['a0', 'a1', 'b', 'c0', 'c1', 'd0', 'd1']), [0.15, 0.15, 0.7, 0.35, 0.35, 0.15, 0.15], 0.01);
  });

  it('a task capped at its group\'s quota never falls behind: it runs at its cap, not in bursts', () => {
    // 2 CPUs: /g3 (weight 512, 50 ms per 100 ms, cpus [0]) of a task asking 0.5 never spends its
    // quota early, so it is never throttled and its CPU 0 neighbours see a steady 0.5. Beside it /g0
    // (weight 256, 50 ms) of a busy task, /g1 (weight 256, cpus [1]) of 0.25 and 0.75 tasks, /g2
    // (weight 64) of a busy and a 0.5 task. Exact 0.5 / 0.25 / 0.4989 / 0.1255 / 0.1256 / 0.5. Taken
    // as owing a full backlog (running a CPU for 50 ms, then throttled), fluid gave the 0.75 task
    // 0.438.
    const s = createGroupScheduler({ cpus: 2, fidelity, tick: 4000 });
    s.addGroup('/g0', { weight: 256, quota: 50_000, period: 100_000 });
    s.addGroup('/g1', { weight: 256, cpus: [1] });
    s.addGroup('/g2', { weight: 64 });
    s.addGroup('/g3', { weight: 512, quota: 50_000, period: 100_000, cpus: [0] });
    s.addTask('a', '/g0');
    s.addTask('b0', '/g1', { demand: 0.25 });
    s.addTask('b1', '/g1', { demand: 0.75 });
    s.addTask('c0', '/g2');
    s.addTask('c1', '/g2', { demand: 0.5 });
    s.addTask('d', '/g3', { demand: 0.5 });
    near(fractions(s, ['a', 'b0', 'b1', 'c0', 'c1', 'd']), [0.5, 0.25, 0.5, 0.125, 0.125, 0.5]);
  });

  it('a quota that cannot bind on the grid is walked as a budget: its busy task takes a CPU once the binding ones are spent', () => {
    // 3 CPUs: /g1 (weight 512, cpus [1]) of 0.5, 0.5, 0.75 tasks fills CPU 1; /g0 (weight 256, 50 ms
    // per 100 ms) of a 0.25 and a busy task, /g3 (weight 256, 50 ms) of 0.5, 0.25, 0.5 tasks, and /g2
    // (weight 64, 150 ms: one busy task never spends it) share the other two. From each refill /g0
    // and /g3 take 0.889 each and /g2's task 0.222; both quotas are spent at ~56 ms, and /g2's task
    // has a CPU to the end: ~0.56 (exact 0.567). With /g2's quota taken as a budget spent in the
    // others' off phases, apart from the walk, fluid gave it 0.417.
    const s = createGroupScheduler({ cpus: 3, fidelity, tick: 4000 });
    s.addGroup('/g0', { weight: 256, quota: 50_000, period: 100_000 });
    s.addGroup('/g1', { weight: 512, cpus: [1] });
    s.addGroup('/g2', { weight: 64, quota: 150_000, period: 100_000 });
    s.addGroup('/g3', { weight: 256, quota: 50_000, period: 100_000 });
    s.addTask('a0', '/g0', { demand: 0.25 });
    s.addTask('a1', '/g0');
    [0.5, 0.5, 0.75].forEach((demand, i) => s.addTask(`b${i}`, '/g1', { demand }));
    s.addTask('c', '/g2');
    [0.5, 0.25, 0.5].forEach((demand, i) => s.addTask(`d${i}`, '/g3', { demand }));
    const third = 1 / 3;
    near(fractions(s, ['a0', 'a1', 'b0', 'b1', 'b2', 'c', 'd0', 'd1', 'd2']), [0.25, 0.25, third, third, third, 0.5625, 1 / 6, 1 / 6, 1 / 6], 0.006);
    expect(s.groupStats('/g2').throttledUsec).toBe(0);
  });

  it('a peer that can absorb the off phase is unchanged: 30% beside a busy task on 1 CPU, throttled 40 ms a period', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity });
    s.addGroup('/A', { quota: 30_000, period: 100_000 });
    s.addTask('a', '/A');
    s.addTask('b', '/');
    near(fractions(s, ['a', 'b'], 10), [0.3, 0.7]);
    expect(Math.abs(s.groupStats('/A').throttledUsec / 100 - 40_000)).toBeLessThan(200);
  });
});

describe('exact and fluid on flat trees with quotas on one grid, capped tasks and cpusets', () => {
  it('agree within 1% of a CPU per task over 20 s on 60 fixed random trees', () => {
    // A fixed set (seed 20261128), not fresh cases per run: 9 of 750 other trees are beyond 1%
    // (bench/quota-agreement.ts, seeds 1-5; README "On/off quota phases"). Before capped tasks carried
    // their backlog through the walk and budgets joined it, 4 of these 60 were (worst 2.5%).
    const trees = fc.sample(quotaTreeArb, { numRuns: 60, seed: 20261128 });
    for (const tree of trees) {
      const { gap, exact, fluid } = compareQuotaTree(tree, 20);
      expect(gap, `${JSON.stringify(tree)}: exact ${exact.map((x) => x.toFixed(3)).join(' ')}, fluid ${fluid.map((x) => x.toFixed(3)).join(' ')}`).toBeLessThan(0.01);
    }
  });
});

describe('a stated gap, measured (README "Exact vs fluid" (5)): a neighbour bursting faster than the period', () => {
  // 2 CPUs: /capped at 50 ms per 100 ms with a busy task, /wide with a busy task, /web at shares
  // 2048 with 2 ms bursts every 10 ms. The kernel (exact) spends /capped's quota from each period's
  // start, so /wide loses only the bursts inside that on phase (by hand: 0.5 of the pCPU during the
  // ~0.2 × 55 ms of bursts, 0.945); fluid takes the phases per steady stretch, holding /capped on
  // through every burst, 0.900. When fluid follows the kernel here, this test fails: update (5).
  it('the busy neighbour of a quota gets 0.940 in exact, 0.900 in fluid', () => {
    const got = (['exact', 'fluid'] as const).map((fidelity) => {
      const r = runGroupExperiment({
        cpus: 2,
        fidelity,
        duration: '20s',
        groups: [
          { name: 'capped', cpu: { quota: '50ms', period: '100ms' }, tasks: [{ name: 'spin' }] },
          { name: 'wide', tasks: [{ name: 'spin' }] },
          { name: 'web', cpu: { shares: 2048 }, tasks: [{ name: 'request', bursts: [{ run: '2ms', sleep: '8ms' }] }] },
        ],
      });
      return r.tasks.map((t) => t.fraction);
    });
    const [exact, fluid] = got as [number[], number[]];
    expect(exact[0]).toBeCloseTo(0.5, 2);
    expect(fluid[0]).toBeCloseTo(0.5, 2);
    expect(exact[2]).toBeCloseTo(0.2, 2);
    expect(fluid[2]).toBeCloseTo(0.2, 2);
    expect(exact[1]).toBeCloseTo(0.94, 2);
    expect(fluid[1]).toBeCloseTo(0.9, 2);
  });
});

describe('quotaPhaseCap (fluid)', () => {
  it('is the on/off average of a task beside a binding quota, Infinity for the others; the task runs at it', () => {
    const s = createGroupScheduler({ cpus: 2, fidelity: 'fluid' });
    s.addGroup('/q', { quota: 50_000, period: 100_000 });
    s.addTask('busy', '/');
    s.addTask('small', '/', { demand: 0.25 });
    s.addTask('q1', '/q', { demand: 0.5 });
    s.addTask('q2', '/q', { demand: 0.5 });
    expect(s.quotaPhaseCap!('busy')).toBeCloseTo(13 / 14, 12);
    expect(s.taskStats('busy').rate).toBeCloseTo(13 / 14, 12);
    for (const id of ['small', 'q1', 'q2']) expect(s.quotaPhaseCap!(id)).toBe(Infinity);
    // The quota stops binding: no phases.
    s.block('q2');
    expect(s.quotaPhaseCap!('busy')).toBe(Infinity);
    expect(s.taskStats('busy').rate).toBe(1);
    expect(() => s.quotaPhaseCap!('nope')).toThrow(NotFoundError);
  });

  it("'full' computes the phases as if every CPU had capacity 1 (a nested guest: what it would use at full capacity)", () => {
    const build = (mode: 'current' | 'full') => {
      const s = createGroupScheduler({ cpus: 2, fidelity: 'fluid', quotaPhaseCapacity: mode, cpuCapacity: [0.5, 0.5] });
      s.addGroup('/q', { quota: 50_000, period: 100_000 });
      s.addTask('busy', '/');
      s.addTask('small', '/', { demand: 0.25 });
      s.addTask('q1', '/q', { demand: 0.5 });
      s.addTask('q2', '/q', { demand: 0.5 });
      return s;
    };
    // At 1 CPU in all the quota does not bind (/q gets 0.375): no phases now.
    const current = build('current');
    expect(current.quotaPhaseCap!('busy')).toBe(Infinity);
    const full = build('full');
    expect(full.quotaPhaseCap!('busy')).toBeCloseTo(13 / 14, 12);
    // The split at the CPUs' capacities is the same (the cap is above the busy task's share).
    for (const id of ['busy', 'small', 'q1', 'q2']) expect(full.taskStats(id).rate).toBeCloseTo(current.taskStats(id).rate, 12);
  });

  it("setQuotaPhaseSplit('current'): with 'full', the split takes the phases at the CPUs' capacities while quotaPhaseCap stays at full", () => {
    // CPUs of capacity 1 and 0.5 (a guest whose host serves one vCPU half). A busy task beside a 50%
    // quota over two busy tasks. At full capacity (2 CPUs) the group runs at 1 half the time and the
    // busy task keeps its CPU: no cap. At 1.5 CPUs the group runs at 0.75 beside the busy task's
    // 0.75 for 2/3 of the time, and the busy task has 1 the rest: 2/3 × 0.75 + 1/3 = 5/6.
    const s = createGroupScheduler({ cpus: 2, fidelity: 'fluid', quotaPhaseCapacity: 'full', cpuCapacity: [1, 0.5] });
    s.addGroup('/q', { quota: 50_000, period: 100_000 });
    s.addTask('busy', '/');
    s.addTask('q1', '/q');
    s.addTask('q2', '/q');
    expect(s.quotaPhaseCap!('busy')).toBe(Infinity);
    expect(s.taskStats('busy').rate).toBeCloseTo(1, 12);
    s.setQuotaPhaseSplit!('current');
    expect(s.taskStats('busy').rate).toBeCloseTo(5 / 6, 12);
    expect(s.taskStats('q1').rate + s.taskStats('q2').rate).toBeCloseTo(0.5, 12);
    expect(s.quotaPhaseCap!('busy')).toBe(Infinity);
    // Over time, too (the task runs at its rate).
    s.advanceTo(10 * S);
    expect(s.taskStats('busy').cpuUsec / (10 * S)).toBeCloseTo(5 / 6, 5);
    s.setQuotaPhaseSplit!('full');
    expect(s.taskStats('busy').rate).toBeCloseTo(1, 12);
    expect(() => s.setQuotaPhaseSplit!('half' as never)).toThrow(ValidationError);
    expect(s.taskStats('busy').rate).toBeCloseTo(1, 12);
    // Without 'full' it changes nothing (the split is at the current capacities already).
    const c = createGroupScheduler({ cpus: 2, fidelity: 'fluid', cpuCapacity: [1, 0.5] });
    c.addGroup('/q', { quota: 50_000, period: 100_000 });
    c.addTask('busy', '/');
    c.addTask('q1', '/q');
    c.addTask('q2', '/q');
    const before = c.taskStats('busy').rate;
    c.setQuotaPhaseSplit!('full');
    expect(c.taskStats('busy').rate).toBe(before);
    expect(before).toBeCloseTo(5 / 6, 12);
  });

  it('refuses an unknown quotaPhaseCapacity', () => {
    expect(() => createGroupScheduler({ cpus: 1, fidelity: 'fluid', quotaPhaseCapacity: 'half' as never })).toThrow(ValidationError);
  });
});
