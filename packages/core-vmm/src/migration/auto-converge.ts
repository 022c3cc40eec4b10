// QEMU's auto-converge as a pure step, shared by the analytic model and the simulated migration:
// a sync period whose dirtied bytes exceed 50% of the bytes sent counts once; every second count
// starts the vCPU throttle at 20% or raises it by 10, up to 99% (QEMU migration/ram.c).
import { shownValue, ValidationError } from '@strata/shared-types';

/** QEMU's `throttle-trigger-threshold` default: dirtied > 50% of sent counts. */
export const QEMU_THROTTLE_TRIGGER_PERCENT = 50;
/** QEMU's `cpu-throttle-initial` default, percent. */
export const QEMU_CPU_THROTTLE_INITIAL = 20;
/** QEMU's `cpu-throttle-increment` default, percent. */
export const QEMU_CPU_THROTTLE_INCREMENT = 10;
/** QEMU's `max-cpu-throttle` default, percent. */
export const QEMU_MAX_CPU_THROTTLE = 99;

/** Auto-converge parameters (QEMU's names); every field defaults to QEMU's value. */
export interface AutoConvergeOptions {
  /** Dirtied bytes above this percentage of the bytes sent in a period count as high (1..100, default 50). */
  readonly triggerPercent?: number;
  /** First throttle, percent (1..99, default 20). */
  readonly initialPercent?: number;
  /** Raise per further trigger, percent (1..99, default 10). */
  readonly incrementPercent?: number;
  /** Largest throttle, percent (1..99, default 99). */
  readonly maxPercent?: number;
}

/** Resolved auto-converge parameters. */
export interface AutoConvergeParameters {
  readonly triggerPercent: number;
  readonly initialPercent: number;
  readonly incrementPercent: number;
  readonly maxPercent: number;
}

/** The throttle now and the count of high periods since the last trigger. */
export interface AutoConvergeState {
  /** vCPU throttle percent: the guest's vCPUs run (100 − p)% of the time (0 = not throttled). */
  readonly throttlePercent: number;
  /** High periods counted since the last trigger (0 or 1). */
  readonly highPeriods: number;
}

/** No throttle, nothing counted. */
export const AUTO_CONVERGE_IDLE: AutoConvergeState = { throttlePercent: 0, highPeriods: 0 };

const OPTION_KEYS = ['triggerPercent', 'initialPercent', 'incrementPercent', 'maxPercent'] as const;

function percentField(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(`${name}: expected an integer percent from ${min} to ${max}, got ${shownValue(value)}`, { path: name, value, accepted: `integer ${min}..${max}` });
  }
  return value;
}

/** Resolve `options` (`true` = QEMU's defaults). ValidationError names a field out of range. */
export function autoConvergeParameters(options: true | AutoConvergeOptions, path = 'autoConverge'): AutoConvergeParameters {
  if (options !== true && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw new ValidationError(`${path}: expected true or an object { ${OPTION_KEYS.join(', ')} } (each optional), got ${shownValue(options)}`, { path, value: options, accepted: ['true', `{ ${OPTION_KEYS.join(', ')} }`] });
  }
  const given: AutoConvergeOptions = options === true ? {} : options;
  for (const key of Object.keys(given)) {
    if (!(OPTION_KEYS as readonly string[]).includes(key)) {
      throw new ValidationError(`${path}.${key}: unknown field; known fields: ${OPTION_KEYS.join(', ')}`, { path: `${path}.${key}`, value: key, accepted: OPTION_KEYS });
    }
  }
  const parameters = {
    triggerPercent: percentField(`${path}.triggerPercent`, given.triggerPercent, QEMU_THROTTLE_TRIGGER_PERCENT, 1, 100),
    initialPercent: percentField(`${path}.initialPercent`, given.initialPercent, QEMU_CPU_THROTTLE_INITIAL, 1, 99),
    incrementPercent: percentField(`${path}.incrementPercent`, given.incrementPercent, QEMU_CPU_THROTTLE_INCREMENT, 1, 99),
    maxPercent: percentField(`${path}.maxPercent`, given.maxPercent, QEMU_MAX_CPU_THROTTLE, 1, 99),
  };
  if (parameters.initialPercent > parameters.maxPercent) {
    throw new ValidationError(`${path}.initialPercent: must not exceed maxPercent (${parameters.maxPercent}), got ${parameters.initialPercent}`, { path: `${path}.initialPercent` });
  }
  return parameters;
}

/**
 * One sync period of QEMU's `migration_trigger_throttle`: `dirtiedBytes` were dirtied while
 * `sentBytes` were sent. As in QEMU, a period at or under the trigger does not reset the count, so
 * the throttle moves on every second high period ("twice"), not only on two in a row.
 */
export function stepAutoConverge(state: AutoConvergeState, dirtiedBytes: number, sentBytes: number, parameters: AutoConvergeParameters): AutoConvergeState {
  const high = dirtiedBytes * 100 > sentBytes * parameters.triggerPercent;
  if (!high) return state;
  if (state.highPeriods + 1 < 2) return { throttlePercent: state.throttlePercent, highPeriods: state.highPeriods + 1 };
  const throttlePercent =
    state.throttlePercent === 0 ? parameters.initialPercent : Math.min(state.throttlePercent + parameters.incrementPercent, parameters.maxPercent);
  return { throttlePercent, highPeriods: 0 };
}
