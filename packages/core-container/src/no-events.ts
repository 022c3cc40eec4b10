// The one empty event list the kernel and the engine return when a step or a take produced nothing:
// a kernel steps at every request, mostly without a fact to report, and a fresh [] each time is
// garbage. Frozen, so a caller that tried to add to it would fail loudly.

/** An empty, frozen event list (type-compatible with any `readonly E[]`). */
export const NO_EVENTS: readonly never[] = Object.freeze([]);
