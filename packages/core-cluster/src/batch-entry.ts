// `@strata/core-cluster/batch`: the batch engine with the scenario loader and nothing else, for front
// ends running batch-only scenarios that want to start fast (it skips the container kernel, the
// network and the datacenter; the same functions as the package's main entry).
export { loadScenario, expandInstances } from './scenario/index.js';
export type { LoadScenarioOptions, LoadedScenario, ScenarioFileReader, ScenarioIssue, ScenarioLocation } from './scenario/index.js';
export { parseBatchCsv, createBatchModel, runBatchScenario, formatJobsCsv, formatJobsCsvBytes, formatSecondsText, jobRows, concatBatchJobs, secondsAtMicros, generateCloudletWorkload } from './batch/index.js';
export type {
  BatchJobs,
  BatchVmSpec,
  BatchModelOptions,
  BatchModel,
  BatchSummary,
  BatchJobRow,
  GuestScheduler,
  BatchRun,
  RunBatchScenarioOptions,
  CloudletWorkloadOptions,
  CloudletWorkload,
} from './batch/index.js';
