// Hand-made exercise results (worked out from the OSTEP rules) for testing the presentation
// code without the simulator.

import type { ExerciseInput, ExerciseJobResult, ExerciseResult, ExerciseSegment } from '@strata/core-scheduler';

function job(id: number, arrival: number, length: number, firstRun: number, completion: number, wait: number, ioCount = 0): ExerciseJobResult {
  return { id, arrival, length, firstRun, completion, response: firstRun - arrival, turnaround: completion - arrival, wait, ioCount, contextSwitches: 0, preemptions: 0 };
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function result(policy: ExerciseResult['policy'], jobs: ExerciseJobResult[], timeline: ExerciseSegment[], cpus = 1): ExerciseResult {
  const makespan = Math.max(...jobs.map((j) => j.completion));
  const utilization = Array.from({ length: cpus }, (_, cpu) => timeline.filter((s) => s.cpu === cpu).reduce((a, s) => a + s.end - s.start, 0) / makespan);
  return {
    policy,
    jobs,
    avg: { response: mean(jobs.map((j) => j.response)), turnaround: mean(jobs.map((j) => j.turnaround)), wait: mean(jobs.map((j) => j.wait)) },
    timeline,
    makespan,
    utilization,
    fairness: 0.8,
  };
}

/** FIFO on 5,10,15 (scheduler.py -p FIFO -l 5,10,15). */
export const FIFO_INPUT: ExerciseInput = { policy: 'fifo', jobs: [{ arrival: 0, length: 5 }, { arrival: 0, length: 10 }, { arrival: 0, length: 15 }] };
export const FIFO_RESULT = result(
  'fifo',
  [job(0, 0, 5, 0, 5, 0), job(1, 0, 10, 5, 15, 5), job(2, 0, 15, 15, 30, 15)],
  [
    { start: 0, end: 5, cpu: 0, job: 0 },
    { start: 5, end: 15, cpu: 0, job: 1 },
    { start: 15, end: 30, cpu: 0, job: 2 },
  ],
);

/** SJF on 10,5 with decimals: 2.5 runs first. */
export const SJF_INPUT: ExerciseInput = { policy: 'sjf', jobs: [{ arrival: 0, length: 10 }, { arrival: 0, length: 2.5 }] };
export const SJF_RESULT = result(
  'sjf',
  [job(0, 0, 10, 2.5, 12.5, 2.5), job(1, 0, 2.5, 0, 2.5, 0)],
  [
    { start: 0, end: 2.5, cpu: 0, job: 1 },
    { start: 2.5, end: 12.5, cpu: 0, job: 0 },
  ],
);

/** The OSTEP mlfq.py worked example: -n 2 -q 3 -a 2 -i 2 -B 15 -l 0,12,4:2,6,0 (level 0 = highest). */
export const MLFQ_INPUT: ExerciseInput = {
  policy: 'mlfq',
  jobs: [{ arrival: 0, length: 12, ioFreq: 4 }, { arrival: 2, length: 6 }],
  ioTime: 2,
  mlfq: { quanta: [3, 3], allotments: [2, 2], boost: 15, ioTime: 2, stay: false, ioBump: false },
};
export const MLFQ_RESULT = result(
  'mlfq',
  [job(0, 0, 12, 0, 20, 4, 2), job(1, 2, 6, 3, 10, 2)],
  [
    { start: 0, end: 3, cpu: 0, job: 0, level: 0 },
    { start: 3, end: 6, cpu: 0, job: 1, level: 0 },
    { start: 6, end: 7, cpu: 0, job: 0, level: 0 },
    { start: 7, end: 10, cpu: 0, job: 1, level: 0 },
    { start: 10, end: 12, cpu: 0, job: 0, level: 0 },
    { start: 12, end: 14, cpu: 0, job: 0, level: 1 },
    { start: 16, end: 20, cpu: 0, job: 0, level: 0 },
  ],
);

/** Two CPUs, four jobs of 4 ticks each (RR q=2), with an idle tail on CPU 1. */
export const TWO_CPU_RESULT = result(
  'rr',
  [job(0, 0, 4, 0, 6, 2), job(1, 0, 4, 0, 6, 2), job(2, 0, 4, 2, 8, 4), job(3, 0, 2, 2, 4, 2)],
  [
    { start: 0, end: 2, cpu: 0, job: 0 },
    { start: 0, end: 2, cpu: 1, job: 1 },
    { start: 2, end: 4, cpu: 0, job: 2 },
    { start: 2, end: 4, cpu: 1, job: 3 },
    { start: 4, end: 6, cpu: 0, job: 0 },
    { start: 4, end: 6, cpu: 1, job: 1 },
    { start: 6, end: 8, cpu: 0, job: 2 },
  ],
  2,
);
