// CPU speed: programs state CPU work at speed 1 (CPU-µs on a reference CPU); a kernel's CPUs may be
// faster or slower, and a guest's vCPUs change speed as the host gives them more or less time.
import { ValidationError } from '@strata/shared-types';

/** CPU time (whole µs, at least 1) that `work` takes at `speed`. */
export function cpuTimeFor(work: number, speed: number): number {
  return Math.min(Number.MAX_SAFE_INTEGER, Math.max(1, Math.ceil(work / speed - 1e-9)));
}

/** Speeds are finite, > 0 (a stalled CPU is a tiny speed, not 0) and at most 1000. */
export function checkSpeed(speed: unknown, path: string): void {
  if (typeof speed !== 'number' || !Number.isFinite(speed) || speed < 1e-6 || speed > 1000) {
    throw new ValidationError(`${path} must be a number in 0.000001..1000 (work per CPU-µs; 1 = the speed programs are written for), got ${String(speed)}`, { path, value: speed, accepted: '0.000001..1000' });
  }
}
