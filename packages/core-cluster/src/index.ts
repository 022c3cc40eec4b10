// @strata/core-cluster: the datacenter. Each part adds its export block here.

export type { ClusterEvent, DatacenterOptions, HostView, VmView, ContainerView, Series, Summary, RunReport, Datacenter } from './types.js';

// Metrics: fixed-interval series, summaries (nearest-rank percentiles), streaming summaries.
export { createMetricsRecorder, createSummaryAccumulator, EMPTY_SUMMARY, nearestRank, percentileOfSorted, summarize } from './metrics/index.js';
export type { MetricsRecorder, MetricsRecorderOptions, SummaryAccumulator, SummaryAccumulatorOptions } from './metrics/index.js';

// Energy: power models (linear, SPECpower table) and per-host energy meters.
export { checkUtilization, createEnergyMeter, powerModel, WATT_MICROS_PER_KWH } from './energy/index.js';
export type { EnergyMeter, EnergyReport, PowerModel, PowerSpecInput } from './energy/index.js';

// Scenario files: loadScenario (YAML/JSON, includes, file:line:col errors) and instance naming.
export {
  loadScenario,
  parseIssuePath,
  INCLUDABLE_LISTS,
  MAX_SCENARIO_TEXT,
  MAX_SCENARIO_DATA_FILE,
  MAX_INCLUDE_DEPTH,
  MAX_INCLUDED_FILES,
  expandInstances,
  machineInstanceName,
  machineInstanceNames,
  instanceCount,
  containerInstanceName,
  containerTargets,
  indexMachines,
  resolveScenarioPath,
} from './scenario/index.js';
export type {
  LoadScenarioOptions,
  LoadedScenario,
  ScenarioFileReader,
  ScenarioIssue,
  ScenarioLocation,
  NamedTemplate,
  ContainerTarget,
  MachineIndex,
  HostInstance,
  VmInstance,
  ContainerInstance,
  ScenarioInstances,
  ResolvedPath,
} from './scenario/index.js';

// Datacenter: createDatacenter(scenario, options) builds hosts, placed VMs, containers in VMs or on
// bare metal and networks, drives every model on one core-sim queue, and answers commands and queries.
export { createDatacenter, DEFAULT_MAX_STEPS, VCPU_ALLOCATION_RATIO, KernelGuest } from './datacenter/index.js';
export type { ClusterDatacenter, PlacementExplanation, Topology } from './datacenter/index.js';

// Batch workloads (issue 13): CloudSim-style jobs (CSV) on VMs, time-shared or space-shared, exact to
// the µs; a passive model, a batch-only scenario runner, jobs.csv output and a seeded generator.
export * from './batch/index.js';
