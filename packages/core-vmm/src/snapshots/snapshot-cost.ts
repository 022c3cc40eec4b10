// What a Firecracker snapshot costs: its memory file's size, the time to write it over the disk, and
// the time to load it (lazy: memory is mapped, not read).
import { shownValue, ValidationError } from '@strata/shared-types';
import { requireObject } from '../input-checks.js';

/**
 * Seconds a snapshot load takes: Firecracker's restore target, p90 5 ms on Intel for 2 vCPUs / 512 MiB
 * (vmm-semantics.md §7, FC v1.0.0 docs). Independent of memory size, because the memory file is
 * mapped MAP_PRIVATE and read on the guest's page faults after the load (§5.1); those faults are not
 * counted here.
 */
export const FC_SNAPSHOT_LOAD_SECONDS = 0.005;

/** Input of `snapshotCost`. */
export interface SnapshotCostInput {
  /** Guest memory touched (resident), bytes, integer ≥ 0: what a full snapshot writes. */
  readonly memoryBytes: number;
  /** Bytes dirtied since the last snapshot, integer 0..memoryBytes: what a diff writes. Required for a diff. */
  readonly dirtiedBytes?: number;
  readonly kind: 'full' | 'diff';
  /** Disk write bandwidth, bytes/s, finite > 0. */
  readonly diskBytesPerSecond: number;
}

/** Result of `snapshotCost`: sizes in integer bytes, times as float seconds. */
export interface SnapshotCost {
  readonly sizeBytes: number;
  readonly createSeconds: number;
  readonly loadSeconds: number;
}

/**
 * The model: full → sizeBytes = memoryBytes (the pages the guest touched; untouched pages are holes of
 * the sparse file); diff → sizeBytes = dirtiedBytes. createSeconds = sizeBytes / diskBytesPerSecond
 * (the state file, KiBs, is neglected). loadSeconds = FC_SNAPSHOT_LOAD_SECONDS for either kind (a diff
 * is merged onto its base by the user's tooling before the load; that merge is not counted). Pure;
 * ValidationError names the bad field.
 */
export function snapshotCost(input: SnapshotCostInput): SnapshotCost {
  requireObject('snapshotCost input', input, '{ memoryBytes, dirtiedBytes?, kind, diskBytesPerSecond }');
  const { memoryBytes, dirtiedBytes, kind, diskBytesPerSecond } = input;
  if (!Number.isSafeInteger(memoryBytes) || memoryBytes < 0) throw new ValidationError(`memoryBytes must be an integer >= 0, got ${shownValue(memoryBytes)}`, { path: 'memoryBytes', value: memoryBytes });
  if (typeof diskBytesPerSecond !== 'number' || !Number.isFinite(diskBytesPerSecond) || diskBytesPerSecond <= 0) {
    throw new ValidationError(`diskBytesPerSecond must be a finite number > 0, got ${shownValue(diskBytesPerSecond)}`, { path: 'diskBytesPerSecond', value: diskBytesPerSecond });
  }
  let sizeBytes: number;
  if (kind === 'full') {
    sizeBytes = memoryBytes;
  } else if (kind === 'diff') {
    if (dirtiedBytes === undefined || !Number.isSafeInteger(dirtiedBytes) || dirtiedBytes < 0 || dirtiedBytes > memoryBytes) {
      throw new ValidationError(`a diff snapshot needs dirtiedBytes, an integer 0..memoryBytes (${memoryBytes}), got ${shownValue(dirtiedBytes)}`, { path: 'dirtiedBytes', value: dirtiedBytes });
    }
    sizeBytes = dirtiedBytes;
  } else {
    throw new ValidationError(`kind must be 'full' or 'diff', got ${shownValue(kind)}`, { path: 'kind', value: kind });
  }
  return { sizeBytes, createSeconds: sizeBytes / diskBytesPerSecond, loadSeconds: FC_SNAPSHOT_LOAD_SECONDS };
}
