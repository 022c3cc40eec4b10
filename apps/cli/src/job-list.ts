// The `--jobs` syntax of `strata sched`: either plain lengths all arriving at 0
// (scheduler.py's `-l 5,10,15`) or mlfq.py's `start,run,ioFreq` jobs joined by ':'.

import type { ExerciseJob } from '@strata/core-scheduler';
import { invalid, showValue } from './parse-numbers.js';

/** The most jobs a list may hold (the core's EXERCISE_LIMITS.maxJobs; a test keeps them equal). */
export const MAX_JOBS = 10_000;

/** What `--jobs` accepts, as error messages state it. */
export const JOB_LIST_FORMS = 'lengths like 5,10,15 or start,run,ioFreq jobs like 0,180,0:100,20,0';

/** Which of the two forms a job list was written in. */
export type JobListForm = 'lengths' | 'jobs';

/** A parsed job list: its form and one job per entry, in id order. */
export interface ParsedJobList {
  readonly form: JobListForm;
  readonly jobs: readonly ExerciseJob[];
}

const INTEGER = /^\d+$/;
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parse a job list. A list containing ':' is in the `start,run,ioFreq` form (a single such job
 * may be written with a trailing ':', e.g. `0,180,0:`); otherwise it is comma-separated lengths,
 * all arriving at 0. With `jobsFirst` (mlfq, whose mlfq.py `-l` knows only the job form), a
 * list of exactly three fields without ':' is one `start,run,ioFreq` job, as mlfq.py reads it.
 * `decimals` allows non-integer lengths (fifo, sjf, rr, as scheduler.py).
 * Throws a ValidationError naming `name` and both accepted forms.
 */
export function parseJobList(name: string, text: string, options: { decimals: boolean; jobsFirst?: boolean }): ParsedJobList {
  const fail = (why: string): never => {
    throw invalid(name, JOB_LIST_FORMS, text, ` (${why})`);
  };
  if (text.trim() === '') fail('the list is empty');
  const count = text.includes(':') ? text.replace(/:\s*$/, '').split(':').length : text.split(',').length;
  if (count > MAX_JOBS) throw invalid(name, `at most ${MAX_JOBS} jobs`, `${count} jobs`);
  if (options.jobsFirst === true && !text.includes(':') && text.split(',').length === 3) {
    return parseJobList(name, `${text}:`, options);
  }

  if (!text.includes(':')) {
    const fields = text.split(',');
    const hint = fields.length === 3 ? `; a single start,run,ioFreq job is written with a trailing ':', e.g. "${text.trim()}:"` : '';
    const jobs = fields.map((field, i): ExerciseJob => {
      const trimmed = field.trim();
      if (trimmed === '') return fail(`length ${i + 1} is empty`);
      const ok = options.decimals ? DECIMAL.test(trimmed) : INTEGER.test(trimmed);
      const length = Number(trimmed);
      if (ok && Number.isFinite(length) && length > Number.MAX_SAFE_INTEGER) {
        return fail(`length ${i + 1} ${showValue(trimmed)} is past ${Number.MAX_SAFE_INTEGER} (2^53 - 1), the largest tick counted exactly`);
      }
      if (!ok || !Number.isFinite(length) || length <= 0 || (!options.decimals && !Number.isSafeInteger(length))) {
        const expected = options.decimals ? 'a positive number' : 'a positive integer';
        const decimalHint = !options.decimals && DECIMAL.test(trimmed) && Number(trimmed) > 0 ? '; decimal lengths work with fifo, sjf and rr only' : '';
        return fail(`length ${i + 1} ${showValue(trimmed)} is not ${expected}${decimalHint}${hint}`);
      }
      return { arrival: 0, length };
    });
    return { form: 'lengths', jobs };
  }

  const entries = text.split(':');
  if (entries.length > 1 && entries[entries.length - 1]?.trim() === '') entries.pop(); // one trailing ':'
  const jobs = entries.map((entry, id): ExerciseJob => {
    if (entry.trim() === '') return fail(`job ${id} is empty`);
    const fields = entry.split(',').map((f) => f.trim());
    if (fields.length !== 3) {
      return fail(`job ${id} ${showValue(entry)} has ${fields.length} field${fields.length === 1 ? '' : 's'}; with ':' every job is start,run,ioFreq`);
    }
    const [start, run, ioFreq] = fields.map((field, f): number => {
      const label = ['start', 'run', 'ioFreq'][f] ?? 'field';
      const value = INTEGER.test(field) ? Number(field) : Number.NaN;
      const min = f === 1 ? 1 : 0;
      if (value > Number.MAX_SAFE_INTEGER) {
        return fail(`job ${id} ${label} ${showValue(field)} is past ${Number.MAX_SAFE_INTEGER} (2^53 - 1), the largest tick counted exactly`);
      }
      if (!Number.isSafeInteger(value) || value < min) {
        return fail(`job ${id} ${label} ${showValue(field)} is not a ${min === 1 ? 'positive' : 'non-negative'} integer`);
      }
      return value;
    }) as [number, number, number];
    return ioFreq > 0 ? { arrival: start, length: run, ioFreq } : { arrival: start, length: run };
  });
  return { form: 'jobs', jobs };
}
