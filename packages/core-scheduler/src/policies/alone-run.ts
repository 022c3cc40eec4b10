// The arithmetic of the lone-entity shortcut (`SchedPolicy.runAlone`) shared by the policies that
// slice with a quantum: how many whole slices fit before anything else can happen.
import type { AloneRun } from '../policy.js';

/** The answer of `runAlone` that skips nothing. */
export const NOT_ALONE: AloneRun = { ran: 0, slices: 0 };

/**
 * Whole slices of a lone entity that end strictly within `window`: the first of length `first`
 * (what is left of its current slice), the others of `quantum`, at most `maxSlices` in all.
 */
export function wholeSlicesWithin(first: number, quantum: number, window: number, maxSlices = Infinity): AloneRun {
  if (!(first < window) || !(quantum > 0) || quantum === Infinity) return NOT_ALONE;
  const slices = Math.min(maxSlices, Math.ceil((window - first) / quantum));
  return { ran: first + (slices - 1) * quantum, slices };
}
