// The datacenter functions `strata run` and `strata compare SCENARIO` call, behind an interface so
// tests can run the commands in-process against a small fake datacenter.

import type { Datacenter, DatacenterOptions } from '@strata/core-cluster';
import type { Scenario } from '@strata/shared-types';

/** A validated scenario and the data files it names (batch CSVs), by the path written in it. */
export interface LoadedScenario {
  readonly scenario: Scenario;
  readonly files: ReadonlyMap<string, string>;
}

/** How a scenario reads the files it names (includes, CSVs): `relative` as written in the scenario. */
export type ScenarioFileReader = (relative: string) => string;

/** What the scenario commands need from @strata/core-cluster. */
export interface ClusterDeps {
  /** Parse and validate scenario `text` (from `path`); throws a ValidationError naming file, line, column and field. */
  readonly loadScenario: (text: string, options: { readonly path: string; readonly readFile: ScenarioFileReader }) => LoadedScenario;
  /** Build the datacenter a scenario describes. */
  readonly createDatacenter: (scenario: Scenario, options: DatacenterOptions) => Datacenter;
}

/** The real implementations, loaded only when a scenario command runs. */
export async function loadClusterDeps(): Promise<ClusterDeps> {
  const cluster = await import('@strata/core-cluster');
  return {
    loadScenario: (text, options) => cluster.loadScenario(text, options),
    createDatacenter: (scenario, options) => cluster.createDatacenter(scenario, options),
  };
}
