// The default dirty model: the guest writes at a constant rate within its writable working set,
// the model of the reference's §6.3 (V_{i+1} = min(W, D·T_i)).
import { shownValue, ValidationError } from '@strata/shared-types';
import { requireObject } from '../input-checks.js';
import type { Bytes, Micros } from '@strata/shared-types';
import type { DirtyModel } from './dirty-model.js';

/** Parameters of `createConstantDirtyModel`. */
export interface ConstantDirtyModelSpec {
  /** D, bytes/s while unthrottled: finite ≥ 0. */
  readonly bytesPerSecond: number;
  /** W, bytes: integer ≥ 0. */
  readonly wssBytes: number;
}

/**
 * A guest dirtying `bytesPerSecond` (times (100 − p)/100 when throttled to p%) up to its working set:
 * dirtiedBytes = min(W, round(D·(1 − p/100)·(to − from)/10^6)). ValidationError names a bad field.
 */
export function createConstantDirtyModel(spec: ConstantDirtyModelSpec): DirtyModel {
  requireObject('dirty model spec', spec, '{ bytesPerSecond, wssBytes }');
  const { bytesPerSecond, wssBytes } = spec;
  if (typeof bytesPerSecond !== 'number' || !Number.isFinite(bytesPerSecond) || bytesPerSecond < 0) {
    throw new ValidationError(`dirty model: bytesPerSecond must be a finite number ≥ 0, got ${shownValue(bytesPerSecond)}`, { path: 'bytesPerSecond', value: bytesPerSecond });
  }
  if (!Number.isSafeInteger(wssBytes) || wssBytes < 0) {
    throw new ValidationError(`dirty model: wssBytes must be an integer ≥ 0, got ${shownValue(wssBytes)}`, { path: 'wssBytes', value: wssBytes });
  }
  return {
    wssBytes,
    dirtiedBytes(from: Micros, to: Micros, throttlePercent: number): Bytes {
      // No time, no writes (and no Infinity · 0 for a rate near the largest double).
      const written = to <= from ? 0 : Math.round((bytesPerSecond * (100 - throttlePercent) * ((to - from) / 1e6)) / 100);
      return Math.min(wssBytes, written) as Bytes;
    },
  };
}
