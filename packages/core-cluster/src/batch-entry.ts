// `@strata/core-cluster/batch`: the batch engine with the scenario loader and nothing else, for front
// ends running batch-only scenarios that want to start fast (it skips the container kernel, the
// network and the datacenter; the same functions as the package's main entry, from the one list in
// batch/index.ts).
export { loadScenario, expandInstances } from './scenario/index.js';
export type { LoadScenarioOptions, LoadedScenario, ScenarioFileReader, ScenarioIssue, ScenarioLocation } from './scenario/index.js';
export * from './batch/index.js';
