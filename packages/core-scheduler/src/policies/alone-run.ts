// The arithmetic of the lone-entity shortcut (`SchedPolicy.runAlone`) shared by the policies that
// slice with a quantum: how many whole slices fit before anything else can happen.
import type { AloneRun } from '../policy.js';

/** The answer of `runAlone` that skips nothing. */
export const NOT_ALONE: AloneRun = { ran: 0, slices: 0 };

/**
 * Whether adding `step` to `start` `count` times, one float addition at a time, gives exactly
 * `start + count · step`: true when both are multiples of one power of two 2^-k and every partial
 * sum stays below 2^53 · 2^-k, so that no addition rounds. Policies whose lone-entity state is a
 * running float sum (CFS vruntime, stride pass) fast-forward only then, so that results stay
 * bit-identical to the slice-by-slice path.
 */
export function sumsExactly(start: number, step: number, count: number): boolean {
  if (!Number.isFinite(start) || !Number.isFinite(step) || step < 0 || start < 0) return false;
  for (let k = 0, scale = 1; k <= 52; k++, scale *= 2) {
    if (Number.isInteger(start * scale) && Number.isInteger(step * scale)) return (start + count * step) * scale <= Number.MAX_SAFE_INTEGER;
  }
  return false;
}

/**
 * Whole slices of a lone entity that end strictly within `window`: the first of length `first`
 * (what is left of its current slice), the others of `quantum`, at most `maxSlices` in all.
 */
export function wholeSlicesWithin(first: number, quantum: number, window: number, maxSlices = Infinity): AloneRun {
  if (!(first < window) || !(quantum > 0) || quantum === Infinity) return NOT_ALONE;
  const slices = Math.min(maxSlices, Math.ceil((window - first) / quantum));
  return { ran: first + (slices - 1) * quantum, slices };
}
