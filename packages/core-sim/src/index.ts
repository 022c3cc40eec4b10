// @strata/core-sim: the deterministic discrete-event kernel: clock, cancellable event queue,
// (time, priority, sequence) ordering, seeded random streams, trace, and a pacing contract.

export { createSimulation, EVENT_TRACE_CATEGORY } from './simulation.js';
export { MIN_PRIORITY, MAX_PRIORITY } from './event-queue.js';
export type {
  EventHandler,
  EventKey,
  PriorityClass,
  RunResult,
  ScheduleOptions,
  SimHandle,
  Simulation,
  SimulationOptions,
} from './types.js';

export { createRandomStream, seedKey } from './random.js';
export type { RandomStream, SeedKey } from './random.js';

export {
  arrayTraceSink,
  countingTraceSink,
  hashingTraceSink,
  filterTraceSink,
  canonicalJson,
  formatTraceRecord,
  traceHash,
} from './trace.js';
export type { TraceRecord, TraceSink, ArrayTraceSink, CountingTraceSink, HashingTraceSink } from './trace.js';

export { AS_FAST_AS_POSSIBLE, wallDelayFor, wallTimeFor, simTimeAt } from './pacing.js';
export type { Pacer, PaceAnchor } from './pacing.js';
