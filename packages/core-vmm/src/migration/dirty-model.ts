// How a guest dirties memory while it is migrated: the extension point between a workload and the
// migration. The constant-rate model lives in constant-dirty-model.ts.
import type { Bytes, Micros } from '@strata/shared-types';

/**
 * The memory a running guest dirties. The migration calls `dirtiedBytes(from, to, p)` once per round
 * (from = the round's start, to = its end, from < to, successive calls in time order) to learn how
 * many distinct bytes the next round must resend. Contract: an integer in 0..`wssBytes`, the writable
 * working set (a page dirtied twice is resent once), non-decreasing in `to − from` and non-increasing
 * in `throttlePercent` (a vCPU throttled to p% runs (100 − p)% of the time). Clock-free and pure
 * unless the workload itself has phases.
 */
export interface DirtyModel {
  /** The writable working set, bytes: no round's dirty set exceeds it. */
  readonly wssBytes: number;
  /** Distinct bytes dirtied over [from, to) µs while the vCPUs are throttled to `throttlePercent` (0..99). */
  dirtiedBytes(from: Micros, to: Micros, throttlePercent: number): Bytes;
}
