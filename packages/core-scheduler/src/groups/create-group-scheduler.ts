// The factory of the group scheduling API (group-scheduler.ts): picks the model of a fidelity.
import { ValidationError } from '@strata/shared-types';
import { ExactGroupScheduler } from './exact-group-scheduler.js';
import { FluidGroupScheduler } from './fluid-group-scheduler.js';
import type { GroupScheduler, GroupSchedulerOptions } from './group-scheduler.js';

/** Build a group scheduler of the given fidelity. Throws ValidationError on bad options. */
export function createGroupScheduler(opts: GroupSchedulerOptions): GroupScheduler {
  const fidelity = opts.fidelity ?? 'exact';
  if (fidelity === 'exact') return new ExactGroupScheduler(opts);
  if (fidelity === 'fluid') return new FluidGroupScheduler(opts);
  throw new ValidationError(`invalid fidelity ${JSON.stringify(fidelity)}: expected "exact" or "fluid"`, {
    path: 'fidelity',
    value: fidelity,
    accepted: ['exact', 'fluid'],
  });
}
