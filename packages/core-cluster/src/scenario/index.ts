// Scenario files: loading (YAML/JSON, includes, located errors) and the instance-naming rule.
export {
  loadScenario,
  parseIssuePath,
  INCLUDABLE_LISTS,
  MAX_SCENARIO_TEXT,
  MAX_SCENARIO_DATA_FILE,
  MAX_INCLUDE_DEPTH,
  MAX_INCLUDED_FILES,
} from './load-scenario.js';
export type { LoadScenarioOptions, LoadedScenario, ScenarioFileReader, ScenarioIssue, ScenarioLocation } from './load-scenario.js';
export {
  expandInstances,
  machineInstanceName,
  machineInstanceNames,
  instanceCount,
  containerInstanceName,
  containerTargets,
  indexMachines,
} from './instances.js';
export type { NamedTemplate, ContainerTarget, MachineIndex, HostInstance, VmInstance, ContainerInstance, ScenarioInstances } from './instances.js';
export { resolveScenarioPath } from './scenario-paths.js';
export type { ResolvedPath } from './scenario-paths.js';
