// Invariants every policy must keep, checked on random workloads: CPU time is conserved, no job
// runs before it arrives or on two CPUs at once, no CPU runs two jobs at once, work-conserving
// policies never idle while work waits, and both simulator drivers agree exactly.
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
  EXERCISE_POLICIES,
  runExercise,
  simulateCpu,
} from '../src/index.js';
import type { ExerciseInput, ExercisePolicy, PolicyContext, SchedPolicy, Segment } from '../src/index.js';

interface JobView {
  readonly arrival: number;
  readonly length: number;
  readonly ioFreq: number;
  readonly affinity?: readonly number[];
}

/** Check the run invariants on a timeline; ioTime is the same for every job. */
function checkRun(jobs: readonly JobView[], timeline: readonly Segment[], cpus: number, ioTime: number, completion: readonly number[], workConserving: boolean): void {
  const end = Math.max(0, ...completion);
  const running: number[][] = [];
  for (let t = 0; t < end; t++) running.push(new Array<number>(cpus).fill(-1));
  const used = jobs.map(() => 0);
  const blocked: [number, number][][] = jobs.map(() => []);
  for (const s of [...timeline].sort((a, b) => a.start - b.start)) {
    const j = jobs[s.job]!;
    expect(s.end).toBeGreaterThan(s.start);
    expect(s.start).toBeGreaterThanOrEqual(j.arrival);
    expect(s.end).toBeLessThanOrEqual(completion[s.job]!);
    if (j.affinity !== undefined) expect(j.affinity).toContain(s.cpu);
    for (let t = s.start; t < s.end; t++) {
      expect(running[t]![s.cpu], `CPU ${s.cpu} runs two jobs at ${t}`).toBe(-1);
      expect(running[t]!.includes(s.job), `job ${s.job} on two CPUs at ${t}`).toBe(false);
      running[t]![s.cpu] = s.job;
      used[s.job]!++;
      if (j.ioFreq > 0 && used[s.job]! % j.ioFreq === 0 && used[s.job]! < j.length) blocked[s.job]!.push([t + 1, t + 1 + ioTime]);
    }
  }
  // Conservation: every job received exactly its demand.
  expect(used).toEqual(jobs.map((j) => j.length));
  if (!workConserving) return;
  for (let t = 0; t < end; t++) {
    const row = running[t]!;
    for (let c = 0; c < cpus; c++) {
      if (row[c] !== -1) continue;
      const waiting = jobs.findIndex(
        (j, i) =>
          j.arrival <= t &&
          t < completion[i]! &&
          !row.includes(i) &&
          !blocked[i]!.some(([a, b]) => a <= t && t < b) &&
          (j.affinity === undefined || j.affinity.includes(c)),
      );
      expect(waiting, `CPU ${c} idle at ${t} while job ${waiting} waits`).toBe(-1);
    }
  }
}

const exerciseJob = fc.record({
  arrival: fc.integer({ min: 0, max: 10 }),
  length: fc.integer({ min: 1, max: 20 }),
  ioFreq: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4 })),
  priority: fc.integer({ min: 0, max: 4 }),
  nice: fc.integer({ min: -5, max: 5 }),
  weight: fc.integer({ min: 64, max: 1024 }),
  tickets: fc.integer({ min: 1, max: 300 }),
  deadline: fc.integer({ min: 1, max: 60 }),
});

const exerciseInput: fc.Arbitrary<ExerciseInput> = fc.record({
  policy: fc.constantFrom(...EXERCISE_POLICIES),
  jobs: fc.array(exerciseJob, { minLength: 1, maxLength: 6 }),
  quantum: fc.integer({ min: 1, max: 5 }),
  cpus: fc.integer({ min: 1, max: 3 }),
  seed: fc.integer({ min: 0, max: 1000 }),
  ioTime: fc.integer({ min: 0, max: 3 }),
  mlfq: fc.record({
    quanta: fc.constant([2, 3, 4]),
    allotments: fc.constant([1, 2, 1]),
    boost: fc.integer({ min: 0, max: 12 }),
    ioTime: fc.integer({ min: 0, max: 3 }),
    stay: fc.boolean(),
    ioBump: fc.boolean(),
  }),
  priorityOptions: fc.record({ preemptive: fc.boolean(), roundRobin: fc.boolean(), agingInterval: fc.integer({ min: 1, max: 6 }) }),
});

describe('run invariants for every exercise policy', () => {
  it('conservation, arrival, exclusivity, work conservation, and the wait identity', () => {
    fc.assert(
      fc.property(exerciseInput, (input) => {
        const r = runExercise(input);
        const ioTime = input.policy === 'mlfq' ? input.mlfq!.ioTime! : input.ioTime!;
        checkRun(input.jobs.map((j) => ({ arrival: j.arrival!, length: j.length, ioFreq: j.ioFreq! })), r.timeline, input.cpus!, ioTime, r.jobs.map((j) => j.completion), true);
        for (const j of r.jobs) {
          expect(j.response).toBeGreaterThanOrEqual(0);
          expect(j.cpuTime).toBe(j.length);
          expect(j.wait).toBe(j.turnaround - j.length - j.ioCount * ioTime);
        }
        expect(r.makespan).toBe(Math.max(...r.jobs.map((j) => j.completion)));
      }),
      { numRuns: 400 },
    );
  });
});

type Factory = (ctx: PolicyContext) => SchedPolicy;
const factories: Record<ExercisePolicy, Factory> = {
  fifo: () => createFifoPolicy(),
  sjf: () => createSjfPolicy(),
  stcf: () => createStcfPolicy(),
  rr: () => createRoundRobinPolicy({ quantum: 2 }),
  priority: () => createPriorityPolicy({ preemptive: true, quantum: 3, aging: { interval: 5 } }),
  mlfq: () => createMlfqPolicy({ quanta: [2, 4], allotments: [2, 1], boost: 17, ioBump: true }),
  cfs: ({ cpus }) => createCfsPolicy({ cpus, latency: 6, minGranularity: 1, wakeupGranularity: 1, balanceInterval: 4 }),
  credit: ({ cpus }) => createCreditPolicy({ cpus, timeslice: 6, tick: 2, period: 6 }),
  lottery: ({ sim }) => createLotteryPolicy({ random: sim.rng('lottery'), quantum: 2 }),
  stride: ({ cpus }) => createStridePolicy({ cpus, quantum: 2 }),
  edf: () => createEdfPolicy(),
};

const simTask = (cpus: number) =>
  fc.record({
    arrival: fc.integer({ min: 0, max: 12 }),
    length: fc.integer({ min: 1, max: 25 }),
    ioFreq: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 })),
    ioTime: fc.integer({ min: 0, max: 4 }),
    priority: fc.integer({ min: 0, max: 3 }),
    nice: fc.integer({ min: -3, max: 3 }),
    tickets: fc.integer({ min: 1, max: 100 }),
    deadline: fc.integer({ min: 1, max: 80 }),
    affinity: fc.option(fc.uniqueArray(fc.integer({ min: 0, max: cpus - 1 }), { minLength: 1, maxLength: cpus }), { nil: undefined }),
  });

const simCase = fc.integer({ min: 1, max: 3 }).chain((cpus) =>
  fc.record({
    cpus: fc.constant(cpus),
    policy: fc.constantFrom(...EXERCISE_POLICIES),
    tasks: fc.array(simTask(cpus), { minLength: 1, maxLength: 6 }),
    contextSwitch: fc.integer({ min: 0, max: 2 }),
  }),
);

describe('the exact simulator with affinity, I/O and context switches', () => {
  it('keeps the invariants with affinity masks (work conservation counts only allowed CPUs)', () => {
    fc.assert(
      fc.property(simCase, ({ cpus, policy, tasks }) => {
        // Per-task I/O times differ here, so check with each task's own ioTime by running one at a time is
        // not possible; use a common ioTime instead.
        const common = tasks.map((t) => ({ ...t, ioTime: 2 }));
        const r = simulateCpu({ tasks: common, policy: factories[policy], cpus });
        checkRun(common, r.timeline, cpus, 2, r.tasks.map((t) => t.completion!), true);
        expect(r.busy.reduce((a, b) => a + b, 0)).toBe(common.reduce((a, t) => a + t.length, 0));
      }),
      { numRuns: 400 },
    );
  });

  it('gives identical results with one core-sim event per slice and with the tight loop', () => {
    fc.assert(
      fc.property(simCase, ({ cpus, policy, tasks, contextSwitch }) => {
        const tight = simulateCpu({ tasks, policy: factories[policy], cpus, contextSwitch });
        const evented = simulateCpu({ tasks, policy: factories[policy], cpus, contextSwitch, driver: 'event-per-slice' });
        expect({ ...evented, events: 0, steps: 0 }).toEqual({ ...tight, events: 0, steps: 0 });
        expect(evented.events).toBeGreaterThan(tight.events);
      }),
      { numRuns: 400 },
    );
  });

  it('charges context switches to the CPU and to the waiting job, never to the run', () => {
    fc.assert(
      fc.property(simCase, ({ cpus, policy, tasks, contextSwitch }) => {
        const r = simulateCpu({ tasks, policy: factories[policy], cpus, contextSwitch });
        for (const t of r.tasks) {
          expect(t.cpuTime).toBe(t.length);
          expect(t.wait).toBeCloseTo(t.turnaround! - t.cpuTime - t.blockedTime, 9);
        }
        const switches = r.tasks.reduce((a, t) => a + t.contextSwitches, 0);
        expect(r.switching.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(switches * contextSwitch);
      }),
      { numRuns: 300 },
    );
  });
});

describe('determinism', () => {
  const input: ExerciseInput = { policy: 'lottery', seed: 42, jobs: [{ length: 40, tickets: 10 }, { length: 40, tickets: 30 }, { length: 40, tickets: 60 }] };

  it('the same seed gives the same timeline; another seed gives another one', () => {
    const a = JSON.stringify(runExercise(input));
    expect(JSON.stringify(runExercise(input))).toBe(a);
    expect(JSON.stringify(runExercise({ ...input, seed: 43 }))).not.toBe(a);
  });

  it('every policy is deterministic', () => {
    for (const policy of EXERCISE_POLICIES) {
      const i: ExerciseInput = { policy, cpus: 2, jobs: [{ length: 9, ioFreq: 2 }, { arrival: 3, length: 7 }, { length: 12, ioFreq: 5 }] };
      expect(JSON.stringify(runExercise(i))).toBe(JSON.stringify(runExercise(i)));
    }
  });
});
