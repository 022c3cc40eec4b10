// The work budget and the shortcuts that keep runs inside it: the lone-job fast-forward and the
// skipped empty picks change no result (checked against the per-slice path on random workloads),
// the estimate never exceeds the steps a run really takes, and an over-budget run is refused
// before it starts or stopped with no result.
import fc from 'fast-check';
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
  createSjfPolicy,
  createStcfPolicy,
  createStridePolicy,
  DEFAULT_MAX_STEPS,
  estimateExercise,
  EXERCISE_POLICIES,
  isWorkBudgetError,
  runExercise,
  simulateCpu,
} from '../src/index.js';
import type { ExerciseInput, ExercisePolicy, PolicyContext, RunProgress, SchedPolicy } from '../src/index.js';
import { runExerciseWith } from '../src/exercise/run-exercise.js';

type Factory = (ctx: PolicyContext) => SchedPolicy;
const factories: Record<string, Factory> = {
  fifo: () => createFifoPolicy(),
  sjf: () => createSjfPolicy(),
  stcf: () => createStcfPolicy(),
  rr: () => createRoundRobinPolicy({ quantum: 3 }),
  'rr q=1': () => createRoundRobinPolicy({ quantum: 1 }),
  priority: () => createPriorityPolicy({ preemptive: true, quantum: 3, aging: { interval: 7 } }),
  'priority rr': () => createPriorityPolicy({ quantum: 2 }),
  mlfq: () => createMlfqPolicy({ quanta: [2, 4, 3], allotments: [2, 1, 3], boost: 41, ioBump: true }),
  'mlfq no boost': () => createMlfqPolicy({ quanta: [1, 2], allotments: [3, 4], stay: true }),
  cfs: ({ cpus }) => createCfsPolicy({ cpus, latency: 6, minGranularity: 1, wakeupGranularity: 1, balanceInterval: 4 }),
  credit: ({ cpus }) => createCreditPolicy({ cpus, timeslice: 6, tick: 2, period: 6 }),
  lottery: ({ sim }) => createLotteryPolicy({ random: sim.rng('lottery'), quantum: 2 }),
  stride: ({ cpus }) => createStridePolicy({ cpus, quantum: 2 }),
  edf: () => createEdfPolicy(),
};

// Arrivals far apart and long jobs, so that lone stretches are common.
const task = (cpus: number) =>
  fc.record({
    arrival: fc.integer({ min: 0, max: 300 }),
    length: fc.integer({ min: 1, max: 120 }),
    ioFreq: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 40 })),
    ioTime: fc.integer({ min: 0, max: 30 }),
    priority: fc.integer({ min: 0, max: 3 }),
    nice: fc.integer({ min: -3, max: 3 }),
    tickets: fc.integer({ min: 1, max: 100 }),
    deadline: fc.integer({ min: 1, max: 400 }),
    affinity: fc.option(fc.uniqueArray(fc.integer({ min: 0, max: cpus - 1 }), { minLength: 1, maxLength: cpus }), { nil: undefined }),
  });

const simCase = fc.integer({ min: 1, max: 3 }).chain((cpus) =>
  fc.record({
    cpus: fc.constant(cpus),
    policy: fc.constantFrom(...Object.keys(factories)),
    tasks: fc.array(task(cpus), { minLength: 1, maxLength: 5 }),
    contextSwitch: fc.integer({ min: 0, max: 2 }),
  }),
);

describe('shortcuts change no result', () => {
  it('simulateCpu: the same tasks, timeline, counters and slices with and without shortcuts, in fewer steps', () => {
    fc.assert(
      fc.property(simCase, ({ cpus, policy, tasks, contextSwitch }) => {
        const fast = simulateCpu({ tasks, policy: factories[policy]!, cpus, contextSwitch });
        const slow = simulateCpu({ tasks, policy: factories[policy]!, cpus, contextSwitch, shortcuts: false });
        expect({ ...fast, steps: 0 }).toEqual({ ...slow, steps: 0 });
        expect(fast.steps).toBeLessThanOrEqual(slow.steps);
      }),
      { numRuns: 600 },
    );
  });

  it('a lone job under every fast-forwarding policy: identical results in a handful of steps', () => {
    for (const policy of ['rr', 'rr q=1', 'priority rr', 'mlfq', 'mlfq no boost', 'lottery', 'stride', 'cfs']) {
      const tasks = [{ length: 100_003 }, { arrival: 200_000, length: 7 }];
      const fast = simulateCpu({ tasks, policy: factories[policy]!, cpus: 2 });
      const slow = simulateCpu({ tasks, policy: factories[policy]!, cpus: 2, shortcuts: false });
      const alone = simulateCpu({ tasks, policy: factories[policy]!, cpus: 1 });
      expect({ ...alone, steps: 0 }, policy).toEqual({ ...simulateCpu({ tasks, policy: factories[policy]!, cpus: 1, shortcuts: false }), steps: 0 });
      if (policy === 'cfs') expect(alone.steps).toBeLessThan(40);
      expect({ ...fast, steps: 0 }, policy).toEqual({ ...slow, steps: 0 });
      // mlfq with a boost every 41 ticks still stops at each boost, and cfs on 2 CPUs balances every
      // 4 ticks, less than its 6-tick slice (nothing to skip); the others need a few steps.
      expect(fast.steps, policy).toBeLessThanOrEqual(policy === 'cfs' ? slow.steps : policy === 'mlfq' ? slow.steps / 2 : 40);
    }
  });

  it('runExercise: identical results with and without shortcuts for every policy', () => {
    const job = fc.record({
      arrival: fc.integer({ min: 0, max: 200 }),
      length: fc.integer({ min: 1, max: 90 }),
      ioFreq: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 })),
      priority: fc.integer({ min: 0, max: 2 }),
      nice: fc.integer({ min: -5, max: 5 }),
      weight: fc.integer({ min: 64, max: 1024 }),
      tickets: fc.integer({ min: 1, max: 300 }),
      deadline: fc.integer({ min: 1, max: 300 }),
    });
    const input: fc.Arbitrary<ExerciseInput> = fc.record({
      policy: fc.constantFrom(...EXERCISE_POLICIES),
      jobs: fc.array(job, { minLength: 1, maxLength: 5 }),
      quantum: fc.integer({ min: 1, max: 7 }),
      cpus: fc.integer({ min: 1, max: 3 }),
      seed: fc.integer({ min: 0, max: 1000 }),
      ioTime: fc.integer({ min: 0, max: 20 }),
      mlfq: fc.record({
        quanta: fc.constantFrom([2, 3, 4], [1], [5, 1]),
        allotments: fc.constant(undefined),
        boost: fc.integer({ min: 0, max: 60 }),
        ioTime: fc.integer({ min: 0, max: 20 }),
        stay: fc.boolean(),
        ioBump: fc.boolean(),
      }),
      priorityOptions: fc.record({ preemptive: fc.boolean(), roundRobin: fc.boolean(), agingInterval: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }) }),
    });
    fc.assert(
      fc.property(input, (raw) => {
        const levels = raw.mlfq!.quanta!.length;
        const exercise = { ...raw, mlfq: { ...raw.mlfq, allotments: Array.from({ length: levels }, (_, i) => 1 + ((i * 2) % 3)) } };
        const fast = runExerciseWith(exercise, undefined, true);
        const slow = runExerciseWith(exercise, undefined, false);
        expect({ ...fast, steps: 0 }).toEqual({ ...slow, steps: 0 });
      }),
      { numRuns: 500 },
    );
  });
});

const POLICY_INPUTS = fc.constantFrom<ExercisePolicy>(...EXERCISE_POLICIES);

describe('the estimate is a lower bound', () => {
  it('never exceeds the steps a run really takes, for every policy', () => {
    const job = fc.record({
      arrival: fc.integer({ min: 0, max: 100 }),
      length: fc.integer({ min: 1, max: 200 }),
      ioFreq: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50 })),
      priority: fc.integer({ min: 0, max: 2 }),
    });
    fc.assert(
      fc.property(
        POLICY_INPUTS,
        fc.array(job, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 8 }),
        fc.boolean(),
        (policy, jobs, cpus, quantum, ioTime, roundRobin) => {
          const input: ExerciseInput = {
            policy,
            jobs,
            cpus,
            ioTime,
            ...(policy === 'mlfq' ? { mlfq: { quanta: [quantum, 2 * quantum], boost: 25, ioTime } } : { quantum }),
            ...(policy === 'priority' ? { priorityOptions: { roundRobin, agingInterval: 9 } } : {}),
          };
          const estimate = estimateExercise(input);
          const run = runExercise(input);
          expect(estimate.steps).toBeLessThanOrEqual(run.steps!);
          expect(estimate.steps).toBeGreaterThan(0);
        },
      ),
      { numRuns: 600 },
    );
  });
});

describe('the work budget', () => {
  const budgetError = (fn: () => unknown): { when: string; steps: number; maxSteps: number; remedies: readonly string[]; message: string } => {
    try {
      fn();
    } catch (error) {
      if (isWorkBudgetError(error)) return { ...error.details, message: error.message };
      throw error;
    }
    throw new Error('expected a work-budget error');
  };

  it('a lone job of 99,999,999,999 ticks finishes at once under every policy that can skip its slices, with exact numbers', () => {
    for (const policy of ['fifo', 'sjf', 'stcf', 'rr', 'priority', 'mlfq', 'lottery', 'stride', 'cfs', 'edf'] as const) {
      const r = runExercise({ policy, jobs: [{ length: 99_999_999_999 }] });
      expect(r.jobs[0]!.completion, policy).toBe(99_999_999_999);
      expect(r.jobs[0]!.turnaround, policy).toBe(99_999_999_999);
      expect(r.steps!, policy).toBeLessThan(20);
    }
    const mlfq = runExercise({ policy: 'mlfq', jobs: [{ length: 99_999_999_999 }] });
    expect(mlfq.timeline.map((s) => [s.start, s.end, s.level])).toEqual([
      [0, 10, 0],
      [10, 20, 1],
      [20, 99_999_999_999, 2],
    ]);
  });

  it('refuses before it starts what the estimate shows to be too big, naming the cause and the remedies', () => {
    const two = [{ length: 99_999_999_999 }, { length: 99_999_999_999 }];
    const rr = budgetError(() => runExercise({ policy: 'rr', jobs: two }));
    expect(rr.when).toBe('estimate');
    expect(rr.maxSteps).toBe(DEFAULT_MAX_STEPS);
    expect(rr.steps).toBeGreaterThanOrEqual(99_999_999_999);
    expect(rr.remedies).toEqual(['maxSteps', 'quantum', 'jobs']);
    expect(rr.message).toMatch(/needs at least 100,000,000,00\d steps \(2 jobs share the CPU/);
    for (const policy of ['cfs', 'credit', 'stride', 'lottery', 'mlfq'] as const) {
      expect(budgetError(() => runExercise({ policy, jobs: two })).when, policy).toBe('estimate');
    }
    // A lone job under credit, whose timer fires every 10 ticks; cfs on 2 CPUs balances every 16.
    expect(budgetError(() => runExercise({ policy: 'credit', jobs: [{ length: 99_999_999_999 }] })).message).toMatch(/the credit tick every 10 ticks/);
    expect(budgetError(() => runExercise({ policy: 'cfs', cpus: 2, jobs: [{ length: 99_999_999_999 }] })).message).toMatch(/the load balancer every 16 ticks/);
    // A lone cfs job with a nice value whose vruntime step is not exact in binary is sliced: the
    // estimate cannot know, so the budget stops it.
    expect(budgetError(() => runExercise({ policy: 'cfs', jobs: [{ length: 99_999_999_999, nice: 3 }] })).when).toBe('exhausted');
    const boost = budgetError(() => runExercise({ policy: 'mlfq', jobs: [{ length: 99_999_999_999 }], mlfq: { boost: 5 } }));
    expect(boost.remedies).toContain('boost');
    expect(boost.message).toMatch(/a priority boost every 5 ticks/);
    const io = budgetError(() => runExercise({ policy: 'rr', jobs: [{ length: 99_999_999_999, ioFreq: 1 }] }));
    expect(io.message).toMatch(/CPU bursts/);
    // The sliced cfs case runs its whole default budget: a few seconds alone, more beside other tests.
  }, 180_000);

  it('stops a run the estimate cannot foresee when its budget runs out, with no result', () => {
    // Three jobs on two CPUs under cfs: far more slices than the lower bound.
    const input: ExerciseInput = { policy: 'cfs', cpus: 2, jobs: [{ length: 20_000 }, { length: 20_000 }, { length: 20_000 }] };
    const estimate = estimateExercise(input).steps;
    const stopped = budgetError(() => runExercise(input, { maxSteps: estimate + 10 }));
    expect(stopped.when).toBe('exhausted');
    expect(stopped.steps).toBeGreaterThan(estimate + 10);
    expect(stopped.message, stopped.message).toMatch(/\d ticks simulated, [123] of 3 jobs unfinished\) and was stopped; no result was produced/);
    expect(runExercise(input).steps).toBeGreaterThan(estimate + 10);
  });

  it('reports progress with growing fractions and stays silent without a listener', () => {
    const seen: RunProgress[] = [];
    const r = runExercise({ policy: 'rr', jobs: [{ length: 30_000 }, { length: 20_000 }] }, { onProgress: (p) => seen.push(p), progressEvery: 5_000 });
    expect(r.steps).toBeGreaterThan(40_000);
    expect(seen.length).toBeGreaterThanOrEqual(8);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.fraction).toBeGreaterThanOrEqual(seen[i - 1]!.fraction);
      expect(seen[i]!.steps).toBeGreaterThan(seen[i - 1]!.steps);
    }
    expect(seen.every((p) => p.fraction >= 0 && p.fraction <= 1 && p.maxSteps === DEFAULT_MAX_STEPS)).toBe(true);
  });

  it('rejects a budget out of range', () => {
    for (const maxSteps of [0, -1, 1.5, Number.NaN, 2e12, Infinity]) {
      expect(() => runExercise({ policy: 'fifo', jobs: [{ length: 1 }] }, { maxSteps }), String(maxSteps)).toThrow(/maxSteps.*expected an integer from 1 to 1,000,000,000,000/);
    }
  });

  it('rejects numbers whose derived horizon would pass 2^53 - 1, and numbers out of range', () => {
    expect(() => runExercise({ policy: 'fifo', jobs: [{ length: Number.MAX_SAFE_INTEGER }, { length: 5 }] })).toThrow(/past 9,007,199,254,740,991 \(2\^53 - 1\)/);
    expect(() => runExercise({ policy: 'fifo', jobs: [{ length: Number.MAX_SAFE_INTEGER + 2 }] })).toThrow(/jobs\[0\]\.length/);
    expect(() => runExercise({ policy: 'rr', jobs: [{ length: 5, arrival: Number.MAX_SAFE_INTEGER }] })).toThrow(/horizon|past/);
    expect(() => runExercise({ policy: 'cfs', cpus: 100_000, jobs: [{ length: 5 }] })).toThrow(/cpus 100000: expected an integer from 1 to 1024/);
    expect(() => runExercise({ policy: 'lottery', jobs: [{ length: 5, tickets: 2_000_000 }] })).toThrow(/tickets/);
    expect(() => runExercise({ policy: 'mlfq', jobs: [{ length: 5 }], mlfq: { queues: 65 } })).toThrow(/mlfq\.queues/);
    expect(() => runExercise({ policy: 'fifo', jobs: Array.from({ length: 10_001 }, () => ({ length: 1 })) })).toThrow(/1 to 10000 jobs/);
  });
});
