import { describe, expect, it } from 'vitest';
import { EXERCISE_POLICIES, runExercise } from '../src/index.js';
import type { ExerciseInput } from '../src/index.js';

const segs = (r: { timeline: readonly { start: number; end: number; job: number }[] }) => r.timeline.map((s) => [s.job, s.start, s.end]);

describe('runExercise input validation', () => {
  const bad: [string, ExerciseInput, RegExp][] = [
    ['unknown policy', { policy: 'sjrf' as never, jobs: [{ length: 1 }] }, /policy.*fifo\|sjf\|stcf\|rr/],
    ['quantum 0', { policy: 'rr', jobs: [{ length: 1 }], quantum: 0 }, /quantum/],
    ['negative quantum', { policy: 'rr', jobs: [{ length: 1 }], quantum: -2 }, /quantum/],
    ['length 0', { policy: 'fifo', jobs: [{ length: 0 }] }, /jobs\[0\]\.length/],
    ['negative length', { policy: 'sjf', jobs: [{ length: 3 }, { length: -1 }] }, /jobs\[1\]\.length/],
    ['float length under mlfq', { policy: 'mlfq', jobs: [{ length: 1.5 }] }, /jobs\[0\]\.length.*positive integer/],
    ['float length under cfs', { policy: 'cfs', jobs: [{ length: 1.5 }] }, /jobs\[0\]\.length/],
    ['float length with I/O', { policy: 'rr', jobs: [{ length: 1.5, ioFreq: 1 }] }, /jobs\[0\]\.length/],
    ['no jobs', { policy: 'fifo', jobs: [] }, /jobs/],
    ['negative arrival', { policy: 'fifo', jobs: [{ length: 2, arrival: -1 }] }, /jobs\[0\]\.arrival/],
    ['fractional ioFreq', { policy: 'mlfq', jobs: [{ length: 2, ioFreq: 0.5 }] }, /jobs\[0\]\.ioFreq/],
    ['allotment 0', { policy: 'mlfq', jobs: [{ length: 2 }], mlfq: { quanta: [1, 2], allotments: [0, 1] } }, /mlfq\.allotments\[0\]/],
    ['negative boost', { policy: 'mlfq', jobs: [{ length: 2 }], mlfq: { boost: -1 } }, /mlfq\.boost/],
    ['negative ioTime', { policy: 'mlfq', jobs: [{ length: 2 }], mlfq: { ioTime: -1 } }, /mlfq\.ioTime/],
    ['cpus 0', { policy: 'fifo', jobs: [{ length: 2 }], cpus: 0 }, /cpus/],
    ['nice 20', { policy: 'cfs', jobs: [{ length: 2, nice: 20 }] }, /jobs\[0\]\.nice/],
    ['tickets 0', { policy: 'lottery', jobs: [{ length: 2, tickets: 0 }] }, /jobs\[0\]\.tickets/],
    ['affinity out of range', { policy: 'fifo', jobs: [{ length: 2, affinity: [1] }] }, /jobs\[0\]\.affinity/],
  ];
  it.each(bad)('%s: E_VALIDATION naming the field', (_name, input, message) => {
    expect(() => runExercise(input)).toThrow(message);
    expect(() => runExercise(input)).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }));
  });
});

describe('every policy in exercise ticks', () => {
  it.each(EXERCISE_POLICIES.map((p) => [p]))('%s finishes every job with its whole length', (policy) => {
    const r = runExercise({ policy, jobs: [{ length: 5 }, { length: 10, ioFreq: 3 }, { arrival: 4, length: 15 }] });
    expect(r.jobs.map((j) => j.cpuTime)).toEqual([5, 10, 15]);
    expect(r.makespan).toBeGreaterThanOrEqual(30);
    expect(r.policy).toBe(policy);
  });

  it('cfs: 1 tick = 1 ms, sched_latency 6 ticks; START_DEBIT lets the second of two equal jobs start', () => {
    const r = runExercise({ policy: 'cfs', jobs: [{ length: 6 }, { length: 6 }] });
    expect(segs(r)).toEqual([
      [1, 0, 3],
      [0, 3, 6],
      [1, 6, 9],
      [0, 9, 12],
    ]);
  });

  it('credit: 30-tick slices and accounting every 30 ticks', () => {
    // At 30 accounting gives 15 each: J0 (−15) is OVER, J1 UNDER and runs. At 60 J1's slice ends
    // first (it queues as UNDER), then accounting makes both UNDER (0) in that order, so J1 goes on.
    const r = runExercise({ policy: 'credit', jobs: [{ length: 40 }, { length: 40 }] });
    expect(segs(r)).toEqual([
      [0, 0, 30],
      [1, 30, 70],
      [0, 70, 80],
    ]);
  });

  it('edf reports missed deadlines', () => {
    const r = runExercise({ policy: 'edf', jobs: [{ length: 4, deadline: 3 }, { length: 2, deadline: 8 }] });
    expect(r.jobs.map((j) => j.deadlineMissed)).toEqual([true, false]);
  });

  it('several CPUs: utilization per CPU and a level only for mlfq', () => {
    const r = runExercise({ policy: 'rr', cpus: 2, quantum: 2, jobs: [{ length: 4 }, { length: 4 }, { length: 4 }] });
    expect(r.utilization.length).toBe(2);
    expect(r.utilization.reduce((a, b) => a + b, 0) * r.makespan).toBe(12);
    expect(r.timeline.every((s) => !('level' in s))).toBe(true);
  });

  it('a context-switch cost delays the next job', () => {
    const r = runExercise({ policy: 'fifo', contextSwitch: 2, jobs: [{ length: 3 }, { length: 3 }] });
    expect(r.jobs.map((j) => [j.response, j.turnaround, j.wait])).toEqual([
      [0, 3, 0],
      [5, 8, 5],
    ]);
  });
});
