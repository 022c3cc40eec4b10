// The public contract of the discrete-event kernel: what models see (SimHandle), what
// drivers see (Simulation), and what a run is configured with (SimulationOptions).
import type { Micros } from '@strata/shared-types';
import type { RandomStream } from './random.js';
import type { TraceRecord, TraceSink } from './trace.js';

/**
 * Priority class of an event. Events at the same time run by (priority class, insertion
 * sequence): a lower class first, then the one scheduled earlier. Default 0; any safe
 * integer in -1000..1000 is accepted.
 */
export type PriorityClass = number;

/** Opaque handle of a scheduled event, for `cancel`. */
export type EventKey = number & { readonly __eventKey: unique symbol };

/** Code run when an event fires. It receives the handle, so it can schedule follow-ups. */
export type EventHandler = (sim: SimHandle) => void;

/** Options of one scheduled event. */
export interface ScheduleOptions {
  /** Same-time ordering class (lower first). Default 0. */
  readonly priority?: PriorityClass;
  /** A short label recorded in the trace when the event fires (omitted: nothing is traced). */
  readonly label?: string;
}

/** What a model component receives: read the clock, schedule, cancel, draw random numbers, trace. */
export interface SimHandle {
  /** Current simulated time in integer microseconds. */
  now(): Micros;
  /** Schedule `handler` at absolute `time` (integer µs, ≥ now). Throws E_SCHEDULE_IN_PAST / E_VALIDATION. */
  at(time: number, handler: EventHandler, opts?: ScheduleOptions): EventKey;
  /** Schedule `handler` after `delay` (integer µs, ≥ 0). */
  after(delay: number, handler: EventHandler, opts?: ScheduleOptions): EventKey;
  /**
   * Run `handler` every `interval` µs (integer > 0), first at now + interval (or `opts.start`),
   * at exact multiples so there is no drift. Cancelling the returned key stops the series.
   */
  every(interval: number, handler: EventHandler, opts?: ScheduleOptions & { readonly start?: number }): EventKey;
  /** Cancel a pending event. Returns true if it was pending, false if it already ran or was cancelled. */
  cancel(key: EventKey): boolean;
  /** The independent random stream named `name`, derived from (seed, name); the same name returns the same stream. */
  rng(name: string): RandomStream;
  /** Record a typed trace record at the current time (kept only if the sink accepts its category). */
  trace(category: string, data?: Readonly<Record<string, unknown>>): void;
}

/** The driver's view: everything a model sees plus the run loop. */
export interface Simulation extends SimHandle {
  /** Time of the next pending event, or `Infinity` when none is pending. */
  peek(): number;
  /** Number of pending (not cancelled) events. */
  pending(): number;
  /** Run exactly one event. Returns false when nothing was pending. */
  step(): boolean;
  /** Run every event with time ≤ `time`, then set the clock to `time`. */
  runUntil(time: number): RunResult;
  /** Run until nothing is pending, the clock would pass `until`, or `maxEvents` events ran. */
  run(opts?: { readonly until?: number; readonly maxEvents?: number }): RunResult;
  /** Events executed since creation. */
  eventsExecuted(): number;
}

/** Why a run stopped and where. */
export interface RunResult {
  readonly reason: 'empty' | 'until' | 'maxEvents';
  readonly time: Micros;
  readonly events: number;
}

/** Options of `createSimulation`. */
export interface SimulationOptions {
  /** The scenario seed (a safe integer, or a string hashed to one). Every random stream derives from it. */
  readonly seed: number | string;
  /** Where trace records go. Default: none (tracing costs nothing). */
  readonly trace?: TraceSink;
  /** Start time in µs. Default 0. */
  readonly start?: number;
}

export type { TraceRecord, TraceSink };
