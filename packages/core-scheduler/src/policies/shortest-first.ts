// Shortest-job-first (non-preemptive) and shortest-time-to-completion-first (preemptive): one
// global queue ordered by remaining CPU demand, ties to the lower id (OSTEP's stable sort).
import type { SchedEntity } from '../entity.js';
import type { SchedPolicy } from '../policy.js';
import { KeyOrderedPolicy } from './key-ordered.js';

/** SJF: run the queued entity with the least `remaining` to completion; never preempts. */
export function createSjfPolicy(): SchedPolicy {
  return new KeyOrderedPolicy('sjf', remainingOf, false);
}

/**
 * STCF: like SJF, but an arrival or wake-up whose `remaining` is strictly less than the running
 * entity's remaining time preempts it.
 */
export function createStcfPolicy(): SchedPolicy {
  return new KeyOrderedPolicy('stcf', remainingOf, true);
}

function remainingOf(e: SchedEntity): number {
  return e.remaining;
}
