// Metrics: fixed-interval time series, exact summaries and a streaming summary for large sample sets.
export { createMetricsRecorder } from './metrics-recorder.js';
export type { MetricsRecorder, MetricsRecorderOptions } from './metrics-recorder.js';
export { EMPTY_SUMMARY, nearestRank, percentileOfSorted, summarize } from './summarize.js';
export { createSummaryAccumulator } from './summary-accumulator.js';
export type { SummaryAccumulator, SummaryAccumulatorOptions } from './summary-accumulator.js';
