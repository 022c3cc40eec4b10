// Input checks of the topology model's commands and queries; each throws ValidationError naming the field.
import { ValidationError } from '@strata/shared-types';
import { MAX_PORT, MIN_PORT, PROTOCOLS, type Protocol } from '../ports/index.js';
import { MAX_LATENCY_US, MAX_LINK_CAPACITY, type LinkProfile } from './link-profile.js';

/** `value` is a string matching `re`; else ValidationError at `path` stating `accepted`. */
export function checkName(value: unknown, re: RegExp, path: string, accepted: string): void {
  if (typeof value !== 'string' || !re.test(value)) {
    throw new ValidationError(`${path} must be ${accepted}; got ${JSON.stringify(value)}`, { path, accepted, given: value });
  }
}

/** `value` is an integer in min..max; returns it. */
export function checkInt(value: unknown, min: number, max: number, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(`${path} must be an integer in ${min}..${max}; got ${String(value)}`, { path, accepted: `integer ${min}..${max}`, given: value });
  }
  return value;
}

/** `value` is a boolean; returns it. */
export function checkBool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw new ValidationError(`${path} must be true or false; got ${JSON.stringify(value)}`, { path, accepted: 'boolean', given: value });
  return value;
}

/** `p` is a link profile with capacity 1..MAX_LINK_CAPACITY and latency 0..MAX_LATENCY_US; returns a copy. */
export function checkProfile(p: LinkProfile, path: string): LinkProfile {
  if (typeof p !== 'object' || p === null) throw new ValidationError(`${path} must be { capacity, latency }; got ${JSON.stringify(p)}`, { path, given: p });
  return { capacity: checkInt(p.capacity, 1, MAX_LINK_CAPACITY, `${path}.capacity`), latency: checkInt(p.latency, 0, MAX_LATENCY_US, `${path}.latency`) };
}

/** `port` is an integer in MIN_PORT..MAX_PORT. */
export function checkPort(port: unknown, path: string): void {
  checkInt(port, MIN_PORT, MAX_PORT, path);
}

/** `protocol` is one of PROTOCOLS. */
export function checkProtocol(protocol: unknown): void {
  if (!PROTOCOLS.includes(protocol as Protocol)) {
    throw new ValidationError(`protocol must be one of ${PROTOCOLS.join(', ')}; got ${JSON.stringify(protocol)}`, { path: 'protocol', accepted: PROTOCOLS, given: protocol });
  }
}
