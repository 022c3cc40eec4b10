// The public contract of the simulated live migration: its spec, phases and report. The factory
// lives in create-live-migration.ts, so the implementation imports these types without a circle.
import type { FlowNetwork } from '@strata/core-network';
import type { Micros, MigrationCompletedEvent, MigrationFailedEvent, MigrationRoundEvent, MigrationStartedEvent } from '@strata/shared-types';
import type { AutoConvergeOptions } from './auto-converge.js';
import type { DirtyModel } from './dirty-model.js';

/** QEMU's `max-bandwidth` default, bytes/s (`MAX_THROTTLE`, 128 MiB/s since QEMU 5.2). libvirt sets "unlimited". */
export const QEMU_MAX_BANDWIDTH = 128 * 1024 * 1024;
/** QEMU's `downtime-limit` default, µs. */
export const QEMU_DOWNTIME_LIMIT_US = 300_000;
/** Xen migration v2's round limit (`xg_sr_save.c` simple_precopy_policy). */
export const XEN_MAX_ROUNDS = 5;
/** Most pre-copy rounds `maxRounds` may name. */
export const MAX_MIGRATION_ROUNDS = 1_000_000;

/** Post-copy: switch over after `afterRounds` pre-copy rounds unless pre-copy converged first. */
export interface PostCopySpec {
  /** Pre-copy rounds before the switch, integer 0..1,000,000 (0: post-copy from the start, every page crosses once). */
  readonly afterRounds: number;
  /** Page size for the remote-fault estimate, bytes (integer power of two 4096..1 GiB, default 4096). */
  readonly pageBytes?: number;
}

/** What `createLiveMigration` needs (strict: unknown keys are rejected). */
export interface LiveMigrationSpec {
  /** Migration id, 1..100 characters; names its flows `<id>/round-<i>`, `<id>/stop-and-copy`, `<id>/post-copy`. */
  readonly id: string;
  /** The VM migrated (named in events). */
  readonly vm: string;
  /** The flow network the transfer crosses, shared with other flows; the caller drives it (see `LiveMigration`). */
  readonly network: FlowNetwork;
  /** Link ids from source to destination host: 1..64 links of `network`. */
  readonly path: readonly string[];
  /** Guest memory, bytes: integer ≥ 1. */
  readonly memoryBytes: number;
  /** How the guest dirties memory; its `wssBytes` must not exceed `memoryBytes`. Default: constant at `dirtyBytesPerSecond` within `wssBytes`. */
  readonly dirty?: DirtyModel;
  /** D for the default dirty model, bytes/s (finite ≥ 0); only without `dirty`. */
  readonly dirtyBytesPerSecond?: number;
  /** W for the default dirty model, bytes (integer 0..memoryBytes); only without `dirty`. */
  readonly wssBytes?: number;
  /** Downtime limit, µs (integer 0..10^9, default 300,000, QEMU's). */
  readonly downtimeLimitUs?: number;
  /** Cap on the migration stream, bytes/s: an integer 1..10^13, or 'unlimited' (default, as libvirt sets; raw QEMU: `QEMU_MAX_BANDWIDTH`). */
  readonly maxBandwidth?: number | 'unlimited';
  /** Pre-copy rounds before `onMaxRounds` applies, integer 1..1,000,000 (Xen: 5). Absent: iterate until convergence, as QEMU does. */
  readonly maxRounds?: number;
  /** After `maxRounds` rounds: 'stop-and-copy' (forced, default, Xen's) or 'abort' (the VM stays on the source). */
  readonly onMaxRounds?: 'stop-and-copy' | 'abort';
  /** QEMU's auto-converge (true = QEMU's defaults). */
  readonly autoConverge?: boolean | AutoConvergeOptions;
  /** Called with the vCPU throttle percent whenever it changes (back to 0 when the migration ends): the host applies it to the guest's vCPUs. */
  readonly onThrottle?: (throttlePercent: number) => void;
  /** Post-copy (QEMU `postcopy-ram`); default off. */
  readonly postCopy?: PostCopySpec;
  /** Time for the destination to resume the VM after the last byte, µs (integer 0..10^9, default 0): part of the downtime. */
  readonly resumeUs?: number;
}

/** Phases: `ready` → `pre-copy` → (`stop-and-copy` | `post-copy`) → `resuming`? → `completed`; `failed` from `pre-copy`/`stop-and-copy`. */
export type LiveMigrationPhase = 'ready' | 'pre-copy' | 'stop-and-copy' | 'post-copy' | 'resuming' | 'completed' | 'failed';

/** A fact the migration reports. */
export type LiveMigrationEvent = MigrationStartedEvent | MigrationRoundEvent | MigrationCompletedEvent | MigrationFailedEvent;

/** One finished pre-copy round. */
export interface LiveMigrationRound {
  readonly round: number;
  readonly bytes: number;
  readonly durationUs: Micros;
  /** Achieved: bytes·10^6 / durationUs. */
  readonly bandwidthBytesPerSecond: number;
  /** Bytes the guest dirtied during the round: the next round's volume. */
  readonly dirtyBytes: number;
  readonly throttlePercent: number;
}

/** The migration so far. Times are µs; `totalUs` and `downtimeUs` are set once it completed. */
export interface LiveMigrationReport {
  readonly phase: LiveMigrationPhase;
  readonly rounds: readonly LiveMigrationRound[];
  /** Bytes delivered by finished transfers (rounds, stop-and-copy, post-copy stream). */
  readonly bytesSent: number;
  /** Bytes of the final stop-and-copy, or of the post-copy stream. */
  readonly finalBytes: number;
  readonly converged: boolean;
  readonly mode: 'pre-copy' | 'post-copy';
  readonly startedAt: Micros | undefined;
  readonly totalUs: Micros | undefined;
  readonly downtimeUs: Micros | undefined;
  /** Post-copy: estimated first touches of pages still on the source (each a round-trip stall); 0 otherwise. */
  readonly remoteFaults: number;
  readonly throttlePercent: number;
}

/**
 * A live migration as a passive model (ARCHITECTURE.md, "Driving models"). It starts flows on a
 * network it shares but does not drive. Caller's lifecycle: `start()`, then repeatedly: advance the
 * network to t = min(network.nextEventTime(), migration.nextEventTime(), …), then `advanceTo(t)`;
 * the migration must see every t its `nextEventTime()` names (re-read it after any command on the
 * network: a competing flow moves it). `cancel()` any time before post-copy or completion.
 */
export interface LiveMigration {
  /** Start at the network's now(): round 0 (all memory), or the post-copy stream when `postCopy.afterRounds` is 0. Only in `ready`, else InvalidTransitionError. */
  start(): LiveMigrationEvent[];
  /** Abort (domjobabort): the transfer stops, the VM stays on the source. Only in `pre-copy` or `stop-and-copy` (a post-copy cannot be undone), else InvalidTransitionError. */
  cancel(): LiveMigrationEvent[];
  /** When the migration next has something to do, µs (its transfer's completion or its resume), or Infinity. */
  nextEventTime(): number;
  /** Process time `t` (integer µs ≥ the last `t`; the network must be at `t` already). Returns what happened. */
  advanceTo(t: number): LiveMigrationEvent[];
  /** The phase now. */
  phase(): LiveMigrationPhase;
  /** The rounds, times and bytes so far. */
  report(): LiveMigrationReport;
}
