// Real-time pacing is the app's job: the core only states the contract (`Pacer`) and the
// pure arithmetic of mapping simulated time to wall-clock time at a speed factor.
import type { Micros } from '@strata/shared-types';
import { ValidationError } from '@strata/shared-types';

/** Run at full speed: simulated time is not tied to the wall clock. */
export const AS_FAST_AS_POSSIBLE = Infinity;

/**
 * Implemented by apps (Node, browser) to run a simulation against the wall clock: `speed`
 * simulated µs per wall µs (1 = real time, 10 = ten times faster, `Infinity` = no waiting).
 * A typical driver loop: `await pacer.waitUntil(sim.peek()); sim.runUntil(sim.peek())`.
 */
export interface Pacer {
  /** Simulated µs per wall-clock µs; `Infinity` for as fast as possible. */
  readonly speed: number;
  /** Change the speed factor; the mapping is re-anchored at the current simulated time. */
  setSpeed(speed: number): void;
  /** Resolve once the wall clock has reached the moment simulated `time` is due (at once if already due). */
  waitUntil(time: Micros | number): Promise<void>;
}

/** An anchor of the sim-to-wall mapping: simulated `simTime` coincided with wall-clock `wallTime` (µs). */
export interface PaceAnchor {
  readonly simTime: number;
  readonly wallTime: number;
}

function checkSpeed(speed: number): void {
  if (typeof speed !== 'number' || !(speed > 0)) {
    throw new ValidationError(`invalid speed ${String(speed)}: expected a number > 0 (1 = real time, Infinity = as fast as possible)`, {
      path: 'speed',
      value: speed,
      accepted: 'number > 0 or Infinity',
    });
  }
}

/** Wall-clock µs to wait for `simDelta` simulated µs to pass at `speed` (0 at Infinity or for simDelta ≤ 0). */
export function wallDelayFor(simDelta: number, speed: number): number {
  checkSpeed(speed);
  if (typeof simDelta !== 'number' || Number.isNaN(simDelta)) {
    throw new ValidationError(`invalid simDelta ${String(simDelta)}: expected a number of simulated microseconds`, { path: 'simDelta', value: simDelta });
  }
  if (speed === Infinity || simDelta <= 0) return 0;
  return simDelta / speed;
}

/** The wall-clock time (µs) at which simulated `simTime` is due, given an anchor and a speed. */
export function wallTimeFor(anchor: PaceAnchor, simTime: number, speed: number): number {
  return anchor.wallTime + wallDelayFor(simTime - anchor.simTime, speed);
}

/**
 * The simulated time (integer µs, floored, never before the anchor) that is due at wall-clock
 * `wallTime`: run the simulation up to it. At `Infinity` speed everything is due (`Infinity`).
 */
export function simTimeAt(anchor: PaceAnchor, wallTime: number, speed: number): number {
  checkSpeed(speed);
  if (speed === Infinity) return Infinity;
  const elapsed = wallTime - anchor.wallTime;
  if (!(elapsed > 0)) return anchor.simTime;
  return anchor.simTime + Math.floor(elapsed * speed);
}
