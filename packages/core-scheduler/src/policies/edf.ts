// Earliest deadline first: one global queue ordered by the absolute deadline of each entity's
// current job (ties to the lower id); by default an arrival with an earlier deadline preempts.
import type { SchedEntity } from '../entity.js';
import type { SchedPolicy } from '../policy.js';
import { KeyOrderedPolicy } from './key-ordered.js';

/** Options of `createEdfPolicy`. */
export interface EdfOptions {
  /** An arrival or wake-up with a strictly earlier deadline preempts (default true). */
  readonly preemptive?: boolean;
}

/** EDF over `SchedEntity.deadline` (read when the entity is enqueued); entities without a deadline run last. */
export function createEdfPolicy(options: EdfOptions = {}): SchedPolicy {
  return new KeyOrderedPolicy('edf', deadlineOf, options.preemptive ?? true);
}

function deadlineOf(e: SchedEntity): number {
  return e.deadline;
}
