// Test helpers: turn an exercise timeline into mlfq.py's per-tick form, and build mlfq exercises.
import type { ExerciseInput, ExerciseResult } from '../src/index.js';
import type { RefJob, RefOptions } from './reference/mlfq-py-reference.js';

/** Per-tick [job, OSTEP level] (level N−1 = highest), null for idle ticks, up to the makespan. */
export function perTick(result: ExerciseResult, levels: number): ([number, number] | null)[] {
  const ticks: ([number, number] | null)[] = new Array<[number, number] | null>(result.makespan).fill(null);
  for (const s of result.timeline) {
    for (let t = s.start; t < s.end; t++) {
      if (ticks[t] !== null) throw new Error(`tick ${t} ran twice`);
      ticks[t] = [s.job, levels - 1 - s.level!];
    }
  }
  return ticks;
}

/** The exercise input equivalent to an mlfq.py run. */
export function mlfqInput(jobs: readonly RefJob[], o: RefOptions): ExerciseInput {
  return {
    policy: 'mlfq',
    jobs: jobs.map((j) => ({ arrival: j.start, length: j.run, ioFreq: j.ioFreq })),
    mlfq: { quanta: o.quanta, allotments: o.allotments, boost: o.boost, ioTime: o.ioTime, stay: o.stay, ioBump: o.iobump },
  };
}

/** Parse mlfq.py's -l form "s,r,f:s,r,f". */
export function jobList(spec: string): RefJob[] {
  return spec.split(':').map((j) => {
    const [start, run, ioFreq] = j.split(',').map(Number);
    return { start: start!, run: run!, ioFreq: ioFreq! };
  });
}
