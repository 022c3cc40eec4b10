import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runExercise } from '../src/index.js';
import type { ExerciseResult } from '../src/index.js';
import { schedulerPyReference } from './reference/scheduler-py-reference.js';

const lengthsOf = (ls: readonly number[]) => ls.map((length) => ({ length }));

function expectScript(policy: 'fifo' | 'sjf' | 'rr', lengths: number[], quantum = 1): ExerciseResult {
  const ours = runExercise({ policy, jobs: lengthsOf(lengths), quantum });
  const ref = schedulerPyReference(policy.toUpperCase() as 'FIFO' | 'SJF' | 'RR', lengths, quantum);
  expect(ours.jobs.map((j) => [j.response, j.turnaround, j.wait])).toEqual(ref.jobs.map((j) => [j.response, j.turnaround, j.wait]));
  expect(ours.avg).toEqual(ref.avg);
  return ours;
}

describe('scheduler.py FIFO and SJF', () => {
  it('FIFO runs jobs in id order back to back (OSTEP homework -l 200,200,200)', () => {
    const r = expectScript('fifo', [200, 200, 200]);
    expect(r.jobs.map((j) => [j.response, j.turnaround, j.wait])).toEqual([
      [0, 200, 0],
      [200, 400, 200],
      [400, 600, 400],
    ]);
    expect(r.avg).toEqual({ response: 200, turnaround: 400, wait: 200 });
  });

  it('SJF sorts by length, stable: equal lengths keep id order', () => {
    const r = expectScript('sjf', [300, 100, 200, 100]);
    expect(r.jobs.map((j) => j.response)).toEqual([400, 0, 200, 100]);
    expect(r.timeline.map((s) => s.job)).toEqual([1, 3, 2, 0]);
  });

  it('accepts float lengths and does the same double arithmetic, in execution order', () => {
    expectScript('fifo', [0.1, 0.2, 0.3, 2.5]);
    const r = expectScript('sjf', [2.5, 1.1, 0.7, 0.1, 0.2]);
    expect(r.jobs[0]!.turnaround).toBe(0.1 + 0.2 + 0.7 + 1.1 + 2.5);
  });
});

describe('scheduler.py RR', () => {
  it('RR with quantum 4 on 10,7,3 (finishing mid-slice frees the CPU at once)', () => {
    const r = expectScript('rr', [10, 7, 3], 4);
    expect(r.jobs.map((j) => [j.response, j.turnaround, j.wait])).toEqual([
      [0, 20, 10],
      [4, 18, 11],
      [8, 11, 8],
    ]);
  });

  it('a job whose remaining time equals the quantum finishes in that slice', () => {
    const r = expectScript('rr', [5, 5], 5);
    expect(r.jobs.map((j) => j.completion)).toEqual([5, 10]);
    expect(r.jobs.map((j) => j.preemptions)).toEqual([0, 0]);
  });

  it('response_k = k·q when every job is longer than q', () => {
    const r = expectScript('rr', [50, 60, 70, 80], 3);
    expect(r.jobs.map((j) => j.response)).toEqual([0, 3, 6, 9]);
  });

  it('a lone job is one merged segment; --json shape of the issue', () => {
    const r = runExercise({ policy: 'rr', jobs: [{ length: 5 }] });
    expect(r).toMatchObject({
      policy: 'rr',
      jobs: [{ id: 0, arrival: 0, length: 5, firstRun: 0, completion: 5, response: 0, turnaround: 5, wait: 0 }],
      avg: { response: 0, turnaround: 5, wait: 0 },
      timeline: [{ start: 0, end: 5, cpu: 0, job: 0 }],
    });
    expect(r.timeline[0]).not.toHaveProperty('level');
  });

  it('float lengths give bit-identical doubles', () => {
    expectScript('rr', [2.5, 0.3, 1.7, 0.1], 1);
    expectScript('rr', [10.1, 7.7, 3.3], 4);
  });
});

const intLengths = fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 12 });
const floatLengths = fc.array(
  fc.oneof(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0.01, max: 40, noNaN: true, noDefaultInfinity: true })),
  { minLength: 1, maxLength: 10 },
);

describe('FIFO, SJF and RR against the literal scheduler.py model (random)', () => {
  it('integer lengths', () => {
    fc.assert(
      fc.property(fc.constantFrom<'fifo' | 'sjf' | 'rr'>('fifo', 'sjf', 'rr'), intLengths, fc.integer({ min: 1, max: 10 }), (p, ls, q) => {
        expectScript(p, ls, q);
      }),
      { numRuns: 600 },
    );
  });

  it('float lengths', () => {
    fc.assert(
      fc.property(fc.constantFrom<'fifo' | 'sjf' | 'rr'>('fifo', 'sjf', 'rr'), floatLengths, fc.integer({ min: 1, max: 6 }), (p, ls, q) => {
        expectScript(p, ls, q);
      }),
      { numRuns: 600 },
    );
  });
});

describe('cross-checks of §5 for the policies the scripts lack', () => {
  const perJob = (r: ExerciseResult) => r.jobs.map((j) => [j.response, j.turnaround, j.wait]);

  it('STCF with every arrival at 0 equals SJF, ties to the lower id', () => {
    fc.assert(
      fc.property(intLengths, (ls) => {
        expect(perJob(runExercise({ policy: 'stcf', jobs: lengthsOf(ls) }))).toEqual(perJob(runExercise({ policy: 'sjf', jobs: lengthsOf(ls) })));
      }),
      { numRuns: 400 },
    );
  });

  it('priority with priority = length (lower first, no preemption) equals SJF', () => {
    fc.assert(
      fc.property(intLengths, fc.boolean(), (ls, preemptive) => {
        const jobs = ls.map((length) => ({ length, priority: length }));
        const pr = runExercise({ policy: 'priority', jobs, priorityOptions: { preemptive } });
        expect(perJob(pr)).toEqual(perJob(runExercise({ policy: 'sjf', jobs: lengthsOf(ls) })));
      }),
      { numRuns: 400 },
    );
  });

  it('MLFQ with one queue of quantum q, no I/O, no boost, all starts at 0 is RR with quantum q', () => {
    const mlfq = runExercise({ policy: 'mlfq', jobs: lengthsOf([10, 7, 3]), mlfq: { quanta: [4], allotments: [1] } });
    expect(perJob(mlfq)).toEqual([
      [0, 20, 10],
      [4, 18, 11],
      [8, 11, 8],
    ]);
    fc.assert(
      fc.property(intLengths, fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 4 }), (ls, q, a) => {
        const m = runExercise({ policy: 'mlfq', jobs: lengthsOf(ls), mlfq: { quanta: [q], allotments: [a] } });
        const rr = runExercise({ policy: 'rr', jobs: lengthsOf(ls), quantum: q });
        expect(perJob(m)).toEqual(perJob(rr));
        expect(m.timeline.map(({ start, end, job }) => ({ start, end, job }))).toEqual(rr.timeline.map(({ start, end, job }) => ({ start, end, job })));
      }),
      { numRuns: 400 },
    );
  });
});
