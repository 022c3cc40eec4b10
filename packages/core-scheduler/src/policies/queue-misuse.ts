// The one error a policy raises when its caller breaks the lifecycle contract (dequeue of an
// entity that is not queued, and the like): a typed InvalidTransitionError, never a silent no-op.
import { InvalidTransitionError } from '@strata/shared-types';

/** Error for `command` on entity `id` while it is in state `from`. */
export function queueMisuse(policy: string, id: number, from: string, command: string): InvalidTransitionError {
  return new InvalidTransitionError(from, command, { policy, entity: id });
}
