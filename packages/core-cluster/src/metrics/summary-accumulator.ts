// The streaming Summary (exact count/mean/min/max, percentiles within a relative error, mergeable)
// lives in core-scheduler, below both core-container (whose request servers record latencies into
// one) and core-cluster (which merges every server's); re-exported here for the datacenter's code.
export { createSummaryAccumulator } from '@strata/core-scheduler';
export type { SummaryAccumulator, SummaryAccumulatorOptions } from '@strata/core-scheduler';
