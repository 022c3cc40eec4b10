// The domain functions the commands call, gathered so tests can swap them (a failing core,
// a canned result) while the binary uses the real ones from @strata/core-scheduler (and, loaded
// only by the commands that need them, @strata/core-vmm and @strata/core-cluster).

import { estimateExercise, runExercise, runGroupExperiment } from '@strata/core-scheduler';
import type { CostEstimate, ExerciseInput, ExerciseResult, RunControl } from '@strata/core-scheduler';
import type { NestedExperimentOptions, NestedExperimentResult } from '@strata/core-vmm';
import type { ClusterDeps } from './cluster-deps.js';
import type { GroupExperimentReport } from './group-report.js';

/** What the commands need from the packages. */
export interface CliDeps {
  /** Run one textbook scheduling exercise within `control`'s work budget. */
  readonly runExercise: (input: ExerciseInput, control?: RunControl) => ExerciseResult;
  /** A lower bound on the steps `runExercise(input)` takes. */
  readonly estimateExercise: (input: ExerciseInput) => CostEstimate;
  /** Validate a group-experiment document (parsed JSON/YAML) and run it within `control`'s budget; throws ValidationError for a bad spec. */
  readonly runGroupSpec: (document: unknown, control?: RunControl) => GroupExperimentReport;
  /**
   * Validate a nested host experiment document (parsed JSON/YAML) and run it within `options`' budget,
   * in `options.fidelity` when given; throws ValidationError for a bad spec. Absent: core-vmm's
   * `runNestedExperiment`, loaded with `strata vm host` (the other commands never load core-vmm for it).
   */
  readonly runNestedHost?: (document: unknown, options?: NestedExperimentOptions) => NestedExperimentResult;
  /** The datacenter (`strata run`, `strata compare SCENARIO`); absent: @strata/core-cluster, loaded when needed. */
  readonly cluster?: ClusterDeps;
}

/** The real implementations. `runGroupExperiment` validates with `parseGroupSpec` itself (and returns its warnings). */
export const defaultDeps: CliDeps = {
  runExercise,
  estimateExercise,
  runGroupSpec: (document, control) => runGroupExperiment(document, control),
};
