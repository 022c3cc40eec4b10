// Batch workloads (issue 13): CloudSim-style jobs on VMs, time-shared or space-shared, exact.
export { parseBatchCsv } from './batch-csv.js';
export { createBatchModel } from './batch-model.js';
export type { BatchJobs, BatchVmSpec, BatchModelOptions, BatchModel, BatchSummary, BatchJobRow, GuestScheduler } from './types.js';
