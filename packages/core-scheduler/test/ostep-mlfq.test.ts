import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runExercise } from '../src/index.js';
import { jobList, mlfqInput, perTick } from './exercise-timeline.js';
import type { RefJob, RefOptions } from './reference/mlfq-py-reference.js';
import { mlfqPyReference } from './reference/mlfq-py-reference.js';

const base: RefOptions = { quanta: [10, 10, 10], allotments: [1, 1, 1], boost: 0, ioTime: 5, stay: false, iobump: false };

function both(jobs: RefJob[], o: RefOptions) {
  const ref = mlfqPyReference(jobs, o);
  const ours = runExercise(mlfqInput(jobs, o));
  return { ref, ours, ticks: perTick(ours, o.quanta.length) };
}

function expectSame(jobs: RefJob[], o: RefOptions): void {
  const { ref, ours, ticks } = both(jobs, o);
  expect(ticks).toEqual(ref.timeline);
  expect(ours.jobs.map((j) => j.response)).toEqual(ref.response);
  expect(ours.jobs.map((j) => j.turnaround)).toEqual(ref.turnaround);
  expect(ours.jobs.map((j) => j.firstRun)).toEqual(ref.firstRun);
  expect(ours.jobs.map((j) => j.completion)).toEqual(ref.endTime);
  expect(ours.jobs.map((j) => j.ioCount)).toEqual(ref.ioCount);
  expect(ours.jobs.map((j) => j.wait)).toEqual(ref.readyWait);
}

/** Expand "job@level x count" runs into per-tick entries (OSTEP levels). */
function ticks(...runs: [number | null, number, number][]): ([number, number] | null)[] {
  const out: ([number, number] | null)[] = [];
  for (const [job, level, count] of runs) for (let k = 0; k < count; k++) out.push(job === null ? null : [job, level]);
  return out;
}

describe('mlfq.py worked example (§2.7): -n 2 -q 3 -a 2 -i 2 -B 15 -l 0,12,4:2,6,0', () => {
  const jobs = jobList('0,12,4:2,6,0');
  const o: RefOptions = { quanta: [3, 3], allotments: [2, 2], boost: 15, ioTime: 2, stay: false, iobump: false };
  const expected = ticks([0, 1, 3], [1, 1, 3], [0, 1, 1], [1, 1, 3], [0, 1, 2], [0, 0, 2], [null, 0, 2], [0, 1, 4]);

  it('gives J0 response 0 turnaround 20 and J1 response 1 turnaround 8', () => {
    const r = runExercise(mlfqInput(jobs, o));
    expect(r.jobs.map((j) => [j.response, j.turnaround])).toEqual([
      [0, 20],
      [1, 8],
    ]);
    expect(r.avg).toEqual({ response: 0.5, turnaround: 14, wait: (4 + 2) / 2 });
    expect(r.jobs.map((j) => j.ioCount)).toEqual([2, 0]);
  });

  it('runs the tick-by-tick timeline the document describes', () => {
    expect(perTick(runExercise(mlfqInput(jobs, o)), 2)).toEqual(expected);
  });

  it('agrees with the literal reference model, which also reproduces the document', () => {
    expect(mlfqPyReference(jobs, o).timeline).toEqual(expected);
    expectSame(jobs, o);
  });

  it('reports merged segments with level 0 = highest', () => {
    const r = runExercise(mlfqInput(jobs, o));
    expect(r.timeline).toEqual([
      { start: 0, end: 3, cpu: 0, job: 0, level: 0 },
      { start: 3, end: 6, cpu: 0, job: 1, level: 0 },
      { start: 6, end: 7, cpu: 0, job: 0, level: 0 },
      { start: 7, end: 10, cpu: 0, job: 1, level: 0 },
      { start: 10, end: 12, cpu: 0, job: 0, level: 0 },
      { start: 12, end: 14, cpu: 0, job: 0, level: 1 },
      { start: 16, end: 20, cpu: 0, job: 0, level: 0 },
    ]);
    expect(r.makespan).toBe(20);
    expect(r.utilization).toEqual([18 / 20]);
  });
});

describe('mlfq.py boost (§2.3): -n 3 -q 2 -a 1 -B 8 -l 0,20,0:0,20,0:0,20,0', () => {
  const jobs = jobList('0,20,0:0,20,0:0,20,0');
  const o: RefOptions = { quanta: [2, 2, 2], allotments: [1, 1, 1], boost: 8, ioTime: 5, stay: false, iobump: false };

  it('puts the lowest level first in the top queue, so J0 runs at ticks 8-9 at the top', () => {
    const t = perTick(runExercise(mlfqInput(jobs, o)), 3);
    expect(t.slice(0, 8)).toEqual(ticks([0, 2, 2], [1, 2, 2], [2, 2, 2], [0, 1, 2]));
    expect(t.slice(8, 14)).toEqual(ticks([0, 2, 2], [1, 2, 2], [2, 2, 2]));
    expectSame(jobs, o);
  });
});

describe('mlfq.py same-instant rules and quirks', () => {
  it('allotment counts quanta: quantum 2 with allotment 3 keeps a job 6 ticks at the top', () => {
    const o: RefOptions = { ...base, quanta: [2, 5], allotments: [3, 1] };
    const t = perTick(runExercise(mlfqInput(jobList('0,10,0'), o)), 2);
    expect(t).toEqual(ticks([0, 1, 6], [0, 0, 4]));
  });

  it('issues I/O at multiples of ioFreq except at completion (runTime 10, ioFreq 5: one I/O)', () => {
    const r = runExercise(mlfqInput(jobList('0,10,5'), base));
    expect(r.jobs[0]!.ioCount).toBe(1);
    expect(r.jobs[0]!.turnaround).toBe(15);
    expectSame(jobList('0,10,5'), base);
  });

  it('with ioTime 0 a job is back in a queue at the very next tick', () => {
    const o: RefOptions = { ...base, ioTime: 0 };
    const r = runExercise(mlfqInput(jobList('0,6,2'), o));
    expect(r.jobs[0]!.turnaround).toBe(6);
    expect(r.jobs[0]!.ioCount).toBe(2);
    expectSame(jobList('0,6,2'), o);
  });

  it('-S "still demoted": an I/O on the last tick of the slice refills, then spends the allotment', () => {
    const o: RefOptions = { ...base, quanta: [3, 3], allotments: [1, 1], ioTime: 0, stay: true };
    expect(perTick(runExercise(mlfqInput(jobList('0,9,3'), o)), 2)).toEqual(ticks([0, 1, 3], [0, 0, 6]));
    expectSame(jobList('0,9,3'), o);
    // With a quantum of 4 the I/O (every 3 ticks) never meets a slice end: -S keeps it at the top.
    const o4: RefOptions = { ...o, quanta: [4, 4] };
    expect(perTick(runExercise(mlfqInput(jobList('0,9,3'), o4)), 2)).toEqual(ticks([0, 1, 9]));
  });

  it('without -S, sliceLeft survives I/O, and expiry during I/O demotes the job while it waits', () => {
    const o: RefOptions = { ...base, quanta: [4, 4], allotments: [1, 1], ioTime: 1 };
    // Ticks used 0-1 (I/O at 2, back at 3), slice left 2: 3-4 ends the slice exactly at the
    // second I/O (4 ticks used), so the job is demoted while in I/O and returns at level 0.
    const t = perTick(runExercise(mlfqInput(jobList('0,8,2'), o)), 2);
    expect(t).toEqual(ticks([0, 1, 2], [null, 0, 1], [0, 1, 2], [null, 0, 1], [0, 0, 2], [null, 0, 1], [0, 0, 2]));
    expectSame(jobList('0,8,2'), o);
  });

  it('a job rotated by slice expiry goes ahead of a job arriving at the same instant', () => {
    const o: RefOptions = { ...base, quanta: [2], allotments: [1] };
    const t = perTick(runExercise(mlfqInput(jobList('0,6,0:2,2,0'), o)), 1);
    expect(t).toEqual(ticks([0, 0, 4], [1, 0, 2], [0, 0, 2]));
    expectSame(jobList('0,6,0:2,2,0'), o);
  });

  it('an arrival goes ahead of an I/O completion at the same instant, unless -I', () => {
    const jobs = jobList('0,3,1:2,2,0:0,10,0');
    const o: RefOptions = { ...base, quanta: [10], allotments: [1], ioTime: 1 };
    // J0 runs tick 0 and does I/O until 2; J2 runs from 1; at 2 J1 arrives, then J0 returns.
    expect(perTick(runExercise(mlfqInput(jobs, o)), 1)).toEqual(ticks([0, 0, 1], [2, 0, 10], [1, 0, 2], [0, 0, 1], [null, 0, 1], [0, 0, 1]));
    expectSame(jobs, o);
    // With -I the returning J0 goes to the front and preempts J2, which keeps its slice.
    const bump: RefOptions = { ...o, iobump: true };
    const t = perTick(runExercise(mlfqInput(jobs, bump)), 1);
    expect(t.slice(0, 4)).toEqual(ticks([0, 0, 1], [2, 0, 1], [0, 0, 1], [null, 0, 0], [0, 0, 0]).concat(ticks([2, 0, 1])));
    expectSame(jobs, bump);
  });

  it('-I: the preempted job moves to second place and resumes its partly used slice', () => {
    const jobs = jobList('0,4,2:0,20,0');
    const bump: RefOptions = { ...base, quanta: [10], allotments: [1], ioTime: 1, iobump: true };
    const r = runExercise(mlfqInput(jobs, bump));
    expect(perTick(r, 1)).toEqual(ticks([0, 0, 2], [1, 0, 1], [0, 0, 2], [1, 0, 19]));
    expect(r.jobs.map((j) => j.completion)).toEqual([5, 24]);
    expect(r.jobs[1]!.preemptions).toBe(1);
    const plain = runExercise(mlfqInput(jobs, { ...bump, iobump: false }));
    expect(plain.jobs.map((j) => j.completion)).toEqual([14, 24]);
    expectSame(jobs, bump);
  });

  it('boosts during idle ticks, and boosts jobs that are doing I/O or not yet arrived', () => {
    const jobs = jobList('0,8,0:12,6,3');
    const o: RefOptions = { quanta: [2, 2], allotments: [1, 1], boost: 5, ioTime: 3, stay: false, iobump: false };
    expectSame(jobs, o);
    const t = perTick(runExercise(mlfqInput(jobs, o)), 2);
    expect(t.slice(8, 12)).toEqual(ticks([null, 0, 4]));
  });

  it('uses mlfq.py defaults (3 queues, quantum 10, allotment 1, ioTime 5) when mlfq options are absent', () => {
    const jobs = jobList('0,30,7:3,25,0:5,12,4');
    const r = runExercise({ policy: 'mlfq', jobs: jobs.map((j) => ({ arrival: j.start, length: j.run, ioFreq: j.ioFreq })) });
    const ref = mlfqPyReference(jobs, base);
    expect(perTick(r, 3)).toEqual(ref.timeline);
    expect(r.jobs.map((j) => j.turnaround)).toEqual(ref.turnaround);
    // --queues 2 --quantum 4 is -n 2 -q 4.
    const r2 = runExercise({ policy: 'mlfq', quantum: 4, mlfq: { queues: 2 }, jobs: jobs.map((j) => ({ arrival: j.start, length: j.run, ioFreq: j.ioFreq })) });
    expect(perTick(r2, 2)).toEqual(mlfqPyReference(jobs, { ...base, quanta: [4, 4], allotments: [1, 1] }).timeline);
  });

  it('rejects a quantum or an allotment ≤ 0 and mismatched list lengths, naming the field', () => {
    const jobs = [{ length: 5 }];
    expect(() => runExercise({ policy: 'mlfq', jobs, mlfq: { quanta: [3, 0] } })).toThrow(/mlfq\.quanta\[1\]/);
    expect(() => runExercise({ policy: 'mlfq', jobs, mlfq: { quanta: [3, 3], allotments: [1, 0] } })).toThrow(/mlfq\.allotments\[1\]/);
    expect(() => runExercise({ policy: 'mlfq', jobs, mlfq: { quanta: [3, 3], allotments: [1] } })).toThrow(/mlfq\.allotments/);
    expect(() => runExercise({ policy: 'mlfq', jobs: [{ length: 2.5 }] })).toThrow(/jobs\[0\]\.length/);
  });
});

const refJob = fc.record({
  start: fc.integer({ min: 0, max: 15 }),
  run: fc.integer({ min: 1, max: 25 }),
  ioFreq: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 7 })),
});

const refOptions = fc.integer({ min: 1, max: 4 }).chain((levels) =>
  fc.record({
    quanta: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: levels, maxLength: levels }),
    allotments: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: levels, maxLength: levels }),
    boost: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 })),
    ioTime: fc.integer({ min: 0, max: 6 }),
    stay: fc.boolean(),
    iobump: fc.boolean(),
  }),
);

describe('mlfq against the literal reference model (random job lists and options)', () => {
  it('matches tick by tick: job and level, response, turnaround, wait, I/O count', () => {
    fc.assert(
      fc.property(fc.array(refJob, { minLength: 1, maxLength: 5 }), refOptions, (jobs, o) => {
        expectSame(jobs, o);
      }),
      { numRuns: 3000 },
    );
  });
});
