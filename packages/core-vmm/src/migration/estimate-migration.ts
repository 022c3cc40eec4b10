// The closed-form pre-copy model of Clark et al. (NSDI 2005) and Akoush et al. (MASCOTS 2010), as
// the reference states it (vmm-semantics.md §6.3): V0 = M, T_i = V_i/B, V_{i+1} = min(W, D·T_i),
// stop before round n when V_n ≤ B·L or n = max rounds; downtime = V_n/B + t_resume.
import { LimitExceededError, shownValue, ValidationError } from '@strata/shared-types';
import { AUTO_CONVERGE_IDLE, autoConvergeParameters, stepAutoConverge } from './auto-converge.js';
import type { AutoConvergeOptions, AutoConvergeState } from './auto-converge.js';

/** QEMU's `downtime-limit` default, seconds. */
export const QEMU_DOWNTIME_LIMIT_SECONDS = 0.3;
/** Most pre-copy rounds the model computes; `maxRounds` may not exceed it. */
export const MAX_ESTIMATE_ROUNDS = 100_000;

/** Input of `estimateMigration` (strict: unknown keys are rejected). */
export interface MigrationEstimateInput {
  /** Guest memory M, bytes: integer 1..2^53 − 1. */
  readonly memoryBytes: number;
  /** Dirty rate D while the guest runs unthrottled, bytes/s: finite ≥ 0. */
  readonly dirtyBytesPerSecond: number;
  /** Writable working set W, bytes: integer 0..memoryBytes (the dirty set never exceeds it). */
  readonly wssBytes: number;
  /** Migration bandwidth B, bytes/s: 1 to 2^53 − 1 (raw QEMU: min(link, 128 MiB/s); libvirt: the link). */
  readonly bandwidthBytesPerSecond: number;
  /** Downtime limit L, seconds: finite 0..10^9 (default 0.3, QEMU's). */
  readonly downtimeLimitSeconds?: number;
  /** Stop and copy after this many pre-copy rounds, 0..100,000 (Xen's migration v2: 5). Absent: iterate as QEMU does, reporting no convergence once a round repeats. */
  readonly maxRounds?: number;
  /** QEMU's auto-converge (true = QEMU's defaults): see `stepAutoConverge`. Default off. */
  readonly autoConverge?: boolean | AutoConvergeOptions;
  /** t_resume, seconds added to the downtime: finite 0..10^9 (default 0; the reference leaves it out). */
  readonly resumeSeconds?: number;
}

/** One pre-copy round i: V_i bytes sent in T_i seconds. */
export interface MigrationRoundEstimate {
  /** Round index i, from 0 (the full pass). */
  readonly round: number;
  /** V_i, integer bytes. */
  readonly bytes: number;
  /** T_i = V_i / B, seconds. */
  readonly seconds: number;
  /** Auto-converge throttle during the round, percent (0 when off). */
  readonly throttlePercent: number;
}

/** Why pre-copy ended: V_n ≤ B·L; `maxRounds` reached; or a round repeated the last one (no progress is possible). */
export type MigrationEstimateStop = 'converged' | 'max-rounds' | 'no-progress';

/** Result of `estimateMigration`. */
export interface MigrationEstimate {
  /** V_n ≤ B·L: the final stop-and-copy fits the downtime limit. */
  readonly converged: boolean;
  readonly stop: MigrationEstimateStop;
  /** The pre-copy rounds i = 0 … n − 1. */
  readonly rounds: readonly MigrationRoundEstimate[];
  /** V_n, the bytes of the final stop-and-copy. */
  readonly finalBytes: number;
  /** B·L, the most bytes a stop-and-copy may take to fit the downtime limit (float). */
  readonly thresholdBytes: number;
  /** Σ T_i + V_n/B + t_resume, seconds. */
  readonly totalSeconds: number;
  /** V_n/B + t_resume, seconds (for `no-progress`: what a forced stop-and-copy would cost). */
  readonly downtimeSeconds: number;
  /** Σ V_i + V_n. */
  readonly bytesSent: number;
}

const INPUT_KEYS = new Set(['memoryBytes', 'dirtyBytesPerSecond', 'wssBytes', 'bandwidthBytesPerSecond', 'downtimeLimitSeconds', 'maxRounds', 'autoConverge', 'resumeSeconds']);

function fail(path: string, expected: string, value: unknown): never {
  throw new ValidationError(`estimateMigration: ${path} must be ${expected}, got ${shownValue(value)}`, { path, accepted: expected, value });
}

function integerIn(path: string, value: unknown, min: number, max: number, phrase: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(path, phrase, value);
  return value;
}

function finiteAtLeast(path: string, value: unknown, min: number, strict: boolean, phrase: string, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (strict ? value <= min : value < min) || value > max) fail(path, phrase, value);
  return value;
}

/** Largest bandwidth (bytes/s) and time (s) the model takes: every product and sum it forms stays finite. */
const MAX_BANDWIDTH = Number.MAX_SAFE_INTEGER;
const MAX_SECONDS = 1e9;

/**
 * Pre-copy rounds, total time, downtime and bytes sent by the reference's analytic model (§6.3),
 * extended with QEMU's auto-converge: after each round, the bytes dirtied in it (V_{i+1}) against
 * the bytes sent (V_i) drive `stepAutoConverge`, and a vCPU throttled to p% runs (100 − p)% of the
 * time, so the dirty rate of the next rounds is D·(1 − p/100). That extension is this model's, not
 * the papers'. Dirty bytes are rounded to whole bytes. Pure; throws ValidationError naming the field
 * and its range, and LimitExceededError when more than 100,000 rounds would be needed (set `maxRounds`).
 */
export function estimateMigration(input: MigrationEstimateInput): MigrationEstimate {
  if (typeof input !== 'object' || input === null) fail('input', 'an object', input);
  for (const key of Object.keys(input)) if (!INPUT_KEYS.has(key)) fail(key, `absent (known fields: ${[...INPUT_KEYS].join(', ')})`, 'an unknown field');
  const memory = integerIn('memoryBytes', input.memoryBytes, 1, Number.MAX_SAFE_INTEGER, 'an integer from 1 to 2^53 − 1');
  const dirtyRate = finiteAtLeast('dirtyBytesPerSecond', input.dirtyBytesPerSecond, 0, false, 'a finite number ≥ 0');
  const wss = integerIn('wssBytes', input.wssBytes, 0, memory, `an integer from 0 to memoryBytes (${memory})`);
  // At least 1 byte/s: a smaller one makes a round's seconds (memoryBytes / bandwidth) overflow to Infinity.
  const bandwidth = finiteAtLeast('bandwidthBytesPerSecond', input.bandwidthBytesPerSecond, 1, false, 'a finite number > 0, from 1 to 2^53 − 1 (bytes/s)', MAX_BANDWIDTH);
  const limit = finiteAtLeast('downtimeLimitSeconds', input.downtimeLimitSeconds ?? QEMU_DOWNTIME_LIMIT_SECONDS, 0, false, `a finite number ≥ 0, at most ${MAX_SECONDS} (seconds)`, MAX_SECONDS);
  const maxRounds = input.maxRounds === undefined ? undefined : integerIn('maxRounds', input.maxRounds, 0, MAX_ESTIMATE_ROUNDS, `an integer from 0 to ${MAX_ESTIMATE_ROUNDS}`);
  const resume = finiteAtLeast('resumeSeconds', input.resumeSeconds ?? 0, 0, false, `a finite number ≥ 0, at most ${MAX_SECONDS} (seconds)`, MAX_SECONDS);
  const autoConverge = input.autoConverge;
  if (autoConverge !== undefined && typeof autoConverge !== 'boolean' && (typeof autoConverge !== 'object' || autoConverge === null || Array.isArray(autoConverge))) {
    fail('autoConverge', 'a boolean or an object of QEMU throttle parameters', autoConverge);
  }
  const throttle = autoConverge === undefined || autoConverge === false ? undefined : autoConvergeParameters(autoConverge);

  const threshold = bandwidth * limit;
  const rounds: MigrationRoundEstimate[] = [];
  let volume = memory;
  let state: AutoConvergeState = AUTO_CONVERGE_IDLE;
  let preCopySeconds = 0;
  let bytesSent = 0;
  let stop: MigrationEstimateStop;
  for (;;) {
    if (volume <= threshold) {
      stop = 'converged';
      break;
    }
    if (maxRounds !== undefined && rounds.length >= maxRounds) {
      stop = 'max-rounds';
      break;
    }
    if (rounds.length >= MAX_ESTIMATE_ROUNDS) {
      throw new LimitExceededError(
        `estimateMigration: pre-copy has not converged after ${MAX_ESTIMATE_ROUNDS} rounds (the dirty set shrinks too slowly); set maxRounds to stop and copy earlier`,
        { limit: 'rounds', rounds: MAX_ESTIMATE_ROUNDS },
      );
    }
    const seconds = volume / bandwidth;
    const throttlePercent = state.throttlePercent;
    rounds.push({ round: rounds.length, bytes: volume, seconds, throttlePercent });
    preCopySeconds += seconds;
    bytesSent += volume;
    const next = Math.min(wss, Math.round((dirtyRate * (100 - throttlePercent) * seconds) / 100));
    if (throttle !== undefined) state = stepAutoConverge(state, next, volume, throttle);
    const previous = rounds.at(-2);
    const stuck = previous !== undefined && previous.bytes === volume && next === volume && previous.throttlePercent === throttlePercent;
    const canThrottleMore = throttle !== undefined && throttlePercent < throttle.maxPercent;
    volume = next;
    // A round that repeats the last one (same bytes, same throttle) repeats forever: the model stops there.
    if (maxRounds === undefined && stuck && !canThrottleMore && volume > threshold) {
      stop = 'no-progress';
      break;
    }
  }
  const downtimeSeconds = volume / bandwidth + resume;
  return {
    converged: stop === 'converged',
    stop,
    rounds,
    finalBytes: volume,
    thresholdBytes: threshold,
    totalSeconds: preCopySeconds + downtimeSeconds,
    downtimeSeconds,
    bytesSent: bytesSent + volume,
  };
}
