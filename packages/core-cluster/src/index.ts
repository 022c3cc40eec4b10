// @strata/core-cluster: the datacenter. Each part adds its export block here.

export type { ClusterEvent, DatacenterOptions, HostView, VmView, ContainerView, Series, Summary, RunReport, Datacenter } from './types.js';

// Metrics: fixed-interval series, summaries (nearest-rank percentiles), streaming summaries.
export { createMetricsRecorder, createSummaryAccumulator, EMPTY_SUMMARY, nearestRank, percentileOfSorted, summarize } from './metrics/index.js';
export type { MetricsRecorder, MetricsRecorderOptions, SummaryAccumulator, SummaryAccumulatorOptions } from './metrics/index.js';

// Energy: power models (linear, SPECpower table) and per-host energy meters.
export { checkUtilization, createEnergyMeter, powerModel, WATT_MICROS_PER_KWH } from './energy/index.js';
export type { EnergyMeter, EnergyReport, PowerModel, PowerSpecInput } from './energy/index.js';
