// What a host or hypervisor checks of a guest handed to it by a caller (plain JavaScript included):
// an object with the `GuestCpus` members, so a wrong value is a ValidationError naming the field and
// what is accepted rather than a TypeError from deep inside the first call.
import { ValidationError } from '@strata/shared-types';
import type { GuestCpus } from './types.js';

const GUEST_METHODS = ['now', 'connect', 'setCpuCapacity', 'nextEventTime', 'advanceTo'] as const;
const ACCEPTED = 'a GuestCpus (for example createSchedulerGuest({ cpus, fidelity }))';

/** Throw ValidationError (`field`, `where` in the message) unless `guest` has the members of `GuestCpus`. */
export function checkGuestCpus(guest: unknown, where: string, field = 'guest'): asserts guest is GuestCpus {
  if (typeof guest !== 'object' || guest === null) {
    throw new ValidationError(`${where}: ${field} is required: ${ACCEPTED}, got ${guest === null ? 'null' : typeof guest}`, { path: field, value: guest });
  }
  const g = guest as Record<string, unknown>;
  const missing = GUEST_METHODS.filter((m) => typeof g[m] !== 'function');
  if (missing.length > 0) {
    throw new ValidationError(`${where}: ${field} lacks ${missing.join(', ')}: expected ${ACCEPTED}`, { path: field, value: missing });
  }
  if (typeof g.cpus !== 'number' || !Number.isInteger(g.cpus) || g.cpus < 1) {
    throw new ValidationError(`${where}: ${field}.cpus must be a whole number ≥ 1, got ${String(g.cpus)}`, { path: `${field}.cpus`, value: g.cpus });
  }
}

/** Throw ValidationError unless `value` is a plain object (an options or spec argument). */
export function checkObject(value: unknown, where: string, accepted: string): asserts value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new ValidationError(`${where} must be an object (${accepted}), got ${got}`, { path: where, value });
  }
}
