// What a host or hypervisor checks of a guest handed to it by a caller (plain JavaScript included):
// an object with the `GuestCpus` members, so a wrong value is a ValidationError naming the field and
// what is accepted rather than a TypeError from deep inside the first call.
import { ValidationError } from '@strata/shared-types';
import { fail, isPlainObject } from '../input-checks.js';
import type { GuestCpus } from './types.js';

const GUEST_METHODS = ['now', 'connect', 'setCpuCapacity', 'nextEventTime', 'advanceTo'] as const;
const ACCEPTED = `a GuestCpus (an object { cpus, ${GUEST_METHODS.map((m) => `${m}()`).join(', ')} }, as createSchedulerGuest returns)`;

/** Throw ValidationError (naming `field`, and `vm` in its details) unless `guest` has the members of `GuestCpus`. */
export function checkGuestCpus(guest: unknown, vm: string, field = 'guest'): asserts guest is GuestCpus {
  if (!isPlainObject(guest)) fail(field, ACCEPTED, guest, { vm });
  const missing = GUEST_METHODS.filter((m) => typeof guest[m] !== 'function');
  if (missing.length > 0) {
    throw new ValidationError(`${field} must be ${ACCEPTED}, got an object without ${missing.map((m) => `${m}()`).join(', ')}`, { path: field, field, vm, missing, accepted: ACCEPTED });
  }
  if (typeof guest.cpus !== 'number' || !Number.isInteger(guest.cpus) || guest.cpus < 1) fail(`${field}.cpus`, 'a whole number ≥ 1', guest.cpus, { vm });
}
