// The datacenter functions `strata run` and `strata compare SCENARIO` call, behind an interface so
// tests can run the commands in-process against a small fake datacenter. Two loaders: the batch
// route needs only the scenario loader and the batch engine (`@strata/core-cluster/batch`, which
// skips the container kernel, the network and the datacenter); the datacenter needs the package.

import type { BatchRun, ClusterDatacenter, Datacenter, DatacenterOptions } from '@strata/core-cluster';
import type { Scenario } from '@strata/shared-types';

/** A validated scenario and the data files it names (batch CSVs), by the path written in it. */
export interface LoadedScenario {
  readonly scenario: Scenario;
  readonly files: ReadonlyMap<string, string>;
}

/** How a scenario reads the files it names (includes, CSVs): `relative` as written in the scenario. */
export type ScenarioFileReader = (relative: string) => string;

/** What a batch run offers the CLI (a part of core-cluster's `BatchRun`). */
export type BatchOutcome = Pick<BatchRun, 'scheduler' | 'vmHost' | 'vmNames' | 'oversubscribedHosts' | 'summary' | 'events' | 'simulatedUs' | 'rows' | 'csvBytes'>;

/** What the CLI uses of a datacenter: the contract and the per-job batch queries (`--results`). */
export type CliDatacenter = Datacenter & Pick<ClusterDatacenter, 'jobRows' | 'jobsCsvBytes'>;

/** The scenario loader and the batch engine: all a batch-only scenario needs. */
export interface BatchDeps {
  /** Parse and validate scenario `text` (from `path`); throws a ValidationError naming file, line, column and field. */
  readonly loadScenario: (text: string, options: { readonly path: string; readonly readFile: ScenarioFileReader }) => LoadedScenario;
  /** Run a scenario's CloudSim-style batch workloads to completion (or `until`, µs) on the batch engine. */
  readonly runBatch: (scenario: Scenario, files: ReadonlyMap<string, string>, options: { readonly until?: number }) => BatchOutcome;
}

/** What the scenario commands need from @strata/core-cluster. */
export interface ClusterDeps extends BatchDeps {
  /** Build the datacenter a scenario describes. */
  readonly createDatacenter: (scenario: Scenario, options: DatacenterOptions) => CliDatacenter;
}

/** The loader and the batch engine from `@strata/core-cluster/batch`, loaded only when a scenario command runs. */
export async function loadBatchDeps(): Promise<BatchDeps> {
  const batch = await import('@strata/core-cluster/batch');
  return {
    loadScenario: (text, options) => batch.loadScenario(text, options),
    runBatch: (scenario, files, options) => batch.runBatchScenario(scenario, files, options),
  };
}

/** The real implementations (the whole package), loaded only when a datacenter has to run. */
export async function loadClusterDeps(): Promise<ClusterDeps> {
  const cluster = await import('@strata/core-cluster');
  return {
    loadScenario: (text, options) => cluster.loadScenario(text, options),
    createDatacenter: (scenario, options) => cluster.createDatacenter(scenario, options),
    runBatch: (scenario, files, options) => cluster.runBatchScenario(scenario, files, options),
  };
}
