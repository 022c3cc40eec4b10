// Batch workloads (issue 13): CloudSim-style jobs on VMs, time-shared or space-shared, exact.
export { parseBatchCsv } from './batch-csv.js';
export { createBatchModel } from './batch-model.js';
export { runBatchScenario } from './run-batch-scenario.js';
export type { BatchRun, RunBatchScenarioOptions } from './run-batch-scenario.js';
export { formatJobsCsv, formatJobsCsvBytes, formatSecondsText, jobRows, concatBatchJobs, secondsAtMicros } from './job-results.js';
export { generateCloudletWorkload } from './cloudlet-workload.js';
export type { CloudletWorkloadOptions, CloudletWorkload } from './cloudlet-workload.js';
export type { BatchJobs, BatchVmSpec, BatchModelOptions, BatchModel, BatchSummary, BatchJobRow, GuestScheduler } from './types.js';
