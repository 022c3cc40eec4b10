import { createSimulation } from '@strata/core-sim';
import { describe, expect, it } from 'vitest';
import {
  createCfsPolicy,
  createCreditPolicy,
  createEdfPolicy,
  createFifoPolicy,
  createLotteryPolicy,
  createMlfqPolicy,
  createPriorityPolicy,
  createRoundRobinPolicy,
  createSchedEntity,
  createSjfPolicy,
  createStcfPolicy,
  createStridePolicy,
  runExercise,
  simulateCpu,
} from '../src/index.js';
import type { CpuSimResult, SchedPolicy } from '../src/index.js';

/** [start, end) of each segment of `job`. */
const runsOf = (r: { timeline: readonly { start: number; end: number; job: number }[] }, job: number) =>
  r.timeline.filter((s) => s.job === job).map((s) => [s.start, s.end]);

/** The job running in each unit of time from 0 to `until`. */
function order(r: CpuSimResult, until: number): number[] {
  const out: number[] = [];
  for (const s of r.timeline) for (let t = s.start; t < s.end && t < until; t++) out[t] = s.job;
  return out;
}

describe('STCF', () => {
  it('a strictly shorter arrival preempts; an equal one does not', () => {
    const r = runExercise({ policy: 'stcf', jobs: [{ length: 10 }, { arrival: 2, length: 3 }] });
    expect(runsOf(r, 0)).toEqual([
      [0, 2],
      [5, 13],
    ]);
    expect(r.jobs.map((j) => [j.response, j.turnaround])).toEqual([
      [0, 13],
      [0, 3],
    ]);
    expect(r.jobs[0]!.preemptions).toBe(1);
    const tie = runExercise({ policy: 'stcf', jobs: [{ length: 10 }, { arrival: 2, length: 8 }] });
    expect(runsOf(tie, 0)).toEqual([[0, 10]]);
  });

  it('SJF never preempts a running job', () => {
    const r = runExercise({ policy: 'sjf', jobs: [{ length: 10 }, { arrival: 2, length: 3 }] });
    expect(runsOf(r, 1)).toEqual([[10, 13]]);
  });
});

describe('priority', () => {
  const starving = [
    { length: 1, priority: 3 },
    { length: 3, priority: 0 },
    { arrival: 3, length: 3, priority: 0 },
    { arrival: 6, length: 3, priority: 0 },
    { arrival: 9, length: 3, priority: 0 },
  ];

  it('without aging a stream of high-priority jobs starves the low one', () => {
    const r = runExercise({ policy: 'priority', jobs: starving });
    expect(runsOf(r, 0)).toEqual([[12, 13]]);
  });

  it('with aging (interval 2, step 1, floor 0) the waiting job reaches priority 0 at t=6 and runs before the arrival at 6', () => {
    // t=2: 3→2, t=4: 2→1, t=6: 1→0 (timer before the arrival at 6); it then wins the tie by enqueue order.
    const r = runExercise({ policy: 'priority', jobs: starving, priorityOptions: { agingInterval: 2 } });
    expect(runsOf(r, 0)).toEqual([[6, 7]]);
    expect(runsOf(r, 3)).toEqual([[7, 10]]);
    expect(runsOf(r, 4)).toEqual([[10, 13]]);
  });

  it('preemptive: a strictly better arrival preempts, the preempted job keeps its place among equals', () => {
    const jobs = [
      { length: 6, priority: 2 },
      { length: 4, priority: 2 },
      { arrival: 2, length: 2, priority: 1 },
    ];
    const np = runExercise({ policy: 'priority', jobs });
    expect(runsOf(np, 2)).toEqual([[6, 8]]);
    const p = runExercise({ policy: 'priority', jobs, priorityOptions: { preemptive: true } });
    expect(runsOf(p, 2)).toEqual([[2, 4]]);
    expect(runsOf(p, 0)).toEqual([
      [0, 2],
      [4, 8],
    ]);
    expect(runsOf(p, 1)).toEqual([[8, 12]]);
  });

  it('round-robin among equals with the quantum; a better job is not sliced with them', () => {
    const jobs = [
      { length: 4, priority: 1 },
      { length: 4, priority: 1 },
      { length: 2, priority: 0 },
    ];
    const r = runExercise({ policy: 'priority', jobs, quantum: 2, priorityOptions: { roundRobin: true } });
    expect(r.timeline.map((s) => [s.job, s.start, s.end])).toEqual([
      [2, 0, 2],
      [0, 2, 4],
      [1, 4, 6],
      [0, 6, 8],
      [1, 8, 10],
    ]);
  });
});

describe('CFS', () => {
  const hogAndSleeper = (gentleSleepers: boolean) =>
    simulateCpu({
      tasks: [{ length: 100 }, { bursts: [1, 10], waits: [20] }],
      policy: createCfsPolicy({ latency: 6, minGranularity: 1, wakeupGranularity: 1, startDebit: false, gentleSleepers }),
    });

  it('splits the latency period by weight and places a waking task at min_vruntime − latency/2', () => {
    // Both start at vruntime 0; A (id 0) runs its slice 6·1024/2048 = 3, then B runs 1 and sleeps
    // 20. A runs alone: at 24 its vruntime is 23 = min_vruntime, so B is placed at max(1, 23 − 3) = 20,
    // preempts (23 − 20 > wakeup_gran 1) and runs 3 units until the vruntimes tie at 23 (A wins by id).
    const r = hogAndSleeper(true);
    expect(runsOf(r, 1)).toEqual([
      [3, 4],
      [24, 27],
      [30, 33],
      [36, 39],
      [42, 43],
    ]);
    expect(runsOf(r, 0).slice(0, 3)).toEqual([
      [0, 3],
      [4, 24],
      [27, 30],
    ]);
  });

  it('without GENTLE_FAIR_SLEEPERS the sleeper is placed a whole latency back and runs 6 units first', () => {
    const r = hogAndSleeper(false);
    expect(runsOf(r, 1)[1]).toEqual([24, 30]);
  });

  it('START_DEBIT: simultaneous newcomers are debited one virtual slice at the queue size they see', () => {
    // A sees an empty queue: debit 6·1024/1024 = 6. B sees A: debit 6·1024/2048 = 3, so B runs first.
    const r = simulateCpu({ tasks: [{ length: 9 }, { length: 9 }], policy: createCfsPolicy({ latency: 6, minGranularity: 1, wakeupGranularity: 1 }) });
    expect(r.timeline.slice(0, 3).map((s) => [s.job, s.start, s.end])).toEqual([
      [1, 0, 3],
      [0, 3, 6],
      [1, 6, 9],
    ]);
  });

  it('shares one CPU by the nice weights: nice 0 vs nice 5 is 1024:335', () => {
    const r = simulateCpu({ tasks: [{ length: Infinity }, { length: Infinity, nice: 5 }], policy: createCfsPolicy(), until: 3_000_000 });
    const share = r.tasks[0]!.cpuTime / 3_000_000;
    expect(share).toBeCloseTo(1024 / (1024 + 335), 2);
  });

  it('uses every CPU and is fair per CPU: three hogs on two CPUs get 1/2, 1/2 and 1 (as Linux without migrations)', () => {
    const r = simulateCpu({ tasks: [{ length: Infinity }, { length: Infinity }, { length: Infinity }], policy: createCfsPolicy({ cpus: 2 }), cpus: 2, until: 600_000 });
    expect(r.busy).toEqual([600_000, 600_000]);
    expect(r.tasks.map((t) => t.cpuTime).sort((a, b) => a - b)).toEqual([300_000, 300_000, 600_000]);
  });

  it('balances: when tasks finish on one CPU, a queue two tasks longer gives one away', () => {
    // Tasks 0,2,4 land on CPU 0 and 1,3,5 on CPU 1; 1 and 3 finish quickly, leaving 3 vs 1.
    const tasks = [0, 1, 2, 3, 4, 5].map((i) => ({ length: i === 1 || i === 3 ? 1000 : 200_000 }));
    const r = simulateCpu({ tasks, policy: createCfsPolicy({ cpus: 2 }), cpus: 2, until: 150_000 });
    const unbalanced = simulateCpu({ tasks, policy: createCfsPolicy({ cpus: 2, balanceInterval: 10_000_000 }), cpus: 2, until: 150_000 });
    // Alone on CPU 1, task 5 gets almost all of it; balanced, the four long tasks get about 1/2 each.
    expect(unbalanced.tasks[5]!.cpuTime).toBeGreaterThan(140_000);
    for (const i of [0, 2, 4, 5]) expect(r.tasks[i]!.cpuTime).toBeGreaterThan(60_000);
    for (const i of [0, 2, 4, 5]) expect(r.tasks[i]!.cpuTime).toBeLessThan(90_000);
  });

  it('scales the tunables by 1 + ilog2(min(ncpus, 8))', async () => {
    const { cfsTunables } = await import('../src/index.js');
    expect(cfsTunables(1)).toEqual({ latency: 6000, minGranularity: 750, wakeupGranularity: 1000 });
    expect(cfsTunables(8)).toEqual({ latency: 24000, minGranularity: 3000, wakeupGranularity: 4000 });
    expect(cfsTunables(64, 1)).toEqual({ latency: 24, minGranularity: 3, wakeupGranularity: 4 });
  });
});

describe('Xen credit', () => {
  const ticks = { timeslice: 30, tick: 10, period: 30 };

  it('an UNDER task waking from I/O is BOOSTed and preempts an OVER hog at once', () => {
    // A and B start UNDER with 0 credit; A runs its 30-unit slice. Accounting at 30 gives each 15:
    // A (−30+15) is OVER, B (15) UNDER, so B runs at 30, sleeps 10, and wakes BOOSTed at 41 and 52.
    const r = simulateCpu({ tasks: [{ length: 1000 }, { bursts: [1, 1, 1], waits: [10, 10] }], policy: createCreditPolicy(ticks) });
    expect(runsOf(r, 1)).toEqual([
      [30, 31],
      [41, 42],
      [52, 53],
    ]);
    expect(r.tasks[0]!.completion).toBe(1003);
    // Off the CPU while runnable with something else next: at 30 (slice end), 41 and 52 (BOOST).
    expect(r.tasks[0]!.preemptions).toBe(3);
  });

  it('a cap of 50% parks a lone task after 15 of every 30 units', () => {
    const r = simulateCpu({ tasks: [{ length: 60, capPercent: 50 }], policy: createCreditPolicy(ticks) });
    expect(runsOf(r, 0)).toEqual([
      [0, 15],
      [30, 45],
      [60, 75],
      [90, 105],
    ]);
  });

  it('shares by weight: 256 vs 512 gives about 1/3 and 2/3', () => {
    const r = simulateCpu({ tasks: [{ length: Infinity }, { length: Infinity, creditWeight: 512 }], policy: createCreditPolicy(ticks), until: 30_000 });
    expect(r.tasks[1]!.cpuTime / 30_000).toBeCloseTo(2 / 3, 1);
  });

  it('reports priority and credit', () => {
    const p = createCreditPolicy(ticks);
    const e = createSchedEntity(0);
    p.enqueue(e, 0, 'arrival');
    expect(p.priorityOf(e)).toBe('under');
    expect(p.pickNext(0, 0)).toBe(e);
    p.account(e, 0, 12, 12);
    expect(p.creditOf(e)).toBe(-12);
  });
});

describe('lottery and stride', () => {
  it('lottery walks ids in order, accumulating tickets (lottery.py): draw 120 of 100/50/250 picks job 1', () => {
    const draws = [120, 0, 399];
    const p = createLotteryPolicy({ random: { int: () => draws.shift()! } });
    const es = [100, 50, 250].map((tickets, id) => createSchedEntity(id, { tickets }));
    for (const e of es) p.enqueue(e, 0, 'arrival');
    expect(p.pickNext(0, 0)?.id).toBe(1);
    p.putPrev(es[1]!, 0, 1, 'expired');
    expect(p.pickNext(0, 1)?.id).toBe(0);
    p.putPrev(es[0]!, 0, 2, 'expired');
    expect(p.pickNext(0, 2)?.id).toBe(2);
  });

  it('lottery shares follow tickets in the long run (3:1 → 75%)', () => {
    const r = runExercise({ policy: 'lottery', seed: 7, jobs: [{ length: 20000, tickets: 300 }, { length: 20000, tickets: 100 }] });
    const firstHalf = r.timeline.filter((s) => s.end <= 20000).reduce((a, s) => a + (s.job === 0 ? s.end - s.start : 0), 0);
    expect(firstHalf / 20000).toBeCloseTo(0.75, 1);
  });

  it('stride runs OSTEP Figure 9.3: A B C C C A C C with tickets 100/50/250', () => {
    const r = simulateCpu({ tasks: [100, 50, 250].map((tickets) => ({ length: 100, tickets })), policy: createStridePolicy() });
    expect(order(r, 8)).toEqual([0, 1, 2, 2, 2, 0, 2, 2]);
  });
});

describe('EDF', () => {
  it('an arrival with an earlier deadline preempts', () => {
    const r = runExercise({
      policy: 'edf',
      jobs: [
        { length: 4, deadline: 10 },
        { arrival: 1, length: 2, deadline: 4 },
        { arrival: 2, length: 3, deadline: 20 },
      ],
    });
    expect(r.timeline.map((s) => [s.job, s.start, s.end])).toEqual([
      [0, 0, 1],
      [1, 1, 3],
      [0, 3, 6],
      [2, 6, 9],
    ]);
    expect(r.jobs.map((j) => j.deadlineMissed)).toEqual([false, false, false]);
  });

  it('meets every periodic deadline at utilization ≤ 1 and misses some above 1', () => {
    const ok = simulateCpu({
      tasks: [
        { bursts: new Array<number>(10).fill(1), period: 2 },
        { bursts: new Array<number>(4).fill(2), period: 5 },
      ],
      policy: createEdfPolicy(),
    });
    expect(ok.tasks.map((t) => t.deadlineMisses)).toEqual([0, 0]);
    const over = simulateCpu({
      tasks: [
        { bursts: new Array<number>(8).fill(2), period: 3 },
        { bursts: new Array<number>(6).fill(2), period: 4 },
      ],
      policy: createEdfPolicy(),
    });
    expect(over.tasks[0]!.deadlineMisses + over.tasks[1]!.deadlineMisses).toBeGreaterThan(0);
  });
});

describe('policy contract misuse', () => {
  const all: [string, () => SchedPolicy][] = [
    ['fifo', () => createFifoPolicy()],
    ['sjf', () => createSjfPolicy()],
    ['stcf', () => createStcfPolicy()],
    ['rr', () => createRoundRobinPolicy({ quantum: 2 })],
    ['priority', () => createPriorityPolicy()],
    ['mlfq', () => createMlfqPolicy({ quanta: [2, 4] })],
    ['cfs', () => createCfsPolicy()],
    ['credit', () => createCreditPolicy()],
    ['lottery', () => createLotteryPolicy({ random: createSimulation({ seed: 1 }).rng('l') })],
    ['stride', () => createStridePolicy()],
    ['edf', () => createEdfPolicy()],
  ];

  it.each(all)('%s: dequeue withdraws a queued entity, and dequeuing one that is not queued throws E_INVALID_TRANSITION', (_name, make) => {
    const p = make();
    const a = createSchedEntity(0, { remaining: 5 });
    const b = createSchedEntity(1, { remaining: 7 });
    p.enqueue(a, 0, 'arrival');
    p.enqueue(b, 0, 'arrival');
    p.dequeue(a, 0);
    expect(p.pickNext(0, 0)).toBe(b);
    expect(p.pickNext(0, 0)).toBeUndefined();
    expect(() => p.dequeue(a, 0)).toThrow(expect.objectContaining({ code: 'E_INVALID_TRANSITION' }));
  });

  // The policies whose queue can tell a queued entity from a running one reject a second enqueue
  // and keep their queue intact (the heap-ordered ones share this in KeyOrderedPolicy).
  const checked = all.filter(([name]) => ['sjf', 'stcf', 'edf', 'stride', 'cfs', 'lottery'].includes(name));
  it.each(checked)('%s: enqueueing an entity that is already queued throws E_INVALID_TRANSITION and changes nothing', (_name, make) => {
    const p = make();
    const a = createSchedEntity(0, { remaining: 5, deadline: 5 });
    p.enqueue(a, 0, 'arrival');
    expect(() => p.enqueue(a, 0, 'wakeup')).toThrow(expect.objectContaining({ code: 'E_INVALID_TRANSITION' }));
    expect(p.pickNext(0, 0)).toBe(a);
    expect(p.pickNext(0, 0)).toBeUndefined();
  });

  it('rejects bad options with E_VALIDATION naming the option', () => {
    expect(() => createRoundRobinPolicy({ quantum: 0 })).toThrow(/quantum/);
    expect(() => createMlfqPolicy({ quanta: [] })).toThrow(/quanta/);
    expect(() => createMlfqPolicy({ quanta: [2, 2], allotments: [1] })).toThrow(/allotments/);
    expect(() => createPriorityPolicy({ aging: { interval: 0 } })).toThrow(/aging\.interval/);
    expect(() => createCfsPolicy({ latency: -1 })).toThrow(/latency/);
    expect(() => createCreditPolicy({ timeslice: 1.5 })).toThrow(/timeslice/);
  });
});
